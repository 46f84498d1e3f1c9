/**
 * Notes and module metadata of an ELF object turned into plain values: the note records of SHT_NOTE
 * sections (gABI, "Note Section": namesz, descsz, type, then name and descriptor each padded to the
 * section's alignment — 4, or 8 for 8-aligned note sections such as .note.gnu.property), the GNU
 * build-id (note "GNU", type NT_GNU_BUILD_ID), and a kernel module's `.modinfo` strings
 * (`key=value\0` records written by the MODULE_INFO() macro, include/linux/moduleparam.h).
 */

import { Cursor } from "../binary/cursor.js";
import { OopsError } from "../errors.js";
import { NT_GNU_BUILD_ID, SHT_NOTE } from "./constants.js";
import type { ElfFile, ElfSection } from "./file.js";

export interface ElfNote {
  readonly name: string;
  readonly type: number;
  readonly desc: Uint8Array;
  /** The section the note came from. */
  readonly section: string;
}

/** Parses the note records of one note section's bytes. */
export function parseNotes(bytes: Uint8Array, littleEndian: boolean, align: number, base: number, section: string) {
  const notes: ElfNote[] = [];
  const a = align === 8 ? 8 : 4;
  const pad = (n: number) => (n + a - 1) & ~(a - 1);
  const c = new Cursor(bytes, littleEndian, base);
  while (c.remaining >= 12) {
    const at = c.pos;
    const namesz = c.u32();
    const descsz = c.u32();
    const type = c.u32();
    // Name and descriptor are each padded so the next field starts aligned relative to the note's
    // start: for 8-aligned notes "GNU\0" needs no padding after the 12-byte header.
    const descAt = at + pad(12 + namesz);
    if (namesz > c.remaining || descAt > c.length)
      throw new OopsError("E_ELF_SECTION", `${section}: note name of ${namesz} bytes runs past the section`, base + at);
    const nameBytes = c.slice(namesz);
    const nul = nameBytes.indexOf(0);
    const name = new TextDecoder().decode(nul < 0 ? nameBytes : nameBytes.subarray(0, nul));
    c.seek(descAt);
    if (descsz > c.remaining)
      throw new OopsError(
        "E_ELF_SECTION",
        `${section}: note descriptor of ${descsz} bytes runs past the section`,
        base + at,
      );
    const desc = c.slice(descsz);
    c.seek(Math.min(c.length, at + pad(descAt - at + descsz)));
    notes.push({ name, type, desc, section });
  }
  return notes;
}

/** Every note of every SHT_NOTE section. */
export async function readNotes(elf: ElfFile): Promise<ElfNote[]> {
  const out: ElfNote[] = [];
  for (const s of elf.sections) {
    if (s.type !== SHT_NOTE) continue;
    const bytes = await elf.sectionData(s);
    out.push(...parseNotes(bytes, elf.littleEndian, Number(s.addralign), s.offset, s.name));
  }
  return out;
}

/** The GNU build-id as lowercase hex, or undefined when the object has none. */
export async function readBuildId(elf: ElfFile): Promise<string | undefined> {
  const n = (await readNotes(elf)).find((x) => x.name === "GNU" && x.type === NT_GNU_BUILD_ID);
  if (!n) return undefined;
  return Array.from(n.desc, (b) => b.toString(16).padStart(2, "0")).join("");
}

export interface ModInfo {
  /** Every key with its values in file order (`alias`, `depends`, `parm`… repeat). */
  readonly entries: ReadonlyMap<string, readonly string[]>;
  /** Module name: the `name=` entry, else the name in `.gnu.linkonce.this_module`. */
  readonly name?: string;
  readonly vermagic?: string;
}

/** Splits `.modinfo` bytes into key → values. */
export function parseModinfo(bytes: Uint8Array): Map<string, string[]> {
  const map = new Map<string, string[]>();
  const dec = new TextDecoder();
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== 0) continue;
    if (i > start) {
      const rec = dec.decode(bytes.subarray(start, i));
      const eq = rec.indexOf("=");
      const key = eq < 0 ? rec : rec.slice(0, eq);
      const value = eq < 0 ? "" : rec.slice(eq + 1);
      const list = map.get(key);
      if (list) list.push(value);
      else map.set(key, [value]);
    }
    start = i + 1;
  }
  return map;
}

/**
 * A kernel module's `.modinfo`, or undefined when the object has none. Kernels before 5.4 wrote no
 * `name=` record; then the name is read from `struct module` in `.gnu.linkonce.this_module`, whose
 * first members have long been `enum module_state state; struct list_head list; char name[...]`
 * (include/linux/module.h), so the name starts after an int padded to a pointer and two pointers.
 */
export async function readModinfo(elf: ElfFile): Promise<ModInfo | undefined> {
  const sec = elf.section(".modinfo");
  if (!sec) return undefined;
  const entries = parseModinfo(await elf.sectionData(sec));
  let name = entries.get("name")?.[0];
  if (name === undefined) name = await thisModuleName(elf, elf.section(".gnu.linkonce.this_module"));
  const vermagic = entries.get("vermagic")?.[0];
  return { entries, ...(name !== undefined ? { name } : {}), ...(vermagic !== undefined ? { vermagic } : {}) };
}

async function thisModuleName(elf: ElfFile, sec: ElfSection | undefined): Promise<string | undefined> {
  if (!sec) return undefined;
  const at = elf.addressSize * 3;
  const bytes = await elf.sectionDataRange(sec, at, 64);
  const nul = bytes.indexOf(0);
  if (nul <= 0) return undefined;
  const name = new TextDecoder().decode(bytes.subarray(0, nul));
  return /^[\w-]+$/.test(name) ? name : undefined;
}
