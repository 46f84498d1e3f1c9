#!/usr/bin/env node
// Disassembly bench: the WASM start (first initDisassembler, cold) and, warm, the decoding of every
// golden Code: window in packages/core/test-data/disasm (10 targets, real oops windows), repeated.
// Reports per-window mean time and the slowest window's mean.
//
//   npm run build && node bench/disasm.mjs [rounds=200]

import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const core = await import(pathToFileURL(join(root, "packages/core/dist/disasm/index.js")).href);
const dir = join(root, "packages/core/test-data/disasm");
const rounds = Number(process.argv[2] ?? 200);

const windows = readdirSync(dir)
  .filter((f) => f.endsWith(".golden"))
  .map((f) => {
    const text = readFileSync(join(dir, f), "utf8");
    const meta = Object.fromEntries([...text.matchAll(/^# (\w+): (.*)$/gm)].map((m) => [m[1], m[2]]));
    const raw = text.split("\n--- raw input\n")[1]?.trimEnd().split("\n") ?? [];
    const bytes = Uint8Array.from(meta.bytes.match(/../g), (x) => Number.parseInt(x, 16));
    const target = JSON.parse(meta.target);
    const input = { bytes, faultIndex: Number(meta.fault), ...(target.arch === "s390x" ? { listing: raw } : {}) };
    return { id: f.replace(/\.golden$/, ""), target, input };
  });

const t0 = process.hrtime.bigint();
await core.initDisassembler();
const initMs = Number(process.hrtime.bigint() - t0) / 1e6;

// Warm-up: opens one Capstone handle per target and lets V8 tier the WASM and JS up (the first few
// hundred decodes run in the baseline compilers and are ~10x slower).
const t1 = process.hrtime.bigint();
core.disassembleCode(windows[0].target, windows[0].input);
const firstMs = Number(process.hrtime.bigint() - t1) / 1e6;
for (let i = 0; i < rounds; i++) for (const w of windows) core.disassembleCode(w.target, w.input);

const rows = windows.map((w) => {
  const s = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) core.disassembleCode(w.target, w.input);
  return { id: w.id, ms: Number(process.hrtime.bigint() - s) / 1e6 / rounds };
});
const mean = rows.reduce((a, r) => a + r.ms, 0) / rows.length;
const worst = rows.reduce((a, r) => (r.ms > a.ms ? r : a));
console.log(`WASM init (cold): ${initMs.toFixed(1)} ms; first window decoded in ${firstMs.toFixed(1)} ms`);
console.log(
  `decode, warm, ${windows.length} windows x ${rounds}: mean ${mean.toFixed(3)} ms/window, slowest ${worst.id} ${worst.ms.toFixed(3)} ms`,
);
for (const r of rows) console.log(`  ${r.id.padEnd(28)} ${r.ms.toFixed(3)} ms`);
