/**
 * One call from bytes to everything the symbolizer needs about an object: a module or vmlinux file
 * (plain, or `.ko.xz`/`.ko.zst`/`.ko.gz` told apart by magic bytes) in; the parsed `ElfFile`, its
 * `DebugSections` (decompressed, relocated, sections laid out), its symbol table, and the symbol
 * lookup over both out.
 */

import type { ByteSource } from "../binary/source.js";
import { type ModuleCompression, openMaybeCompressed } from "./compress.js";
import { type DebugSectionsOptions, ElfDebugSections } from "./debug-sections.js";
import { ElfFile, type ElfOpenOptions } from "./file.js";
import { type LaidOutSymbolLookup, laidOutSymbolLookup } from "./lookup.js";
import { readSymbolTable, type SymbolTable } from "./symbols.js";

export interface ElfObject {
  readonly elf: ElfFile;
  readonly sections: ElfDebugSections;
  readonly symbols: SymbolTable;
  readonly lookup: LaidOutSymbolLookup;
  /** How the file itself was compressed. */
  readonly compression: ModuleCompression;
}

export async function openElfObject(
  source: ByteSource,
  opts: ElfOpenOptions & DebugSectionsOptions = {},
): Promise<ElfObject> {
  const { source: plain, compression } = await openMaybeCompressed(source, opts.maxDecompressedSize);
  const elf = await ElfFile.open(plain, opts);
  const sections = new ElfDebugSections(elf, opts);
  const symbols = await readSymbolTable(elf);
  return { elf, sections, symbols, lookup: laidOutSymbolLookup(symbols, sections), compression };
}
