/**
 * The ELF reader against GNU readelf on real objects built by the cross compilers
 * (scripts/build-elf-fixtures.sh): for every fixture, the section table (readelf -S -W), program
 * headers (-l -W), every symbol (-s -W), the build-id (-n), `.modinfo` (-p), and the full contents of
 * every debug section after decompression and relocation (-z -R) must match what readelf printed.
 */

import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Cursor } from "../binary/cursor.js";
import { bytesSource } from "../binary/source.js";
import { OopsError } from "../errors.js";
import { inflateBounded, openMaybeCompressed, sniffCompression } from "./compress.js";
import { ET_REL, SHN_ABS, SHN_COMMON, SHN_UNDEF } from "./constants.js";
import { ElfDebugSections } from "./debug-sections.js";
import { ElfFile } from "./file.js";
import { readBuildId, readModinfo } from "./notes.js";
import { parseRelocations, relocationSectionsFor } from "./relocs.js";
import { readSymbolTable } from "./symbols.js";

const dir = fileURLToPath(new URL("../../test-data/elf/", import.meta.url));
const fixtures = readdirSync(dir)
  .filter((f) => /\.(ko|o|elf)$/.test(f))
  .sort();
const text = (f: string) => readFileSync(dir + f, "utf8");
const bytes = (f: string) => new Uint8Array(readFileSync(dir + f));
const open = (f: string) => ElfFile.open(bytesSource(bytes(f)));

/** Section-flag letters of readelf (binutils readelf.c get_elf_section_flags), the gABI bits only. */
const FLAG_LETTERS: [string, number][] = [
  ["W", 0x1],
  ["A", 0x2],
  ["X", 0x4],
  ["M", 0x10],
  ["S", 0x20],
  ["I", 0x40],
  ["L", 0x80],
  ["O", 0x100],
  ["G", 0x200],
  ["T", 0x400],
  ["C", 0x800],
];
const SECTION_TYPES: Record<string, number> = {
  NULL: 0,
  PROGBITS: 1,
  SYMTAB: 2,
  STRTAB: 3,
  RELA: 4,
  NOTE: 7,
  NOBITS: 8,
  REL: 9,
  GROUP: 17,
};
const SYMBOL_TYPES: Record<string, number> = { NOTYPE: 0, OBJECT: 1, FUNC: 2, SECTION: 3, FILE: 4, TLS: 6 };
const BINDS: Record<string, number> = { LOCAL: 0, GLOBAL: 1, WEAK: 2 };
const SEGMENT_TYPES: Record<string, number> = { NULL: 0, LOAD: 1, DYNAMIC: 2, INTERP: 3, NOTE: 4, TLS: 7 };

describe("fixtures", () => {
  it("include objects with several same-named debug sections (type units in COMDAT groups)", async () => {
    for (const f of ["x86_64-types5.o", "mips64-types5.o", "arm-types5.o"]) {
      const elf = await open(f);
      expect(elf.sectionsNamed(".debug_info").length).toBeGreaterThan(1);
    }
  });

  it("cover every architecture, relocatable and linked", () => {
    for (const a of ["x86_64", "i386", "aarch64", "arm", "mips64", "mips64el", "mips", "ppc64le", "riscv64", "s390x"]) {
      expect(fixtures).toContain(`${a}.ko`);
      expect(fixtures).toContain(`${a}.elf`);
    }
  });
});

describe.each(fixtures)("%s", (name) => {
  it("has readelf's section table", async () => {
    const elf = await open(name);
    const rows = text(`${name}.sections.txt`)
      .split("\n")
      .map((l) =>
        /^\s*\[\s*(\d+)\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([A-Za-z]*)\s+(\d+)\s+(\d+)\s+(\d+)$/.exec(
          l,
        ),
      )
      .filter((m) => m !== null);
    const count = Number(/There are (\d+) section headers/.exec(text(`${name}.sections.txt`))?.[1]);
    expect(elf.sections.length).toBe(count);
    expect(rows.length).toBe(count - 1);
    for (const m of rows) {
      const s = elf.sections[Number(m[1])]!;
      expect(s.name).toBe(m[2]);
      const t = SECTION_TYPES[m[3]!];
      if (t !== undefined) expect(s.type).toBe(t);
      else expect(s.type).toBeGreaterThanOrEqual(0x6000_0000); // OS/processor-specific (GNU_HASH, MIPS_*, ARM_*)
      expect(s.addr).toBe(BigInt(`0x${m[4]}`));
      expect(s.offset).toBe(Number(`0x${m[5]}`));
      expect(s.size).toBe(Number(`0x${m[6]}`));
      expect(s.entsize).toBe(Number(`0x${m[7]}`));
      const letters = FLAG_LETTERS.filter(([, bit]) => (s.flags & BigInt(bit)) !== 0n).map(([l]) => l);
      expect(letters.join("")).toBe(
        [...m[8]!]
          .filter((c) => FLAG_LETTERS.some(([l]) => l === c))
          .sort((a, b) => FLAG_LETTERS.findIndex(([l]) => l === a) - FLAG_LETTERS.findIndex(([l]) => l === b))
          .join(""),
      );
      expect(s.link).toBe(Number(m[9]));
      expect(s.info).toBe(Number(m[10]));
      expect(s.addralign).toBe(BigInt(m[11]!));
    }
  });

  it("has readelf's program headers", async () => {
    const elf = await open(name);
    const t = text(`${name}.segments.txt`);
    if (t.includes("There are no program headers")) {
      expect(elf.segments.length).toBe(0);
      return;
    }
    const rows = t
      .split("\n")
      .map((l) =>
        /^\s+([A-Z_a-z0-9+]+)\s+0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+) (.{3}) 0x([0-9a-f]+)$/.exec(
          l,
        ),
      )
      .filter((m) => m !== null);
    expect(rows.length).toBe(elf.segments.length);
    expect(rows.length).toBeGreaterThan(0);
    rows.forEach((m, i) => {
      const p = elf.segments[i]!;
      const ty = SEGMENT_TYPES[m[1]!];
      if (ty !== undefined) expect(p.type).toBe(ty);
      expect(p.offset).toBe(Number(`0x${m[2]}`));
      expect(p.vaddr).toBe(BigInt(`0x${m[3]}`));
      expect(p.paddr).toBe(BigInt(`0x${m[4]}`));
      expect(p.filesz).toBe(Number(`0x${m[5]}`));
      expect(p.memsz).toBe(BigInt(`0x${m[6]}`));
      const flg = (m[7]!.includes("R") ? 4 : 0) | (m[7]!.includes("W") ? 2 : 0) | (m[7]!.includes("E") ? 1 : 0);
      expect(p.flags & 7).toBe(flg);
      expect(p.align).toBe(BigInt(`0x${m[8]}`));
    });
  });

  it("has readelf's symbols, and finds each function by address and by name+size", async () => {
    const elf = await open(name);
    const table = await readSymbolTable(elf);
    const t = text(`${name}.symbols.txt`);
    const rows = t
      .split("\n")
      .map((l) =>
        /^\s*(\d+): ([0-9a-f]+)\s+(\d+|0x[0-9a-f]+)\s+(\S+)\s+(\S+)\s+(\S+)(?: \[[^\]]*\])?\s+(\S+) ?(.*)$/.exec(l),
      )
      .filter((m) => m !== null);
    const declared = Number(/'\.symtab' contains (\d+) entries/.exec(t)?.[1]);
    expect(rows.length).toBe(declared);
    expect(table.symbols.length).toBe(declared);
    const arm = elf.machine === 40;
    for (const m of rows) {
      const s = table.symbols[Number(m[1])]!;
      let value = BigInt(`0x${m[2]}`);
      const type = SYMBOL_TYPES[m[4]!];
      // readelf prints the raw st_value; for Thumb functions bit 0 is the mode bit, not the address.
      if (arm && type === 2) value &= ~1n;
      expect(s.value).toBe(value);
      expect(s.size).toBe(BigInt(m[3]!));
      if (type !== undefined) expect(s.type).toBe(type);
      expect(s.bind).toBe(BINDS[m[5]!]);
      const ndx = m[7] === "UND" ? SHN_UNDEF : m[7] === "ABS" ? SHN_ABS : m[7] === "COM" ? SHN_COMMON : Number(m[7]);
      expect(s.shndx).toBe(ndx);
      // readelf shows a section symbol (st_name 0) by its section's name.
      expect(s.name).toBe(type === 3 && s.name === "" ? "" : m[8]);
      if (type === 3) expect(elf.sections[s.shndx]?.name).toBe(m[8]);
    }
    // Every sized function is found at its first and last byte, by address (within its section for
    // relocatable objects) and by name + size.
    const funcs = rows.filter((m) => m[4] === "FUNC" && BigInt(m[3]!) > 0n && m[7] !== "UND");
    // (The .o fixtures are a.c alone: one helper, four functions.)
    const oneUnit = name.endsWith(".o");
    expect(funcs.length).toBeGreaterThanOrEqual(oneUnit ? 4 : 5);
    const rel = elf.type === ET_REL;
    for (const m of funcs) {
      let value = BigInt(`0x${m[2]}`);
      if (arm) value &= ~1n;
      const size = BigInt(m[3]!);
      const shndx = Number(m[7]);
      for (const at of [value, value + size - 1n]) {
        const hit = table.lookup(at, rel ? shndx : undefined);
        expect(hit?.symbol.value).toBe(value);
        expect(hit?.offset).toBe(at - value);
        expect(hit?.size).toBe(size);
      }
      const sym = table.resolve(m[8]!, size);
      expect(sym?.value).toBe(value);
      expect(sym?.shndx).toBe(shndx);
    }
    // Padding between a function's end and the next function belongs to the function, with the
    // distance to the next symbol as size (what kallsyms prints for an address there).
    let padded = 0;
    for (const m of funcs) {
      let value = BigInt(`0x${m[2]}`);
      if (arm) value &= ~1n;
      const end = value + BigInt(m[3]!);
      const starts = rows
        .filter(
          (r) => r[7] === m[7] && (r[4] === "FUNC" || (r[4] === "NOTYPE" && r[8] !== "" && !/^(\$|\.L)/.test(r[8]!))),
        )
        .map((r) => (arm && r[4] === "FUNC" ? BigInt(`0x${r[2]}`) & ~1n : BigInt(`0x${r[2]}`)))
        .filter((v) => v >= end)
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const next = starts[0];
      if (next === undefined || next === end) continue;
      const hit = table.lookup(end, rel ? Number(m[7]) : undefined);
      expect(hit?.symbol.value).toBe(value);
      expect(hit?.size).toBe(next - value);
      padded++;
    }
    if (elf.machine === 62 && !oneUnit) expect(padded).toBeGreaterThan(0);
    // The two static `helper`s (a.c and b.c) are told apart by size.
    const helpers = funcs.filter((m) => m[8] === "helper");
    if (oneUnit) return;
    expect(helpers.length).toBe(2);
    expect(helpers[0]![3]).not.toBe(helpers[1]![3]);
    expect(table.resolve("helper")).toBeUndefined();
  });

  it("has readelf's build-id and .modinfo", async () => {
    const elf = await open(name);
    const id = /Build ID: ([0-9a-f]+)/.exec(text(`${name}.notes.txt`))?.[1];
    expect(await readBuildId(elf)).toBe(id);
    if (name.endsWith(".elf")) expect(id).toMatch(/^[0-9a-f]{40}$/);
    const info = await readModinfo(elf);
    const strings = [...text(`${name}.modinfo.txt`).matchAll(/^\s+\[\s*[0-9a-f]+\]\s+(.*)$/gm)].map((m) => m[1]!);
    expect(strings.length).toBe(4);
    expect(info?.entries.get("alias")?.length).toBe(2);
    for (const s of strings) {
      const [k, v] = s.split("=") as [string, string];
      expect(info?.entries.get(k)).toContain(v);
    }
    expect(info?.name).toBe(strings.find((s) => s.startsWith("name="))?.slice(5));
    expect(info?.vermagic).toBe(strings.find((s) => s.startsWith("vermagic="))?.slice(9));
  });

  it("has readelf's decompressed and relocated debug sections", async () => {
    const elf = await open(name);
    // readelf -R relocates as if every section of an ET_REL object were at 0.
    const ds = new ElfDebugSections(elf, { layout: "zero" });
    const dump = text(`${name}.reloc.txt`);
    const parts = dump.split(/^Hex dump of section '([^']+)':$/m);
    // Dumps are per ELF section in section order; same-named ones (type-unit groups) are read as one.
    const byName = new Map<string, { bytes: number[]; unsupported: Set<number>[] }>();
    for (let i = 1; i < parts.length; i += 2) {
      const secName = parts[i]!;
      const body = parts[i + 1]!;
      const hex = body
        .split("\n")
        .filter((l) => /^ {2}0x[0-9a-f]{8} /.test(l))
        .map((l) => l.slice(13, 13 + 35).replace(/ /g, ""))
        .join("");
      const entry = byName.get(secName) ?? { bytes: [], unsupported: [] };
      entry.bytes.push(...(hex.match(/../g) ?? []).map((h) => Number.parseInt(h, 16)));
      entry.unsupported.push(
        new Set([...body.matchAll(/unable to apply unsupported reloc type (\d+)/g)].map((m) => Number(m[1]))),
      );
      byName.set(secName, entry);
    }
    let compared = 0;
    for (const [secName, { bytes: wantBytes, unsupported }] of byName) {
      const want = Uint8Array.from(wantBytes);
      const dwarfName = secName.startsWith(".zdebug") ? `.${secName.slice(2)}` : secName;
      expect(ds.sectionSize(dwarfName)).toBe(want.length);
      const got = await ds.section(dwarfName);
      expect(got).toBeDefined();
      // Bytes readelf could not relocate (it refuses TLS offset types) are left out of the comparison.
      const skip = new Set<number>();
      const targets = ds.findAll(dwarfName);
      expect(targets.length).toBe(unsupported.length);
      let base = 0;
      for (const [j, target] of targets.entries()) {
        const types = unsupported[j]!;
        for (const rs of types.size > 0 ? relocationSectionsFor(elf, target) : []) {
          for (const r of parseRelocations(elf, await elf.sectionData(rs), rs)) {
            if (types.has(r.types[0]!)) for (let k = 0; k < 8; k++) skip.add(base + Number(r.offset) + k);
          }
        }
        base += target.dataSize;
      }
      let diffs = 0;
      for (let k = 0; k < want.length; k++) if (!skip.has(k) && got![k] !== want[k]) diffs++;
      expect(diffs, `${secName}: bytes differing from readelf -R`).toBe(0);
      // Ranges read the same bytes as the whole section.
      const mid = Math.floor(want.length / 3);
      expect(await ds.sectionRange(dwarfName, mid, 40)).toEqual(got!.subarray(mid, mid + 40));
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(5);
  });
});

describe("relocations", () => {
  it("are really applied in RELA fixtures (the unrelocated bytes differ)", async () => {
    // (REL objects — arm, i386, mips o32 — keep addends in place, so with every section at 0 their
    // relocated bytes are the same as the raw ones.)
    for (const name of [
      "mips64.ko",
      "mips64el.ko",
      "riscv64.ko",
      "aarch64.ko",
      "s390x.ko",
      "x86_64.ko",
      "ppc64le.ko",
    ]) {
      const elf = await open(name);
      const raw = await new ElfDebugSections(elf, { relocate: false }).section(".debug_info");
      const rel = await new ElfDebugSections(elf).section(".debug_info");
      expect(raw).toBeDefined();
      expect(rel).not.toEqual(raw);
    }
  });

  it("name an unknown relocation type", async () => {
    const b = bytes("x86_64.ko");
    const elf = await ElfFile.open(bytesSource(b));
    const rs = relocationSectionsFor(elf, elf.section(".debug_info")!)[0]!;
    // Overwrite the type of the first entry (low 32 bits of r_info, little-endian) with 0x77.
    const copy = b.slice();
    copy[rs.offset + 8] = 0x77;
    const bad = await ElfFile.open(bytesSource(copy));
    const err = await new ElfDebugSections(bad).section(".debug_info").catch((e) => e);
    expect(err).toBeInstanceOf(OopsError);
    expect(err.code).toBe("E_ELF_RELOCATION");
    expect(err.message).toContain("x86-64 relocation type 119 in .rela.debug_info");
  });
});

describe("section layout of relocatable objects", () => {
  const arches = ["x86_64", "i386", "aarch64", "arm", "mips64", "mips64el", "mips", "ppc64le", "riscv64", "s390x"];

  it.each(arches)("%s: sections placed by sh_addr give llvm-dwarfdump's DW_LNE_set_address values", async (a) => {
    const elf = await open(`${a}-placed.ko`);
    const ds = new ElfDebugSections(elf);
    const line = (await ds.section(".debug_line"))!;
    const rows = [
      ...text(`${a}-placed.ko.lines.txt`).matchAll(/^0x([0-9a-f]+): 00 DW_LNE_set_address \(0x([0-9a-f]+)\)$/gm),
    ];
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const m of rows) {
      // Opcode 0x00, ULEB128 length (1 byte here), DW_LNE_set_address (0x02), then the address.
      const at = Number.parseInt(m[1]!, 16);
      expect(line[at + 2]).toBe(2);
      const c = new Cursor(line, elf.littleEndian, 0, at + 3);
      expect(c.uN(elf.addressSize)).toBe(BigInt(`0x${m[2]}`));
    }
    expect(ds.sectionAddress(".text")).toBe(elf.section(".text")!.addr);
    expect(ds.sectionAddress(".init.text")).toBe(elf.section(".init.text")!.addr);
  });

  it.each(arches)("%s: the default packed layout keeps allocated sections apart and aligned", async (a) => {
    const elf = await open(`${a}.ko`);
    const ds = new ElfDebugSections(elf);
    const alloc = elf.sections.filter((s) => (s.flags & 2n) !== 0n && s.size > 0);
    const spans = alloc.map((s) => [ds.sectionBase(s.index), ds.sectionBase(s.index) + BigInt(s.size), s] as const);
    spans.sort((x, y) => (x[0] < y[0] ? -1 : 1));
    for (let i = 0; i < spans.length; i++) {
      const [start, , s] = spans[i]!;
      if (s.addralign > 1n) expect(start % s.addralign).toBe(0n);
      if (i > 0) expect(start).toBeGreaterThanOrEqual(spans[i - 1]![1]);
    }
    // .text and .init.text are told apart, and the DWARF is relocated against those bases: the
    // packed line program's set_address values are the placed fixture's (llvm-dwarfdump) values,
    // each moved from the placed base of its section to the packed one.
    expect(ds.sectionAddress(".text")).not.toBe(ds.sectionAddress(".init.text"));
    const placed = await open(`${a}-placed.ko`);
    const line = (await ds.section(".debug_line"))!;
    for (const m of text(`${a}-placed.ko.lines.txt`).matchAll(
      /^0x([0-9a-f]+): 00 DW_LNE_set_address \(0x([0-9a-f]+)\)$/gm,
    )) {
      const v = BigInt(`0x${m[2]}`);
      const sec = placed.sections.find((s) => s.addr !== 0n && v >= s.addr && v < s.addr + BigInt(Math.max(1, s.size)));
      expect(sec).toBeDefined();
      const c = new Cursor(line, elf.littleEndian, 0, Number.parseInt(m[1]!, 16) + 3);
      expect(c.uN(elf.addressSize)).toBe(v - sec!.addr + ds.sectionBase(sec!.index));
    }
  });
});

describe("compressed modules", () => {
  it.each([
    ["x86_64.ko.xz", "x86_64.ko", "xz"],
    ["x86_64.ko.zst", "x86_64.ko", "zstd"],
    ["x86_64.ko.gz", "x86_64.ko", "gzip"],
    ["mips64.ko.xz", "mips64.ko", "xz"],
  ])("%s decompresses to the bytes xz/zstd/gzip were given", async (packed, plain, kind) => {
    const { source, compression } = await openMaybeCompressed(bytesSource(bytes(packed)));
    expect(compression).toBe(kind);
    const want = bytes(plain);
    expect(source.size).toBe(want.length);
    expect(await source.read(0, source.size)).toEqual(want);
    const elf = await ElfFile.open(source);
    expect((await readModinfo(elf))?.name).toBe("fixture");
  });

  it("refuses a zstd window or an xz dictionary too big to allocate, before decoding", async () => {
    // zstd frame header (RFC 8878 §3.1.1.1): descriptor 0x00 = windowed, no content size; window
    // descriptor 0x98 = 2^(10+19) bytes, 512 MiB.
    const z = bytes("x86_64.ko.zst").slice();
    z[4] = 0x00;
    z[5] = 0x98;
    const e1 = await openMaybeCompressed(bytesSource(z), 16 << 20).catch((e) => e);
    expect(e1.code).toBe("E_ELF_COMPRESSION");
    expect(e1.message).toContain("zstd: window of 536870912 bytes exceeds 16777216");
    // xz block header (.xz format §3.1): size, flags 0, filter 0x21 (LZMA2), 1 property byte.
    const x = bytes("x86_64.ko.xz").slice();
    expect([x[13], x[14], x[15]]).toEqual([0, 0x21, 1]);
    x[16] = 40; // dictionary 4 GiB - 1
    const e2 = await openMaybeCompressed(bytesSource(x), 16 << 20).catch((e) => e);
    expect(e2.code).toBe("E_ELF_COMPRESSION");
    expect(e2.message).toContain("xz: LZMA2 dictionary of 4294967295 bytes exceeds 67108864");
  });

  it("refuses corrupt zstd Huffman weights that would never end (a fuzzer find that hung the decoder)", async () => {
    // A .debug_frame zstd stream from arm-zstd.ko with one mutated byte; the reference `zstd -d`
    // reports "Data corruption detected" on it, the JavaScript decoder looped forever.
    const frame = Uint8Array.from(
      "28b52ffd20a81503003205111df027ad010cc33080440f804167adc00b0ba4346160d40dcae315a54c010bd9620e593c295c79f2637309c1210ad972b8617040215398434e783cf034ce29b6524ae9270b005748052d980aff1a384cd512c01a647aa9f39510c028361006"
        .match(/../g)!
        .map((h) => Number.parseInt(h, 16)),
    );
    const err = await (async () => {
      try {
        await inflateBounded("zstd", frame, 169);
      } catch (e) {
        return e as OopsError;
      }
    })();
    expect(err?.code).toBe("E_ELF_COMPRESSION");
    expect(err?.message).toContain("Huffman weights that never end");
  });

  it("passes plain files through and rejects a corrupt stream with E_ELF_COMPRESSION", async () => {
    expect(sniffCompression(bytes("x86_64.ko"))).toBe("none");
    const b = bytes("x86_64.ko.zst");
    const cut = b.subarray(0, b.length >> 1);
    const err = await openMaybeCompressed(bytesSource(cut)).catch((e) => e);
    expect(err).toBeInstanceOf(OopsError);
    expect(err.code).toBe("E_ELF_COMPRESSION");
  });
});

describe("bad input", () => {
  it("rejects non-ELF bytes, a bad class and a section table past the end", async () => {
    const e1 = await ElfFile.open(bytesSource(new TextEncoder().encode("hello world, not an ELF file at all"))).catch(
      (e) => e,
    );
    expect(e1.code).toBe("E_ELF_MAGIC");
    const b = bytes("x86_64.elf").slice();
    b[4] = 9;
    const e2 = await ElfFile.open(bytesSource(b)).catch((e) => e);
    expect(e2.code).toBe("E_ELF_CLASS");
    expect(e2.message).toBe("unsupported ELF class at offset 0x4: EI_CLASS 9");
    const c = bytes("x86_64.elf").slice();
    c[0x3c] = 0xff; // e_shnum
    c[0x3d] = 0x7f;
    const e3 = await ElfFile.open(bytesSource(c)).catch((e) => e);
    expect(e3.code).toBe("E_ELF_HEADER");
    expect(e3.message).toContain("32767 section headers of 64 bytes");
  });
});
