// Robustness: explainCrash on random Code: windows (every architecture with a table, fixed-seed PRNG)
// with random register dumps never throws, always returns a verdict with text, and its access
// arithmetic is self-consistent: the effective address is base + index × scale + disp from the dump
// (recomputed here) and matchesFaultAddress is true exactly when that address, or a byte of the
// access, is the reported one.
import { beforeAll, describe, expect, it } from "vitest";
import { ARCHES } from "../arch/table.js";
import type { ArchId } from "../arch/types.js";
import { initDisassembler } from "../disasm/capstone.js";
import { disassembleCode } from "../disasm/code.js";
import type { Crash } from "../oops/model.js";
import { textOffset } from "../types.js";
import { explainCrash } from "./explain.js";

let state = 0x9e3779b97f4a7c15n;
function rnd(): bigint {
  // xorshift64*
  state ^= state >> 12n;
  state ^= BigInt.asUintN(64, state << 25n);
  state ^= state >> 27n;
  return BigInt.asUintN(64, state * 0x2545f4914f6cdd1dn);
}
const small = () => Number(rnd() % 1000n);

const ARCH_LIST: ArchId[] = ["x86_64", "i386", "arm64", "arm", "mips32", "mips64", "ppc64", "riscv64"];
const KINDS: Crash["kind"][] = ["null-deref", "paging-request", "general-protection", "bug", "oops"];

describe("explainCrash on random windows", () => {
  beforeAll(() => initDisassembler());

  for (const arch of ARCH_LIST) {
    it(`${arch}: 150 random windows`, () => {
      const info = ARCHES[arch];
      const mask = (1n << BigInt(info.bits)) - 1n;
      const unit = arch === "x86_64" || arch === "i386" ? 1 : arch === "riscv64" ? 2 : 4;
      let checked = 0;
      for (let n = 0; n < 150; n++) {
        const bytes = Uint8Array.from({ length: 32 }, () => Number(rnd() & 0xffn));
        const faultIndex = (small() % (32 / unit)) * unit;
        const registers: Record<string, bigint> = {};
        for (const r of info.registers) {
          // A mix of small values, NULL and full-width values, so every verdict path is exercised.
          const pick = small() % 4;
          registers[r.abi] = pick === 0 ? 0n : pick === 1 ? BigInt(small()) : rnd() & mask;
        }
        const fault = small() % 3 === 0 ? undefined : small() % 2 === 0 ? BigInt(small()) : rnd() & mask;
        const crash: Crash = {
          arch,
          endian: info.defaultEndian,
          kind: KINDS[small() % KINDS.length] ?? "oops",
          signature: { title: "", altTitles: [], corrupted: false },
          kernel: {},
          tainted: { letters: "", meanings: [] },
          fault: fault === undefined ? {} : { address: fault },
          registers,
          frames: [],
          modules: [],
          position: { start: textOffset(0), end: textOffset(0) },
          report: "",
        };
        const insns = disassembleCode(
          { arch, endian: info.defaultEndian, octeon: arch === "mips64" },
          { bytes, faultIndex },
          0xffffffff81000000n & mask,
        );
        const ex = explainCrash(crash, insns);
        expect(ex.verdict.text.length).toBeGreaterThan(0);
        const a = ex.access;
        if (a?.effectiveAddress === undefined) continue;
        expect(a.effectiveAddress >= 0n && a.effectiveAddress <= mask).toBe(true);
        // At the marked instruction the registers are exactly the dump (nothing ran after them).
        if (insns[a.instruction]?.faulting) {
          const val = (r: string | undefined) => (r === undefined || r === info.zero ? 0n : (registers[r] ?? 0n));
          let idx = val(a.index);
          const ext = insns[a.instruction]?.operands.find((o) => o.kind === "mem");
          const ie = ext?.kind === "mem" ? ext.mem.indexExtend : undefined;
          if (ie === "sxtw") idx = BigInt.asIntN(32, idx);
          if (ie === "uxtw") idx = BigInt.asUintN(32, idx);
          const want = (val(a.base) + idx * BigInt(a.scale) + a.disp) & mask;
          expect(a.effectiveAddress).toBe(want);
          checked++;
        }
        if (a.faultAddress !== undefined) {
          const d = a.faultAddress - a.effectiveAddress;
          const inside = d === 0n || (a.size !== undefined && d > 0n && d < BigInt(a.size));
          expect(a.matchesFaultAddress).toBe(inside);
        }
      }
      expect(checked).toBeGreaterThan(5);
    });
  }
});
