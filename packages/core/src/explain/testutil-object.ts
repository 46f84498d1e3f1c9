/**
 * Test helpers for explain/ on a module object (the lab's oopslab.ko): one function of the object →
 * its instructions (decoded from the object's own bytes, offsets from the function's start), a
 * GlobalNamer and a GlobalContext over them; and the committed oracle texts read back — objdump -dr
 * → one function's lines (or every line with its function), readelf -sSW → the data object covering
 * section+offset; and a list_poison capture turned into its LIST_POISON2 variant, explained. Used only
 * by *.test.ts files.
 */

import type { ArchId } from "../arch/types.js";
import { disassembleCode } from "../disasm/code.js";
import type { Instruction } from "../disasm/types.js";
import type { ElfDebugSections } from "../elf/debug-sections.js";
import type { DwarfSymbolizer } from "../symbolize/symbolizer.js";
import type { BinaryExplanation } from "./binary.js";
import { explainCrash } from "./explain.js";
import { type GlobalContext, GlobalNamer } from "./globals.js";
import { explainListPoisonCaller } from "./listpoison.js";
import { semanticsFor } from "./semantics/index.js";
import type { Effect, Semantics } from "./semantics/types.js";
import { decode, firstCrash } from "./testutil.js";

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

/** objdump -dr text: every line below a function's `<name>:` header, with that function's name and start address. */
export function* objdumpByFunction(objdump: string): Generator<{ fn: string; start: number; line: string }> {
  let fn = "";
  let start = 0;
  for (const line of objdump.split("\n")) {
    const h = /^([0-9a-f]+) <(\w+)>:$/.exec(line);
    if (h) {
      fn = h[2] as string;
      start = Number.parseInt(h[1] as string, 16);
      continue;
    }
    yield { fn, start, line };
  }
}

/**
 * A list_poison capture's log with LIST_POISON2 in `->prev` instead of LIST_POISON1 in `->next`:
 * what the oopslab frame names, and what lab_write's frame (it returns from a call of
 * lab_list_poison, not of a list check) names.
 */
export async function listPoisonPrev(
  log: string,
  sym: DwarfSymbolizer,
): Promise<{ frame: number; pointer: string | undefined; writer: number; fromWriter: BinaryExplanation | undefined }> {
  const crash = firstCrash(log.replace(/->next is LIST_POISON1 \(([0-9a-f]*)100\)/, "->prev is LIST_POISON2 ($1122)"));
  const e = explainCrash(crash, decode(crash));
  const frame = crash.frames.findIndex((f) => f.module === "oopslab");
  const pointer = (await explainListPoisonCaller(crash, e, sym, frame))?.verdict?.pointer;
  const writer = crash.frames.findIndex((f) => f.symbol === "lab_write");
  return { frame, pointer, writer, fromWriter: await explainListPoisonCaller(crash, e, sym, writer) };
}
