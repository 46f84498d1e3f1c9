/**
 * Turns the s390x `Krnl Code:` listing into `Instruction[]`. The s390 kernel disassembles the code
 * around the PSW itself (arch/s390/kernel/dis.c, show_code): one line per instruction,
 * `[#>]<address>: <hex bytes><TAB><mnemonic><TAB><operands>`, where `>` marks the instruction at the
 * PSW address and `#` the one before it. The mnemonic and operand text are the kernel's; the
 * structured operands and registers come from decoding the same bytes with Capstone (SystemZ).
 *
 * Which of the two marked lines faulted depends on the program interruption: for a nullified access
 * exception (page/segment translation) the PSW points at the faulting instruction (`>`); for a
 * monitor call used by BUG/WARN (`mc`) or a completed instruction, the PSW is past it and the
 * culprit is the `#` line. `faulting` is the `>` line; `s390Marker` keeps both marks.
 */

import { OopsError } from "../errors.js";
import { decodeRun } from "./capstone.js";
import type { DisasmTarget, Instruction } from "./types.js";

const LINE = /^\s*([#>])?\s*([0-9a-fA-F]+):\s+([0-9a-fA-F]+)\s+(\S+)(?:\s+(.*?))?\s*$/;
const TARGET: DisasmTarget = { arch: "s390x", endian: "big" };

/** One parsed `Krnl Code:` line before decoding. */
export interface KrnlCodeLine {
  address: bigint;
  bytes: Uint8Array;
  mnemonic: string;
  opStr: string;
  marker?: "#" | ">";
}

/** Parse the lines (the first may still carry the `Krnl Code:` prefix); unparsable lines are skipped. */
export function parseKrnlCodeLines(lines: readonly string[]): KrnlCodeLine[] {
  const out: KrnlCodeLine[] = [];
  for (const raw of lines) {
    const text = raw.replace(/^.*?Krnl Code:/, "");
    const m = LINE.exec(text);
    if (!m) continue;
    const [, mark, addr, hexs, mn, ops] = m;
    if (!addr || !hexs || !mn || hexs.length % 2 !== 0) continue;
    const bytes = new Uint8Array(hexs.length / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hexs.slice(2 * i, 2 * i + 2), 16);
    const line: KrnlCodeLine = { address: BigInt(`0x${addr}`), bytes, mnemonic: mn, opStr: (ops ?? "").trim() };
    if (mark === "#" || mark === ">") line.marker = mark;
    out.push(line);
  }
  return out;
}

/**
 * `Krnl Code:` listing → instructions. Offsets are relative to the first listed instruction; `address`
 * is the kernel's. `pc`, if given, must match the `>` line (it is the PSW address).
 */
export function parseKrnlCode(lines: readonly string[], pc?: bigint): Instruction[] {
  const parsed = parseKrnlCodeLines(lines);
  const first = parsed[0];
  if (!first) throw new OopsError("E_CODE_BYTES", "no instruction found in the Krnl Code: listing");
  const psw = parsed.find((l) => l.marker === ">");
  if (pc !== undefined && psw && psw.address !== pc)
    throw new OopsError(
      "E_CODE_BYTES",
      `Krnl Code: marks 0x${psw.address.toString(16)}, the PSW is 0x${pc.toString(16)}`,
    );
  return parsed.map((l) => {
    const d = decodeRun(TARGET, l.bytes, l.address, 1).insns[0];
    const insn: Instruction = {
      offset: Number(l.address - first.address),
      address: l.address,
      bytes: l.bytes,
      mnemonic: l.mnemonic,
      opStr: l.opStr,
      operands: d?.operands ?? [],
      regsRead: d?.regsRead ?? [],
      regsWritten: d?.regsWritten ?? [],
      faulting: l.marker === ">",
      groups: d?.groups ?? [],
      accessComplete: false,
    };
    if (l.marker) insn.s390Marker = l.marker;
    if (!d) insn.bad = true;
    return insn;
  });
}
