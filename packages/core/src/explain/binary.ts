/**
 * Explaining a fault with the binary in hand: a crash, its `Code:` explanation and the object file the
 * faulting function lives in (vmlinux or a `.ko`, ELF + DWARF) turn into a `BinaryExplanation`:
 *
 * - the `Code:` bytes cross-checked against the function's bytes in the object (words a relocation
 *   patches at module load are compared outside the relocated field only, and counted);
 * - the whole faulting function disassembled, cut into basic blocks, and the registers of the slice
 *   followed backwards across blocks: at a join every reaching definition is kept, and said;
 * - every slice step named from DWARF at its pc: the variable or parameter the location list places in
 *   the register, its type, the member path of a load's displacement (`bond->alb_info.rx_hashtbl`),
 *   its source line (and text, when the caller can read the source tree) and inline chain;
 * - a verdict in those names: which pointer is NULL, the element type and size behind index × stride,
 *   the member read at the fault.
 *
 * Pure: the object is read through the symbolizer's `ByteSource`; source text comes from a callback.
 */

import { initDisassembler } from "../disasm/capstone.js";
import { disassembleCode } from "../disasm/code.js";
import { disasmTarget } from "../disasm/crash.js";
import type { DisasmTarget, Instruction, Operand } from "../disasm/types.js";
import { EM_MIPS, ET_REL } from "../elf/constants.js";
import { ElfDebugSections } from "../elf/debug-sections.js";
import type { ElfFile, ElfSection } from "../elf/file.js";
import { parseRelocations, relocationSectionsFor } from "../elf/relocs.js";
import type { Crash } from "../oops/model.js";
import type { DwarfSymbolizer, SymbolInfo } from "../symbolize/symbolizer.js";
import type { SourceFrame } from "../symbolize/types.js";
import { explainCrash } from "./explain.js";
import { ftracePreserves } from "./ftrace.js";
import { type GlobalContext, type GlobalName, GlobalNamer, memoryVariable } from "./globals.js";
import { semanticsFor } from "./semantics/index.js";
import type { Effect, Semantics } from "./semantics/types.js";
import { effectReads, exprReads } from "./semantics/types.js";
import { hx, text } from "./slice.js";
import type { Explanation, Step } from "./types.js";

/** Where a step's instruction is in the source. */
export interface StepSource {
  file: string;
  line: number;
  /** The source line's text, when the caller could read it (`--src`). */
  text?: string;
  /** Innermost first: the function the line is in, then the functions it is inlined into. */
  inlineChain: string[];
}

/** Names DWARF gives one slice step. */
export interface NamedStep {
  /** Index into `Explanation.steps`. */
  step: number;
  /** The variable or parameter DWARF places in the step's register just after it (`client_info`). */
  variable?: string;
  /** Its type as C spells it (`struct rlb_client_info *`). */
  type?: string;
  /** For a load: the C expression of the value loaded (`bond->alb_info.rx_hashtbl`, `lab_ports[dev->ifindex % 64]`). */
  member?: string;
  /** For a load of a global's array element: the element type, size, the array's bound and the index. */
  element?: GlobalName["element"];
  /** How that index was established when no register gave it. */
  indexHow?: string;
  /** For an index past the array's bound: what the load really read. */
  overrun?: string;
  source?: StepSource;
}

/** The `Code:` window against the function's bytes in the object. */
export interface CodeCheck {
  /**
   * `match`: every compared byte agrees; `patched`: the differences are all known run-time patches
   * of the same binary (each says which in `known`); `mismatch`: some differ otherwise (wrong binary,
   * or a patch not recognised); `unchecked`: none could be compared.
   */
  result: "match" | "patched" | "mismatch" | "unchecked";
  /** Bytes compared, bytes skipped because a relocation patches them at load, bytes outside the function. */
  compared: number;
  relocated: number;
  outside: number;
  /** Offsets (from the function start) of the differing units, with both contents. */
  mismatches: { offset: number; oops: string; binary: string; known?: string }[];
  text: string;
}

export interface BasicBlock {
  /** Byte offsets from the function start: first instruction, and one past the last. */
  start: number;
  end: number;
  successors: number[];
}

/** Definitions of a register reaching a use, found across blocks. */
export interface ReachingDefs {
  register: string;
  /** Offset (from the function start) of the instruction that reads it. */
  use: number;
  /** Each reaching definition: the writing instruction, or `entry` (the value the function was called with). */
  definitions: { offset?: number; text: string }[];
  /** More than one definition reaches: a join; all are kept. */
  join: boolean;
}

export interface FunctionAnalysis {
  name: string;
  size: number;
  /** Offset of the faulting instruction from the function start. */
  faultOffset: number;
  instructions: number;
  blocks: BasicBlock[];
  /** Index of the block holding the fault. */
  faultBlock: number;
  reaching: ReachingDefs[];
}

/** The verdict in source names. */
export interface NamedVerdict {
  text: string;
  /** The NULL or bad pointer as a C expression (`bond->alb_info.rx_hashtbl`) and its type. */
  pointer?: string;
  pointerType?: string;
  /** Element type and size of index × stride, and the index. */
  elementType?: string;
  elementSize?: number;
  index?: bigint;
  /** The member read or written at the fault (`client_info->assigned`) and its offset in the element. */
  member?: string;
  memberOffset?: number;
  /** file:line and inline chain of the faulting instruction. */
  source?: StepSource;
}

export interface BinaryExplanation {
  /** The object's function the fault is in (`rlb_arp_recv`). */
  function: string;
  codeCheck?: CodeCheck;
  analysis?: FunctionAnalysis;
  /**
   * The whole function decoded (offsets from its start) and the explanation re-run over it, when the
   * object's bytes agree with the Code: window; `steps` index this explanation's steps then, else
   * the Code: window's.
   */
  instructions?: Instruction[];
  explanation?: Explanation;
  steps: NamedStep[];
  verdict?: NamedVerdict;
  notes: string[];
}

export interface BinaryOptions {
  /** The text of `line` in `file` as DWARF names it, when the caller has the source tree. */
  sourceLine?: (file: string, line: number) => string | undefined;
}

/** The function's bytes and where they sit. */
export interface FunctionBytes {
  sym: SymbolInfo;
  bytes: Uint8Array;
  /** Byte ranges (from the function start) a relocation patches at load, with the mask of bits it leaves alone. */
  relocated: { offset: number; length: number; keep: number }[];
}

/** Explain a crash's fault in the names of the object's DWARF; undefined when the pc names no symbol. */
export async function explainWithBinary(
  printed: Crash,
  codeWindow: readonly Instruction[],
  codeExplanation: Explanation | undefined,
  symbolizer: DwarfSymbolizer,
  options: BinaryOptions = {},
): Promise<BinaryExplanation | undefined> {
  const pc = printed.pc;
  if (!pc?.symbol || pc.offset === undefined) return undefined;
  const fn = pc.symbol;
  const off = Number(pc.offset);
  const out: BinaryExplanation = { function: fn, steps: [], notes: [] };
  const crash = inObjectByteOrder(printed, symbolizer);
  if (crash !== printed) {
    out.notes.push(
      `the oops does not say the CPU's byte order: the Code: words are taken as ${crash.endian}-endian, the object's (ELF header)`,
    );
    // The object settled it: the crash says so from here on (renderers, JSON), its window in that order.
    printed.endian = crash.endian;
    printed.endianEvidence = crash.endianEvidence;
    if (crash.code) printed.code = crash.code;
  }
  let window = codeWindow;
  let explanation = codeExplanation;
  const q = { symbol: fn, ...(pc.size !== undefined ? { size: pc.size } : {}) };
  // DWARF pc of an offset into the function.
  const dwarfPc = async (o: number) => (await symbolizer.resolve({ ...q, offset: BigInt(o) })).pc;

  const fb = await functionBytes(symbolizer, fn, pc.size);
  if (fb && crash.code && crash.code.faultIndex !== undefined) {
    out.codeCheck = checkCode(
      crash.code.bytes,
      crash.code.faultIndex,
      off,
      fb,
      crash.endian === "big",
      crash.arch === "x86_64" || crash.arch === "i386" ? 1 : 4,
    );
  }
  // The window's instructions, as offsets from the function start.
  const winOff = (i: number) => {
    const ins = window[i];
    if (!ins) return undefined;
    const f = window.find((w) => w.faulting);
    return f ? off + (ins.offset - f.offset) : undefined;
  };

  const sem = crash.arch ? semanticsFor(crash.arch) : undefined;
  if (fb && sem) {
    // Without a Code: window (a MIPS soft-lockup dump prints none) the object alone says how to decode.
    const target = disasmTarget(crash) ?? objectTarget(crash, symbolizer);
    if (target && off < fb.bytes.length) {
      await initDisassembler();
      // Where the Code: window covers the function and agrees with it (up to relocations and known
      // run-time patches), its bytes are what ran: they replace the object's (a NOP for the ftrace
      // call, the relocated immediates).
      const bytes = fb.bytes.slice();
      const cc = out.codeCheck;
      const code = crash.code;
      let ran: [number, number] = [0, 0];
      if (code?.faultIndex !== undefined && (cc?.result === "match" || cc?.result === "patched")) {
        const base = off - code.faultIndex;
        ran = [base, base + code.bytes.length];
        for (let i = 0; i < code.bytes.length; i++) {
          if (base + i >= 0 && base + i < bytes.length) bytes[base + i] = code.bytes[i] as number;
        }
      }
      const all = disassembleCode(target, { bytes, faultIndex: off }, pc.address);
      out.analysis = analyseFunction(fn, all, sem, off);
      // The slice with values, run over the whole function: it reaches back to the start of the
      // fault's basic block, past the Code: window's first byte. The dump still holds the values at
      // the fault, so the same soundness rules apply. An immediate a relocation fills in at module
      // load (`lui v1, %hi(sym)`, `adrp`, `add :lo12:`) is not in the object's bytes outside the
      // window: the slice gets no immediate there, so it claims no value for it.
      const relocated = fb.relocated.length && !(crash.arch === "x86_64" || crash.arch === "i386");
      const patched = new Set<number>();
      const forSlice = all.map((ins, i) => {
        const [a, b] = [ins.offset, ins.offset + ins.bytes.length];
        const inObject = a < ran[0] || b > ran[1];
        const hit = relocated && inObject && fb.relocated.some((r) => r.offset < b && a < r.offset + r.length);
        if (!hit || sem.effect(ins).control || !ins.operands.some((o) => o.kind === "imm")) return ins;
        patched.add(i);
        // A register no table knows in place of the immediate: the rule does not apply, and the
        // instruction's registers are written with unknown values.
        return {
          ...ins,
          operands: ins.operands.map((o): Operand => (o.kind === "imm" ? { kind: "reg", reg: "relocated" } : o)),
        };
      });
      const whole = explainCrash(crash, forSlice);
      for (const st of whole.steps) {
        const ins = all[st.instruction];
        if (!ins || !patched.has(st.instruction)) continue;
        st.meaning = st.meaning.replaceAll(
          `${ins.mnemonic} is not modelled`,
          "its immediate is filled in by a relocation when the module is loaded, so the object does not hold it",
        );
      }
      // The slice reads only instructions before the fault: differences after it do not matter to it.
      const after = out.codeCheck?.mismatches.every((m) => m.offset > off || m.known !== undefined) ?? true;
      if (out.codeCheck?.result === "mismatch" && after) {
        out.notes.push(
          "the unexplained Code: differences lie after the faulting instruction; the slice, which reads only instructions before it, uses the object's bytes",
        );
      }
      if (out.codeCheck?.result !== "mismatch" || after) {
        out.instructions = all;
        out.explanation = whole;
        window = all;
        explanation = whole;
      } else {
        out.notes.push("the Code: bytes differ from the object's: the slice stays on the Code: window");
      }
    }
  }

  // The faulting instruction itself differs (and not by a known patch): this object is not what ran
  // there, so its DWARF names would describe other code. Say so and name nothing.
  const atFault = out.codeCheck?.mismatches.find(
    (m) => m.known === undefined && m.offset <= off && off < m.offset + m.oops.length / 2,
  );
  if (atFault) {
    out.notes.push(
      "the faulting instruction's bytes differ from the object's: its DWARF would describe other code, so nothing is named",
    );
    return out;
  }

  // Name each step.
  const steps = explanation?.steps ?? [];
  const globals = fb && sem ? await GlobalNamer.open(symbolizer, fb.sym) : undefined;
  const gctx: GlobalContext | undefined =
    globals && sem
      ? {
          insns: window,
          effects: window.map((i) => sem.effect(i)),
          sem,
          faultIndex: window.findIndex((w) => w.faulting),
          registers: crash.registers,
          offsetOf: winOff,
          blockStart: (i) => {
            const o = winOff(i);
            const b = o === undefined ? undefined : out.analysis?.blocks.find((x) => x.start <= o && o < x.end);
            let j = i;
            while (j > 0 && b && (winOff(j - 1) ?? -1) >= b.start) j--;
            return b ? j : i;
          },
          variable: async (reg, o) => {
            const v = await variableIn(symbolizer, await dwarfPc(o), reg);
            return v?.exact ? v.name : undefined;
          },
          member: async (reg, disp, o) => (await memberExpr(symbolizer, await dwarfPc(o), reg, disp))?.expr,
        }
      : undefined;
  for (const [k, s] of steps.entries()) {
    const o = winOff(s.instruction);
    if (o === undefined) continue;
    const named: NamedStep = { step: k };
    const at = await dwarfPc(o);
    named.source = await sourceAt(symbolizer, at, options);
    const insn = window[s.instruction];
    const fx = insn && sem ? sem.effect(insn) : undefined;
    const unit = insnUnit(window, s.instruction);
    // Only a variable whose location there is exactly the register: one computed from it (`v1 & 0xff`)
    // is not the register's value.
    const v = await variableIn(symbolizer, await dwarfPc(o + unit), s.register);
    if (v?.exact) {
      named.variable = v.name;
      named.type = v.type;
    }
    if (fx?.mem && fx.mem.op === "load" && fx.mem.mem.base && !fx.mem.mem.index) {
      const m = await memberExpr(symbolizer, at, fx.mem.mem.base, fx.mem.mem.disp);
      if (m) {
        named.member = m.expr;
        if (!named.type) named.type = m.type;
      }
    }
    // A global's address built in the step's register from relocations (adrp/add, lui/daddiu).
    if (globals && gctx && explanation === out.explanation) {
      const addr = await globals.addressAfter(gctx, s.register, s.instruction);
      if (addr) s.meaning += `; it is \`${addr.expr}\` (${addr.place} in the object)`;
    }
    // A load through a displacement the object resolves to a global (relocated, or rip-relative).
    if (!named.member && globals && gctx && fx?.mem && fx.mem.op === "load") {
      const g = await globals.name(gctx, s.instruction, fx.mem.mem, fx.mem.size ?? 8, s.value);
      if (g) {
        named.member = g.expr;
        if (!named.type) named.type = g.type;
        if (g.element) named.element = g.element;
        if (g.indexHow) named.indexHow = g.indexHow;
        if (g.overrun) named.overrun = g.overrun;
        if (!named.variable && g.element) {
          // The loaded value is the variable whose memory DWARF places at the load's own address.
          const mv =
            g.variable ?? memoryVariable(await symbolizer.variablesAt(at).catch(() => []), fx.mem.mem, g.address);
          if (mv) {
            named.variable = mv.name;
            named.type = mv.type;
          }
        }
        if (explanation === out.explanation) {
          const insn = window[s.instruction] as Instruction;
          const next = o + insn.bytes.length;
          const reads = `it reads \`${g.expr}\` (${g.place} in the object)`;
          const unknownRip = "; the input rip is unknown (overwritten later and not recoverable)";
          s.meaning = s.meaning.includes(unknownRip)
            ? s.meaning.replace(
                unknownRip,
                `; rip is the next instruction's address, ${fn}+${hx(BigInt(next))}: ${reads}`,
              )
            : `${s.meaning}; ${reads}`;
          if (g.indexHow) s.meaning += `; ${g.indexHow}`;
        }
      }
    }
    out.steps.push(named);
  }

  const faultPc = await dwarfPc(off);
  const verdict = await nameVerdict(crash, symbolizer, explanation, window, out.steps, faultPc, sem, options);
  if (verdict) out.verdict = verdict;
  return out;
}

/**
 * A MIPS oops prints its `Code:` words as numbers and nothing else that tells the CPU's byte order,
 * so a mips64el crash parses as MIPS's default, big-endian (`endianEvidence` "default"). The object
 * that ran says it (ELF e_ident[EI_DATA]): such a crash is read again in the object's order, its
 * window's words laid out in that order in memory. A crash whose text shows its order is kept.
 */
function inObjectByteOrder(crash: Crash, symbolizer: DwarfSymbolizer): Crash {
  const ds = symbolizer.sections;
  if (!(ds instanceof ElfDebugSections) || crash.endianEvidence !== "default") return crash;
  const endian = ds.littleEndian ? "little" : "big";
  const code = crash.code;
  if (crash.endian === endian || !code || code.unitSize === 1) return crash;
  const bytes = code.bytes.slice();
  for (let i = 0; i + code.unitSize <= bytes.length; i += code.unitSize) bytes.subarray(i, i + code.unitSize).reverse();
  return { ...crash, endian, endianEvidence: "the object's ELF header", code: { ...code, bytes } };
}

/** The disassembler target read from the object (its ELF byte order), for a crash without a Code: window. */
function objectTarget(crash: Crash, symbolizer: DwarfSymbolizer): DisasmTarget | undefined {
  const ds = symbolizer.sections;
  if (!crash.arch || crash.code || !(ds instanceof ElfDebugSections)) return undefined;
  const t: DisasmTarget = { arch: crash.arch, endian: ds.littleEndian ? "little" : "big" };
  if (crash.arch.startsWith("mips") && /octeon/i.test(crash.cpuModel ?? "")) t.octeon = true;
  return t;
}

/** The function's bytes from its section, with the ranges a relocation patches (relocatable objects). */
export async function functionBytes(
  symbolizer: DwarfSymbolizer,
  name: string,
  size: bigint | undefined,
): Promise<FunctionBytes | undefined> {
  const ds = symbolizer.sections;
  if (!(ds instanceof ElfDebugSections)) return undefined;
  const elf: ElfFile = ds.elf;
  const cands = (await symbolizer.symbols())?.byName(name) ?? [];
  const sym = (size !== undefined ? cands.find((c) => c.size === size) : undefined) ?? cands[0];
  if (!sym || sym.size === 0n) return undefined;
  let sec: ElfSection | undefined;
  let start: number;
  if (sym.section !== undefined) {
    sec = elf.section(sym.section);
    start = Number(sym.address);
  } else {
    sec = elf.sections.find((s) => s.addr <= sym.address && sym.address < s.addr + BigInt(s.size) && s.type !== 8);
    start = sec ? Number(sym.address - sec.addr) : 0;
  }
  if (!sec) return undefined;
  const len = Number(sym.size);
  const bytes = await elf.sectionDataRange(sec, start, len);
  const relocated: FunctionBytes["relocated"] = [];
  if (elf.type === ET_REL) {
    for (const rs of relocationSectionsFor(elf, sec)) {
      for (const r of parseRelocations(elf, await elf.sectionData(rs), rs)) {
        const o = Number(r.offset) - start;
        if (o < 0 || o >= len) continue;
        relocated.push({ offset: o, length: 4, keep: keepMask(elf, r.types[0] ?? 0) });
      }
    }
  }
  return { sym, bytes, relocated };
}

/**
 * Bits of a 32-bit instruction word a relocation leaves alone (MIPS psABI "Relocation Types"): the
 * 16-bit immediate types (HI16, LO16, GPREL16, GOT16, PC16, CALL16, HIGHER, HIGHEST) patch the low
 * half, R_MIPS_26 the low 26 bits. Other machines: the whole field is taken as patched (mask 0).
 */
function keepMask(elf: ElfFile, type: number): number {
  if (elf.machine !== EM_MIPS) return 0;
  if (type === 4) return 0xfc000000;
  if ([5, 6, 7, 9, 10, 11, 28, 29].includes(type)) return 0xffff0000;
  return 0;
}

function hexOf(b: Uint8Array): string {
  return [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
}

/** Compare the window with the object's bytes, 4-byte unit by unit (bytes for other widths). */
export function checkCode(
  win: Uint8Array,
  faultIndex: number,
  off: number,
  fb: FunctionBytes,
  bigEndian: boolean,
  unit: number,
): CodeCheck {
  const base = off - faultIndex;
  let compared = 0;
  let relocated = 0;
  let outside = 0;
  const mismatches: CodeCheck["mismatches"] = [];
  for (let i = 0; i < win.length; i += unit) {
    const o = base + i;
    const n = Math.min(unit, win.length - i);
    if (o < 0 || o + n > fb.bytes.length) {
      outside += n;
      continue;
    }
    const a = win.subarray(i, i + n);
    const b = fb.bytes.subarray(o, o + n);
    const rel = fb.relocated.find((r) => o < r.offset + r.length && r.offset < o + n);
    let same: boolean;
    if (rel && (n !== 4 || rel.keep === 0)) {
      // The whole relocated field differs legitimately: not compared.
      same = true;
      relocated += n;
    } else if (rel) {
      const word = (x: Uint8Array) =>
        bigEndian
          ? ((x[0] as number) << 24) | ((x[1] as number) << 16) | ((x[2] as number) << 8) | (x[3] as number)
          : ((x[3] as number) << 24) | ((x[2] as number) << 16) | ((x[1] as number) << 8) | (x[0] as number);
      same = ((word(a) ^ word(b)) & rel.keep) === 0;
      relocated += n;
    } else {
      same = a.every((x, k) => x === b[k]);
      compared += n;
    }
    if (!same) {
      // Adjacent differing bytes (x86 compares byte by byte) make one entry.
      const last = mismatches[mismatches.length - 1];
      if (last && last.offset + last.oops.length / 2 === o) {
        last.oops += hexOf(a);
        last.binary += hexOf(b);
      } else mismatches.push({ offset: o, oops: hexOf(a), binary: hexOf(b) });
    }
  }
  // Known x86 run-time patches of the same binary. The first instruction `call __fentry__` (e8 + rel32)
  // becomes a 5-byte NOP (0f 1f 44 00 00) when ftrace initialises (arch/x86/kernel/ftrace.c,
  // ftrace_nop_replace()); with CONFIG_RETHUNK, `jmp __x86_return_thunk` (e9 + rel32) becomes `ret`
  // (c3) when the thunk is not needed (arch/x86/kernel/alternative.c, apply_returns()). The rel32
  // bytes are relocated and already skipped, so the opcode byte is what differs.
  if (unit === 1) {
    for (const m of mismatches) {
      if (m.offset === 0 && m.binary === "e8" && m.oops === "0f")
        m.known = "call __fentry__ replaced by a NOP at boot (ftrace)";
      else if (m.binary === "e9" && m.oops === "c3")
        m.known = "jmp __x86_return_thunk rewritten to ret at boot (CONFIG_RETHUNK, apply_returns())";
    }
  }
  // Known MIPS run-time patch: ftrace_make_nop() (arch/mips/kernel/ftrace.c) rewrites the -pg call
  // site when ftrace initialises. In a module, `lui v1, %hi(_mcount)` becomes `b 1f` (INSN_B_1F:
  // 0x10000004, or 0x10000005 on a 32-bit kernel built with KBUILD_MCOUNT_RA_ADDRESS), jumping over
  // the `jalr v1` and its delay slot (on a 32-bit kernel the `addiu v1` after it becomes a NOP too);
  // in vmlinux, `jal _mcount` becomes a NOP. The site is known from the object: `move at, ra` two
  // words after the lui, or just before the jal (the -pg calling convention, see ftrace.ts).
  if (unit === 4 && fb.bytes.length >= 4) {
    const wordOf = (x: Uint8Array, i: number) =>
      i < 0 || i + 4 > x.length
        ? undefined
        : (bigEndian
            ? ((x[i] as number) << 24) |
              ((x[i + 1] as number) << 16) |
              ((x[i + 2] as number) << 8) |
              (x[i + 3] as number)
            : ((x[i + 3] as number) << 24) |
              ((x[i + 2] as number) << 16) |
              ((x[i + 1] as number) << 8) |
              (x[i] as number)) >>> 0;
    // `move at, ra` as or / addu / daddu at, ra, zero
    const moveAtRa = (i: number) => [0x03e00825, 0x03e00821, 0x03e0082d].includes(wordOf(fb.bytes, i) ?? -1);
    const hexBytes = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (x) => Number.parseInt(x, 16));
    for (const m of mismatches) {
      const ran = hexBytes(m.oops);
      const first = wordOf(ran, 0);
      const obj = wordOf(fb.bytes, m.offset);
      if (first === undefined || obj === undefined) continue;
      // a 32-bit kernel's second patched word, the addiu v1 turned NOP, merges into the same entry
      const rest = ran.length === 8 && wordOf(ran, 4) === 0 && (wordOf(fb.bytes, m.offset + 4) ?? 0) >>> 16 === 0x2463;
      if ((first === 0x10000004 || first === 0x10000005) && obj >>> 16 === 0x3c03 && moveAtRa(m.offset + 8)) {
        if (ran.length === 4 || rest)
          m.known = "lui v1, %hi(_mcount) replaced by b 1f when ftrace initialised (ftrace_make_nop)";
      } else if (ran.length === 4 && first === 0 && obj >>> 26 === 3 && moveAtRa(m.offset - 4)) {
        m.known = "jal _mcount replaced by a NOP at boot (ftrace_make_nop)";
      }
    }
  }
  const allKnown = mismatches.length > 0 && mismatches.every((m) => m.known !== undefined);
  const result = allKnown
    ? "patched"
    : mismatches.length
      ? "mismatch"
      : compared + relocated > 0
        ? "match"
        : "unchecked";
  const diffs = mismatches
    .map((m) => `+${hx(BigInt(m.offset))} (oops ${m.oops}, object ${m.binary}${m.known ? `: ${m.known}` : ""})`)
    .join(", ");
  const tail = relocated
    ? ` (${relocated} bytes patched by relocations at load compared outside the relocated field)`
    : "";
  const text =
    result === "match"
      ? `the Code: bytes agree with the object's bytes for ${compared + relocated} bytes${tail}`
      : result === "mismatch"
        ? `the Code: bytes differ from the object's at ${diffs}: the wrong binary for this kernel, or code patched at run time (alternatives, jump labels, ftrace)`
        : result === "patched"
          ? `the Code: bytes agree with the object's except for known run-time patches of the same binary: ${diffs}${tail}`
          : "the Code: window lies outside the function's bytes; nothing compared";
  return { result, compared, relocated, outside, mismatches, text };
}

/** Width of the instruction at index i of a list (from its bytes). */
function insnUnit(list: readonly Instruction[], i: number): number {
  return list[i]?.bytes.length || 4;
}

/** Branch or jump target of an instruction: its last immediate operand, as an absolute address. */
function targetOf(i: Instruction): bigint | undefined {
  for (let k = i.operands.length - 1; k >= 0; k--) {
    const op = i.operands[k];
    if (op?.kind === "imm") return BigInt.asUintN(64, op.value);
  }
  return undefined;
}

/** Basic blocks of the whole function and the definitions reaching the slice's registers. */
export function analyseFunction(
  name: string,
  insns: readonly Instruction[],
  sem: Semantics,
  faultOffset: number,
): FunctionAnalysis {
  const fx: Effect[] = insns.map((i) => sem.effect(i));
  const start = insns[0]?.address ?? 0n;
  const byOff = new Map<number, number>();
  insns.forEach((ins, k) => {
    byOff.set(ins.offset, k);
  });
  const leaders = new Set<number>([0]);
  const endOf = (k: number) => (fx[k]?.delaySlot ? k + 1 : k);
  fx.forEach((e, k) => {
    if (!e.control || e.control === "call") return;
    const ins = insns[k] as Instruction;
    const t = e.control === "branch" || e.control === "jump" ? targetOf(ins) : undefined;
    if (t !== undefined && ins.address !== undefined) {
      const to = byOff.get(Number(t - start));
      if (to !== undefined) leaders.add(to);
    }
    if (endOf(k) + 1 < insns.length) leaders.add(endOf(k) + 1);
  });
  const firsts = [...leaders].sort((a, b) => a - b);
  const blockOf = new Array<number>(insns.length).fill(0);
  firsts.forEach((f, b) => {
    const to = firsts[b + 1] ?? insns.length;
    for (let k = f; k < to; k++) blockOf[k] = b;
  });
  const blocks: BasicBlock[] = firsts.map((f, b) => {
    const last = (firsts[b + 1] ?? insns.length) - 1;
    const endIns = insns[last] as Instruction;
    return { start: insns[f]?.offset ?? 0, end: endIns.offset + endIns.bytes.length, successors: [] };
  });
  const preds: number[][] = blocks.map(() => []);
  firsts.forEach((f, b) => {
    const last = (firsts[b + 1] ?? insns.length) - 1;
    // The terminator is the last control instruction of the block (before a delay slot).
    let term: number | undefined;
    for (let k = last; k >= f && k >= last - 1; k--) if (fx[k]?.control && fx[k]?.control !== "call") term = k;
    const succ = new Set<number>();
    const c = term === undefined ? undefined : fx[term]?.control;
    if (term !== undefined && (c === "branch" || c === "jump")) {
      const ins = insns[term] as Instruction;
      const t = targetOf(ins);
      const to = t === undefined ? undefined : byOff.get(Number(t - start));
      if (to !== undefined) succ.add(blockOf[to] as number);
    }
    if ((c === undefined || c === "branch") && b + 1 < blocks.length) succ.add(b + 1);
    (blocks[b] as BasicBlock).successors = [...succ];
    for (const s of succ) preds[s]?.push(b);
  });

  const faultIdx = byOff.get(faultOffset) ?? 0;
  const reaching: ReachingDefs[] = [];
  const seen = new Set<string>();
  const callClob = new Set(sem.callClobbered);
  // A call clobbers the ABI's caller-saved registers, except those a function-entry ftrace hook
  // (x86 `call __fentry__`, MIPS `_mcount`) saves and restores (ftrace.ts).
  const clobbers = (k: number, r: string) => {
    if (fx[k]?.control !== "call" || !callClob.has(r)) return false;
    const kept = ftracePreserves(sem.arch, insns, fx, k);
    return kept === undefined || (kept !== "all" && !kept.has(r));
  };
  const explicit = (k: number, r: string) => (fx[k]?.writes ?? []).some((w) => w.reg === r);
  const writes = (k: number, r: string) => explicit(k, r) || (clobbers(k, r) && !(fx[k]?.delaySlot ?? false));
  // Definitions of r reaching the instruction at index k (exclusive), across blocks.
  const defsOf = (r: string, k: number): ReachingDefs["definitions"] => {
    const defs: ReachingDefs["definitions"] = [];
    const visited = new Set<number>();
    const walk = (b: number, from: number) => {
      const first = firsts[b] as number;
      for (let j = from - 1; j >= first; j--) {
        // With a delay slot, a call's clobber lands after the slot instruction.
        const isCallClob = clobbers(j - 1, r) && fx[j - 1]?.delaySlot;
        if (writes(j, r) || isCallClob) {
          const ins = insns[j] as Instruction;
          defs.push({
            offset: ins.offset,
            text: explicit(j, r)
              ? text(ins)
              : writes(j, r)
                ? `${text(ins)} (clobbered by the call)`
                : `${text(insns[j - 1])} (clobbered by the call)`,
          });
          return;
        }
      }
      const ps = preds[b] ?? [];
      // Block 0 is the entry; another block without predecessors is unreachable padding.
      if (b === 0 && !defs.some((d) => d.offset === undefined)) defs.push({ text: "the value at function entry" });
      for (const p of ps) {
        if (visited.has(p)) continue;
        visited.add(p);
        walk(p, (firsts[p + 1] ?? insns.length) as number);
      }
    };
    walk(blockOf[k] as number, k);
    return defs;
  };
  const follow = (r: string, k: number, depth: number) => {
    // The program counter (x86 rip-relative operands) is not a data dependency.
    if (depth > 6 || r === sem.zero || r === "rip" || r === "pc") return;
    const key = `${r}@${k}`;
    if (seen.has(key)) return;
    seen.add(key);
    const defs = defsOf(r, k);
    reaching.push({ register: r, use: insns[k]?.offset ?? 0, definitions: defs, join: defs.length > 1 });
    for (const d of defs) {
      if (d.offset === undefined) continue;
      const j = byOff.get(d.offset) as number;
      const w = fx[j]?.writes.find((x) => x.reg === r);
      const reads = w ? exprReads(w.value) : [];
      for (const rr of new Set(reads)) follow(rr, j, depth + 1);
    }
  };
  const m = fx[faultIdx]?.mem?.mem;
  for (const r of [m?.base, m?.index]) if (r) follow(r, faultIdx, 0);
  if (!m) for (const r of effectReads(fx[faultIdx] as Effect)) follow(r, faultIdx, 0);
  return {
    name,
    size: insns.reduce((s, i) => s + i.bytes.length, 0),
    faultOffset,
    instructions: insns.length,
    blocks,
    faultBlock: blockOf[faultIdx] as number,
    reaching,
  };
}

/** file:line, inline chain and (with the source) the line's text at a DWARF pc. */
async function sourceAt(sym: DwarfSymbolizer, pc: bigint, options: BinaryOptions): Promise<StepSource | undefined> {
  let frames: SourceFrame[];
  try {
    frames = await sym.framesAt(pc);
  } catch {
    return undefined;
  }
  const f = frames[0];
  if (!f?.file || !f.line) return undefined;
  const s: StepSource = { file: f.file, line: f.line, inlineChain: frames.map((x) => x.function ?? "??") };
  const t = options.sourceLine?.(f.file, f.line);
  if (t !== undefined) s.text = t;
  return s;
}

/** The variable DWARF places exactly in register `reg` at pc (innermost scope first), or one computed from it. */
async function variableIn(
  sym: DwarfSymbolizer,
  pc: bigint,
  reg: string,
): Promise<{ name: string; type: string; exact: boolean } | undefined> {
  let vars: Awaited<ReturnType<DwarfSymbolizer["variablesAt"]>>;
  try {
    vars = await sym.variablesAt(pc);
  } catch {
    return undefined;
  }
  const exact = vars.find((v) => new RegExp(`^DW_OP_(reg\\d+|regx) ${esc(reg)}$`).test(v.location));
  if (exact) return { name: exact.name, type: exact.type, exact: true };
  const derived = vars.find(
    (v) => !v.location.includes("entry_value") && new RegExp(`^DW_OP_breg\\d+ ${esc(reg)}[+-]0,`).test(v.location),
  );
  if (derived) return { name: derived.name, type: derived.type, exact: false };
  return undefined;
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** `struct rlb_client_info *` → `struct rlb_client_info`; undefined for a non-pointer. */
function pointee(type: string): string | undefined {
  const m = /^(.*\S)\s*\*$/.exec(type.trim());
  return m ? (m[1] as string).replace(/^const\s+|^volatile\s+/g, "") : undefined;
}

/** `base->path` for a load at [reg + disp] when DWARF knows the pointer in reg at pc. */
async function memberExpr(
  sym: DwarfSymbolizer,
  pc: bigint,
  reg: string,
  disp: bigint,
): Promise<{ expr: string; type: string; base: string; baseType: string } | undefined> {
  const v = await variableIn(sym, pc, reg);
  if (!v?.exact) return undefined;
  const t = pointee(v.type);
  if (!t || disp < 0n) return undefined;
  const m = await sym.memberAt(t, disp, { pc });
  if (!m || m.path === "" || m.within !== 0) return undefined;
  const last = m.steps[m.steps.length - 1];
  return { expr: `${v.name}->${m.path}`, type: last?.type ?? "", base: v.name, baseType: v.type };
}

/** The verdict in names: which pointer is NULL, what the element is, which member was read. */
async function nameVerdict(
  crash: Crash,
  sym: DwarfSymbolizer,
  e: Explanation | undefined,
  window: readonly Instruction[],
  named: NamedStep[],
  faultPc: bigint,
  sem: Semantics | undefined,
  options: BinaryOptions,
): Promise<NamedVerdict | undefined> {
  if (!e) return undefined;
  const v = e.verdict;
  const source = await sourceAt(sym, faultPc, options);
  const where = source
    ? ` at ${source.file}:${source.line} in ${source.inlineChain[0]}${source.inlineChain.length > 1 ? ` (inlined into ${source.inlineChain.slice(1).join(" ← ")})` : ""}`
    : "";
  const a = e.access;
  if (v.kind !== "null-pointer" && v.kind !== "null-array") {
    // A bad (poisoned, non-canonical, …) pointer: name where it was loaded from and the member read.
    const bad = named.find((n) => n.member && v.pointer !== undefined && (e.steps[n.step] as Step).value === v.pointer);
    if (!bad?.member) return source ? { text: `${v.text}${where}`, source } : undefined;
    const o: NamedVerdict = { text: "", pointer: bad.member };
    if (bad.type) o.pointerType = bad.type;
    if (source) o.source = source;
    const t = bad.type ? pointee(bad.type) : undefined;
    const ea0 = a?.effectiveAddress ?? a?.faultAddress;
    const off0 = v.fieldOffset ?? (ea0 !== undefined && v.pointer !== undefined ? ea0 - v.pointer : undefined);
    let reads = "";
    // The variable the faulting access goes through, when DWARF places one in its base register.
    const fbase = faultMem(window, a, sem)?.base;
    // …or the variable the bad pointer's load produced (named from its memory location at the load).
    const via =
      fbase && (await variableIn(sym, faultPc, fbase))?.exact
        ? await variableIn(sym, faultPc, fbase)
        : bad.variable && bad.type
          ? { name: bad.variable, type: bad.type, exact: true }
          : undefined;
    const viaVar =
      via?.exact && t !== undefined && pointee(via.type) === t && crash.registers[fbase as string] === v.pointer;
    if (t && off0 !== undefined && off0 >= 0n && off0 < 0x10000n) {
      const mm = await sym.memberAt(t, off0, { pc: faultPc }).catch(() => undefined);
      if (mm?.path) {
        o.member = viaVar ? `${via?.name}->${mm.path}` : `${bad.member}->${mm.path}`;
        o.memberOffset = Number(off0);
        reads = `; ${a?.kind === "store" ? "writing" : "reading"} \`${o.member}\` (+${hx(off0)})`;
      }
    }
    let from = "";
    if (bad.element) {
      o.elementType = bad.element.type;
      o.elementSize = bad.element.size;
      if (bad.element.index !== undefined) o.index = bad.element.index;
      const i = bad.element.index;
      const which = i !== undefined ? `element ${i} of` : "an element of";
      const past = bad.overrun ? `, past its end: the load read \`${bad.overrun}\`` : "";
      from = ` (${which} a ${bad.element.count}-entry array of \`${bad.element.type}\`, ${hx(BigInt(bad.element.size))} bytes each${past}${bad.indexHow ? "; the index from the object's read-only bytes" : ""})`;
    }
    const lhs = viaVar ? `${via?.name} = ` : "";
    o.text = `\`${lhs}${bad.member}\` = ${hx(v.pointer ?? 0n)}${from}: ${v.text}${reads}${where}`;
    return o;
  }
  const fi = window.findIndex((w) => w.faulting);
  const faultInsn = a ? window[a.instruction] : window[fi];
  const fmem = faultInsn && sem ? sem.effect(faultInsn).mem : undefined;
  // The pointer: the step that loaded the NULL value, named by DWARF.
  const loadStep = named.find((n) => {
    const s = e.steps[n.step] as Step;
    return n.member && s.value === (v.pointer ?? 0n);
  });
  const out: NamedVerdict = { text: "" };
  if (source) out.source = source;
  if (loadStep?.member) {
    out.pointer = loadStep.member;
    if (loadStep.type) out.pointerType = loadStep.type;
  }
  // The variable the faulting access goes through.
  const baseVar = fmem?.mem.base ? await variableIn(sym, faultPc, fmem.mem.base) : undefined;
  const ea = a?.effectiveAddress ?? a?.faultAddress;
  const ptrType = out.pointerType ?? (baseVar?.exact ? baseVar.type : undefined);
  const elem = ptrType ? pointee(ptrType) : undefined;
  let elemSize: number | undefined;
  if (elem) {
    const m0 = await sym.memberAt(elem, 0, { pc: faultPc }).catch(() => undefined);
    elemSize = m0?.typeSize;
  }
  const total = ea !== undefined ? ea - (v.pointer ?? 0n) : undefined;
  const parts: string[] = [];
  // Unnamed by a load: the variable in the access's base register, when it holds the NULL itself.
  const baseReg = fmem?.mem.base;
  if (!out.pointer && baseVar?.exact && baseReg && crash.registers[baseReg] === v.pointer) {
    out.pointer = baseVar.name;
    out.pointerType = baseVar.type;
  }
  const ptrName = out.pointer ?? "the pointer";
  parts.push(out.pointer ? `\`${ptrName}\` is NULL` : "the pointer is NULL (DWARF names no variable or member for it)");
  let memberOff: bigint | undefined = v.fieldOffset;
  if (v.kind === "null-array" && elem && elemSize && total !== undefined) {
    const idx = total / BigInt(elemSize);
    memberOff = total % BigInt(elemSize);
    out.elementType = elem;
    out.elementSize = elemSize;
    out.index = idx;
    const lhs = baseVar?.exact && baseVar.name !== out.pointer ? `${baseVar.name} = ` : "";
    parts.push(`\`${lhs}&${ptrName}[${hx(idx)}]\` (\`${elem}\`, ${hx(BigInt(elemSize))} bytes)`);
    // The index variable: one DWARF places in (or computes from) a register holding the index.
    const vars = await sym.variablesAt(faultPc).catch(() => []);
    const regs = crash.registers;
    const iv = vars.find((x) => {
      const m = /^DW_OP_b?reg(?:\d+|x) (\S+?)(?:[+-]0)?(?:,|$)/.exec(x.location);
      return m && !x.location.includes("entry_value") && regs[m[1] as string] === idx && !x.type.endsWith("*");
    });
    if (iv) parts.push(`index \`${iv.name}\` = ${hx(idx)}`);
    if (v.index !== undefined && v.stride !== undefined && v.stride !== BigInt(elemSize)) {
      parts.push(
        `(the instructions build the offset as ${hx(v.index)} × ${hx(v.stride)}; DWARF's element size gives index ${hx(idx)})`,
      );
    }
  }
  if (elem && memberOff !== undefined) {
    const mm = await sym.memberAt(elem, memberOff, { pc: faultPc }).catch(() => undefined);
    if (mm?.path) {
      // Through the variable holding the element's address when DWARF names one, else through the
      // pointer itself: `p[i].member` for an array element, `p->member` otherwise.
      const viaVar = baseVar?.exact && pointee(baseVar.type) === elem;
      out.member = viaVar
        ? `${baseVar?.name}->${mm.path}`
        : out.index !== undefined
          ? `${ptrName}[${hx(out.index)}].${mm.path}`
          : `${ptrName}->${mm.path}`;
      out.memberOffset = Number(memberOff);
      const kind = a?.kind === "store" ? "writing" : "reading";
      parts.push(`${kind} \`${out.member}\` (+${hx(memberOff)})${ea !== undefined ? ` faults at ${hx(ea)}` : ""}`);
    }
  }
  if (!out.pointer && !out.member && !out.elementType)
    return source ? { text: `${v.text}${where}`, source } : undefined;
  out.text = `${parts.join("; ")}${where}`;
  return out;
}

/** The memory operand of the faulting access (the explanation's, else the faulting instruction's). */
function faultMem(
  window: readonly Instruction[],
  a: Explanation["access"],
  sem: Semantics | undefined,
): { base?: string } | undefined {
  if (a) return a.base !== undefined ? { base: a.base } : {};
  const f = window.find((w) => w.faulting);
  return f && sem ? sem.effect(f).mem?.mem : undefined;
}
