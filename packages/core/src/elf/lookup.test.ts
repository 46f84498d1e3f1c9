/**
 * The symbolizer-facing symbol lookup and `openElfObject`, against readelf's symbol tables of the
 * cross-compiled fixtures: every sized function, found by name (both same-name statics, with their
 * sizes) and by an address inside it in the laid-out address space; `.ko.xz` opened transparently.
 */

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { bytesSource } from "../binary/source.js";
import { openElfObject } from "./open.js";

const dir = fileURLToPath(new URL("../../test-data/elf/", import.meta.url));

/** readelf -s -W rows of sized FUNC symbols: [name, value, size, ndx]. */
function readelfFunctions(name: string): [string, bigint, bigint, number][] {
  return [
    ...readFileSync(`${dir}${name}.symbols.txt`, "utf8").matchAll(
      /^\s*\d+: ([0-9a-f]+)\s+(\d+)\s+FUNC\s+\S+\s+\S+(?: \[[^\]]*\])?\s+(\d+) (\S+)$/gm,
    ),
  ]
    .map((m) => [m[4]!, BigInt(`0x${m[1]}`), BigInt(m[2]!), Number(m[3])] as [string, bigint, bigint, number])
    .filter((r) => r[2] > 0n);
}

describe.each(["x86_64.ko", "mips64.ko", "arm.ko", "riscv64.ko", "x86_64.elf", "s390x.elf"])("%s", (name) => {
  it("finds every function by name and by an address inside it", async () => {
    const obj = await openElfObject(bytesSource(new Uint8Array(readFileSync(dir + name))));
    const funcs = readelfFunctions(name);
    expect(funcs.length).toBeGreaterThanOrEqual(5);
    const arm = obj.elf.machine === 40;
    const rel = name.endsWith(".ko");
    for (const [fn, raw, size, ndx] of funcs) {
      const value = arm ? raw & ~1n : raw;
      const sec = obj.elf.sections[ndx]!;
      const found = obj.lookup.byName(fn).find((s) => s.size === size);
      expect(found?.address).toBe(value);
      expect(found?.section).toBe(rel ? sec.name : undefined);
      const base = rel ? obj.sections.sectionBase(ndx) : 0n;
      expect(obj.lookup.at(base + value + size / 2n, rel ? sec.name : undefined)?.name).toBe(fn);
      expect(obj.lookup.at(base + value + size - 1n)?.address).toBe(value);
    }
    expect(obj.lookup.byName("helper").length).toBe(2);
  });
});

it("opens a .ko.xz module transparently", async () => {
  const obj = await openElfObject(bytesSource(new Uint8Array(readFileSync(`${dir}mips64.ko.xz`))));
  expect(obj.compression).toBe("xz");
  expect(obj.lookup.byName("rlb_arp_recv")).toEqual([]);
  const funcs = readelfFunctions("mips64.ko");
  expect(obj.symbols.functions().filter((s) => s.type === 2 && s.size > 0n).length).toBe(funcs.length);
});
