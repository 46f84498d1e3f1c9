#!/usr/bin/env node
// Symbolizer bench: a distribution vmlinux (Debian's debug image, fetched by
// scripts/kernel/fetch-debian-dbg.sh) in; wall time and peak memory out, side by side in one run with
// llvm-symbolizer and GNU addr2line on the same addresses:
//   cold 40   a fresh process symbolizes a 40-address trace (what one oops needs)
//   cold 10k  a fresh process symbolizes 10,000 addresses
//   warm 40   ours only: the same 40-address trace again in a process that keeps its index
//             (median of 50 repetitions), what a service or the web UI pays per oops
// Addresses are random points inside sized text symbols (`nm -S`, seeded: scripts/kernel/compare.mjs).
// Wall and CPU (user + system) time are both reported: on a shared, loaded machine CPU time is the
// steadier of the two. Every process reads addresses from stdin and prints frames (`-f -i` style); ours
// is the installed command itself, `oopscope symbolize --obj VMLINUX` (bin/oopscope.js, as `npm run
// build` leaves it, executed directly so that its shebang's malloc tunables apply, as for an installed
// command), so the cold figures are what a user pays. Peak RSS comes from `/usr/bin/time -f %M`.
// The page cache is warmed first, so "cold" means a new process, not a cold disk.
//
//   npm run build && scripts/kernel/fetch-debian-dbg.sh && node bench/symbolize.mjs [--dir DIR] [--seed 1]

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

if (process.argv[2] === "--child") {
  // Child, for the warm figure only: the CLI's file source and the core's symbolizer entry in one
  // process that answers the same trace again and again.
  const { openElfSymbolizer } = await import(pathToFileURL(join(root, "packages/core/dist/symbolize/entry.js")).href);
  const { openFileSource } = await import(pathToFileURL(join(root, "packages/cli/dist/io/file-source.js")).href);
  const [, , , obj, warmReps] = process.argv;
  const addrs = readFileSync(0, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => BigInt(l));
  const t0 = process.hrtime.bigint();
  const src = await openFileSource(obj);
  const sym = await openElfSymbolizer(src);
  const lines = [];
  const once = async (collect) => {
    for (const a of addrs) {
      const frames = await sym.symbolize({ address: a });
      if (collect) for (const f of frames) lines.push(`${f.function ?? "??"}\n${f.file ?? "??"}:${f.line ?? 0}`);
    }
  };
  await once(true);
  const coldSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const warm = [];
  for (let i = 0; i < Number(warmReps ?? 0); i++) {
    const t = process.hrtime.bigint();
    await once(false);
    warm.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  warm.sort((a, b) => a - b);
  await src.close();
  process.stderr.write(
    `__OURS__ ${JSON.stringify({ coldSeconds, warmMedianMs: warm[warm.length >> 1], frames: lines.length })}\n`,
  );
  process.stdout.write(`${lines.join("\n")}\n`);
  process.exit(0);
}

const { kernelDir, randomTextAddresses } = await import(pathToFileURL(join(root, "scripts/kernel/compare.mjs")).href);

const args = process.argv.slice(2);
const opt = (n, d) => {
  const i = args.indexOf(n);
  return i >= 0 ? args[i + 1] : d;
};
const dir = kernelDir(opt("--dir"));
const seed = Number(opt("--seed", "1"));
const vmlinux = join(dir, "vmlinux");
const bin = join(root, "packages/cli/bin/oopscope.js");
if (!existsSync(join(root, "packages/cli/dist/index.js")) && !existsSync(join(root, "packages/cli/dist/main.js")))
  throw new Error("build first: npm run build");
// The bin runs `symbolize` from the bundle only when it is newer than the last tsc build (otherwise
// from the separate modules): re-bundle a stale one, so that the figures are those of the bundle.
{
  const bundle = join(root, "packages/cli/dist/symbolize.bundle.js");
  const t = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);
  const infos = ["packages/cli/tsconfig.tsbuildinfo", "packages/core/tsconfig.tsbuildinfo"].map((p) =>
    t(join(root, p)),
  );
  if (t(bundle) < Math.max(...infos)) {
    console.error("bench: re-bundling packages/cli (older than the last tsc build)");
    const r = spawnSync(process.execPath, [join(root, "packages/cli/bundle.mjs")], { stdio: "inherit" });
    if (r.status !== 0) throw new Error("bundle step failed");
  }
}
if (!existsSync("/usr/bin/time")) throw new Error("needs /usr/bin/time (Debian package 'time') for peak RSS");

/** Runs one process under /usr/bin/time with `input` on stdin: wall seconds, peak RSS MiB, stderr. */
function measure(cmd, argv, input) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync("/usr/bin/time", ["-f", "__TIME__ %e %M %U %S", cmd, ...argv], {
    input,
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  // `oopscope symbolize` exits 1 when some address has no answer (printed ??, as the others do).
  if (r.status !== 0 && !(r.status === 1 && argv.includes("symbolize")))
    throw new Error(`${cmd} exited ${r.status}: ${r.stderr.slice(0, 400)}`);
  const m = /__TIME__ ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(r.stderr);
  const cpu = m ? Number(m[3]) + Number(m[4]) : Number.NaN;
  return { wall, cpu, rssMiB: m ? Number(m[2]) / 1024 : Number.NaN, stderr: r.stderr, stdout: r.stdout };
}

const tools = {
  "llvm-symbolizer": (addrs) =>
    measure("llvm-symbolizer", ["--functions=short", "-i", `--obj=${vmlinux}`], addrs.join("\n")),
  "addr2line -f -i": (addrs) => measure("addr2line", ["-f", "-i", "-e", vmlinux], addrs.join("\n")),
  oopscope: (addrs, warm = 0) =>
    warm > 0
      ? measure(process.execPath, [fileURLToPath(import.meta.url), "--child", vmlinux, String(warm)], addrs.join("\n"))
      : measure(bin, ["symbolize", "--obj", vmlinux], addrs.join("\n")),
};

// Warm the page cache so every process reads vmlinux from memory.
spawnSync("cat", [vmlinux], { stdio: ["ignore", "ignore", "ignore"] });

const all = randomTextAddresses(vmlinux, 10_040, seed).map((a) => `0x${a.toString(16)}`);
const trace = all.slice(0, 40);
const bulk = all.slice(40);

// The tools take turns (cold 40 three rounds, then 10k), so that a change of load on a shared machine
// falls on all of them rather than on whichever ran last.
const names = Object.keys(tools);
const cold = Object.fromEntries(names.map((n) => [n, []]));
for (let round = 0; round < 3; round++) for (const n of names) cold[n].push(tools[n](trace));
const big = {};
for (const n of names) big[n] = tools[n](bulk);
const results = {};
for (const name of names) {
  // Cold 40: the median of 3 fresh processes (by wall time). Ours runs its warm repetitions in a
  // separate process: in the timed one they added about 0.3 s of CPU (JIT and GC threads).
  const runs = cold[name].sort((a, b) => a.wall - b.wall);
  const cold40 = runs[1];
  const r = {
    cold40: { wall: cold40.wall, cpu: cold40.cpu, rssMiB: cold40.rssMiB },
    cold10k: { wall: big[name].wall, cpu: big[name].cpu, rssMiB: big[name].rssMiB },
  };
  const ours = name === "oopscope" ? /__OURS__ (.*)/.exec(tools[name](trace, 50).stderr) : null;
  if (ours) r.warm40Ms = JSON.parse(ours[1]).warmMedianMs;
  results[name] = r;
}

const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : "-");
const rows = [
  "| tool | cold 40: wall s | cold 40: CPU s | cold 40: peak RSS MiB | 10k: wall s | 10k: CPU s | 10k: peak RSS MiB | warm 40: ms |",
  "|---|---:|---:|---:|---:|---:|---:|---:|",
];
for (const [name, r] of Object.entries(results))
  rows.push(
    `| ${name} | ${fmt(r.cold40.wall)} | ${fmt(r.cold40.cpu)} | ${fmt(r.cold40.rssMiB, 0)} | ${fmt(r.cold10k.wall)} | ${fmt(r.cold10k.cpu)} | ${fmt(r.cold10k.rssMiB, 0)} | ${r.warm40Ms === undefined ? "-" : fmt(r.warm40Ms, 2)} |`,
  );
const o = results.oopscope;
const l = results["llvm-symbolizer"];
const g = results["addr2line -f -i"];
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}x` : "-");
rows.push(
  "",
  `ours / llvm-symbolizer: cold 40 wall ${ratio(o?.cold40.wall, l?.cold40.wall)}, CPU ${ratio(o?.cold40.cpu, l?.cold40.cpu)}, peak ${ratio(o?.cold40.rssMiB, l?.cold40.rssMiB)}; ` +
    `10k wall ${ratio(o?.cold10k.wall, l?.cold10k.wall)}, CPU ${ratio(o?.cold10k.cpu, l?.cold10k.cpu)}, peak ${ratio(o?.cold10k.rssMiB, l?.cold10k.rssMiB)}`,
  `ours / addr2line: cold 40 wall ${ratio(o?.cold40.wall, g?.cold40.wall)}, CPU ${ratio(o?.cold40.cpu, g?.cold40.cpu)}, peak ${ratio(o?.cold40.rssMiB, g?.cold40.rssMiB)}; ` +
    `10k wall ${ratio(o?.cold10k.wall, g?.cold10k.wall)}, CPU ${ratio(o?.cold10k.cpu, g?.cold10k.cpu)}, peak ${ratio(o?.cold10k.rssMiB, g?.cold10k.rssMiB)}`,
);
console.log(rows.join("\n"));
mkdirSync(join(root, "bench/out"), { recursive: true });
writeFileSync(
  join(root, "bench/out/symbolize.json"),
  `${JSON.stringify({ vmlinux: readFileSync(join(dir, "ABI"), "utf8").trim(), seed, results }, null, 2)}\n`,
);
