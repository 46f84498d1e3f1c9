/**
 * Helpers the per-architecture semantic tables share: reading operands of a decoded `Instruction`
 * by position (register, immediate, memory) with register names normalised to the ABI names of
 * `arch/table.ts`, and building the common effect shapes (ALU op, load, store, branch). A table is a
 * `Record<mnemonic, Rule>`; `tableSemantics` turns it into the `Semantics` interface and makes every
 * failure (missing operand, odd shape) an `unknown` effect instead of an exception.
 */

import type { ArchId } from "../../arch/types.js";
import type { Instruction, MemOperand, Operand } from "../../disasm/types.js";
import type { BinOp, Control, Effect, Expr, Semantics } from "./types.js";
import { bin, ext, imm, reg } from "./types.js";

/** A register as written in an operand: its ABI name and how many low bits the operand names. */
export interface RegRef {
  reg: string;
  bits: number;
  /** x86 `ah`/`bh`…: the byte at bits 8..15. */
  high8?: boolean;
}

/** Thrown inside a rule when the operands do not have the expected shape; caught by `tableSemantics`. */
class Shape extends Error {}

export class Ops {
  constructor(
    readonly insn: Instruction,
    private readonly norm: (name: string) => RegRef | undefined,
  ) {}
  get length(): number {
    return this.insn.operands.length;
  }
  op(i: number): Operand {
    const o = this.insn.operands[i];
    if (!o) throw new Shape(`operand ${i} missing`);
    return o;
  }
  isReg(i: number): boolean {
    return this.insn.operands[i]?.kind === "reg";
  }
  isImm(i: number): boolean {
    return this.insn.operands[i]?.kind === "imm";
  }
  isMem(i: number): boolean {
    return this.insn.operands[i]?.kind === "mem";
  }
  /** Register operand i, normalised. */
  r(i: number): RegRef {
    const o = this.op(i);
    if (o.kind !== "reg") throw new Shape(`operand ${i} is not a register`);
    const n = this.norm(o.reg);
    if (!n) throw new Shape(`unknown register ${o.reg}`);
    return n;
  }
  /** Register name of operand i. */
  rn(i: number): string {
    return this.r(i).reg;
  }
  imm(i: number): bigint {
    const o = this.op(i);
    if (o.kind !== "imm") throw new Shape(`operand ${i} is not an immediate`);
    return o.value;
  }
  /** Memory operand i with base and index normalised to ABI names. */
  mem(i: number): MemOperand {
    const o = this.op(i);
    if (o.kind !== "mem") throw new Shape(`operand ${i} is not memory`);
    const m: MemOperand = { scale: o.mem.scale || 1, disp: o.mem.disp };
    if (o.mem.base) m.base = this.norm(o.mem.base)?.reg ?? o.mem.base;
    if (o.mem.index) m.index = this.norm(o.mem.index)?.reg ?? o.mem.index;
    if (o.mem.size !== undefined) m.size = o.mem.size;
    if (o.mem.segment !== undefined) m.segment = o.mem.segment;
    if (o.mem.indexExtend !== undefined) m.indexExtend = o.mem.indexExtend;
    return m;
  }
  /** The last operand as an expression: register or immediate. */
  src(i: number): Expr {
    const o = this.op(i);
    if (o.kind === "imm") return imm(o.value);
    if (o.kind === "reg") return reg(this.rn(i));
    throw new Shape(`operand ${i} is memory`);
  }
}

export type Rule = (o: Ops) => Effect;

export const fx = (writes: Effect["writes"], rest: Partial<Effect> = {}): Effect => ({
  writes,
  reads: [],
  ...rest,
});

/** rd := a op b, truncated/extended to `bits` (e.g. MIPS `addu` sign-extends a 32-bit result). */
export function alu(dst: string, op: BinOp, a: Expr, b: Expr, resultBits?: { bits: number; signed: boolean }): Effect {
  const v = bin(op, a, b);
  return fx([{ reg: dst, value: resultBits ? ext(resultBits.signed, resultBits.bits, v) : v }]);
}

/** dst := the `size`-byte value at m, sign- or zero-extended to the register width. */
export function load(dst: string, m: MemOperand, size: number, signed: boolean): Effect {
  const raw: Expr = { k: "load", mem: m, size, signed };
  const value = size < 8 ? ext(signed, size * 8, raw) : raw;
  return fx([{ reg: dst, value }], { mem: { op: "load", mem: m, size } });
}

export function store(src: string[], m: MemOperand, size: number): Effect {
  return fx([], { mem: { op: "store", mem: m, size }, reads: src });
}

export function control(kind: Control, reads: string[] = [], writes: Effect["writes"] = [], delaySlot = false): Effect {
  const e = fx(writes, { control: kind, reads });
  if (delaySlot) e.delaySlot = true;
  return e;
}

export const NOP: Effect = { writes: [], reads: [] };

/**
 * Wrap a mnemonic table as `Semantics`. Unknown mnemonics and malformed operands yield an effect with
 * `unknown: true` and every register operand written with an unknown value, so the slicer stops
 * there instead of trusting a stale derivation.
 */
export function tableSemantics(
  arch: ArchId,
  width: 32 | 64,
  table: Readonly<Record<string, Rule>>,
  norm: (name: string) => RegRef | undefined,
  opts: { zero?: string; callClobbered: readonly string[]; mnemonic?: (m: string) => string },
): Semantics {
  const s: Semantics = {
    arch,
    width,
    callClobbered: opts.callClobbered,
    effect(insn: Instruction): Effect {
      const m = (opts.mnemonic ?? ((x: string) => x))(insn.mnemonic.toLowerCase().trim());
      const rule = table[m];
      const o = new Ops(insn, norm);
      if (rule) {
        try {
          return rule(o);
        } catch (e) {
          if (!(e instanceof Shape)) throw e;
        }
      }
      return unknownEffect(o, insn);
    },
  };
  if (opts.zero !== undefined) return { ...s, zero: opts.zero };
  return s;
}

/** Conservative effect of an instruction the table cannot model. */
function unknownEffect(o: Ops, insn: Instruction): Effect {
  const written = new Set<string>(insn.regsWritten);
  const read = new Set<string>(insn.regsRead);
  let mem: Effect["mem"];
  insn.operands.forEach((op, i) => {
    if (op.kind === "reg") {
      const n = (() => {
        try {
          return o.rn(i);
        } catch {
          return op.reg;
        }
      })();
      if (op.access === "r") read.add(n);
      else written.add(n);
    } else if (op.kind === "mem") {
      const m = o.mem(i);
      mem = { op: op.access === "w" ? "store" : op.access === "rw" ? "rmw" : "load", mem: m };
      if (m.size !== undefined) mem.size = m.size;
    }
  });
  const e: Effect = {
    writes: [...written].map((r) => ({ reg: r, value: { k: "unknown", why: `${insn.mnemonic} is not modelled` } })),
    reads: [...read],
    unknown: true,
  };
  if (mem) e.mem = mem;
  return e;
}

/** Sign-extend the low `bits` of v to a signed bigint. */
export function signExtend(v: bigint, bits: number): bigint {
  return BigInt.asIntN(bits, v);
}
