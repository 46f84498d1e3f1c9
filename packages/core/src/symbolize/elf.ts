/**
 * Joins the ELF layer to the symbolizer: turns an opened `ElfFile` into a `DwarfSymbolizer` whose debug
 * sections are decompressed and (for `.ko`/`.o` files) relocated, and whose `symbol+offset` queries
 * are answered by the object's symbol table — same-name static functions told apart by the `/size`
 * the kernel printed, and section-relative symbol values of relocatable objects placed where the
 * relocated DWARF puts their section.
 */

import { ET_REL, STT_FUNC, STT_GNU_IFUNC } from "../elf/constants.js";
import { ElfDebugSections } from "../elf/debug-sections.js";
import type { ElfFile } from "../elf/file.js";
import { readSymbolTable, type SymbolTable } from "../elf/symbols.js";
import { DwarfSymbolizer, type SymbolInfo, type SymbolLookup } from "./symbolizer.js";

/** A `SymbolLookup` over an ELF symbol table. */
export function elfSymbolLookup(elf: ElfFile, table: SymbolTable): SymbolLookup {
  const rel = elf.type === ET_REL;
  const sectionName = (shndx: number) => elf.sections[shndx]?.name;
  const info = (s: { name: string; value: bigint; size: bigint; shndx: number; type: number }): SymbolInfo => {
    const size = s.size > 0n ? s.size : table.spanOf(s as never);
    const section = sectionName(s.shndx);
    return rel && section !== undefined
      ? { name: s.name, address: s.value, size, section }
      : { name: s.name, address: s.value, size };
  };
  return {
    byName(name) {
      const all = table.byName(name).filter((s) => s.shndx !== 0 && s.shndx < 0xff00);
      const funcs = all.filter((s) => s.type === STT_FUNC || s.type === STT_GNU_IFUNC);
      return (funcs.length > 0 ? funcs : all).map(info);
    },
    at(address, section) {
      if (rel && section !== undefined) {
        const sec = elf.section(section);
        if (!sec) return undefined;
        return mapHit(table.lookup(address, sec.index));
      }
      return mapHit(table.lookup(address));
    },
  };
  function mapHit(h: ReturnType<SymbolTable["lookup"]>): SymbolInfo | undefined {
    return h ? info(h.symbol) : undefined;
  }
}

/** A symbolizer over an ELF object (vmlinux, a `.ko`, a `.o`): relocated DWARF plus its symbol table. */
export async function openElfSymbolizer(elf: ElfFile): Promise<DwarfSymbolizer> {
  const sections = new ElfDebugSections(elf);
  const table = await readSymbolTable(elf);
  const lookup = elfSymbolLookup(elf, table);
  const sym = new DwarfSymbolizer(sections, {
    byName: lookup.byName,
    // The symbolizer passes DWARF addresses; for relocatable objects convert back to section offsets.
    at: (address, section) => {
      if (rel(elf) && section !== undefined) {
        const base = sections.sectionAddress(section) ?? 0n;
        return lookup.at?.(address - base, section);
      }
      return lookup.at?.(address);
    },
  });
  return sym;
}

function rel(elf: ElfFile): boolean {
  return elf.type === ET_REL;
}
