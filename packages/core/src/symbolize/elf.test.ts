// The symbolizer over the ELF layer: relocatable objects (relocations applied to the DWARF, as for a
// .ko) and symbol+offset queries, against llvm-symbolizer and GNU addr2line answers committed by
// packages/core/test-data/dwarf/build.sh.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bytesSource } from "../binary/source.js";
import { OopsError } from "../errors.js";
import { openElfSymbolizer } from "./elf.js";
import type { SourceFrame } from "./types.js";

const DATA = join(__dirname, "../../test-data/dwarf/out");

interface LlvmAnswer {
  Address: string;
  Symbol: { FunctionName: string; FileName: string; Line: number; Column: number; StartAddress: string }[];
}

const llvm = (name: string): LlvmAnswer[] =>
  readFileSync(join(DATA, `${name}.llvm.jsonl`), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as LlvmAnswer);

const norm = (frames: SourceFrame[]) =>
  frames.map((f) => ({
    FunctionName: f.function ?? "",
    FileName: f.file ?? "",
    Line: f.line ?? 0,
    Column: f.column ?? 0,
  }));
const want = (g: LlvmAnswer) =>
  g.Symbol.map((s) => ({ FunctionName: s.FunctionName, FileName: s.FileName, Line: s.Line, Column: s.Column }));

/** addr2line -f -i -a output: blocks of `0x…` then (function, file:line) pairs. */
function addr2line(name: string): Map<bigint, { fn: string; file: string; line: number }[]> {
  const out = new Map<bigint, { fn: string; file: string; line: number }[]>();
  const lines = readFileSync(join(DATA, `${name}.a2l.txt`), "utf8").split("\n");
  let cur: { fn: string; file: string; line: number }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] as string;
    if (/^0x[0-9a-f]+$/.test(l)) {
      cur = [];
      out.set(BigInt(l), cur);
      continue;
    }
    if (l === "") continue;
    const loc = lines[++i] ?? "";
    const m = /^(.*):(\d+|\?)(?: \(discriminator \d+\))?$/.exec(loc);
    cur.push({ fn: l, file: m?.[1] ?? loc, line: m?.[2] === "?" ? 0 : Number(m?.[2] ?? 0) });
  }
  return out;
}

async function open(file: string) {
  return openElfSymbolizer(bytesSource(new Uint8Array(readFileSync(join(DATA, file)))));
}

const OBJECTS = [
  "x86-O0-dw4",
  "x86-O2-dw4",
  "x86-O2-dw5",
  "x86-O2-dw5-64",
  "mips64-O2-dw4",
  "mips64-O2-dw5",
  "aarch64-O2-dw5",
];

describe("relocatable objects (.o, relocated like a .ko): every .text instruction", () => {
  for (const name of OBJECTS) {
    it(`${name}.o vs llvm-symbolizer`, async () => {
      const sym = await open(`${name}.o`);
      const golden = llvm(`${name}.o`);
      expect(golden.length).toBeGreaterThan(20);
      for (const g of golden) {
        const frames = await sym.symbolize({ address: BigInt(g.Address), section: ".text" });
        expect({ a: g.Address, f: norm(frames) }).toEqual({ a: g.Address, f: want(g) });
      }
    });
    it(`${name}.o vs addr2line -f -i -j .text (every disagreement explained)`, async () => {
      const sym = await open(`${name}.o`);
      const golden = addr2line(`${name}.o`);
      const llvmBy = new Map(llvm(`${name}.o`).map((g) => [BigInt(g.Address), g]));
      const reasons = new Map<string, number>();
      let agree = 0;
      for (const [addr, a2l] of golden) {
        const frames = await sym.symbolize({ address: addr, section: ".text" });
        const ours = frames.map((f) => ({ fn: f.function ?? "??", file: f.file ?? "??", line: f.line ?? 0 }));
        if (JSON.stringify(ours) === JSON.stringify(a2l)) {
          agree++;
          continue;
        }
        // Every disagreement must be one where llvm-symbolizer sides with us, for a known reason.
        const g = llvmBy.get(addr);
        expect(g && norm(frames)).toEqual(g && want(g));
        let why: string;
        if (
          g?.Symbol.length === 1 &&
          g.Symbol[0]?.FunctionName === "" &&
          a2l.length === 1 &&
          a2l[0]?.line === ours[0]?.line
        )
          why =
            "alignment padding after a function: addr2line names the function before it, no DWARF subprogram covers it";
        else if (name.endsWith("-64") && a2l.some((f) => f.line === 0 || !f.file.startsWith("/")))
          why = "binutils addr2line cannot read this 64-bit DWARF line table (it prints 'mangled line number section')";
        else why = `unexplained at 0x${addr.toString(16)}: ${JSON.stringify({ ours, a2l })}`;
        reasons.set(why, (reasons.get(why) ?? 0) + 1);
      }
      for (const why of reasons.keys()) expect(why).not.toMatch(/^unexplained/);
      if (!name.endsWith("-64")) expect(agree).toBeGreaterThan(golden.size * 0.9);
    });
  }
});

describe("symbol+offset and return addresses", () => {
  for (const file of ["x86-O2-dw4.elf", "mips64-O2-dw4.o", "x86-O2-dw5.o"]) {
    it(file, async () => {
      const sym = await open(file);
      const golden = llvm(file);
      const section = file.endsWith(".o") ? ".text" : undefined;
      // Function start addresses as llvm-symbolizer reports them; names with two starts (the two static
      // `helper`s of the linked object) are left to the size test below.
      const starts = new Map<string, Set<string>>();
      for (const g of golden) {
        const outer = g.Symbol[g.Symbol.length - 1];
        if (outer?.FunctionName)
          (starts.get(outer.FunctionName) ?? starts.set(outer.FunctionName, new Set()).get(outer.FunctionName)!).add(
            outer.StartAddress,
          );
      }
      let n = 0;
      for (const g of golden) {
        const outer = g.Symbol[g.Symbol.length - 1];
        if (!outer?.FunctionName || starts.get(outer.FunctionName)?.size !== 1) continue;
        const offset = BigInt(g.Address) - BigInt(outer.StartAddress);
        const frames = await sym.symbolize({ symbol: outer.FunctionName, offset });
        expect({ q: `${outer.FunctionName}+${offset}`, f: norm(frames) }).toEqual({
          q: `${outer.FunctionName}+${offset}`,
          f: want(g),
        });
        // A return address is looked up stepped back into its call: 1 byte, or 8 on MIPS (the call
        // and its delay slot), so the address after that step is the golden one.
        const step = file.startsWith("mips") ? 8n : 1n;
        const ret = await sym.symbolize({
          address: BigInt(g.Address) + step,
          returnAddress: true,
          ...(section ? { section } : {}),
        });
        expect(norm(ret)).toEqual(want(g));
        n++;
      }
      expect(n).toBeGreaterThan(20);
    });
  }

  it("same-name statics are told apart by the size the kernel prints", async () => {
    const sym = await open("x86-O2-dw4.elf");
    const golden = llvm("x86-O2-dw4.elf");
    const helpers = new Map<string, LlvmAnswer[]>();
    for (const g of golden) {
      const outer = g.Symbol[g.Symbol.length - 1];
      if (outer?.FunctionName === "helper")
        (helpers.get(outer.StartAddress) ?? helpers.set(outer.StartAddress, []).get(outer.StartAddress)!).push(g);
    }
    expect(helpers.size).toBe(2);
    for (const [start, rows] of helpers) {
      // The symbol's size: the distance to the first address llvm-symbolizer puts in another function.
      const first = BigInt(start);
      const sizes = rows.map((r) => BigInt(r.Address) - first);
      const after = golden.find((g) => BigInt(g.Address) > first + (sizes[sizes.length - 1] ?? 0n));
      const size = after ? BigInt(after.Address) - first : undefined;
      const last = rows[rows.length - 1]!;
      const frames = await sym.symbolize({
        symbol: "helper",
        offset: BigInt(last.Address) - first,
        ...(size ? { size } : {}),
      });
      expect(norm(frames)).toEqual(want(last));
    }
  });

  it("an unknown symbol is a typed error", async () => {
    const sym = await open("x86-O2-dw4.elf");
    const e = await sym.symbolize({ symbol: "no_such_function", offset: 4n }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OopsError);
    expect((e as OopsError).code).toBe("E_DWARF_SYMBOL");
    expect((e as OopsError).message).toBe("no symbol of that name in the object: no symbol no_such_function");
  });
});
