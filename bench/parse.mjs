#!/usr/bin/env node
// Parser bench: console logs in (built by bench/make-log.mjs), throughput and peak memory out, side
// by side in one run with the baseline a kernel engineer would reach for — `grep -c` for oops markers.
// Three rows per log:
//   grep      `LC_ALL=C grep -c -E '<markers>' LOG` (counts marker lines, explains nothing)
//   parse     the CLI's streaming path (chunked read → UTF-8 decode → incremental parser), in a child
//   analyze   `oopscope analyze --json LOG > /dev/null`, end to end (parse + disassemble + explain)
// Peak RSS comes from `/usr/bin/time -f %M` when it exists (else the child's own resourceUsage()).
// The page cache is warmed first, so every row reads the log from memory.
//
//   npm run build && node bench/make-log.mjs 512 && node bench/make-log.mjs 128
//   node bench/parse.mjs [LOG...]        (default: every bench/data/console-*.log)

import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const MARKERS = "Oops|BUG:|WARNING:|general protection fault|Unable to handle kernel|Kernel panic|KASAN:|Call Trace";

if (process.argv[2] === "--child") {
  // Child: exactly what `oopscope analyze` does up to the parsed log, timed from the first read.
  const { streamText } = await import(pathToFileURL(join(root, "packages/cli/dist/input.js")).href);
  const { createStreamParser } = await import(pathToFileURL(join(root, "packages/cli/dist/parse-stream.js")).href);
  const file = process.argv[3];
  const t0 = process.hrtime.bigint();
  const parser = createStreamParser();
  const r = await streamText(file, (t) => parser.push(t));
  const log = parser.finish();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage();
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const out = {
    bytes: r.bytes,
    seconds,
    cpuSeconds,
    crashes: log.crashes.length,
    boots: log.boots.length,
    rebootLoops: log.rebootLoops.length,
    maxRssKiB: process.resourceUsage().maxRSS,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  process.exit(0);
}

const haveTime = existsSync("/usr/bin/time");

/** Run a command, return wall seconds, peak RSS (KiB, when measurable) and stdout. */
function run(cmd, args, { stdoutToNull = false } = {}) {
  const full = haveTime ? ["/usr/bin/time", ["-f", "__TIME__ %e %M", cmd, ...args]] : [cmd, args];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(full[0], full[1], {
    env: { ...process.env, LC_ALL: "C" },
    encoding: "utf8",
    maxBuffer: 1 << 30,
    stdio: ["ignore", stdoutToNull ? "ignore" : "pipe", "pipe"],
  });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const m = /__TIME__ ([\d.]+) (\d+)/.exec(r.stderr ?? "");
  return { wall, rssKiB: m ? Number(m[2]) : undefined, stdout: r.stdout ?? "", status: r.status, stderr: r.stderr };
}

const logs = process.argv.slice(2);
if (logs.length === 0) {
  const dir = join(root, "bench/data");
  if (existsSync(dir))
    for (const f of readdirSync(dir).sort()) if (/^console-\d+m\.log$/.test(f)) logs.push(join(dir, f));
}
if (logs.length === 0) {
  console.error("no logs: run `node bench/make-log.mjs 512` (and 128) first");
  process.exit(2);
}
if (!existsSync(join(root, "packages/cli/dist/main.js"))) {
  console.error("build first: npm run build");
  process.exit(2);
}

const mb = (b) => b / 1e6;
const rows = [];
for (const log of logs) {
  const size = statSync(log).size;
  spawnSync("cat", [log], { stdio: ["ignore", "ignore", "ignore"] }); // warm the page cache
  const g = run("grep", ["-c", "-E", MARKERS, log]);
  const p = run(process.execPath, [fileURLToPath(import.meta.url), "--child", log]);
  if (p.status !== 0) {
    console.error(p.stderr);
    process.exit(1);
  }
  const child = JSON.parse(p.stdout.trim().split("\n").pop());
  const a = run(process.execPath, [join(root, "packages/cli/bin/oopscope.js"), "analyze", "--json", log], {
    stdoutToNull: true,
  });
  rows.push({
    log: relative(root, log).startsWith("..") ? log.split("/").pop() : relative(root, log),
    sizeMB: +mb(size).toFixed(1),
    grep: {
      seconds: +g.wall.toFixed(2),
      MBps: +(mb(size) / g.wall).toFixed(0),
      rssMB: g.rssKiB && +(g.rssKiB / 1024).toFixed(0),
      markerLines: Number(g.stdout.trim()),
    },
    parse: {
      seconds: +child.seconds.toFixed(2),
      MBps: +(mb(size) / child.seconds).toFixed(0),
      cpuSeconds: +child.cpuSeconds.toFixed(2),
      MBpsCpu: +(mb(size) / child.cpuSeconds).toFixed(1),
      rssMB: +((p.rssKiB ?? child.maxRssKiB) / 1024).toFixed(0),
      crashes: child.crashes,
      boots: child.boots,
      rebootLoops: child.rebootLoops,
    },
    analyze: {
      seconds: +a.wall.toFixed(2),
      MBps: +(mb(size) / a.wall).toFixed(0),
      rssMB: a.rssKiB && +(a.rssKiB / 1024).toFixed(0),
      exit: a.status,
    },
  });
}

console.log(JSON.stringify(rows, null, 2));
console.log("");
console.log(
  "| log | size | grep -c (MB/s, RSS) | parse (MB/s wall, MB/s CPU, RSS) | parse / grep | analyze --json (s, RSS) | crashes, boots, loops |",
);
console.log("|---|---|---|---|---|---|---|");
for (const r of rows)
  console.log(
    `| ${r.log} | ${r.sizeMB} MB | ${r.grep.MBps} MB/s, ${r.grep.rssMB ?? "?"} MB | ${r.parse.MBps} MB/s, ${r.parse.MBpsCpu} MB/s, ${r.parse.rssMB} MB | ${(r.parse.MBps / r.grep.MBps).toFixed(2)}× | ${r.analyze.seconds} s, ${r.analyze.rssMB ?? "?"} MB | ${r.parse.crashes}, ${r.parse.boots}, ${r.parse.rebootLoops} |`,
  );
