/**
 * An ELF symbol table turned into the symbol lookup the symbolizer takes (`byName`, `at`): names give
 * every defined symbol with its size — sorted so the one `SymbolTable.resolve` would pick comes
 * first — and addresses in the symbolizer's address space (a relocatable object's sections laid out
 * as its `ElfDebugSections` lays them out) map back to the code symbol containing them.
 */

import { ET_REL, SHN_LORESERVE, SHN_UNDEF, STT_FUNC, STT_GNU_IFUNC } from "./constants.js";
import type { ElfDebugSections } from "./debug-sections.js";
import type { ElfSymbol, SymbolTable } from "./symbols.js";

/** Same shape as the symbolizer's `SymbolInfo` (structurally typed: elf/ does not import downstream). */
export interface ElfSymbolInfo {
  readonly name: string;
  /** st_value: absolute in linked objects, section-relative in relocatable ones. */
  readonly address: bigint;
  readonly size: bigint;
  /** The section name, for relocatable objects only. */
  readonly section?: string;
}

export interface LaidOutSymbolLookup {
  byName(name: string): readonly ElfSymbolInfo[];
  at(address: bigint, section?: string): ElfSymbolInfo | undefined;
}

export function laidOutSymbolLookup(table: SymbolTable, ds: ElfDebugSections): LaidOutSymbolLookup {
  const elf = ds.elf;
  const rel = elf.type === ET_REL;
  const info = (s: ElfSymbol): ElfSymbolInfo => {
    const sec = s.shndx < SHN_LORESERVE ? elf.sections[s.shndx] : undefined;
    return rel && sec
      ? { name: s.name, address: s.value, size: s.size, section: sec.name }
      : { name: s.name, address: s.value, size: s.size };
  };
  return {
    byName(name) {
      const all = table.byName(name).filter((s) => s.shndx !== SHN_UNDEF);
      const isFunc = (s: ElfSymbol) => s.type === STT_FUNC || s.type === STT_GNU_IFUNC;
      return [...all].sort((a, b) => Number(isFunc(b)) - Number(isFunc(a))).map(info);
    },
    at(address, section) {
      if (!rel) {
        const hit = table.lookup(address);
        return hit ? info(hit.symbol) : undefined;
      }
      // A relocatable object: find the allocated section whose laid-out range holds the address.
      const candidates = elf.sections.filter(
        (s) => (s.flags & 2n) !== 0n && (section === undefined || s.name === section),
      );
      for (const s of candidates) {
        const base = ds.sectionBase(s.index);
        if (address < base || address >= base + BigInt(s.size)) continue;
        const hit = table.lookup(address - base, s.index);
        if (hit) return info(hit.symbol);
      }
      return undefined;
    },
  };
}
