// variablesAt checked against `llvm-dwarfdump --debug-info` (committed by
// packages/core/test-data/dwarf/build.sh): for every parameter and local of every concrete function,
// inlined copy and lexical block, at the start of its scope and at the start of each of its
// location-list entries, our location text must equal llvm-dwarfdump's (register names aside: we use
// the ABI names of our arch tables, LLVM its own), and an uncovered pc must read `<optimized out>`.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { elfSections } from "../../test/elf-sections.js";
import { openSymbolizer } from "../symbolize/symbolizer.js";

const DATA = join(__dirname, "../../test-data/dwarf/out");

interface Die {
  off: number;
  tag: string;
  depth: number;
  attrs: Map<string, string>;
  parent: Die | undefined;
}

/** Parses llvm-dwarfdump's DIE listing: offset, tag, indentation depth, raw attribute values. */
function parseDump(text: string): Die[] {
  const lines = text.split("\n");
  const dies: Die[] = [];
  const stack: Die[] = [];
  let cur: Die | undefined;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] as string;
    const head = /^0x([0-9a-f]+):(\s+)(DW_TAG_\w+|NULL)/.exec(l);
    if (head) {
      const depth = (head[2] as string).length;
      while (stack.length && (stack[stack.length - 1] as Die).depth >= depth) stack.pop();
      if (head[3] === "NULL") {
        cur = undefined;
        continue;
      }
      cur = {
        off: Number.parseInt(head[1] as string, 16),
        tag: head[3] as string,
        depth,
        attrs: new Map(),
        parent: stack[stack.length - 1],
      };
      dies.push(cur);
      stack.push(cur);
      continue;
    }
    const attr = /^\s+(DW_AT_\w+)\t\((.*)$/.exec(l);
    if (attr && cur) {
      let v = attr[2] as string;
      // Multi-line values (lists) run until the parentheses balance.
      // (Half-open ranges `[a, b)` are not parentheses.)
      const balance = (s: string) =>
        [...s.replace(/\[0x[0-9a-f]+, 0x[0-9a-f]+\)/g, "")].reduce(
          (n, ch) => n + (ch === "(" ? 1 : ch === ")" ? -1 : 0),
          1,
        );
      while (balance(v) > 0 && i + 1 < lines.length) v += `\n${lines[++i]}`;
      cur.attrs.set(attr[1] as string, v.slice(0, -1));
    }
  }
  return dies;
}

type Range = [bigint, bigint];

function rangesOf(d: Die): Range[] {
  const low = d.attrs.get("DW_AT_low_pc");
  const high = d.attrs.get("DW_AT_high_pc");
  if (low && high) return [[BigInt(low), BigInt(high)]];
  const r = d.attrs.get("DW_AT_ranges");
  if (!r) return [];
  return [...r.matchAll(/\[(0x[0-9a-f]+), (0x[0-9a-f]+)\)/g)].map((m) => [
    BigInt(m[1] as string),
    BigInt(m[2] as string),
  ]);
}

const inside = (pc: bigint, rs: Range[]) => rs.some(([a, b]) => pc >= a && pc < b);

/** Register names differ between LLVM and our tables: compare register numbers and offsets only. */
const norm = (s: string) =>
  s
    .replace(/(DW_OP_b?reg\d+) [A-Za-z$_][\w$]*/g, "$1")
    .replace(/(DW_OP_b?regx) [A-Za-z$_][\w$]*/g, "$1")
    .trim();

const OBJECTS = [
  "x86-O0-dw5",
  "x86-O2-dw4",
  "x86-O2-dw5",
  "x86-O2-dw3",
  "mips64-O2-dw4",
  "mips64-O2-dw5",
  "aarch64-O2-dw5",
];

describe("variablesAt vs llvm-dwarfdump", () => {
  for (const name of OBJECTS) {
    it(name, async () => {
      const sym = openSymbolizer(elfSections(new Uint8Array(readFileSync(join(DATA, `${name}.elf`)))));
      const dies = parseDump(readFileSync(join(DATA, `${name}.dwarfdump.txt`), "utf8"));
      const byOff = new Map(dies.map((d) => [d.off, d]));
      let checked = 0;
      let lists = 0;
      for (const v of dies) {
        if (v.tag !== "DW_TAG_formal_parameter" && v.tag !== "DW_TAG_variable") continue;
        const scope = v.parent;
        if (!scope || !["DW_TAG_subprogram", "DW_TAG_inlined_subroutine", "DW_TAG_lexical_block"].includes(scope.tag))
          continue;
        // Every enclosing scope must hold the pc; abstract (range-less) scopes are not code.
        const chain: Die[] = [];
        for (let s: Die | undefined = scope; s && s.tag !== "DW_TAG_compile_unit"; s = s.parent) chain.push(s);
        if (chain.some((s) => rangesOf(s).length === 0)) continue;
        const within = (pc: bigint) => chain.every((s) => inside(pc, rangesOf(s)));
        const loc = v.attrs.get("DW_AT_location");
        const cases: [bigint, string][] = [];
        const start = (rangesOf(scope)[0] as Range)[0];
        if (loc === undefined) {
          if (!v.attrs.has("DW_AT_const_value")) cases.push([start, "<optimized out>"]);
        } else if (loc.startsWith("DW_OP")) {
          cases.push([start, loc]);
        } else {
          const entries = [...loc.matchAll(/\[(0x[0-9a-f]+), (0x[0-9a-f]+)\): ([^\n]*)/g)].map(
            (m) => [BigInt(m[1] as string), BigInt(m[2] as string), m[3] as string] as const,
          );
          // Empty entries (GCC emits [a, a) for view-numbered moves) cover no pc.
          for (const [a, b, e] of entries) if (a < b && within(a)) cases.push([a, e]);
          if (!entries.some(([a, b]) => start >= a && start < b)) cases.push([start, "<optimized out>"]);
          lists++;
        }
        for (const [pc, want] of cases) {
          if (!within(pc)) continue;
          const got = (await sym.variablesAt(pc)).find((x) => x.offset === v.off);
          const origin = v.attrs.get("DW_AT_abstract_origin");
          const wantName =
            v.attrs.get("DW_AT_name")?.replace(/^"|"$/g, "") ?? (origin ? /"([^"]+)"/.exec(origin)?.[1] : undefined);
          expect({ pc: pc.toString(16), var: got?.name, loc: got && norm(got.location) }).toEqual({
            pc: pc.toString(16),
            var: wantName,
            loc: norm(want),
          });
          checked++;
        }
        void byOff;
      }
      expect(checked).toBeGreaterThan(20);
      if (name.includes("O2")) expect(lists).toBeGreaterThan(5);
    });
  }

  it("the seed function: bond and client_info of the inlined rlb_update_entry_from_arp (MIPS64 Octeon)", async () => {
    const sym = openSymbolizer(elfSections(new Uint8Array(readFileSync(join(DATA, "mips64-O2-dw4.elf")))));
    // An address inside the inlined rlb_update_entry_from_arp, per llvm-symbolizer's golden answer.
    const golden = readFileSync(join(DATA, "mips64-O2-dw4.elf.llvm.jsonl"), "utf8")
      .split("\n")
      .filter((l) => l.includes('"FunctionName":"rlb_update_entry_from_arp"'))
      .map((l) => JSON.parse(l) as { Address: string });
    expect(golden.length).toBeGreaterThan(3);
    const vars = await sym.variablesAt(BigInt((golden[2] as { Address: string }).Address));
    const byName = new Map(vars.map((v) => [v.name, v]));
    // Types as the source declares them (bond_alb.c): checked against gdb's spelling of the same types.
    expect(byName.get("client_info")?.type).toBe("struct rlb_client_info *");
    expect(byName.get("bond_info")?.type).toBe("struct alb_bond_info *");
    expect(byName.get("client_info")?.function).toBe("rlb_update_entry_from_arp");
    expect(byName.get("bond")?.kind).toBe("parameter");
  });
});
