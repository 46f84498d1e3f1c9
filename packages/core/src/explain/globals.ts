/**
 * Names the global variable an x86-64 instruction reads through its displacement, from the object
 * file: `mov 0x0(%rip),%eax` → `lab_slot`, `mov 0x0(,%rax,8),%rax` → `lab_ring0.slot[4]` or
 * `lab_ports[dev->ifindex % 64]`. In a relocatable object (`.ko`) the displacement is 0 until the module
 * loader patches it (kernel/module/main.c apply_relocate_add()), so the address comes from the
 * instruction's relocation in `.rela.text` (x86-64 psABI §4.4: R_X86_64_32/32S are S + A, PC32/PLT32
 * S + A − P; a rip-relative operand adds the distance from the patched field to the next instruction,
 * which is where rip points, Intel SDM vol. 2 §2.2.1.6). In a linked object a rip-relative address is
 * the next instruction's link address plus the displacement. The address is then named through DWARF
 * (`dwarf/globals.ts`). For an indexed load whose array starts at that address and whose element size
 * is the scale, the index is written as its value when the slice knows it, else as the C expression
 * the block computes it with (`cexpr.ts`), else — when the load read a section nothing writes at run
 * time (no SHF_WRITE: module rodata is mapped read-only) — as the one element whose bytes in the object
 * equal the value loaded, said as such.
 *
 * AArch64 and MIPS64 modules build a global's address in a register instead. AArch64: `adrp xN, sym`
 * (R_AARCH64_ADR_PREL_PG_HI21: the 4 KiB page of S + A) and `add xN, xN, :lo12:sym`
 * (R_AARCH64_ADD_ABS_LO12_NC), or the low 12 bits folded into the load itself (`ldr w1, [x1, :lo12:sym]`,
 * R_AARCH64_LDST{8,16,32,64,128}_ABS_LO12_NC) — ELF for the Arm 64-bit Architecture §5.7.8. MIPS64
 * kernels loaded in CKSEG0 are built with -msym32 (arch/mips/Makefile, KBUILD_SYM32; modules live at
 * CKSSEG, 0xffffffffc0000000, also a sign-extended 32-bit address; the lab .ko has only HI16/LO16,
 * no HIGHER/HIGHEST), so `lui rt, %hi(sym)` (R_MIPS_HI16) and `daddiu rt, rt, %lo(sym)` or a load's
 * `%lo(sym)(rt)` (R_MIPS_LO16) — MIPS psABI "Relocation Types". A pair is taken as S + A only when the
 * high part's relocation names the same symbol and addend as the low part's, on every path that
 * reaches it (`dataflow.ts`); later `add`s of constants move inside the object, and an add of a shifted
 * register (MIPS `dsll v0,v0,3; daddu v0,v0,v1`) is the index × element size.
 */

import type { Instruction, MemOperand } from "../disasm/types.js";
import { globalAt, globalPath } from "../dwarf/globals.js";
import type { Unit } from "../dwarf/reader.js";
import { EM_AARCH64, EM_MIPS, EM_X86_64, ET_REL, SHF_WRITE, SHN_UNDEF, SHT_NOBITS } from "../elf/constants.js";
import { ElfDebugSections } from "../elf/debug-sections.js";
import type { ElfFile, ElfSection } from "../elf/file.js";
import { parseRelocations, type RelocEntry, relocationSectionsFor } from "../elf/relocs.js";
import { type ElfSymbol, parseSymbols } from "../elf/symbols.js";
import type { DwarfSymbolizer, SymbolInfo } from "../symbolize/symbolizer.js";
import { cExpr } from "./cexpr.js";
import { reachingDefs } from "./dataflow.js";
import type { Effect, Expr, Semantics } from "./semantics/types.js";
import { hx, Slice } from "./slice.js";

/** A global read by an instruction, in C. */
export interface GlobalName {
  /** `lab_slot`, `lab_ring0.slot[4]`, `lab_ports[dev->ifindex % 64]`. */
  expr: string;
  /** The C type of what is read. */
  type: string;
  /** Where in the object: `.data+0x48`; and that address as the (relocated) DWARF gives addresses. */
  place: string;
  address: bigint;
  /** For an array element: the element type, size, the array's bound and the index when known. */
  element?: { type: string; size: number; count: number; index?: bigint };
  /** How the index was established, when not from a register value or expression. */
  indexHow?: string;
  /** For an index past the array's bound: what the load really read (`lab_ring0.magic`). */
  overrun?: string;
  /** The variable whose DWARF memory location is the element the load reads: the value loaded (`c`). */
  variable?: { name: string; type: string };
}

/** What the caller knows of the function, the slice and DWARF. */
export interface GlobalContext {
  readonly insns: readonly Instruction[];
  readonly effects: readonly Effect[];
  readonly sem: Semantics;
  /** Index of the faulting instruction, and the registers at the fault. */
  readonly faultIndex: number;
  readonly registers: Readonly<Record<string, bigint>>;
  /** Offset from the function start of instruction i. */
  offsetOf(i: number): number | undefined;
  /** Index of the first instruction of the basic block holding instruction i. */
  blockStart(i: number): number;
  /** The variable DWARF places exactly in `reg` at function offset `o` (before that instruction). */
  variable(reg: string, o: number): Promise<string | undefined>;
  /** `base->member` for a load from [reg + disp] at function offset `o`. */
  member(reg: string, disp: bigint, o: number): Promise<string | undefined>;
}

interface Reloc {
  /** Offset of the patched field from the function start. */
  at: number;
  type: number;
  symbol: ElfSymbol | undefined;
  addend: bigint;
}

/** psABI relocation types: absolute 32-bit (S + A) and pc-relative (S + A − P). */
const R_X86_64_PC32 = 2;
const R_X86_64_PLT32 = 4;
const R_X86_64_32 = 10;
const R_X86_64_32S = 11;
/** AArch64 (ELF for the Arm 64-bit Architecture §5.7.8): the page of S + A, and its low 12 bits. */
const R_AARCH64_ADR_PREL_PG_HI21 = 275;
const R_AARCH64_ADR_PREL_PG_HI21_NC = 276;
const R_AARCH64_ADD_ABS_LO12_NC = 277;
const R_AARCH64_LDST_LO12 = new Set([278, 284, 285, 286, 299]);
const R_AARCH64_JUMP26 = 282;
const R_AARCH64_CALL26 = 283;
/** MIPS psABI: `jal`'s 26-bit target, %hi and %lo of S + A. */
const R_MIPS_26 = 4;
const R_MIPS_HI16 = 5;
const R_MIPS_LO16 = 6;

/** What a register holds, in terms of the object: the high part of S + A, or an address in a section. */
type Addr =
  | { kind: "hi"; symbol: ElfSymbol; addend: bigint }
  | { kind: "exact"; symbol: ElfSymbol; offset: bigint; index?: IndexAt };

/** An address in the object: as DWARF gives addresses, and as `section+offset`. */
type Target = { address: bigint; place: string; section?: ElfSection; offset?: bigint } | undefined;

/** An array index: the value of `reg` just before instruction `at`, times `scale`. */
interface IndexAt {
  reg: string;
  at: number;
  scale: number;
  /** AArch64 `[x0, w1, uxtw #3]`: the index is the low 32 bits, zero- or sign-extended. */
  extend?: string;
}

export class GlobalNamer {
  private constructor(
    private readonly symbolizer: DwarfSymbolizer,
    private readonly ds: ElfDebugSections,
    private readonly fn: SymbolInfo,
    private readonly relocs: Reloc[] | undefined,
  ) {}

  private get x86(): boolean {
    return this.ds.elf.machine === EM_X86_64;
  }

  /**
   * A namer for the function `fn` of an x86-64 object, or of an AArch64 or MIPS relocatable object
   * (`.ko`); undefined for other machines.
   */
  static async open(symbolizer: DwarfSymbolizer, fn: SymbolInfo): Promise<GlobalNamer | undefined> {
    const ds = symbolizer.sections;
    if (!(ds instanceof ElfDebugSections)) return undefined;
    const machine = ds.elf.machine;
    if (machine !== EM_X86_64 && machine !== EM_AARCH64 && machine !== EM_MIPS) return undefined;
    const elf = ds.elf;
    if (elf.type !== ET_REL && machine !== EM_X86_64) return undefined;
    if (elf.type !== ET_REL) return new GlobalNamer(symbolizer, ds, fn, undefined);
    const sec = fn.section !== undefined ? elf.section(fn.section) : undefined;
    if (!sec) return undefined;
    const start = fn.address;
    const relocs: Reloc[] = [];
    for (const rs of relocationSectionsFor(elf, sec)) {
      const symbols = await symbolTable(elf, rs.link);
      for (const r of parseRelocations(elf, await elf.sectionData(rs), rs)) {
        const at = r.offset - start;
        if (at < 0n || at >= fn.size) continue;
        relocs.push({ at: Number(at), type: r.types[0] ?? 0, symbol: symbols[r.sym], addend: r.addend ?? 0n });
      }
    }
    return new GlobalNamer(symbolizer, ds, fn, relocs);
  }

  /** The global instruction k reads through its displacement (a load), named in C; or undefined. */
  async name(
    ctx: GlobalContext,
    k: number,
    mem: MemOperand,
    size: number,
    loaded?: bigint,
  ): Promise<GlobalName | undefined> {
    const ins = ctx.insns[k];
    const o = ctx.offsetOf(k);
    if (!ins || o === undefined || mem.segment) return undefined;
    let target: Target;
    let idx: IndexAt | undefined;
    if (this.x86) {
      target = this.target(o, ins.bytes.length, mem);
      if (mem.index && mem.base) return undefined; // [base + index*scale + global]: the base is not the array
      if (mem.index) idx = { reg: mem.index, at: k, scale: mem.scale };
    } else {
      const at = this.registerTarget(ctx, k, mem);
      target = at?.target;
      idx = at?.index;
    }
    if (!target) return undefined;
    const r = this.symbolizer.reader;
    const unit = await this.scope();
    if (!this.relocs && !unit) return undefined; // never a walk of all of a vmlinux's units
    const hit = await globalAt(r, target.address, unit);
    if (!hit) return undefined;
    const steps = await globalPath(r, hit.variable, hit.offset);
    if (!idx) {
      // The deepest step starting exactly at the address: the member or element read.
      const s = [...steps].reverse().find((x) => x.offset === hit.offset && (x.size === size || !x.array));
      if (!s) return undefined;
      return { expr: s.path, type: s.type, place: target.place, address: target.address };
    }
    const scale = idx.scale;
    const arr = [...steps].reverse().find((x) => x.array && x.offset === hit.offset && x.array.elementSize === scale);
    if (!arr?.array) return undefined;
    const element = { type: arr.array.elementType, size: arr.array.elementSize, count: arr.array.count };
    const out: GlobalName = { expr: "", type: element.type, place: target.place, address: target.address, element };
    const mv = await this.memoryVariableAt(ctx, idx, mem, target.address, k);
    if (mv) out.variable = mv;
    // The index register's value at the load, from the dump (through the slice).
    let v = new Slice(ctx.sem, ctx.insns, ctx.faultIndex, ctx.registers).before(idx.reg, idx.at)?.v;
    if (v !== undefined && idx.extend === "uxtw") v = BigInt.asUintN(32, v);
    if (v !== undefined && idx.extend === "sxtw") v = BigInt.asIntN(32, v);
    // 1. The C expression the block computes it with: where the index came from (`dev->ifindex % 64`),
    // with its value when the dump also gives it.
    const e = await cExpr(
      {
        insns: ctx.insns,
        effects: ctx.effects,
        start: ctx.blockStart(idx.at),
        defs: (reg, j) => reachingDefs(ctx.insns, ctx.effects, ctx.sem.callClobbered, reg, j),
        variable: async (reg, j) => {
          const oj = ctx.offsetOf(j);
          return oj === undefined ? undefined : ctx.variable(reg, oj);
        },
        load: async (j) => {
          const m = ctx.effects[j]?.mem;
          const oj = ctx.offsetOf(j);
          if (m?.op !== "load" || !m.mem.base || m.mem.index || oj === undefined) return undefined;
          // The pointer DWARF names in the base register; or, when the base is a copy (`mov x3, x1`),
          // in the register copied, where the copy reads it (the same value).
          let [reg, at, o2] = [m.mem.base, j, oj];
          for (let hop = 0; hop < 4; hop++) {
            const named = await ctx.member(reg, m.mem.disp, o2);
            if (named) return named;
            const d = reachingDefs(ctx.insns, ctx.effects, ctx.sem.callClobbered, reg, at);
            const w =
              d.length === 1 && d[0] !== "entry"
                ? ctx.effects[d[0] as number]?.writes.find((x) => x.reg === reg)
                : undefined;
            const oi = w ? ctx.offsetOf(d[0] as number) : undefined;
            if (w?.value.k !== "reg" || oi === undefined) return undefined;
            [reg, at, o2] = [w.value.reg, d[0] as number, oi];
          }
          return undefined;
        },
      },
      idx.reg,
      idx.at,
    );
    if (e) {
      out.expr = `${arr.path}[${e}]`;
      if (v !== undefined) out.element = { ...element, index: v };
      return out;
    }
    // 2. Its value.
    if (v !== undefined) {
      out.element = { ...element, index: v };
      out.expr = `${arr.path}[${v < 0x100000n ? v.toString() : hx(v)}]`;
      const over = await this.overrun(target.address, element, v);
      if (over) out.overrun = over;
      return out;
    }
    // 3. The value loaded, found in a section nothing writes.
    const found = loaded !== undefined ? await this.findInReadOnly(target, element.size, loaded) : undefined;
    if (found !== undefined) {
      out.element = { ...element, index: found.index };
      out.expr = `${arr.path}[${found.index}]`;
      const over = await this.overrun(target.address, element, found.index);
      if (over) out.overrun = over;
      out.indexHow = `${idx.reg} was overwritten, but the value loaded, ${hx(loaded ?? 0n)}, is in ${found.section} (read-only: nothing writes it at run time) only at element ${found.index} of ${arr.path}${over ? `, past its ${element.count} entries (${over})` : ""}, so the index is ${found.index} (assuming the read stayed within ${found.section})`;
      return out;
    }
    out.expr = `${arr.path}[?]`;
    return out;
  }

  /**
   * Where globals are looked up: every unit of a relocatable object (a module is small); in a linked
   * object (vmlinux) only the function's own unit, whose file-scope statics are what its code reads.
   */
  private scope(): Promise<Unit | undefined> {
    if (!this.relocs) this.unit ??= this.symbolizer.unitAt(this.fn.address);
    return this.unit ?? Promise.resolve(undefined);
  }
  private unit: Promise<Unit | undefined> | undefined;

  /**
   * The function a call at `o` (length `len`) goes to, from its relocation: x86-64 `call` (PLT32/PC32
   * in the instruction), AArch64 `bl` (R_AARCH64_CALL26 on the instruction), MIPS `jal` (R_MIPS_26);
   * an undefined symbol only.
   */
  callee(o: number, len: number): string | undefined {
    const r = this.relocs?.find((x) =>
      this.x86
        ? x.at > o && x.at + 4 <= o + len && (x.type === R_X86_64_PLT32 || x.type === R_X86_64_PC32)
        : x.at === o &&
          (this.ds.elf.machine === EM_AARCH64
            ? x.type === R_AARCH64_CALL26 || x.type === R_AARCH64_JUMP26
            : x.type === R_MIPS_26),
    );
    return r?.symbol && r.symbol.shndx === SHN_UNDEF ? r.symbol.name : undefined;
  }

  /**
   * MIPS `jalr rs`: the function whose address `lui rs, %hi(f)` / `daddiu rs, rs, %lo(f)` put in rs,
   * on every path reaching the call (kernel modules call through a register: -mlong-calls).
   */
  registerCallee(
    ctx: Pick<GlobalContext, "insns" | "effects" | "sem" | "offsetOf">,
    k: number,
    reg: string,
  ): string | undefined {
    const a = this.addrOf(ctx, reg, k, 0);
    return a?.kind === "exact" && !a.index && a.symbol.shndx === SHN_UNDEF && a.offset === a.symbol.value
      ? a.symbol.name
      : undefined;
  }

  /**
   * What register `reg` holds just after instruction k when it is a global's address built from
   * relocations (AArch64, MIPS): `&lab_ports`, `&lab_ring0.magic`, with its place in the object.
   */
  async addressAfter(
    ctx: Pick<GlobalContext, "insns" | "effects" | "sem" | "offsetOf">,
    reg: string,
    k: number,
  ): Promise<{ expr: string; place: string } | undefined> {
    if (this.x86 || !this.relocs || !ctx.effects[k]?.writes.some((w) => w.reg === reg)) return undefined;
    const a = this.defAddr(ctx, reg, k, 0);
    if (a?.kind !== "exact" || a.index) return undefined;
    const t = this.place(a.symbol, a.offset);
    if (!t) return undefined;
    const r = this.symbolizer.reader;
    const hit = await globalAt(r, t.address, await this.scope());
    if (!hit) return undefined;
    // The outermost object starting there: the variable itself rather than its first element.
    const s = (await globalPath(r, hit.variable, hit.offset)).find((x) => x.offset === hit.offset);
    return s ? { expr: `&${s.path}`, place: t.place } : undefined;
  }

  /**
   * The variable whose memory location is the element the load at k reads (`memoryVariable`), asked
   * at the load and, when the index was scaled by an earlier instruction (MIPS `dsll`), at that
   * instruction, where GCC still describes it (`(v0 & 0xffffffff) << 3` + &lab_ring0 until the
   * `daddu`); only when nothing is stored between there and the load.
   */
  private async memoryVariableAt(
    ctx: GlobalContext,
    idx: IndexAt,
    mem: MemOperand,
    array: bigint,
    k: number,
  ): Promise<{ name: string; type: string } | undefined> {
    for (const at of idx.at === k ? [k] : [k, idx.at]) {
      if (ctx.effects.slice(at, k).some((e) => e.mem && e.mem.op !== "load")) return undefined;
      const o = ctx.offsetOf(at);
      if (o === undefined) continue;
      const q = { symbol: this.fn.name, size: this.fn.size, offset: BigInt(o) };
      const pc = (await this.symbolizer.resolve(q)).pc;
      const vars = await this.symbolizer.variablesAt(pc).catch(() => []);
      // x86 [index*scale + array]; AArch64 [base + index]: the base holds the array's address.
      const base = at === k && mem.base && this.relocs && !this.x86 ? { [mem.base]: array - mem.disp } : {};
      const v = vars.find((x) =>
        [1n, 2n, 7n].every(
          (i) => evalLocation(x.location, { ...base, [idx.reg]: i }) === array + i * BigInt(idx.scale),
        ),
      );
      if (v) return { name: v.name, type: v.type };
    }
    return undefined;
  }

  /** The relocation patching the instruction at offset `o` itself (AArch64 and MIPS: the whole word). */
  private relocAt(o: number | undefined): Reloc | undefined {
    return o === undefined ? undefined : this.relocs?.find((x) => x.at === o);
  }

  /**
   * The global a load `[base (+ index) + disp]` at instruction k reads, when `base` was built from a
   * relocated address (AArch64, MIPS); and the index, when the address is that of an array plus an
   * index register (`[x0, w1, uxtw #3]`) or plus a shifted register (`daddu v0, v0(<<3), v1`).
   */
  private registerTarget(
    ctx: Pick<GlobalContext, "insns" | "effects" | "sem" | "offsetOf">,
    k: number,
    mem: MemOperand,
  ): { target: Target; index?: IndexAt } | undefined {
    if (!mem.base || !this.relocs) return undefined;
    const lo = this.relocAt(ctx.offsetOf(k));
    if (lo) {
      // The low part folded into the load (`ld a1, %lo(sym)(v0)`, `ldr w1, [x1, :lo12:sym]`): the
      // compiler emits it only over a register holding the high part of the same S + A. That pair is
      // checked where the base's definition is visible; a base reloaded from a stack spill is not
      // (GCC keeps %hi(sym) in a stack slot across calls in lab_write), and then the relocation's
      // S + A stands. A base holding anything else is not this global.
      const low = lo.type === R_MIPS_LO16 || R_AARCH64_LDST_LO12.has(lo.type);
      const b = this.addrOf(ctx, mem.base, k, 0);
      if (!low || mem.index || (b && (b.kind !== "hi" || !sameTarget(b, lo)))) return undefined;
      return { target: this.place(lo.symbol, (lo.symbol?.value ?? 0n) + lo.addend) };
    }
    const b = this.addrOf(ctx, mem.base, k, 0);
    if (b?.kind !== "exact" || (b.index && mem.index)) return undefined;
    const index: IndexAt | undefined =
      b.index ??
      (mem.index
        ? { reg: mem.index, at: k, scale: mem.scale, ...(mem.indexExtend ? { extend: mem.indexExtend } : {}) }
        : undefined);
    return { target: this.place(b.symbol, b.offset + mem.disp), ...(index ? { index } : {}) };
  }

  /** An offset in a symbol's section, as DWARF addresses it and as `section+offset`. */
  private place(
    symbol: ElfSymbol | undefined,
    offset: bigint,
  ): { address: bigint; place: string; section?: ElfSection; offset?: bigint } | undefined {
    const section = symbol && symbol.shndx !== SHN_UNDEF ? this.ds.elf.sections[symbol.shndx] : undefined;
    if (!section) return undefined;
    return {
      address: this.ds.sectionBase(section.index) + offset,
      place: `${section.name}+${hx(offset)}`,
      section,
      offset,
    };
  }

  /** What `reg` holds just before instruction k, in the object's terms, the same on every reaching path. */
  private addrOf(
    ctx: Pick<GlobalContext, "insns" | "effects" | "sem" | "offsetOf">,
    reg: string,
    k: number,
    depth: number,
  ): Addr | undefined {
    if (depth > 8) return undefined;
    const defs = reachingDefs(ctx.insns, ctx.effects, ctx.sem.callClobbered, reg, k);
    let out: Addr | undefined;
    for (const j of defs) {
      const a = j === "entry" ? undefined : this.defAddr(ctx, reg, j, depth);
      if (!a || (out && !sameAddr(out, a))) return undefined;
      out = a;
    }
    return out;
  }

  /** What instruction j writes to `reg`, in the object's terms. */
  private defAddr(
    ctx: Pick<GlobalContext, "insns" | "effects" | "sem" | "offsetOf">,
    reg: string,
    j: number,
    depth: number,
  ): Addr | undefined {
    const w = ctx.effects[j]?.writes.find((x) => x.reg === reg)?.value;
    if (!w) return undefined;
    const r = this.relocAt(ctx.offsetOf(j));
    const e = strip(w);
    if (r) {
      if (!r.symbol) return undefined;
      // adrp / lui: the high part (the instruction's own immediate is the loader's to fill in).
      if (r.type === R_AARCH64_ADR_PREL_PG_HI21 || r.type === R_AARCH64_ADR_PREL_PG_HI21_NC || r.type === R_MIPS_HI16)
        return { kind: "hi", symbol: r.symbol, addend: r.addend };
      // add :lo12: / daddiu %lo: the low part, over a register holding the matching high part.
      if ((r.type === R_AARCH64_ADD_ABS_LO12_NC || r.type === R_MIPS_LO16) && e.k === "bin" && e.op === "add") {
        const src = strip(e.a);
        const hi = src.k === "reg" ? this.addrOf(ctx, src.reg, j, depth + 1) : undefined;
        if (hi?.kind !== "hi" || !sameTarget(hi, r)) return undefined;
        return { kind: "exact", symbol: r.symbol, offset: r.symbol.value + r.addend };
      }
      return undefined;
    }
    if (e.k === "reg") return this.addrOf(ctx, e.reg, j, depth + 1);
    if (e.k !== "bin" || e.op !== "add") return undefined;
    const [a, b] = [strip(e.a), strip(e.b)];
    if (a.k === "reg" && b.k === "imm") {
      const x = this.addrOf(ctx, a.reg, j, depth + 1);
      return x?.kind === "exact" ? { ...x, offset: x.offset + b.v } : undefined;
    }
    if (a.k !== "reg" || b.k !== "reg") return undefined;
    // address + index register (MIPS daddu): one side is the address, the other index × size.
    for (const [p, q] of [
      [a.reg, b.reg],
      [b.reg, a.reg],
    ] as const) {
      const x = this.addrOf(ctx, p, j, depth + 1);
      if (x?.kind !== "exact" || x.index) continue;
      const qd = reachingDefs(ctx.insns, ctx.effects, ctx.sem.callClobbered, q, j);
      const qj = qd.length === 1 && qd[0] !== "entry" ? (qd[0] as number) : undefined;
      const qw = qj === undefined ? undefined : strip(ctx.effects[qj]?.writes.find((y) => y.reg === q)?.value);
      if (qj !== undefined && qw?.k === "bin" && qw.op === "shl") {
        const [s, n] = [strip(qw.a), strip(qw.b)];
        if (s.k === "reg" && n.k === "imm" && n.v < 16n)
          return { ...x, index: { reg: s.reg, at: qj, scale: 1 << Number(n.v) } };
      }
      return { ...x, index: { reg: q, at: j, scale: 1 } };
    }
    return undefined;
  }

  /** What element `index` of an array at `array` really is when the index is past the bound. */
  private async overrun(array: bigint, e: { size: number; count: number }, index: bigint): Promise<string | undefined> {
    if (e.count <= 0 || index < BigInt(e.count)) return undefined;
    const r = this.symbolizer.reader;
    const unit = await this.scope();
    const at = !this.relocs && !unit ? undefined : await globalAt(r, array + index * BigInt(e.size), unit);
    if (!at) return "memory after the array";
    return (await globalPath(r, at.variable, at.offset)).pop()?.path ?? at.variable.name;
  }

  /** The DWARF address (and the object's section+offset) an instruction at `o` reads through `mem`. */
  private target(
    o: number,
    len: number,
    mem: MemOperand,
  ): { address: bigint; place: string; section?: ElfSection; offset?: bigint } | undefined {
    if (!this.relocs) {
      if (mem.base !== "rip") return undefined;
      const address = this.fn.address + BigInt(o + len) + mem.disp;
      return { address, place: hx(address) };
    }
    // The relocation patching this instruction's displacement (the last 4-byte field before any immediate).
    const r = this.relocs.find(
      (x) =>
        x.at > o && x.at + 4 <= o + len && [R_X86_64_PC32, R_X86_64_PLT32, R_X86_64_32, R_X86_64_32S].includes(x.type),
    );
    if (!r?.symbol || r.symbol.shndx === SHN_UNDEF) return undefined;
    const pcRel = r.type === R_X86_64_PC32 || r.type === R_X86_64_PLT32;
    if (pcRel !== (mem.base === "rip")) return undefined;
    // S + A (− P + the next instruction's address, for rip-relative operands): an offset in the symbol's section.
    return this.place(r.symbol, r.symbol.value + r.addend + (pcRel ? BigInt(o + len - r.at) : 0n));
  }

  /** The one element (from the array's start, index ≥ 0) of a read-only section holding `value`. */
  private async findInReadOnly(
    t: { section?: ElfSection; offset?: bigint; address: bigint },
    size: number,
    value: bigint,
  ): Promise<{ index: bigint; section: string } | undefined> {
    const sec = t.section;
    if (!sec || t.offset === undefined || sec.type === SHT_NOBITS || (sec.flags & BigInt(SHF_WRITE)) !== 0n)
      return undefined;
    if (size < 1 || size > 8) return undefined;
    const elf = this.ds.elf;
    const data = await elf.sectionData(sec);
    // Bytes the loader patches hold other values at run time: not compared.
    const patched: [number, number][] = [];
    for (const rs of relocationSectionsFor(elf, sec)) {
      for (const r of parseRelocations(elf, await elf.sectionData(rs), rs) as RelocEntry[])
        patched.push([Number(r.offset), Number(r.offset) + 8]);
    }
    const want = BigInt.asUintN(size * 8, value);
    const hits: bigint[] = [];
    for (let p = Number(t.offset); p + size <= data.length; p += size) {
      if (patched.some(([a, b]) => p < b && a < p + size)) continue;
      let v = 0n;
      for (let i = 0; i < size; i++) {
        const b = BigInt(data[elf.littleEndian ? p + i : p + size - 1 - i] as number);
        v |= b << BigInt(8 * i);
      }
      if (v === want) hits.push(BigInt((p - Number(t.offset)) / size));
    }
    if (hits.length !== 1) return undefined;
    return { index: hits[0] as bigint, section: sec.name };
  }
}

/** Extensions do not change an address or an index that fits. */
function strip(e: Expr | undefined): Expr {
  if (!e) return { k: "unknown", why: "none" };
  return e.k === "ext" ? strip(e.a) : e;
}

/** Two relocations (or a high part and a relocation) naming the same S + A. */
function sameTarget(a: { symbol?: ElfSymbol; addend: bigint }, b: { symbol?: ElfSymbol; addend: bigint }): boolean {
  return !!a.symbol && !!b.symbol && a.symbol === b.symbol && a.addend === b.addend;
}

function sameAddr(a: Addr, b: Addr): boolean {
  if (a.kind === "hi" || b.kind === "hi") return a.kind === "hi" && b.kind === "hi" && sameTarget(a, b);
  if (a.kind !== b.kind || a.symbol.shndx !== b.symbol.shndx || a.offset !== b.offset) return false;
  const [x, y] = [a.index, b.index];
  return x === y || (!!x && !!y && x.reg === y.reg && x.at === y.at && x.scale === y.scale);
}

async function symbolTable(elf: ElfFile, index: number): Promise<ElfSymbol[]> {
  const sec = elf.sections[index];
  const str = sec ? elf.sections[sec.link] : undefined;
  if (!sec || !str) return [];
  return parseSymbols(elf, await elf.sectionData(sec), sec.offset, await elf.sectionData(str), str.offset);
}

/**
 * The variable whose memory location (DWARF 5 §2.6.1.1.2: an expression that computes an address) at
 * the load's pc is the load's own address `[index*scale + array]`: the value loaded is that variable
 * (GCC describes `c = lab_ring0.slot[i]` as living at `(i & 0xffffffff) << 3` + &lab_ring0 until the
 * load). Checked by evaluating the expression for several index values.
 */
export function memoryVariable(
  vars: readonly { name: string; type: string; location: string }[],
  mem: MemOperand,
  array: bigint,
): { name: string; type: string } | undefined {
  const index = mem.index;
  if (!index || mem.base) return undefined;
  return vars.find((v) =>
    [1n, 2n, 7n].every((x) => evalLocation(v.location, { [index]: x }) === array + x * BigInt(mem.scale)),
  );
}

/** Evaluates a location expression as `exprToText` prints it, for the operations an address needs. */
export function evalLocation(text: string, regs: Readonly<Record<string, bigint>>): bigint | undefined {
  try {
    return evalOps(text, regs);
  } catch {
    return undefined; // a constant BigInt() does not read (`-0x5`)
  }
}

function evalOps(text: string, regs: Readonly<Record<string, bigint>>): bigint | undefined {
  const st: bigint[] = [];
  const u = (v: bigint) => BigInt.asUintN(64, v);
  for (const op of text.split(", ")) {
    const [name, arg] = op.split(" ") as [string, string | undefined];
    const lit = /^DW_OP_lit(\d+)$/.exec(name);
    const breg = /^DW_OP_breg(\d+|x)$/.test(name) ? /^(\S+?)([+-]\d+)$/.exec(arg ?? "") : undefined;
    if (lit) st.push(BigInt(lit[1] as string));
    else if (/^DW_OP_const(\d[us]|u|s)$/.test(name) || name === "DW_OP_addr") {
      if (arg === undefined) return undefined;
      st.push(u(BigInt(arg)));
    } else if (breg !== undefined) {
      const r = breg ? regs[breg[1] as string] : undefined;
      if (!breg || r === undefined) return undefined;
      st.push(u(r + BigInt(breg[2] as string)));
    } else if (name === "DW_OP_plus_uconst") {
      const a = st.pop();
      if (a === undefined || arg === undefined) return undefined;
      st.push(u(a + BigInt(arg)));
    } else {
      const b = st.pop();
      const a = st.pop();
      if (a === undefined || b === undefined) return undefined;
      const ops: Record<string, () => bigint> = {
        DW_OP_plus: () => a + b,
        DW_OP_minus: () => a - b,
        DW_OP_mul: () => a * b,
        DW_OP_and: () => a & b,
        DW_OP_or: () => a | b,
        DW_OP_xor: () => a ^ b,
        DW_OP_shl: () => a << b,
        DW_OP_shr: () => a >> b,
      };
      const f = ops[name];
      if (!f || (b > 63n && /sh[lr]$/.test(name))) return undefined;
      st.push(u(f()));
    }
  }
  return st.length === 1 ? st[0] : undefined;
}
