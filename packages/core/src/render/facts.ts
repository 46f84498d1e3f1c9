/**
 * What every renderer says about a crash, computed once: the fault line, where it happened, the
 * registers that matter, the call trace grouped by stack context, the modules with their taint
 * explained, and the decoded `Code:` window as objdump-style rows with register values inline. The
 * terminal and Markdown renderers only lay these facts out; they never re-derive them.
 */

import type { CrashAnalysis, FrameSource } from "../analysis/types.js";
import { ARCHES } from "../arch/table.js";
import { fullRegister } from "../disasm/capstone.js";
import type { Instruction } from "../disasm/types.js";
import type { Crash, Frame, Location, StackContext } from "../oops/model.js";
import { hex } from "../types.js";

/** `sym+0x1/0x2 [mod]`, or the bare address when no symbol was printed. */
export function fmtLocation(l: Location | undefined): string {
  if (!l) return "?";
  if (l.symbol === undefined) return l.address === undefined ? "?" : hex(l.address);
  let s = l.symbol;
  if (l.offset !== undefined) s += `+${hex(l.offset)}`;
  if (l.size !== undefined) s += `/${hex(l.size)}`;
  if (l.module !== undefined) s += ` [${l.module}]`;
  return s;
}

/** Human name of the machine: `MIPS64 big-endian (Cavium Octeon II)`. */
export function machine(c: Crash): string | undefined {
  if (!c.arch) return undefined;
  let s = ARCHES[c.arch].name;
  if (c.endian && c.endian !== ARCHES[c.arch].defaultEndian) s += ` ${c.endian}-endian`;
  else if (c.endian === "big") s += " big-endian";
  if (c.cpuModel) s += ` (${c.cpuModel})`;
  return s;
}

/** The link register's name for the crash's architecture (`ra` on MIPS and RISC-V). */
export function linkName(c: Crash): string {
  return (c.arch && ARCHES[c.arch].link) || "lr";
}

export interface RegisterFact {
  name: string;
  value: bigint;
  /** Why it matters: "base of the faulting access", "read by the faulting instruction", … */
  why: string;
}

/**
 * The registers worth a kernel engineer's first look: the faulting access's base and index, the
 * registers the explanation's slice went through, then those the faulting instruction reads. When
 * nothing was decoded, every register whose value looks like a NULL-ish pointer (below 0x10000).
 */
export function registersThatMatter(ca: CrashAnalysis): RegisterFact[] {
  const regs = ca.crash.registers;
  const out: RegisterFact[] = [];
  const seen = new Set<string>();
  const add = (reg: string | undefined, why: string) => {
    const name = reg && regs[reg] === undefined && ca.crash.arch ? fullRegister(ca.crash.arch, reg) : reg;
    if (!name || seen.has(name)) return;
    const v = regs[name];
    if (v === undefined) return;
    seen.add(name);
    out.push({ name, value: v, why });
  };
  const a = ca.explanation?.access;
  add(a?.base, "base of the faulting access");
  add(a?.index, "index of the faulting access");
  const steps = ca.explanation?.steps ?? [];
  for (const s of steps) add(s.register, `set by ${s.text}`);
  // What the slice's instructions read: the object a pointer was loaded from, a multiplier, …
  for (const s of steps) {
    const insn = ca.instructions[s.instruction];
    if (!insn) continue;
    for (const o of insn.operands) {
      if (o.kind === "mem") {
        add(o.mem.base, `address base of ${s.text}`);
        add(o.mem.index, `address index of ${s.text}`);
      } else if (o.kind === "reg" && o.access !== "w") add(o.reg, `read by ${s.text}`);
    }
    for (const r of insn.regsRead) add(r, `read by ${s.text}`);
  }
  const f = ca.instructions.find((i) => i.faulting);
  if (f) {
    for (const r of f.regsRead) add(r, "read by the faulting instruction");
    for (const o of f.operands) {
      if (o.kind === "mem") {
        add(o.mem.base, "base of the faulting access");
        add(o.mem.index, "index of the faulting access");
      } else if (o.kind === "reg") add(o.reg, "operand of the faulting instruction");
    }
  }
  if (out.length === 0 && ca.instructions.length === 0) {
    const arch = ca.crash.arch ? ARCHES[ca.crash.arch] : undefined;
    for (const [name, v] of Object.entries(regs)) {
      if (name === arch?.zero || name === "zero") continue;
      if (
        v < 0x10000n &&
        /^[a-z]/.test(name) &&
        !/^(hi|lo|status|cause|prid|eflags|pstate|psr|msr|cr0|cr3|cr4|ccr|xer|ctr)$/.test(name)
      )
        add(name, "small value: a NULL-based pointer?");
    }
  }
  return out;
}

export interface FrameGroup {
  context: StackContext;
  frames: { index: number; frame: Frame }[];
}

/** Consecutive frames on the same stack, in print order (innermost first). */
export function groupFrames(frames: Frame[]): FrameGroup[] {
  const groups: FrameGroup[] = [];
  frames.forEach((frame, index) => {
    const last = groups[groups.length - 1];
    if (last && last.context === frame.context) last.frames.push({ index, frame });
    else groups.push({ context: frame.context, frames: [{ index, frame }] });
  });
  return groups;
}

export const CONTEXT_NAMES: Record<StackContext, string> = {
  task: "task context",
  irq: "hard interrupt (IRQ) stack",
  softirq: "softirq",
  nmi: "NMI",
  exception: "exception stack",
  unknown: "stack context not marked",
};

/**
 * Per-module taint flags as `Modules linked in:` prints them, from the kernel's module_flags()
 * (kernel/module/main.c): P proprietary licence, O out-of-tree, E unsigned, C staging, F force-loaded,
 * K live patch, X externally supported (SUSE), + being loaded, - being unloaded.
 */
const MODULE_FLAGS: Record<string, string> = {
  P: "proprietary (non-GPL) licence",
  O: "out-of-tree build",
  E: "unsigned",
  C: "staging driver",
  F: "force-loaded",
  K: "live patch",
  X: "externally supported",
  N: "no support",
  T: "built from a randomised struct layout",
  "+": "being loaded",
  "-": "being unloaded",
};

export function moduleTaintMeaning(taint: string): string[] {
  return [...taint].filter((ch) => ch !== "(" && ch !== ")").map((ch) => MODULE_FLAGS[ch] ?? `flag ${ch}`);
}

export interface CodeRow {
  /** Address when the pc is known, else the window offset, in hex without 0x. */
  where: string;
  /** `<sym+0x…>` relative to the faulting pc's symbol, when printed. */
  symbolic?: string;
  bytes: string;
  mnemonic: string;
  opStr: string;
  faulting: boolean;
  /** `reg=value` for the registers the instruction touches, as dumped at the fault. */
  values: string[];
  /** true for instructions after the faulting one (never executed; values not shown). */
  after: boolean;
}

function hexBytesCompact(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += x.toString(16).padStart(2, "0");
  return s;
}

/**
 * An instruction's bytes as the kernel's `Code:` line and objdump print them: byte by byte where code
 * is a byte stream (x86, s390x), but as words of the code unit for fixed-width ISAs (`4a422021` for an
 * arm64 or MIPS word, `f8d3 3000` for a 32-bit Thumb-2 instruction), read in the byte order the
 * parser used to turn the printed words into memory bytes — so a row shows the very word the oops
 * printed, whatever the memory order.
 */
function instructionHex(b: Uint8Array, unit: number, endian: "little" | "big" | undefined): string {
  if (unit <= 1 || b.length % unit !== 0) return hexBytesCompact(b);
  const words: string[] = [];
  for (let i = 0; i < b.length; i += unit) {
    const w = b.subarray(i, i + unit);
    words.push(hexBytesCompact(endian === "little" ? w.slice().reverse() : w));
  }
  return words.join(" ");
}

/** Registers an instruction touches, in operand order, without duplicates. */
function touched(i: Instruction): string[] {
  const out: string[] = [];
  const push = (r: string | undefined) => {
    if (r && !out.includes(r)) out.push(r);
  };
  for (const o of i.operands) {
    if (o.kind === "reg") push(o.reg);
    else if (o.kind === "mem") {
      push(o.mem.base);
      push(o.mem.index);
    }
  }
  for (const r of i.regsWritten) push(r);
  for (const r of i.regsRead) push(r);
  return out;
}

/** The decoded window as objdump-style rows. */
export function codeRows(ca: CrashAnalysis): CodeRow[] {
  const c = ca.crash;
  const fault = ca.instructions.find((i) => i.faulting);
  const faultOffset = fault?.offset ?? c.code?.faultIndex;
  let seenFault = false;
  return ca.instructions.map((i) => {
    const row: CodeRow = {
      where: i.address !== undefined ? i.address.toString(16) : i.offset.toString(16),
      bytes: instructionHex(i.bytes, c.code?.unitSize ?? 1, c.endian),
      mnemonic: i.mnemonic,
      opStr: i.opStr,
      faulting: i.faulting,
      values: [],
      after: seenFault,
    };
    if (i.faulting) seenFault = true;
    if (c.pc?.symbol !== undefined && c.pc.offset !== undefined && faultOffset !== undefined) {
      const off = c.pc.offset + BigInt(i.offset - faultOffset);
      if (off >= 0n) row.symbolic = `<${c.pc.symbol}+${hex(off)}>`;
    }
    if (!row.after) {
      for (const r of touched(i)) {
        // Sub-registers (`eax`, `w1`) show the full register's dumped value under its own name.
        const name = c.registers[r] !== undefined || !c.arch ? r : fullRegister(c.arch, r);
        const v = c.registers[name];
        const item = `${name}=${v === undefined ? "" : hex(v)}`;
        if (v !== undefined && !row.values.includes(item)) row.values.push(item);
      }
    }
    return row;
  });
}

/** One line saying what crashed and where, for summaries. */
export function headline(ca: CrashAnalysis): string {
  const c = ca.crash;
  return c.signature.title || c.kind;
}

/** The fault in words: kind and address. */
export function faultText(c: Crash): string {
  const parts: string[] = [c.kind];
  if (c.fault.address !== undefined) parts.push(`at address ${hex(c.fault.address)}`);
  if (c.fault.access) parts.push(`(${c.fault.access})`);
  return parts.join(" ");
}

/** `swapper (pid 0)`, `syz-executor (pid 1234)`. */
export function taskText(c: Crash): string | undefined {
  if (c.comm === undefined && c.pid === undefined) return undefined;
  const parts: string[] = [];
  if (c.comm !== undefined) parts.push(c.comm);
  if (c.pid !== undefined) parts.push(`(pid ${c.pid})`);
  if (c.cpu !== undefined) parts.push(`on CPU ${c.cpu}`);
  return parts.join(" ");
}

/** The faulting access as `[s1 + 0x18]`-style text. */
export function accessOperand(a: { base?: string; index?: string; scale: number; disp: bigint }): string {
  const parts: string[] = [];
  if (a.base) parts.push(a.base);
  if (a.index) parts.push(`${a.index}${a.scale !== 1 ? `*${a.scale}` : ""}`);
  if (a.disp !== 0n || parts.length === 0) parts.push(hex(a.disp));
  return `[${parts.join(" + ")}]`;
}

/** `rlb_update_entry_from_arp at drivers/net/bonding/bond_alb.c:336:7`. */
export function sourceText(s: FrameSource): string {
  const where = s.file ? `${s.file}:${s.line ?? 0}${s.column ? `:${s.column}` : ""}` : "??";
  return `${s.function ?? "??"} at ${where}`;
}
