/**
 * The `DebugSections` the DWARF reader consumes, implemented over an `ElfFile`: a section name
 * (`.debug_info`) in, its contents out — decompressed (SHF_COMPRESSED or the `.zdebug_info` spelling)
 * and, in a relocatable object, with its relocations applied (`relocs.ts`). Sections that need neither
 * are read by range straight from the file, so a 174 MB `.debug_info` of a vmlinux is fetched one
 * compilation unit at a time; the others are built whole once and kept, within a memory budget.
 *
 * In a relocatable object every section starts at 0, so `.text` and `.init.text` code would share
 * addresses in the DWARF. By default ("packed" layout) each allocated section gets its own base —
 * its sh_addr when a tool has set them apart (LLVM's object reader adds sh_addr to ET_REL symbol
 * values too; `ld -r` leaves overlapping leftovers such as MIPS's .MIPS.options at 0x18), otherwise
 * consecutive, aligned to sh_addralign, from 0 in section order — and `sectionAddress()` reports it,
 * so `section`+offset queries stay apart. The "zero" layout keeps every section at 0, as GNU
 * readelf -R shows relocated contents.
 */

import type { DebugSections } from "../dwarf/sections.js";
import { OopsError } from "../errors.js";
import { ET_REL, SHF_ALLOC, SHT_DYNSYM, SHT_NOBITS, SHT_SYMTAB } from "./constants.js";
import type { ElfFile, ElfSection } from "./file.js";
import { applyRelocations, parseRelocations, relocationSectionsFor } from "./relocs.js";
import { type ElfSymbol, parseSymbols } from "./symbols.js";

export interface DebugSectionsOptions {
  /** Bytes of built (decompressed/relocated) section contents kept in memory; default 512 MiB. */
  memoryBudget?: number;
  /** Apply relocations of ET_REL objects (default true). */
  relocate?: boolean;
  /** Where allocated sections of an ET_REL object start: "packed" (default) or all at "zero". */
  layout?: "packed" | "zero";
}

export class ElfDebugSections implements DebugSections {
  readonly littleEndian: boolean;
  readonly addressSize: 4 | 8;
  readonly machine: number;
  private readonly built = new Map<string, Promise<Uint8Array>>();
  private builtBytes = 0;
  private readonly budget: number;
  private readonly relocate: boolean;
  private readonly symtabs = new Map<number, Promise<ElfSymbol[]>>();
  /** Base address of each allocated section of an ET_REL object, by section index. */
  private readonly bases = new Map<number, bigint>();

  constructor(
    readonly elf: ElfFile,
    opts: DebugSectionsOptions = {},
  ) {
    this.littleEndian = elf.littleEndian;
    this.addressSize = elf.addressSize;
    this.machine = elf.machine;
    this.budget = opts.memoryBudget ?? 512 * 1024 * 1024;
    this.relocate = (opts.relocate ?? true) && elf.type === ET_REL;
    if (elf.type === ET_REL && (opts.layout ?? "packed") === "packed") {
      const alloc = elf.sections.filter((x) => (x.flags & BigInt(SHF_ALLOC)) !== 0n);
      if (alloc.some((x) => x.addr !== 0n) && !overlapping(alloc)) {
        for (const x of alloc) this.bases.set(x.index, x.addr);
      } else {
        let next = 0n;
        for (const x of alloc) {
          const align = x.addralign > 1n ? x.addralign : 1n;
          const base = ((next + align - 1n) / align) * align;
          this.bases.set(x.index, base);
          next = base + BigInt(x.size);
        }
      }
    }
  }

  /** Base address of section `index` under the layout (0 for non-allocated and linked-file sections). */
  sectionBase(index: number): bigint {
    return this.bases.get(index) ?? 0n;
  }

  /**
   * The address offset 0 of section `name` has in the (relocated) DWARF: its base in an ET_REL object,
   * its sh_addr in a linked one.
   */
  sectionAddress(name: string): bigint | undefined {
    const s = this.elf.sections.find((x) => x.name === name && (x.flags & BigInt(SHF_ALLOC)) !== 0n);
    if (!s) return undefined;
    return this.elf.type === ET_REL ? this.sectionBase(s.index) : s.addr;
  }

  /** The ELF section behind a DWARF section name: `.debug_x`, else the GNU-compressed `.zdebug_x`. */
  find(name: string): ElfSection | undefined {
    const s = this.elf.section(name);
    if (s && s.type !== SHT_NOBITS) return s;
    if (name.startsWith(".debug")) {
      const z = this.elf.section(`.z${name.slice(1)}`);
      if (z && z.type !== SHT_NOBITS) return z;
    }
    return undefined;
  }

  /**
   * Every ELF section behind a DWARF section name. A relocatable object can hold several of one name:
   * type units go to COMDAT groups, one `.debug_types` (DWARF 4) or `.debug_info` (DWARF 5) section
   * per group. They are read as a linker would lay them out, one after the other.
   */
  findAll(name: string): ElfSection[] {
    const direct = this.elf.sectionsNamed(name).filter((x) => x.type !== SHT_NOBITS);
    if (direct.length > 0 || !name.startsWith(".debug")) return direct;
    return this.elf.sectionsNamed(`.z${name.slice(1)}`).filter((x) => x.type !== SHT_NOBITS);
  }

  /** Names of the debug sections present, in `.debug_*` spelling. */
  names(): string[] {
    const out: string[] = [];
    for (const s of this.elf.sections) {
      if (s.type === SHT_NOBITS) continue;
      if (s.name.startsWith(".debug")) out.push(s.name);
      else if (s.name.startsWith(".zdebug")) out.push(`.${s.name.slice(2)}`);
    }
    return [...new Set(out)];
  }

  sectionSize(name: string): number | undefined {
    const all = this.findAll(name);
    return all.length === 0 ? undefined : all.reduce((n, x) => n + x.dataSize, 0);
  }

  private needsBuild(s: ElfSection): boolean {
    return s.compression !== undefined || (this.relocate && relocationSectionsFor(this.elf, s).length > 0);
  }

  async section(name: string): Promise<Uint8Array | undefined> {
    const secs = this.findAll(name);
    const s = secs[0];
    if (!s) return undefined;
    if (secs.length > 1) return this.joined(name, secs);
    if (!this.needsBuild(s)) return this.elf.sectionData(s);
    return this.build(s);
  }

  async sectionRange(name: string, offset: number, length: number, direct = false): Promise<Uint8Array> {
    const secs = this.findAll(name);
    const s = secs[0];
    if (!s) throw new OopsError("E_DWARF_MISSING", `no ${name} section`);
    if (secs.length === 1 && !this.needsBuild(s)) return this.elf.sectionDataRange(s, offset, length, direct);
    const all = secs.length > 1 ? await this.joined(name, secs) : await this.build(s);
    const start = Math.max(0, Math.min(offset, all.length));
    return all.subarray(start, Math.max(start, Math.min(all.length, offset + Math.max(0, length))));
  }

  /** Same-named sections, each decompressed and relocated, concatenated in section order. */
  private joined(name: string, secs: ElfSection[]): Promise<Uint8Array> {
    const key = `joined:${name}`;
    const hit = this.built.get(key);
    if (hit) return hit;
    const total = secs.reduce((n, x) => n + x.dataSize, 0);
    const p = (async () => {
      // Built first, allocated after: a compressed part's size is only a claim until decompressed.
      const parts: Uint8Array[] = [];
      for (const x of secs)
        parts.push(this.needsBuild(x) ? await this.buildUncached(x) : await this.elf.sectionData(x));
      const out = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
      let at = 0;
      for (const part of parts) {
        out.set(part, at);
        at += part.length;
      }
      return out;
    })();
    if (this.builtBytes + total <= this.budget) {
      this.built.set(key, p);
      this.builtBytes += total;
      p.catch(() => {
        this.built.delete(key);
        this.builtBytes -= total;
      });
    }
    return p;
  }

  private build(s: ElfSection): Promise<Uint8Array> {
    const key = `${s.index}`;
    const hit = this.built.get(key);
    if (hit) return hit;
    const p = this.buildUncached(s);
    if (this.builtBytes + s.dataSize <= this.budget) {
      this.built.set(key, p);
      this.builtBytes += s.dataSize;
      p.catch(() => {
        this.built.delete(key);
        this.builtBytes -= s.dataSize;
      });
    }
    return p;
  }

  private async buildUncached(s: ElfSection): Promise<Uint8Array> {
    const data = await this.elf.sectionData(s);
    if (!this.relocate) return data;
    const rels = relocationSectionsFor(this.elf, s);
    if (rels.length === 0) return data;
    // Never modify bytes that may be shared with the block cache.
    const out = s.compression ? data : data.slice();
    for (const rs of rels) {
      const symbols = await this.symbolsOf(rs.link);
      const entries = parseRelocations(this.elf, await this.elf.sectionData(rs), rs);
      applyRelocations(this.elf, out, entries, symbols, rs, s.name, (i) => this.sectionBase(i));
    }
    return out;
  }

  private symbolsOf(index: number): Promise<ElfSymbol[]> {
    let p = this.symtabs.get(index);
    if (!p) {
      p = (async () => {
        const sec = this.elf.sections[index];
        if (!sec || (sec.type !== SHT_SYMTAB && sec.type !== SHT_DYNSYM))
          throw new OopsError("E_ELF_RELOCATION", `relocation section links to section ${index}, not a symbol table`);
        const strSec = this.elf.sections[sec.link];
        if (!strSec)
          throw new OopsError("E_ELF_SYMBOL", `${sec.name}: sh_link ${sec.link} is not a section`, sec.offset);
        return parseSymbols(
          this.elf,
          await this.elf.sectionData(sec),
          sec.offset,
          await this.elf.sectionData(strSec),
          strSec.offset,
        );
      })();
      this.symtabs.set(index, p);
    }
    return p;
  }
}

/** True when two non-empty sections' [sh_addr, sh_addr + size) ranges overlap. */
function overlapping(secs: readonly ElfSection[]): boolean {
  const r = secs.filter((x) => x.size > 0).sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0));
  for (let i = 1; i < r.length; i++) if (r[i]!.addr < r[i - 1]!.addr + BigInt(r[i - 1]!.size)) return true;
  return false;
}
