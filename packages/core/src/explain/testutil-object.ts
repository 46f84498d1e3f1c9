/**
 * Test helpers for explain/ on a module object (the lab's oopslab.ko): one function of the object →
 * its instructions (decoded from the object's own bytes, offsets from the function's start), a
 * GlobalNamer and a GlobalContext over them; and the committed oracle texts read back — objdump -dr
 * → one function's lines, readelf -sSW → the data object covering section+offset. Used only by
 * *.test.ts files.
 */

import type { ArchId } from "../arch/types.js";
import { disassembleCode } from "../disasm/code.js";
import type { Instruction } from "../disasm/types.js";
import type { ElfDebugSections } from "../elf/debug-sections.js";
import type { DwarfSymbolizer } from "../symbolize/symbolizer.js";
import { type GlobalContext, GlobalNamer } from "./globals.js";
import { semanticsFor } from "./semantics/index.js";
import type { Effect, Semantics } from "./semantics/types.js";

/** Function `name` of a little-endian object, decoded, with a GlobalNamer and a context faulting at its last instruction. */
export async function decodeObjectFunction(
  sym: DwarfSymbolizer,
  arch: ArchId,
  name: string,
): Promise<{ insns: Instruction[]; effects: Effect[]; sem: Semantics; namer: GlobalNamer; ctx: GlobalContext }> {
  const sem = semanticsFor(arch) as Semantics;
  const ds = sym.sections as ElfDebugSections;
  const fn = (await sym.symbols())?.byName(name)[0];
  if (!fn?.section) throw new Error(name);
  const sec = ds.elf.section(fn.section);
  if (!sec) throw new Error(fn.section);
  const bytes = await ds.elf.sectionDataRange(sec, Number(fn.address), Number(fn.size));
  const insns = disassembleCode({ arch, endian: "little" }, { bytes, faultIndex: 0 });
  const namer = await GlobalNamer.open(sym, fn);
  if (!namer) throw new Error("no namer");
  const effects = insns.map((i) => sem.effect(i));
  const ctx: GlobalContext = {
    insns,
    effects,
    sem,
    faultIndex: insns.length - 1,
    registers: {},
    offsetOf: (i) => insns[i]?.offset,
    blockStart: () => 0,
    variable: async () => undefined,
    member: async () => undefined,
  };
  return { insns, effects, sem, namer, ctx };
}

/** objdump -dr text: the lines of function `name` (from its `<name>:` header) and its start address. */
export function objdumpFunction(objdump: string, name: string): { lines: string[]; start: number } {
  const from = objdump.indexOf(`<${name}>:\n`);
  if (from < 0) throw new Error(name);
  const start = Number.parseInt(objdump.slice(objdump.lastIndexOf("\n", from) + 1, from), 16);
  const end = objdump.indexOf(">:\n", from + name.length + 4);
  return { lines: objdump.slice(from, end < 0 ? undefined : end).split("\n"), start };
}

/** readelf -sSW text: the data object covering section+offset, and the offset in it. */
export function readelfObjectAt(
  readelf: string,
  section: string,
  offset: number,
): { name: string; offset: number } | undefined {
  const idx = new RegExp(`^\\s*\\[\\s*(\\d+)\\] ${section.replace(".", "\\.")}\\s`, "m").exec(readelf)?.[1];
  for (const l of readelf.split("\n")) {
    const f = l.trim().split(/\s+/);
    if (f[3] !== "OBJECT" || f[6] !== idx) continue;
    const v = Number.parseInt(f[1] as string, 16);
    if (offset >= v && offset < v + Number(f[2])) return { name: f[7] as string, offset: offset - v };
  }
  return undefined;
}
