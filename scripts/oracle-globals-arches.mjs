#!/usr/bin/env node
// Writes the oracle answers the arm64 and mips64el global naming is checked against
// (packages/core/src/explain/globals-arches.test.ts), from the lab's own modules: the cross binutils'
// `objdump -dr -j .text` (each instruction's relocation: type, section, addend) and `readelf -sSW`
// (which data object covers section+offset). The test then needs neither tool.
//
//   node scripts/oracle-globals-arches.mjs   (needs aarch64-linux-gnu-objdump, mips64el-linux-gnuabi64-objdump, readelf)
//
// Output: packages/core/test-data/explain/oopslab-{arm64,mips64el}.{objdump,readelf}.txt

import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const dir = "packages/core/test-data/explain";
const ARCHES = [
  { name: "arm64", ko: "lab/crashes/arm64-oob/oopslab.ko", objdump: "aarch64-linux-gnu-objdump" },
  { name: "mips64el", ko: "lab/crashes/mips64el-oob/oopslab.ko", objdump: "mips64el-linux-gnuabi64-objdump" },
];

for (const a of ARCHES) {
  const path = join(root, a.ko);
  const objdump = execFileSync(a.objdump, ["-dr", "-j", ".text", path], { encoding: "utf8" });
  writeFileSync(join(root, dir, `oopslab-${a.name}.objdump.txt`), objdump.replace(path, a.ko));
  const readelf = execFileSync("readelf", ["-sSW", path], { encoding: "utf8" });
  writeFileSync(join(root, dir, `oopslab-${a.name}.readelf.txt`), readelf.replace(path, a.ko));
  console.log(`${dir}/oopslab-${a.name}.{objdump,readelf}.txt`);
}
