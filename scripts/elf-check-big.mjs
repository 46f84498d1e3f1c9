#!/usr/bin/env node
// Checks the ELF reader on a big real object (a distribution vmlinux or module) against GNU readelf,
// and measures it: wall time, bytes actually read from the file, peak RSS. Compares the section
// table, every symbol of .symtab (value, size, type, binding, section, name), the build-id, and
// random 64-byte ranges of the debug sections (read through DebugSections vs. the raw file bytes).
//
//   npm run build && node scripts/elf-check-big.mjs PATH/TO/vmlinux [--ranges 200]
import { execFileSync } from "node:child_process";
import { openSync, readSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const core = join(root, "packages/core/dist");
const cli = join(root, "packages/cli/dist");
const path = process.argv[2];
if (!path) {
  console.error("usage: node scripts/elf-check-big.mjs FILE [--ranges N]");
  process.exit(2);
}
const ri = process.argv.indexOf("--ranges");
const nRanges = ri > 0 ? Number(process.argv[ri + 1]) : 200;

const { ElfFile, ElfDebugSections, readSymbolTable, readBuildId, parseRelocations, relocationSectionsFor } =
  await import(join(core, "elf/index.js"));
const { openFileSource } = await import(join(cli, "io/file-source.js"));

const file = await openFileSource(path);
let bytesRead = 0;
let reads = 0;
const counted = {
  size: file.size,
  read: async (o, l) => {
    const b = await file.read(o, l);
    bytesRead += b.length;
    reads++;
    return b;
  },
};
let peak = 0;
const sample = () => {
  peak = Math.max(peak, process.memoryUsage().rss);
};
const timer = setInterval(sample, 20);

const t0 = performance.now();
const elf = await ElfFile.open(counted);
const tOpen = performance.now() - t0;
const table = await readSymbolTable(elf);
const tSyms = performance.now() - t0;
const buildId = await readBuildId(elf);
const afterSymbols = bytesRead;

// --- readelf oracle ---
const sh = execFileSync("readelf", ["-S", "-W", path], { maxBuffer: 1 << 26 }).toString();
let sectionMismatches = 0;
let sectionRows = 0;
for (const m of sh.matchAll(
  /^\s*\[\s*(\d+)\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+[0-9a-f]+\s+[A-Za-z]*\s+\d+\s+\d+\s+\d+$/gm,
)) {
  sectionRows++;
  const s = elf.sections[Number(m[1])];
  if (
    !s ||
    s.name !== m[2] ||
    s.addr !== BigInt(`0x${m[3]}`) ||
    s.offset !== Number(`0x${m[4]}`) ||
    s.size !== Number(`0x${m[5]}`)
  )
    sectionMismatches++;
}
const symText = execFileSync("readelf", ["-s", "-W", path], { maxBuffer: 1 << 30 }).toString();
const types = { NOTYPE: 0, OBJECT: 1, FUNC: 2, SECTION: 3, FILE: 4, TLS: 6 };
const binds = { LOCAL: 0, GLOBAL: 1, WEAK: 2 };
let symRows = 0;
let symMismatches = 0;
const firstBad = [];
const symtabPart = symText.split(/Symbol table '\.symtab'/)[1] ?? symText;
for (const m of symtabPart.matchAll(
  /^\s*(\d+): ([0-9a-f]+)\s+(\d+|0x[0-9a-f]+)\s+(\S+)\s+(\S+)\s+\S+\s+(\S+) ?(.*)$/gm,
)) {
  symRows++;
  const s = table.symbols[Number(m[1])];
  const ndx = m[6] === "UND" ? 0 : m[6] === "ABS" ? 0xfff1 : m[6] === "COM" ? 0xfff2 : Number(m[6]);
  const name = m[4] === "SECTION" ? elf.sections[ndx]?.name : s?.name;
  const ok =
    s &&
    s.value === BigInt(`0x${m[2]}`) &&
    s.size === BigInt(m[3]) &&
    (types[m[4]] === undefined || s.type === types[m[4]]) &&
    s.bind === binds[m[5]] &&
    s.shndx === ndx &&
    name === m[7];
  if (!ok) {
    symMismatches++;
    if (firstBad.length < 5) firstBad.push(m[0]);
  }
}
const notes = execFileSync("readelf", ["-n", path]).toString();
const wantId = /Build ID: ([0-9a-f]+)/.exec(notes)?.[1];

// Address lookups: every sized FUNC symbol, at its middle byte, must come back as itself — or as a
// symbol that starts inside it before that byte (an inner label such as __put_user_nocheck_1 in
// __put_user_1), which is what kallsyms, knowing only symbol starts, prints too.
let lookups = 0;
let lookupMisses = 0;
let innerLabels = 0;
const tL = performance.now();
for (const s of table.functions()) {
  if (s.type !== 2 || s.size === 0n) continue;
  lookups++;
  const hit = table.lookup(s.value + s.size / 2n, elf.type === 1 ? s.shndx : undefined);
  if (hit && hit.symbol.value > s.value && hit.symbol.value <= s.value + s.size / 2n) innerLabels++;
  else if (!hit || hit.symbol.value !== s.value) lookupMisses++;
}
const tLookups = performance.now() - tL;

// Debug section ranges vs. the raw bytes of the file (a linked vmlinux has no relocations).
const ds = new ElfDebugSections(elf);
const fd = openSync(path, "r");
let rangeMismatches = 0;
let rangesDone = 0;
let seed = 12345;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) >>> 0;
  return seed / 2 ** 32;
};
const before = bytesRead;
const tR = performance.now();
for (const name of ds.names()) {
  const sec = ds.find(name);
  if (!sec || sec.compression || sec.size < 64) continue;
  if (elf.type === 1 && relocationSectionsFor(elf, sec).length > 0) continue; // compared with readelf -R below
  for (let i = 0; i < Math.ceil(nRanges / 8); i++) {
    const off = Math.floor(rnd() * (sec.size - 64));
    const got = await ds.sectionRange(name, off, 64);
    const want = Buffer.alloc(64);
    readSync(fd, want, 0, 64, sec.offset + off);
    rangesDone++;
    if (Buffer.compare(Buffer.from(got), want) !== 0) rangeMismatches++;
  }
}
const tRanges = performance.now() - tR;

// Relocatable objects (a .ko): every relocated debug section against readelf -R, byte for byte, with
// the section layout readelf uses (every section at 0); bytes of relocation types readelf reports it
// cannot apply (TLS offsets) are left out.
const relocated = [];
if (elf.type === 1) {
  const zero = new ElfDebugSections(elf, { layout: "zero" });
  for (const name of zero.names()) {
    const sec = zero.find(name);
    const rels = relocationSectionsFor(elf, sec);
    if (rels.length === 0) continue;
    const out = execFileSync("readelf", ["-z", "-R", sec.name, path], {
      maxBuffer: 1 << 30,
      stdio: ["ignore", "pipe", "pipe"],
    }).toString();
    const hex = out
      .split("\n")
      .filter((l) => /^ {2}0x[0-9a-f]{8} /.test(l))
      .map((l) => l.slice(13, 13 + 35).replace(/ /g, ""))
      .join("");
    const want = Buffer.from(hex, "hex");
    const got = await zero.section(name);
    let entries = 0;
    const skip = new Set();
    const supported = new Set([1, 2, 10, 11, 24]); // what readelf applies for x86-64 (the TLS types it does not)
    for (const rs of rels)
      for (const r of parseRelocations(elf, await elf.sectionData(rs), rs)) {
        entries++;
        if (elf.machine === 62 && !supported.has(r.types[0]))
          for (let k = 0; k < 8; k++) skip.add(Number(r.offset) + k);
      }
    let diffs = 0;
    for (let k = 0; k < want.length; k++) if (!skip.has(k) && got[k] !== want[k]) diffs++;
    relocated.push({
      section: name,
      bytes: want.length,
      ours: got.length,
      relocations: entries,
      skippedBytes: skip.size,
      diffs,
    });
  }
}
clearInterval(timer);
sample();
console.log(
  JSON.stringify(
    {
      file: path.split("/").pop(),
      fileBytes: file.size,
      sections: { ours: elf.sections.length, readelfRows: sectionRows, mismatches: sectionMismatches },
      symbols: { ours: table.symbols.length, readelfRows: symRows, mismatches: symMismatches, firstBad },
      functionsIndexed: table.functionCount,
      lookups: { count: lookups, misses: lookupMisses, innerLabels, ms: Number(tLookups.toFixed(1)) },
      buildId: { ours: buildId, readelf: wantId, equal: buildId === wantId },
      ranges: {
        count: rangesDone,
        mismatches: rangeMismatches,
        ms: Number(tRanges.toFixed(1)),
        bytesRead: bytesRead - before,
      },
      relocated,
      openMs: Number(tOpen.toFixed(1)),
      openPlusSymbolsMs: Number(tSyms.toFixed(1)),
      bytesReadForOpenAndSymbols: afterSymbols,
      reads,
      peakRssMiB: Math.round(peak / 1048576),
    },
    null,
    2,
  ),
);
await file.close();
