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
 */

import type { Instruction, MemOperand } from "../disasm/types.js";
import { globalAt, globalPath } from "../dwarf/globals.js";
import type { Unit } from "../dwarf/reader.js";
import { EM_X86_64, ET_REL, SHF_WRITE, SHN_UNDEF, SHT_NOBITS } from "../elf/constants.js";
import { ElfDebugSections } from "../elf/debug-sections.js";
import type { ElfFile, ElfSection } from "../elf/file.js";
import { parseRelocations, type RelocEntry, relocationSectionsFor } from "../elf/relocs.js";
import { type ElfSymbol, parseSymbols } from "../elf/symbols.js";
import type { DwarfSymbolizer, SymbolInfo } from "../symbolize/symbolizer.js";
import { cExpr } from "./cexpr.js";
import type { Effect, Semantics } from "./semantics/types.js";
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

export class GlobalNamer {
  private constructor(
    private readonly symbolizer: DwarfSymbolizer,
    private readonly ds: ElfDebugSections,
    private readonly fn: SymbolInfo,
    private readonly relocs: Reloc[] | undefined,
  ) {}

  /** A namer for the function `fn` of an x86-64 object, or undefined for other machines. */
  static async open(symbolizer: DwarfSymbolizer, fn: SymbolInfo): Promise<GlobalNamer | undefined> {
    const ds = symbolizer.sections;
    if (!(ds instanceof ElfDebugSections) || ds.elf.machine !== EM_X86_64) return undefined;
    const elf = ds.elf;
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
    const target = this.target(o, ins.bytes.length, mem);
    if (!target) return undefined;
    const r = this.symbolizer.reader;
    const unit = await this.scope();
    if (!this.relocs && !unit) return undefined; // never a walk of all of a vmlinux's units
    const hit = await globalAt(r, target.address, unit);
    if (!hit) return undefined;
    const steps = await globalPath(r, hit.variable, hit.offset);
    if (!mem.index) {
      // The deepest step starting exactly at the address: the member or element read.
      const s = [...steps].reverse().find((x) => x.offset === hit.offset && (x.size === size || !x.array));
      if (!s) return undefined;
      return { expr: s.path, type: s.type, place: target.place, address: target.address };
    }
    if (mem.base) return undefined; // [base + index*scale + global]: the base is not the array
    const arr = [...steps]
      .reverse()
      .find((x) => x.array && x.offset === hit.offset && x.array.elementSize === mem.scale);
    if (!arr?.array) return undefined;
    const element = { type: arr.array.elementType, size: arr.array.elementSize, count: arr.array.count };
    const out: GlobalName = { expr: "", type: element.type, place: target.place, address: target.address, element };
    // 1. The index register's value at the load, from the dump (through the slice).
    const v = new Slice(ctx.sem, ctx.insns, ctx.faultIndex, ctx.registers).before(mem.index, k)?.v;
    if (v !== undefined) {
      out.element = { ...element, index: v };
      out.expr = `${arr.path}[${v < 0x100000n ? v.toString() : hx(v)}]`;
      const over = await this.overrun(target.address, element, v);
      if (over) out.overrun = over;
      return out;
    }
    // 2. The C expression the block computes it with.
    const e = await cExpr(
      {
        insns: ctx.insns,
        effects: ctx.effects,
        start: ctx.blockStart(k),
        variable: async (reg, j) => {
          const oj = ctx.offsetOf(j);
          return oj === undefined ? undefined : ctx.variable(reg, oj);
        },
        load: async (j) => {
          const m = ctx.effects[j]?.mem;
          const oj = ctx.offsetOf(j);
          if (m?.op !== "load" || !m.mem.base || m.mem.index || oj === undefined) return undefined;
          return ctx.member(m.mem.base, m.mem.disp, oj);
        },
      },
      mem.index,
      k,
    );
    if (e) {
      out.expr = `${arr.path}[${e}]`;
      return out;
    }
    // 3. The value loaded, found in a section nothing writes.
    const found = loaded !== undefined ? await this.findInReadOnly(target, element.size, loaded) : undefined;
    if (found !== undefined) {
      out.element = { ...element, index: found.index };
      out.expr = `${arr.path}[${found.index}]`;
      const over = await this.overrun(target.address, element, found.index);
      if (over) out.overrun = over;
      out.indexHow = `${mem.index} was overwritten, but the value loaded, ${hx(loaded ?? 0n)}, is in ${found.section} (read-only: nothing writes it at run time) only at element ${found.index} of ${arr.path}${over ? `, past its ${element.count} entries (${over})` : ""}, so the index is ${found.index} (assuming the read stayed within ${found.section})`;
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

  /** The symbol a pc-relative relocation inside the instruction at `o` (length `len`) names: a call's callee. */
  callee(o: number, len: number): string | undefined {
    const r = this.relocs?.find(
      (x) => x.at > o && x.at + 4 <= o + len && (x.type === R_X86_64_PLT32 || x.type === R_X86_64_PC32),
    );
    return r?.symbol && r.symbol.shndx === SHN_UNDEF ? r.symbol.name : undefined;
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
    const elf = this.ds.elf;
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
    const offset = r.symbol.value + r.addend + (pcRel ? BigInt(o + len - r.at) : 0n);
    const section = elf.sections[r.symbol.shndx];
    if (!section) return undefined;
    return {
      address: this.ds.sectionBase(section.index) + offset,
      place: `${section.name}+${hx(offset)}`,
      section,
      offset,
    };
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
