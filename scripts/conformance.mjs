#!/usr/bin/env node
// Conformance of oopscope's crash detection and titles with syzkaller's own expectations: runs the
// built core (packages/core/dist, from `npm run build`) over every corpus/syzkaller/report/N file and
// prints, per field, how many files agree, then the mismatches. Files are read as bytes and decoded
// as UTF-8 with replacement, as the CLI does (three files are deliberately not UTF-8).
//
// Usage: node scripts/conformance.mjs [--all] [--field title] [--json]
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "packages/core/dist/report/index.js");
if (!existsSync(dist)) {
  console.error("packages/core/dist is missing: run `npm run build` first");
  process.exit(2);
}
const { checkCase, guiltyOf, parseCorpusCase, parseGuiltyCase, summarise } = await import(dist);

const args = process.argv.slice(2);
const showAll = args.includes("--all");
const asJson = args.includes("--json");
const fieldArg = args.indexOf("--field");
const onlyField = fieldArg >= 0 ? args[fieldArg + 1] : undefined;

const dir = join(root, "corpus/syzkaller/report");
const names = readdirSync(dir)
  .filter((n) => /^[0-9]+$/.test(n))
  .sort((a, b) => Number(a) - Number(b));
const decoder = new TextDecoder("utf-8");
const results = [];
const t0 = performance.now();
for (const name of names) {
  const c = parseCorpusCase(decoder.decode(readFileSync(join(dir, name))));
  results.push({ name, c, r: checkCase(c) });
}
// Guilty source file of symbolized reports (syzbot mails the file's maintainers).
const guilty = [];
for (const sub of ["guilty", "guilty_raw"]) {
  const gdir = join(root, "corpus/syzkaller", sub);
  for (const name of readdirSync(gdir).filter((n) => /^[0-9]+$/.test(n))) {
    const c = parseGuiltyCase(decoder.decode(readFileSync(join(gdir, name))));
    const got = guiltyOf(c);
    guilty.push({ name: `${sub}/${name}`, want: c.file, got, ok: got === c.file });
  }
}
const ms = performance.now() - t0;
const summary = summarise(results.map((x) => x.r));
summary.push({ field: "guiltyFile", agree: guilty.filter((g) => g.ok).length, total: guilty.length });

if (asJson) {
  console.log(JSON.stringify({ files: names.length, ms: Math.round(ms), summary }, null, 2));
  process.exit(0);
}
console.log(
  `oopscope conformance with syzkaller's report corpus: ${names.length} files (+ ${guilty.length} guilty-file cases), ${ms.toFixed(0)} ms`,
);
for (const s of summary) {
  const pct = s.total === 0 ? "n/a" : `${((100 * s.agree) / s.total).toFixed(1)}%`;
  console.log(`  ${s.field.padEnd(10)} ${String(s.agree).padStart(4)}/${String(s.total).padEnd(4)} ${pct}`);
}
const limit = showAll ? Number.POSITIVE_INFINITY : 25;
for (const s of summary) {
  if (onlyField !== undefined && s.field !== onlyField) continue;
  if (s.field === "guiltyFile") {
    const badG = guilty.filter((g) => !g.ok);
    if (badG.length > 0) console.log(`\nmismatches in guiltyFile (${badG.length}):`);
    for (const g of badG.slice(0, limit)) console.log(`  ${g.name}: want ${g.want}, got ${g.got}`);
    continue;
  }
  const bad = results.filter((x) => x.r.agree[s.field] === false);
  if (bad.length === 0) continue;
  console.log(`\nmismatches in ${s.field} (${bad.length}):`);
  for (const x of bad.slice(0, limit)) {
    const want = x.c.expected;
    const got = x.r.got;
    const show = (o) => {
      switch (s.field) {
        case "detected":
          return o.title === "" ? "(no crash)" : o.title;
        case "altTitles":
          return JSON.stringify(o.altTitles);
        case "report":
          return "(extracted report text differs)";
        default:
          return JSON.stringify(o[s.field]);
      }
    };
    const why = s.field === "corrupted" && x.r.corruptedReason ? `  [${x.r.corruptedReason}]` : "";
    console.log(`  ${x.name}: want ${show(want)}\n  ${" ".repeat(x.name.length)}  got  ${show(got)}${why}`);
  }
  if (bad.length > limit) console.log(`  … ${bad.length - limit} more (--all)`);
}
