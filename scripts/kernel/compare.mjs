// Compares our symbolizer with llvm-symbolizer on a real distribution kernel: Debian's debug vmlinux
// and bonding.ko as scripts/kernel/fetch-debian-dbg.sh extracts them. Checks (1) N random text
// addresses of vmlinux (sized FUNC symbols from `nm -S`, a seeded pick of symbol and offset),
// (2) every instruction of every function of bonding.ko (from `objdump -d`), frame for frame
// (function, file, line, column, innermost first); and (3) `memberAt` on `struct bonding`,
// `struct rlb_client_info` and `struct alb_bond_info` against gdb-multiarch `ptype /o`. Prints a summary; the full list of
// disagreements goes to <kernel dir>/compare-report.txt.
//
// llvm-symbolizer 14 misreads relocatable objects (it does not relocate .debug_aranges, so every unit
// after the first is looked up in the first; see packages/core/test-data/oracle/disagreements.json):
// for bonding.ko it reads a copy without .debug_aranges, whose code sections objcopy moved apart.
//
// Usage: npm run build && node scripts/kernel/compare.mjs [--dir DIR] [--count 10000] [--seed 1]
// (DIR defaults to the one directory under .cache/kernel/, or KERNEL_DIR.)

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parsePtype } from "../fixtures/oracle.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

export function run(cmd, args, input) {
  const r = spawnSync(cmd, args, { input, encoding: "utf8", maxBuffer: 1 << 30 });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.slice(0, 4).join(" ")} exited ${r.status}: ${r.stderr.slice(0, 500)}`);
  return r.stdout;
}

export function kernelDir(explicit) {
  if (explicit) return explicit;
  if (process.env.KERNEL_DIR) return process.env.KERNEL_DIR;
  const cache = join(ROOT, ".cache/kernel");
  // the amd64 kernel: fetch-debian-dbg.sh extracts bonding.ko only there (the crash lab's arm64 and
  // mips64el vmlinux images share the cache)
  const dirs = existsSync(cache)
    ? readdirSync(cache, { withFileTypes: true }).filter(
        (d) =>
          d.isDirectory() &&
          existsSync(join(cache, d.name, "vmlinux")) &&
          existsSync(join(cache, d.name, "bonding.ko")),
      )
    : [];
  if (dirs.length === 0) throw new Error("no extracted kernel: run scripts/kernel/fetch-debian-dbg.sh first");
  return join(cache, dirs[0].name);
}

/** mulberry32: a small seeded PRNG, so the address sample is reproducible. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` random addresses inside sized text symbols of vmlinux (nm -S), seeded. */
export function randomTextAddresses(vmlinux, count, seed) {
  const syms = [];
  for (const l of run("nm", ["-S", "--defined-only", vmlinux]).split("\n")) {
    const m = /^([0-9a-f]+) ([0-9a-f]+) [tT] (\S+)$/.exec(l);
    if (m) {
      const size = BigInt(`0x${m[2]}`);
      if (size > 0n) syms.push({ start: BigInt(`0x${m[1]}`), size, name: m[3] });
    }
  }
  const rnd = prng(seed);
  const out = [];
  for (let i = 0; i < count; i++) {
    const s = syms[Math.floor(rnd() * syms.length)];
    out.push(s.start + BigInt(Math.floor(rnd() * Number(s.size))));
  }
  return out;
}

const hex = (a) => `0x${a.toString(16)}`;

export function llvmFrames(obj, addrs) {
  return run(
    "llvm-symbolizer",
    ["--output-style=JSON", "--functions=short", "-i", `--obj=${obj}`],
    addrs.map(hex).join("\n"),
  )
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) =>
      (JSON.parse(l).Symbol ?? []).map((s) => ({
        function: s.FunctionName && s.FunctionName !== "??" ? s.FunctionName : "",
        file: s.FileName && s.FileName !== "??" ? s.FileName : "",
        line: s.Line ?? 0,
        column: s.Column ?? 0,
      })),
    );
}

const norm = (f) => ({ function: f.function ?? "", file: f.file ?? "", line: f.line ?? 0, column: f.column ?? 0 });
const empty = (fs) => fs.every((f) => f.function === "" && f.file === "" && f.line === 0);
function same(a, b) {
  if (empty(a) && empty(b)) return true;
  return (
    a.length === b.length &&
    a.every(
      (f, i) =>
        f.function === b[i].function && f.file === b[i].file && f.line === b[i].line && f.column === b[i].column,
    )
  );
}
/**
 * Ours names the ELF symbol where the DWARF has a line but no subprogram (assembly, stubs) and
 * llvm-symbolizer prints `??`; everything else equal. Counted apart, not as agreement.
 */
function symtabFallback(ours, llvm) {
  return (
    ours.length === 1 &&
    llvm.length === 1 &&
    ours[0].function !== "" &&
    llvm[0].function === "" &&
    same([{ ...ours[0], function: "" }], llvm)
  );
}
const show = (fs) => fs.map((f) => `${f.function || "??"} ${f.file || "??"}:${f.line}:${f.column}`).join(" <- ");

async function loadOurs() {
  const core = join(ROOT, "packages/core/dist/index.js");
  const fsrc = join(ROOT, "packages/cli/dist/io/file-source.js");
  if (!existsSync(core) || !existsSync(fsrc)) throw new Error("build first: npm run build");
  const { openElfSymbolizer } = await import(core);
  const { openFileSource } = await import(fsrc);
  return { openElfSymbolizer, openFileSource };
}

/** Instruction addresses of every function, per code section, of a relocatable object. */
function koInstructions(ko) {
  const out = new Map();
  let section;
  for (const line of run("objdump", ["-d", "-w", ko]).split("\n")) {
    const sec = /^Disassembly of section (\S+):$/.exec(line);
    if (sec) {
      section = sec[1];
      out.set(section, []);
      continue;
    }
    const m = /^\s*([0-9a-f]+):\t[0-9a-f ]+\t(\S+)/.exec(line);
    if (m && section !== undefined && !m[2].startsWith(".")) out.get(section).push(BigInt(`0x${m[1]}`));
  }
  for (const [k, v] of out) if (v.length === 0) out.delete(k);
  return out;
}

function layoutCheck(name, layout, memberAt) {
  const fails = [];
  let checked = 0;
  const leaves = layout.members.filter((m) => !layout.members.some((o) => o.path.startsWith(`${m.path}.`)));
  const claimed = new Set();
  let deeperCount = 0;
  return (async () => {
    for (const m of leaves) {
      if (claimed.has(m.offset)) continue;
      for (const off of [m.offset, m.offset + Math.max(1, m.size) - 1]) {
        const got = await memberAt(name, off);
        const path = got?.path ?? "";
        const sharing = leaves
          .filter((o) => off >= o.offset && off < o.offset + Math.max(1, o.size))
          .map((o) => o.path);
        const exact = sharing.some((p) => path === p || path.startsWith(`${p}[`));
        // gdb's ptype /o does not expand members whose type is a typedef of a struct (spinlock_t,
        // atomic_t): there ours goes on into the typedef'd struct, so its path extends gdb's.
        const deeper = !exact && sharing.some((p) => path.startsWith(`${p}.`));
        const ok = got?.typeSize === layout.size && (exact || deeper);
        if (deeper) deeperCount++;
        checked++;
        if (!ok)
          fails.push(
            `${name} +0x${off.toString(16)}: ours '${path}' (size ${got?.typeSize}), gdb ${sharing.join(" / ")} (size ${layout.size})`,
          );
      }
      for (let b = m.offset; b < m.offset + m.size; b++) claimed.add(b);
    }
    return { checked, fails, deeper: deeperCount };
  })();
}

/**
 * Runs the three comparisons; returns the figures (and writes the report). `stats` holds, per part,
 * total / agree / fallback (ours names the ELF symbol, llvm prints ??) / deeper (layouts: ours goes
 * inside a typedef'd struct gdb prints unexpanded).
 */
export async function compareKernel({ dir, count = 10000, seed = 1 }) {
  const stats = {};
  const vmlinux = join(dir, "vmlinux");
  const ko = join(dir, "bonding.ko");
  const { openElfSymbolizer, openFileSource } = await loadOurs();
  const report = [];
  const summary = [];

  // (1) vmlinux
  const addrs = randomTextAddresses(vmlinux, count, seed);
  let t = performance.now();
  const llvm = llvmFrames(vmlinux, addrs);
  const llvmMs = performance.now() - t;
  t = performance.now();
  const src = await openFileSource(vmlinux);
  const sym = await openElfSymbolizer(src);
  let agree = 0;
  let fallback = 0;
  for (let i = 0; i < addrs.length; i++) {
    const ours = (await sym.symbolize({ address: addrs[i] })).map(norm);
    if (same(ours, llvm[i] ?? [])) agree++;
    else if (symtabFallback(ours, llvm[i] ?? [])) fallback++;
    else report.push(`vmlinux ${hex(addrs[i])}: ours ${show(ours)} | llvm ${show(llvm[i] ?? [])}`);
  }
  const oursMs = performance.now() - t;
  await src.close();
  stats.vmlinux = { total: addrs.length, agree, fallback, llvmSeconds: llvmMs / 1000, oursSeconds: oursMs / 1000 };
  summary.push(
    `vmlinux: ${agree}/${addrs.length} random text addresses (seed ${seed}) equal to llvm-symbolizer ` +
      `(${((100 * agree) / addrs.length).toFixed(2)} %), ${fallback} more where only we name the ELF symbol (llvm: ??); llvm ${(llvmMs / 1000).toFixed(1)} s, ours ${(oursMs / 1000).toFixed(1)} s`,
  );

  // (2) bonding.ko, every instruction of every function
  const tmp = mkdtempSync(join(tmpdir(), "oopscope-kernel-"));
  try {
    const bySection = koInstructions(ko);
    const move = [];
    const base = new Map();
    let k = 1;
    for (const sec of bySection.keys()) {
      const b = sec === ".text" ? 0n : BigInt(k++) << 28n;
      base.set(sec, b);
      if (b !== 0n) move.push("--change-section-address", `${sec}=${hex(b)}`);
    }
    const copy = join(tmp, "bonding-llvm.ko");
    run("objcopy", [
      "--remove-section",
      ".debug_aranges",
      "--remove-section",
      ".rela.debug_aranges",
      ...move,
      ko,
      copy,
    ]);
    const ksrc = await openFileSource(ko);
    const ksym = await openElfSymbolizer(ksrc);
    let n = 0;
    let kagree = 0;
    let kfallback = 0;
    for (const [section, list] of bySection) {
      const ll = llvmFrames(
        copy,
        list.map((a) => a + (base.get(section) ?? 0n)),
      );
      for (let i = 0; i < list.length; i++) {
        n++;
        const ours = (await ksym.symbolize({ address: list[i], section })).map(norm);
        if (same(ours, ll[i] ?? [])) kagree++;
        else if (symtabFallback(ours, ll[i] ?? [])) kfallback++;
        else report.push(`bonding.ko ${section}+${hex(list[i])}: ours ${show(ours)} | llvm ${show(ll[i] ?? [])}`);
      }
    }
    stats.bonding = { total: n, agree: kagree, fallback: kfallback };
    summary.push(
      `bonding.ko: ${kagree}/${n} instruction addresses in ${bySection.size} code sections equal to llvm-symbolizer ` +
        `(${((100 * kagree) / n).toFixed(2)} %), ${kfallback} more where only we name the ELF symbol (llvm: ??)`,
    );

    // (3) struct layouts vs gdb
    const gdbText = run("gdb-multiarch", [
      "-batch",
      "-nx",
      "-ex",
      "ptype /o struct bonding",
      "-ex",
      "ptype /o struct rlb_client_info",
      "-ex",
      "ptype /o struct alb_bond_info",
      ko,
    ]);
    const parts = gdbText.split(/(?=\/\* offset\s+\|\s+size \*\/)/).filter((p) => p.includes("type = struct"));
    for (const [i, s] of ["struct bonding", "struct rlb_client_info", "struct alb_bond_info"].entries()) {
      const layout = parsePtype(parts[i] ?? "");
      const { checked, fails, deeper } = await layoutCheck(s, layout, (name, off) => ksym.memberAt(name, off));
      report.push(...fails);
      stats[s] = { total: checked, agree: checked - fails.length, deeper, size: layout.size };
      summary.push(
        `${s} (${layout.size} bytes): ${checked - fails.length}/${checked} member offsets agree with gdb ptype /o ` +
          `(${deeper} of them name a member inside a typedef'd struct that gdb prints unexpanded)`,
      );
    }
    await ksrc.close();
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  writeFileSync(join(dir, "compare-report.txt"), `${[...summary, "", ...report].join("\n")}\n`);
  return { stats, summary, report };
}

async function main() {
  const args = process.argv.slice(2);
  const opt = (n, d) => {
    const i = args.indexOf(n);
    return i >= 0 ? args[i + 1] : d;
  };
  const dir = kernelDir(opt("--dir"));
  const { summary, report } = await compareKernel({
    dir,
    count: Number(opt("--count", "10000")),
    seed: Number(opt("--seed", "1")),
  });
  for (const s of summary) console.log(s);
  console.log(`(${report.length} disagreements listed in ${join(dir, "compare-report.txt")})`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
