#!/usr/bin/env node
/**
 * Oracle runner for the instruction-semantics suite: assembles each line of
 * packages/core/test-data/explain/semantics.json (`asm`, per arch) with the GNU assembler of that
 * target and records the machine code (`hex`, in memory order) and GNU objdump's disassembly of it
 * (`objdump`), so the shared suite (packages/core/src/explain/semantics.test.ts) decodes real
 * encodings and `npm test` needs no binutils. Needs the Debian cross binutils
 * (binutils-{x86-64,i686,aarch64,arm,mips,mips64,powerpc64le,riscv64,s390x}-linux-gnu*) and binutils-multiarch.
 *
 *   node scripts/oracle-semantics.mjs          # fill in hex/objdump for every case
 */

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const file = join(root, "packages/core/test-data/explain/semantics.json");

// Assembler, its flags, and objdump's machine for each target.
const TOOLS = {
  x86_64: {
    as: "x86_64-linux-gnu-as",
    flags: ["--64"],
    pre: ".intel_syntax noprefix\n",
    m: ["-m", "i386:x86-64", "-M", "intel"],
  },
  i386: { as: "i686-linux-gnu-as", flags: ["--32"], pre: ".intel_syntax noprefix\n", m: ["-m", "i386", "-M", "intel"] },
  arm64: { as: "aarch64-linux-gnu-as", flags: [], pre: "", m: ["-m", "aarch64"] },
  arm: { as: "arm-linux-gnueabihf-as", flags: ["-march=armv7-a"], pre: ".syntax unified\n.arm\n", m: ["-m", "arm"] },
  mips64: {
    as: "mips64-linux-gnuabi64-as",
    flags: ["-march=octeon2", "-mabi=64", "-EB", "-O0"],
    pre: ".set noreorder\n.set noat\n",
    m: ["-m", "mips:octeon2", "-EB", "-M", "gpr-names=64"],
  },
  mips32: {
    as: "mips-linux-gnu-as",
    flags: ["-march=mips32r2", "-EB", "-O0"],
    pre: ".set noreorder\n.set noat\n",
    m: ["-m", "mips:isa32r2", "-EB", "-M", "gpr-names=32"],
  },
  ppc64: {
    as: "powerpc64le-linux-gnu-as",
    flags: ["-a64", "-mbig", "-mpower8"],
    pre: "",
    m: ["-m", "powerpc:common64", "-EB"],
  },
  riscv64: { as: "riscv64-linux-gnu-as", flags: ["-march=rv64gc"], pre: ".option norvc\n", m: ["-m", "riscv:rv64"] },
  // z14 enables every instruction of the table (risbgn, agrk, mvhi, the compare-and-branch forms).
  s390x: { as: "s390x-linux-gnu-as", flags: ["-m64", "-march=z14"], pre: "", m: ["-m", "s390:64-bit"] },
};

const data = JSON.parse(readFileSync(file, "utf8"));
const dir = mkdtempSync(join(tmpdir(), "oracle-sem-"));
try {
  for (const c of data.cases) {
    const t = TOOLS[c.arch];
    if (!t) throw new Error(`no tools for ${c.arch}`);
    const src = join(dir, "a.s");
    const obj = join(dir, "a.o");
    const bin = join(dir, "a.bin");
    // `.option rvc` lets a case ask for a compressed encoding explicitly (`c.ld`).
    const pre = c.arch === "riscv64" && c.asm.startsWith("c.") ? ".option rvc\n" : t.pre;
    writeFileSync(src, `${pre}${c.asm}\n`);
    execFileSync(t.as, [...t.flags, "-o", obj, src]);
    execFileSync("objcopy", ["-O", "binary", "-j", ".text", obj, bin]);
    const bytes = readFileSync(bin);
    c.hex = bytes.toString("hex");
    const dump = execFileSync("objdump", ["-D", "-b", "binary", ...t.m, bin], { encoding: "utf8" });
    const lines = dump
      .split("\n")
      .filter((l) => /^\s+[0-9a-f]+:\t/.test(l))
      .map((l) => l.split("\t").slice(2).join(" ").replace(/\s+/g, " ").trim());
    c.objdump = lines.join("; ");
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
console.log(`${data.cases.length} cases written to ${file.slice(root.length + 1)}`);
