#!/usr/bin/env node
// The lab's "oopscope next to the truth" table: every capture in lab/crashes/ in, a Markdown table out
// (stdout), each cell "oopscope / truth.json". It runs the built CLI (`npm run build` first) the way
// lab.test.ts does — `oopscope analyze --json --modules <capture dir> <console.log>`, plus `--src
// lab/module` — and prints what it said beside the hand-written truth, so that lab/README.md and a
// closing note quote the same figures. The test is what asserts them; this only shows them.
//
// Usage: npm run build && node lab/table.mjs [capture …]

import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const crashes = join(ROOT, "lab/crashes");
const cli = join(ROOT, "packages/cli/bin/oopscope.js");
const wanted = process.argv.slice(2);
const names = readdirSync(crashes)
  .filter((n) => existsSync(join(crashes, n, "truth.json")) && existsSync(join(crashes, n, "console.log")))
  .filter((n) => wanted.length === 0 || wanted.includes(n))
  .sort();

const pair = (got, want) => `${got ?? "-"} / ${want ?? "-"}`;

const rows = [];
for (const name of names) {
  const dir = join(crashes, name);
  const truth = JSON.parse(readFileSync(join(dir, "truth.json"), "utf8"));
  const r = spawnSync(
    process.execPath,
    [cli, "analyze", "--json", "--modules", dir, "--src", join(ROOT, "lab/module"), join(dir, "console.log")],
    { encoding: "utf8", maxBuffer: 1 << 28 },
  );
  if (r.status !== 0) {
    rows.push(`| \`${name}\` | exit ${r.status}: ${r.stderr.split("\n")[0]} |`);
    continue;
  }
  const doc = JSON.parse(r.stdout);
  const c = doc.crashes[0];
  const sources = c.sources ?? [];
  const frame =
    truth.pc.module !== null
      ? -1
      : Math.min(...sources.map((s) => s.frame).filter((f) => f >= 0 && sources.some((x) => x.frame === f)));
  const chain = sources
    .filter((s) => s.frame === frame)
    .map((s) => `${s.function}:${s.line ?? "?"}`)
    .join(" ← ");
  const want = truth.inline_chain.map((p) => `${p.function}:${p.line ?? ""}`).join(" ← ");
  const named = c.explanation?.verdict?.named ?? {};
  const gotNames = [named.pointer, named.elementType && `${named.elementType}[${Number(named.index)}]`, named.member]
    .filter(Boolean)
    .join(", ");
  const wantNames = [
    truth.pointer?.path,
    truth.element && `${truth.element.type}[${truth.element.index}]`,
    truth.member?.path,
  ]
    .filter(Boolean)
    .join(", ");
  const loops = (doc.rebootLoops ?? []).map((l) => l.count).join(",");
  rows.push(
    `| \`${name}\` | ${c.arch} | ${pair(c.kind, truth.kind)} | ${pair(c.pc ? `${c.pc.symbol}+${c.pc.offset}` : undefined, truth.pc.symbol)} | ${pair(c.fault?.address, truth.fault.address)} | ${chain} / ${want} | ${pair(c.explanation?.verdict?.kind, truth.verdict.kind)} | ${gotNames || "-"} / ${wantNames || "-"} | ${doc.boots.length}${loops ? ` (loop ${loops})` : ""} / ${truth.boots} |`,
  );
}
console.log(
  "| capture | arch | kind | pc | fault address | source chain, innermost first | verdict | named (pointer, element, member) | boots |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
for (const r of rows) console.log(r);
