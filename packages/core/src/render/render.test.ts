/**
 * One suite for every renderer (terminal, terminal with colour, Markdown, JSON), run on the same real
 * inputs: the seed oops and syzkaller corpus logs of every architecture the corpus has. Each renderer
 * must show the key facts — the title the corpus expects (its `TITLE:` header), the faulting location,
 * the fault address, every call-trace frame, the modules and taint, the panic, the faulting
 * instruction and the verdict — and the JSON must validate against docs/analysis.schema.json. The
 * seed's facts are checked against examples/seed/CASE.md.
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../analysis/analyze.js";
import { toJSON } from "../analysis/json.js";
import { checkSchema, type SchemaNode } from "../analysis/schema-check.js";
import type { Analysis } from "../analysis/types.js";
import { hex } from "../types.js";
import { codeRows, fmtLocation } from "./facts.js";
import { renderJSON } from "./json.js";
import { renderMarkdown } from "./markdown.js";
import { renderTerminal } from "./terminal.js";

const root = join(import.meta.dirname, "../../../..");
const schema = JSON.parse(readFileSync(join(root, "docs/analysis.schema.json"), "utf8")) as SchemaNode;

interface Input {
  name: string;
  text: string;
  /** The corpus's expected title (`TITLE:`), or the seed's. */
  title?: string;
}

/** A syzkaller report file: header block, blank line, the log, optionally `REPORT:` and the report. */
function corpus(n: number): Input {
  const raw = readFileSync(join(root, "corpus/syzkaller/report", String(n)), "latin1");
  const cut = raw.indexOf("\n\n");
  const head = raw.slice(0, cut);
  const body = raw.slice(cut + 2).split("\nREPORT:\n")[0] ?? "";
  const title = /^TITLE: (.+)$/m.exec(head)?.[1];
  return title ? { name: `report/${n}`, text: body, title } : { name: `report/${n}`, text: body };
}

// x86-64 (NULL-based GPF, non-canonical GPF, user address), arm64 (with and without Code:), arm,
// riscv64, ppc64, a soft lockup, and a lockdep-style report without registers.
const CORPUS = [148, 162, 146, 45, 536, 241, 607, 431, 535, 114];

const RENDERERS: { name: string; render: (a: Analysis) => string; plain: (s: string) => string }[] = [
  { name: "terminal", render: (a) => renderTerminal(a), plain: (s) => s },
  {
    name: "terminal+colour",
    render: (a) => renderTerminal(a, { color: true }),
    plain: (s) => s.replace(/\x1b\[\d+m/g, ""),
  },
  // The collapsed raw report is left out: the facts must be in the rendered sections themselves.
  {
    name: "markdown",
    render: renderMarkdown,
    plain: (s) => s.replace(/<details>[\s\S]*?<\/details>/g, "").replace(/\\([\\`*_|<>[\]])/g, "$1"),
  },
];

/** The facts every text renderer must show for an analysis. */
function keyFacts(a: Analysis): string[] {
  const facts: string[] = [a.source];
  for (const ca of a.crashes) {
    const c = ca.crash;
    facts.push(c.signature.title);
    if (c.pc) facts.push(fmtLocation(c.pc));
    if (c.fault.address !== undefined) facts.push(hex(c.fault.address));
    for (const f of c.frames) facts.push(fmtLocation(f));
    for (const m of c.modules) facts.push(m.name);
    if (c.tainted.letters) facts.push(c.tainted.letters, ...c.tainted.meanings);
    if (c.panic) facts.push(c.panic.message);
    const f = ca.instructions.find((i) => i.faulting);
    if (f) facts.push(f.mnemonic);
    if (ca.explanation) facts.push(ca.explanation.verdict.text);
  }
  return facts;
}

async function load(input: Input): Promise<Analysis> {
  return analyze(input.text, { source: input.name });
}

const seed: Input = {
  name: "examples/seed/oops.log",
  text: readFileSync(join(root, "examples/seed/oops.log"), "utf8"),
};

describe.each([seed, ...CORPUS.map(corpus)])("renderers on $name", (input) => {
  it("the analysis finds the crash the corpus expects, with its title", async () => {
    const a = await load(input);
    if (input.title) expect(a.crashes[0]?.crash.signature.title).toBe(input.title);
    expect(a.crashes.length).toBeGreaterThan(0);
  });

  it.each(RENDERERS)("$name shows every key fact", async ({ render, plain }) => {
    const a = await load(input);
    const out = plain(render(a));
    const facts = keyFacts(a);
    expect(facts.length).toBeGreaterThan(3);
    const missing = facts.filter((f) => !out.includes(f));
    expect(missing).toEqual([]);
  });

  it("the Code rows show the instruction bytes as the oops's own Code: line printed them", async () => {
    const a = await load(input);
    for (const ca of a.crashes) {
      const unit = ca.crash.code?.unitSize;
      const rows = codeRows(ca);
      if (unit === undefined || rows.length === 0) continue;
      // the kernel's text is the oracle: the words of its `Code:` line, or of the lines after
      // powerpc's `Instruction dump:`, with the fault markers (<…>, (…)) taken off
      const dump =
        /Code: ((?:[<(]?[0-9a-f]+[>)]? ?)+)/.exec(input.text)?.[1] ??
        /Instruction dump:\n((?:(?:[<(]?[0-9a-fX]+[>)]? ?)+\n)+)/.exec(input.text)?.[1] ??
        "";
      const printed = dump
        .trim()
        .split(/\s+/)
        .map((w) => w.replace(/[<>()]/g, ""));
      for (const r of rows) {
        if (unit === 1) expect(printed.join("")).toContain(r.bytes);
        else for (const w of r.bytes.split(" ")) expect(printed, `${r.mnemonic} ${r.opStr}`).toContain(w);
      }
    }
  });

  it("JSON carries the same facts and validates against the published schema", async () => {
    const a = await load(input);
    const doc = JSON.parse(renderJSON(a));
    expect(doc).toEqual(JSON.parse(JSON.stringify(toJSON(a))));
    expect(checkSchema(doc, schema)).toEqual([]);
    expect(JSON.parse(renderJSON(a, { compact: true }))).toEqual(doc);
    expect(renderJSON(a, { compact: true }).trimEnd()).not.toContain("\n");
    a.crashes.forEach((ca, i) => {
      const c = ca.crash;
      const j = doc.crashes[i];
      expect(j.title).toBe(c.signature.title);
      expect(j.pc?.symbol ?? null).toBe(c.pc?.symbol ?? null);
      expect(j.fault.address).toBe(c.fault.address === undefined ? null : hex(c.fault.address));
      expect(j.frames.map((f: { symbol: string | null }) => f.symbol)).toEqual(c.frames.map((f) => f.symbol ?? null));
      expect(j.modules).toEqual(c.modules);
      expect(j.tainted.letters).toBe(c.tainted.letters);
      expect(j.panic?.message ?? null).toBe(c.panic?.message ?? null);
      for (const [k, v] of Object.entries(c.registers)) expect(j.registers[k]).toBe(hex(v));
      expect(j.code?.instructions.length ?? 0).toBe(ca.instructions.length);
      expect(j.explanation?.verdict.text ?? null).toBe(ca.explanation?.verdict.text ?? null);
    });
  });
});

describe("renderers on the seed (examples/seed/CASE.md steps 2-4)", () => {
  // CASE.md: epc rlb_arp_recv+0x128/0x228 [bonding], BadVA 0x318, a0 = 0, v0 = 0x300, v1 = 0x30,
  // s1 = 0x300, the octeon_ethernet frame, taint P, "Fatal exception in interrupt", the faulting
  // word 92230018 = lbu v1,24(s1), and 0x318 = 0 + 0x10 × 0x30 + 0x18 with the NULL pointer loaded
  // by ld a0,616(s2) (616 = 0x268).
  const CASE_FACTS = [
    "rlb_arp_recv+0x128/0x228 [bonding]",
    "rlb_arp_recv+0xf4/0x228 [bonding]",
    "0x318",
    "cvm_oct_napi_poll_38+0x7ac/0x10e8 [octeon_ethernet]",
    "Fatal exception in interrupt",
    "Cavium Octeon II",
    "0xa8000000012d1600",
    "lbu",
    "dmul",
    "daddu",
    "0x268",
  ];

  it.each(RENDERERS)("$name shows the seed's facts", async ({ render, plain }) => {
    const out = plain(render(await load(seed)));
    expect(CASE_FACTS.filter((f) => !out.includes(f))).toEqual([]);
    expect(out).toMatch(/element 0x10 of an array of 0x30-byte/);
  });

  it("the terminal marks the faulting line and shows register values inline", async () => {
    const out = renderTerminal(await load(seed));
    const marked = out.split("\n").filter((l) => l.startsWith(">>"));
    expect(marked).toHaveLength(1);
    expect(marked[0]).toContain("92230018");
    expect(marked[0]).toContain("s1=0x300");
    const ld = out.split("\n").find((l) => l.includes("de440268"));
    expect(ld).toContain("a0=0x0");
    expect(ld).toContain("s2=0xa8000000012d1600");
  });

  it("JSON holds the CASE.md values as hex strings", async () => {
    const j = toJSON(await load(seed)) as { crashes: Record<string, unknown>[] };
    const c = j.crashes[0]!;
    expect(c.registers).toMatchObject({ a0: "0x0", v0: "0x300", v1: "0x30", s1: "0x300", s2: "0xa8000000012d1600" });
    expect(c.ra).toMatchObject({ symbol: "rlb_arp_recv", offset: "0xf4", size: "0x228", module: "bonding" });
    expect(c).not.toHaveProperty("lr");
    expect(c.code).toMatchObject({ faultIndex: 12, unitSize: 4 });
  });

  it("colour appears only when asked", async () => {
    const a = await load(seed);
    expect(renderTerminal(a)).not.toContain("\x1b[");
    expect(renderTerminal(a, { color: true })).toContain("\x1b[");
  });
});

describe("an input without a crash", () => {
  it("every renderer says so and the JSON is valid", async () => {
    const a = await analyze("[    0.000000] Linux version 6.1.0 (gcc)\n[    1.000000] random: crng init done\n", {
      source: "quiet.log",
    });
    expect(a.crashes).toEqual([]);
    expect(renderTerminal(a)).toContain("No kernel crash found");
    expect(renderMarkdown(a)).toContain("No kernel crash found");
    expect(checkSchema(toJSON(a), schema)).toEqual([]);
  });
});

describe("a reboot loop (CASE.md step 1: the box boots into the same crash again and again)", () => {
  // Three boots of a serial console, each a `Linux version` banner, a few seconds of boot, then the seed oops.
  const boot = (n: number) =>
    [
      `[    0.000000] Linux version 2.6.32.27-Cavium-Octeon (build@host) (gcc version 4.3.3) #${n} SMP`,
      "[    1.500000] bonding: bond0: Enslaving eth0 as an active interface with an up link",
      ...seed.text
        .trimEnd()
        .split("\n")
        .map((l) => `[   42.000000] ${l}`),
    ].join("\n");
  const log: Input = { name: "serial.log", text: `${[1, 2, 3].map(boot).join("\n")}\n` };

  it("is found across the three boots and every renderer reports it", async () => {
    const a = await load(log);
    expect(a.boots).toHaveLength(3);
    expect(a.crashes).toHaveLength(3);
    expect(a.rebootLoops).toHaveLength(1);
    expect(a.rebootLoops[0]).toMatchObject({ count: 3, boots: [0, 1, 2] });
    const title = a.rebootLoops[0]!.title;
    expect(renderTerminal(a)).toContain(`Reboot loop: 3 consecutive boots end in "${title}"`);
    expect(renderMarkdown(a)).toContain("**Reboot loop:** 3 consecutive boots");
    const j = toJSON(a) as { rebootLoops: { count: number }[] };
    expect(j.rebootLoops[0]?.count).toBe(3);
    expect(checkSchema(j, schema)).toEqual([]);
  });
});
