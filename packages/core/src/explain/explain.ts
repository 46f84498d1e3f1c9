/**
 * `explainCrash`: turns a parsed crash (registers at the fault, reported fault address, arch) and
 * the instructions decoded from its `Code:` window into an `Explanation`: the faulting memory
 * operand with its effective address recomputed from the dump and checked against the reported
 * address; the backward slice that produced its base and index registers, each step with its value
 * and meaning; and a verdict no stronger than the data (NULL pointer + field, NULL array base +
 * index × stride + field, poison values, non-canonical or user addresses, stack guard page,
 * misalignment, deliberate BUG/WARN traps, or an honest "unknown").
 */

import type { ArchId } from "../arch/types.js";
import type { Instruction, MemOperand } from "../disasm/types.js";
import type { Crash } from "../oops/model.js";
import { semanticsFor } from "./semantics/index.js";
import type { Effect, Expr, Semantics } from "./semantics/types.js";
import { exprReads } from "./semantics/types.js";
import { hx, memText, Slice, text } from "./slice.js";
import type { Access, Explanation, Step, Verdict } from "./types.js";

// Addresses below this are treated as "NULL + offset": the kernel never maps page 0 and the default
// mmap_min_addr is 4096 (x86) to 65536 (arm, CONFIG_DEFAULT_MMAP_MIN_ADDR); struct fields past
// 64 KiB are rare enough that a larger value is called a wild pointer instead.
const NULL_LIMIT = 0x10000n;

// x86-64 generic KASAN maps address a to shadow byte (a >> 3) + KASAN_SHADOW_OFFSET
// (arch/x86/Kconfig: KASAN_SHADOW_OFFSET 0xdffffc0000000000).
const KASAN_SHADOW_OFFSET_X86_64 = 0xdffffc0000000000n;

/** Top of the user half of the address space per 64-bit arch (4-level / 48-bit layouts). */
const USER_TOP: Partial<Record<ArchId, bigint>> = {
  x86_64: 0x0000800000000000n,
  arm64: 0x0001000000000000n,
  riscv64: 0x0000004000000000n,
  ppc64: 0x0010000000000000n,
  // MIPS64: xuseg is 0 .. 2^40 on Octeon-class cores (segment bits 63..62 = 00).
  mips64: 0x0000010000000000n,
  // MIPS32 kuseg is architectural; i386 and ARM split user/kernel where CONFIG_VMSPLIT_* says
  // (0x80000000, 0xb0000000, 0xc0000000 …), so no fixed boundary is assumed there.
  mips32: 0x80000000n,
};

/**
 * Lowest kernel address per 64-bit arch, where the gap between user space and it is architecturally
 * unmapped: PowerPC64 kernel regions start at 0xc000000000000000 (arch/powerpc/include/asm/book3s/64/
 * pgtable.h), AArch64 kernel VAs have the top 12 bits set even with 52-bit VAs, RISC-V Sv57 kernel
 * space starts at 0xff00000000000000.
 */
const KERNEL_BOTTOM: Partial<Record<ArchId, bigint>> = {
  ppc64: 0xc000000000000000n,
  arm64: 0xfff0000000000000n,
  riscv64: 0xff00000000000000n,
};

export function explainCrash(crash: Crash, instructions: Instruction[]): Explanation {
  const unknowns: string[] = [];
  const notes: string[] = [];
  const arch = crash.arch;
  const fault = reportedFaultAddress(crash, notes);
  const regs = crash.registers;

  if (!arch) {
    unknowns.push("the architecture could not be determined from the log");
    return { steps: [], verdict: addressOnlyVerdict(undefined, fault, crash, unknowns), unknowns, notes };
  }
  if (arch.startsWith("mips")) mipsCause(regs, notes);
  // MIPS has no WARN trap (no GENERIC_BUG: arch/mips/include/asm/bug.h defines only BUG() and
  // BUG_ON()): WARN_ON() calls warn_slowpath_fmt(), and __warn() dumps neither registers nor code.
  // Such a WARNING is the assertion itself, with no instruction to point at.
  if (arch.startsWith("mips") && crash.kind === "warning" && instructions.length === 0) {
    return {
      steps: [],
      verdict: {
        kind: "trap",
        text: "a WARN_ON()/WARN() assertion: the kernel checked a condition in software (on MIPS a call to warn_slowpath_fmt(), no trap instruction), not a bad memory access",
      },
      unknowns,
      notes,
    };
  }

  // Reports the kernel raises in software (KASAN, lockdep, stalls, …) carry a register dump of wherever
  // the CPU was (often the task's user-space state at syscall entry), not of a faulting access.
  const pcAddr = crash.pc?.address;
  const userTop = USER_TOP[arch];
  const userPc = pcAddr !== undefined && userTop !== undefined && pcAddr < userTop && pcAddr >= NULL_LIMIT;
  // A lockup's dump is wherever the CPU was spinning: when the pc sits in a loop that nothing inside
  // can leave (no branch, call or return before the jump back), that loop is the lockup.
  const spinSem = LOCKUP_KINDS.has(crash.kind) && !userPc ? semanticsFor(arch) : undefined;
  const spin = spinSem ? spinLoop(spinSem, instructions) : undefined;
  if (spin) {
    const [from, to] = spin;
    const body = instructions
      .slice(from, to + 1)
      .map(text)
      .join("; ");
    return {
      steps: [],
      verdict: {
        kind: "infinite-loop",
        text: `the CPU is spinning in a loop with no exit: ${body} — nothing in it can leave the loop, so the ${crash.kind} is this code never yielding the CPU`,
      },
      unknowns,
      notes,
    };
  }
  if (SOFTWARE_KINDS.has(crash.kind) || userPc) {
    const why = userPc
      ? `the dumped pc ${hx(pcAddr ?? 0n)} is in user space: the registers and Code: are the task's user state, not a kernel fault`
      : `this is a ${crash.kind} report: the kernel detected the problem in software, so the Code: window is not a faulting access`;
    unknowns.push(why);
    const v: Verdict =
      fault !== undefined
        ? { kind: "unknown", pointer: fault, text: `${why}; the bad address the report names is ${hx(fault)}` }
        : { kind: "unknown", text: why };
    return { steps: [], verdict: v, unknowns, notes };
  }

  // An instruction fetch from the fault address: the pc itself is bad (RIP == CR2), nothing was decoded.
  const pc = crash.pc?.address;
  if (fault !== undefined && pc !== undefined && fault === pc) {
    return { steps: [], verdict: badJump(fault), unknowns, notes };
  }

  const sem = semanticsFor(arch);
  let f = instructions.findIndex((i) => i.faulting);
  if (!sem || f < 0 || instructions.length === 0) {
    if (instructions.length === 0) unknowns.push("no decoded Code: window, so the faulting instruction is unknown");
    else if (f < 0) unknowns.push("the Code: window does not mark the faulting instruction");
    else unknowns.push(`no instruction semantics for ${arch}`);
    return { steps: [], verdict: addressOnlyVerdict(arch, fault, crash, unknowns), unknowns, notes };
  }

  // MIPS: with Cause.BD set, EPC points at the branch and the fault is in its delay slot (MIPS64 Vol. III,
  // Cause register bit 31).
  const first = sem.effect(instructions[f] as Instruction);
  const cause = regs.cause;
  if (first.delaySlot && !first.mem && cause !== undefined && cause & 0x80000000n && f + 1 < instructions.length) {
    notes.push(`Cause.BD is set: the fault is in the delay slot of ${text(instructions[f])}`);
    f += 1;
  }
  // s390x: a monitor event (`mc`, completed) and an operation exception (suppressed) leave the PSW at
  // the next instruction (z/Architecture Principles of Operation, "Types of Instruction Ending"); access
  // exceptions are nullifying, and the kernel rewinds the suppressing protection exception
  // (arch/s390/mm/fault.c, do_protection_exception), so there the `>` line is the access. When the `#`
  // line just before the PSW is BUG()/WARN()'s trap, that trap is the culprit.
  const prev = f > 0 ? instructions[f - 1] : undefined;
  if (arch === "s390x" && prev?.s390Marker === "#" && sem.effect(prev).control === "trap") {
    notes.push(
      `the PSW points past the trap ${text(prev)} (the # line): the interruption leaves it at the next instruction`,
    );
    f -= 1;
  }
  const slice = new Slice(sem, instructions, f, regs);
  const faulting = instructions[f] as Instruction;
  const fx = slice.effects[f] as Effect;

  if (fx.control === "trap" || isTrapMnemonic(faulting.mnemonic)) {
    return { steps: [], verdict: trapVerdict(crash, faulting), unknowns, notes };
  }
  // A divide error (#DE) faults on the divide itself, not on a memory access: say what the divisor was.
  if (fx.divisor && crash.kind === "divide-error") {
    const steps: Step[] = [];
    const seen = new Set<string>();
    for (const r of exprReads(fx.divisor)) explainReg(slice, r, f, 0, steps, seen);
    return { steps, verdict: divideVerdict(faulting, slice.eval(fx.divisor, f)), unknowns, notes };
  }
  // MIPS bus errors (ExcCode 6 IBE / 7 DBE) are imprecise: EPC may be past the access that caused
  // them (MIPS64 Vol. III, "Bus Error Exception"). Take the nearest preceding access in the region.
  const excCode = cause === undefined ? undefined : Number((cause >> 2n) & 0x1fn);
  const busError = arch.startsWith("mips") && (excCode === 6 || excCode === 7);
  if (!fx.mem && busError) {
    for (let j = f - 1; j >= slice.start && j >= f - 4; j--) {
      if (!slice.effects[j]?.mem) continue;
      notes.push(
        `bus errors are imprecise: the marked ${text(faulting)} has no memory operand, so the nearest preceding access ${text(instructions[j])} is taken`,
      );
      const s2 = new Slice(sem, instructions, j, regs);
      const fx2 = s2.effects[j] as Effect & { mem: NonNullable<Effect["mem"]> };
      const access = computeAccess(s2, j, fx2, fault, faultName(arch, crash), arch);
      const steps: Step[] = [];
      const seen = new Set<string>();
      for (const r of [fx2.mem.mem.base, fx2.mem.mem.index]) if (r) explainReg(s2, r, j, 0, steps, seen);
      return { access, steps, verdict: busVerdict(access, excCode), unknowns, notes };
    }
  }
  if (!fx.mem) {
    unknowns.push(`the faulting instruction ${text(faulting)} has no memory operand this table models`);
    return { steps: [], verdict: addressOnlyVerdict(arch, fault, crash, unknowns), unknowns, notes };
  }

  const m = fx.mem.mem;
  const access = computeAccess(slice, f, fx, fault, faultName(arch, crash), arch);
  if (arch === "x86_64" && access.matchesFaultAddress === false && /stack guard page/.test(crash.report)) {
    const sp = regs.rsp;
    // Delivering the #PF pushes the exception frame on the same (full) stack: in 64-bit mode the CPU
    // first aligns RSP down to 16 bytes, then pushes SS at RSP - 8 (Intel SDM Vol. 3, "64-Bit Mode
    // Stack Frame"); that push faults again and becomes the double fault whose CR2 is reported.
    if (sp !== undefined && fault === (sp & ~0xfn) - 8n) {
      notes.push(
        `the reported address ${hx(fault)} is where the CPU tried to push the exception frame ((rsp & ~0xf) - 8); the access itself at ${hx(access.effectiveAddress ?? 0n)} is below the stack too`,
      );
    }
  }
  if (busError) {
    const steps: Step[] = [];
    const seen = new Set<string>();
    for (const r of [m.base, m.index]) if (r) explainReg(slice, r, f, 0, steps, seen);
    return { access, steps, verdict: busVerdict(access, excCode), unknowns, notes };
  }
  const mis = misaligned(arch, access, crash, faulting.mnemonic);
  if (mis) {
    const steps: Step[] = [];
    const seen = new Set<string>();
    for (const r of [m.base, m.index]) if (r) explainReg(slice, r, f, 0, steps, seen);
    return { access, steps, verdict: mis, unknowns, notes };
  }
  if (slice.start > 0) notes.push(`the slice starts after ${text(instructions[slice.start - 1])} (a control transfer)`);

  const steps: Step[] = [];
  const seen = new Set<string>();
  for (const r of [m.base, m.index]) if (r) explainReg(slice, r, f, 0, steps, seen);

  const verdict = accessVerdict(arch, slice, f, m, access, crash, notes, unknowns);
  return { access, steps, verdict, unknowns, notes };
}

/**
 * A misaligned access: the address is not a multiple of the access size and the CPU said so (MIPS
 * Cause.ExcCode AdEL/AdES, MIPS64 Vol. III; or the kernel's "Unhandled kernel unaligned access" /
 * "Alignment trap" messages, arch/mips/kernel/unaligned.c, arch/arm/mm/alignment.c).
 */
function misaligned(arch: ArchId, a: Access, crash: Crash, mnemonic?: string): Verdict | undefined {
  const addr = a.effectiveAddress ?? a.faultAddress;
  if (addr === undefined || !a.size || a.size === 1 || addr % BigInt(a.size) === 0n) return undefined;
  // MIPS LWL/LWR/LDL/LDR and SWL/SWR/SDL/SDR take any alignment (MIPS64 Vol. II: "The effective
  // address can be arbitrarily aligned"); the kernel's unaligned-access emulation uses them.
  if (arch.startsWith("mips") && /^(?:lwl|lwr|ldl|ldr|swl|swr|sdl|sdr)$/.test(mnemonic ?? "")) return undefined;
  const cause = crash.registers.cause;
  const code = cause === undefined ? undefined : Number((cause >> 2n) & 0x1fn);
  const said =
    (arch.startsWith("mips") && (code === 4 || code === 5)) || /unaligned access|alignment trap/i.test(crash.report);
  if (!said) return undefined;
  return {
    kind: "misaligned",
    pointer: addr,
    text: `misaligned ${a.size}-byte ${a.kind} at ${hx(addr)} (not a multiple of ${a.size}): a pointer into the middle of an object, or packed data accessed with a wide load`,
  };
}

/**
 * A MIPS bus error: the access reached the bus and the device (or memory controller) signalled an
 * error, typically an MMIO register of a device that is powered down, in reset or absent. The
 * physical address follows from the unmapped segments: KSEG0/KSEG1 keep the low 29 bits, XKPHYS the
 * low 59 (MIPS64 Vol. III, "Address Space").
 */
function busVerdict(a: Access, excCode: number | undefined): Verdict {
  const ea = a.effectiveAddress;
  const what = excCode === 6 ? "instruction bus error (IBE)" : "data bus error (DBE)";
  if (ea === undefined) return { kind: "bus-error", text: `${what}: the address of the access is unknown` };
  const e32 = BigInt.asUintN(32, ea);
  const sext = ea < 0x100000000n || BigInt.asIntN(64, ea) === BigInt.asIntN(32, e32);
  let phys: bigint | undefined;
  if (sext && e32 >= 0x80000000n && e32 < 0xc0000000n) phys = e32 & 0x1fffffffn;
  else if (ea >> 62n === 2n) phys = ea & 0x07ffffffffffffffn;
  return {
    kind: "bus-error",
    pointer: ea,
    text:
      `${what} on the ${a.size ?? "?"}-byte ${a.kind} at ${hx(ea)}` +
      (phys !== undefined ? ` (unmapped segment, physical ${hx(phys)})` : "") +
      ": the bus rejected the access; usually an MMIO register of a device that is absent, powered down or in reset",
  };
}

/** Where the kernel reports the fault address on each architecture (its register or message). */
function faultName(arch: ArchId, crash: Crash): string {
  if (/non-canonical address 0x/i.test(crash.report)) return "the #GP message's non-canonical address";
  switch (arch) {
    case "x86_64":
    case "i386":
      return "CR2";
    case "arm64":
    case "arm":
      return "FAR, printed as the virtual address";
    case "mips32":
    case "mips64":
      return "BadVA";
    case "ppc32":
    case "ppc64":
      return "DAR";
    case "riscv64":
      return "badaddr (stval)";
    default:
      return "the printed address";
  }
}

/**
 * arm64's fault handlers print the faulting address untagged (arch/arm64/mm/fault.c:
 * `addr = untagged_addr(far)`, which sign-extends bit 55 over bits 63..56, the top byte that Top
 * Byte Ignore leaves out of translation): a pointer 0x6b6b6b6b6b6b6b6b is reported as 0x006b6b6b6b6b6b6b.
 */
function arm64Untagged(a: bigint): bigint {
  return BigInt.asUintN(64, BigInt.asIntN(56, a));
}

/** The fault address as reported, ignoring CR2 for #GP (a general protection fault does not load CR2). */
function reportedFaultAddress(crash: Crash, notes: string[]): bigint | undefined {
  // x86 #GP prints no CR2 but, since v5.5, "probably for non-canonical address 0x…"
  // (arch/x86/kernel/traps.c); a stack-guard hit prints the address (arch/x86/mm/fault.c).
  const nc = /non-canonical address (0x[0-9a-f]+)/i.exec(crash.report);
  if (nc?.[1]) return BigInt(nc[1]);
  // A stack-guard hit on x86-64 is caught by the double fault its page fault causes; CR2 holds the
  // address (older kernels print it hashed by %p, so CR2 is the reliable copy).
  if (/stack guard page was hit/.test(crash.report)) {
    if (crash.registers.cr2 !== undefined) return crash.registers.cr2;
    const sg = /stack guard page was hit at ([0-9a-f]{8,16})/.exec(crash.report);
    if (sg?.[1]) return BigInt(`0x${sg[1]}`);
  }
  const a = crash.fault.address;
  if (crash.kind === "general-protection" && a !== undefined && a === crash.registers.cr2) {
    notes.push("CR2 is not the fault address of a general protection fault (#GP does not load CR2); it is ignored");
    return undefined;
  }
  return a;
}

// MIPS Cause.ExcCode (bits 6..2), MIPS64 Architecture Vol. III, table "Cause Register ExcCode Field".
const MIPS_EXC: Record<number, string> = {
  1: "Mod (store to a read-only TLB page)",
  2: "TLBL (TLB miss or invalid entry on a load or instruction fetch)",
  3: "TLBS (TLB miss or invalid entry on a store)",
  4: "AdEL (address error on a load or instruction fetch: misaligned, or a kernel address from user mode)",
  5: "AdES (address error on a store)",
  9: "Bp (breakpoint: a break instruction)",
  10: "RI (reserved instruction)",
  13: "Tr (trap instruction)",
};
function mipsCause(regs: Record<string, bigint>, notes: string[]): void {
  const c = regs.cause;
  if (c === undefined) return;
  const code = Number((c >> 2n) & 0x1fn);
  const name = MIPS_EXC[code];
  notes.push(`Cause ${hx(c)}: ExcCode ${code}${name ? ` = ${name}` : ""}`);
}

function computeAccess(
  slice: Slice,
  f: number,
  fx: Effect,
  fault: bigint | undefined,
  name: string,
  arch?: ArchId,
): Access {
  const mem = fx.mem as NonNullable<Effect["mem"]>;
  const m = mem.mem;
  const parts: string[] = [];
  let ea: bigint | undefined = m.disp;
  const missing: string[] = [];
  for (const [r, scale] of [
    [m.base, 1n],
    [m.index, BigInt(m.scale || 1)],
  ] as const) {
    if (!r) continue;
    const k = slice.before(r, f);
    if (!k) {
      missing.push(r);
      ea = undefined;
      continue;
    }
    const v = r === m.index ? extendIndex(k.v, m) : k.v;
    parts.push(scale === 1n ? `${r} (${hx(v)})` : `${r} (${hx(v)}) × ${scale}`);
    if (ea !== undefined) ea += v * scale;
  }
  // %gs:/%fs: (x86 per-CPU and TLS data) add a segment base the dump does not show.
  if (m.segment === "fs" || m.segment === "gs") {
    ea = undefined;
    missing.push(`the ${m.segment} segment base`);
  }
  if (ea !== undefined) ea = slice.u(ea);
  const size = mem.size ?? m.size;
  const a: Access = {
    instruction: f,
    kind: mem.op,
    scale: m.scale || 1,
    disp: m.disp,
    text: "",
  };
  if (m.base) a.base = m.base;
  if (m.index) a.index = m.index;
  if (size !== undefined) a.size = size;
  if (ea !== undefined) a.effectiveAddress = ea;
  if (fault !== undefined) a.faultAddress = fault;
  const sum = parts.join(" + ") || "0";
  const formula = `${memText(m)} = ${sum}${m.disp < 0n ? ` - ${hx(-m.disp)}` : m.disp > 0n || !parts.length ? ` + ${hx(m.disp)}` : ""}`;
  if (ea === undefined) {
    a.text = `${formula}: ${missing.join(", ")} not in the dump, so the effective address is unknown`;
  } else if (fault === undefined) {
    a.text = `${formula} = ${hx(ea)}; the kernel did not print the fault address, so it cannot be checked`;
  } else if (ea === fault) {
    a.matchesFaultAddress = true;
    a.text = `${formula} = ${hx(ea)}, which is the reported fault address (${name})`;
  } else if (arch === "arm64" && arm64Untagged(ea) === fault) {
    a.matchesFaultAddress = true;
    a.text = `${formula} = ${hx(ea)}, which is the reported fault address (${name}) ${hx(fault)} untagged: arm64 prints the address with bit 55 copied over the top byte (untagged_addr(), the byte TBI ignores)`;
  } else if (size !== undefined && fault > ea && fault < ea + BigInt(size)) {
    // An access that crosses into an unmapped page faults at the first byte of that page.
    a.matchesFaultAddress = true;
    a.text = `${formula} = ${hx(ea)}; the ${size}-byte access reaches ${hx(fault)}, the reported fault address (${name}; the first byte on the next page)`;
  } else {
    a.matchesFaultAddress = false;
    a.text = `${formula} = ${hx(ea)}, but the reported fault address (${name}) is ${hx(fault)}: they disagree`;
  }
  return a;
}

const OPS: Record<string, string> = {
  add: "+",
  sub: "-",
  mul: "×",
  and: "&",
  or: "|",
  xor: "^",
  shl: "<<",
  shr: ">>",
  sar: ">>(signed)",
};

/** Render an expression with register names (vals=false) or with their values before j (vals=true). */
function render(e: Expr, slice: Slice, j: number, vals: boolean): string {
  switch (e.k) {
    case "imm":
      return hx(slice.u(e.v));
    case "reg": {
      if (!vals) return e.reg;
      const k = slice.before(e.reg, j);
      return k ? hx(k.v) : `${e.reg}(?)`;
    }
    case "bin":
      return `${render(e.a, slice, j, vals)} ${OPS[e.op]} ${render(e.b, slice, j, vals)}`;
    case "ext":
      return `${e.signed ? "sign" : "zero"}-extend(low ${e.bits} bits of ${render(e.a, slice, j, vals)})`;
    case "load":
      return memText(e.mem);
    default:
      return "?";
  }
}

/** AArch64 `[x1, w2, sxtw #2]`: the index is extended from 32 bits before scaling. */
function extendIndex(v: bigint, m: MemOperand): bigint {
  if (m.indexExtend === "sxtw") return BigInt.asIntN(32, v);
  if (m.indexExtend === "uxtw") return BigInt.asUintN(32, v);
  return v;
}

function loadAddress(slice: Slice, j: number, m: MemOperand): bigint | undefined {
  let ea = m.disp;
  for (const [r, s] of [
    [m.base, 1n],
    [m.index, BigInt(m.scale || 1)],
  ] as const) {
    if (!r) continue;
    const v = slice.before(r, j);
    if (!v) return undefined;
    ea += (r === m.index ? extendIndex(v.v, m) : v.v) * s;
  }
  return slice.u(ea);
}

function describe(e: Expr, slice: Slice, j: number): string {
  if (e.k === "load") {
    const ea = loadAddress(slice, j, e.mem);
    const b = e.mem.base ? slice.before(e.mem.base, j) : undefined;
    const withVals = b && !e.mem.index ? ` = ${memText({ ...e.mem, base: hx(b.v) })}` : "";
    const at = ea !== undefined ? ` = ${hx(ea)}` : "";
    return `loaded (${e.size} byte${e.size > 1 ? "s" : ""}) from ${memText(e.mem)}${withVals}${at}`;
  }
  if (e.k === "unknown") return `not modelled (${e.why})`;
  if (e.k === "imm") return `the constant ${hx(slice.u(e.v))}`;
  if (e.k === "reg") return `a copy of ${e.reg}`;
  let s = `${render(e, slice, j, false)} = ${render(e, slice, j, true)}`;
  const res = slice.eval(e, j);
  if (res !== undefined) s += ` = ${hx(res)}`;
  if (e.k === "bin" && e.op === "mul") {
    const a = slice.eval(e.a, j);
    const b = slice.eval(e.b, j);
    if (a !== undefined && b !== undefined) {
      const [idx, stride] = e.b.k === "imm" || e.a.k !== "imm" ? [a, b] : [b, a];
      s += ` (index ${hx(idx)} × stride ${hx(stride)})`;
    }
  }
  if (e.k === "bin" && e.op === "shl" && e.b.k === "imm") {
    const a = slice.eval(e.a, j);
    if (a !== undefined) s += ` (index ${hx(a)} × stride ${hx(1n << slice.u(e.b.v))})`;
  }
  return s;
}

function explainReg(slice: Slice, r: string, k: number, depth: number, steps: Step[], seen: Set<string>): void {
  const w = slice.lastWriter(r, k);
  if (w === undefined || depth > 16) return;
  const key = `${r}@${w}`;
  if (seen.has(key)) return;
  seen.add(key);
  const fx = slice.effects[w] as Effect;
  const wr = fx.writes.find((x) => x.reg === r);
  if (!wr) return;
  const out = slice.after(r, w);
  let meaning = describe(wr.value, slice, w);
  // Say how inputs that are not simply the dumped value were obtained (overwritten registers).
  for (const s of new Set(exprReads(wr.value))) {
    const b = slice.before(s, w);
    if (b && (s === "rip" || s === "eip")) {
      meaning += `; ${s} = ${hx(b.v)}, ${b.how}`;
    } else if (b && !b.how.startsWith("from the dump") && b.how !== "the zero register") {
      meaning += slice.writes(w, s)
        ? `; ${slice.insns[w]?.mnemonic ?? "it"} overwrote ${s}, so its input ${s} = ${hx(b.v)} is ${b.how}`
        : `; ${s} is overwritten before the fault, its value here ${hx(b.v)} is ${b.how}`;
    } else if (!b) {
      meaning += `; the input ${s} is unknown (overwritten later and not recoverable)`;
    }
  }
  if (out && !out.how.startsWith("from the dump") && !out.how.startsWith("computed")) meaning += `; result ${out.how}`;
  const step: Step = { instruction: w, text: text(slice.insns[w]), register: r, meaning, depth };
  if (out) step.value = out.v;
  steps.push(step);
  for (const s of new Set(exprReads(wr.value))) explainReg(slice, s, w, depth + 1, steps, seen);
}

// ---- decomposition of an address into pointer root + index × stride + constant ----

type Term =
  | { k: "const"; v: bigint }
  | { k: "root"; v?: bigint; text: string; load?: { insn: number; mem: MemOperand; object?: bigint } }
  | { k: "scaled"; index?: bigint; stride: bigint }
  | { k: "shadow"; inner: Term[]; v?: bigint };

function linReg(slice: Slice, r: string, k: number, depth: number): Term[] {
  const w = depth > 16 ? undefined : slice.lastWriter(r, k);
  const v = slice.before(r, k)?.v;
  if (w === undefined) return [v === undefined ? { k: "root", text: r } : { k: "root", v, text: r }];
  const wr = (slice.effects[w] as Effect).writes.find((x) => x.reg === r) as { value: Expr };
  return linExpr(slice, wr.value, w, r, depth + 1);
}

function linExpr(slice: Slice, e: Expr, w: number, dst: string, depth: number): Term[] {
  const val = (x: Expr) => slice.eval(x, w);
  switch (e.k) {
    case "imm":
      return [{ k: "const", v: slice.u(e.v) }];
    case "reg":
      return linReg(slice, e.reg, w, depth);
    case "load": {
      const v = slice.after(dst, w)?.v;
      const t: Term = { k: "root", text: memText(e.mem), load: { insn: w, mem: e.mem } };
      if (v !== undefined) t.v = v;
      const obj = e.mem.base ? slice.before(e.mem.base, w)?.v : undefined;
      if (obj !== undefined && t.load) t.load.object = obj;
      return [t];
    }
    case "ext": {
      const inner = val(e.a);
      const outer = slice.eval(e, w);
      if (inner !== undefined && inner === outer) return linExpr(slice, e.a, w, dst, depth);
      break;
    }
    case "bin": {
      if (e.op === "add") return [...linExpr(slice, e.a, w, dst, depth), ...linExpr(slice, e.b, w, dst, depth)];
      if (e.op === "sub" && e.b.k === "imm")
        return [...linExpr(slice, e.a, w, dst, depth), { k: "const", v: slice.u(-e.b.v) }];
      if (e.op === "mul") {
        const a = val(e.a);
        const b = val(e.b);
        const [idx, stride] = e.b.k === "imm" || e.a.k !== "imm" ? [a, b] : [b, a];
        if (stride !== undefined)
          return [idx === undefined ? { k: "scaled", stride } : { k: "scaled", index: idx, stride }];
      }
      if (e.op === "shl" && e.b.k === "imm") {
        const a = val(e.a);
        const stride = 1n << slice.u(e.b.v);
        return [a === undefined ? { k: "scaled", stride } : { k: "scaled", index: a, stride }];
      }
      if ((e.op === "shr" || e.op === "sar") && e.b.k === "imm" && e.b.v === 3n) {
        const t: Term = { k: "shadow", inner: linExpr(slice, e.a, w, dst, depth) };
        const v = slice.eval(e, w) ?? slice.after(dst, w)?.v;
        if (v !== undefined) t.v = v;
        return [t];
      }
      break;
    }
    default:
      break;
  }
  const v = slice.eval(e, w) ?? slice.after(dst, w)?.v;
  return [v === undefined ? { k: "root", text: dst } : { k: "root", v, text: dst }];
}

function accessTerms(slice: Slice, f: number, m: MemOperand): Term[] {
  const t: Term[] = [];
  if (m.base) t.push(...linReg(slice, m.base, f, 0));
  if (m.index) {
    const it = linReg(slice, m.index, f, 0);
    const sc = BigInt(m.scale || 1);
    if (sc === 1n) t.push(...it);
    else {
      for (const x of it) {
        if (x.k === "const") t.push({ k: "const", v: x.v * sc });
        else if (x.k === "scaled") t.push({ ...x, stride: x.stride * sc });
        else if (x.k === "root" && x.v !== undefined) t.push({ k: "scaled", index: x.v, stride: sc });
        else t.push({ k: "scaled", stride: sc });
      }
    }
  }
  if (m.disp !== 0n) t.push({ k: "const", v: slice.u(m.disp) });
  return t;
}

function accessVerdict(
  arch: ArchId,
  slice: Slice,
  f: number,
  m: MemOperand,
  access: Access,
  crash: Crash,
  notes: string[],
  unknowns: string[],
): Verdict {
  let terms = accessTerms(slice, f, m);
  // KASAN instrumentation: the access is to the shadow of the real address; explain the real one.
  if (arch === "x86_64") {
    const off = terms.find((t) => t.k !== "shadow" && "v" in t && t.v === KASAN_SHADOW_OFFSET_X86_64);
    const rest = terms.filter((t) => t !== off);
    const only = rest.length === 1 ? rest[0] : undefined;
    if (off && rest.length <= 1) {
      const sh = only?.k === "shadow" ? only : undefined;
      const inner = sh ? sumKnown(sh.inner) : undefined;
      const note = (lo: bigint, hi: bigint) =>
        notes.push(
          `the faulting access is KASAN's shadow check: shadow = (address >> 3) + ${hx(KASAN_SHADOW_OFFSET_X86_64)}, for address ${lo === hi ? hx(lo) : `${hx(lo)}-${hx(hi)}`} (shadow range ${hx(lo & ~7n)}-${hx(lo | 7n)})`,
        );
      if (sh && inner !== undefined) {
        note(inner, inner);
        terms = sh.inner;
      } else {
        // Only the shadow value is known (its computation lies before the window): the checked
        // address is known to 8 bytes, [x << 3, (x << 3) + 7].
        const x = only === undefined ? 0n : sh ? sh.v : sumKnown([only]);
        if (x !== undefined) {
          const real = BigInt.asUintN(64, x << 3n);
          note(real, real + 7n);
          unknowns.push("how the checked address was computed lies before the Code: window");
          return addressOnlyVerdict(arch, real, crash, unknowns);
        }
      }
    }
  }
  const ea = sumKnown(terms) ?? access.effectiveAddress ?? access.faultAddress;
  const roots = terms.filter((t) => t.k === "root");
  const scaled = terms.filter((t): t is Extract<Term, { k: "scaled" }> => t.k === "scaled");
  const field = terms.reduce((s, t) => (t.k === "const" ? s + t.v : s), 0n);

  if (access.matchesFaultAddress === false && access.effectiveAddress !== undefined) {
    unknowns.push(
      "the recomputed address disagrees with the reported one; the registers may not be those of this fault",
    );
  }

  // The address is a constant built inside the window (`mov x1, #0; str wzr, [x1]`).
  if (roots.length === 0 && scaled.length === 0 && !terms.some((t) => t.k === "shadow")) {
    const c = slice.u(field);
    if (c < NULL_LIMIT) {
      return {
        kind: "null-pointer",
        pointer: 0n,
        fieldOffset: c,
        text: `NULL pointer dereference through a constant: the address ${hx(c)} is built from immediates inside the Code: window (a literal NULL, or a field of one)`,
      };
    }
  }
  const root = roots.length === 1 ? roots[0] : undefined;
  if (root?.k === "root" && root.v === 0n) {
    const v: Verdict = { kind: "null-pointer", text: "", pointer: 0n, fieldOffset: slice.u(field) };
    let from = "";
    if (root.load) {
      const lf: NonNullable<Verdict["loadedFrom"]> = { text: memText(root.load.mem), offset: root.load.mem.disp };
      if (root.load.object !== undefined) lf.object = root.load.object;
      v.loadedFrom = lf;
      from =
        ` loaded by ${text(slice.insns[root.load.insn])} from ${lf.text}` +
        (STACK_REGS.has(root.load.mem.base ?? "")
          ? ", a stack slot (a local variable or spilled register)"
          : lf.object !== undefined
            ? `, i.e. the field at offset ${hx(lf.offset ?? 0n)} of the object at ${hx(lf.object)}`
            : "");
    } else {
      from = ` (${rootText(slice, root)})`;
    }
    const s = scaled[0];
    if (s && scaled.length === 1) {
      v.kind = "null-array";
      if (s.index !== undefined) v.index = s.index;
      v.stride = s.stride;
      v.text =
        `NULL array base: the base pointer is 0${from}; the address is element ${s.index !== undefined ? hx(s.index) : "?"} ` +
        `of an array of ${hx(s.stride)}-byte (${s.stride}) elements, field at +${hx(slice.u(field))}` +
        (ea !== undefined ? ` = ${hx(ea)}` : "");
    } else {
      v.text = `NULL pointer dereference: the pointer is 0${from}; the access reads the field at offset ${hx(slice.u(field))}`;
    }
    return v;
  }

  // A small non-zero "pointer": NULL with tag bits (rb_node's parent|colour word, a tagged list
  // pointer) or an integer stored where a pointer was expected.
  if (root?.k === "root" && root.v !== undefined && root.v < NULL_LIMIT && roots.length === 1) {
    return {
      kind: "null-pointer",
      pointer: root.v,
      fieldOffset: slice.u(field),
      text:
        `the pointer is ${hx(root.v)} (${rootText(slice, root)}), a small value rather than an address: ` +
        `NULL plus a field offset added before this code (&p->field with p == NULL), a NULL pointer with tag bits, ` +
        `or an integer used as a pointer; the access is at offset ${hx(slice.u(field))} from it`,
    };
  }
  const ptr = root?.k === "root" ? root.v : undefined;
  const special = poisonVerdict(ptr, ea, arch);
  if (special) return special;
  return addressOnlyVerdict(arch, ea, crash, unknowns, ptr);
}

// Stack and frame pointers per ABI: a load through them reads a local, not a heap object's field.
const STACK_REGS = new Set(["rsp", "rbp", "esp", "ebp", "sp", "fp", "s8", "r1"]);

function rootText(slice: Slice, root: Extract<Term, { k: "root" }>): string {
  if (root.load) return `loaded by ${text(slice.insns[root.load.insn])} from ${memText(root.load.mem)}`;
  return `${root.text} as it entered the window`;
}

/** x86-64 double fault at an address just below the stack pointer: the stack overflowed. */
function stackDoubleFault(crash: Crash, a: bigint | undefined): boolean {
  const sp = crash.registers.rsp;
  if (crash.kind !== "double-fault" || a === undefined || sp === undefined) return false;
  return a < sp + 0x1000n && sp - a < 0x10000n;
}

function sumKnown(terms: Term[]): bigint | undefined {
  let s = 0n;
  for (const t of terms) {
    if (t.k === "const") s += t.v;
    else if (t.k === "root" && t.v !== undefined) s += t.v;
    else if (t.k === "scaled" && t.index !== undefined) s += t.index * t.stride;
    else if (t.k === "shadow" && t.v !== undefined) s += t.v;
    else return undefined;
  }
  return BigInt.asUintN(64, s);
}

// include/linux/poison.h: POISON_FREE 0x6b, POISON_INUSE 0x5a, POISON_END 0xa5; SLUB red zones 0xbb/0xcc
// (SLUB_RED_INACTIVE/ACTIVE); LIST_POISON1/2 = 0x100/0x122 + POISON_POINTER_DELTA (0xdead000000000000
// on 64-bit with CONFIG_ILLEGAL_POINTER_VALUE).
const BYTE_POISON: [number, string][] = [
  [0x6b, "freed slab object (POISON_FREE 0x6b): use after free"],
  [0x5a, "slab object poisoned on allocation (POISON_INUSE 0x5a): use of uninitialised memory"],
  [0xa5, "slab poison end marker (POISON_END 0xa5)"],
  [0xbb, "inactive SLUB red zone (0xbb)"],
  [0xcc, "active SLUB red zone (0xcc): out-of-bounds access"],
];

function repeatsByte(v: bigint, b: number): boolean {
  // At least the top 4 bytes repeat the poison byte (a field offset may change the low bytes).
  let n = 0;
  for (let i = 7; i >= 0; i--) {
    if (Number((v >> BigInt(i * 8)) & 0xffn) !== b) break;
    n++;
  }
  return n >= 4;
}

function poisonVerdict(ptr: bigint | undefined, ea: bigint | undefined, arch: ArchId): Verdict | undefined {
  for (const v of [ptr, ea]) {
    if (v === undefined) continue;
    for (const [b, what] of BYTE_POISON) {
      if (repeatsByte(v, b)) {
        return { kind: "slab-poison", pointer: v, text: `the pointer ${hx(v)} is slab poison: ${what}` };
      }
    }
    for (const [p, name] of [
      [0xdead000000000100n, "LIST_POISON1 (list_del'ed entry's next)"],
      [0xdead000000000122n, "LIST_POISON2 (list_del'ed entry's prev)"],
    ] as const) {
      const d = v - p;
      if (d >= 0n && d < 0x1000n) {
        const off = ea !== undefined && ea - p >= 0n && ea - p < 0x1000n ? ea - p : d;
        return {
          kind: "list-poison",
          pointer: p,
          fieldOffset: off,
          text: `${hx(p)} is ${name}; the access is at ${hx(p)} + ${hx(off)}: a list entry was used after list_del()`,
        };
      }
    }
    if (arch === "x86_64" && v >> 32n === 0xdead4eadn) {
      return {
        kind: "non-canonical",
        pointer: v,
        text: `${hx(v)} is non-canonical and starts with 0xdead4ead (SPINLOCK_MAGIC): memory holding a spinlock was used as a pointer, typically a use after free or a type confusion`,
      };
    }
  }
  return undefined;
}

function addressOnlyVerdict(
  arch: ArchId | undefined,
  a: bigint | undefined,
  crash: Crash,
  unknowns: string[],
  ptr?: bigint,
): Verdict {
  if (/stack guard page/i.test(crash.report) || crash.kind === "stack-overflow" || stackDoubleFault(crash, a)) {
    return {
      kind: "stack-guard",
      text: `the access${a !== undefined ? ` at ${hx(a)}` : ""} hit the stack guard page: the kernel stack overflowed (deep or unbounded recursion, or a large on-stack object)`,
      ...(a !== undefined ? { pointer: a } : {}),
    };
  }
  if (a === undefined) {
    unknowns.push("the faulting address is unknown (not printed and not recomputable)");
    return { kind: "unknown", text: "the data do not say which address faulted" };
  }
  const special = poisonVerdict(a, a, arch ?? "x86_64");
  if (special) return special;
  if (a < NULL_LIMIT) {
    unknowns.push("the base register's origin is unknown, so NULL + offset is inferred from the address alone");
    return {
      kind: "null-pointer",
      pointer: 0n,
      fieldOffset: a,
      text: `NULL pointer dereference (inferred from the address ${hx(a)}): a field at offset ${hx(a)} of a NULL pointer`,
    };
  }
  // MIPS64 xsseg (0x4000000000000000..0x7fffffffffffffff, MIPS64 Vol. III "Address Space") is the
  // supervisor segment, which Linux never maps: the CPU raises an address error there (AdEL/AdES,
  // printed as "Unhandled kernel unaligned access"), as x86 raises #GP for a non-canonical address.
  if (arch === "mips64" && a >> 62n === 1n) {
    return {
      kind: "non-canonical",
      pointer: ptr ?? a,
      text: `${hx(a)} is in MIPS64 xsseg (0x4000000000000000..0x7fffffffffffffff, the supervisor segment Linux never maps): a corrupted or uninitialised pointer`,
    };
  }
  if (arch === "x86_64") {
    const top = a >> 47n;
    if (top !== 0n && top !== 0x1ffffn) {
      return {
        kind: "non-canonical",
        pointer: ptr ?? a,
        text: `${hx(a)} is a non-canonical address (bits 63..47 differ): a corrupted or uninitialised pointer`,
      };
    }
  }
  const userTop = arch ? USER_TOP[arch] : undefined;
  const kernelBottom = arch ? KERNEL_BOTTOM[arch] : undefined;
  if (userTop !== undefined && kernelBottom !== undefined && a >= userTop && a < kernelBottom && arch) {
    return {
      kind: "non-canonical",
      pointer: ptr ?? a,
      text: `${hx(a)} is in neither user space (below ${hx(userTop)}) nor kernel space (from ${hx(kernelBottom)}) on ${arch}: a corrupted or uninitialised pointer`,
    };
  }
  if (userTop !== undefined && a < userTop) {
    return {
      kind: "user-address",
      pointer: a,
      text: `${hx(a)} is a user-space address touched from kernel mode without a user-access helper (or with SMAP/PAN blocking it)`,
    };
  }
  unknowns.push(
    `${hx(a)} looks like a kernel address; the data do not say why it was not mapped (freed, vmalloc hole, wrong object)`,
  );
  return {
    kind: "unknown",
    pointer: ptr ?? a,
    text: `the access at ${hx(a)} faulted; the address is a plausible kernel address and the oops alone does not say why it was invalid`,
  };
}

const LOCKUP_KINDS = new Set<Crash["kind"]>(["soft-lockup", "hard-lockup", "rcu-stall"]);

/**
 * The loop around the marked instruction, as [first, jump] indices, when it has no exit: the first
 * transfer at or after the mark is an unconditional jump back to or before the mark, and nothing
 * between its target and the mark transfers control either. Branch targets are in the decoder's
 * address space: absolute when the window was placed at the pc, window offsets otherwise.
 */
function spinLoop(sem: Semantics, insns: Instruction[]): [number, number] | undefined {
  const f = insns.findIndex((i) => i.faulting);
  if (f < 0) return undefined;
  const at = (i: Instruction) => i.address ?? BigInt(i.offset);
  for (let j = f; j < insns.length && j <= f + 16; j++) {
    const e = sem.effect(insns[j] as Instruction);
    if (!e.control) continue;
    if (e.control !== "jump") return undefined;
    const op = insns[j]?.operands.at(-1);
    if (op?.kind !== "imm") return undefined;
    const t = insns.findIndex((i) => at(i) === op.value);
    if (t < 0 || t > f) return undefined;
    for (let k = t; k < f; k++) if (sem.effect(insns[k] as Instruction).control) return undefined;
    return [t, j];
  }
  return undefined;
}

const SOFTWARE_KINDS = new Set<Crash["kind"]>([
  "kasan",
  "kfence",
  "kmsan",
  "ubsan",
  "kcsan",
  "lockdep",
  "soft-lockup",
  "hard-lockup",
  "rcu-stall",
  "hung-task",
]);

const TRAP_MNEMONICS = new Set([
  "ud2",
  "ud1",
  "ud0",
  "brk",
  "break",
  "tw",
  "twi",
  "td",
  "tdi",
  "trap",
  "ebreak",
  "c.ebreak",
  "udf",
  "int3",
]);
function isTrapMnemonic(m: string): boolean {
  return TRAP_MNEMONICS.has(m.toLowerCase());
}

// CONFIG_DEBUG_LIST: __list_del_entry_valid() reports an entry whose next/prev still hold
// LIST_POISON1/2 (include/linux/poison.h: 0x100/0x122 + POISON_POINTER_DELTA) before it BUG()s — the
// entry was already deleted; the trap is only the messenger.
export const LIST_POISON_REPORT =
  /list_(?:del|add) corruption[,.] ([0-9a-f]+)->(next|prev) is LIST_POISON([12]) \(([0-9a-f]+)\)/;

function trapVerdict(crash: Crash, insn: Instruction): Verdict {
  const lp = LIST_POISON_REPORT.exec(crash.report);
  if (lp) {
    return {
      kind: "list-poison",
      pointer: BigInt(`0x${lp[4]}`),
      text: `the list entry at 0x${lp[1]} has ${lp[2]} = LIST_POISON${lp[3]} (0x${lp[4]}): it was already removed with list_del() and is removed or used again (a double list_del, or use after removal); ${text(insn)} is CONFIG_DEBUG_LIST's BUG() reporting it`,
    };
  }
  const kind = crash.kind === "warning" ? "WARN()" : crash.kind === "bug" ? "BUG()" : "BUG()/WARN()";
  return {
    kind: "trap",
    text: `the faulting instruction is the deliberate trap ${text(insn)}: this is ${kind} (the kernel asserting a condition), not a bad memory access`,
  };
}

function divideVerdict(insn: Instruction, divisor: bigint | undefined): Verdict {
  if (divisor === 0n) {
    return {
      kind: "divide-by-zero",
      text: `${text(insn)} divided by a divisor of 0: a division (or modulo) by zero`,
    };
  }
  if (divisor !== undefined) {
    return {
      kind: "divide-overflow",
      text: `${text(insn)} raised a divide error with divisor ${hx(divisor)}, which is not 0: the quotient does not fit the destination register (a signed minimum divided by -1, or a dividend too large for the divisor)`,
    };
  }
  return {
    kind: "unknown",
    text: `${text(insn)} raised a divide error: the divisor was 0 or the quotient overflowed; its value is not in the dump`,
  };
}

function badJump(a: bigint): Verdict {
  return {
    kind: "bad-jump",
    pointer: a,
    text:
      a < NULL_LIMIT
        ? `instruction fetch from ${hx(a)}: a call or jump through a NULL function pointer${a ? ` (or a pointer read from offset ${hx(a)} of a NULL object)` : ""}`
        : `instruction fetch from ${hx(a)} faulted: a call or jump through a corrupted function pointer or return address, or execution of memory that is not (or no longer) executable, such as freed module text`,
  };
}
