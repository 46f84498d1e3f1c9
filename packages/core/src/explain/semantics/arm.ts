/**
 * 32-bit ARM (A32 and Thumb-2) instruction semantics, mnemonic → effect (Arm Architecture Reference
 * Manual ARMv7-A/R, "Alphabetical list of instructions"). Mnemonics carry a condition suffix (`ldreq`)
 * and Thumb width qualifiers (`.w`, `.n`); a conditional instruction may not have executed, so its
 * writes are unknown. `movw`/`movt` build 32-bit constants; `ldm`/`pop` load several registers.
 * BUG() is the permanently undefined `udf #18` (0xe7f001f2, arch/arm/include/asm/bug.h BUG_INSTR_VALUE).
 */

import { abiName } from "../../arch/table.js";
import type { Expr, Semantics, Write } from "./types.js";
import { bin, ext, imm, reg, unknown } from "./types.js";
import { control, fx, load, NOP, type Ops, type RegRef, type Rule, store, tableSemantics } from "./util.js";

const norm = (name: string): RegRef | undefined => {
  const n = name.toLowerCase() === "sb" ? "r9" : name;
  const r = abiName("arm", n);
  return r ? { reg: r, bits: 32 } : undefined;
};

function rd(o: Ops, i: number): Expr {
  const op = o.op(i);
  if (op.kind === "imm") return imm(op.value);
  if (op.kind === "mem") return { k: "load", mem: o.mem(i), size: 4, signed: false };
  let e: Expr = reg(o.rn(i));
  const s = op.shift;
  if (s && (s.amount || s.reg)) {
    const amt = s.reg ? bin("and", reg(norm(s.reg)?.reg ?? s.reg), imm(0xffn)) : imm(BigInt(s.amount));
    if (s.type === "lsl") e = bin("shl", e, amt);
    else if (s.type === "lsr") e = bin("shr", e, amt);
    else if (s.type === "asr") e = bin("sar", e, amt);
    else e = unknown(`${s.type} shift`);
  }
  if (op.subtracted) e = bin("sub", imm(0n), e);
  return e;
}

const alu =
  (op: Parameters<typeof bin>[0]): Rule =>
  (o) =>
    fx([{ reg: o.rn(0), value: bin(op, rd(o, o.length >= 3 ? 1 : 0), rd(o, o.length >= 3 ? 2 : 1)) }]);

const regsOf = (o: Ops): string[] => {
  const out: string[] = [];
  for (let i = 0; i < o.length; i++) if (o.isReg(i)) out.push(o.rn(i));
  return out;
};

const wbWrites = (o: Ops, mi: number): Write[] => {
  if (!o.insn.writeback) return [];
  const m = o.mem(mi);
  if (!m.base) return [];
  const post = o.length > mi + 1 ? rd(o, mi + 1) : undefined;
  return [{ reg: m.base, value: bin("add", reg(m.base), post ?? imm(m.disp)) }];
};

const ld =
  (size: number, signed: boolean): Rule =>
  (o) => {
    const e = load(o.rn(0), o.mem(1), size, signed);
    return { ...e, writes: [...e.writes, ...wbWrites(o, 1)] };
  };
const st =
  (size: number): Rule =>
  (o) => {
    const e = store([o.rn(0)], o.mem(1), size);
    return { ...e, writes: wbWrites(o, 1) };
  };
// ldrd/strd: two registers then memory.
const ldd: Rule = (o) => {
  const m = o.mem(2);
  return fx(
    [
      { reg: o.rn(0), value: { k: "load", mem: m, size: 4, signed: false } },
      { reg: o.rn(1), value: { k: "load", mem: { ...m, disp: m.disp + 4n }, size: 4, signed: false } },
    ],
    { mem: { op: "load", mem: m, size: 8 } },
  );
};
// ldm/pop: every listed register gets a loaded value (not modelled individually).
const ldm =
  (pop: boolean): Rule =>
  (o) => {
    const regs = regsOf(o);
    const list = pop ? regs : regs.slice(1);
    const base = pop ? "sp" : (regs[0] ?? "sp");
    const writes: Write[] = list.map((r) => ({ reg: r, value: unknown("loaded by a multiple load") }));
    const ctl = list.includes("pc") ? { control: "return" as const } : {};
    return fx(writes, { mem: { op: "load", mem: { base, scale: 1, disp: 0n }, size: 4 * list.length }, ...ctl });
  };
const stm =
  (push: boolean): Rule =>
  (o) => {
    const regs = regsOf(o);
    const base = push ? "sp" : (regs[0] ?? "sp");
    const n = push ? regs.length : regs.length - 1;
    const writes: Write[] = push ? [{ reg: "sp", value: bin("sub", reg("sp"), imm(BigInt(4 * n))) }] : [];
    return fx(writes, { mem: { op: "store", mem: { base, scale: 1, disp: push ? BigInt(-4 * n) : 0n }, size: 4 * n } });
  };

const rule: Record<string, Rule> = {
  nop: () => NOP,
  dmb: () => NOP,
  dsb: () => NOP,
  isb: () => NOP,
  pld: () => NOP,
  mov: (o) => fx([{ reg: o.rn(0), value: rd(o, 1) }]),
  mvn: (o) => fx([{ reg: o.rn(0), value: bin("xor", rd(o, 1), imm(0xffffffffn)) }]),
  movw: (o) => fx([{ reg: o.rn(0), value: imm(o.imm(1) & 0xffffn) }]),
  movt: (o) =>
    fx([{ reg: o.rn(0), value: bin("or", bin("and", reg(o.rn(0)), imm(0xffffn)), imm((o.imm(1) & 0xffffn) << 16n)) }]),
  add: alu("add"),
  sub: alu("sub"),
  rsb: (o) => fx([{ reg: o.rn(0), value: bin("sub", rd(o, 2), rd(o, 1)) }]),
  and: alu("and"),
  orr: alu("or"),
  eor: alu("xor"),
  bic: (o) => fx([{ reg: o.rn(0), value: bin("and", rd(o, 1), bin("xor", rd(o, 2), imm(0xffffffffn))) }]),
  lsl: alu("shl"),
  lsr: alu("shr"),
  asr: alu("sar"),
  mul: alu("mul"),
  mla: (o) => fx([{ reg: o.rn(0), value: bin("add", rd(o, 3), bin("mul", rd(o, 1), rd(o, 2))) }]),
  mls: (o) => fx([{ reg: o.rn(0), value: bin("sub", rd(o, 3), bin("mul", rd(o, 1), rd(o, 2))) }]),
  sxtb: (o) => fx([{ reg: o.rn(0), value: ext(true, 8, reg(o.rn(1))) }]),
  sxth: (o) => fx([{ reg: o.rn(0), value: ext(true, 16, reg(o.rn(1))) }]),
  uxtb: (o) => fx([{ reg: o.rn(0), value: ext(false, 8, reg(o.rn(1))) }]),
  uxth: (o) => fx([{ reg: o.rn(0), value: ext(false, 16, reg(o.rn(1))) }]),
  ubfx: (o) => fx([{ reg: o.rn(0), value: ext(false, Number(o.imm(3)), bin("shr", reg(o.rn(1)), imm(o.imm(2)))) }]),
  sbfx: (o) => fx([{ reg: o.rn(0), value: ext(true, Number(o.imm(3)), bin("shr", reg(o.rn(1)), imm(o.imm(2)))) }]),
  cmp: (o) => fx([], { reads: regsOf(o) }),
  cmn: (o) => fx([], { reads: regsOf(o) }),
  tst: (o) => fx([], { reads: regsOf(o) }),
  teq: (o) => fx([], { reads: regsOf(o) }),
  ldr: ld(4, false),
  ldrb: ld(1, false),
  ldrh: ld(2, false),
  ldrsb: ld(1, true),
  ldrsh: ld(2, true),
  ldrex: ld(4, false),
  ldrd: ldd,
  str: st(4),
  strb: st(1),
  strh: st(2),
  strd: (o) => fx([], { mem: { op: "store", mem: o.mem(2), size: 8 }, reads: [o.rn(0), o.rn(1)] }),
  strex: (o) => ({ ...store([o.rn(1)], o.mem(2), 4), writes: [{ reg: o.rn(0), value: unknown("strex status") }] }),
  ldm: ldm(false),
  ldmia: ldm(false),
  pop: ldm(true),
  stm: stm(false),
  stmia: stm(false),
  stmdb: stm(true),
  push: stm(true),
  b: () => control("jump"),
  bx: (o) => control(o.rn(0) === "lr" ? "return" : "jump", regsOf(o)),
  bl: () => control("call", [], [{ reg: "lr", value: unknown("return address") }]),
  blx: (o) => control("call", regsOf(o), [{ reg: "lr", value: unknown("return address") }]),
  cbz: (o) => control("branch", regsOf(o)),
  cbnz: (o) => control("branch", regsOf(o)),
  udf: () => control("trap"),
  bkpt: () => control("trap"),
};

const COND = "eq|ne|cs|hs|cc|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le|al";
const condRe = new RegExp(`^(.+?)(${COND})$`);

/** Strip `.w`/`.n`, the flag-setting `s` and the condition suffix; remember whether it was conditional. */
function split(m: string): { base: string; cond: boolean } {
  const t = m.replace(/\.(w|n)$/, "");
  if (rule[t]) return { base: t, cond: false };
  const c = condRe.exec(t);
  if (c?.[1] && c[2]) {
    const b = c[1];
    const cond = c[2] !== "al";
    if (rule[b]) return { base: b, cond };
    if (b.endsWith("s") && rule[b.slice(0, -1)]) return { base: b.slice(0, -1), cond };
  }
  if (t.endsWith("s") && rule[t.slice(0, -1)]) return { base: t.slice(0, -1), cond: false };
  return { base: t, cond: false };
}

const inner = tableSemantics("arm", 32, rule, norm, {
  // AAPCS: r0-r3, ip (r12) and lr are not preserved across calls.
  callClobbered: ["r0", "r1", "r2", "r3", "ip", "lr"],
  mnemonic: (m) => split(m).base,
});

export const arm: Semantics = {
  ...inner,
  effect(insn) {
    const e = inner.effect(insn);
    if (!split(insn.mnemonic.toLowerCase()).cond) return e;
    // Conditional execution: the instruction may not have run, so what it writes is unknown, and a
    // conditional branch is a branch.
    const writes = e.writes.map((w) => ({ reg: w.reg, value: unknown("conditionally executed") }));
    const out = { ...e, writes };
    if (e.control === "jump") out.control = "branch";
    return out;
  },
};
