// Robustness of the DWARF reader on hostile input: seeded random mutations of the debug sections of
// real objects (byte flips, 32-bit field overwrites with boundary values, truncations). Every query
// must end in frames or a typed OopsError — never another exception, never a hang (each input is
// bounded in time). FUZZ_ITERATIONS raises the count for long runs.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { elfSections } from "../../test/elf-sections.js";
import { xorshift32 } from "../../test/rng.js";
import { OopsError } from "../errors.js";
import { openSymbolizer } from "../symbolize/symbolizer.js";

const DATA = join(__dirname, "../../test-data/dwarf/out");
const ITER = Number(process.env.FUZZ_ITERATIONS ?? 60);

/** Uniform in [0, 1), from the tests' xorshift32. */
function rng(seed: number) {
  const next = xorshift32(seed);
  return () => next() / 2 ** 32;
}

const SECTIONS = [
  ".debug_info",
  ".debug_abbrev",
  ".debug_line",
  ".debug_str",
  ".debug_aranges",
  ".debug_rnglists",
  ".debug_loclists",
  ".debug_ranges",
  ".debug_loc",
  ".debug_line_str",
  ".debug_str_offsets",
  ".debug_addr",
];
const BOUNDARY = [0, 1, 0x7f, 0x80, 0xff, 0xffff, 0x7fffffff, 0xfffffff0, 0xffffffff];

describe("fuzz: mutated debug sections give frames or typed errors", () => {
  for (const name of ["x86-O2-dw5", "x86-O2-dw4", "mips64-O2-dw4"]) {
    it(
      `${name}: ${ITER} mutated inputs`,
      async () => {
        const original = new Uint8Array(readFileSync(join(DATA, `${name}.elf`)));
        const probe = elfSections(original);
        const ranges: [number, number][] = [];
        // Locate the debug sections' bytes in the file through the section reader itself.
        for (const s of SECTIONS) {
          const b = await probe.section(s);
          if (b && b.length > 0) ranges.push([b.byteOffset - original.byteOffset, b.length]);
        }
        expect(ranges.length).toBeGreaterThan(3);
        const golden = readFileSync(join(DATA, `${name}.elf.llvm.jsonl`), "utf8")
          .split("\n")
          .filter((l) => l)
          .map((l) => BigInt((JSON.parse(l) as { Address: string }).Address));
        const rand = rng(0x5eed + name.length);
        let typed = 0;
        let answered = 0;
        let slowest = 0;
        for (let n = 0; n < ITER; n++) {
          const bytes = original.slice();
          const dv = new DataView(bytes.buffer);
          const [start, len] = ranges[Math.floor(rand() * ranges.length)] as [number, number];
          const muts = 1 + Math.floor(rand() * 8);
          for (let m = 0; m < muts; m++) {
            const at = start + Math.floor(rand() * len);
            const kind = rand();
            if (kind < 0.5) bytes[at] = Math.floor(rand() * 256);
            else if (kind < 0.9 && at + 4 <= start + len)
              dv.setUint32(at, BOUNDARY[Math.floor(rand() * BOUNDARY.length)] as number, true);
            else bytes.fill(0, at, Math.min(start + len, at + 1 + Math.floor(rand() * 64)));
          }
          const sym = openSymbolizer(elfSections(bytes));
          const t0 = performance.now();
          const queries: Promise<unknown>[] = [];
          for (let k = 0; k < 6; k++) {
            const a = golden[Math.floor(rand() * golden.length)] as bigint;
            queries.push(sym.symbolize({ address: a }), sym.variablesAt(a));
          }
          queries.push(sym.memberAt("struct bonding", Math.floor(rand() * 420)));
          for (const q of queries) {
            try {
              await q;
              answered++;
            } catch (e) {
              if (!(e instanceof OopsError)) throw new Error(`input ${n}: untyped ${(e as Error)?.stack ?? e}`);
              typed++;
            }
          }
          slowest = Math.max(slowest, performance.now() - t0);
        }
        expect(answered + typed).toBe(ITER * 13);
        // No single input may take long (the bound is 1 s per input).
        expect(slowest).toBeLessThan(1000);
      },
      Math.max(30_000, ITER * 300),
    );
  }
});
