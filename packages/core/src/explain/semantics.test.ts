// One shared suite over every architecture's semantic table. Each case in
// test-data/explain/semantics.json was assembled by GNU as and read back by GNU objdump
// (scripts/oracle-semantics.mjs records both); the expected register results were worked out by hand
// from the ISA manuals (Intel SDM, Arm ARM, MIPS64 Vol. II, Power ISA, RISC-V Unprivileged ISA,
// z/Architecture Principles of Operation) for the given input registers and loaded value. The bytes go through the real disassembler and the
// table's effect is evaluated by a small independent interpreter below.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { ArchId } from "../arch/types.js";
import { initDisassembler } from "../disasm/capstone.js";
import { disassembleCode } from "../disasm/code.js";
import type { DisasmTarget } from "../disasm/types.js";
import { semanticsFor } from "./semantics/index.js";
import type { Expr, Semantics } from "./semantics/types.js";

interface Case {
  arch: ArchId;
  asm: string;
  hex: string;
  objdump: string;
  regs: Record<string, string>;
  load?: string;
  writes: Record<string, string>;
  mem?: { op: string; base?: string; index?: string; scale?: number; disp: string; size?: number };
  control?: string;
  delaySlot?: boolean;
}

const data = JSON.parse(readFileSync(new URL("../../test-data/explain/semantics.json", import.meta.url), "utf8")) as {
  cases: Case[];
};

const TARGET: Record<string, DisasmTarget> = {
  x86_64: { arch: "x86_64", endian: "little" },
  i386: { arch: "i386", endian: "little" },
  arm64: { arch: "arm64", endian: "little" },
  arm: { arch: "arm", endian: "little" },
  mips64: { arch: "mips64", endian: "big", octeon: true },
  mips32: { arch: "mips32", endian: "big" },
  ppc64: { arch: "ppc64", endian: "big" },
  riscv64: { arch: "riscv64", endian: "little" },
  s390x: { arch: "s390x", endian: "big" },
};

/** An interpreter independent of the slicer: registers in, value out, masked to the machine width. */
function evaluate(e: Expr, regs: Map<string, bigint>, load: bigint, sem: Semantics): bigint {
  const w = sem.width;
  const m = (v: bigint) => BigInt.asUintN(w, v);
  const get = (r: string) => (r === sem.zero ? 0n : (regs.get(r) ?? 0n));
  switch (e.k) {
    case "imm":
      return m(e.v);
    case "reg":
      return m(get(e.reg));
    case "load":
      return m(load);
    case "ext": {
      const a = evaluate(e.a, regs, load, sem);
      return m(e.signed ? BigInt.asIntN(e.bits, a) : BigInt.asUintN(e.bits, a));
    }
    case "bin": {
      const a = evaluate(e.a, regs, load, sem);
      const b = evaluate(e.b, regs, load, sem);
      const sh = b % BigInt(w);
      switch (e.op) {
        case "add":
          return m(a + b);
        case "sub":
          return m(a - b);
        case "mul":
          return m(a * b);
        case "and":
          return a & b;
        case "or":
          return a | b;
        case "xor":
          return m(a ^ b);
        case "shl":
          return m(a << sh);
        case "shr":
          return a >> sh;
        case "sar":
          return m(BigInt.asIntN(w, a) >> sh);
      }
      break;
    }
    default:
      break;
  }
  throw new Error(`unknown value: ${JSON.stringify(e)}`);
}

describe("instruction semantics, every architecture's table", () => {
  beforeAll(() => initDisassembler());

  const arches = [...new Set(data.cases.map((c) => c.arch))];
  it("covers every architecture with a table", () => {
    expect(arches.sort()).toEqual(["arm", "arm64", "i386", "mips32", "mips64", "ppc64", "riscv64", "s390x", "x86_64"]);
  });

  for (const c of data.cases) {
    it(`${c.arch}: ${c.objdump.split(";")[0]}`, () => {
      const sem = semanticsFor(c.arch);
      expect(sem, `table for ${c.arch}`).toBeDefined();
      if (!sem) return;
      const t = TARGET[c.arch] as DisasmTarget;
      const bytes = Uint8Array.from((c.hex.match(/../g) ?? []).map((h) => Number.parseInt(h, 16)));
      const insn = disassembleCode(t, { bytes, faultIndex: 0 }, 0x1000n)[0];
      expect(insn).toBeDefined();
      if (!insn) return;
      const fx = sem.effect(insn);
      expect(fx.unknown ?? false, `${insn.mnemonic} ${insn.opStr} is modelled`).toBe(false);
      const regs = new Map(Object.entries(c.regs).map(([k, v]) => [k, BigInt(v)]));
      const load = c.load === undefined ? 0n : BigInt(c.load);
      const got: Record<string, string> = {};
      for (const wr of fx.writes) {
        if (!(wr.reg in c.writes)) continue;
        got[wr.reg] = `0x${evaluate(wr.value, regs, load, sem).toString(16)}`;
      }
      expect(got).toEqual(c.writes);
      if (c.mem) {
        expect(fx.mem?.op).toBe(c.mem.op);
        expect(fx.mem?.mem.base).toBe(c.mem.base);
        expect(fx.mem?.mem.index).toBe(c.mem.index);
        if (c.mem.scale !== undefined) expect(fx.mem?.mem.scale).toBe(c.mem.scale);
        expect(fx.mem?.mem.disp).toBe(BigInt(c.mem.disp));
        if (c.mem.size !== undefined) expect(fx.mem?.size).toBe(c.mem.size);
      } else if (c.load === undefined) {
        expect(fx.mem).toBeUndefined();
      } else {
        expect(fx.mem?.op).toBe("load");
      }
      expect(fx.control).toBe(c.control);
      expect(fx.delaySlot ?? false).toBe(c.delaySlot ?? false);
    });
  }

  it("an unknown mnemonic writes its register operands with unknown values (never a guess)", () => {
    for (const arch of arches) {
      const sem = semanticsFor(arch) as Semantics;
      const fx = sem.effect({
        offset: 0,
        bytes: new Uint8Array(4),
        mnemonic: "frobnicate",
        opStr: "",
        operands: [{ kind: "reg", reg: arch === "x86_64" ? "rax" : arch === "i386" ? "eax" : "a0" }],
        regsRead: [],
        regsWritten: [],
        faulting: false,
      });
      expect(fx.unknown).toBe(true);
      for (const w of fx.writes) expect(w.value.k).toBe("unknown");
    }
  });
});
