/**
 * Turns the instructions that compute a register into the C expression they compile: the value of a
 * register just before an instruction, followed back through its definitions inside one basic block,
 * becomes `dev->ifindex % 64` — loads named by the caller from DWARF (a member through a parameter),
 * constants, additions, shifts and masks, and the idioms compilers use for C operators that have no
 * single instruction. Known idiom: the signed remainder by a power of two 2^k, which GCC emits as
 * (x86) `cltd; shr $(32-k),%edx; add %edx,%eax; and $(2^k-1),%eax; sub %edx,%eax` (C99 §6.5.5: the
 * remainder has the sign of the dividend, so the bias 2^k-1 is added to a negative x and taken off
 * again), or `cqto` and 64 − k for a 64-bit x. A register whose origin the block does not show is
 * named only when DWARF places a variable exactly in it; otherwise there is no expression.
 */

import type { Instruction } from "../disasm/types.js";
import type { Effect, Expr } from "./semantics/types.js";

export interface CExprContext {
  readonly insns: readonly Instruction[];
  readonly effects: readonly Effect[];
  /** Index of the first instruction of the basic block: definitions are followed back to it only. */
  readonly start: number;
  /** The variable DWARF places exactly in register `reg` just before instruction `k`. */
  variable(reg: string, k: number): Promise<string | undefined>;
  /** The C expression of the value load instruction `j` reads (`dev->ifindex`). */
  load(j: number): Promise<string | undefined>;
}

/** An expression and its C precedence (higher binds tighter). */
interface C {
  text: string;
  prec: number;
}

const PREC: Record<string, number> = { "*": 13, "%": 13, "+": 12, "-": 12, "<<": 11, ">>": 11, "&": 8, "^": 7, "|": 6 };
const OPS: Record<string, string> = {
  add: "+",
  sub: "-",
  mul: "*",
  shl: "<<",
  shr: ">>",
  sar: ">>",
  and: "&",
  or: "|",
  xor: "^",
};

/** The C expression of register `reg`'s value just before instruction `k`, or undefined. */
export async function cExpr(ctx: CExprContext, reg: string, k: number): Promise<string | undefined> {
  return (await ofReg(ctx, reg, k, 0))?.text;
}

/** Extensions and truncations do not change a C value that fits (an int index widened by `cltq`). */
function bare(e: Expr): Expr {
  return e.k === "ext" ? bare(e.a) : e;
}

function writer(ctx: CExprContext, reg: string, k: number): number | undefined {
  for (let j = k - 1; j >= ctx.start; j--) {
    const fx = ctx.effects[j];
    if (fx?.control && fx.control !== "call") return undefined;
    if (fx?.control === "call") return undefined; // a call clobbers; no expression across it
    if (fx?.writes.some((w) => w.reg === reg)) return j;
  }
  return undefined;
}

async function ofReg(ctx: CExprContext, reg: string, k: number, depth: number): Promise<C | undefined> {
  if (depth > 12) return undefined;
  const named = await ctx.variable(reg, k);
  if (named) return { text: named, prec: 16 };
  const j = writer(ctx, reg, k);
  if (j === undefined) return undefined;
  const w = written(ctx, j, reg);
  if (!w) return undefined;
  const idiom = await signedRemainder(ctx, j, reg, depth);
  if (idiom) return idiom;
  return ofExpr(ctx, bare(w), j, depth + 1);
}

async function ofExpr(ctx: CExprContext, e: Expr, j: number, depth: number): Promise<C | undefined> {
  switch (e.k) {
    case "imm":
      return { text: e.v < 0n ? `-${-e.v}` : `${e.v}`, prec: 16 };
    case "reg":
      return ofReg(ctx, e.reg, j, depth);
    case "load": {
      const t = await ctx.load(j);
      return t ? { text: t, prec: 15 } : undefined;
    }
    case "ext":
      return ofExpr(ctx, bare(e), j, depth);
    case "bin": {
      const op = OPS[e.op];
      if (!op) return undefined;
      const a = await ofExpr(ctx, bare(e.a), j, depth + 1);
      const b = await ofExpr(ctx, bare(e.b), j, depth + 1);
      if (!a || !b) return undefined;
      const p = PREC[op] as number;
      const wrap = (x: C, right: boolean) => (x.prec < p || (right && x.prec === p) ? `(${x.text})` : x.text);
      return { text: `${wrap(a, false)} ${op} ${wrap(b, true)}`, prec: p };
    }
    default:
      return undefined;
  }
}

/** `reg - d` at `j`, where reg = (x + d) & (2^k - 1) and d = sign(x) >> (w - k): x % 2^k. */
async function signedRemainder(ctx: CExprContext, j: number, reg: string, depth: number): Promise<C | undefined> {
  const w = written(ctx, j, reg);
  const sub = w && bare(w);
  if (sub?.k !== "bin" || sub.op !== "sub") return undefined;
  const a = bare(sub.a);
  const d = bare(sub.b);
  if (a.k !== "reg" || a.reg !== reg || d.k !== "reg") return undefined;
  const jAnd = writer(ctx, reg, j);
  const and = jAnd === undefined ? undefined : bareOf(written(ctx, jAnd, reg));
  if (and?.k !== "bin" || and.op !== "and") return undefined;
  const mask = bare(and.b);
  if (mask.k !== "imm" || mask.v <= 0n || (mask.v & (mask.v + 1n)) !== 0n) return undefined;
  const jAdd = writer(ctx, reg, jAnd as number);
  const add = jAdd === undefined ? undefined : bareOf(written(ctx, jAdd, reg));
  if (add?.k !== "bin" || add.op !== "add") return undefined;
  const [p, q] = [bare(add.a), bare(add.b)];
  const ok =
    (p.k === "reg" && p.reg === reg && q.k === "reg" && q.reg === d.reg) ||
    (q.k === "reg" && q.reg === reg && p.k === "reg" && p.reg === d.reg);
  if (!ok) return undefined;
  const jShr = writer(ctx, d.reg, jAdd as number);
  const shr = jShr === undefined ? undefined : bareOf(written(ctx, jShr, d.reg));
  if (shr?.k !== "bin" || shr.op !== "shr" || bare(shr.b).k !== "imm") return undefined;
  const jSign = writer(ctx, d.reg, jShr as number);
  const sign = jSign === undefined ? undefined : written(ctx, jSign, d.reg);
  // cltd / cqto (x86 semantics: `sign of eax` / `sign of rax`): d = all ones when x < 0, else 0.
  const width = sign?.k === "unknown" ? (sign.why === "sign of eax" ? 32n : sign.why === "sign of rax" ? 64n : 0n) : 0n;
  if (!width || reg !== "rax") return undefined;
  const bits = BigInt((mask.v + 1n).toString(2).length - 1);
  if ((bare(shr.b) as { v: bigint }).v !== width - bits) return undefined;
  // x is the register's value before the sign spread (the add reads it unchanged since).
  if (
    writer(ctx, reg, jAdd as number) !== undefined &&
    (writer(ctx, reg, jAdd as number) as number) > (jSign as number)
  )
    return undefined;
  const x = await ofReg(ctx, reg, jSign as number, depth + 1);
  if (!x) return undefined;
  const rem = PREC["%"] as number;
  return { text: `${x.prec < rem ? `(${x.text})` : x.text} % ${mask.v + 1n}`, prec: rem };
}

function written(ctx: CExprContext, j: number, reg: string): Expr | undefined {
  return ctx.effects[j]?.writes.find((x) => x.reg === reg)?.value;
}

function bareOf(e: Expr | undefined): Expr | undefined {
  return e ? bare(e) : undefined;
}
