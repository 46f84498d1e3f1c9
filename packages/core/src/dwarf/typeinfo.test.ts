// memberAt and type spelling checked against `gdb-multiarch ptype /o struct X`, whose answers
// packages/core/test-data/dwarf/build.sh committed beside each object (x86-64, MIPS64 Octeon big-endian,
// AArch64; DWARF 2–5; type units).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { elfSections } from "../../test/elf-sections.js";
import { openSymbolizer } from "../symbolize/symbolizer.js";

const DATA = join(__dirname, "../../test-data/dwarf/out");

interface GdbMember {
  path: string;
  offset: number;
  bit?: number;
  bitSize?: number;
  size: number;
  decl: string;
  /** Not the first member of a union it sits in (memberAt picks a union's first member). */
  shadowed: boolean;
  aggregate: boolean;
}

/** Parses gdb's `ptype /o` listing into its types: members with full paths, offsets and sizes. */
function parsePtype(text: string): Map<string, { size: number; members: GdbMember[] }> {
  const lines = text.split("\n");
  const out = new Map<string, { size: number; members: GdbMember[] }>();
  const rowRe = /^\/\*\s*(?:(\d+)(?::\s*(\d+))?\s*\|)?\s*(\d+)\s*\*\/\s*(.*)$/;
  for (let i = 0; i < lines.length; i++) {
    const top = /type = (struct \w+) \{$/.exec(lines[i] as string);
    if (!top) continue;
    const members: GdbMember[] = [];
    // Stack of open aggregates: path prefix, offset, union-ness, members seen so far.
    const stack: { prefix: string; offset: number; union: boolean; count: number; shadowed: boolean }[] = [
      { prefix: "", offset: 0, union: false, count: 0, shadowed: false },
    ];
    let size = 0;
    let j = i + 1;
    for (; j < lines.length; j++) {
      const l = lines[j] as string;
      const total = /total size \(bytes\):\s*(\d+)/.exec(l);
      if (total && stack.length === 1) size = Number(total[1]);
      const close = /^\s*\}\s*(\w*);?$/.exec(l);
      if (close) {
        if (stack.length === 1) break;
        stack.pop();
        continue;
      }
      const m = rowRe.exec(l);
      if (!m) continue;
      const parent = stack[stack.length - 1]!;
      const offset = m[1] !== undefined ? Number(m[1]) : parent.offset;
      const decl = (m[4] as string).replace(/;$/, "");
      const shadowed = parent.shadowed || (parent.union && parent.count > 0);
      parent.count++;
      if (decl.endsWith("{")) {
        // A nested aggregate: its name is on the matching closing line.
        let depth = 0;
        let name = "";
        for (let k = j; k < lines.length; k++) {
          const t = lines[k] as string;
          if (t.trimEnd().endsWith("{")) depth++;
          const c = /^\s*\}\s*(\w*);?$/.exec(t);
          if (c && --depth === 0) {
            name = c[1] as string;
            break;
          }
        }
        const path = parent.prefix === "" ? name : `${parent.prefix}.${name}`;
        members.push({ path, offset, size: Number(m[3]), decl, shadowed, aggregate: true });
        stack.push({ prefix: path, offset, union: decl.startsWith("union"), count: 0, shadowed });
        continue;
      }
      const name = /(\w+)(?:\[\d+\])*(?: : \d+)?$/.exec(decl)?.[1] ?? "";
      const bits = / : (\d+)$/.exec(decl);
      members.push({
        path: parent.prefix === "" ? name : `${parent.prefix}.${name}`,
        offset,
        ...(m[2] !== undefined ? { bit: Number(m[2]) } : {}),
        ...(bits ? { bitSize: Number(bits[1]) } : {}),
        size: Number(m[3]),
        decl,
        shadowed,
        aggregate: false,
      });
    }
    out.set(top[1] as string, { size, members });
    i = j;
  }
  return out;
}

const OBJECTS = [
  "x86-O0-dw4",
  "x86-O2-dw5",
  "x86-O2-dw2",
  "x86-O2-dw5-64",
  "x86-O2-dw4-types",
  "x86-O2-dw5-types",
  "mips64-O2-dw4",
  "mips64-O2-dw5",
  "aarch64-O2-dw5",
];

describe("memberAt vs gdb ptype /o", () => {
  for (const name of OBJECTS) {
    it(name, async () => {
      const sym = openSymbolizer(elfSections(new Uint8Array(readFileSync(join(DATA, `${name}.elf`)))));
      const types = parsePtype(readFileSync(join(DATA, `${name}.ptype.txt`), "utf8"));
      expect([...types.keys()].sort()).toEqual([
        "struct alb_bond_info",
        "struct bonding",
        "struct rlb_client_info",
        "struct slave",
      ]);
      let checked = 0;
      for (const [type, { size, members }] of types) {
        for (const g of members) {
          if (g.shadowed || g.bitSize !== undefined) continue;
          const r = await sym.memberAt(type, g.offset);
          expect(r?.typeSize, type).toBe(size);
          const step = r?.steps.find((s) => s.path === g.path);
          expect({ type, path: g.path, at: step?.offset, size: step?.size }).toEqual({
            type,
            path: g.path,
            at: g.offset,
            size: g.size,
          });
          if (!g.aggregate) expect(step?.decl).toBe(g.decl);
          checked++;
        }
        // Bit fields: the member reported for a byte is the first bit field (in gdb's order) that
        // overlaps that byte.
        const bitfields = members.filter((g) => g.bitSize !== undefined && !g.shadowed);
        for (const g of bitfields) {
          const pos = g.offset * 8 + (g.bit ?? 0);
          for (let byte = Math.floor(pos / 8); byte * 8 < pos + (g.bitSize ?? 0); byte++) {
            const first = bitfields.find((b) => {
              const p = b.offset * 8 + (b.bit ?? 0);
              return p < byte * 8 + 8 && p + (b.bitSize ?? 0) > byte * 8;
            });
            if (first !== g) continue;
            const r = await sym.memberAt(type, byte);
            const last = r?.steps[r.steps.length - 1];
            expect({ type, byte, path: r?.path, bit: last?.bitOffset, decl: last?.decl }).toEqual({
              type,
              byte,
              path: g.path,
              bit: pos,
              decl: g.decl,
            });
            checked++;
          }
        }
      }
      expect(checked).toBeGreaterThan(40);
    });
  }
});

describe("memberAt: the seed case", () => {
  it("rlb_client_info.assigned is at 0x18 of a 48-byte struct; rx_hashtbl found through struct bonding", async () => {
    const sym = openSymbolizer(elfSections(new Uint8Array(readFileSync(join(DATA, "mips64-O2-dw4.elf")))));
    // The expectations are gdb's (see mips64-O2-dw4.ptype.txt): assigned at 24, size 48;
    // alb_info at 40 and rx_hashtbl at 40 inside it.
    const a = await sym.memberAt("struct rlb_client_info", 0x18);
    expect(a).toMatchObject({ path: "assigned", typeSize: 48, within: 0 });
    const b = await sym.memberAt("struct bonding", 80 + 3);
    expect(b).toMatchObject({ path: "alb_info.rx_hashtbl", within: 3 });
    expect(b?.steps.map((s) => s.decl)).toEqual([
      "struct alb_bond_info alb_info",
      "struct rlb_client_info *rx_hashtbl",
    ]);
    // spare[2][3] of 48-byte elements starts at 120 (gdb): element [1][2] is the 6th, at 120 + 5*48.
    const c = await sym.memberAt("struct bonding", 120 + 5 * 48 + 24);
    expect(c?.path).toBe("spare[1][2].assigned");
    // A hole: gdb shows 2 bytes of padding after mac_dst (offset 14).
    const d = await sym.memberAt("struct rlb_client_info", 14);
    expect(d).toMatchObject({ path: "", inPadding: true });
    expect(await sym.memberAt("struct no_such_type", 0)).toBeUndefined();
  });
});
