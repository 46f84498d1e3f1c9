#!/usr/bin/env node
// Writes what gdb says of the lab module's static variables, so that the global-variable lookup
// (packages/core/src/dwarf/globals.ts) is checked against gdb without gdb at test time: for every
// data object the symbol table names (readelf -sW, OBJECT), gdb-multiarch's `info address`, `whatis`
// and `print sizeof`; and for C paths into the module's own variables (members, array elements),
// `print &PATH` (the address) with `whatis PATH` and `print sizeof(PATH)`. gdb lays the sections of a
// relocatable object out one after the other from 0, as our debug sections do.
//
//   node scripts/oracle-globals.mjs   (needs gdb-multiarch and readelf)
//
// Output: packages/core/test-data/dwarf/globals-oopslab-x86_64.json, and for the relocation check of
// explain/globals.ts, `objdump -dr -j .text` and `readelf -sSW` of the same object
// (packages/core/test-data/explain/oopslab-x86_64.{objdump,readelf}.txt).

import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const ko = "lab/crashes/oob/oopslab.ko";
const out = "packages/core/test-data/dwarf/globals-oopslab-x86_64.json";

// C paths into the module's variables (lab/module/oopslab.c): struct members, array elements, nested.
const PATHS = [
  "lab_ring0.slot[0]",
  "lab_ring0.slot[3]",
  "lab_ring0.magic",
  "lab_ports[0]",
  "lab_ports[1]",
  "lab_ports[63]",
  "lab_bonds[5]",
  "lab_bond0.name[3]",
  "lab_bond0.stats[2]",
  "lab_bond0.alb.table",
  "lab_bond0.alb.table_used",
  "lab_pt.func",
  "lab_items.prev",
];

const readelf = execFileSync("readelf", ["-sW", join(root, ko)], { encoding: "utf8" });
const names = [
  ...new Set(
    readelf
      .split("\n")
      .map((l) => l.trim().split(/\s+/))
      .filter((f) => f[3] === "OBJECT" && f[7] && !f[7].includes("."))
      .map((f) => f[7]),
  ),
].sort();

function gdb(cmds) {
  const args = ["-batch", "-nx"];
  for (const c of cmds) args.push("-ex", `echo @@${c}\\n`, "-ex", c);
  args.push(join(root, ko));
  const text = execFileSync("gdb-multiarch", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const answers = new Map();
  let cur;
  for (const line of text.split("\n")) {
    if (line.startsWith("@@")) {
      cur = line.slice(2);
      answers.set(cur, []);
    } else if (cur !== undefined && line.trim() !== "") answers.get(cur).push(line);
  }
  return (c) => (answers.get(c) ?? []).join("\n");
}

const cmds = [];
for (const n of names) cmds.push(`info address ${n}`, `whatis ${n}`, `print sizeof(${n})`);
for (const p of PATHS) cmds.push(`print &${p}`, `whatis ${p}`, `print sizeof(${p})`);
const ans = gdb(cmds);

const hex = (s) => {
  const m = /0x[0-9a-f]+/.exec(s);
  return m ? m[0] : null;
};
const size = (s) => {
  const m = /^\$\d+ = (\d+)/.exec(s);
  return m ? Number(m[1]) : null;
};
const type = (s) => {
  const m = /^type = (.*)$/.exec(s);
  return m ? m[1] : null;
};

const variables = [];
for (const n of names) {
  const info = ans(`info address ${n}`);
  // 'Symbol "lab_slot" is static storage at address 0x15c8.'
  if (!/is static storage at address/.test(info)) continue;
  variables.push({
    name: n,
    gdb: info,
    address: hex(info),
    type: type(ans(`whatis ${n}`)),
    size: size(ans(`print sizeof(${n})`)),
  });
}
const paths = PATHS.map((p) => {
  const addr = ans(`print &${p}`);
  return {
    path: p,
    gdb: addr,
    address: hex(addr.replace(/^\$\d+ = \([^)]*\) /, "")),
    type: type(ans(`whatis ${p}`)),
    size: size(ans(`print sizeof(${p})`)),
  };
});

const gdbVersion = execFileSync("gdb-multiarch", ["--version"], { encoding: "utf8" }).split("\n")[0];
writeFileSync(join(root, out), `${JSON.stringify({ tool: gdbVersion, object: ko, variables, paths }, null, 2)}\n`);
console.log(`${out}: ${variables.length} variables, ${paths.length} paths`);

const dir = "packages/core/test-data/explain";
const objdump = execFileSync("objdump", ["-dr", "-j", ".text", join(root, ko)], { encoding: "utf8" });
writeFileSync(join(root, dir, "oopslab-x86_64.objdump.txt"), objdump.replace(join(root, ko), ko));
writeFileSync(
  join(root, dir, "oopslab-x86_64.readelf.txt"),
  execFileSync("readelf", ["-sSW", join(root, ko)], { encoding: "utf8" }).replace(join(root, ko), ko),
);
console.log(`${dir}/oopslab-x86_64.{objdump,readelf}.txt`);
