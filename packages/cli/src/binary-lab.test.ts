/**
 * `oopscope analyze --json --modules` on crashes printed by real kernels (lab/crashes/*: Debian's
 * x86-64 kernel under qemu, our oopslab.ko): the verdict named from DWARF agrees with the ground
 * truth the lab wrote by hand from lab/module/oopslab.c (truth.json) — pointer path, element type,
 * size and index, member, faulting line and inline chain. Crashes without a named pointer in their
 * truth are not asserted here.
 */

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CliIO } from "./io.js";
import { main } from "./main.js";

const root = join(import.meta.dirname, "../../..");
const lab = join(root, "lab/crashes");

function run(argv: string[]) {
  const out: string[] = [];
  const io: CliIO = {
    stdout: { write: (s: string) => out.push(s), isTTY: false },
    stderr: { write: () => {}, isTTY: false },
    stdin: (async function* () {})(),
  };
  return main(argv, io).then((code) => ({ code, out: out.join("") }));
}

interface Truth {
  pointer?: { path: string; type: string };
  element?: { type: string; size: string; index: number };
  member?: { path: string; offset: string };
  source: { line: number };
  inline_chain: { function: string; line: number }[];
}

const cases = ["null_table", "null_table_loop_nokaslr", "uaf", "oob", "wildcard"].filter((c) =>
  existsSync(join(lab, c, "truth.json")),
);

describe.skipIf(cases.length === 0)("lab crashes: named verdicts against the hand-written ground truth", () => {
  it.each(cases)("%s", async (name) => {
    const dir = join(lab, name);
    const truth = JSON.parse(readFileSync(join(dir, "truth.json"), "utf8")) as Truth;
    const r = await run(["analyze", "--json", "--modules", dir, join(dir, "console.log")]);
    expect(r.code).toBe(0);
    const c = JSON.parse(r.out).crashes[0];
    const n = c.explanation.verdict.named;
    expect(n.pointer).toBe(truth.pointer?.path);
    expect(n.pointerType).toBe(truth.pointer?.type);
    expect(n.member).toBe(truth.member?.path);
    expect(n.memberOffset).toBe(truth.member?.offset);
    if (truth.element) {
      expect(n.elementType).toBe(truth.element.type);
      expect(n.elementSize).toBe(Number(truth.element.size));
      expect(n.index).toBe(`0x${truth.element.index.toString(16)}`);
    }
    expect(n.source.line).toBe(truth.source.line);
    expect(n.source.inlineChain).toEqual(truth.inline_chain.map((f) => f.function));
    // The oops's Code: bytes come from the same module: never an unexplained mismatch.
    expect(["match", "patched"]).toContain(c.binary.codeCheck.result);
  });
});

// The names reach every renderer: the terminal report, the Markdown report and the JSON document
// carry truth's pointer path (and member path, when truth has one), for globals read through a
// relocated displacement (oob, wildcard) and for the list-poison entry named in its calling frame.
const named = ["oob", "wildcard", "list_poison"].filter((c) => existsSync(join(lab, c, "truth.json")));
describe.skipIf(named.length === 0)("lab crashes: the named pointer in every output format", () => {
  it.each(named)("%s", async (name) => {
    const dir = join(lab, name);
    const truth = JSON.parse(readFileSync(join(dir, "truth.json"), "utf8")) as Truth;
    const want = [truth.pointer?.path, truth.member?.path].filter((x): x is string => x !== undefined);
    expect(want.length).toBeGreaterThan(0);
    for (const format of [[], ["--markdown"], ["--json"]]) {
      const r = await run(["analyze", ...format, "--modules", dir, join(dir, "console.log")]);
      expect(r.code).toBe(0);
      // Markdown escapes `>`, `[`, `]`, `*` outside code spans; the names are in code spans
      for (const w of want) expect(r.out, `${name} ${format.join(" ") || "terminal"}: ${w}`).toContain(w);
    }
    const n = JSON.parse((await run(["analyze", "--json", "--modules", dir, join(dir, "console.log")])).out).crashes[0]
      .explanation.verdict.named;
    expect(n.pointer).toBe(truth.pointer?.path);
  });
});
