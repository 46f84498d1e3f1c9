#!/usr/bin/env node
/**
 * Oracle runner: turns the real oops Code: windows listed in packages/core/test-data/disasm/windows.json
 * into golden files (packages/core/test-data/disasm/<id>.golden) holding GNU objdump's decoding of the
 * same bytes — `objdump -D -z -b binary -m <machine> [-EB|-EL] [-M …]`, the command syzkaller and the
 * kernel's scripts/decodecode use — above the raw input. The conformance suite
 * (packages/core/src/disasm/conformance.test.ts) compares oopscope's decoding with these files, so
 * `npm test` needs no objdump. Needs binutils-multiarch (Debian) or a GNU objdump built for all targets.
 *
 *   node scripts/oracle-objdump.mjs            # regenerate every golden
 *   node scripts/oracle-objdump.mjs --check    # exit 1 if a golden differs from a fresh objdump run
 *   node scripts/oracle-objdump.mjs --check --sweep   # the same, plus the syzkaller report sweep (slow)
 *   OBJDUMP=/path/to/objdump node scripts/oracle-objdump.mjs
 *
 * Byte order of the window: the kernel prints x86 code as bytes, ARM Thumb and RISC-V as 16-bit
 * halfwords and the other architectures as 32-bit words, each as a number; the number is stored in
 * the target's byte order (arch/arm64/kernel/traps.c dump_kernel_instr, arch/mips/kernel/traps.c
 * show_code, arch/powerpc/kernel/process.c show_instructions, arch/riscv/kernel/traps.c dump_instr).
 */

import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dataDir = join(root, "packages/core/test-data/disasm");
const OBJDUMP = process.env.OBJDUMP ?? "objdump";

/** objdump -m / -M / -E arguments for a target. */
function objdumpArgs(t) {
  const e = t.endian === "big" ? ["-EB"] : ["-EL"];
  switch (t.arch) {
    case "x86_64":
      return ["-m", "i386:x86-64"];
    case "i386":
      return ["-m", "i386"];
    case "arm64":
      return ["-m", "aarch64", ...e];
    case "arm":
      return ["-m", "arm", ...e, ...(t.thumb ? ["-M", "force-thumb"] : [])];
    case "mips32":
      return ["-m", "mips:isa32r2", ...e, "-M", "gpr-names=32"];
    case "mips64":
      // n64 register names: the kernel of a 64-bit MIPS system is built for the n64 ABI.
      return ["-m", t.octeon ? "mips:octeon" : "mips:isa64r2", ...e, "-M", "gpr-names=64"];
    case "ppc32":
      return ["-m", "powerpc:common", ...e];
    case "ppc64":
      return ["-m", "powerpc:common64", ...e];
    case "riscv64":
      return ["-m", "riscv:rv64"];
    case "s390x":
      return ["-m", "s390:64-bit", "-EB"];
    default:
      throw new Error(`no objdump machine for ${t.arch}`);
  }
}

/** Raw window text → bytes in memory order and the offset of the marked unit. */
function windowBytes(t, text) {
  if (t.arch === "s390x") {
    const bytes = [];
    let fault = -1;
    for (const line of text.split("\n")) {
      const m = /^\s*(?:Krnl Code:)?\s*([#>])?([0-9a-f]+):\s+([0-9a-f]+)\s/.exec(line);
      if (!m) continue;
      if (m[1] === ">") fault = bytes.length;
      for (let i = 0; i < m[3].length; i += 2) bytes.push(Number.parseInt(m[3].slice(i, i + 2), 16));
    }
    return { bytes: Uint8Array.from(bytes), fault };
  }
  const units = text
    .replace(/^[\s\S]*?(Code:|Instruction dump:)/, "")
    .split(/\s+/)
    .filter((u) => /^[<(]?[0-9a-f]+[>)]?$/.test(u));
  const out = [];
  let fault = -1;
  for (const u of units) {
    const hex = u.replace(/[<>()]/g, "");
    const width = hex.length / 2;
    if (u !== hex) fault = out.length;
    const v = BigInt(`0x${hex}`);
    const b = [];
    for (let i = 0; i < width; i++) b.push(Number((v >> BigInt(8 * i)) & 0xffn));
    if (t.endian === "big" && width > 1) b.reverse();
    out.push(...b);
  }
  return { bytes: Uint8Array.from(out), fault };
}

/** objdump listing → [{offset, bytes, mnemonic, operands}]; continuation lines extend the bytes. */
function parseObjdump(text) {
  const out = [];
  for (const line of text.split("\n")) {
    const m = /^\s*([0-9a-f]+):\t([0-9a-f ]+?)\s*(?:\t(.*))?$/.exec(line);
    if (!m) continue;
    const bytes = m[2].replace(/ /g, "");
    if (m[3] === undefined) {
      const last = out.at(-1);
      if (last) last.bytes += bytes;
      continue;
    }
    // x86 and PowerPC separate mnemonic and operands with spaces, the others with a tab.
    const text = m[3].trim();
    const sp = text.search(/\s/);
    const mnemonic = sp < 0 ? text : text.slice(0, sp);
    const operands = sp < 0 ? "" : text.slice(sp).trim();
    out.push({ offset: Number.parseInt(m[1], 16), bytes, mnemonic, operands });
  }
  return out;
}

/** Undecodable as objdump says it. */
const isBad = (i) => /^(\(bad\)|\.byte|\.short|\.word|\.inst|\.long|Address)$/.test(i.mnemonic);

/**
 * Variable-length code (x86, Thumb-2, RISC-V C) may start mid-instruction. Pick the start as syzkaller
 * does (pkg/report/linux.go, decompile): try cutting 0..7 leading bytes, keep the first cut whose
 * listing has an instruction exactly at the mark and nothing undecodable before it; else the first cut
 * that lands on the mark.
 */
function alignedListing(t, bytes, fault) {
  const unit = t.arch === "x86_64" || t.arch === "i386" ? 1 : t.arch === "riscv64" || t.thumb ? 2 : 0;
  const first = runObjdump(t, bytes);
  if (!unit || fault < 0) return { start: 0, ...first, listing: parseObjdump(first.out) };
  let fallback;
  for (let cut = 0; cut <= fault && cut < 8; cut += unit) {
    // --adjust-vma keeps offsets and branch targets relative to the whole window.
    const run = cut === 0 ? first : runObjdump(t, bytes.subarray(cut), cut);
    const listing = parseObjdump(run.out);
    if (!listing.some((i) => i.offset === fault)) continue;
    const r = { start: cut, ...run, listing };
    if (!listing.some((i) => i.offset < fault && isBad(i))) return r;
    fallback ??= r;
  }
  return fallback ?? { start: 0, ...first, listing: parseObjdump(first.out) };
}

function runObjdump(t, bytes, vma = 0) {
  const dir = mkdtempSync(join(tmpdir(), "oopscope-objdump-"));
  try {
    const f = join(dir, "code.bin");
    writeFileSync(f, bytes);
    // -z: objdump otherwise collapses runs of zero bytes into "…".
    const args = ["-D", "-z", "-b", "binary", ...objdumpArgs(t), ...(vma ? [`--adjust-vma=${vma}`] : []), f];
    return { args, out: execFileSync(OBJDUMP, args, { encoding: "utf8" }) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function rawInput(w) {
  if (w.code) return w.code;
  const lines = readFileSync(join(root, w.file), "latin1").split("\n");
  return w.lines.map((n) => lines[n - 1].replace(/^\s*(\[[^\]]*\]\s*)+/, "").trimEnd()).join("\n");
}

/**
 * Every distinct kernel Code: line of the syzkaller report corpus (x86-64, arm64, ARM), for a wide
 * sweep of real code. A line right after `RIP: 0033:` is user space (skipped, as syzkaller does);
 * the architecture comes from the register dump of the same file.
 */
function corpusSweep() {
  const dir = join(root, "corpus/syzkaller/report");
  const seen = new Set();
  const out = [];
  for (const f of readdirSync(dir).sort((a, b) => Number(a) - Number(b))) {
    const lines = readFileSync(join(dir, f), "latin1").split("\n");
    const text = lines.join("\n");
    const arch = /pstate: |x29: /.test(text)
      ? "arm64"
      : /^.*pc : \[<[0-9a-f]{8}>\]/m.test(text)
        ? "arm"
        : /RIP: /.test(text)
          ? "x86_64"
          : undefined;
    if (!arch) continue;
    lines.forEach((line, i) => {
      const m = /Code: ((?:[<(]?[0-9a-f]{2,8}[>)]?\s*){8,})$/.exec(line.trimEnd());
      if (!m || /RIP: 0033:/.test(lines[i - 1] ?? "") || seen.has(m[1].trim())) return;
      if (!/[<(]/.test(m[1])) return;
      seen.add(m[1].trim());
      const thumb = arch === "arm" && /\([0-9a-f]{4}\)/.test(m[1]);
      out.push({
        file: `corpus/syzkaller/report/${f}`,
        line: i + 1,
        target: { arch, endian: "little", ...(thumb ? { thumb } : {}) },
        raw: `Code: ${m[1].trim()}`,
      });
    });
  }
  return out;
}

function writeSweep(check) {
  const entries = corpusSweep().map((w) => {
    const { bytes, fault } = windowBytes(w.target, w.raw);
    const { start, listing } = alignedListing(w.target, bytes, fault);
    const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
    const lines = listing.map((i) => `${i.offset.toString(16)}\t${i.bytes}\t${i.mnemonic}\t${i.operands}`);
    return { source: `${w.file}:${w.line}`, target: w.target, bytes: hex, fault, start, listing: lines };
  });
  const path = join(dataDir, "syzkaller-report-sweep.json");
  const about =
    "objdump listings (offset, bytes, mnemonic, operands) of every distinct kernel Code: line in corpus/syzkaller/report, from scripts/oracle-objdump.mjs";
  const body = `{"oracle": ${JSON.stringify(version)},\n"about": ${JSON.stringify(about)},\n"windows": [\n${entries.map((e) => JSON.stringify(e)).join(",\n")}\n]}\n`;
  if (check) {
    let old = "";
    try {
      old = readFileSync(path, "utf8");
    } catch {}
    const strip = (s) => s.replace(/"oracle": "[^"]*"/, "");
    if (strip(old) !== strip(body)) {
      console.error("stale: syzkaller-report-sweep.json");
      return 1;
    }
    return 0;
  }
  writeFileSync(path, body);
  console.log(`syzkaller-report-sweep: ${entries.length} windows`);
  return 0;
}

const check = process.argv.includes("--check");
const version = execFileSync(OBJDUMP, ["--version"], { encoding: "utf8" }).split("\n")[0];
const { windows } = JSON.parse(readFileSync(join(dataDir, "windows.json"), "utf8"));
let stale = 0;
for (const w of windows) {
  const raw = rawInput(w);
  const { bytes, fault } = windowBytes(w.target, raw);
  const { start, args, listing } = alignedListing(w.target, bytes, fault);
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  const golden = [
    `# oracle: ${version}`,
    `# command: objdump ${args.slice(0, -1).join(" ")} <window.bin>`,
    `# target: ${JSON.stringify(w.target)}`,
    `# source: ${w.file ? `${w.file}:${w.lines.join(",")} — ` : ""}${w.source}`,
    `# bytes: ${hex}`,
    `# fault: ${fault}`,
    `# start: ${start}`,
    "# offset<TAB>bytes<TAB>mnemonic<TAB>operands, as objdump printed them",
    ...listing.map((i) => `${i.offset.toString(16)}\t${i.bytes}\t${i.mnemonic}\t${i.operands}`),
    "--- raw input",
    raw,
    "",
  ].join("\n");
  const path = join(dataDir, `${w.id}.golden`);
  if (check) {
    let old = "";
    try {
      old = readFileSync(path, "utf8");
    } catch {}
    // The version line may differ between machines; the listing must not.
    const body = (s) =>
      s
        .split("\n")
        .filter((l) => !l.startsWith("# oracle:"))
        .join("\n");
    if (body(old) !== body(golden)) {
      console.error(`stale: ${w.id}`);
      stale++;
    }
  } else {
    writeFileSync(path, golden);
    console.log(`${w.id}: ${listing.length} instructions`);
  }
}
// The sweep runs objdump ~600 times (about a minute): only on request when checking.
if (!check || process.argv.includes("--sweep")) stale += writeSweep(check);
process.exit(stale ? 1 : 0);
