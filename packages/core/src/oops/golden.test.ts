/**
 * Golden tests per architecture: real console logs under packages/core/test-data/oops/<arch>/, each a
 * header of expected fields (`KEY: value`, `#` lines cite where the log came from), one blank line,
 * then the raw log exactly as published. The expected fields were checked by hand against the raw
 * text below them (register rows, `Code:` words, trace lines). `UPDATE_GOLDEN=1` rewrites the
 * expected lines from the parser's output — re-check every changed line by hand before committing.
 */

import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import type { Crash, Location, ParsedLog } from "./model.js";
import { parseLog } from "./parse.js";

const dir = new URL("../../test-data/oops/", import.meta.url);
const hex = (v: bigint): string => `0x${v.toString(16)}`;

function loc(l: Location | undefined): string | undefined {
  if (!l) return undefined;
  const parts: string[] = [];
  if (l.address !== undefined) parts.push(hex(l.address));
  if (l.symbol !== undefined) {
    const off = l.offset !== undefined && l.size !== undefined ? `+${hex(l.offset)}/${hex(l.size)}` : "";
    parts.push(`${l.symbol}${off}`);
  }
  if (l.module !== undefined) parts.push(`[${l.module}]`);
  return parts.join(" ");
}

/** The expected-field lines for the first crash of a log (plus counts for the whole log). */
export function goldenLines(log: ParsedLog): string[] {
  const out: string[] = [`CRASHES: ${log.crashes.length}`, `BOOTS: ${log.boots.length}`];
  const c: Crash | undefined = log.crashes[0];
  if (!c) return out;
  const add = (k: string, v: string | number | undefined): void => {
    if (v !== undefined && v !== "") out.push(`${k}: ${v}`);
  };
  add("ARCH", c.arch);
  add("ENDIAN", c.endian);
  add("KIND", c.kind);
  add("RELEASE", c.kernel.release);
  add("VERSION", c.kernel.version);
  add("TAINT", c.tainted.letters);
  add("CPU", c.cpu);
  add("PID", c.pid);
  add("COMM", c.comm);
  add("HARDWARE", c.hardware);
  add("CPU_MODEL", c.cpuModel);
  if (c.fault.address !== undefined || c.fault.access !== undefined) {
    add(
      "FAULT",
      [c.fault.address !== undefined ? hex(c.fault.address) : "-", c.fault.access ?? "-", c.fault.hint ? "hint" : ""]
        .join(" ")
        .trim(),
    );
  }
  add("PC", loc(c.pc));
  add("LR", loc(c.lr));
  const regs = Object.entries(c.registers).map(([k, v]) => `${k}=${hex(v)}`);
  add("REGS", regs.join(" "));
  for (const f of c.frames) {
    add("FRAME", `${f.context} ${f.reliable ? "r" : "?"}${f.inline ? " inline" : ""} ${loc(f) ?? "-"}`);
  }
  if (c.code) {
    const bytes = [...c.code.bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
    add("CODE", `unit=${c.code.unitSize}${c.code.thumb ? " thumb" : ""} fault=${c.code.faultIndex ?? "-"} ${bytes}`);
  }
  add("MODULES", c.modules.map((m) => (m.taint ? `${m.name}(${m.taint})` : m.name)).join(" "));
  add("PANIC", c.panic?.message);
  if (c.aftermath) add("AFTERMATH", `${c.aftermath.length} lines`);
  return out;
}

interface Golden {
  path: URL;
  comments: string[];
  expected: string[];
  raw: string;
}

function readGolden(path: URL): Golden {
  const text = readFileSync(path, "utf8");
  const cut = text.indexOf("\n\n");
  const head = cut < 0 ? text : text.slice(0, cut);
  const raw = cut < 0 ? "" : text.slice(cut + 2);
  const lines = head.split("\n");
  return {
    path,
    comments: lines.filter((l) => l.startsWith("#")),
    expected: lines.filter((l) => !l.startsWith("#") && l !== ""),
    raw,
  };
}

const arches = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory());

describe("golden oops logs", () => {
  for (const a of arches) {
    const files = readdirSync(new URL(`${a.name}/`, dir)).filter((f) => f.endsWith(".txt"));
    for (const f of files) {
      test(`${a.name}/${f}`, () => {
        const g = readGolden(new URL(`${a.name}/${f}`, dir));
        expect(g.comments.some((c) => /^# source: \S+/.test(c))).toBe(true);
        const got = goldenLines(parseLog(g.raw));
        if (process.env.UPDATE_GOLDEN === "1") {
          writeFileSync(g.path, `${[...g.comments, ...got].join("\n")}\n\n${g.raw}`);
          return;
        }
        expect(got).toEqual(g.expected);
        // Every golden of this directory is of this architecture.
        expect(got).toContain(`ARCH: ${a.name}`);
      });
    }
  }
});

// The same logs quoted in a mail reply (`> ` before every line, `>> ` and `> > ` for a reply to a
// reply, and Outlook-style `>` with no space) must read exactly as the originals: the quote marks
// are the mail client's, not the kernel's.
describe("golden oops logs quoted in mail", () => {
  const quotings: [string, (l: string) => string][] = [
    ["> ", (l) => `> ${l}`],
    [">> ", (l) => `>> ${l}`],
    ["> > ", (l) => `> > ${l}`],
    [">", (l) => `>${l}`],
  ];
  for (const a of arches) {
    const files = readdirSync(new URL(`${a.name}/`, dir)).filter((f) => f.endsWith(".txt"));
    for (const f of files) {
      test.each(quotings)(`${a.name}/${f} quoted with '%s'`, (_name, quote) => {
        const g = readGolden(new URL(`${a.name}/${f}`, dir));
        const quoted = g.raw
          .split("\n")
          .map((l, i, all) => (i === all.length - 1 && l === "" ? l : quote(l)))
          .join("\n");
        expect(goldenLines(parseLog(quoted))).toEqual(g.expected);
      });
    }
  }
});
