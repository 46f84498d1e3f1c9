/**
 * One `oopscope symbolize` query as the command prints it: a line of input (an address or
 * `symbol+offset[/size]`) in; its frames, the text block or `--json` entry they print as, and the
 * per-query error message out. The single-threaded command (symbolize.ts) and its worker threads
 * (symbolize-jobs.ts) both answer through these functions, so both print the same bytes.
 */

import {
  type DwarfSymbolizer,
  isOopsError,
  OopsError,
  type SourceFrame,
  type SymbolizeQuery,
} from "@oopscope/core/symbolizer";
import type { ObjectResolver } from "../objects.js";

/** ELF e_type of a relocatable object (System V gABI). */
const ET_REL = 1;

/** `0x1f`, `1f` → address; `name+0x1/0x2`, `name` → symbol query. */
export function parseQuery(s: string): SymbolizeQuery {
  const t = s.trim();
  if (/^(0x)?[0-9a-fA-F]+$/.test(t)) return { address: BigInt(t.startsWith("0x") ? t : `0x${t}`) };
  const m = /^([A-Za-z_.$][\w.$]*)(?:\+(0x[0-9a-fA-F]+|\d+))?(?:\/(0x[0-9a-fA-F]+|\d+))?$/.exec(t);
  if (!m?.[1]) throw new OopsError("E_USAGE", `not an address or symbol+offset: ${JSON.stringify(s)}`);
  const q: SymbolizeQuery = { symbol: m[1], offset: m[2] ? BigInt(m[2]) : 0n };
  if (m[3]) q.size = BigInt(m[3]);
  return q;
}

/** The text answer: `function` and `file:line:column` per frame, innermost first (addr2line -f -i). */
export function textFrames(frames: SourceFrame[]): string {
  return frames.map((f) => `${f.function ?? "??"}\n${f.file ?? "??"}:${f.line ?? 0}:${f.column ?? 0}\n`).join("");
}

/** A frame of the `--json` document. */
export function jsonFrame(f: SourceFrame) {
  return {
    function: f.function ?? null,
    file: f.file ?? null,
    line: f.line ?? 0,
    column: f.column ?? 0,
    inlined: f.inlined,
  };
}

/**
 * One element of the `--json` array exactly as `JSON.stringify(doc, null, 2)` prints it inside the
 * array: indented one level, without the separating `,\n`. (JSON strings hold no raw newline, so
 * indenting every line break is indenting every line.)
 */
export function jsonEntry(input: string, frames: SourceFrame[]): string {
  return `  ${JSON.stringify({ input, frames: frames.map(jsonFrame) }, null, 2).replace(/\n/g, "\n  ")}`;
}

/** An answer with no function and no file: the command exits 1 if any query gets one. */
export function isUnknown(frames: SourceFrame[]): boolean {
  return frames.every((f) => f.function === undefined && f.file === undefined);
}

export interface OpenObject {
  sym: DwarfSymbolizer;
  /** The section addresses are offsets into: `--section`, else `.text` for a relocatable object. */
  section: string | undefined;
}

/** Opens `--obj`: relocatable objects (.ko, .o) take section offsets, linked ones (vmlinux) addresses. */
export async function openObject(objects: ObjectResolver, path: string, section?: string): Promise<OpenObject> {
  const sym = await objects.symbolizerForFile(path);
  const elf = (sym.sections as { elf?: { type?: number } }).elf;
  const relocatable = elf?.type === ET_REL;
  return { sym, section: section ?? (relocatable ? ".text" : undefined) };
}

/**
 * Answers one input line. A query the object cannot answer (a bad spelling, an unknown symbol,
 * malformed DWARF at that address) gets one empty frame (`??`) and its error message; an I/O error
 * or a non-`OopsError` is thrown (it ends the run).
 */
export async function answerQuery(
  obj: OpenObject,
  input: string,
  returnAddress: boolean,
): Promise<{ frames: SourceFrame[]; error?: string }> {
  try {
    const q = parseQuery(input);
    if (q.address !== undefined && obj.section !== undefined) q.section = obj.section;
    if (returnAddress) q.returnAddress = true;
    return { frames: await obj.sym.symbolize(q) };
  } catch (e) {
    if (!isOopsError(e) || e.code === "E_IO") throw e;
    return { frames: [{ inlined: false }], error: e.message };
  }
}
