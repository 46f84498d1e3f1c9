#!/usr/bin/env node
// The truth for the lab's kernel-side frames: each capture's console text in (x86-64, arm64,
// mips64el), a golden file out (lab/crashes/<name>/kernel-frames.json) with what llvm-symbolizer says
// of every vmlinux frame of the first crash, from Debian's debug vmlinux of the capture's kernel
// release (truth.json `kernel.release`: .cache/kernel/<release>/vmlinux, fetched by
// scripts/kernel/fetch-debian-dbg.sh). The frames are read from the console text with plain regular
// expressions per architecture (not with oopscope), their addresses from the architecture's `nm` (a
// name printed with a size is the symbol of that name and size: the kernel prints `func+off/size`,
// and same-name statics differ in size), and a return address is looked up in the call instruction,
// as symbolizers do for a caller: at address − 1 on x86-64 and arm64 (on arm64's fixed 4-byte
// instructions the same instruction as address − 4, the `bl`), at address − 8 on MIPS (the return
// address is two instructions past the `jal`/`jalr`: the call, then its delay slot). The pc itself is
// looked up as it is. packages/cli/src/lab.test.ts compares oopscope's --vmlinux answers with these
// files when LAB_VMLINUX=1 (npm run test:kernel sets it after fetching the vmlinux images).
//
// Usage: scripts/kernel/fetch-debian-dbg.sh (once per kernel: see scripts/kernel/README.md), then
//   node lab/oracle-kernel-frames.mjs [--arch x86_64|arm64|mips64] [NAME...]
// A capture whose vmlinux is not fetched is skipped (and said so).

import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { run } from "../scripts/kernel/compare.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const CACHE = process.env.KERNEL_CACHE ?? join(ROOT, ".cache/kernel");

function have(cmd) {
  return spawnSync(cmd, ["--version"], { encoding: "utf8" }).status === 0;
}

const SYM = String.raw`([A-Za-z_][\w.]*)\+(0x[0-9a-f]+)\/(0x[0-9a-f]+)`;
const TS = String.raw`(?:\[[ \d.]+\] )?`;

/**
 * Per architecture (truth.json's `arch`): the nm to read symbols with (the cross binutils first, then
 * binutils-multiarch's nm), the pc line, where the first crash's trace starts and ends, a trace line
 * of a vmlinux frame (no `[module]` after it), and what a return address is looked up at.
 */
const ARCHES = {
  // `RIP: 0010:func+0x1a/0x40`; ` ? func+0x1a/0x40` after `Call Trace:` (arch/x86/kernel/dumpstack.c)
  x86_64: {
    nm: ["x86_64-linux-gnu-nm", "nm"],
    pc: new RegExp(String.raw`RIP: 0010:${SYM}\s*$`),
    start: /Call Trace:/,
    end: /Modules linked in:|---\[ end trace|RIP: 0033:/,
    frame: new RegExp(String.raw`^${TS}(?: (\?) )?\s*${SYM}\s*$`),
    back: 1n,
  },
  // `pc : func+0x1c/0x40` (__show_regs), then `Call trace:` and ` func+0x1c/0x40` (dump_backtrace),
  // whose first entry is the pc itself
  arm64: {
    nm: ["aarch64-linux-gnu-nm", "nm"],
    pc: new RegExp(String.raw`^${TS}pc : ${SYM}\s*$`),
    pcAny: new RegExp(String.raw`^${TS}pc : `),
    start: /Call trace:/,
    end: /Code:|---\[ end trace|Kernel panic|Modules linked in:/,
    frame: new RegExp(String.raw`^${TS} ${SYM}\s*$`),
    back: 1n,
  },
  // `epc   : ffffffff… func+0x…/0x…` (__show_regs), then `Call Trace:` and
  // `[<ffffffff…>] func+0x…/0x…` (show_backtrace), whose first entry is the epc itself
  mips64: {
    nm: ["mips64el-linux-gnuabi64-nm", "nm"],
    pc: new RegExp(String.raw`^${TS}epc\s+: ([0-9a-f]+) ${SYM}\s*$`),
    pcAny: new RegExp(String.raw`^${TS}epc\s+: `),
    start: /Call Trace:/,
    end: /Code:|---\[ end trace|Kernel panic|Modules linked in:|^(?:\[[ \d.]+\])?\s*$/,
    frame: new RegExp(String.raw`^${TS}\[<([0-9a-f]+)>\] ${SYM}\s*$`),
    back: 8n,
  },
};

/** The first crash's vmlinux frames, in order: the pc (when in vmlinux), then the call trace. */
function framesOf(arch, text) {
  const a = ARCHES[arch];
  const lines = text.split(/\r?\n/);
  const out = [];
  let inTrace = false;
  let sawPc = false;
  let pcText = null;
  let first = true;
  for (const line of lines) {
    if (arch === "x86_64") {
      // as written for x86-64 first: the first RIP in vmlinux, wherever it is
      if (!sawPc) {
        const r = a.pc.exec(line);
        if (r) {
          sawPc = true;
          out.push({ text: `${r[1]}+${r[2]}/${r[3]}`, symbol: r[1], offset: r[2], size: r[3], pc: true });
          continue;
        }
      }
    } else if (!sawPc && !inTrace && a.pcAny.test(line)) {
      // the first crash's pc line; in a module it is no vmlinux frame, but it is the pc all the same
      sawPc = true;
      const r = a.pc.exec(line);
      if (r) {
        const [sym, off, size] = arch === "mips64" ? [r[2], r[3], r[4]] : [r[1], r[2], r[3]];
        pcText = `${sym}+${off}/${size}`;
        out.push({ text: pcText, symbol: sym, offset: off, size, pc: true });
      }
      continue;
    }
    if (a.start.test(line)) {
      if (inTrace || out.some((f) => !f.pc)) break;
      inTrace = true;
      continue;
    }
    if (!inTrace) continue;
    if (a.end.test(line)) break;
    const m = a.frame.exec(line);
    const isFirst = first;
    first = false;
    if (!m) continue;
    if (arch === "x86_64") {
      out.push({ text: `${m[2]}+${m[3]}/${m[4]}`, symbol: m[2], offset: m[3], size: m[4], pc: false });
      continue;
    }
    const [sym, off, size] = arch === "mips64" ? [m[2], m[3], m[4]] : [m[1], m[2], m[3]];
    const t = `${sym}+${off}/${size}`;
    // arm64 and MIPS print the pc again as the trace's first entry: it is the pc, not a caller
    if (isFirst && t === pcText) continue;
    // MIPS's first entry is always a pc (show_backtrace starts at regs->cp0_epc); without the oops's
    // registers (dump_stack: a WARNING, a lockup) show_stack() fills them in with
    // prepare_frametrace(), whose cp0_epc is the address of its own `1: dla $1, 1b`: looked up as is
    const asPc = arch === "mips64" && isFirst;
    out.push({ text: t, symbol: sym, offset: off, size, pc: false, ...(asPc ? { asPc: true } : {}) });
  }
  return out;
}

/** name → [{ address, size }] of a vmlinux's text symbols, sized as kallsyms sizes them. */
function symbolTable(nm, vmlinux) {
  // The size the kernel prints is kallsyms' (the distance to the next symbol, padding included:
  // scripts/kallsyms.c), not the ELF st_size, so it is computed from the sorted addresses of `nm -n`.
  const symbols = new Map();
  const text = [];
  for (const line of run(nm, ["-n", "--defined-only", vmlinux]).split("\n")) {
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
  return symbols;
}

const args = process.argv.slice(2);
const archArg = args.indexOf("--arch");
const onlyArch = archArg >= 0 ? args[archArg + 1] : undefined;
const onlyNames = args.filter((x, i) => !x.startsWith("--") && (archArg < 0 || i !== archArg + 1));

const symbolizerVersion = run("llvm-symbolizer", ["--version"])
  .split("\n")
  .find((l) => /version/i.test(l))
  ?.trim();
const tables = new Map();
const crashes = join(ROOT, "lab/crashes");
let written = 0;
let skipped = 0;
for (const name of readdirSync(crashes).sort()) {
  if (onlyNames.length > 0 && !onlyNames.includes(name)) continue;
  const dir = join(crashes, name);
  const truthFile = join(dir, "truth.json");
  if (!existsSync(truthFile)) continue;
  const truth = JSON.parse(readFileSync(truthFile, "utf8"));
  const a = ARCHES[truth.arch];
  if (!a || (onlyArch && truth.arch !== onlyArch)) continue;
  const release = truth.kernel.release;
  const vmlinux = join(CACHE, release, "vmlinux");
  if (!existsSync(vmlinux)) {
    console.error(`lab/oracle-kernel-frames: ${name}: skipped, no vmlinux for ${release} (fetch-debian-dbg.sh)`);
    skipped++;
    continue;
  }
  if (!tables.has(vmlinux)) {
    const nm = a.nm.find(have);
    if (!nm) throw new Error(`no nm for ${truth.arch}: install binutils-multiarch`);
    tables.set(vmlinux, symbolTable(nm, vmlinux));
  }
  const symbols = tables.get(vmlinux);
  const frames = framesOf(truth.arch, readFileSync(join(dir, "console.log"), "latin1"));
  const query = [];
  const entries = [];
  for (const f of frames) {
    const all = symbols.get(f.symbol) ?? [];
    const cands = all.length === 1 ? all : all.filter((s) => s.size === BigInt(f.size));
    if (cands.length !== 1) {
      // a pc outside vmlinux (a module's) is not a vmlinux frame: leave it out
      if (f.pc && all.length === 0) continue;
      entries.push({
        frame: f.text,
        reliable: null,
        address: null,
        why: `${cands.length} symbols named ${f.symbol} of size ${f.size}`,
      });
      continue;
    }
    const address = cands[0].address + BigInt(f.offset) - (f.pc || f.asPc ? 0n : a.back);
    const e = { frame: f.text, pc: f.pc, address: `0x${address.toString(16)}` };
    if (f.asPc) e.return = false;
    entries.push(e);
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
    oracle: `llvm-symbolizer --functions=short -i (${symbolizerVersion})`,
    vmlinux: `Debian vmlinux-${release} (linux-image-${release}-dbg ${truth.kernel.package})`,
    note: `written by lab/oracle-kernel-frames.mjs; the first crash's vmlinux frames; return addresses looked up at address - ${a.back}${
      truth.arch === "mips64" ? "; an entry with return false is a pc (regs->cp0_epc), looked up as is" : ""
    }`,
    entries,
  };
  writeFileSync(join(dir, "kernel-frames.json"), `${JSON.stringify(golden, null, 2)}\n`);
  written++;
  console.error(`lab/oracle-kernel-frames: ${name}: ${entries.length} vmlinux frames`);
}
console.error(`lab/oracle-kernel-frames: ${written} captures written, ${skipped} skipped`);
