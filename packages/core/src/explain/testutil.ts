/**
 * Test helpers for explain/: a console log (file text) → its first crash, through the real oops
 * parser, and that crash's Code: window → instructions, through the real disassembler. syzkaller
 * report files carry a `KEY: value` header before a blank line; it is cut off first. Used only by
 * *.test.ts files and bench/explain.mjs.
 */

import { ARCHES } from "../arch/table.js";
import { disassembleCode } from "../disasm/code.js";
import type { Instruction } from "../disasm/types.js";
import type { Crash } from "../oops/model.js";
import { parseLog } from "../oops/parse.js";

/** The log part of a syzkaller report file (or the text unchanged). */
export function logBody(text: string): string {
  return /^(TITLE:|# source:)/.test(text) ? text.slice(text.indexOf("\n\n") + 2) : text;
}

/** The first crash of a log, parsed by `parseLog`. */
export function firstCrash(text: string): Crash {
  const c = parseLog(logBody(text)).crashes[0];
  if (!c) throw new Error("no crash in the log");
  return c;
}

/** Decode the crash's Code: window with the real disassembler (empty when there is none). */
export function decode(c: Crash): Instruction[] {
  if (!c.code || !c.arch) return [];
  const input: { bytes: Uint8Array; faultIndex?: number; listing?: string[] } = { bytes: c.code.bytes };
  if (c.code.faultIndex !== undefined) input.faultIndex = c.code.faultIndex;
  if (c.code.listing) input.listing = c.code.listing;
  const endian = c.endian ?? ARCHES[c.arch].defaultEndian;
  const octeon = /octeon/i.test(c.cpuModel ?? "");
  return disassembleCode({ arch: c.arch, endian, octeon, thumb: c.code.thumb ?? false }, input, c.pc?.address);
}
