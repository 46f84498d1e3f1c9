/**
 * x86-64 and i386 instruction semantics, mnemonic → effect, for the integer subset a backward slice
 * needs. Mnemonics arrive in AT&T spelling (`movq`, `leaq`, `movzbl`, `cltq`) or Intel spelling
 * (`mov`, `movzx`, `cdqe`); both are normalised to the Intel name. Operands are destination first.
 * Width rules follow the Intel SDM Vol. 1 §3.4.1.1: writing a 32-bit register zero-extends into the
 * 64-bit register, writing an 8- or 16-bit register leaves the upper bits unchanged. Memory operands
 * are base + index × scale + disp (SDM Vol. 1 §3.7.5); `lea` computes that address without an access.
 */

import type { ArchId } from "../../arch/types.js";
import type { MemOperand } from "../../disasm/types.js";
import type { Effect, Expr, Semantics, Write } from "./types.js";
import { bin, ext, imm, reg, unknown } from "./types.js";
import { control, fx, NOP, type Ops, type RegRef, type Rule, tableSemantics } from "./util.js";

const FULL64: Record<string, [string, number, boolean?]> = {};
for (const [full, e, w, b, h] of [
  ["rax", "eax", "ax", "al", "ah"],
  ["rbx", "ebx", "bx", "bl", "bh"],
  ["rcx", "ecx", "cx", "cl", "ch"],
  ["rdx", "edx", "dx", "dl", "dh"],
  ["rsi", "esi", "si", "sil"],
  ["rdi", "edi", "di", "dil"],
  ["rbp", "ebp", "bp", "bpl"],
  ["rsp", "esp", "sp", "spl"],
] as const) {
  FULL64[full] = [full, 64];
  FULL64[e] = [full, 32];
  FULL64[w] = [full, 16];
  FULL64[b] = [full, 8];
  if (h) FULL64[h] = [full, 8, true];
}
for (let i = 8; i < 16; i++) {
  FULL64[`r${i}`] = [`r${i}`, 64];
  FULL64[`r${i}d`] = [`r${i}`, 32];
  FULL64[`r${i}w`] = [`r${i}`, 16];
  FULL64[`r${i}b`] = [`r${i}`, 8];
}
FULL64.rip = ["rip", 64];

const norm64 = (name: string): RegRef | undefined => {
  const e = FULL64[name.toLowerCase().replace(/^%/, "")];
  if (!e) return undefined;
  return e[2] ? { reg: e[0], bits: e[1], high8: true } : { reg: e[0], bits: e[1] };
};
// i386: the full registers are the 32-bit ones.
const norm32 = (name: string): RegRef | undefined => {
  const r = norm64(name);
  if (!r || r.bits === 64 || r.reg.startsWith("r") === false) return undefined;
  if (/^r\d/.test(r.reg)) return undefined;
  const full = `e${r.reg.slice(1)}`;
  return { ...r, reg: full, bits: Math.min(r.bits, 32) };
};

/** Value of operand i as an expression (registers read at their width, memory as a load). */
function rd(o: Ops, i: number, width: number): Expr {
  const op = o.op(i);
  if (op.kind === "imm") return imm(op.value);
  if (op.kind === "mem") {
    const m = o.mem(i);
    return { k: "load", mem: m, size: m.size ?? width / 8, signed: false };
  }
  const r = o.r(i);
  if (r.high8) return ext(false, 8, bin("shr", reg(r.reg), imm(8n)));
  return r.bits >= width ? reg(r.reg) : ext(false, r.bits, reg(r.reg));
}

/** Write `value` to register operand i with x86 partial-register rules. */
function wr(o: Ops, i: number, value: Expr, width: number): Write {
  const r = o.r(i);
  if (r.high8) return { reg: r.reg, value: unknown("write to a high-byte register") };
  if (r.bits >= width) return { reg: r.reg, value };
  if (r.bits === 32) return { reg: r.reg, value: ext(false, 32, value) };
  const mask = (1n << BigInt(r.bits)) - 1n;
  return {
    reg: r.reg,
    value: bin("or", bin("and", reg(r.reg), imm(~mask)), ext(false, r.bits, value)),
  };
}

function opSize(o: Ops, i: number, width: number): number {
  const op = o.op(i);
  if (op.kind === "reg") return o.r(i).bits / 8;
  if (op.kind === "mem") return op.mem.size ?? width / 8;
  return width / 8;
}

function memOf(o: Ops): { i: number; m: MemOperand } | undefined {
  for (let i = 0; i < o.length; i++) if (o.isMem(i)) return { i, m: o.mem(i) };
  return undefined;
}

function regsOf(o: Ops): string[] {
  const out: string[] = [];
  for (let i = 0; i < o.length; i++) if (o.isReg(i)) out.push(o.rn(i));
  return out;
}

const makeRules = (width: 32 | 64): Record<string, Rule> => {
  const W = width;
  // dst := f(dst, src), dst a register or memory (read-modify-write).
  const arith =
    (op: Parameters<typeof bin>[0]): Rule =>
    (o) => {
      if (o.isMem(0)) {
        const m = o.mem(0);
        return fx([], { mem: { op: "rmw", mem: m, size: opSize(o, 0, W) }, reads: regsOf(o) });
      }
      const self = o.isReg(1) && o.rn(0) === o.rn(1) && o.r(0).bits === o.r(1).bits;
      const value = self && (op === "xor" || op === "sub") ? imm(0n) : bin(op, rd(o, 0, W), rd(o, 1, W));
      const e = fx([wr(o, 0, value, W)]);
      const mm = memOf(o);
      if (mm) e.mem = { op: "load", mem: mm.m, size: opSize(o, mm.i, W) };
      return e;
    };
  const unary =
    (f: (x: Expr) => Expr): Rule =>
    (o) => {
      if (o.isMem(0)) return fx([], { mem: { op: "rmw", mem: o.mem(0), size: opSize(o, 0, W) }, reads: regsOf(o) });
      return fx([wr(o, 0, f(rd(o, 0, W)), W)]);
    };
  const mov: Rule = (o) => {
    if (o.isMem(0)) return fx([], { mem: { op: "store", mem: o.mem(0), size: opSize(o, 0, W) }, reads: regsOf(o) });
    const e = fx([wr(o, 0, rd(o, 1, W), W)]);
    if (o.isMem(1)) e.mem = { op: "load", mem: o.mem(1), size: opSize(o, 1, W) };
    return e;
  };
  const extend =
    (signed: boolean): Rule =>
    (o) => {
      const bits = opSize(o, 1, W) * 8;
      const src = o.isMem(1) ? { ...(rd(o, 1, W) as Extract<Expr, { k: "load" }>), size: bits / 8 } : rd(o, 1, W);
      const e = fx([wr(o, 0, ext(signed, bits, src), W)]);
      if (o.isMem(1)) e.mem = { op: "load", mem: o.mem(1), size: bits / 8 };
      return e;
    };
  const compare: Rule = (o) => {
    const e = fx([], { reads: regsOf(o) });
    const mm = memOf(o);
    if (mm) e.mem = { op: "load", mem: mm.m, size: opSize(o, mm.i, W) };
    return e;
  };
  const acc = W === 64 ? "rax" : "eax";
  const dx = W === 64 ? "rdx" : "edx";
  const sp = W === 64 ? "rsp" : "esp";
  const oneOpMul: Rule = (o) => {
    const e = fx([
      { reg: acc, value: bin("mul", reg(acc), rd(o, 0, W)) },
      { reg: dx, value: unknown("high half of the product") },
    ]);
    if (o.isMem(0)) e.mem = { op: "load", mem: o.mem(0), size: opSize(o, 0, W) };
    return e;
  };
  // DIV/IDIV r/m: the dividend is (r/e)dx:(r/e)ax (ax for the byte form); #DE is raised when the
  // divisor is 0 or the quotient does not fit the destination (Intel SDM Vol. 2A, DIV and IDIV).
  const divRule: Rule = (o) => {
    const e = fx([
      { reg: acc, value: unknown("quotient") },
      { reg: dx, value: unknown("remainder") },
    ]);
    e.divisor = rd(o, 0, W);
    if (o.isMem(0)) e.mem = { op: "load", mem: o.mem(0), size: opSize(o, 0, W) };
    return e;
  };
  const shiftRule =
    (op: "shl" | "shr" | "sar"): Rule =>
    (o) => {
      // `shr %rdx` (implicit count 1) has one operand.
      if (o.length === 1) return arithShift(o, op, imm(1n));
      return arithShift(
        o,
        op,
        o.isImm(1) ? imm(o.imm(1) & BigInt(W - 1)) : bin("and", rd(o, 1, W), imm(BigInt(W - 1))),
      );
    };
  const arithShift = (o: Ops, op: "shl" | "shr" | "sar", count: Expr): Effect => {
    if (o.isMem(0)) return fx([], { mem: { op: "rmw", mem: o.mem(0), size: opSize(o, 0, W) }, reads: regsOf(o) });
    const r = o.r(0);
    const src = op === "sar" && r.bits < W ? ext(true, r.bits, reg(r.reg)) : rd(o, 0, W);
    return fx([wr(o, 0, bin(op, src, count), W)]);
  };
  const trap: Rule = () => control("trap");
  const trap0: Rule = trap;
  const branch: Rule = (o) => control("branch", regsOf(o));
  const jcc = Object.fromEntries(
    ["ja", "jae", "jb", "jbe", "jc", "je", "jg", "jge", "jl", "jle", "jna", "jnae", "jnb", "jnbe", "jnc", "jne"]
      .concat(["jng", "jnge", "jnl", "jnle", "jno", "jnp", "jns", "jnz", "jo", "jp", "jpe", "jpo", "js", "jz"])
      .concat(["jcxz", "jecxz", "jrcxz", "loop", "loope", "loopne"])
      .map((m) => [m, branch]),
  );
  const cmov = Object.fromEntries(
    ["a", "ae", "b", "be", "e", "g", "ge", "l", "le", "ne", "no", "np", "ns", "o", "p", "s"].flatMap((c) => [
      [`cmov${c}`, ((o) => fx([{ reg: o.rn(0), value: unknown("conditional move") }])) as Rule],
      [`set${c}`, ((o) => (o.isMem(0) ? compare(o) : fx([wr(o, 0, unknown("flag value"), W)]))) as Rule],
    ]),
  );
  return {
    ...jcc,
    ...cmov,
    nop: () => NOP,
    // Flag and interrupt-flag instructions touch no general register.
    cli: () => NOP,
    sti: () => NOP,
    cld: () => NOP,
    std: () => NOP,
    clc: () => NOP,
    stc: () => NOP,
    pushf: () =>
      fx([{ reg: sp, value: bin("sub", reg(sp), imm(BigInt(W / 8))) }], {
        mem: { op: "store", mem: { base: sp, scale: 1, disp: BigInt(-W / 8) }, size: W / 8 },
      }),
    popf: () =>
      fx([{ reg: sp, value: bin("add", reg(sp), imm(BigInt(W / 8))) }], {
        mem: { op: "load", mem: { base: sp, scale: 1, disp: 0n }, size: W / 8 },
      }),
    // syscall writes the return address to rcx and rflags to r11 (SDM Vol. 2B, SYSCALL).
    syscall: () =>
      control(
        "call",
        [],
        [
          { reg: "rcx", value: unknown("return address") },
          { reg: "r11", value: unknown("saved rflags") },
          { reg: acc, value: unknown("system call result") },
        ],
      ),
    int: trap0,
    int1: trap0,
    endbr64: () => NOP,
    endbr32: () => NOP,
    pause: () => NOP,
    lfence: () => NOP,
    mfence: () => NOP,
    sfence: () => NOP,
    prefetcht0: () => NOP,
    prefetchw: () => NOP,
    mov,
    movabs: mov,
    lea: (o) => {
      const m = o.mem(1);
      let a: Expr = imm(m.disp);
      if (m.index) a = bin("add", bin("mul", reg(m.index), imm(BigInt(m.scale))), a);
      if (m.base) a = bin("add", reg(m.base), a);
      // rip-relative: rip is the next instruction's address, which the slice knows (slice.ts)
      return fx([wr(o, 0, a, W)]);
    },
    movzx: extend(false),
    movsx: extend(true),
    movsxd: extend(true),
    cdqe: () => fx([{ reg: "rax", value: ext(true, 32, reg("rax")) }]),
    cwde: () => fx([{ reg: acc, value: ext(true, 16, reg(acc)) }]),
    cqo: () => fx([{ reg: dx, value: unknown("sign of rax") }]),
    cdq: () => fx([{ reg: dx, value: unknown("sign of eax") }]),
    add: arith("add"),
    sub: arith("sub"),
    and: arith("and"),
    or: arith("or"),
    xor: arith("xor"),
    adc: (o) => (o.isMem(0) ? arith("add")(o) : fx([wr(o, 0, unknown("add with carry"), W)])),
    sbb: (o) => (o.isMem(0) ? arith("sub")(o) : fx([wr(o, 0, unknown("subtract with borrow"), W)])),
    inc: unary((x) => bin("add", x, imm(1n))),
    dec: unary((x) => bin("sub", x, imm(1n))),
    neg: unary((x) => bin("sub", imm(0n), x)),
    not: unary((x) => bin("xor", x, imm(-1n))),
    imul: (o) => {
      if (o.length === 1) return oneOpMul(o);
      if (o.length === 3) {
        const e = fx([wr(o, 0, bin("mul", rd(o, 1, W), rd(o, 2, W)), W)]);
        if (o.isMem(1)) e.mem = { op: "load", mem: o.mem(1), size: opSize(o, 1, W) };
        return e;
      }
      return arith("mul")(o);
    },
    mul: oneOpMul,
    div: divRule,
    idiv: divRule,
    shl: shiftRule("shl"),
    sal: shiftRule("shl"),
    shr: shiftRule("shr"),
    sar: shiftRule("sar"),
    cmp: compare,
    test: compare,
    bt: compare,
    xchg: (o) => {
      if (o.isMem(0) || o.isMem(1)) {
        const mm = memOf(o) as { i: number; m: MemOperand };
        const ri = mm.i === 0 ? 1 : 0;
        return fx([wr(o, ri, rd(o, mm.i, W), W)], { mem: { op: "rmw", mem: mm.m, size: opSize(o, mm.i, W) } });
      }
      return fx([wr(o, 0, rd(o, 1, W), W), wr(o, 1, rd(o, 0, W), W)]);
    },
    push: (o) =>
      fx([{ reg: sp, value: bin("sub", reg(sp), imm(BigInt(W / 8))) }], {
        mem: { op: "store", mem: { base: sp, scale: 1, disp: BigInt(-W / 8) }, size: W / 8 },
        reads: regsOf(o),
      }),
    pop: (o) => {
      const m: MemOperand = { base: sp, scale: 1, disp: 0n };
      return fx(
        [
          wr(o, 0, { k: "load", mem: m, size: W / 8, signed: false }, W),
          { reg: sp, value: bin("add", reg(sp), imm(BigInt(W / 8))) },
        ],
        { mem: { op: "load", mem: m, size: W / 8 } },
      );
    },
    call: (o) => control("call", regsOf(o)),
    jmp: (o) => control("jump", regsOf(o)),
    ret: () => control("return"),
    iret: () => control("return"),
    // Deliberate traps: BUG()/WARN() are `ud2` (arch/x86/include/asm/bug.h), newer WARN `ud1`.
    ud2: trap,
    ud1: trap,
    ud0: trap,
    int3: trap,
    hlt: trap,
  };
};

/** AT&T → Intel mnemonic: strip prefixes and the operand-size suffix; `movzbl` → `movzx`, `cltq` → `cdqe`. */
function mnemonicOf(table: Record<string, Rule>): (m: string) => string {
  const alias: Record<string, string> = {
    cltq: "cdqe",
    cwtl: "cwde",
    cqto: "cqo",
    cltd: "cdq",
    movslq: "movsxd",
  };
  return (raw: string) => {
    const m = raw.replace(/^(lock|rep|repz|repnz|repe|repne|notrack|bnd|data16)\s+/g, "").trim();
    if (table[m]) return m;
    const al = alias[m];
    if (al) return al;
    if (/^movs[bw][wlq]$/.test(m)) return "movsx";
    if (/^movz[bw][wlq]$/.test(m)) return "movzx";
    const s = m.replace(/[bwlq]$/, "");
    if (table[s]) return s;
    return m;
  };
}

const x86Semantics = (arch: ArchId, width: 32 | 64): Semantics => {
  const table = makeRules(width);
  // System V psABI caller-saved registers.
  const clobbered =
    width === 64 ? ["rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11"] : ["eax", "ecx", "edx"];
  return tableSemantics(arch, width, table, width === 64 ? norm64 : norm32, {
    callClobbered: clobbered,
    mnemonic: mnemonicOf(table),
  });
};

export const x86_64 = x86Semantics("x86_64", 64);
export const i386 = x86Semantics("i386", 32);
