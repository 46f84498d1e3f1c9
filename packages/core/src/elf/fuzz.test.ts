/**
 * A short fuzz run in CI (the long one is scripts/fuzz-elf.mjs): 2,000 mutated copies of the ELF
 * fixtures through every reader entry point. Only OopsError may escape, and the mutations must reach
 * past the header checks (some inputs open and get as far as symbols and debug sections).
 */

import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { exerciseElf, mapElf, mulberry32, mutateElf } from "./fuzz.js";

const dir = fileURLToPath(new URL("../../test-data/elf/", import.meta.url));

it("2,000 mutated ELF files raise only OopsError", { timeout: 300_000 }, async () => {
  const seeds = readdirSync(dir)
    .filter((f) => /\.(ko|o|elf|xz|zst|gz)$/.test(f))
    .sort()
    .map((f) => {
      const bytes = new Uint8Array(readFileSync(dir + f));
      return { name: f, bytes, map: mapElf(bytes) };
    });
  const r = mulberry32(20261125);
  const failures: string[] = [];
  const codes = new Set<string>();
  let deep = 0;
  for (let i = 0; i < 2000; i++) {
    const s = seeds[r() % seeds.length]!;
    const { bytes, how } = mutateElf(s.bytes, s.map, r);
    try {
      const res = await exerciseElf(bytes);
      for (const c of res.codes) codes.add(c);
      if (res.stages >= 3) deep++;
    } catch (e) {
      failures.push(`#${i} [${s.name}] ${how}: ${(e as Error).stack?.split("\n").slice(0, 3).join(" | ")}`);
    }
  }
  expect(failures).toEqual([]);
  expect(deep).toBeGreaterThan(500);
  for (const c of ["E_ELF_HEADER", "E_ELF_RELOCATION", "E_ELF_COMPRESSION", "E_TRUNCATED"]) expect(codes).toContain(c);
});
