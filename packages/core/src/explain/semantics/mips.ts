/**
 * MIPS32/MIPS64 instruction semantics (incl. Cavium Octeon `dmul`, `baddu`), mnemonic → effect.
 * Capstone 5 reports no register access for MIPS, so this table is the only source of which operand
 * is written and which is read. Rules follow the MIPS64 Architecture for Programmers Vol. II
 * (MD00087): 32-bit operations (`addu`, `addiu`, `subu`, `sll`, `lw`, `lui`, `mul`) produce a 32-bit
 * result sign-extended to 64 bits, which is why `sll rd,rt,0` is the canonical 32→64 sign extension;
 * `dmult`/`dmultu` leave the low 64 bits of the product in LO (`mflo` reads it); every branch and
 * jump has one delay slot that executes before the transfer. Octeon `dmul rd,rs,rt` (SPECIAL2 funct
 * 0x03) writes the low 64 bits of rs×rt to rd; HI/LO are treated as clobbered (conservative).
 */

import { abiName } from "../../arch/table.js";
import type { ArchId } from "../../arch/types.js";
import type { Semantics } from "./types.js";
import { bin, ext, imm, reg, unknown } from "./types.js";
import { alu, control, fx, load, NOP, type RegRef, type Rule, store, tableSemantics } from "./util.js";

const S32 = { bits: 32, signed: true };

// rd := rs op rt (register or immediate third operand), 64-bit result.
const op3 =
  (op: Parameters<typeof alu>[1], bits?: typeof S32): Rule =>
  (o) =>
    alu(o.rn(0), op, o.src(o.length === 3 ? 1 : 0), o.src(o.length === 3 ? 2 : 1), bits);

// Shift of the low 32 bits, result sign-extended (MIPS64 `sll`/`srl`/`sra`, and the `v` forms).
const shift32 =
  (op: "shl" | "shr" | "sar"): Rule =>
  (o) => {
    const rt = o.src(1);
    const sa = o.isImm(2) ? imm(o.imm(2) & 31n) : bin("and", o.src(2), imm(31n));
    const src = op === "sar" ? ext(true, 32, rt) : ext(false, 32, rt);
    return fx([{ reg: o.rn(0), value: ext(true, 32, bin(op, src, sa)) }]);
  };

// 64-bit shift; `plus` is 32 for the `dsll32` family.
const shift64 =
  (op: "shl" | "shr" | "sar", plus = 0n): Rule =>
  (o) => {
    const sa = o.isImm(2) ? imm((o.imm(2) + plus) & 63n) : bin("and", o.src(2), imm(63n));
    return fx([{ reg: o.rn(0), value: bin(op, o.src(1), sa) }]);
  };

const ld =
  (size: number, signed: boolean): Rule =>
  (o) =>
    load(o.rn(0), o.mem(1), size, signed);
const st =
  (size: number): Rule =>
  (o) =>
    store([o.rn(0)], o.mem(1), size);

// Conditional branches: registers compared are read; the target is the last operand.
const branch: Rule = (o) => {
  const reads: string[] = [];
  for (let i = 0; i < o.length; i++) if (o.isReg(i)) reads.push(o.rn(i));
  return control("branch", reads, [], true);
};
// Branch-and-link: writes ra (bal, bgezal, bltzal).
const branchLink: Rule = (o) => {
  const e = branch(o);
  return { ...e, control: "call", writes: [{ reg: "ra", value: unknown("return address") }] };
};

// LO/HI after a multiply: LO holds the low bits, HI the high bits (not modelled).
const mult =
  (bits: 32 | 64): Rule =>
  (o) => {
    const p = bin("mul", o.src(0), o.src(1));
    return fx([
      { reg: "lo", value: bits === 32 ? ext(true, 32, p) : p },
      { reg: "hi", value: unknown("high half of the product") },
    ]);
  };
const divide: Rule = () =>
  fx([
    { reg: "lo", value: unknown("quotient") },
    { reg: "hi", value: unknown("remainder") },
  ]);

const rule: Record<string, Rule> = {
  nop: () => NOP,
  ssnop: () => NOP,
  ehb: () => NOP,
  sync: () => NOP,
  pref: () => NOP,
  cache: () => NOP,
  // Moves and immediates (`move` is `or`/`daddu rd,rs,zero`; `li` is `addiu rd,zero,imm`).
  move: (o) => fx([{ reg: o.rn(0), value: o.src(1) }]),
  li: (o) => fx([{ reg: o.rn(0), value: imm(o.imm(1)) }]),
  lui: (o) => fx([{ reg: o.rn(0), value: ext(true, 32, imm((o.imm(1) & 0xffffn) << 16n)) }]),
  mflo: (o) => fx([{ reg: o.rn(0), value: reg("lo") }]),
  mfhi: (o) => fx([{ reg: o.rn(0), value: reg("hi") }]),
  mtlo: (o) => fx([{ reg: "lo", value: o.src(0) }]),
  mthi: (o) => fx([{ reg: "hi", value: o.src(0) }]),
  // 64-bit arithmetic and logic.
  daddu: op3("add"),
  dadd: op3("add"),
  daddiu: op3("add"),
  daddi: op3("add"),
  dsubu: op3("sub"),
  dsub: op3("sub"),
  and: op3("and"),
  andi: op3("and"),
  or: op3("or"),
  ori: op3("or"),
  xor: op3("xor"),
  xori: op3("xor"),
  nor: (o) => fx([{ reg: o.rn(0), value: bin("xor", bin("or", o.src(1), o.src(2)), imm(-1n)) }]),
  not: (o) => fx([{ reg: o.rn(0), value: bin("xor", o.src(1), imm(-1n)) }]),
  dnegu: (o) => fx([{ reg: o.rn(0), value: bin("sub", imm(0n), o.src(1)) }]),
  // 32-bit arithmetic, result sign-extended.
  addu: op3("add", S32),
  add: op3("add", S32),
  addiu: op3("add", S32),
  addi: op3("add", S32),
  subu: op3("sub", S32),
  sub: op3("sub", S32),
  negu: (o) => fx([{ reg: o.rn(0), value: ext(true, 32, bin("sub", imm(0n), o.src(1))) }]),
  mul: op3("mul", S32),
  // Octeon (cnMIPS) 64-bit multiply to a GPR; HI/LO clobbered.
  dmul: (o) =>
    fx([
      { reg: o.rn(0), value: bin("mul", o.src(1), o.src(2)) },
      { reg: "lo", value: unknown("clobbered by dmul") },
      { reg: "hi", value: unknown("clobbered by dmul") },
    ]),
  // Octeon byte add: rd = (rs + rt) & 0xff.
  baddu: (o) => fx([{ reg: o.rn(0), value: ext(false, 8, bin("add", o.src(1), o.src(2))) }]),
  mult: mult(32),
  multu: mult(32),
  dmult: mult(64),
  dmultu: mult(64),
  div: divide,
  divu: divide,
  ddiv: divide,
  ddivu: divide,
  // Shifts.
  sll: shift32("shl"),
  srl: shift32("shr"),
  sra: shift32("sar"),
  sllv: shift32("shl"),
  srlv: shift32("shr"),
  srav: shift32("sar"),
  dsll: shift64("shl"),
  dsrl: shift64("shr"),
  dsra: shift64("sar"),
  dsllv: shift64("shl"),
  dsrlv: shift64("shr"),
  dsrav: shift64("sar"),
  dsll32: shift64("shl", 32n),
  dsrl32: shift64("shr", 32n),
  dsra32: shift64("sar", 32n),
  // Sign/zero extension and bit-field extract (MIPS32R2 / MIPS64R2).
  seb: (o) => fx([{ reg: o.rn(0), value: ext(true, 8, o.src(1)) }]),
  seh: (o) => fx([{ reg: o.rn(0), value: ext(true, 16, o.src(1)) }]),
  ext: (o) => fx([{ reg: o.rn(0), value: ext(false, Number(o.imm(3)), bin("shr", o.src(1), imm(o.imm(2)))) }]),
  dext: (o) => fx([{ reg: o.rn(0), value: ext(false, Number(o.imm(3)), bin("shr", o.src(1), imm(o.imm(2)))) }]),
  // Loads and stores: width and signedness per mnemonic.
  lb: ld(1, true),
  lbu: ld(1, false),
  lh: ld(2, true),
  lhu: ld(2, false),
  lw: ld(4, true),
  lwu: ld(4, false),
  ld: ld(8, false),
  ll: ld(4, true),
  lld: ld(8, false),
  // Unaligned partial loads merge into rt: the result is not modelled.
  lwl: (o) =>
    fx([{ reg: o.rn(0), value: unknown("lwl merges bytes") }], { mem: { op: "load", mem: o.mem(1), size: 4 } }),
  lwr: (o) =>
    fx([{ reg: o.rn(0), value: unknown("lwr merges bytes") }], { mem: { op: "load", mem: o.mem(1), size: 4 } }),
  ldl: (o) =>
    fx([{ reg: o.rn(0), value: unknown("ldl merges bytes") }], { mem: { op: "load", mem: o.mem(1), size: 8 } }),
  ldr: (o) =>
    fx([{ reg: o.rn(0), value: unknown("ldr merges bytes") }], { mem: { op: "load", mem: o.mem(1), size: 8 } }),
  sb: st(1),
  sh: st(2),
  sw: st(4),
  sd: st(8),
  swl: st(4),
  swr: st(4),
  sdl: st(8),
  sdr: st(8),
  // sc/scd write the success flag into rt.
  sc: (o) => ({ ...store([o.rn(0)], o.mem(1), 4), writes: [{ reg: o.rn(0), value: unknown("sc success flag") }] }),
  scd: (o) => ({ ...store([o.rn(0)], o.mem(1), 8), writes: [{ reg: o.rn(0), value: unknown("scd success flag") }] }),
  // Comparisons set 0/1: modelled as unknown values (the slice rarely needs them).
  slt: (o) => fx([{ reg: o.rn(0), value: unknown("comparison result") }]),
  sltu: (o) => fx([{ reg: o.rn(0), value: unknown("comparison result") }]),
  slti: (o) => fx([{ reg: o.rn(0), value: unknown("comparison result") }]),
  sltiu: (o) => fx([{ reg: o.rn(0), value: unknown("comparison result") }]),
  movn: (o) => fx([{ reg: o.rn(0), value: unknown("conditional move") }]),
  movz: (o) => fx([{ reg: o.rn(0), value: unknown("conditional move") }]),
  // Branches and jumps, all with a delay slot. `b` is `beq $zero, $zero`: always taken, no fall-through.
  b: () => control("jump", [], [], true),
  beq: branch,
  bne: branch,
  beqz: branch,
  bnez: branch,
  blez: branch,
  bgtz: branch,
  bltz: branch,
  bgez: branch,
  beql: branch,
  bnel: branch,
  blezl: branch,
  bgtzl: branch,
  bltzl: branch,
  bgezl: branch,
  bbit0: branch,
  bbit1: branch,
  bbit032: branch,
  bbit132: branch,
  j: () => control("jump", [], [], true),
  bal: branchLink,
  bgezal: branchLink,
  bltzal: branchLink,
  jal: () => control("call", [], [{ reg: "ra", value: unknown("return address") }], true),
  jalr: (o) => {
    const target = o.rn(o.length - 1);
    const link = o.length === 2 ? o.rn(0) : "ra";
    return control("call", [target], [{ reg: link, value: unknown("return address") }], true);
  },
  jr: (o) => control(o.rn(0) === "ra" ? "return" : "jump", [o.rn(0)], [], true),
  // Deliberate traps: BUG() is `break 512` (BRK_BUG, arch/mips/include/uapi/asm/break.h).
  break: () => control("trap"),
  teq: () => control("trap"),
  tne: () => control("trap"),
  tge: () => control("trap"),
  tgeu: () => control("trap"),
  tlt: () => control("trap"),
  tltu: () => control("trap"),
  teqi: () => control("trap"),
  tnei: () => control("trap"),
  syscall: () => control("trap"),
};

const normalise =
  (arch: ArchId) =>
  (name: string): RegRef | undefined => {
    const r = abiName(arch, name.replace(/^\$/, ""));
    return r ? { reg: r, bits: arch === "mips64" ? 64 : 32 } : undefined;
  };

// n64 and o32 caller-saved registers: v0-v1, a0-a7/a0-a3, t0-t9, at, ra, hi, lo.
const clobbered64 = ["at", "v0", "v1", "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "t0", "t1", "t2", "t3"];
const clobbered32 = ["at", "v0", "v1", "a0", "a1", "a2", "a3", "t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7"];

const mipsSemantics = (arch: "mips32" | "mips64"): Semantics =>
  tableSemantics(arch, arch === "mips64" ? 64 : 32, rule, normalise(arch), {
    zero: "zero",
    callClobbered: [...(arch === "mips64" ? clobbered64 : clobbered32), "t8", "t9", "ra", "hi", "lo"],
  });

export const mips64 = mipsSemantics("mips64");
export const mips32 = mipsSemantics("mips32");

/** Mnemonics this table models (for the shared test suite). */
export const MIPS_MNEMONICS = Object.keys(rule);
