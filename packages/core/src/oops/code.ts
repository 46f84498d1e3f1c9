/**
 * Instruction bytes around the fault: turns the text of an oops `Code:` line (or PowerPC's
 * `Instruction dump:` words, or s390x's `Krnl Code:` listing) into a `CodeWindow` — the bytes in
 * memory order and the byte offset of the faulting unit.
 *
 * How the kernel prints them (facts from the show_code/dump_instr code of each architecture):
 * - x86 prints single bytes `%02x`, the faulting byte as `<xx>` (arch/x86/kernel/dumpstack.c).
 * - arm64, MIPS and PowerPC print whole 32-bit words as numbers, the faulting one in `(…)` on arm64,
 *   `<…>` on MIPS and PowerPC; a word's bytes in memory depend on the CPU's byte order.
 * - 32-bit ARM prints ARM words `%08x` or, in Thumb state, halfwords `%04x`, faulting unit in `(…)`.
 * - RISC-V prints 16-bit parcels `%04x`, faulting parcel in `(…)`.
 * - s390x disassembles in the kernel: `Krnl Code: ADDR: HEX  mnemonic operands`, `>` marks the
 *   instruction at the PSW address and `#` the one before it.
 */

import type { Endian } from "../arch/types.js";
import type { CodeWindow } from "./model.js";

const UNIT = /^([<(]?)([0-9a-fA-F]+)([>)]?)$/;

/**
 * Decode the unit text of a `Code:`-style line. `endian` is the CPU byte order (applies to word and
 * halfword units). Returns undefined when the text holds no code units (`Bad RIP value.`,
 * `Unable to access opcode bytes at …`, `bad PC value`).
 */
export function decodeCodeUnits(text: string, endian: Endian): CodeWindow | undefined {
  const toks = text.trim().split(/\s+/);
  const units: { value: number; width: number }[] = [];
  let faultUnit = -1;
  let width = 0;
  for (const tok of toks) {
    if (tok === "") continue;
    const m = UNIT.exec(tok);
    if (!m) {
      // A trailing non-unit token (cut line, prose) ends the window; a leading one means no code.
      if (units.length === 0) return undefined;
      break;
    }
    const digits = m[2] ?? "";
    if (digits.length !== 2 && digits.length !== 4 && digits.length !== 8) {
      if (units.length === 0) return undefined;
      break;
    }
    // A window mixes widths only when a line was cut; stop at the first unit of a different width.
    if (width !== 0 && digits.length !== width) break;
    if (width === 0) width = digits.length;
    if (m[1] && m[3]) faultUnit = units.length;
    units.push({ value: Number.parseInt(digits, 16), width: digits.length / 2 });
  }
  if (units.length === 0) return undefined;
  const total = units.reduce((s, u) => s + u.width, 0);
  const bytes = new Uint8Array(total);
  let off = 0;
  let faultIndex: number | undefined;
  units.forEach((u, i) => {
    if (i === faultUnit) faultIndex = off;
    for (let b = 0; b < u.width; b++) {
      const shift = endian === "little" ? b * 8 : (u.width - 1 - b) * 8;
      bytes[off + b] = (u.value >>> shift) & 0xff;
    }
    off += u.width;
  });
  const first = units[0]?.width ?? 1;
  const unitSize: 1 | 2 | 4 = first === 1 ? 1 : first === 2 ? 2 : 4;
  const win: CodeWindow = { text: text.trim(), bytes, unitSize };
  if (faultIndex !== undefined) win.faultIndex = faultIndex;
  return win;
}

const LISTING = /^\s*([#>]?)([0-9a-f]{8,16}):\s+([0-9a-f]+)\s*(.*)$/;

/** Decode an s390x `Krnl Code:` listing (first line's text plus its continuation lines). */
export function decodeS390Listing(lines: readonly string[]): CodeWindow | undefined {
  const hexes: string[] = [];
  const listing: string[] = [];
  let faultIndex: number | undefined;
  let off = 0;
  for (const line of lines) {
    const m = LISTING.exec(line);
    if (!m) break;
    const hexText = m[3] ?? "";
    if (hexText.length % 2 !== 0) break;
    if (m[1] === ">") faultIndex = off;
    hexes.push(hexText);
    listing.push(line.trim());
    off += hexText.length / 2;
  }
  if (hexes.length === 0) return undefined;
  const all = hexes.join("");
  const bytes = new Uint8Array(all.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(all.slice(i * 2, i * 2 + 2), 16);
  const win: CodeWindow = { text: listing.join("\n"), bytes, unitSize: 1, listing };
  if (faultIndex !== undefined) win.faultIndex = faultIndex;
  return win;
}
