// Differential tests of the DWARF symbolizer against llvm-symbolizer and GNU addr2line answers that
// packages/core/test-data/dwarf/build.sh committed beside the objects it compiled (gcc, DWARF 2–5,
// 32- and 64-bit DWARF, type units, x86-64 / MIPS64 Octeon / AArch64).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { elfSections } from "../../test/elf-sections.js";
import { OopsError } from "../errors.js";
import { openSymbolizer } from "./symbolizer.js";
import type { SourceFrame } from "./types.js";

const DATA = join(__dirname, "../../test-data/dwarf/out");

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
  // Assembler aliases: two subprograms with one range (the later one is named, as llvm does).
  "x86-asm-alias",
];

describe("symbolize linked objects: every .text instruction vs llvm-symbolizer", () => {
  for (const name of LINKED) {
    it(name, async () => {
      const secs = elfSections(new Uint8Array(readFileSync(join(DATA, `${name}.elf`))));
      const sym = openSymbolizer(secs);
      const golden = llvmGolden(`${name}.elf`);
      expect(golden.length).toBeGreaterThan(name.includes("asm") ? 5 : 50);
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
