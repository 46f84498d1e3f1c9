/**
 * `oopscope symbolize --jobs`: the worker-thread path must print what the single-threaded one prints,
 * byte for byte (stdout, stderr, exit status), text and `--json`, queries from stdin or argv. Input:
 * every byte address of `.text` and `.init.text` of a committed fixture (packages/core/test-data/
 * fixtures/x86_64/lb-O0-dwarf5.elf, 2 units; 3,215 addresses, each an instruction start or inside
 * one), shuffled, with addresses outside the object, `symbol+offset` queries named after the functions
 * the committed llvm-symbolizer answers give (the oracle goldens: static and inlined ones have no
 * symbol and fail per query) and unparsable lines. Workers are counted through a preload that wraps
 * node:worker_threads' Worker: none for a 40-address trace, as many as --jobs for the large input.
 * Runs the installed bin (the bundle `npm run build` makes), as a user does.
 */

import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../../../..");
const bin = join(root, "packages/cli/bin/oopscope.js");
const elf = join(root, "packages/core/test-data/fixtures/x86_64/lb-O0-dwarf5.elf");
const oracle = join(root, "packages/core/test-data/oracle/x86_64/lb-O0-dwarf5.elf.txt");

/** Counts the Worker threads the process starts and prints `\n#workers N` last on stderr. */
const countWorkers = `data:text/javascript,${encodeURIComponent(`
import wt from "node:worker_threads";
import { syncBuiltinESMExports } from "node:module";
if (wt.isMainThread) {
  let n = 0;
  const W = wt.Worker;
  wt.Worker = class extends W { constructor(...a) { super(...a); n++; } };
  syncBuiltinESMExports();
  process.on("exit", () => process.stderr.write("#workers " + n + "\\n"));
}`)}`;

function symbolize(args: string[], input = "") {
  const r = spawnSync(process.execPath, ["--import", countWorkers, bin, "symbolize", ...args], {
    input,
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  const m = /#workers (\d+)\n$/.exec(r.stderr);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.slice(0, m?.index), workers: Number(m?.[1]) };
}

/** A fixed pseudo-random permutation (xorshift32), so that input order is not address order. */
function shuffle<T>(xs: T[]): T[] {
  let s = 0x9e3779b9;
  const out = xs.slice();
  for (let i = out.length - 1; i > 0; i--) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const j = (s >>> 0) % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function queries(): string[] {
  // .text ffffffff81000000 + 0xba1 and .init.text right after it, 0xee bytes (readelf -S).
  const addrs: string[] = [];
  for (let a = 0xffffffff81000000n - 8n; a < 0xffffffff81000c8fn + 8n; a++) addrs.push(`0x${a.toString(16)}`);
  const names = new Set<string>();
  for (const line of readFileSync(oracle, "utf8").split("\n")) {
    const f = /^\.\S+\t\S+\t([^@|\t]+)@/.exec(line);
    if (f?.[1] && f[1] !== "??") names.add(f[1]);
  }
  const symbols = [...names].flatMap((n) => [n, `${n}+0x4`, `${n}+0x10/0x40`]);
  return shuffle([...addrs, ...symbols, "not a query", "0xzz", "ffffffff81000010", "0x0"]);
}

describe("symbolize --jobs", () => {
  const qs = queries();

  it("has enough queries for workers, of every kind", () => {
    expect(qs.length).toBeGreaterThan(3000);
    expect(qs.filter((q) => q.includes("+")).length).toBeGreaterThan(20);
  });

  it.each([
    ["text", []],
    ["--json", ["--json"]],
    ["--return-address", ["--return-address"]],
  ])("stdin, %s: --jobs 2 prints what --jobs 1 prints", (_, extra) => {
    // Twice over (127 KB): more than one read of stdin, so later reads are routed by the first's cuts.
    const input = `${[...qs, ...qs.slice().reverse()].join("\n")}\n`;
    const args = [...extra, "--obj", elf];
    const one = symbolize(["--jobs", "1", ...args], input);
    const two = symbolize(["--jobs", "2", ...args], input);
    expect(one.workers).toBe(0);
    expect(two.workers).toBe(2);
    expect(one.status).toBe(1); // addresses outside the object are unknown
    expect(one.stderr).toContain('"not a query"');
    expect(one.stdout.length).toBeGreaterThan(100_000);
    expect(two.status).toBe(one.status);
    expect(two.stderr).toBe(one.stderr);
    expect(two.stdout === one.stdout).toBe(true);
  });

  it("argv: --jobs 3 prints what --jobs 1 prints", () => {
    const part = qs.slice(0, 1500);
    const one = symbolize(["--jobs", "1", "--json", "--obj", elf, ...part]);
    const three = symbolize(["--jobs", "3", "--json", "--obj", elf, ...part]);
    expect(three.workers).toBe(3);
    expect(JSON.parse(one.stdout)).toHaveLength(1500);
    expect(three.status).toBe(one.status);
    expect(three.stderr).toBe(one.stderr);
    expect(three.stdout === one.stdout).toBe(true);
  });

  it("starts no worker for a 40-address trace, and reports a bad object once", () => {
    const trace = qs.filter((q) => q.startsWith("0x")).slice(0, 40);
    const r = symbolize(["--jobs", "4", "--obj", elf], `${trace.join("\n")}\n`);
    expect(r.workers).toBe(0);
    expect(r.stdout).toBe(symbolize(["--jobs", "1", "--obj", elf], `${trace.join("\n")}\n`).stdout);
    const bad = symbolize(["--jobs", "2", "--obj", oracle], `${qs.join("\n")}\n`);
    expect(bad.workers).toBe(2);
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toBe(symbolize(["--jobs", "1", "--obj", oracle], `${qs.join("\n")}\n`).stderr);
    expect(bad.stderr).toMatch(/^oopscope symbolize: .*\[E_ELF_MAGIC\]\n$/);
  });

  it("rejects a bad --jobs", () => {
    const r = symbolize(["--jobs", "0", "--obj", elf, "0x10"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--jobs");
    expect(symbolize(["--help"]).stdout).toContain("--jobs N");
  });
});
