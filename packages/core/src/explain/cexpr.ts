/**
 * Turns the instructions that compute a register into the C expression they compile: the value of a
 * register just before an instruction, followed back through its definitions inside one basic block,
 * becomes `dev->ifindex % 64` — loads named by the caller from DWARF (a member through a parameter),
 * constants, additions, shifts and masks, and the idioms compilers use for C operators that have no
 * single instruction. Known idiom: the signed remainder by a power of two 2^k, which GCC emits as
 * (x86) `cltd; shr $(32-k),%edx; add %edx,%eax; and $(2^k-1),%eax; sub %edx,%eax` (C99 §6.5.5: the
 * remainder has the sign of the dividend, so the bias 2^k-1 is added to a negative x and taken off
 * again), or `cqto` and 64 − k for a 64-bit x; (AArch64) `negs n, x; and a, x, #(2^k-1); and n, n,
 * #(2^k-1); csneg r, a, n, mi` (x > 0: x & m, else −((−x) & m)); (MIPS) `and t, x, 0x8000_0000|(2^k-1)`
 * then, on the path where `bgez t` is not taken, `t = ((t − 1) | −2^k) + 1`, the two paths joining at
 * the use. Each idiom is recognised by its shape, then its instructions (their semantics, as the
 * table models them) are evaluated over a range of x and compared with C's `%` before it is named.
 * A register whose origin the block does not show is named only when DWARF places a variable
 * exactly in it; otherwise there is no expression.
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
  /** Definitions of `reg` reaching instruction k across blocks (`dataflow.ts`), for idioms that join paths. */
  defs?(reg: string, k: number): (number | "entry")[];
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
  if (j === undefined) return joinedRemainder(ctx, reg, k, depth);
  const w = written(ctx, j, reg);
  if (!w) return undefined;
  const idiom = (await signedRemainder(ctx, j, reg, depth)) ?? (await csnegRemainder(ctx, j, reg, depth));
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

/** C99 §6.5.5: a % b truncates toward zero, so the remainder has the sign of a. */
function cRem(a: bigint, b: bigint): bigint {
  return a - (a / b) * b;
}

/** Dividends the idioms are checked over: around 0, around multiples of the divisor, and the extremes. */
function samples(bits: number, divisor: bigint): bigint[] {
  const min = -(1n << BigInt(bits - 1));
  const out = [min, min + 1n, -min - 1n, -min - 2n];
  for (let v = -3n * divisor - 2n; v <= 3n * divisor + 2n; v++) out.push(v);
  return out;
}

/** Evaluates an expression over 64-bit register values; undefined when it reads memory or an unknown. */
function evalExpr(e: Expr, env: ReadonlyMap<string, bigint>): bigint | undefined {
  const u = (v: bigint) => BigInt.asUintN(64, v);
  switch (e.k) {
    case "imm":
      return u(e.v);
    case "reg":
      // The zero registers of the tables (MIPS `zero`, AArch64 `xzr`) read as 0.
      return e.reg === "zero" || e.reg === "xzr" ? 0n : env.get(e.reg);
    case "ext": {
      const a = evalExpr(e.a, env);
      return a === undefined ? undefined : u(e.signed ? BigInt.asIntN(e.bits, a) : BigInt.asUintN(e.bits, a));
    }
    case "bin": {
      const a = evalExpr(e.a, env);
      const b = evalExpr(e.b, env);
      if (a === undefined || b === undefined) return undefined;
      const sh = b & 63n;
      const r: Record<string, () => bigint> = {
        add: () => a + b,
        sub: () => a - b,
        mul: () => a * b,
        and: () => a & b,
        or: () => a | b,
        xor: () => a ^ b,
        shl: () => a << sh,
        shr: () => a >> sh,
        sar: () => BigInt.asIntN(64, a) >> sh,
      };
      const f = r[e.op];
      return f ? u(f()) : undefined;
    }
    default:
      return undefined;
  }
}

/** A register's constant value just before k, from the block's writes of constants (`lui; addiu`). */
function constOf(ctx: CExprContext, reg: string, k: number, depth = 0): bigint | undefined {
  if (depth > 6) return undefined;
  const j = writer(ctx, reg, k);
  const w = j === undefined ? undefined : written(ctx, j, reg);
  if (j === undefined || !w) return undefined;
  const env = new Map<string, bigint>();
  for (const r of exprRegs(w)) {
    const v = constOf(ctx, r, j, depth + 1);
    if (v === undefined) return undefined;
    env.set(r, v);
  }
  return evalExpr(w, env);
}

function exprRegs(e: Expr, out: string[] = []): string[] {
  if (e.k === "reg") out.push(e.reg);
  else if (e.k === "bin") {
    exprRegs(e.a, out);
    exprRegs(e.b, out);
  } else if (e.k === "ext") exprRegs(e.a, out);
  return out;
}

/** `w3` → `x3` (AArch64's 32-bit view of a register), as the semantics table names registers. */
function full64(r: string): string {
  return r.replace(/^w(\d+)$/, "x$1");
}

/**
 * AArch64: `csneg r, a, n, mi` at j, where a = x & m, n = (−x) & m and the flags come from
 * `negs n0, x` (GCC's aarch64 expansion of x % 2^k for signed x): x % (m + 1).
 */
async function csnegRemainder(ctx: CExprContext, j: number, reg: string, depth: number): Promise<C | undefined> {
  const ins = ctx.insns[j];
  if (ins?.mnemonic !== "csneg") return undefined;
  const ops = /^([wx]\d+), ([wx]\d+), ([wx]\d+), (\w+)$/.exec(ins.opStr);
  if (!ops || full64(ops[1] as string) !== reg) return undefined;
  const bits = (ops[1] as string).startsWith("w") ? 32 : 64;
  const [ra, rn, cond] = [full64(ops[2] as string), full64(ops[3] as string), ops[4] as string];
  // a = x & m, n = n0 & m
  const andOf = (r: string, at: number) => {
    const i = writer(ctx, r, at);
    const e = i === undefined ? undefined : bareOf(written(ctx, i, r));
    const [p, q] = e?.k === "bin" && e.op === "and" ? [bare(e.a), bare(e.b)] : [];
    return p?.k === "reg" && q?.k === "imm" ? { i: i as number, src: p.reg, mask: q.v } : undefined;
  };
  const a = andOf(ra, j);
  const n = andOf(rn, j);
  if (!a || !n || a.mask !== n.mask || a.mask <= 0n || (a.mask & (a.mask + 1n)) !== 0n) return undefined;
  // n0 = −x with the flags set: `negs n0, x`, the last flag-setting instruction before the csneg.
  const jNeg = writer(ctx, n.src, n.i);
  const neg = jNeg === undefined ? undefined : ctx.insns[jNeg];
  const nops = neg ? /^([wx]\d+), ([wx]\d+)$/.exec(neg.opStr) : null;
  if (neg?.mnemonic !== "negs" || !nops || full64(nops[2] as string) !== a.src) return undefined;
  for (let i = (jNeg as number) + 1; i < j; i++) {
    const m = ctx.insns[i]?.mnemonic ?? "";
    if (/^(adds|subs|ands|bics|negs|adcs|sbcs|cmp|cmn|tst|ccmp|ccmn)$/.test(m)) return undefined; // flags
  }
  // x is the same value at the negs and at the and.
  const wx = writer(ctx, a.src, a.i);
  if (wx !== undefined && wx >= (jNeg as number)) return undefined;
  // The four instructions against C's %: N of −x decides.
  const d = a.mask + 1n;
  const mod = (v: bigint) => BigInt.asUintN(bits, v);
  const ok = samples(bits, d).every((x) => {
    const nx = mod(-x);
    const N = (nx >> BigInt(bits - 1)) & 1n;
    const take = cond === "mi" ? N === 1n : cond === "pl" ? N === 0n : undefined;
    if (take === undefined) return false;
    const r = take ? mod(x) & a.mask : mod(-(nx & a.mask));
    return BigInt.asIntN(bits, r) === cRem(x, d);
  });
  if (!ok) return undefined;
  const x = await ofReg(ctx, a.src, jNeg as number, depth + 1);
  if (!x) return undefined;
  const rem = PREC["%"] as number;
  return { text: `${x.prec < rem ? `(${x.text})` : x.text} % ${d}`, prec: rem };
}

/**
 * MIPS: `reg` reaches k from two paths: t = x & M (M = sign bit | 2^k − 1) taken by `bgez t` straight
 * to k's block, and ((t − 1) | −2^k) + 1 on the fall-through path. Both are evaluated from the
 * instructions and compared with C's x % 2^k for 32-bit x (the value `lw` loads, sign-extended).
 */
async function joinedRemainder(ctx: CExprContext, reg: string, k: number, depth: number): Promise<C | undefined> {
  const defs = ctx.defs?.(reg, k);
  if (defs?.length !== 2 || defs.includes("entry")) return undefined;
  const [d0, d1] = (defs as number[]).slice().sort((p, q) => p - q) as [number, number];
  // The and, then its branch (with a delay slot) to the block holding k.
  const and = bareOf(written(ctx, d0, reg));
  if (and?.k !== "bin" || and.op !== "and") return undefined;
  const [p, q] = [bare(and.a), bare(and.b)];
  if (p.k !== "reg" || q.k !== "reg") return undefined;
  const mp = constOf({ ...ctx, start: 0 }, q.reg, d0);
  const mq = constOf({ ...ctx, start: 0 }, p.reg, d0);
  const [xr, M] = mp !== undefined ? [p.reg, mp] : mq !== undefined ? [q.reg, mq] : [undefined, undefined];
  if (!xr || M === undefined) return undefined;
  const br = ctx.insns[d0 + 1];
  const bfx = ctx.effects[d0 + 1];
  const join = ctx.insns[ctx.start];
  if (br?.mnemonic !== "bgez" || !bfx?.delaySlot || !bfx.reads.includes(reg) || !join) return undefined;
  const target = br.operands.at(-1);
  if (
    target?.kind !== "imm" ||
    BigInt.asUintN(64, target.value) !== BigInt.asUintN(64, join.address ?? BigInt(join.offset))
  )
    return undefined;
  // The fall-through path: from after the delay slot to d1, straight-line, falling into k's block.
  for (let i = d0 + 3; i <= d1; i++) if (ctx.effects[i]?.control) return undefined;
  if (d1 + 1 > ctx.start || ctx.effects[d0 + 2]?.writes.some((w) => w.reg === reg)) return undefined;
  for (let i = d1 + 1; i < ctx.start; i++) if (ctx.effects[i]?.writes.some((w) => w.reg === reg)) return undefined;
  const mask = BigInt.asUintN(31, M);
  if (mask <= 0n || (mask & (mask + 1n)) !== 0n || BigInt.asUintN(64, M) >> 31n !== (1n << 33n) - 1n) return undefined;
  const divisor = mask + 1n;
  const ok = samples(32, divisor).every((x) => {
    const t = BigInt.asUintN(64, BigInt.asUintN(64, x) & BigInt.asUintN(64, M));
    let v = t;
    if (BigInt.asIntN(64, t) < 0n) {
      // Every write from after the delay slot to d1, evaluated; other registers from constants.
      const env = new Map<string, bigint>([[reg, t]]);
      for (let i = d0 + 3; i <= d1; i++) {
        for (const w of ctx.effects[i]?.writes ?? []) {
          const r = evalExpr(w.value, env);
          if (r === undefined) return false;
          env.set(w.reg, r);
        }
      }
      v = env.get(reg) as bigint;
    }
    return BigInt.asIntN(64, v) === cRem(x, divisor);
  });
  if (!ok) return undefined;
  const x = await ofReg({ ...ctx, start: blockFirst(ctx, d0) }, xr, d0, depth + 1);
  if (!x) return undefined;
  const rem = PREC["%"] as number;
  return { text: `${x.prec < rem ? `(${x.text})` : x.text} % ${divisor}`, prec: rem };
}

/** The first instruction of the straight-line run ending at j (after the last control transfer and its slot). */
function blockFirst(ctx: CExprContext, j: number): number {
  let i = j;
  while (i > 0) {
    const prev = ctx.effects[i - 1];
    const prev2 = ctx.effects[i - 2];
    if (
      (prev?.control && prev.control !== "call" && !prev.delaySlot) ||
      (prev2?.control && prev2.control !== "call" && prev2.delaySlot)
    )
      break;
    i--;
  }
  return i;
}
