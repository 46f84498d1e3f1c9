/**
 * Joins the ELF layer to the symbolizer: turns an object file (vmlinux, a `.ko` — compressed or not —
 * or a `.o`) into a `DwarfSymbolizer` whose debug sections are decompressed and, for relocatable
 * objects, relocated with each section laid out at its own base, and whose `symbol+offset` queries
 * and DWARF-less addresses are answered by the object's symbol table (same-name static functions told
 * apart by the `/size` the kernel printed).
 */

import type { ByteSource } from "../binary/source.js";
import { type ElfObject, openElfObject } from "../elf/open.js";
import { DwarfSymbolizer } from "./symbolizer.js";

/** A symbolizer over an already opened ELF object. */
export function symbolizerForElf(obj: ElfObject): DwarfSymbolizer {
  return new DwarfSymbolizer(obj.sections, obj.lookup);
}

/** Opens an object file and returns its symbolizer. */
export async function openElfSymbolizer(source: ByteSource): Promise<DwarfSymbolizer> {
  return symbolizerForElf(await openElfObject(source));
}
