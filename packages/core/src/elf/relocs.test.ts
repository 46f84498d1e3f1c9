/**
 * RISC-V relocations no installed assembler emits yet (binutils 2.40 refuses a non-constant
 * `.uleb128`; R_RISCV_SET_ULEB128/SUB_ULEB128 arrived later), checked on a hand-built ET_REL object
 * against values worked out by hand from the RISC-V ELF psABI formulas, plus the 6-bit and 16-bit
 * ADD/SUB/SET forms. The assembler-made relocations of every other type are checked against readelf
 * in elf.test.ts.
 */

import { describe, expect, it } from "vitest";
import { bytesSource } from "../binary/source.js";
import { OopsError } from "../errors.js";
import { ElfDebugSections } from "./debug-sections.js";
import { ElfFile } from "./file.js";

interface Sec {
  name: string;
  type: number;
  flags?: number;
  data: Uint8Array;
  link?: number;
  info?: number;
  entsize?: number;
}

/** A little-endian ELF64 ET_REL file with the given sections (index 0 and .shstrtab added). */
function buildRel64(machine: number, secs: Sec[]): Uint8Array {
  const names = [0];
  let strtab = "\0";
  for (const s of secs) {
    names.push(strtab.length);
    strtab += `${s.name}\0`;
  }
  const shstrName = strtab.length;
  strtab += ".shstrtab\0";
  const all: Sec[] = [...secs, { name: ".shstrtab", type: 3, data: new TextEncoder().encode(strtab) }];
  const offsets: number[] = [];
  let at = 64;
  for (const s of all) {
    at = (at + 7) & ~7;
    offsets.push(at);
    at += s.data.length;
  }
  const shoff = (at + 7) & ~7;
  const out = new Uint8Array(shoff + 64 * (all.length + 1));
  const v = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  v.setUint16(16, 1, true); // ET_REL
  v.setUint16(18, machine, true);
  v.setUint32(20, 1, true);
  v.setBigUint64(40, BigInt(shoff), true);
  v.setUint16(52, 64, true);
  v.setUint16(58, 64, true);
  v.setUint16(60, all.length + 1, true);
  v.setUint16(62, all.length, true);
  all.forEach((s, i) => {
    out.set(s.data, offsets[i]!);
    const h = shoff + 64 * (i + 1);
    v.setUint32(h, i < secs.length ? names[i + 1]! : shstrName, true);
    v.setUint32(h + 4, s.type, true);
    v.setBigUint64(h + 8, BigInt(s.flags ?? 0), true);
    v.setBigUint64(h + 24, BigInt(offsets[i]!), true);
    v.setBigUint64(h + 32, BigInt(s.data.length), true);
    v.setUint32(h + 40, s.link ?? 0, true);
    v.setUint32(h + 44, s.info ?? 0, true);
    v.setBigUint64(h + 48, 1n, true);
    v.setBigUint64(h + 56, BigInt(s.entsize ?? 0), true);
  });
  return out;
}

/** Elf64_Sym entries: [name offset, value, section index]. */
function symtab(entries: [number, bigint, number][]): Uint8Array {
  const out = new Uint8Array(24 * (entries.length + 1));
  const v = new DataView(out.buffer);
  entries.forEach(([name, value, shndx], i) => {
    const o = 24 * (i + 1);
    v.setUint32(o, name, true);
    out[o + 4] = 0; // STB_LOCAL, STT_NOTYPE
    v.setUint16(o + 6, shndx, true);
    v.setBigUint64(o + 8, value, true);
  });
  return out;
}

/** Elf64_Rela entries: [offset, symbol index, type, addend]. */
function rela(entries: [number, number, number, bigint][]): Uint8Array {
  const out = new Uint8Array(24 * entries.length);
  const v = new DataView(out.buffer);
  entries.forEach(([off, sym, type, addend], i) => {
    v.setBigUint64(24 * i, BigInt(off), true);
    v.setBigUint64(24 * i + 8, (BigInt(sym) << 32n) | BigInt(type), true);
    v.setBigInt64(24 * i + 16, addend, true);
  });
  return out;
}

const EM_RISCV = 243;
// Sections: 1 .text, 2 .debug_x, 3 .rela.debug_x, 4 .symtab, 5 .strtab, 6 .shstrtab (added).
// Symbols: 1 La = .text+0x34, 2 Lb = .text+0x1234.
function riscvObject(debug: Uint8Array, relocs: [number, number, number, bigint][]) {
  return buildRel64(EM_RISCV, [
    { name: ".text", type: 1, flags: 6, data: new Uint8Array(0x2000) },
    { name: ".debug_x", type: 1, data: debug },
    { name: ".rela.debug_x", type: 4, flags: 0x40, data: rela(relocs), link: 4, info: 2, entsize: 24 },
    {
      name: ".symtab",
      type: 2,
      data: symtab([
        [1, 0x34n, 1],
        [4, 0x1234n, 1],
      ]),
      link: 5,
      info: 3,
      entsize: 24,
    },
    { name: ".strtab", type: 3, data: new TextEncoder().encode("\0La\0Lb\0") },
  ]);
}

async function relocated(bytes: Uint8Array): Promise<Uint8Array> {
  const ds = new ElfDebugSections(await ElfFile.open(bytesSource(bytes)), { layout: "zero" });
  return (await ds.section(".debug_x"))!;
}

describe("RISC-V psABI arithmetic relocations", () => {
  it("SET_ULEB128 then SUB_ULEB128 write Lb - La in the bytes the assembler reserved", async () => {
    // Field: a 3-byte ULEB128 placeholder (0x80 0x80 0x00) then a sentinel 0xee.
    // SET_ULEB128(Lb) gives 0x1234; SUB_ULEB128(La) takes 0x34 off: 0x1200 = 4608.
    // 4608 in 3 ULEB bytes: low 7 bits 0 -> 0x80; next 7 bits 36 -> 0xa4; last 0 -> 0x00.
    const got = await relocated(
      riscvObject(new Uint8Array([0x80, 0x80, 0x00, 0xee]), [
        [0, 2, 60, 0n],
        [0, 1, 61, 0n],
      ]),
    );
    expect([...got]).toEqual([0x80, 0xa4, 0x00, 0xee]);
  });

  it("ADD16/SUB16, SET6/SUB6 and SET8 follow S + A with the field's own bits kept", async () => {
    // Bytes 0-1: a 16-bit field holding 5: ADD16(Lb, +2) -> 5 + 0x1236 = 0x123b; SUB16(La) -> 0x1207.
    // Byte 2: 0xc5 (top two bits belong to the DW_CFA opcode): SUB6(La = 0x34, A = 0) ->
    // (5 - 0x34) & 0x3f = 0x11, top bits kept: 0xd1. Byte 3: SET6(Lb) -> 0x1234 & 0x3f = 0x34 | 0x40 = 0x74.
    // Byte 4: SET8(La, +1) = 0x35.
    const got = await relocated(
      riscvObject(new Uint8Array([5, 0, 0xc5, 0x40, 0]), [
        [0, 2, 34, 2n],
        [0, 1, 38, 0n],
        [2, 1, 52, 0n],
        [3, 2, 53, 0n],
        [4, 1, 54, 1n],
      ]),
    );
    expect([...got]).toEqual([0x07, 0x12, 0xd1, 0x74, 0x35]);
  });

  it("refuses an unknown type, naming it, and an offset past the section", async () => {
    const e1 = await relocated(riscvObject(new Uint8Array(8), [[0, 1, 199, 0n]])).catch((e) => e);
    expect(e1).toBeInstanceOf(OopsError);
    expect(e1.code).toBe("E_ELF_RELOCATION");
    expect(e1.message).toContain("RISC-V relocation type 199 in .rela.debug_x (applied to .debug_x) is not supported");
    const e2 = await relocated(riscvObject(new Uint8Array(8), [[6, 1, 2, 0n]])).catch((e) => e);
    expect(e2.code).toBe("E_ELF_RELOCATION");
    expect(e2.message).toContain("R_RISCV_64 at 0x6 runs past the end of .debug_x (8 bytes)");
  });
});
