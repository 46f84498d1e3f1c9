/**
 * The file-descriptor `ByteSource`: reads equal the file's bytes (checked against a whole-file
 * read), ranges past the end are clamped, a missing file is E_IO, and the ELF reader behind a block
 * cache fetches only the blocks it needs — readelf's section table and symbols come out of a
 * fraction of the file.
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BlockCache, ElfDebugSections, ElfFile, readSymbolTable } from "@oopscope/core";
import { describe, expect, it } from "vitest";
import { openFileSource } from "./file-source.js";

const dir = join(import.meta.dirname, "../../../core/test-data/elf");

describe("openFileSource", () => {
  it("reads exactly the file's bytes, clamped at its end", async () => {
    const path = join(dir, "riscv64.ko");
    const whole = new Uint8Array(readFileSync(path));
    const f = await openFileSource(path);
    try {
      expect(f.size).toBe(whole.length);
      expect(await f.read(0, f.size)).toEqual(whole);
      expect(await f.read(1234, 77)).toEqual(whole.subarray(1234, 1311));
      expect(await f.read(f.size - 10, 100)).toEqual(whole.subarray(f.size - 10));
      expect((await f.read(f.size + 5, 10)).length).toBe(0);
    } finally {
      await f.close();
    }
  });

  it("reports a missing file as E_IO", async () => {
    const err = await openFileSource(join(dir, "no-such-file.ko")).catch((e) => e);
    expect(err.code).toBe("E_IO");
    expect(err.message).toContain("no-such-file.ko");
  });

  it("lets the ELF reader fetch only what it needs", async () => {
    const path = join(dir, "riscv64.ko");
    const f = await openFileSource(path);
    let fetched = 0;
    const counting = {
      size: f.size,
      read: async (o: number, l: number) => {
        const b = await f.read(o, l);
        fetched += b.length;
        return b;
      },
    };
    try {
      const elf = await ElfFile.open(new BlockCache(counting, { blockSize: 512, maxBlocks: 4 }));
      const sections = readFileSync(join(dir, "riscv64.ko.sections.txt"), "utf8");
      expect(elf.sections.length).toBe(Number(/There are (\d+) section headers/.exec(sections)?.[1]));
      const afterOpen = fetched;
      const symbols = await readSymbolTable(elf);
      const text = readFileSync(join(dir, "riscv64.ko.symbols.txt"), "utf8");
      expect(symbols.symbols.length).toBe(Number(/contains (\d+) entries/.exec(text)?.[1]));
      // Header, section table and names, then .symtab and .strtab: well under half of the file.
      expect(afterOpen).toBeLessThan(f.size / 4);
      expect(fetched).toBeLessThan(f.size / 2);
      // A range of an unrelocated section comes straight from the file.
      const ds = new ElfDebugSections(elf, { relocate: false });
      const str = elf.section(".debug_str")!;
      const whole = new Uint8Array(readFileSync(path));
      expect(await ds.sectionRange(".debug_str", 16, 32)).toEqual(whole.subarray(str.offset + 16, str.offset + 48));
    } finally {
      await f.close();
    }
  });
});
