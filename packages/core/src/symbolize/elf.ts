/**
 * Joins the ELF layer to the symbolizer: turns an object file (vmlinux, a `.ko` — compressed or not —
 * or a `.o`) into a `DwarfSymbolizer` whose debug sections are decompressed and, for relocatable
 * objects, relocated with each section laid out at its own base, and whose `symbol+offset` queries
 * and DWARF-less addresses are answered by the object's symbol table (same-name static functions told
 * apart by the `/size` the kernel printed). The symbol table is read only when a query needs it.
 */

import type { ByteSource } from "../binary/source.js";
import { openMaybeCompressed } from "../elf/compress.js";
import { ElfDebugSections } from "../elf/debug-sections.js";
import { ElfFile } from "../elf/file.js";
import { laidOutSymbolLookup } from "../elf/lookup.js";
import type { ElfObject } from "../elf/open.js";
import { readSymbolTable } from "../elf/symbols.js";
import { DwarfSymbolizer, returnAddressStepFor, type SymbolizerOptions } from "./symbolizer.js";

/** The caller's options, with the return-address step of the object's machine unless given. */
const withStep = (elf: ElfFile, options: SymbolizerOptions): SymbolizerOptions =>
  options.returnAddressStep !== undefined
    ? options
    : { ...options, returnAddressStep: returnAddressStepFor(elf.machine) };

/** A symbolizer over an already opened ELF object. */
export function symbolizerForElf(obj: ElfObject, options: SymbolizerOptions = {}): DwarfSymbolizer {
  return new DwarfSymbolizer(obj.sections, obj.lookup, withStep(obj.elf, options));
}

/** Opens an object file and returns its symbolizer; the symbol table is loaded lazily. */
export async function openElfSymbolizer(source: ByteSource, options: SymbolizerOptions = {}): Promise<DwarfSymbolizer> {
  const { source: plain } = await openMaybeCompressed(source);
  const elf = await ElfFile.open(plain);
  const sections = new ElfDebugSections(elf);
  return new DwarfSymbolizer(
    sections,
    async () => laidOutSymbolLookup(await readSymbolTable(elf), sections),
    withStep(elf, options),
  );
}
