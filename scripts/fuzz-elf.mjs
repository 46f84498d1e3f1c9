#!/usr/bin/env node
// Fuzzes the ELF reader (and, with --dwarf, the DWARF symbolizer behind it): mutated copies of the
// ELF fixtures in packages/core/test-data/elf (bit flips, truncations, hostile header / section /
// symbol / relocation / compression fields) go through open, notes, symbols, every debug section and
// the symbolizer. Passes when only OopsError is thrown, no input takes longer than --limit-ms, and
// memory stays bounded. Runs in a worker so that a hang is caught and reported with its input.
//
//   npm run build && node scripts/fuzz-elf.mjs [--count 100000] [--seed 1] [--dwarf] [--limit-ms 1000]
//                                               [--save DIR]   (write failing inputs there)
//                                               [--only TEXT]  (only seed files whose name has TEXT)
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const fixtureDir = join(root, "packages/core/test-data/elf");
const dist = join(root, "packages/core/dist");

function args() {
  const a = process.argv.slice(2);
  const get = (k, d) => {
    const i = a.indexOf(k);
    return i >= 0 ? a[i + 1] : d;
  };
  return {
    count: Number(get("--count", "100000")),
    seed: Number(get("--seed", "1")),
    dwarf: a.includes("--dwarf"),
    limitMs: Number(get("--limit-ms", "1000")),
    save: get("--save", undefined),
    only: get("--only", undefined),
  };
}

if (isMainThread) {
  const opts = args();
  // progress[0] = index of the input being run, progress[1] = 1 while one is running.
  const shared = new SharedArrayBuffer(8);
  const progress = new Int32Array(shared);
  const worker = new Worker(fileURLToPath(import.meta.url), {
    workerData: { ...opts, shared },
    resourceLimits: { maxOldGenerationSizeMb: 2048 },
  });
  const started = Date.now();
  let last = -1;
  let stuckSince = Date.now();
  let result;
  const watchdog = setInterval(() => {
    const i = Atomics.load(progress, 0);
    if (i !== last) {
      last = i;
      stuckSince = Date.now();
    } else if (Atomics.load(progress, 1) === 1 && Date.now() - stuckSince > Math.max(10_000, opts.limitMs * 10)) {
      console.error(`HANG: input #${i} made no progress for ${Date.now() - stuckSince} ms`);
      worker.terminate();
      clearInterval(watchdog);
      process.exitCode = 1;
    }
  }, 500);
  worker.on("message", (m) => {
    if (m.type === "progress") console.error(m.text);
    else if (m.type === "result") result = m;
  });
  worker.on("error", (e) => {
    console.error("worker died:", e);
    process.exitCode = 1;
  });
  worker.on("exit", () => {
    clearInterval(watchdog);
    if (!result) {
      process.exitCode = 1;
      return;
    }
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      JSON.stringify(
        {
          inputs: result.count,
          seconds: Number(secs),
          failures: result.failures.length,
          slow: result.slow.length,
          worstMs: Number(result.worstMs.toFixed(1)),
          worstInput: result.worstHow,
          peakRssMiB: Math.round(result.peakRss / 1048576),
          peakHeapMiB: Math.round(result.peakHeap / 1048576),
          errorCodes: result.codes,
          dwarf: result.dwarf,
        },
        null,
        2,
      ),
    );
    for (const f of result.failures.slice(0, 20)) console.log(`FAIL #${f.i} [${f.seed}] ${f.how}\n  ${f.error}`);
    for (const s of result.slow.slice(0, 20)) console.log(`SLOW #${s.i} ${s.ms.toFixed(0)} ms [${s.seed}] ${s.how}`);
    if (result.failures.length > 0 || result.slow.length > 0) process.exitCode = 1;
  });
} else {
  const { count, seed, dwarf, limitMs, save, only, shared } = workerData;
  const progress = new Int32Array(shared);
  const { mulberry32, mapElf, mutateElf, exerciseElf } = await import(join(dist, "elf/fuzz.js"));
  const codes = {};
  // Per-query symbolizer errors are caught so every query runs; their codes are still counted.
  const counted = (e) => {
    if (e?.name !== "OopsError") throw e;
    codes[e.code] = (codes[e.code] ?? 0) + 1;
  };
  let extra;
  if (dwarf) {
    const mod = await import(join(dist, "symbolize/elf.js")).catch(() => undefined);
    if (mod?.openElfSymbolizer) {
      extra = async (elf, _ds) => {
        // The symbolizer opens the file itself (elf.source is the mutated input behind its cache).
        const sym = await mod.openElfSymbolizer(elf.source);
        const { readSymbolTable } = await import(join(dist, "elf/symbols.js"));
        const table = await readSymbolTable(elf);
        const funcs = table.functions().slice(0, 6);
        const rel = elf.type === 1;
        for (const f of funcs) {
          const section = rel ? elf.sections[f.shndx]?.name : undefined;
          const q = section ? { address: f.value + 4n, section } : { address: f.value + 4n };
          await sym.symbolize(q).catch(counted);
          await sym.symbolize({ symbol: f.name, offset: 2n, size: f.size, returnAddress: true }).catch(counted);
        }
      };
    }
  }
  const seeds = readdirSync(fixtureDir)
    .filter((f) => /\.(ko|o|elf|xz|zst|gz)$/.test(f) && (only === undefined || f.includes(only)))
    .sort()
    .map((f) => {
      const bytes = new Uint8Array(readFileSync(join(fixtureDir, f)));
      return { name: f, bytes, map: mapElf(bytes) };
    });
  const r = mulberry32(seed);
  const failures = [];
  const slow = [];
  let worstMs = 0;
  let worstHow = "";
  let peakRss = 0;
  let peakHeap = 0;
  for (let i = 0; i < count; i++) {
    const s = seeds[r() % seeds.length];
    const { bytes, how } = mutateElf(s.bytes, s.map, r);
    Atomics.store(progress, 0, i);
    Atomics.store(progress, 1, 1);
    const t0 = performance.now();
    try {
      const res = await exerciseElf(bytes, extra ? { extra } : {});
      for (const c of res.codes) codes[c] = (codes[c] ?? 0) + 1;
    } catch (e) {
      failures.push({
        i,
        seed: s.name,
        how,
        error: String(e?.stack ?? e)
          .split("\n")
          .slice(0, 4)
          .join("\n  "),
      });
      if (save) {
        mkdirSync(save, { recursive: true });
        writeFileSync(join(save, `fail-${i}-${s.name}`), bytes);
      }
    }
    const ms = performance.now() - t0;
    Atomics.store(progress, 1, 0);
    if (ms > worstMs) {
      worstMs = ms;
      worstHow = `#${i} [${s.name}] ${how}`;
    }
    if (ms > limitMs) slow.push({ i, seed: s.name, how, ms });
    if (i % 1000 === 0) {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
      if (i % 10000 === 0)
        parentPort.postMessage({
          type: "progress",
          text: `${i} inputs, ${failures.length} failures, worst ${worstMs.toFixed(1)} ms, rss ${Math.round(m.rss / 1048576)} MiB`,
        });
    }
  }
  parentPort.postMessage({
    type: "result",
    count,
    failures,
    slow,
    codes,
    worstMs,
    worstHow,
    peakRss,
    peakHeap,
    dwarf: Boolean(extra),
  });
}
