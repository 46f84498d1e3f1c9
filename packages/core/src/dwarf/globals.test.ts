// The global-variable lookup (globals.ts) on the lab's real x86-64 module (lab/crashes/oob/oopslab.ko,
// built against Debian's 6.1 headers), checked against gdb-multiarch's answers committed by
// scripts/oracle-globals.mjs: for every data object of the symbol table, gdb's `info address`,
// `whatis` and `sizeof`; for C paths into the module's variables (members, elements, nested members),
// the address `print &PATH` gives, with `whatis PATH` and `sizeof(PATH)`.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bytesSource } from "../binary/source.js";
import { openElfSymbolizer } from "../symbolize/elf.js";
import { globalAt, globalNamed, globalPath, globalVariables, globalVariablesIn } from "./globals.js";

const root = join(__dirname, "../../../..");
const golden = JSON.parse(
  readFileSync(join(__dirname, "../../test-data/dwarf/globals-oopslab-x86_64.json"), "utf8"),
) as {
  object: string;
  variables: { name: string; address: string; type: string; size: number }[];
  paths: { path: string; address: string; type: string; size: number }[];
};
const sym = openElfSymbolizer(bytesSource(new Uint8Array(readFileSync(join(root, golden.object)))));

// GCC marks a const array twice (const_type → array_type → const_type → char); gdb prints
// `const char [9]`, typeinfo.ts's declare() `const const char [9]` (typeinfo.ts, not this file).
const constArray = (t: string) => /^const .*\[\d*\]$/.test(t);

describe("global variables of the lab module against gdb", () => {
  it("gdb knows enough of them for the check to mean something", () => {
    expect(golden.variables.length).toBeGreaterThan(30);
    expect(golden.variables.map((v) => v.name)).toEqual(expect.arrayContaining(["lab_ring0", "lab_ports", "lab_slot"]));
  });

  it.each(golden.variables.map((v) => [v.name, v] as const))(
    "%s: address and size as gdb's info address / sizeof",
    async (_, want) => {
      const r = (await sym).reader;
      const v = await globalNamed(r, want.name);
      expect(v, want.name).toBeDefined();
      expect(`0x${v?.address.toString(16)}`).toBe(want.address);
      expect(v?.size).toBe(want.size);
      expect(v?.type).toBe(want.type);
      // and found back by address, from its first and last byte
      const first = await globalAt(r, BigInt(want.address));
      expect(first?.variable.name).toBe(want.name);
      expect(first?.offset).toBe(0);
      const last = await globalAt(r, BigInt(want.address) + BigInt(want.size - 1));
      expect(last?.variable.name).toBe(want.name);
      expect(last?.offset).toBe(want.size - 1);
    },
  );

  it("const arrays are spelled as gdb spells them (`const char [9]`: the qualifier said once)", () => {
    const constArrays = golden.variables.filter((v) => constArray(v.type));
    expect(constArrays.length).toBeGreaterThan(0);
  });

  it("an address between variables names none", async () => {
    const r = (await sym).reader;
    const all = await globalVariables(r);
    // the first byte after a variable that the next one does not start at (alignment padding)
    const gap = all.find((v, k) => {
      const next = all[k + 1];
      return next && v.address + BigInt(v.size) < next.address;
    });
    expect(gap).toBeDefined();
    if (gap) expect(await globalAt(r, gap.address + BigInt(gap.size))).toBeUndefined();
  });

  it.each(golden.paths.map((p) => [p.path, p] as const))(
    "%s: the path at gdb's &%s, with its type and size",
    async (_, want) => {
      const r = (await sym).reader;
      const hit = await globalAt(r, BigInt(want.address));
      expect(hit).toBeDefined();
      if (!hit) return;
      const steps = await globalPath(r, hit.variable, hit.offset);
      const last = steps[steps.length - 1];
      expect(last?.path).toBe(want.path);
      expect(last?.type).toBe(want.type);
      expect(last?.size).toBe(want.size);
      expect(`0x${(hit.variable.address + BigInt(last?.offset ?? -1)).toString(16)}`).toBe(want.address);
    },
  );

  it("an array step says its bound, element size and type (lab_ring0.slot: 4 × struct lab_client *)", async () => {
    const r = (await sym).reader;
    const v = await globalNamed(r, "lab_ring0");
    if (!v) throw new Error("lab_ring0");
    const steps = await globalPath(r, v, 0x18);
    const slot = steps.find((s) => s.path === "lab_ring0.slot");
    // gdb: whatis lab_ring0.slot[3] = struct lab_client *, sizeof 8; ptype /o: slot at 0, 32 bytes
    expect(slot?.array).toEqual({ count: 4, elementSize: 8, elementType: "struct lab_client *" });
    expect(steps[steps.length - 1]?.index).toBe(3);
    // one past the array (slot[4]) is the next member, magic, not an element
    const past = await globalPath(r, v, 0x20);
    expect(past.map((s) => s.path)).toEqual(["lab_ring0", "lab_ring0.magic"]);
  });
});

describe("lookup within one unit (what a vmlinux gets: its function's unit, not all of them)", () => {
  it("oopslab.c's unit has lab_ring0 but not __this_module, which the module's .mod.c unit defines", async () => {
    const s = await sym;
    const r = s.reader;
    const pc = (await s.resolve({ symbol: "lab_oob", offset: 0n })).pc;
    const unit = await s.unitAt(pc);
    if (!unit) throw new Error("no unit at lab_oob");
    const ring = golden.variables.find((v) => v.name === "lab_ring0");
    const mod = golden.variables.find((v) => v.name === "__this_module");
    if (!ring || !mod) throw new Error("gdb answers");
    expect((await globalAt(r, BigInt(ring.address), unit))?.variable.name).toBe("lab_ring0");
    expect(await globalAt(r, BigInt(mod.address), unit)).toBeUndefined();
    expect((await globalAt(r, BigInt(mod.address)))?.variable.name).toBe("__this_module");
    const inUnit = (await globalVariablesIn(r, unit)).map((v) => v.name);
    expect(inUnit).toContain("lab_ports");
    expect(inUnit.length).toBeLessThan((await globalVariables(r)).length);
  });
});
