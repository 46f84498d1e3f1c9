#!/usr/bin/env node
// Oracle for the frame demangler: collects every C++ (`_Z…`) and Rust v0 (`_R…`) symbol printed in
// the syzkaller corpus logs, plus a few extra nested C++ names, runs binutils' c++filt on each (with
// -p: no parameter list), and writes `mangled<TAB>demangled` lines to
// packages/core/src/report/testdata/demangle.c++filt.tsv, which the tests compare against.
// Needs c++filt (Debian package binutils); the tests themselves only read the committed file.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dir = join(root, "corpus/syzkaller/report");
const symbols = new Set([
  "_ZN3foo3barEv",
  "_ZN6kernel5alloc9allocator7reallocEPvmm",
  "_ZNK3ns15Klass6methodEi",
  "_Z3bazv",
]);
for (const name of readdirSync(dir)) {
  const text = readFileSync(join(dir, name), "latin1");
  for (const m of text.matchAll(/(?<![A-Za-z0-9_])_[RZ][A-Za-z0-9_]+/g)) symbols.add(m[0]);
}
const sorted = [...symbols].sort();
const out = execFileSync("c++filt", ["-p"], { input: `${sorted.join("\n")}\n`, encoding: "utf8" })
  .trimEnd()
  .split("\n");
if (out.length !== sorted.length) throw new Error("c++filt returned a different number of lines");
const lines = sorted.map((s, i) => `${s}\t${out[i]}`);
const file = join(root, "packages/core/src/report/testdata/demangle.c++filt.tsv");
writeFileSync(file, `${lines.join("\n")}\n`);
console.log(`wrote ${lines.length} symbols to ${file.slice(root.length + 1)}`);
