// Differential tests of the DWARF symbolizer against llvm-symbolizer and GNU addr2line answers that
// packages/core/test-data/dwarf/build.sh committed beside the objects it compiled (gcc, DWARF 2–5,
// 32- and 64-bit DWARF, type units, x86-64 / MIPS64 Octeon / AArch64).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { DebugSections } from "../dwarf/sections.js";
import { OopsError } from "../errors.js";
import { openSymbolizer } from "./symbolizer.js";
import type { SourceFrame } from "./types.js";

const DATA = join(__dirname, "../../test-data/dwarf/out");

/**
 * A test-only `DebugSections` over a linked ELF file: section headers only, no relocation, no
 * compression (the objects here need neither).
 */
function elfSections(bytes: Uint8Array): DebugSections & { names: string[] } {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const is64 = bytes[4] === 2;
  const le = bytes[5] === 1;
  const u16 = (o: number) => dv.getUint16(o, le);
  const u32 = (o: number) => dv.getUint32(o, le);
  const addr = (o: number) => (is64 ? Number(dv.getBigUint64(o, le)) : u32(o));
  const shoff = addr(is64 ? 0x28 : 0x20);
  const shentsize = u16(is64 ? 0x3a : 0x2e);
  const shnum = u16(is64 ? 0x3c : 0x30);
  const shstrndx = u16(is64 ? 0x3e : 0x32);
  const sh = (i: number) => {
    const b = shoff + i * shentsize;
    return is64
      ? { name: u32(b), offset: addr(b + 0x18), size: addr(b + 0x20), addr: dv.getBigUint64(b + 0x10, le) }
      : { name: u32(b), offset: u32(b + 0x10), size: u32(b + 0x14), addr: BigInt(u32(b + 0x0c)) };
  };
  const strtab = sh(shstrndx);
  const map = new Map<string, { offset: number; size: number; addr: bigint }>();
  for (let i = 0; i < shnum; i++) {
    const s = sh(i);
    const start = strtab.offset + s.name;
    const name = new TextDecoder().decode(bytes.subarray(start, bytes.indexOf(0, start)));
    map.set(name, s);
  }
  return {
    names: [...map.keys()],
    littleEndian: le,
    addressSize: is64 ? 8 : 4,
    machine: u16(0x12),
    sectionSize: (n) => map.get(n)?.size,
    section: async (n) => {
      const s = map.get(n);
      return s ? bytes.subarray(s.offset, s.offset + s.size) : undefined;
    },
    sectionRange: async (n, off, len) => {
      const s = map.get(n);
      if (!s) throw new Error(`no ${n}`);
      return bytes.subarray(s.offset + off, s.offset + Math.min(s.size, off + len));
    },
    sectionAddress: (n) => map.get(n)?.addr,
  };
}

interface LlvmAnswer {
  Address: string;
  Symbol: { FunctionName: string; FileName: string; Line: number; Column: number }[];
}

function llvmGolden(name: string): LlvmAnswer[] {
  return readFileSync(join(DATA, `${name}.llvm.jsonl`), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as LlvmAnswer);
}

/** llvm-symbolizer prints `??` / empty / 0 for unknowns; normalise our frames the same way. */
function asLlvm(frames: SourceFrame[]) {
  return frames.map((f) => ({
    FunctionName: f.function ?? "",
    FileName: f.file ?? "",
    Line: f.line ?? 0,
    Column: f.column ?? 0,
  }));
}

const LINKED = [
  "x86-O0-dw4",
  "x86-O2-dw4",
  "x86-O0-dw5",
  "x86-O2-dw5",
  "x86-O2-dw2",
  "x86-O2-dw3",
  "x86-O2-dw5-64",
  "x86-O2-dw4-types",
  "x86-O2-dw5-types",
  "mips64-O2-dw4",
  "mips64-O2-dw5",
  "aarch64-O2-dw5",
];

describe("symbolize linked objects: every .text instruction vs llvm-symbolizer", () => {
  for (const name of LINKED) {
    it(name, async () => {
      const secs = elfSections(new Uint8Array(readFileSync(join(DATA, `${name}.elf`))));
      const sym = openSymbolizer(secs);
      const golden = llvmGolden(`${name}.elf`);
      expect(golden.length).toBeGreaterThan(50);
      let inlinedSeen = 0;
      for (const g of golden) {
        const frames = await sym.symbolize({ address: BigInt(g.Address) });
        const want = g.Symbol.map((s) => ({
          FunctionName: s.FunctionName,
          FileName: s.FileName,
          Line: s.Line,
          Column: s.Column,
        }));
        expect({ addr: g.Address, frames: asLlvm(frames) }).toEqual({ addr: g.Address, frames: want });
        if (frames.length > 1) inlinedSeen++;
      }
      // -O2 builds inline rlb_update_entry_from_arp and hash_ip: the chains must have been exercised.
      if (name.includes("O2")) expect(inlinedSeen).toBeGreaterThan(0);
    });
  }
});

describe("split DWARF", () => {
  it("a skeleton unit is reported as E_DWARF_SPLIT", async () => {
    const secs = elfSections(new Uint8Array(readFileSync(join(DATA, "x86-Os-dw5-split.elf"))));
    const sym = openSymbolizer(secs);
    const err = await sym.symbolize({ address: 0x401000n }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OopsError);
    expect((err as OopsError).code).toBe("E_DWARF_SPLIT");
    expect((err as OopsError).message).toMatch(/split DWARF .* not supported.*\.dwo/);
  });
});
