/**
 * s390x (z/Architecture) instruction semantics, mnemonic → effect, for the integer subset a backward
 * slice needs. Rules follow the z/Architecture Principles of Operation (SA22-7832), chapter 7
 * "General Instructions". The general registers are 64 bits wide; the 32-bit forms (`l`, `lr`, `ar`,
 * `ahi`, `st`…) operate on bits 32-63 and leave bits 0-31 unchanged, so their result is written as
 * (old & 0xffffffff00000000) | low 32 bits. An operand address is base + index + displacement, where
 * register 0 as base or index means zero (PoP "Address Generation"); Capstone already drops r0 there.
 *
 * Mnemonics come either from Capstone (`j`, `je`, `br`) or, in a `Krnl Code:` listing, from the
 * kernel's own disassembler (`brc 15,…`, `bcr 15,%r14`), whose branch mask Capstone's operands do not
 * carry. Branch on condition (BC, BCR, BRC, BRCL) is therefore classified from the instruction bytes:
 * the M1 mask is bits 8-11 of every one of those formats. BUG()/WARN() trap: `mc 0,0` (monitor call,
 * arch/s390/include/asm/bug.h since 2020), before that `j 0b+2`, a branch into its own second halfword
 * 0x0001, and in 2.6 kernels `.long 0`: opcode 0x00 is unassigned, so executing it is an operation
 * exception (PoP "Operation Exception").
 */

import { abiName } from "../../arch/table.js";
import type { Instruction, MemOperand } from "../../disasm/types.js";
import type { Effect, Expr, Semantics, Write } from "./types.js";
import { bin, ext, imm, reg, unknown } from "./types.js";
import { control, fx, NOP, type Ops, type RegRef, type Rule, tableSemantics } from "./util.js";

const norm = (name: string): RegRef | undefined => {
  const r = abiName("s390x", name.replace(/^%/, ""));
  return r ? { reg: r, bits: 64 } : undefined;
};

const HI = 0xffffffff00000000n;

/** A 32-bit result into bits 32-63 of r, bits 0-31 unchanged. */
const low32 = (r: string, v: Expr): Write => ({
  reg: r,
  value: bin("or", bin("and", reg(r), imm(HI)), ext(false, 32, v)),
});

type Op = "add" | "sub" | "mul" | "and" | "or" | "xor";

const memLoad = (m: MemOperand, size: number, signed: boolean): Expr => {
  const v: Expr = { k: "load", mem: m, size, signed };
  return size < 8 ? ext(signed, size * 8, v) : v;
};

/** Load into the full register (lg, lgf, llgf, llgc, lgb, lgh, llgh). */
const ld64 =
  (size: number, signed: boolean): Rule =>
  (o) => {
    const m = o.mem(1);
    return fx([{ reg: o.rn(0), value: memLoad(m, size, signed) }], { mem: { op: "load", mem: m, size } });
  };
/** Load into bits 32-63 (l, ly, lb, lh, lhy, llc, llh). */
const ld32 =
  (size: number, signed: boolean): Rule =>
  (o) => {
    const m = o.mem(1);
    return fx([low32(o.rn(0), memLoad(m, size, signed))], { mem: { op: "load", mem: m, size } });
  };
const st =
  (size: number): Rule =>
  (o) => {
    const m = o.mem(1);
    return fx([], { mem: { op: "store", mem: m, size }, reads: [o.rn(0)] });
  };
/** Store immediate (mvi, mvhi, mvghi…): memory is operand 0. */
const stImm =
  (size: number): Rule =>
  (o) =>
    fx([], { mem: { op: "store", mem: o.mem(0), size } });
/** Compare or test with a storage operand: a read, no register written (cc only). */
const cmpMem =
  (size: number, memAt: number): Rule =>
  (o) => {
    const reads: string[] = [];
    for (let i = 0; i < o.length; i++) if (o.isReg(i)) reads.push(o.rn(i));
    return fx([], { mem: { op: "load", mem: o.mem(memAt), size }, reads });
  };
const cmpReg: Rule = (o) => {
  const reads: string[] = [];
  for (let i = 0; i < o.length; i++) if (o.isReg(i)) reads.push(o.rn(i));
  return fx([], { reads });
};
/** Add to storage immediate (agsi, asi): read-modify-write, no register written. */
const rmwImm =
  (size: number): Rule =>
  (o) =>
    fx([], { mem: { op: "rmw", mem: o.mem(0), size } });

/** Two-operand RR/RRE: r1 := r1 op f(r2); 64-bit or into the low word. */
const rr =
  (op: Op, w32: boolean, f: (e: Expr) => Expr = (e) => e): Rule =>
  (o) => {
    const r1 = o.rn(0);
    const v = bin(op, reg(r1), f(reg(o.rn(1))));
    return fx([w32 ? low32(r1, v) : { reg: r1, value: v }]);
  };
/** Three-operand distinct-operands form (agrk, ngrk, aghik…): r1 := r2 op r3/imm. */
const rrr =
  (op: Op, w32: boolean, immBits?: number): Rule =>
  (o) => {
    const b = immBits === undefined ? reg(o.rn(2)) : imm(BigInt.asIntN(immBits, o.imm(2)));
    const v = bin(op, reg(o.rn(1)), b);
    return fx([w32 ? low32(o.rn(0), v) : { reg: o.rn(0), value: v }]);
  };
/** r1 := r1 op sign-extended immediate (aghi, ahi, afi, agfi, mghi, mhi, msfi, msgfi). */
const ri =
  (op: Op, w32: boolean, bits: number): Rule =>
  (o) => {
    const r1 = o.rn(0);
    const v = bin(op, reg(r1), imm(BigInt.asIntN(bits, o.imm(1))));
    return fx([w32 ? low32(r1, v) : { reg: r1, value: v }]);
  };
/** r1 := r1 op storage (ag, a, agf, sg, msg, ng…). */
const rm =
  (op: Op, size: number, signed: boolean, w32: boolean): Rule =>
  (o) => {
    const r1 = o.rn(0);
    const m = o.mem(1);
    const v = bin(op, reg(r1), memLoad(m, size, signed));
    return fx([w32 ? low32(r1, v) : { reg: r1, value: v }], { mem: { op: "load", mem: m, size } });
  };
/** r1 := f(r2) (lgr, lgfr, llgcr…), or into the low word (lr, lbr, llcr…). */
const mv =
  (f: (e: Expr) => Expr, w32 = false): Rule =>
  (o) => {
    const v = f(reg(o.rn(1)));
    return fx([w32 ? low32(o.rn(0), v) : { reg: o.rn(0), value: v }]);
  };
const id = (e: Expr): Expr => e;
const sx = (bits: number) => (e: Expr) => ext(true, bits, e);
const zx = (bits: number) => (e: Expr) => ext(false, bits, e);

/** Insert/load/and/or/xor a 16- or 32-bit immediate at bit `shift` of r1 (PoP "Insert Immediate", "AND Immediate"…). */
const immField =
  (kind: "load" | "insert" | "and" | "or" | "xor", shift: bigint, width: bigint): Rule =>
  (o) => {
    const r1 = o.rn(0);
    const field = ((1n << width) - 1n) << shift;
    const v = (o.imm(1) & ((1n << width) - 1n)) << shift;
    const others = ~field & 0xffffffffffffffffn;
    const value =
      kind === "load"
        ? imm(v)
        : kind === "insert"
          ? bin("or", bin("and", reg(r1), imm(others)), imm(v))
          : kind === "and"
            ? bin("and", reg(r1), imm(v | others))
            : bin(kind, reg(r1), imm(v));
    return fx([{ reg: r1, value }]);
  };

/** Shift amount of an RSY shift: bits 58-63 of D2(B2) (PoP "Shift Left Single Logical"…). */
const shiftAmount = (o: Ops, i: number): Expr => {
  if (o.isImm(i)) return imm(o.imm(i) & 63n);
  const m = o.mem(i);
  return m.base ? bin("add", reg(m.base), imm(m.disp)) : imm(m.disp & 63n);
};
/** 64-bit shifts r1 := r3 <op> amount (sllg, srlg, srag); the evaluator reduces the amount mod 64. */
const sh64 =
  (op: "shl" | "shr" | "sar"): Rule =>
  (o) =>
    fx([{ reg: o.rn(0), value: bin(op, reg(o.rn(1)), shiftAmount(o, 2)) }]);
/** 32-bit shifts of bits 32-63 (sll, srl, sra: two operands; sllk, srlk, srak: three). */
const sh32 =
  (op: "shl" | "shr" | "sar", three: boolean): Rule =>
  (o) => {
    const src = reg(o.rn(three ? 1 : 0));
    const amt = shiftAmount(o, three ? 2 : 1);
    const a = op === "sar" ? ext(true, 32, src) : ext(false, 32, src);
    return fx([low32(o.rn(0), bin(op, a, amt))]);
  };

/** Rotate left 64 bits by a constant, as two shifts. */
const rotl = (x: Expr, n: bigint): Expr =>
  n === 0n ? x : bin("or", bin("shl", x, imm(n)), bin("shr", x, imm(64n - n)));

/**
 * RISBG/RISBGN (PoP "Rotate Then Insert Selected Bits"): rotate r2 left by I5, keep bits I3..I4 (bit 0 =
 * most significant, wrapping when I3 > I4); with the zero flag (bit 0 of I4) the other bits are 0,
 * otherwise they keep r1. Exact for every operand value.
 */
const risbg =
  (zeroAlias: boolean): Rule =>
  (o) => {
    const i3 = o.imm(2) & 63n;
    const i4raw = o.imm(3);
    const i4 = i4raw & 63n;
    const zero = zeroAlias || (i4raw & 0x80n) !== 0n;
    const n = o.length > 4 ? o.imm(4) & 63n : 0n;
    let mask = 0n;
    for (let b = i3; ; b = (b + 1n) & 63n) {
      mask |= 1n << (63n - b);
      if (b === i4) break;
    }
    const sel = bin("and", rotl(reg(o.rn(1)), n), imm(mask));
    const value = zero ? sel : bin("or", bin("and", reg(o.rn(0)), imm(~mask & 0xffffffffffffffffn)), sel);
    return fx([{ reg: o.rn(0), value }]);
  };

/** LMG/LM r1,r3,D2(B2): registers r1 up to r3 (wrapping after r15) from consecutive words. */
const lm =
  (size: number): Rule =>
  (o) => {
    const a = Number(o.rn(0).slice(1));
    const b = Number(o.rn(1).slice(1));
    const m = o.mem(2);
    const writes: Write[] = [];
    for (let k = 0, r = a; k < 16; k++, r = (r + 1) % 16) {
      const mk: MemOperand = { ...m, disp: m.disp + BigInt(k * size) };
      writes.push(size === 8 ? { reg: `r${r}`, value: memLoad(mk, 8, false) } : low32(`r${r}`, memLoad(mk, 4, false)));
      if (r === b) break;
    }
    return fx(writes, { mem: { op: "load", mem: m, size: writes.length * size } });
  };
const stm =
  (size: number): Rule =>
  (o) => {
    const a = Number(o.rn(0).slice(1));
    const b = Number(o.rn(1).slice(1));
    const reads: string[] = [];
    for (let k = 0, r = a; k < 16; k++, r = (r + 1) % 16) {
      reads.push(`r${r}`);
      if (r === b) break;
    }
    return fx([], { mem: { op: "store", mem: o.mem(2), size: reads.length * size }, reads });
  };
/** PC-relative long loads (lgrl, lrl, lgfrl, llgfrl): the operand is an absolute address (Capstone resolves it). */
const ldRel =
  (size: number, signed: boolean, w32: boolean): Rule =>
  (o) => {
    const m: MemOperand = { scale: 1, disp: o.imm(1) };
    const v = memLoad(m, size, signed);
    return fx([w32 ? low32(o.rn(0), v) : { reg: o.rn(0), value: v }], { mem: { op: "load", mem: m, size } });
  };
const stRel =
  (size: number): Rule =>
  (o) =>
    fx([], { mem: { op: "store", mem: { scale: 1, disp: o.imm(1) }, size }, reads: [o.rn(0)] });

/** The address after the instruction (the link value of BRASL/BASR), when the instruction address is known. */
const nextAddress = (insn: Instruction): Expr =>
  insn.address === undefined ? unknown("return address") : imm(insn.address + BigInt(insn.bytes.length));

/** LA/LAY (PoP "Load Address"): in the 64-bit addressing mode all 64 bits of base + index + displacement. */
const loadAddress: Rule = (o) => {
  const m = o.mem(1);
  let v: Expr = imm(m.disp);
  if (m.index) v = bin("add", reg(m.index), v);
  if (m.base) v = bin("add", reg(m.base), v);
  return fx([{ reg: o.rn(0), value: v }]);
};

const call: Rule = (o) => {
  const reads = o.length > 1 && o.isReg(1) ? [o.rn(1)] : [];
  return control("call", reads, [{ reg: o.rn(0), value: nextAddress(o.insn) }]);
};
const trap: Rule = () => control("trap");

const rule: Record<string, Rule> = {
  // Loads (PoP "Load", "Load Logical Character", "Load Halfword"…).
  lg: ld64(8, false),
  lgf: ld64(4, true),
  llgf: ld64(4, false),
  lgh: ld64(2, true),
  llgh: ld64(2, false),
  lgb: ld64(1, true),
  llgc: ld64(1, false),
  l: ld32(4, false),
  ly: ld32(4, false),
  lh: ld32(2, true),
  lhy: ld32(2, true),
  llh: ld32(2, false),
  lb: ld32(1, true),
  llc: ld32(1, false),
  ltg: ld64(8, false),
  ltgf: ld64(4, true),
  lt: ld32(4, false),
  lgrl: ldRel(8, false, false),
  lgfrl: ldRel(4, true, false),
  llgfrl: ldRel(4, false, false),
  lrl: ldRel(4, false, true),
  lmg: lm(8),
  lm: lm(4),
  lmy: lm(4),
  // Stores.
  stg: st(8),
  st: st(4),
  sty: st(4),
  sth: st(2),
  sthy: st(2),
  stc: st(1),
  stcy: st(1),
  stgrl: stRel(8),
  strl: stRel(4),
  mvi: stImm(1),
  mviy: stImm(1),
  mvhhi: stImm(2),
  mvhi: stImm(4),
  mvghi: stImm(8),
  stmg: stm(8),
  stm: stm(4),
  stmy: stm(4),
  // Compares and tests with a storage operand: reads.
  cli: cmpMem(1, 0),
  cliy: cmpMem(1, 0),
  tm: cmpMem(1, 0),
  tmy: cmpMem(1, 0),
  chhsi: cmpMem(2, 0),
  chsi: cmpMem(4, 0),
  cghsi: cmpMem(8, 0),
  clhhsi: cmpMem(2, 0),
  clfhsi: cmpMem(4, 0),
  clghsi: cmpMem(8, 0),
  cg: cmpMem(8, 1),
  cgf: cmpMem(4, 1),
  clg: cmpMem(8, 1),
  clgf: cmpMem(4, 1),
  c: cmpMem(4, 1),
  cy: cmpMem(4, 1),
  cl: cmpMem(4, 1),
  cly: cmpMem(4, 1),
  ch: cmpMem(2, 1),
  chy: cmpMem(2, 1),
  // Register compares and tests: cc only.
  cgr: cmpReg,
  cr: cmpReg,
  clgr: cmpReg,
  clr: cmpReg,
  cgfr: cmpReg,
  clgfr: cmpReg,
  cghi: cmpReg,
  chi: cmpReg,
  cgfi: cmpReg,
  cfi: cmpReg,
  clgfi: cmpReg,
  clfi: cmpReg,
  tmll: cmpReg,
  tmlh: cmpReg,
  tmhl: cmpReg,
  tmhh: cmpReg,
  // Moves and sign/zero extension (PoP "Load", "Load Logical", "Load Byte", "Load Halfword").
  lgr: mv(id),
  lr: mv(id, true),
  ltgr: mv(id),
  ltr: mv(id, true),
  lgfr: mv(sx(32)),
  ltgfr: mv(sx(32)),
  llgfr: mv(zx(32)),
  lgbr: mv(sx(8)),
  lghr: mv(sx(16)),
  llgcr: mv(zx(8)),
  llghr: mv(zx(16)),
  lbr: mv(sx(8), true),
  lhr: mv(sx(16), true),
  llcr: mv(zx(8), true),
  llhr: mv(zx(16), true),
  lcgr: (o) => fx([{ reg: o.rn(0), value: bin("sub", imm(0n), reg(o.rn(1))) }]),
  lcr: (o) => fx([low32(o.rn(0), bin("sub", imm(0n), reg(o.rn(1))))]),
  // Immediates.
  lghi: (o) => fx([{ reg: o.rn(0), value: imm(BigInt.asIntN(16, o.imm(1))) }]),
  lhi: (o) => fx([low32(o.rn(0), imm(BigInt.asIntN(16, o.imm(1))))]),
  lgfi: (o) => fx([{ reg: o.rn(0), value: imm(BigInt.asIntN(32, o.imm(1))) }]),
  larl: (o) => fx([{ reg: o.rn(0), value: imm(o.imm(1)) }]),
  llill: immField("load", 0n, 16n),
  llilh: immField("load", 16n, 16n),
  llihl: immField("load", 32n, 16n),
  llihh: immField("load", 48n, 16n),
  llilf: immField("load", 0n, 32n),
  llihf: immField("load", 32n, 32n),
  iill: immField("insert", 0n, 16n),
  iilh: immField("insert", 16n, 16n),
  iihl: immField("insert", 32n, 16n),
  iihh: immField("insert", 48n, 16n),
  iilf: immField("insert", 0n, 32n),
  iihf: immField("insert", 32n, 32n),
  nill: immField("and", 0n, 16n),
  nilh: immField("and", 16n, 16n),
  nihl: immField("and", 32n, 16n),
  nihh: immField("and", 48n, 16n),
  nilf: immField("and", 0n, 32n),
  nihf: immField("and", 32n, 32n),
  oill: immField("or", 0n, 16n),
  oilh: immField("or", 16n, 16n),
  oihl: immField("or", 32n, 16n),
  oihh: immField("or", 48n, 16n),
  oilf: immField("or", 0n, 32n),
  oihf: immField("or", 32n, 32n),
  xilf: immField("xor", 0n, 32n),
  xihf: immField("xor", 32n, 32n),
  // Address arithmetic.
  la: loadAddress,
  lay: loadAddress,
  agr: rr("add", false),
  ar: rr("add", true),
  algr: rr("add", false),
  alr: rr("add", true),
  agfr: rr("add", false, sx(32)),
  algfr: rr("add", false, zx(32)),
  sgr: rr("sub", false),
  sr: rr("sub", true),
  slgr: rr("sub", false),
  slr: rr("sub", true),
  sgfr: rr("sub", false, sx(32)),
  slgfr: rr("sub", false, zx(32)),
  msgr: rr("mul", false),
  msr: rr("mul", true),
  msgfr: rr("mul", false, sx(32)),
  ngr: rr("and", false),
  nr: rr("and", true),
  ogr: rr("or", false),
  or: rr("or", true),
  xgr: rr("xor", false),
  xr: rr("xor", true),
  agrk: rrr("add", false),
  ark: rrr("add", true),
  algrk: rrr("add", false),
  alrk: rrr("add", true),
  sgrk: rrr("sub", false),
  srk: rrr("sub", true),
  slgrk: rrr("sub", false),
  slrk: rrr("sub", true),
  ngrk: rrr("and", false),
  nrk: rrr("and", true),
  ogrk: rrr("or", false),
  ork: rrr("or", true),
  xgrk: rrr("xor", false),
  xrk: rrr("xor", true),
  aghik: rrr("add", false, 16),
  ahik: rrr("add", true, 16),
  aghi: ri("add", false, 16),
  ahi: ri("add", true, 16),
  agfi: ri("add", false, 32),
  afi: ri("add", true, 32),
  mghi: ri("mul", false, 16),
  mhi: ri("mul", true, 16),
  msgfi: ri("mul", false, 32),
  msfi: ri("mul", true, 32),
  ag: rm("add", 8, false, false),
  agf: rm("add", 4, true, false),
  a: rm("add", 4, false, true),
  ay: rm("add", 4, false, true),
  sg: rm("sub", 8, false, false),
  sgf: rm("sub", 4, true, false),
  s: rm("sub", 4, false, true),
  sy: rm("sub", 4, false, true),
  msg: rm("mul", 8, false, false),
  msgf: rm("mul", 4, true, false),
  ms: rm("mul", 4, false, true),
  msy: rm("mul", 4, false, true),
  ng: rm("and", 8, false, false),
  og: rm("or", 8, false, false),
  xg: rm("xor", 8, false, false),
  agsi: rmwImm(8),
  asi: rmwImm(4),
  algsi: rmwImm(8),
  alsi: rmwImm(4),
  // Shifts (PoP "Shift Left Single Logical", "Shift Right Single", …).
  sllg: sh64("shl"),
  srlg: sh64("shr"),
  srag: sh64("sar"),
  sll: sh32("shl", false),
  srl: sh32("shr", false),
  sra: sh32("sar", false),
  sllk: sh32("shl", true),
  srlk: sh32("shr", true),
  srak: sh32("sar", true),
  risbg: risbg(false),
  risbgn: risbg(false),
  risbgz: risbg(true),
  risbgnz: risbg(true),
  // Calls: the link register gets the address of the next instruction (PoP "Branch and Save").
  brasl: call,
  bras: call,
  jas: call,
  jasl: call,
  // Monitor Call: the BUG()/WARN() trap (arch/s390/include/asm/bug.h).
  mc: trap,
};

/**
 * Branch on condition (BC 0x47, BCR 0x07, BRC 0xa7_4, BRCL 0xc0_4): the mask M1 is bits 8-11.
 * Mask 15 is unconditional, 0 never branches (a no-op, e.g. `bcr 14,0` serialisation); BCR with R2 = 0
 * never branches either. `j 0b+2` (brc 15 to its own second halfword, a7f40001) is the old BUG().
 */
function branchOnCondition(insn: Instruction): Effect | undefined {
  const b = insn.bytes;
  const op = b[0];
  const op2 = b[1] ?? 0;
  const mask = op2 >> 4;
  const rel = (op === 0xa7 || op === 0xc0) && (op2 & 0x0f) === 0x04;
  if (!(op === 0x07 || op === 0x47 || rel)) return undefined;
  if (op === 0xa7 && b[2] === 0x00 && b[3] === 0x01 && mask === 15) return control("trap");
  if (mask === 0) return NOP;
  if (op === 0x07) {
    const r2 = op2 & 0x0f;
    if (r2 === 0) return NOP;
    if (mask === 15) return r2 === 14 ? control("return", ["r14"]) : control("jump", [`r${r2}`]);
    return control("branch", [`r${r2}`]);
  }
  const regs: string[] = [];
  if (op === 0x47) {
    if (op2 & 0x0f) regs.push(`r${op2 & 0x0f}`);
    if ((b[2] ?? 0) >> 4) regs.push(`r${(b[2] ?? 0) >> 4}`);
  }
  return mask === 15 ? control("jump", regs) : control("branch", regs);
}

/** Branch relative on count (BRCT 0xa7_6, BRCTG 0xa7_7): r1 := r1 - 1, branch if non-zero. */
function branchOnCount(insn: Instruction): Effect | undefined {
  const [op, op2 = 0] = insn.bytes;
  if (op !== 0xa7 || ((op2 & 0x0f) !== 6 && (op2 & 0x0f) !== 7)) return undefined;
  const r1 = `r${op2 >> 4}`;
  const v = bin("sub", reg(r1), imm(1n));
  return control("branch", [], [(op2 & 0x0f) === 7 ? { reg: r1, value: v } : low32(r1, v)]);
}

/** BASR (0x0d): call through a register; BASR r1,0 only stores the next address (PoP "Branch and Save"). */
function branchAndSave(insn: Instruction): Effect | undefined {
  const [op, op2 = 0] = insn.bytes;
  if (op !== 0x0d) return undefined;
  const r1 = `r${op2 >> 4}`;
  const r2 = op2 & 0x0f;
  const w: Write = { reg: r1, value: nextAddress(insn) };
  if (r2 === 0) return fx([w]);
  return control("call", [`r${r2}`], [w]);
}

/**
 * Compare and branch (PoP "Compare and Branch", "Compare Immediate and Branch" and their logical forms):
 * 0xec with the second opcode byte below; the relative forms (cgrj, cij…) and those to D4(B4) (cgrb…).
 */
const COMPARE_AND_BRANCH = new Set([
  0x64, 0x65, 0x76, 0x77, 0x7c, 0x7d, 0x7e, 0x7f, 0xe4, 0xe5, 0xf6, 0xf7, 0xfc, 0xfd, 0xfe, 0xff,
]);
function compareAndBranch(insn: Instruction): Effect | undefined {
  const [op, , , , , op6 = 0] = insn.bytes;
  if (op !== 0xec || !COMPARE_AND_BRANCH.has(op6)) return undefined;
  const n = (r: string) => norm(r)?.reg ?? r;
  const regs = insn.operands.flatMap((o) =>
    o.kind === "reg" ? [n(o.reg)] : o.kind === "mem" && o.mem.base ? [n(o.mem.base)] : [],
  );
  return control("branch", regs);
}

const table = tableSemantics("s390x", 64, rule, norm, {
  // s390x ELF ABI: r0-r5 and r14 (the return address) are volatile across calls.
  callClobbered: ["r0", "r1", "r2", "r3", "r4", "r5", "r14"],
});

/** An unassigned opcode 0x00 (`.long 0`, an `unknown` line of Krnl Code:): an operation exception. */
const illegal = (insn: Instruction): boolean =>
  insn.bytes[0] === 0x00 && (insn.bad === true || /^(unknown|\.long|\.short|\.word|\.byte)$/.test(insn.mnemonic));

export const s390x: Semantics = {
  arch: table.arch,
  width: table.width,
  callClobbered: table.callClobbered,
  effect(insn: Instruction): Effect {
    if (illegal(insn)) return control("trap");
    return (
      branchOnCondition(insn) ??
      branchOnCount(insn) ??
      branchAndSave(insn) ??
      compareAndBranch(insn) ??
      table.effect(insn)
    );
  },
};
