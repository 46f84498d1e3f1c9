/**
 * An ELF symbol table (.symtab, else .dynsym) turned into records and two indexes: address →
 * the code symbol containing it (`func+off/size`, as the kernel prints it) and name → every symbol of
 * that name with its size, so two `static` functions both called `foo` are told apart by the size the
 * oops printed. Entry layouts (Elf32_Sym, Elf64_Sym), types and bindings follow the gABI, "Symbol
 * Table"; extended section indexes come from an SHT_SYMTAB_SHNDX section.
 *
 * Code symbols are STT_FUNC / STT_GNU_IFUNC symbols, plus STT_NOTYPE symbols defined in executable
 * sections (hand-written assembly entry points). Mapping symbols (`$x`, `$a`, `$t`, `$d` of the ARM
 * and AArch64 ELF ABIs, `$x`/`$d` of RISC-V) and assembler-local `.L` labels are never code symbols.
 * On ARM the low bit of a Thumb function's value (ELF for the Arm Architecture §5.5.3) and on MIPS
 * the low bit of a microMIPS/MIPS16 function's value are not part of the address and are cleared.
 */

import { Cursor } from "../binary/cursor.js";
import { OopsError } from "../errors.js";
import {
  EM_AARCH64,
  EM_ARM,
  EM_MIPS,
  EM_RISCV,
  ET_REL,
  SHF_EXECINSTR,
  SHN_LORESERVE,
  SHN_UNDEF,
  SHN_XINDEX,
  SHT_DYNSYM,
  SHT_NOBITS,
  SHT_SYMTAB,
  SHT_SYMTAB_SHNDX,
  STT_FUNC,
  STT_GNU_IFUNC,
  STT_NOTYPE,
} from "./constants.js";
import type { ElfFile, ElfSection } from "./file.js";
import { nameAt } from "./strings.js";

export interface ElfSymbol {
  /** Index in its symbol table. */
  readonly index: number;
  readonly name: string;
  /** st_value with the Thumb / microMIPS mode bit of function symbols cleared. */
  readonly value: bigint;
  readonly size: bigint;
  /** STT_* */
  readonly type: number;
  /** STB_* */
  readonly bind: number;
  readonly other: number;
  /** Section index, extended indexes resolved; SHN_ABS, SHN_COMMON, SHN_UNDEF kept as is. */
  readonly shndx: number;
  /** ARM only: a Thumb function (bit 0 of st_value was set). */
  readonly thumb?: boolean;
}

/** Where an address falls: the symbol, the offset into it, and the size the kernel would print. */
export interface SymbolHit {
  readonly symbol: ElfSymbol;
  readonly offset: bigint;
  /**
   * st_size when set; otherwise the distance to the next code symbol (what kallsyms reports, since
   * it only knows symbol starts: kernel/kallsyms.c get_symbol_pos()).
   */
  readonly size: bigint;
}

/** Parses the raw entries of a symbol table section. */
export function parseSymbols(
  elf: ElfFile,
  table: Uint8Array,
  tableOffset: number,
  strtab: Uint8Array,
  strtabOffset: number,
  shndxTable?: Uint8Array,
): ElfSymbol[] {
  const is64 = elf.is64;
  const entsize = is64 ? 24 : 16;
  const count = Math.floor(table.length / entsize);
  const machine = elf.machine;
  const out: ElfSymbol[] = new Array(count);
  const shx = shndxTable ? new Cursor(shndxTable, elf.littleEndian) : undefined;
  const c = new Cursor(table, elf.littleEndian, tableOffset);
  for (let i = 0; i < count; i++) {
    c.seek(i * entsize);
    const nameOff = c.u32();
    let value: bigint;
    let size: bigint;
    let info: number;
    let other: number;
    let shndx: number;
    if (is64) {
      info = c.u8();
      other = c.u8();
      shndx = c.u16();
      value = c.u64();
      size = c.u64();
    } else {
      value = BigInt(c.u32());
      size = BigInt(c.u32());
      info = c.u8();
      other = c.u8();
      shndx = c.u16();
    }
    if (shndx === SHN_XINDEX && shx && (i + 1) * 4 <= shx.length) shndx = shx.seek(i * 4).u32();
    const type = info & 0xf;
    const bind = info >> 4;
    const isFunc = type === STT_FUNC || type === STT_GNU_IFUNC;
    // Thumb functions have bit 0 set (AAELF §5.5.3); microMIPS/MIPS16 functions too (STO_MIPS_MICROMIPS
    // 0x80, STO_MIPS16 0xf0 in st_other).
    const thumb = isFunc && machine === EM_ARM && (value & 1n) !== 0n;
    if (isFunc && (machine === EM_ARM || (machine === EM_MIPS && (other & 0x80) !== 0))) value &= ~1n;
    const name = nameOff === 0 ? "" : nameOff < strtab.length ? nameAt(strtab, nameOff, strtabOffset) : "";
    out[i] = thumb
      ? { index: i, name, value, size, type, bind, other, shndx, thumb }
      : { index: i, name, value, size, type, bind, other, shndx };
  }
  return out;
}

export class SymbolTable {
  /** Code symbols sorted by (section for ET_REL, address), for address lookups. */
  private readonly code: ElfSymbol[];
  /** For each entry of `code`: distance to the next different start in the same section, or 0n. */
  private readonly spans: bigint[];
  private readonly first: number[];
  private readonly names = new Map<string, ElfSymbol[]>();
  private readonly relocatable: boolean;

  constructor(
    readonly symbols: readonly ElfSymbol[],
    elf: ElfFile,
  ) {
    this.relocatable = elf.type === ET_REL;
    const machine = elf.machine;
    const mappingSymbols = machine === EM_ARM || machine === EM_AARCH64 || machine === EM_RISCV;
    const exec = (shndx: number) => {
      const s = shndx < SHN_LORESERVE || shndx > 0xffff ? elf.sections[shndx] : undefined;
      return s !== undefined && (s.flags & BigInt(SHF_EXECINSTR)) !== 0n;
    };
    const code: ElfSymbol[] = [];
    for (const s of symbols) {
      if (s.name !== "") {
        const list = this.names.get(s.name);
        if (list) list.push(s);
        else this.names.set(s.name, [s]);
      }
      if (s.shndx === SHN_UNDEF || s.name === "") continue;
      if (s.name.startsWith(".L")) continue;
      if (mappingSymbols && s.name.startsWith("$")) continue;
      if (s.type === STT_FUNC || s.type === STT_GNU_IFUNC || (s.type === STT_NOTYPE && exec(s.shndx))) code.push(s);
    }
    const rel = this.relocatable;
    code.sort((a, b) => {
      if (rel && a.shndx !== b.shndx) return a.shndx - b.shndx;
      if (a.value !== b.value) return a.value < b.value ? -1 : 1;
      // At one address prefer a FUNC over NOTYPE, a sized symbol, then a global one.
      const fa = a.type === STT_NOTYPE ? 1 : 0;
      const fb = b.type === STT_NOTYPE ? 1 : 0;
      if (fa !== fb) return fa - fb;
      if (a.size > 0n !== b.size > 0n) return a.size > 0n ? -1 : 1;
      return b.bind - a.bind;
    });
    this.code = code;
    // One backward pass (linear even when thousands of symbols share an address): the span of each
    // entry is the distance to the next different start in the same section; `first` is the index
    // of the first entry sharing its start.
    const n = code.length;
    const same = (a: ElfSymbol, b: ElfSymbol) => a.value === b.value && (!rel || a.shndx === b.shndx);
    this.spans = new Array<bigint>(n).fill(0n);
    this.first = new Array<number>(n).fill(0);
    for (let i = n - 1; i >= 0; i--) {
      const s = code[i]!;
      const next = code[i + 1];
      if (next && same(next, s)) this.spans[i] = this.spans[i + 1]!;
      else if (next && (!rel || next.shndx === s.shndx)) this.spans[i] = next.value - s.value;
    }
    for (let i = 0; i < n; i++) {
      const prev = code[i - 1];
      const s = code[i]!;
      this.first[i] = prev && same(prev, s) ? this.first[i - 1]! : i;
    }
  }

  /** Number of code symbols (functions) indexed for address lookups. */
  get functionCount(): number {
    return this.code.length;
  }

  /** All code symbols, sorted by address (within section for relocatable objects). */
  functions(): readonly ElfSymbol[] {
    return this.code;
  }

  /** Every symbol with this exact name (any type), in table order. */
  byName(name: string): readonly ElfSymbol[] {
    return this.names.get(name) ?? [];
  }

  /**
   * The code symbol containing `address`. For relocatable objects (where values are section offsets)
   * pass the section index. A symbol with st_size covers [value, value+size); one without covers up to
   * the next symbol, as kallsyms does; so does a sized one for the padding between its end and the
   * next symbol (then `size` is that distance, the size the kernel prints).
   */
  lookup(address: bigint, sectionIndex?: number): SymbolHit | undefined {
    const code = this.code;
    const rel = this.relocatable && sectionIndex !== undefined;
    // Binary search: last entry with (shndx, value) <= (sectionIndex, address).
    let lo = 0;
    let hi = code.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const s = code[mid]!;
      const before = rel && s.shndx !== sectionIndex ? s.shndx < sectionIndex! : s.value <= address;
      if (before) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) return undefined;
    const nearest = this.firstAt(lo - 1);
    const near = code[nearest]!;
    if (rel && near.shndx !== sectionIndex) return undefined;
    const span = this.spans[nearest]!;
    // 1. A sized symbol starting at the closest start below the address and containing it.
    for (let k = nearest; k < lo; k++) {
      const t = code[k]!;
      if (t.size > 0n && address < t.value + t.size) return { symbol: t, offset: address - t.value, size: t.size };
    }
    // 2. An unsized symbol there (an assembly label, possibly inside a function) reaching the address:
    // kallsyms, which knows only starts, names this one too.
    if (near.size === 0n && (span === 0n || address < near.value + span))
      return { symbol: near, offset: address - near.value, size: span };
    // 3. A sized symbol further back that encloses the address (nested symbols). Bounded: a few
    // groups back, so an address in a gap never costs a walk over the whole table.
    for (let i = nearest - 1, groups = 0; i >= 0 && groups < 64; groups++) {
      const first = this.firstAt(i);
      if (rel && code[first]!.shndx !== sectionIndex) break;
      for (let k = first; k <= i; k++) {
        const t = code[k]!;
        if (t.size > 0n && address < t.value + t.size) return { symbol: t, offset: address - t.value, size: t.size };
      }
      i = first - 1;
    }
    // 4. Padding after a sized function, before the next symbol: kallsyms prints the function, with
    // the distance to the next symbol as its size.
    if (span !== 0n && address < near.value + span) return { symbol: near, offset: address - near.value, size: span };
    return undefined;
  }

  private firstAt(i: number): number {
    return this.first[i] ?? i;
  }

  /**
   * `name+offset` (with the `/size` the kernel printed, when known) → the symbol meant. Several
   * functions may share a name (statics in different files); the size picks one, matching st_size or
   * the kallsyms-style distance to the next symbol. Returns undefined when nothing (or more than one
   * candidate, with no size to decide) matches.
   */
  resolve(name: string, size?: bigint): ElfSymbol | undefined {
    const all = this.byName(name).filter((s) => s.shndx !== SHN_UNDEF);
    const funcs = all.filter((s) => s.type === STT_FUNC || s.type === STT_GNU_IFUNC);
    const cands = funcs.length > 0 ? funcs : all;
    if (cands.length <= 1) return cands[0];
    if (size === undefined) return undefined;
    const bySize = cands.filter((s) => s.size === size);
    if (bySize.length === 1) return bySize[0];
    const bySpan = cands.filter((s) => this.spanOf(s) === size);
    if (bySpan.length === 1) return bySpan[0];
    return undefined;
  }

  /** Distance from a code symbol to the next one (0n if last or not a code symbol). */
  spanOf(s: ElfSymbol): bigint {
    const i = this.code.indexOf(s);
    return i < 0 ? 0n : (this.spans[this.firstAt(i)] ?? 0n);
  }
}

/** Reads the object's symbol table: .symtab if present, else .dynsym; an empty table if neither. */
export async function readSymbolTable(elf: ElfFile): Promise<SymbolTable> {
  const sec = elf.sections.find((s) => s.type === SHT_SYMTAB) ?? elf.sections.find((s) => s.type === SHT_DYNSYM);
  if (!sec || sec.type === SHT_NOBITS) return new SymbolTable([], elf);
  const entsize = elf.is64 ? 24 : 16;
  if (sec.entsize !== 0 && sec.entsize !== entsize)
    throw new OopsError("E_ELF_SYMBOL", `${sec.name}: sh_entsize ${sec.entsize}, expected ${entsize}`, sec.offset);
  const strSec = elf.sections[sec.link];
  if (!strSec) throw new OopsError("E_ELF_SYMBOL", `${sec.name}: sh_link ${sec.link} is not a section`, sec.offset);
  const table = await elf.sectionData(sec);
  const strtab = await elf.sectionData(strSec);
  const shndxSec = elf.sections.find((s: ElfSection) => s.type === SHT_SYMTAB_SHNDX && s.link === sec.index);
  const shndx = shndxSec ? await elf.sectionData(shndxSec) : undefined;
  return new SymbolTable(parseSymbols(elf, table, sec.offset, strtab, strSec.offset, shndx), elf);
}
