/**
 * Fuzzing support for the ELF reader: a valid ELF file in, a mutated one out (bit flips, truncations,
 * and header, section-header, symbol, relocation and compression-header fields set to hostile values
 * such as 0, all-ones, 2^63 or the file size), plus `exerciseElf`, which drives a file through every
 * reader entry point. Pure and deterministic for a given random source; `scripts/fuzz-elf.mjs` runs it
 * at scale and a unit test runs a short batch. The contract being checked: only `OopsError` escapes.
 */

import { Cursor } from "../binary/cursor.js";
import { bytesSource } from "../binary/source.js";
import { OopsError } from "../errors.js";
import { openMaybeCompressed } from "./compress.js";
import { ElfDebugSections } from "./debug-sections.js";
import { ElfFile } from "./file.js";
import { laidOutSymbolLookup } from "./lookup.js";
import { readBuildId, readModinfo, readNotes } from "./notes.js";
import { readSymbolTable } from "./symbols.js";

/** A small, fast, seedable PRNG (mulberry32): uniform 32-bit outputs. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

interface Field {
  at: number;
  width: 1 | 2 | 4 | 8;
  what: string;
}

/** Where the interesting fields of an ELF file are, found once per seed file. */
export interface ElfMap {
  readonly le: boolean;
  readonly header: Field[];
  readonly sectionFields: Field[];
  /** [offset, size] of each section's bytes in the file. */
  readonly sectionRanges: [number, number, string][];
}

/** Finds header, section-header and section-content locations of a well-formed ELF seed. */
export function mapElf(b: Uint8Array): ElfMap | undefined {
  if (b.length < 64 || b[0] !== 0x7f || b[1] !== 0x45) return undefined;
  const is64 = b[4] === 2;
  const le = b[5] === 1;
  const c = new Cursor(b, le);
  const w = is64 ? 8 : 4;
  const header: Field[] = [
    { at: 4, width: 1, what: "EI_CLASS" },
    { at: 5, width: 1, what: "EI_DATA" },
    { at: 16, width: 2, what: "e_type" },
    { at: 18, width: 2, what: "e_machine" },
    { at: is64 ? 32 : 28, width: w, what: "e_phoff" },
    { at: is64 ? 40 : 32, width: w, what: "e_shoff" },
    { at: is64 ? 54 : 42, width: 2, what: "e_phentsize" },
    { at: is64 ? 56 : 44, width: 2, what: "e_phnum" },
    { at: is64 ? 58 : 46, width: 2, what: "e_shentsize" },
    { at: is64 ? 60 : 48, width: 2, what: "e_shnum" },
    { at: is64 ? 62 : 50, width: 2, what: "e_shstrndx" },
  ];
  const shoff = Number(c.seek(is64 ? 40 : 32).uN(w));
  const shnum = c.seek(is64 ? 60 : 48).u16();
  const shsize = is64 ? 64 : 40;
  const sectionFields: Field[] = [];
  const sectionRanges: [number, number, string][] = [];
  for (let i = 0; i < shnum && shoff + (i + 1) * shsize <= b.length; i++) {
    const base = shoff + i * shsize;
    const f = (off64: number, off32: number, width: 1 | 2 | 4 | 8, what: string) =>
      sectionFields.push({ at: base + (is64 ? off64 : off32), width, what: `section ${i} ${what}` });
    f(0, 0, 4, "sh_name");
    f(4, 4, 4, "sh_type");
    f(8, 8, is64 ? 8 : 4, "sh_flags");
    f(24, 16, is64 ? 8 : 4, "sh_offset");
    f(32, 20, is64 ? 8 : 4, "sh_size");
    f(40, 24, 4, "sh_link");
    f(44, 28, 4, "sh_info");
    f(48, 32, is64 ? 8 : 4, "sh_addralign");
    f(56, 36, is64 ? 8 : 4, "sh_entsize");
    const sc = new Cursor(b, le, 0, base + (is64 ? 24 : 16));
    const off = Number(sc.uN(w));
    const size = Number(sc.uN(w));
    const type = new Cursor(b, le, 0, base + 4).u32();
    if (type !== 8 && off + size <= b.length && size > 0) sectionRanges.push([off, size, `section ${i}`]);
  }
  return { le, header, sectionFields, sectionRanges };
}

function interesting(width: number, fileSize: number, r: () => number): bigint {
  const max = (1n << BigInt(width * 8)) - 1n;
  const vals = [0n, 1n, 2n, max, max - 1n, max >> 1n, (max >> 1n) + 1n, BigInt(fileSize), BigInt(fileSize - 1)];
  vals.push(BigInt(fileSize + 1), 0x10n, 0x40n, 0xffffn, 0x10000n);
  if (width >= 4) vals.push(0x7fffffffn, 0x80000000n, 0xffffffffn);
  if (width === 8) vals.push(1n << 53n, 1n << 63n);
  const v = vals[r() % vals.length]!;
  return r() % 4 === 0 ? BigInt(r()) & max : v & max;
}

function writeInt(b: Uint8Array, f: Field, v: bigint, le: boolean): void {
  if (f.at + f.width > b.length) return;
  for (let k = 0; k < f.width; k++) {
    b[f.at + (le ? k : f.width - 1 - k)] = Number((v >> BigInt(8 * k)) & 0xffn);
  }
}

/** One mutated copy of `seed`, with a description of what was done. */
export function mutateElf(
  seed: Uint8Array,
  map: ElfMap | undefined,
  r: () => number,
): { bytes: Uint8Array; how: string } {
  let b = seed.slice();
  const steps: string[] = [];
  const rounds = 1 + (r() % 3);
  for (let n = 0; n < rounds; n++) {
    const kind = map ? r() % 8 : r() % 3;
    if (kind === 0 || b.length === 0) {
      const flips = 1 + (r() % 16);
      for (let k = 0; k < flips && b.length > 0; k++) {
        const at = r() % b.length;
        b[at] = b[at]! ^ (1 << (r() % 8));
      }
      steps.push(`${flips} bit flips`);
    } else if (kind === 1) {
      const len = r() % 2 === 0 ? r() % Math.min(b.length, 512) : r() % b.length;
      b = b.slice(0, len);
      steps.push(`truncated to ${len}`);
    } else if (kind === 2) {
      const at = r() % b.length;
      const len = Math.min(b.length - at, 1 + (r() % 64));
      for (let k = 0; k < len; k++) b[at + k] = r() & 0xff;
      steps.push(`${len} random bytes at 0x${at.toString(16)}`);
    } else if (kind === 3 && map) {
      const f = map.header[r() % map.header.length]!;
      const v = interesting(f.width, b.length, r);
      writeInt(b, f, v, map.le);
      steps.push(`${f.what}=0x${v.toString(16)}`);
    } else if ((kind === 4 || kind === 5) && map && map.sectionFields.length > 0) {
      const f = map.sectionFields[r() % map.sectionFields.length]!;
      let v = interesting(f.width, b.length, r);
      // Half of the sh_flags mutations just switch SHF_COMPRESSED on or off.
      if (f.what.endsWith("sh_flags") && r() % 2 === 0) v = 0x800n | BigInt(r() % 8);
      writeInt(b, f, v, map.le);
      steps.push(`${f.what}=0x${v.toString(16)}`);
    } else if (map && map.sectionRanges.length > 0) {
      // Inside one section's contents: symbols, relocations, notes, compression headers, DWARF.
      const [off, size, what] = map.sectionRanges[r() % map.sectionRanges.length]!;
      const width = ([1, 2, 4, 8] as const)[r() % 4]!;
      const at = off + (r() % Math.max(1, size - width + 1));
      const v = interesting(width, b.length, r);
      writeInt(b, { at, width, what }, v, map.le);
      steps.push(`${what} +0x${(at - off).toString(16)} (${width} bytes)=0x${v.toString(16)}`);
    }
  }
  return { bytes: b, how: steps.join("; ") };
}

export interface ExerciseOptions {
  /** A further stage (the DWARF symbolizer) run on the opened file. */
  extra?: (elf: ElfFile, sections: ElfDebugSections) => Promise<void>;
  /** Ceiling on decompressed sizes (keeps fuzzing fast); default 32 MiB. */
  maxDecompressedSize?: number;
}

export interface ExerciseResult {
  /** Stages reached. */
  stages: number;
  /** Codes of the OopsErrors met (each stage may fail on its own). */
  codes: string[];
}

/**
 * Drives a (possibly broken) file through the reader: decompression sniffing, open, notes, build-id,
 * modinfo, symbols and lookups, every debug section whole and by range, then `extra`. OopsErrors are
 * collected; anything else is thrown to the caller, which counts it as a bug.
 */
export async function exerciseElf(bytes: Uint8Array, opts: ExerciseOptions = {}): Promise<ExerciseResult> {
  const max = opts.maxDecompressedSize ?? 32 * 1024 * 1024;
  const codes: string[] = [];
  let stages = 0;
  const attempt = async (fn: () => Promise<void>): Promise<boolean> => {
    try {
      await fn();
      stages++;
      return true;
    } catch (e) {
      if (!(e instanceof OopsError)) throw e;
      codes.push(e.code);
      return false;
    }
  };
  let elf: ElfFile | undefined;
  const ok = await attempt(async () => {
    const { source } = await openMaybeCompressed(bytesSource(bytes), max);
    elf = await ElfFile.open(source, { maxDecompressedSize: max, cache: { blockSize: 4096, maxBlocks: 8 } });
  });
  if (!ok || !elf) return { stages, codes };
  const f = elf;
  await attempt(async () => {
    await readNotes(f);
    await readBuildId(f);
    await readModinfo(f);
  });
  const ds = new ElfDebugSections(f);
  await attempt(async () => {
    const table = await readSymbolTable(f);
    const lookup = laidOutSymbolLookup(table, ds);
    const funcs = table.functions();
    for (let i = 0; i < funcs.length; i += Math.max(1, funcs.length >> 3)) {
      const s = funcs[i]!;
      table.lookup(s.value + 1n, s.shndx);
      table.lookup(s.value + s.size);
      table.resolve(s.name, s.size);
      lookup.byName(s.name);
      lookup.at(s.value + 2n);
    }
    table.lookup(0n);
    table.lookup((1n << 64n) - 1n);
  });
  for (const name of ds.names()) {
    await attempt(async () => {
      const size = ds.sectionSize(name) ?? 0;
      await ds.section(name);
      await ds.sectionRange(name, size >> 1, 64);
      await ds.sectionRange(name, size + 10, 64);
    });
  }
  if (opts.extra) {
    const extra = opts.extra;
    await attempt(() => extra(f, ds));
  }
  return { stages, codes };
}
