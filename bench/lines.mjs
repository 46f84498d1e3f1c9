#!/usr/bin/env node
// Throughput of the two text stages under the parser: log-line normalisation (`scanLogLines`:
// stamps, caller tags, syslog prefixes, CR, ANSI) and crash-report detection with syzbot titles
// (`findReports`), over a console log built by bench/make-log.mjs (real crash samples in boot noise).
// Reports MB/s of process CPU time (the VM is shared, so wall time is also shown but varies).
//
//   node bench/make-log.mjs 128 && node bench/lines.mjs [bench/data/console-128m.log] [rounds=3]
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const file = process.argv[2] ?? join(root, "bench/data/console-128m.log");
const rounds = Number(process.argv[3] ?? 3);
const dist = join(root, "packages/core/dist/index.js");
if (!existsSync(dist) || !existsSync(file)) {
  console.error("run `npm run build` and `node bench/make-log.mjs 128` first");
  process.exit(2);
}
const { scanLogLines, findReports } = await import(dist);
const text = new TextDecoder("utf-8").decode(readFileSync(file));
const mb = Buffer.byteLength(text) / 1e6;

function measure(label, f) {
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const detail = f();
    const cpu = process.cpuUsage(c0).user / 1e6;
    const wall = (performance.now() - t0) / 1e3;
    console.log(
      `${label} round ${r + 1}: ${(mb / cpu).toFixed(1)} MB/s cpu (${cpu.toFixed(2)} s), ${(mb / wall).toFixed(1)} MB/s wall; ${detail}`,
    );
  }
}

console.log(`${file.slice(root.length + 1)}: ${mb.toFixed(1)} MB`);
measure("scanLogLines", () => {
  let n = 0;
  scanLogLines(text, () => {
    n++;
    return true;
  });
  return `${n} lines`;
});
measure("findReports ", () => {
  const reps = findReports(text);
  const corrupted = reps.filter((r) => r.signature.corrupted).length;
  return `${reps.length} reports (${corrupted} corrupted)`;
});
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
