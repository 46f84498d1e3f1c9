#!/usr/bin/env node
// Explain bench: decode + explain per crash, warm, with the WASM start measured separately. The
// crashes are the seed oops (examples/seed/oops.log) and every syzkaller report (corpus/syzkaller/
// report) whose first crash has an architecture and a Code: window with a marked instruction; parsing
// is done once up front and not timed. Reports the WASM start (cold), the first decode+explain, and,
// warm, per crash the median of single runs, then the mean and the slowest crash, for decode+explain
// and for explain alone; and how many decoded instructions the semantic tables model.
//
//   npm run build && node bench/explain.mjs [rounds=50]

import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const core = await import(pathToFileURL(join(root, "packages/core/dist/index.js")).href);
const rounds = Number(process.argv[2] ?? 50);

const body = (t) => (t.startsWith("TITLE:") ? t.slice(t.indexOf("\n\n") + 2) : t);
const files = [
  ["seed", join(root, "examples/seed/oops.log")],
  ...readdirSync(join(root, "corpus/syzkaller/report"))
    .filter((f) => /^\d+$/.test(f))
    .map((f) => [`report/${f}`, join(root, "corpus/syzkaller/report", f)]),
];
const crashes = [];
for (const [id, path] of files) {
  const c = core.parseLog(body(readFileSync(path, "latin1"))).crashes[0];
  if (!c?.arch || !c.code || c.code.faultIndex === undefined) continue;
  const input = {
    bytes: c.code.bytes,
    faultIndex: c.code.faultIndex,
    ...(c.code.listing ? { listing: c.code.listing } : {}),
  };
  const target = {
    arch: c.arch,
    endian: c.endian ?? core.ARCHES[c.arch].defaultEndian,
    octeon: /octeon/i.test(c.cpuModel ?? ""),
    thumb: c.code.thumb ?? false,
  };
  crashes.push({ id, c, input, target });
}

const t0 = process.hrtime.bigint();
await core.initDisassembler();
const initMs = Number(process.hrtime.bigint() - t0) / 1e6;

const one = (x) => core.explainCrash(x.c, core.disassembleCode(x.target, x.input, x.c.pc?.address));
const t1 = process.hrtime.bigint();
one(crashes[0]);
const firstMs = Number(process.hrtime.bigint() - t1) / 1e6;

// Warm-up, then measure.
for (let i = 0; i < rounds; i++) for (const x of crashes) one(x);
const insns = crashes.map((x) => core.disassembleCode(x.target, x.input, x.c.pc?.address));
const kinds = {};
// Per crash: the median of `rounds` single runs (the machine is shared; medians resist GC pauses).
const median = (a) => a.sort((x, y) => x - y)[a.length >> 1];
const time = (f) => {
  const t = [];
  for (let i = 0; i < rounds; i++) {
    const s = process.hrtime.bigint();
    f();
    t.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  return median(t);
};
const rows = crashes.map((x, k) => {
  const both = time(() => one(x));
  const explainOnly = time(() => core.explainCrash(x.c, insns[k]));
  const ex = core.explainCrash(x.c, insns[k]);
  kinds[ex.verdict.kind] = (kinds[ex.verdict.kind] ?? 0) + 1;
  if (process.env.SHOW === ex.verdict.kind) console.log(`  ${x.id}: ${ex.verdict.text}`);
  return { id: x.id, arch: x.c.arch, both, explainOnly };
});
const mean = (f) => rows.reduce((a, r) => a + f(r), 0) / rows.length;
const worst = rows.reduce((a, r) => (r.both > a.both ? r : a));
const worstExplain = rows.reduce((a, r) => (r.explainOnly > a.explainOnly ? r : a));
const seed = rows.find((r) => r.id === "seed");
console.log(`crashes with a marked Code: window: ${rows.length} (of ${files.length} logs)`);
console.log(
  `WASM start (cold initDisassembler): ${initMs.toFixed(1)} ms; first decode+explain: ${firstMs.toFixed(1)} ms`,
);
console.log(
  `warm, median of ${rounds} runs per crash: decode+explain mean ${mean((r) => r.both).toFixed(3)} ms/crash, slowest ${worst.id} (${worst.arch}) ${worst.both.toFixed(3)} ms; explain alone mean ${mean((r) => r.explainOnly).toFixed(3)} ms, slowest ${worstExplain.id} ${worstExplain.explainOnly.toFixed(3)} ms`,
);
if (seed)
  console.log(`seed: decode+explain ${seed.both.toFixed(3)} ms, explain alone ${seed.explainOnly.toFixed(3)} ms`);
console.log(`verdicts: ${JSON.stringify(kinds)}`);

// Semantic coverage: how many decoded instructions of these windows the arch's table models.
const cov = {};
crashes.forEach((x, k) => {
  const sem = core.semanticsFor(x.c.arch);
  if (!sem) return;
  cov[x.c.arch] ??= { insns: 0, modelled: 0 };
  const row = cov[x.c.arch];
  for (const i of insns[k]) {
    if (i.bad) continue;
    row.insns++;
    if (!sem.effect(i).unknown) row.modelled++;
  }
});
console.log(
  `modelled by the semantic tables: ${Object.entries(cov)
    .map(([a, r]) => `${a} ${r.modelled}/${r.insns}`)
    .join(", ")}`,
);
