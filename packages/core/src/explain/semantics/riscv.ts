/**
 * RISC-V RV64GC instruction semantics, mnemonic → effect (The RISC-V Instruction Set Manual, Volume I:
 * Unprivileged ISA, chapters "RV32I", "RV64I", "M" and "C"). Capstone 5 reports no register access
 * for RISC-V, so this table says which operand is written. Compressed instructions (`c.ld`) behave as
 * their base forms; `*w` operations compute on 32 bits and sign-extend the result; `lui` loads a
 * sign-extended imm << 12. BUG()/WARN() are `ebreak` (arch/riscv/include/asm/bug.h).
 */

import { abiName } from "../../arch/table.js";
import type { Expr, Semantics } from "./types.js";
import { bin, ext, imm, reg, unknown } from "./types.js";
import { control, fx, load, NOP, type Ops, type RegRef, type Rule, store, tableSemantics } from "./util.js";

const norm = (name: string): RegRef | undefined => {
  const r = abiName("riscv64", name);
  return r ? { reg: r, bits: 64 } : undefined;
};

const W32 = { bits: 32, signed: true };
const op3 =
  (op: Parameters<typeof bin>[0], w?: typeof W32): Rule =>
  (o) => {
    // Compressed two-operand forms (`c.add a0, a1`) read and write the first operand.
    const a = o.length === 3 ? o.src(1) : reg(o.rn(0));
    const b = o.length === 3 ? o.src(2) : o.src(1);
    const v = bin(op, a, b);
    return fx([{ reg: o.rn(0), value: w ? ext(true, 32, v) : v }]);
  };
const shift =
  (op: "shl" | "shr" | "sar", w = false): Rule =>
  (o) => {
    const a = o.length === 3 ? o.src(1) : reg(o.rn(0));
    const bRaw = o.length === 3 ? o.src(2) : o.src(1);
    const mask = w ? 31n : 63n;
    const b: Expr = bRaw.k === "imm" ? imm(bRaw.v & mask) : bin("and", bRaw, imm(mask));
    const src = w ? ext(op === "sar", 32, a) : a;
    const v = bin(op, src, b);
    return fx([{ reg: o.rn(0), value: w ? ext(true, 32, v) : v }]);
  };
const ld =
  (size: number, signed: boolean): Rule =>
  (o) =>
    load(o.rn(0), o.mem(1), size, signed);
const st =
  (size: number): Rule =>
  (o) =>
    store([o.rn(0)], o.mem(1), size);
const regsOf = (o: Ops): string[] => {
  const out: string[] = [];
  for (let i = 0; i < o.length; i++) if (o.isReg(i)) out.push(o.rn(i));
  return out;
};
const branch: Rule = (o) => control("branch", regsOf(o));

const rule: Record<string, Rule> = {
  nop: () => NOP,
  fence: () => NOP,
  "fence.i": () => NOP,
  mv: (o) => fx([{ reg: o.rn(0), value: o.src(1) }]),
  li: (o) => fx([{ reg: o.rn(0), value: imm(o.imm(1)) }]),
  lui: (o) => fx([{ reg: o.rn(0), value: ext(true, 32, imm((o.imm(1) & 0xfffffn) << 12n)) }]),
  auipc: (o) =>
    fx([
      {
        reg: o.rn(0),
        value:
          o.insn.address !== undefined
            ? imm(o.insn.address + BigInt.asIntN(32, (o.imm(1) & 0xfffffn) << 12n))
            : unknown("pc-relative address"),
      },
    ]),
  add: op3("add"),
  addi: op3("add"),
  sub: op3("sub"),
  addw: op3("add", W32),
  addiw: op3("add", W32),
  subw: op3("sub", W32),
  "sext.w": (o) => fx([{ reg: o.rn(0), value: ext(true, 32, o.src(1)) }]),
  "zext.w": (o) => fx([{ reg: o.rn(0), value: ext(false, 32, o.src(1)) }]),
  "zext.b": (o) => fx([{ reg: o.rn(0), value: ext(false, 8, o.src(1)) }]),
  neg: (o) => fx([{ reg: o.rn(0), value: bin("sub", imm(0n), o.src(1)) }]),
  not: (o) => fx([{ reg: o.rn(0), value: bin("xor", o.src(1), imm(-1n)) }]),
  and: op3("and"),
  andi: op3("and"),
  or: op3("or"),
  ori: op3("or"),
  xor: op3("xor"),
  xori: op3("xor"),
  mul: op3("mul"),
  mulw: op3("mul", W32),
  div: (o) => fx([{ reg: o.rn(0), value: unknown("quotient") }]),
  divu: (o) => fx([{ reg: o.rn(0), value: unknown("quotient") }]),
  rem: (o) => fx([{ reg: o.rn(0), value: unknown("remainder") }]),
  remu: (o) => fx([{ reg: o.rn(0), value: unknown("remainder") }]),
  sll: shift("shl"),
  slli: shift("shl"),
  srl: shift("shr"),
  srli: shift("shr"),
  sra: shift("sar"),
  srai: shift("sar"),
  sllw: shift("shl", true),
  slliw: shift("shl", true),
  srlw: shift("shr", true),
  srliw: shift("shr", true),
  sraw: shift("sar", true),
  sraiw: shift("sar", true),
  slt: (o) => fx([{ reg: o.rn(0), value: unknown("comparison result") }]),
  sltu: (o) => fx([{ reg: o.rn(0), value: unknown("comparison result") }]),
  slti: (o) => fx([{ reg: o.rn(0), value: unknown("comparison result") }]),
  sltiu: (o) => fx([{ reg: o.rn(0), value: unknown("comparison result") }]),
  seqz: (o) => fx([{ reg: o.rn(0), value: unknown("comparison result") }]),
  snez: (o) => fx([{ reg: o.rn(0), value: unknown("comparison result") }]),
  lb: ld(1, true),
  lbu: ld(1, false),
  lh: ld(2, true),
  lhu: ld(2, false),
  lw: ld(4, true),
  lwu: ld(4, false),
  ld: ld(8, false),
  sb: st(1),
  sh: st(2),
  sw: st(4),
  sd: st(8),
  beq: branch,
  bne: branch,
  blt: branch,
  bge: branch,
  bltu: branch,
  bgeu: branch,
  beqz: branch,
  bnez: branch,
  blez: branch,
  bgez: branch,
  bltz: branch,
  bgtz: branch,
  bgt: branch,
  ble: branch,
  bgtu: branch,
  bleu: branch,
  j: () => control("jump"),
  jr: (o) => control(o.rn(0) === "ra" ? "return" : "jump", regsOf(o)),
  ret: () => control("return", ["ra"]),
  jal: (o) => {
    const link = o.length >= 2 && o.isReg(0) ? o.rn(0) : "ra";
    return link === "zero" ? control("jump") : control("call", [], [{ reg: link, value: unknown("return address") }]);
  },
  jalr: (o) => {
    const regs = regsOf(o);
    const link = regs.length >= 2 ? (regs[0] as string) : "ra";
    const target = regs[regs.length - 1] as string;
    return link === "zero"
      ? control("jump", [target])
      : control("call", [target], [{ reg: link, value: unknown("return address") }]);
  },
  call: () => control("call", [], [{ reg: "ra", value: unknown("return address") }]),
  tail: () => control("jump"),
  ebreak: () => control("trap"),
  ecall: () => control("trap"),
  unimp: () => control("trap"),
};

// Compressed forms behave as the base instruction (`c.ld` = `ld`, `c.addi` = `addi`, `c.jr` = `jr`).
const mnemonic = (m: string): string => {
  const t = m.startsWith("c.") ? m.slice(2) : m;
  return rule[t] ? t : m;
};

// RISC-V psABI: ra, t0-t6 and a0-a7 are caller-saved.
const clobbered = ["ra", "t0", "t1", "t2", "t3", "t4", "t5", "t6", "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7"];

export const riscv64: Semantics = tableSemantics("riscv64", 64, rule, norm, {
  zero: "zero",
  callClobbered: clobbered,
  mnemonic,
});
