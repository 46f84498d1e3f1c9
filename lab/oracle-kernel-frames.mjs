#!/usr/bin/env node
// The truth for the lab's kernel-side frames: each x86-64 capture's console text in, a golden file
// out (lab/crashes/<name>/kernel-frames.json) with what llvm-symbolizer says of every vmlinux frame
// of the first crash, from Debian's debug vmlinux. The frames are read from the console text with a
// plain regular expression (not with oopscope), their addresses from `nm` (a name printed with a
// size is the symbol of that name and size: the kernel prints `func+off/size`, and same-name statics
// differ in size), and a return address is looked up at address − 1 as every symbolizer does for a
// caller (the pc itself is not). packages/cli/src/lab.test.ts compares oopscope's --vmlinux answers
// with these files when LAB_VMLINUX=1 (npm run test:kernel sets it after fetching the vmlinux).
//
// Usage: scripts/kernel/fetch-debian-dbg.sh && node lab/oracle-kernel-frames.mjs [--dir KERNEL_DIR]

import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { kernelDir } from "../scripts/kernel/compare.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const dirArg = process.argv.indexOf("--dir");
const kdir = kernelDir(dirArg > 0 ? process.argv[dirArg + 1] : undefined);
const vmlinux = join(kdir, "vmlinux");
if (!existsSync(vmlinux)) {
  console.error(`lab/oracle-kernel-frames: no vmlinux in ${kdir}; run scripts/kernel/fetch-debian-dbg.sh`);
  process.exit(2);
}

function run(cmd, args, input) {
  const r = spawnSync(cmd, args, { input, encoding: "utf8", maxBuffer: 1 << 30 });
  if (r.error || r.status !== 0) throw new Error(`${cmd}: ${r.error?.message ?? r.stderr.slice(0, 400)}`);
  return r.stdout;
}

// name → [{ address, size }] for text symbols. The size the kernel prints is kallsyms' (the distance
// to the next symbol, padding included: scripts/kallsyms.c), not the ELF st_size, so it is computed
// from the sorted addresses of `nm -n`.
const symbols = new Map();
const text = [];
for (const line of run("nm", ["-n", "--defined-only", vmlinux]).split("\n")) {
  const m = /^([0-9a-f]+) ([tTwW]) (\S+)$/.exec(line);
  if (m) text.push({ address: BigInt(`0x${m[1]}`), name: m[3] });
}
for (let i = 0; i < text.length; i++) {
  const s = text[i];
  let j = i + 1;
  while (j < text.length && text[j].address === s.address) j++;
  const size = j < text.length ? text[j].address - s.address : 0n;
  const list = symbols.get(s.name) ?? [];
  list.push({ address: s.address, size });
  symbols.set(s.name, list);
}

// ` ? func+0x1a/0x40` (or `RIP: 0010:func+0x1a/0x40`) with no `[module]` after it: a vmlinux frame.
const FRAME = /^(?:\[[ \d.]+\] )?(?: (\?) )?\s*([A-Za-z_][\w.]*)\+(0x[0-9a-f]+)\/(0x[0-9a-f]+)\s*$/;
const RIP = /RIP: 0010:([A-Za-z_][\w.]*)\+(0x[0-9a-f]+)\/(0x[0-9a-f]+)\s*$/;

/** The first crash's vmlinux frames, in order: the pc (when in vmlinux), then the call trace. */
function framesOf(text) {
  const lines = text.split(/\r?\n/);
  const out = [];
  let inTrace = false;
  let sawRip = false;
  for (const line of lines) {
    if (!sawRip) {
      const r = RIP.exec(line);
      if (r) {
        sawRip = true;
        out.push({ text: `${r[1]}+${r[2]}/${r[3]}`, symbol: r[1], offset: r[2], size: r[3], pc: true });
        continue;
      }
    }
    if (/Call Trace:/.test(line)) {
      if (inTrace || out.some((f) => !f.pc)) break;
      inTrace = true;
      continue;
    }
    if (!inTrace) continue;
    if (/Modules linked in:|---\[ end trace|RIP: 0033:/.test(line)) break;
    const m = FRAME.exec(line);
    if (m) out.push({ text: `${m[2]}+${m[3]}/${m[4]}`, symbol: m[2], offset: m[3], size: m[4], pc: false });
  }
  return out;
}

const crashes = join(ROOT, "lab/crashes");
let written = 0;
for (const name of readdirSync(crashes).sort()) {
  const dir = join(crashes, name);
  const truthFile = join(dir, "truth.json");
  if (!existsSync(truthFile) || JSON.parse(readFileSync(truthFile, "utf8")).arch !== "x86_64") continue;
  const frames = framesOf(readFileSync(join(dir, "console.log"), "latin1"));
  const query = [];
  const entries = [];
  for (const f of frames) {
    const all = symbols.get(f.symbol) ?? [];
    const cands = all.length === 1 ? all : all.filter((s) => s.size === BigInt(f.size));
    if (cands.length !== 1) {
      entries.push({
        frame: f.text,
        reliable: null,
        address: null,
        why: `${cands.length} symbols named ${f.symbol} of size ${f.size}`,
      });
      continue;
    }
    const address = cands[0].address + BigInt(f.offset) - (f.pc ? 0n : 1n);
    entries.push({ frame: f.text, pc: f.pc, address: `0x${address.toString(16)}` });
    query.push(`0x${address.toString(16)}`);
  }
  const answer = run("llvm-symbolizer", ["--functions=short", "-i", "--obj", vmlinux], `${query.join("\n")}\n`);
  const blocks = answer.split(/\n\n/).filter((b) => b.trim() !== "");
  let qi = 0;
  for (const e of entries) {
    if (e.address === null) continue;
    const rows = (blocks[qi++] ?? "").trim().split("\n");
    e.frames = [];
    for (let i = 0; i + 1 < rows.length; i += 2) {
      const loc = /^(.*):(\d+):(\d+)$/.exec(rows[i + 1]);
      // llvm-symbolizer's "??" and line 0 mean "not known": null, as oopscope's JSON says it
      const file = loc ? loc[1] : rows[i + 1];
      e.frames.push({
        function: rows[i] === "??" ? null : rows[i],
        file: file === "??" ? null : file,
        line: loc && loc[2] !== "0" ? Number(loc[2]) : null,
      });
    }
  }
  const golden = {
    oracle: `llvm-symbolizer --functions=short -i (${run("llvm-symbolizer", ["--version"])
      .split("\n")
      .find((l) => /version/i.test(l))
      ?.trim()})`,
    vmlinux: "Debian vmlinux-6.1.0-56-amd64 (linux-image-6.1.0-56-amd64-dbg 6.1.192-2)",
    note: "written by lab/oracle-kernel-frames.mjs; the first crash's vmlinux frames; return addresses looked up at address - 1",
    entries,
  };
  writeFileSync(join(dir, "kernel-frames.json"), `${JSON.stringify(golden, null, 2)}\n`);
  written++;
  console.error(`lab/oracle-kernel-frames: ${name}: ${entries.length} vmlinux frames`);
}
console.error(`lab/oracle-kernel-frames: ${written} captures`);
