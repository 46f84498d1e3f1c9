/**
 * The one interface behind which every architecture's instruction semantics live. A table per
 * architecture maps a mnemonic to a rule that turns a decoded `Instruction` into an `Effect`: the
 * registers it writes, each as an expression over the register values *before* the instruction, the
 * memory it touches, and whether it transfers control. Only the integer subset a backward slice
 * needs is modelled; anything else is `unknown`, which the slicer treats soundly (the written
 * registers lose their derivation, nothing is guessed).
 */

import type { ArchId } from "../../arch/types.js";
import type { Instruction, MemOperand } from "../../disasm/types.js";

/** Binary operators on machine words (results are reduced modulo 2^width). */
export type BinOp = "add" | "sub" | "mul" | "and" | "or" | "xor" | "shl" | "shr" | "sar";

export type Expr =
  | { k: "reg"; reg: string }
  | { k: "imm"; v: bigint }
  | { k: "bin"; op: BinOp; a: Expr; b: Expr }
  /** Keep the low `bits` of `a`, then sign- or zero-extend to the machine width. */
  | { k: "ext"; signed: boolean; bits: number; a: Expr }
  /** A memory load of `size` bytes at `addr` (its value is only known from the dump). */
  | { k: "load"; mem: MemOperand; size: number; signed: boolean }
  /** A value the table does not model (flags, FPU, system registers, unknown mnemonic). */
  | { k: "unknown"; why: string };

export interface Write {
  reg: string;
  value: Expr;
}

export type Control = "call" | "jump" | "branch" | "return" | "trap";

export interface Effect {
  /** Registers written, each as an expression over the values before the instruction. */
  writes: Write[];
  /** The memory access the instruction makes, if any (the candidate faulting operand). */
  mem?: { op: "load" | "store" | "rmw"; mem: MemOperand; size?: number };
  /** Registers read that do not appear in a write expression (stores, compares, branches). */
  reads: string[];
  control?: Control;
  /** MIPS: the following instruction (the delay slot) executes before the transfer takes effect. */
  delaySlot?: boolean;
  /** true when the mnemonic is not in the table: every register the instruction names may be written. */
  unknown?: boolean;
  /** Integer divides that trap (x86 `div`/`idiv`, #DE): the divisor as read by the instruction. */
  divisor?: Expr;
}

/** One architecture's semantics: register spelling, machine width and the mnemonic table. */
export interface Semantics {
  readonly arch: ArchId;
  /** Machine word width in bits: arithmetic is modulo 2^width. */
  readonly width: 32 | 64;
  /** Register that always reads as zero, if any (`zero`, `xzr`). */
  readonly zero?: string;
  /** Caller-clobbered registers: a call makes their values unknown. */
  readonly callClobbered: readonly string[];
  /** Decode one instruction's effect. Never throws: unknown input yields `{ unknown: true }`. */
  effect(insn: Instruction): Effect;
}

export const reg = (r: string): Expr => ({ k: "reg", reg: r });
export const imm = (v: bigint): Expr => ({ k: "imm", v });
export const bin = (op: BinOp, a: Expr, b: Expr): Expr => ({ k: "bin", op, a, b });
export const ext = (signed: boolean, bits: number, a: Expr): Expr => ({ k: "ext", signed, bits, a });
export const unknown = (why: string): Expr => ({ k: "unknown", why });

/** Registers an expression reads (load addresses included). */
export function exprReads(e: Expr, out: string[] = []): string[] {
  switch (e.k) {
    case "reg":
      out.push(e.reg);
      break;
    case "bin":
      exprReads(e.a, out);
      exprReads(e.b, out);
      break;
    case "ext":
      exprReads(e.a, out);
      break;
    case "load":
      if (e.mem.base) out.push(e.mem.base);
      if (e.mem.index) out.push(e.mem.index);
      break;
    default:
      break;
  }
  return out;
}

/** Every register the effect reads, including address registers of the memory operand. */
export function effectReads(fx: Effect): string[] {
  const out = [...fx.reads];
  for (const w of fx.writes) exprReads(w.value, out);
  if (fx.mem?.mem.base) out.push(fx.mem.mem.base);
  if (fx.mem?.mem.index) out.push(fx.mem.mem.index);
  return [...new Set(out)];
}
