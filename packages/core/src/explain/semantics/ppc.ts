/**
 * PowerPC (32- and 64-bit) instruction semantics, mnemonic → effect (Power ISA v3.1 Book I, "Fixed-
 * Point Facility"). Capstone 5 gives no register access for PowerPC, so the table names the written
 * operand. D-form loads address (RA|0) + D: RA = r0 means the literal 0, as does `addi`/`addis` with
 * RA = r0. X-form loads (`lwzx rt,ra,rb`) address (RA|0) + RB; update forms (`ldu`, `lwzu`, `stdu`)
 * write the effective address back to RA. `addis` adds imm << 16 (`lis` loads it).
 * BUG()/WARN() are trap instructions (`twi 31,0,0`, `tdnei`: arch/powerpc/include/asm/bug.h).
 */

import { abiName } from "../../arch/table.js";
import type { MemOperand } from "../../disasm/types.js";
import type { Expr, Semantics, Write } from "./types.js";
import { bin, ext, imm, reg, unknown } from "./types.js";
import { control, fx, NOP, type Ops, type RegRef, type Rule, tableSemantics } from "./util.js";

const norm = (name: string): RegRef | undefined => {
  const r = abiName("ppc64", name);
  return r ? { reg: r, bits: 64 } : undefined;
};

// (RA|0): register r0 in the RA position reads as zero.
const ra0 = (o: Ops, i: number): Expr => (o.rn(i) === "r0" ? imm(0n) : reg(o.rn(i)));

const fixBase = (m: MemOperand): MemOperand => {
  if (m.base !== "r0") return m;
  const { base: _b, ...rest } = m;
  return rest;
};

const dform =
  (size: number, signed: boolean, update = false): Rule =>
  (o) => {
    const m = fixBase(o.mem(1));
    const v: Expr = { k: "load", mem: m, size, signed };
    const writes: Write[] = [{ reg: o.rn(0), value: size < 8 ? ext(signed, size * 8, v) : v }];
    if (update && m.base) writes.push({ reg: m.base, value: bin("add", reg(m.base), imm(m.disp)) });
    return fx(writes, { mem: { op: "load", mem: m, size } });
  };
const xform =
  (size: number, signed: boolean, update = false): Rule =>
  (o) => {
    const m: MemOperand = { scale: 1, disp: 0n, index: o.rn(2) };
    if (o.rn(1) !== "r0") m.base = o.rn(1);
    const v: Expr = { k: "load", mem: m, size, signed };
    const writes: Write[] = [{ reg: o.rn(0), value: size < 8 ? ext(signed, size * 8, v) : v }];
    if (update) writes.push({ reg: o.rn(1), value: bin("add", reg(o.rn(1)), reg(o.rn(2))) });
    return fx(writes, { mem: { op: "load", mem: m, size } });
  };
const dstore =
  (size: number, update = false): Rule =>
  (o) => {
    const m = fixBase(o.mem(1));
    const writes: Write[] = update && m.base ? [{ reg: m.base, value: bin("add", reg(m.base), imm(m.disp)) }] : [];
    return fx(writes, { mem: { op: "store", mem: m, size }, reads: [o.rn(0)] });
  };
const xstore =
  (size: number): Rule =>
  (o) => {
    const m: MemOperand = { scale: 1, disp: 0n, index: o.rn(2) };
    if (o.rn(1) !== "r0") m.base = o.rn(1);
    return fx([], { mem: { op: "store", mem: m, size }, reads: [o.rn(0)] });
  };

const op3 =
  (op: Parameters<typeof bin>[0], w32 = false): Rule =>
  (o) => {
    const v = bin(op, o.src(1), o.src(2));
    return fx([{ reg: o.rn(0), value: w32 ? ext(true, 32, v) : v }]);
  };
/** 64-bit rotate left by a constant, as two shifts. */
const rotl64 = (x: Expr, sh: bigint): Expr =>
  sh === 0n ? x : bin("or", bin("shl", x, imm(sh)), bin("shr", x, imm(64n - sh)));

const regsOf = (o: Ops): string[] => {
  const out: string[] = [];
  for (let i = 0; i < o.length; i++) if (o.isReg(i)) out.push(o.rn(i));
  return out;
};
const branch: Rule = (o) => control("branch", regsOf(o));
const trap: Rule = () => control("trap");

const rule: Record<string, Rule> = {
  nop: () => NOP,
  sync: () => NOP,
  lwsync: () => NOP,
  isync: () => NOP,
  mr: (o) => fx([{ reg: o.rn(0), value: reg(o.rn(1)) }]),
  li: (o) => fx([{ reg: o.rn(0), value: imm(o.imm(1)) }]),
  lis: (o) => fx([{ reg: o.rn(0), value: imm(BigInt.asIntN(32, (o.imm(1) & 0xffffn) << 16n)) }]),
  addi: (o) => fx([{ reg: o.rn(0), value: bin("add", ra0(o, 1), imm(o.imm(2))) }]),
  addis: (o) =>
    fx([{ reg: o.rn(0), value: bin("add", ra0(o, 1), imm(BigInt.asIntN(32, (o.imm(2) & 0xffffn) << 16n))) }]),
  add: op3("add"),
  // subf rt,ra,rb = rb - ra.
  subf: (o) => fx([{ reg: o.rn(0), value: bin("sub", o.src(2), o.src(1)) }]),
  sub: (o) => fx([{ reg: o.rn(0), value: bin("sub", o.src(1), o.src(2)) }]),
  neg: (o) => fx([{ reg: o.rn(0), value: bin("sub", imm(0n), reg(o.rn(1))) }]),
  mulld: op3("mul"),
  mulli: op3("mul"),
  mullw: op3("mul", true),
  and: op3("and"),
  "andi.": op3("and"),
  or: op3("or"),
  ori: op3("or"),
  oris: (o) => fx([{ reg: o.rn(0), value: bin("or", reg(o.rn(1)), imm((o.imm(2) & 0xffffn) << 16n)) }]),
  xor: op3("xor"),
  xori: op3("xor"),
  sldi: op3("shl"),
  srdi: op3("shr"),
  sradi: op3("sar"),
  sld: op3("shl"),
  srd: op3("shr"),
  slwi: (o) => fx([{ reg: o.rn(0), value: ext(false, 32, bin("shl", reg(o.rn(1)), imm(o.imm(2)))) }]),
  srwi: (o) => fx([{ reg: o.rn(0), value: bin("shr", ext(false, 32, reg(o.rn(1))), imm(o.imm(2))) }]),
  clrldi: (o) => fx([{ reg: o.rn(0), value: ext(false, 64 - Number(o.imm(2)), reg(o.rn(1))) }]),
  extsw: (o) => fx([{ reg: o.rn(0), value: ext(true, 32, reg(o.rn(1))) }]),
  extsh: (o) => fx([{ reg: o.rn(0), value: ext(true, 16, reg(o.rn(1))) }]),
  extsb: (o) => fx([{ reg: o.rn(0), value: ext(true, 8, reg(o.rn(1))) }]),
  // Rotate-and-mask (Power ISA Book I, "Fixed-Point Rotate and Shift Instructions"). Masks use IBM
  // bit numbering (bit 0 = most significant): MASK(mb, me) keeps bits mb..me.
  rldicl: (o) => fx([{ reg: o.rn(0), value: ext(false, 64 - Number(o.imm(3)), rotl64(o.src(1), o.imm(2))) }]),
  rldicr: (o) => {
    const me = o.imm(3);
    return fx([{ reg: o.rn(0), value: bin("and", rotl64(o.src(1), o.imm(2)), imm(~((1n << (63n - me)) - 1n))) }]);
  },
  rldic: (o) => {
    const sh = o.imm(2);
    const v = ext(false, 64 - Number(o.imm(3)), rotl64(o.src(1), sh));
    return fx([{ reg: o.rn(0), value: bin("and", v, imm(~((1n << sh) - 1n))) }]);
  },
  rlwinm: (o) => {
    const [sh, mb, me] = [o.imm(2), o.imm(3), o.imm(4)];
    if (mb > me) return fx([{ reg: o.rn(0), value: unknown("wrapping rotate mask") }]);
    const low = ext(false, 32, o.src(1));
    const rot = ext(false, 32, bin("or", bin("shl", low, imm(sh)), bin("shr", low, imm((32n - sh) % 32n))));
    const mask = ((1n << (32n - mb)) - 1n) & ~((1n << (31n - me)) - 1n);
    return fx([{ reg: o.rn(0), value: bin("and", rot, imm(mask)) }]);
  },
  cmpd: (o) => fx([], { reads: regsOf(o) }),
  cmpdi: (o) => fx([], { reads: regsOf(o) }),
  cmpw: (o) => fx([], { reads: regsOf(o) }),
  cmpwi: (o) => fx([], { reads: regsOf(o) }),
  cmpld: (o) => fx([], { reads: regsOf(o) }),
  cmpldi: (o) => fx([], { reads: regsOf(o) }),
  cmplw: (o) => fx([], { reads: regsOf(o) }),
  cmplwi: (o) => fx([], { reads: regsOf(o) }),
  mflr: (o) => fx([{ reg: o.rn(0), value: reg("lr") }]),
  mtlr: (o) => fx([{ reg: "lr", value: reg(o.rn(0)) }]),
  mtctr: (o) => fx([{ reg: "ctr", value: reg(o.rn(0)) }]),
  mfctr: (o) => fx([{ reg: o.rn(0), value: reg("ctr") }]),
  lbz: dform(1, false),
  lhz: dform(2, false),
  lha: dform(2, true),
  lwz: dform(4, false),
  lwa: dform(4, true),
  ld: dform(8, false),
  lbzu: dform(1, false, true),
  lhzu: dform(2, false, true),
  lwzu: dform(4, false, true),
  ldu: dform(8, false, true),
  lbzx: xform(1, false),
  lhzx: xform(2, false),
  lhax: xform(2, true),
  lwzx: xform(4, false),
  lwax: xform(4, true),
  ldx: xform(8, false),
  lwzux: xform(4, false, true),
  ldux: xform(8, false, true),
  lwbrx: (o) => ({ ...xform(4, false)(o), writes: [{ reg: o.rn(0), value: unknown("byte-reversed load") }] }),
  stb: dstore(1),
  sth: dstore(2),
  stw: dstore(4),
  std: dstore(8),
  stbu: dstore(1, true),
  sthu: dstore(2, true),
  stwu: dstore(4, true),
  stdu: dstore(8, true),
  stbx: xstore(1),
  sthx: xstore(2),
  stwx: xstore(4),
  stdx: xstore(8),
  b: () => control("jump"),
  bl: () => control("call", [], [{ reg: "lr", value: unknown("return address") }]),
  blr: () => control("return", ["lr"]),
  bctr: () => control("jump", ["ctr"]),
  bctrl: () => control("call", ["ctr"], [{ reg: "lr", value: unknown("return address") }]),
};
for (const c of ["eq", "ne", "lt", "le", "gt", "ge", "so", "ns", "dnz", "dz"]) {
  rule[`b${c}`] = branch;
  rule[`b${c}lr`] = branch;
  rule[`b${c}ctr`] = branch;
}

// Every trap form (`tw`, `twi`, `td`, `tdi`, `trap`, `twui`, `tdnei`, …) is a deliberate trap.
const mnemonic = (m: string): string => {
  const t = m.replace(/[+-]$/, "");
  if (rule[t]) return t;
  if (/^t[dw]/.test(t) || t === "trap") return "trap";
  return t;
};
rule.trap = trap;

// ELF ABI: r0, r3-r12, ctr, lr (and the volatile CR fields) are not preserved across calls.
const clobbered = ["r0", ...Array.from({ length: 10 }, (_, i) => `r${i + 3}`), "ctr", "lr"];

export const ppc64: Semantics = tableSemantics("ppc64", 64, rule, norm, { callClobbered: clobbered, mnemonic });
export const ppc32: Semantics = tableSemantics(
  "ppc32",
  32,
  rule,
  (n) => {
    const r = abiName("ppc32", n);
    return r ? { reg: r, bits: 32 } : undefined;
  },
  { callClobbered: clobbered, mnemonic },
);
