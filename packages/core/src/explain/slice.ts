/**
 * Register values inside the `Code:` window, derived soundly from the dump. The dump holds every
 * register *at the fault*, i.e. before the faulting instruction executes (exceptions are precise).
 * So the value of register r just before instruction k is the dumped value only when no instruction
 * in [k, fault) writes r. When one does, the value is recovered, if at all, by solving an instruction
 * that reads r for r (its result and its other inputs known: `daddu s1,a0,v0` with s1 and v0 known
 * gives a0; `dmul v0,v0,v1` gives the old v0 as new v0 / v1 when v1 is not written afterwards), or by
 * evaluating r's last writer forward. Every value carries a sentence saying how it was obtained.
 *
 * The window is treated as straight-line code from the instruction after the last branch, call or
 * jump before the fault (a MIPS delay slot belongs to its branch); what came before is not used.
 */

import type { Instruction, MemOperand } from "../disasm/types.js";
import { ftracePreserves } from "./ftrace.js";
import type { Effect, Expr, Semantics } from "./semantics/types.js";
import { effectReads, exprReads } from "./semantics/types.js";

export interface Known {
  v: bigint;
  /** How the value was obtained, e.g. `from the dump` or `0x300 / 0x30 (solved from dmul v0,v0,v1)`. */
  how: string;
  /** true when the value rests on an assumption (a multiply that did not wrap). */
  assumed?: boolean;
}

export const hx = (v: bigint): string => (v < 0n ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`);

export class Slice {
  readonly effects: Effect[];
  /** First instruction of the straight-line region that ends at the fault. */
  readonly start: number;
  private readonly mask: bigint;
  private readonly memo = new Map<string, Known | undefined>();
  private readonly busy = new Set<string>();

  constructor(
    readonly sem: Semantics,
    readonly insns: readonly Instruction[],
    readonly fault: number,
    readonly dump: Readonly<Record<string, bigint>>,
  ) {
    this.effects = insns.map((i) => sem.effect(i));
    // A call returns to the next instruction with the caller-saved registers clobbered (psABI); the
    // callee-saved ones survive, so a call is a barrier only for the former. With a delay slot the
    // clobber happens after the slot instruction. MIPS's function-entry `_mcount` keeps the registers
    // it saves and restores (ftrace.ts); x86's `__fentry__` is known by its offset 0, which in a
    // Code: window is the window's first byte, not the function's, so it is not taken here.
    this.effects.forEach((e, j) => {
      if (e.control !== "call") return;
      const at = e.delaySlot ? j + 1 : j;
      const target = this.effects[at];
      if (!target) return;
      const hook = ftracePreserves(sem.arch, insns, this.effects, j);
      const kept = hook === "all" ? undefined : hook;
      const have = new Set(target.writes.map((w) => w.reg));
      const clob = sem.callClobbered
        .filter((r) => !have.has(r) && !kept?.has(r))
        .map((r) => ({ reg: r, value: { k: "unknown", why: "clobbered by the call" } as const }));
      this.effects[at] = { ...target, writes: [...target.writes, ...clob] };
    });
    this.mask = (1n << BigInt(sem.width)) - 1n;
    this.start = this.regionStart();
  }

  private regionStart(): number {
    for (let j = this.fault - 1; j >= 0; j--) {
      const e = this.effects[j];
      if (!e?.control || e.control === "call") continue;
      // The fault is in this branch's delay slot: the branch executed first, the path goes through it.
      if (e.delaySlot && j === this.fault - 1) continue;
      return j + 1 + (e.delaySlot ? 1 : 0);
    }
    return 0;
  }

  u(v: bigint): bigint {
    return v & this.mask;
  }

  /** Does instruction j write r? */
  writes(j: number, r: string): boolean {
    return (this.effects[j]?.writes ?? []).some((w) => w.reg === r);
  }

  /** Last instruction in [start, k) writing r, or undefined. */
  lastWriter(r: string, k: number): number | undefined {
    for (let j = k - 1; j >= this.start; j--) if (this.writes(j, r)) return j;
    return undefined;
  }

  private firstWriter(r: string, k: number): number | undefined {
    for (let j = k; j < this.fault; j++) if (this.writes(j, r)) return j;
    return undefined;
  }

  /** The value of register r just before instruction k executes (start ≤ k ≤ fault). */
  before(r: string, k: number): Known | undefined {
    if (this.sem.zero !== undefined && r === this.sem.zero) return { v: 0n, how: "the zero register" };
    // x86-64 RIP-relative addressing (Intel SDM vol. 2, §2.2.1.6): rip is the address of the next
    // instruction, known wherever the instruction's own address is.
    if (r === "rip" || r === "eip") {
      const ins = this.insns[k];
      if (ins?.address === undefined) return undefined;
      return { v: this.u(ins.address + BigInt(ins.bytes.length)), how: "the next instruction's address" };
    }
    const key = `${r}@${k}`;
    if (this.memo.has(key)) return this.memo.get(key);
    if (this.busy.has(key)) return undefined;
    this.busy.add(key);
    const res = this.computeBefore(r, k);
    this.busy.delete(key);
    this.memo.set(key, res);
    return res;
  }

  private computeBefore(r: string, k: number): Known | undefined {
    const w = this.firstWriter(r, k);
    if (w === undefined) {
      const d = this.dump[r];
      if (d === undefined) return undefined;
      return {
        v: this.u(d),
        how: k === this.fault ? "from the dump" : "from the dump (not written again before the fault)",
      };
    }
    // Solve a reader of r in [k, w] (r unchanged from k up to and including w's read).
    for (let u = k; u <= w; u++) {
      const s = this.solveReader(r, u);
      if (s) return s;
    }
    // Evaluate the last writer before k forward.
    const p = this.lastWriter(r, k);
    if (p !== undefined) {
      const a = this.after(r, p, false);
      if (a) return a;
    }
    return undefined;
  }

  /** The value instruction j wrote to r. `preferDump`: take it from later state first. */
  after(r: string, j: number, preferDump = true): Known | undefined {
    const wr = this.effects[j]?.writes.find((w) => w.reg === r);
    if (!wr) return undefined;
    if (preferDump) {
      const later = this.before(r, j + 1);
      if (later) return later;
    }
    const v = this.eval(wr.value, j);
    return v === undefined ? undefined : { v, how: `computed by ${text(this.insns[j])}` };
  }

  /** Evaluate an expression with register values taken just before instruction j. */
  eval(e: Expr, j: number): bigint | undefined {
    switch (e.k) {
      case "imm":
        return this.u(e.v);
      case "reg":
        return this.before(e.reg, j)?.v;
      case "ext": {
        const a = this.eval(e.a, j);
        if (a === undefined) return undefined;
        return this.u(e.signed ? BigInt.asIntN(e.bits, a) : BigInt.asUintN(e.bits, a));
      }
      case "bin": {
        const a = this.eval(e.a, j);
        const b = this.eval(e.b, j);
        if (a === undefined || b === undefined) return undefined;
        return this.binop(e.op, a, b);
      }
      default:
        return undefined;
    }
  }

  private binop(op: string, a: bigint, b: bigint): bigint {
    const w = BigInt(this.sem.width);
    switch (op) {
      case "add":
        return this.u(a + b);
      case "sub":
        return this.u(a - b);
      case "mul":
        return this.u(a * b);
      case "and":
        return a & b;
      case "or":
        return a | b;
      case "xor":
        return this.u(a ^ b);
      case "shl":
        return this.u(a << (b % w));
      case "shr":
        return a >> (b % w);
      default:
        return this.u(BigInt.asIntN(this.sem.width, a) >> (b % w));
    }
  }

  /** Solve instruction u, which reads r, for r's input value from u's result and its other inputs. */
  private solveReader(r: string, u: number): Known | undefined {
    const fx = this.effects[u];
    if (!fx || fx.unknown) return undefined;
    for (const w of fx.writes) {
      if (!exprReads(w.value).includes(r)) continue;
      const out = this.after(w.reg, u, true);
      if (!out) continue;
      const sol = this.solve(w.value, out.v, r, u);
      if (sol) {
        const others = [...new Set(exprReads(w.value).filter((x) => x !== r))];
        const why = others
          .map((x) => {
            const k = this.before(x, u);
            return k ? `; ${x} = ${hx(k.v)} ${k.how}` : "";
          })
          .join("");
        const how =
          w.value.k === "reg"
            ? `copied into ${w.reg} by ${text(this.insns[u])}`
            : `solved from ${text(this.insns[u])}: ${sol.how}`;
        return {
          v: sol.v,
          how: `${how}${why}`,
          ...(sol.assumed ? { assumed: true } : {}),
        };
      }
    }
    return undefined;
  }

  /** Find r such that e (evaluated before instruction j) equals out. Only r may be unknown. */
  private solve(e: Expr, out: bigint, r: string, j: number): Known | undefined {
    if (e.k === "reg") return e.reg === r ? { v: this.u(out), how: hx(this.u(out)) } : undefined;
    if (e.k === "ext") {
      // Only invertible when the extension did not change the value (the operand fits).
      const sub = this.solve(e.a, out, r, j);
      if (!sub) return undefined;
      const chk = e.signed ? BigInt.asIntN(e.bits, sub.v) : BigInt.asUintN(e.bits, sub.v);
      return this.u(chk) === this.u(out) ? sub : undefined;
    }
    if (e.k !== "bin") return undefined;
    const inA = exprReads(e.a).includes(r);
    const inB = exprReads(e.b).includes(r);
    if (inA === inB) return undefined;
    const other = this.eval(inA ? e.b : e.a, j);
    if (other === undefined) return undefined;
    const target = this.invert(e.op, out, other, inA);
    if (!target) return undefined;
    const sub = this.solve(inA ? e.a : e.b, target.v, r, j);
    if (!sub) return undefined;
    return { v: sub.v, how: target.how, ...(target.assumed || sub.assumed ? { assumed: true } : {}) };
  }

  /** Inverse of `x op other = out` (or `other op x` when !left). */
  private invert(op: string, out: bigint, other: bigint, left: boolean): Known | undefined {
    switch (op) {
      case "add": {
        const v = this.u(out - other);
        return { v, how: `${hx(out)} - ${hx(other)} = ${hx(v)}` };
      }
      case "sub": {
        const v = left ? this.u(out + other) : this.u(other - out);
        return { v, how: left ? `${hx(out)} + ${hx(other)} = ${hx(v)}` : `${hx(other)} - ${hx(out)} = ${hx(v)}` };
      }
      case "xor": {
        const v = this.u(out ^ other);
        return { v, how: `${hx(out)} ^ ${hx(other)} = ${hx(v)}` };
      }
      case "mul": {
        // Exact division; unique only if the product did not wrap, which is assumed and said.
        if (other === 0n || out % other !== 0n) return undefined;
        const v = out / other;
        return {
          v,
          how: `${hx(out)} / ${hx(other)} = ${hx(v)} (exact; the only input for which the multiply does not wrap)`,
          assumed: true,
        };
      }
      case "shl": {
        if (!left) return undefined;
        const k = other;
        if (k >= 64n || out & ((1n << k) - 1n)) return undefined;
        const v = out >> k;
        return { v, how: `${hx(out)} >> ${k} = ${hx(v)} (assuming no bits were shifted out)`, assumed: true };
      }
      default:
        return undefined;
    }
  }

  /** Registers effect j reads. */
  reads(j: number): string[] {
    const fx = this.effects[j];
    return fx ? effectReads(fx) : [];
  }
}

/** An instruction as objdump-style text: `lbu v1,24(s1)`. */
export function text(i: Instruction | undefined): string {
  if (!i) return "?";
  return i.opStr ? `${i.mnemonic} ${i.opStr}` : i.mnemonic;
}

/** `[s2+0x268]` from a memory operand. */
export function memText(m: MemOperand): string {
  const parts: string[] = [];
  if (m.base) parts.push(m.base);
  if (m.index) parts.push(m.scale !== 1 ? `${m.index}*${m.scale}` : m.index);
  let s = parts.join("+");
  if (m.disp !== 0n || !s) s += s ? (m.disp < 0n ? `-${hx(-m.disp)}` : `+${hx(m.disp)}`) : hx(m.disp);
  return `[${s}]`;
}
