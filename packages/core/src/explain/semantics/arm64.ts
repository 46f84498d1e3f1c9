/**
 * AArch64 instruction semantics, mnemonic → effect (Arm Architecture Reference Manual for A-profile,
 * "A64 Base Instruction Descriptions"). Writing a W register zeroes bits 63..32 of the X register;
 * register operands may carry a shift (`x2, lsl #3`) or an extend (`w1, sxtw`), memory operands an
 * extended, scaled index (`[x1, w2, sxtw #2]`) and pre/post-index writeback. `madd`/`umaddl`/
 * `smaddl` compute ra + rn × rm; `adrp` is only given a value when the instruction's address is known.
 */

import type { Operand } from "../../disasm/types.js";
import type { Expr, Semantics, Write } from "./types.js";
import { bin, ext, imm, reg, unknown } from "./types.js";
import { control, fx, NOP, type Ops, type RegRef, type Rule, tableSemantics } from "./util.js";

const norm = (name: string): RegRef | undefined => {
  const n = name.toLowerCase();
  if (n === "xzr") return { reg: "xzr", bits: 64 };
  if (n === "wzr") return { reg: "xzr", bits: 32 };
  if (n === "sp" || n === "wsp") return { reg: "sp", bits: n === "sp" ? 64 : 32 };
  if (n === "fp" || n === "x29") return { reg: "fp", bits: 64 };
  if (n === "lr" || n === "x30") return { reg: "lr", bits: 64 };
  if (n === "w29") return { reg: "fp", bits: 32 };
  if (n === "w30") return { reg: "lr", bits: 32 };
  const m = /^([xw])(\d+)$/.exec(n);
  if (m?.[2] && Number(m[2]) <= 28) return { reg: `x${m[2]}`, bits: m[1] === "w" ? 32 : 64 };
  return undefined;
};

const EXTEND: Record<string, [boolean, number]> = {
  uxtb: [false, 8],
  uxth: [false, 16],
  uxtw: [false, 32],
  sxtb: [true, 8],
  sxth: [true, 16],
  sxtw: [true, 32],
};

/** Operand i as a value: width, extend and shift applied. */
function rd(o: Ops, i: number): Expr {
  const op = o.op(i) as Operand;
  if (op.kind === "imm") {
    const sh = op.shift?.type === "lsl" ? BigInt(op.shift.amount) : 0n;
    return imm(op.value << sh);
  }
  if (op.kind === "mem") {
    const m = o.mem(i);
    return { k: "load", mem: m, size: m.size ?? 8, signed: false };
  }
  const r = o.r(i);
  let e: Expr = r.bits === 32 ? ext(false, 32, reg(r.reg)) : reg(r.reg);
  const x = op.extend ? EXTEND[op.extend] : undefined;
  if (x) e = ext(x[0], x[1], reg(r.reg));
  const s = op.shift;
  if (s?.amount) {
    const amt = imm(BigInt(s.amount));
    if (s.type === "lsl") e = bin("shl", e, amt);
    else if (s.type === "lsr") e = bin("shr", e, amt);
    else if (s.type === "asr") e = bin("sar", r.bits === 32 ? ext(true, 32, reg(r.reg)) : e, amt);
    else e = unknown(`${s.type} shift`);
  }
  return e;
}

function wr(o: Ops, i: number, value: Expr): Write {
  const r = o.r(i);
  return { reg: r.reg, value: r.bits === 32 ? ext(false, 32, value) : value };
}

const alu =
  (op: Parameters<typeof bin>[0]): Rule =>
  (o) =>
    fx([wr(o, 0, bin(op, rd(o, 1), rd(o, o.length >= 3 ? 2 : 1)))]);

/** Base-register update of pre-index (`[x1, #8]!`) and post-index (`[x1], #8`) forms. */
function writeback(o: Ops, memIdx: number): Write[] {
  if (!o.insn.writeback) return [];
  const m = o.mem(memIdx);
  if (!m.base) return [];
  const post = o.isImm(memIdx + 1) ? o.imm(memIdx + 1) : undefined;
  const delta = post ?? m.disp;
  return [{ reg: m.base, value: bin("add", reg(m.base), imm(delta)) }];
}

/** Pre-index accesses memory at base + disp; post-index at base (disp 0 already in the operand). */
const ldr =
  (size: number | "reg", signed: boolean): Rule =>
  (o) => {
    const mi = o.length - (o.isImm(o.length - 1) && o.isMem(o.length - 2) ? 2 : 1);
    const m = o.mem(mi);
    const writes: Write[] = [];
    const nRegs = mi;
    for (let i = 0; i < nRegs; i++) {
      const r = o.r(i);
      const sz = size === "reg" ? r.bits / 8 : size;
      const load: Expr = { k: "load", mem: i === 0 ? m : { ...m, disp: m.disp + BigInt(sz * i) }, size: sz, signed };
      const v = signed ? ext(true, sz * 8, load) : sz < 8 ? ext(false, sz * 8, load) : load;
      writes.push({ reg: r.reg, value: r.bits === 32 ? ext(false, 32, v) : v });
    }
    const first = o.r(0);
    const sz0 = size === "reg" ? first.bits / 8 : size;
    return fx([...writes, ...writeback(o, mi)], { mem: { op: "load", mem: m, size: sz0 * nRegs } });
  };

const str =
  (size: number | "reg", status = false): Rule =>
  (o) => {
    const mi = o.length - (o.isImm(o.length - 1) && o.isMem(o.length - 2) ? 2 : 1);
    const m = o.mem(mi);
    const from = status ? 1 : 0;
    const regs: string[] = [];
    for (let i = from; i < mi; i++) regs.push(o.rn(i));
    const r = o.r(from);
    const sz = size === "reg" ? r.bits / 8 : size;
    const writes: Write[] = status ? [{ reg: o.rn(0), value: unknown("exclusive store status") }] : [];
    return fx([...writes, ...writeback(o, mi)], { mem: { op: "store", mem: m, size: sz * (mi - from) }, reads: regs });
  };

const extendRule =
  (signed: boolean, bits: number): Rule =>
  (o) =>
    fx([wr(o, 0, ext(signed, bits, reg(o.rn(1))))]);

const regsOf = (o: Ops): string[] => {
  const out: string[] = [];
  for (let i = 0; i < o.length; i++) if (o.isReg(i)) out.push(o.rn(i));
  return out;
};

/**
 * REV, REV16, REV32: the bytes of each `lane`-byte group of the low `bytes` bytes of rn, reversed
 * (Arm ARM C6.2 REV/REV16/REV32; `rev w2, w2` is what ntohl() compiles to), as shifts and masks.
 */
const reverse =
  (lane: number): Rule =>
  (o) => {
    const x = reg(o.rn(1));
    const bytes = o.r(0).bits / 8;
    const size = Math.min(lane, bytes);
    let out: Expr | undefined;
    for (let i = 0; i < bytes; i++) {
      const base = i - (i % size);
      const j = base + size - 1 - (i - base);
      const b = bin("and", i ? bin("shr", x, imm(BigInt(8 * i))) : x, imm(0xffn));
      const moved = j ? bin("shl", b, imm(BigInt(8 * j))) : b;
      out = out ? bin("or", out, moved) : moved;
    }
    return fx([wr(o, 0, out as Expr)]);
  };

const compare: Rule = (o) => fx([], { reads: regsOf(o) });
const condWrite: Rule = (o) => fx([{ reg: o.rn(0), value: unknown("conditional select") }]);

const rule: Record<string, Rule> = {
  nop: () => NOP,
  hint: () => NOP,
  bti: () => NOP,
  dmb: () => NOP,
  dsb: () => NOP,
  isb: () => NOP,
  prfm: () => NOP,
  yield: () => NOP,
  // Pointer authentication changes lr's upper bits.
  paciasp: () => fx([{ reg: "lr", value: unknown("signed return address") }]),
  autiasp: () => fx([{ reg: "lr", value: unknown("authenticated return address") }]),
  mov: (o) => fx([wr(o, 0, rd(o, 1))]),
  movz: (o) => fx([wr(o, 0, rd(o, 1))]),
  movn: (o) => fx([wr(o, 0, bin("xor", rd(o, 1), imm(-1n)))]),
  movk: (o) => {
    const op = o.op(1);
    const sh = op.kind === "imm" && op.shift ? BigInt(op.shift.amount) : 0n;
    const keep = bin("and", reg(o.rn(0)), imm(~(0xffffn << sh)));
    return fx([wr(o, 0, bin("or", keep, imm(o.imm(1) << sh)))]);
  },
  mvn: (o) => fx([wr(o, 0, bin("xor", rd(o, 1), imm(-1n)))]),
  rev: reverse(8),
  rev16: reverse(2),
  rev32: reverse(4),
  neg: (o) => fx([wr(o, 0, bin("sub", imm(0n), rd(o, 1)))]),
  // NEGS = SUBS rd, zr, rm (flags not modelled): GCC's signed x % 2^k starts with it (cexpr.ts).
  negs: (o) => fx([wr(o, 0, bin("sub", imm(0n), rd(o, 1)))]),
  // adrp/adr: Capstone resolves the target from the instruction address; without one it is unknown.
  adrp: (o) => fx([wr(o, 0, o.insn.address !== undefined ? imm(o.imm(1)) : unknown("page address"))]),
  adr: (o) => fx([wr(o, 0, o.insn.address !== undefined ? imm(o.imm(1)) : unknown("pc-relative address"))]),
  add: alu("add"),
  adds: alu("add"),
  sub: alu("sub"),
  subs: alu("sub"),
  and: alu("and"),
  ands: alu("and"),
  orr: alu("or"),
  eor: alu("xor"),
  bic: (o) => fx([wr(o, 0, bin("and", rd(o, 1), bin("xor", rd(o, 2), imm(-1n))))]),
  orn: (o) => fx([wr(o, 0, bin("or", rd(o, 1), bin("xor", rd(o, 2), imm(-1n))))]),
  mul: alu("mul"),
  mneg: (o) => fx([wr(o, 0, bin("sub", imm(0n), bin("mul", rd(o, 1), rd(o, 2))))]),
  madd: (o) => fx([wr(o, 0, bin("add", rd(o, 3), bin("mul", rd(o, 1), rd(o, 2))))]),
  msub: (o) => fx([wr(o, 0, bin("sub", rd(o, 3), bin("mul", rd(o, 1), rd(o, 2))))]),
  umaddl: (o) =>
    fx([wr(o, 0, bin("add", rd(o, 3), bin("mul", ext(false, 32, reg(o.rn(1))), ext(false, 32, reg(o.rn(2))))))]),
  smaddl: (o) =>
    fx([wr(o, 0, bin("add", rd(o, 3), bin("mul", ext(true, 32, reg(o.rn(1))), ext(true, 32, reg(o.rn(2))))))]),
  umull: (o) => fx([wr(o, 0, bin("mul", ext(false, 32, reg(o.rn(1))), ext(false, 32, reg(o.rn(2)))))]),
  smull: (o) => fx([wr(o, 0, bin("mul", ext(true, 32, reg(o.rn(1))), ext(true, 32, reg(o.rn(2)))))]),
  udiv: (o) => fx([{ reg: o.rn(0), value: unknown("quotient") }]),
  sdiv: (o) => fx([{ reg: o.rn(0), value: unknown("quotient") }]),
  lsl: alu("shl"),
  lsr: alu("shr"),
  asr: (o) => {
    const r = o.r(1);
    const src = r.bits === 32 ? ext(true, 32, reg(r.reg)) : reg(r.reg);
    return fx([wr(o, 0, bin("sar", src, rd(o, 2)))]);
  },
  // Bit-field moves: ubfx/sbfx rd, rn, lsb, width; ubfiz/sbfiz rd, rn, lsb, width.
  ubfx: (o) => fx([wr(o, 0, ext(false, Number(o.imm(3)), bin("shr", reg(o.rn(1)), imm(o.imm(2)))))]),
  sbfx: (o) => fx([wr(o, 0, ext(true, Number(o.imm(3)), bin("shr", reg(o.rn(1)), imm(o.imm(2)))))]),
  ubfiz: (o) => fx([wr(o, 0, bin("shl", ext(false, Number(o.imm(3)), reg(o.rn(1))), imm(o.imm(2))))]),
  sbfiz: (o) => fx([wr(o, 0, bin("shl", ext(true, Number(o.imm(3)), reg(o.rn(1))), imm(o.imm(2))))]),
  sxtw: extendRule(true, 32),
  sxth: extendRule(true, 16),
  sxtb: extendRule(true, 8),
  uxtw: extendRule(false, 32),
  uxth: extendRule(false, 16),
  uxtb: extendRule(false, 8),
  cmp: compare,
  cmn: compare,
  tst: compare,
  ccmp: compare,
  csel: condWrite,
  csinc: condWrite,
  csinv: condWrite,
  csneg: condWrite,
  cset: condWrite,
  csetm: condWrite,
  cinc: condWrite,
  cneg: condWrite,
  // Loads (size "reg": the destination's width) and stores.
  ldr: ldr("reg", false),
  ldur: ldr("reg", false),
  ldp: ldr("reg", false),
  ldnp: ldr("reg", false),
  ldar: ldr("reg", false),
  ldxr: ldr("reg", false),
  ldaxr: ldr("reg", false),
  ldrb: ldr(1, false),
  ldurb: ldr(1, false),
  ldarb: ldr(1, false),
  ldrh: ldr(2, false),
  ldurh: ldr(2, false),
  ldarh: ldr(2, false),
  ldrsb: ldr(1, true),
  ldursb: ldr(1, true),
  ldrsh: ldr(2, true),
  ldursh: ldr(2, true),
  ldrsw: ldr(4, true),
  ldursw: ldr(4, true),
  ldpsw: ldr(4, true),
  str: str("reg"),
  stur: str("reg"),
  stp: str("reg"),
  stnp: str("reg"),
  stlr: str("reg"),
  strb: str(1),
  sturb: str(1),
  stlrb: str(1),
  strh: str(2),
  sturh: str(2),
  stlrh: str(2),
  stxr: str("reg", true),
  stlxr: str("reg", true),
  // Control flow (b.cond is spelled `b.eq`, `b.ne`, …).
  b: () => control("jump"),
  br: (o) => control("jump", regsOf(o)),
  bl: () => control("call", [], [{ reg: "lr", value: unknown("return address") }]),
  blr: (o) => control("call", regsOf(o), [{ reg: "lr", value: unknown("return address") }]),
  ret: () => control("return", ["lr"]),
  cbz: (o) => control("branch", regsOf(o)),
  cbnz: (o) => control("branch", regsOf(o)),
  tbz: (o) => control("branch", regsOf(o)),
  tbnz: (o) => control("branch", regsOf(o)),
  // BUG()/WARN() are `brk #0x800` (BUG_BRK_IMM, arch/arm64/include/asm/brk-imm.h).
  brk: () => control("trap"),
  udf: () => control("trap"),
};

const mnemonic = (m: string): string => (/^b\.[a-z]{2}$/.test(m) ? "bcond" : m);
rule.bcond = () => control("branch");

// AAPCS64: x0-x18 and lr are not preserved across calls.
const clobbered = [...Array.from({ length: 19 }, (_, i) => `x${i}`), "lr"];

export const arm64: Semantics = tableSemantics("arm64", 64, rule, norm, {
  zero: "xzr",
  callClobbered: clobbered,
  mnemonic,
});
