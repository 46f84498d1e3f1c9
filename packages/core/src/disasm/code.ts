/**
 * Turns an oops `Code:` window (the bytes around the faulting pc, with the `<..>`/`(..)` unit marked)
 * into a list of decoded instructions with the faulting one marked.
 *
 * Fixed-width code (AArch64, ARM, MIPS, PowerPC) decodes from the first byte. Variable-length code
 * (x86, Thumb-2, RISC-V with compressed instructions) may start mid-instruction, because the kernel
 * dumps a fixed number of bytes before the pc (arch/x86/kernel/dumpstack.c prints 42 bytes before and
 * 22 after): like the kernel's scripts/decodecode and syzkaller's `Code disassembly (best guess)`, we
 * try successive start offsets and keep the first whose decoding lands exactly on the marked unit
 * without undecodable bytes before it. s390x is special: the kernel already disassembled the window
 * (`Krnl Code:`), see `s390.ts`.
 */

import { OopsError } from "../errors.js";
import { type DecodedInsn, decodeRun } from "./capstone.js";
import { parseKrnlCode } from "./s390.js";
import type { DisasmTarget, Instruction } from "./types.js";

export interface CodeInput {
  /** Bytes in memory order. */
  bytes: Uint8Array;
  /** Offset of the marked (faulting) unit; undefined when the window has no mark. */
  faultIndex?: number;
  /** s390x: the `Krnl Code:` lines as the kernel printed them. */
  listing?: string[];
}

/** Smallest decodable unit: the step of the start search and the size of an undecodable chunk. */
function unitOf(t: DisasmTarget): number {
  switch (t.arch) {
    case "x86_64":
    case "i386":
      return 1;
    case "riscv64":
      return 2;
    case "arm":
      return t.thumb ? 2 : 4;
    case "s390x":
      return 2;
    default:
      return 4;
  }
}

/** Longest instruction, bounding the start search: x86 15 bytes (SDM vol. 2, 2.3.11), Thumb-2 and RISC-V 4. */
function maxInsnLength(t: DisasmTarget): number {
  if (t.arch === "x86_64" || t.arch === "i386") return 15;
  if (t.arch === "s390x") return 6;
  return 4;
}

function badInsn(bytes: Uint8Array, offset: number, len: number, base: bigint): DecodedInsn & { offset: number } {
  const b = bytes.slice(offset, offset + len);
  const hexs = [...b].map((x) => x.toString(16).padStart(2, "0"));
  return {
    offset,
    address: base + BigInt(offset),
    bytes: b,
    mnemonic: len === 1 ? ".byte" : len === 2 ? ".short" : ".word",
    opStr: `0x${len === 1 ? hexs.join("") : hexs.join("")}`,
    operands: [],
    regsRead: [],
    regsWritten: [],
    groups: [],
    accessComplete: true,
  };
}

type Placed = DecodedInsn & { offset: number; bad?: boolean };

/** Decode linearly from `start` to the end; undecodable units become `.byte`/`.short`/`.word` entries. */
function linear(t: DisasmTarget, bytes: Uint8Array, start: number, base: bigint): Placed[] {
  const unit = unitOf(t);
  const out: Placed[] = [];
  let pos = start;
  while (pos < bytes.length) {
    const { insns, consumed } = decodeRun(t, bytes.subarray(pos), base + BigInt(pos));
    let off = pos;
    for (const d of insns) {
      out.push({ ...d, offset: off });
      off += d.bytes.length;
    }
    pos += consumed;
    // Nothing decodable here: show one unit as data and go on after it.
    if (consumed === 0) {
      const len = Math.min(unit, bytes.length - pos);
      out.push({ ...badInsn(bytes, pos, len, base), bad: true });
      pos += len;
    }
  }
  return out;
}

/**
 * Instruction starts up to `end` when decoding from `start`, and whether an undecodable unit came
 * before `end`. Lengths only: no operand detail is read.
 */
function boundaries(
  t: DisasmTarget,
  bytes: Uint8Array,
  start: number,
  end: number,
): { starts: Set<number>; bad: boolean } {
  const unit = unitOf(t);
  const starts = new Set<number>();
  let bad = false;
  let pos = start;
  while (pos <= end && pos < bytes.length) {
    const lengths: number[] = [];
    // Decode a little past `end` so that an instruction starting at `end` is seen.
    decodeRun(t, bytes.subarray(pos, Math.min(bytes.length, end + maxInsnLength(t))), 0n, 0, lengths);
    for (const len of lengths) {
      if (pos > end) break;
      starts.add(pos);
      pos += len;
    }
    if (pos >= end) break;
    // Nothing decodable here: an undecodable unit before `end`; skip it.
    if (lengths.length === 0) {
      bad = true;
      pos += unit;
    }
  }
  return { starts, bad };
}

/** Pick the decoding start for variable-length code: see the file comment. */
function bestStart(t: DisasmTarget, bytes: Uint8Array, fault: number, base: bigint): Placed[] {
  const unit = unitOf(t);
  const limit = Math.min(fault, maxInsnLength(t) - unit);
  let fallback: number | undefined;
  for (let start = 0; start <= limit; start += unit) {
    const b = boundaries(t, bytes, start, fault);
    if (!b.starts.has(fault)) continue;
    if (!b.bad) return linear(t, bytes, start, base);
    fallback ??= start;
  }
  // No start lands on the mark: the mark itself is an instruction start, so decode from there.
  return linear(t, bytes, fallback ?? fault, base);
}

/**
 * Decode a Code: window. `pc`, when known, is the address of the faulting instruction; every
 * instruction then carries its absolute address and branch targets are absolute. Without it the
 * window is placed at address 0, as `objdump -b binary` does. Needs `initDisassembler()` first.
 */
export function disassembleCode(target: DisasmTarget, code: CodeInput, pc?: bigint): Instruction[] {
  if (target.arch === "s390x" && code.listing && code.listing.length > 0) return parseKrnlCode(code.listing);
  const { bytes, faultIndex } = code;
  if (bytes.length === 0) throw new OopsError("E_CODE_BYTES", "the Code: window holds no bytes");
  if (faultIndex !== undefined && (!Number.isInteger(faultIndex) || faultIndex < 0 || faultIndex >= bytes.length))
    throw new OopsError("E_CODE_BYTES", `fault index ${faultIndex} is outside the ${bytes.length}-byte window`);
  const base = pc !== undefined && faultIndex !== undefined ? BigInt.asUintN(64, pc - BigInt(faultIndex)) : 0n;
  const unit = unitOf(target);
  let placed: Placed[];
  if (faultIndex === undefined) placed = linear(target, bytes, 0, base);
  else if (unit < maxInsnLength(target)) placed = bestStart(target, bytes, faultIndex, base);
  else placed = linear(target, bytes, 0, base);
  return placed.map((d) => {
    const insn: Instruction = {
      offset: d.offset,
      bytes: d.bytes,
      mnemonic: d.mnemonic,
      opStr: d.opStr,
      operands: d.operands,
      regsRead: d.regsRead,
      regsWritten: d.regsWritten,
      faulting: d.offset === faultIndex,
      groups: d.groups,
      accessComplete: d.accessComplete,
    };
    if (pc !== undefined && faultIndex !== undefined) insn.address = d.address;
    if (d.writeback) insn.writeback = true;
    if (d.bad) insn.bad = true;
    return insn;
  });
}
