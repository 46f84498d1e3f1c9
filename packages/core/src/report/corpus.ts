/**
 * The syzkaller report-test format and the agreement check against it: turns the text of one
 * `corpus/syzkaller/report/N` file into its expectations and the log, runs the detector on the log
 * and says, field by field, whether oopscope agrees. Used by `npm run conformance` and by the tests;
 * the file format is described in corpus/syzkaller/README.md.
 */

import { containsCrash, parseReport } from "./detect.js";
import { guiltyFile } from "./guilty.js";

export interface CorpusExpectation {
  /** Empty when the log must not be detected as a crash. */
  title: string;
  altTitles: string[];
  type?: string;
  frame?: string;
  corrupted: boolean;
  suppressed: boolean;
  panicked: boolean;
  executor?: string;
  startLine?: string;
  endLine?: string;
}

export interface CorpusCase {
  expected: CorpusExpectation;
  log: string;
  /** The expected extracted report, when the file has a `REPORT:` section. */
  report?: string;
}

/** Parse a corpus file (already decoded; `\r` is removed here as the upstream harness does). */
export function parseCorpusCase(raw: string): CorpusCase {
  const text = raw.replaceAll("\r", "");
  const split = text.indexOf("\n\n");
  const head = split < 0 ? text : text.slice(0, split);
  let log = split < 0 ? "" : text.slice(split + 2);
  const expected: CorpusExpectation = {
    title: "",
    altTitles: [],
    corrupted: false,
    suppressed: false,
    panicked: false,
  };
  for (const line of head.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const colon = line.indexOf(":");
    const key = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    switch (key) {
      case "TITLE":
        expected.title = value;
        break;
      case "ALT":
        expected.altTitles.push(value);
        break;
      case "TYPE":
        expected.type = value;
        break;
      case "FRAME":
        expected.frame = value;
        break;
      case "CORRUPTED":
        expected.corrupted = value === "Y";
        break;
      case "SUPPRESSED":
        expected.suppressed = value === "Y";
        break;
      case "PANICKED":
        expected.panicked = value === "Y";
        break;
      case "EXECUTOR":
        expected.executor = value;
        break;
      case "START":
        expected.startLine = value;
        break;
      case "END":
        expected.endLine = value;
        break;
    }
  }
  expected.altTitles.sort();
  const cut = log.indexOf("\nREPORT:\n");
  let report: string | undefined;
  if (cut >= 0) {
    report = log.slice(cut + "\nREPORT:\n".length);
    log = log.slice(0, cut + 1);
  }
  const c: CorpusCase = { expected, log };
  if (report !== undefined) c.report = report;
  return c;
}

/** The fields compared; `frame`, `executor` and `report` only where the file states them. */
export const FIELDS = [
  "detected",
  "title",
  "altTitles",
  "type",
  "corrupted",
  "frame",
  "executor",
  "panicked",
  "suppressed",
  "report",
] as const;
export type Field = (typeof FIELDS)[number];

export interface CaseResult {
  /** Per field: true when it agrees, false when not, undefined when the file does not state it. */
  agree: Partial<Record<Field, boolean>>;
  got: CorpusExpectation;
  corruptedReason?: string;
}

/** Run the detector on a case and compare with its expectations. */
export function checkCase(c: CorpusCase): CaseResult {
  const rep = parseReport(c.log);
  const contains = containsCrash(c.log);
  const got: CorpusExpectation = { title: "", altTitles: [], corrupted: false, suppressed: false, panicked: false };
  if (rep !== undefined) {
    got.title = rep.signature.title;
    got.altTitles = [...rep.signature.altTitles].sort();
    if (rep.signature.type !== undefined) got.type = rep.signature.type;
    if (rep.signature.frame !== undefined) got.frame = rep.signature.frame;
    got.corrupted = rep.signature.corrupted;
    got.suppressed = rep.suppressed;
    got.panicked = rep.panicked;
    if (rep.executor !== undefined) got.executor = `proc=${rep.executor.proc}, id=${rep.executor.id}`;
  }
  const e = c.expected;
  const expectCrash = e.title !== "";
  const agree: Partial<Record<Field, boolean>> = {
    detected: expectCrash === (rep !== undefined) && expectCrash === contains,
  };
  if (expectCrash) {
    agree.title = got.title === e.title;
    agree.altTitles =
      got.altTitles.length === e.altTitles.length && got.altTitles.every((t, i) => t === e.altTitles[i]);
    agree.type = got.type === e.type;
    agree.corrupted = got.corrupted === e.corrupted;
    agree.panicked = got.panicked === e.panicked;
    agree.suppressed = got.suppressed === e.suppressed;
    if (e.frame !== undefined) agree.frame = got.frame === e.frame;
    if (e.executor !== undefined || got.executor !== undefined) agree.executor = got.executor === e.executor;
    // The extracted report text, where the file gives it after `REPORT:`.
    if (c.report !== undefined) agree.report = (rep?.report ?? "") === c.report;
  }
  const r: CaseResult = { agree, got };
  if (rep?.signature.corruptedReason !== undefined) r.corruptedReason = rep.signature.corruptedReason;
  return r;
}

export interface Agreement {
  field: Field;
  agree: number;
  total: number;
}

/** Per-field agreement over many results. */
export function summarise(results: CaseResult[]): Agreement[] {
  return FIELDS.map((field) => {
    let agree = 0;
    let total = 0;
    for (const r of results) {
      const a = r.agree[field];
      if (a === undefined) continue;
      total++;
      if (a) agree++;
    }
    return { field, agree, total };
  });
}

/** A `corpus/syzkaller/guilty/N` (or `guilty_raw/N`) file: the expected guilty source file of a report. */
export interface GuiltyCase {
  file: string;
  /** `guilty_raw` files give the title and a report to read as it is, without detection. */
  title?: string;
  log: string;
}

export function parseGuiltyCase(raw: string): GuiltyCase {
  const text = raw.replaceAll("\r", "");
  const split = text.indexOf("\n\n");
  const head = split < 0 ? text : text.slice(0, split);
  const c: GuiltyCase = { file: "", log: split < 0 ? "" : text.slice(split + 2) };
  for (const line of head.split("\n")) {
    if (line.startsWith("FILE:")) c.file = line.slice(5).trim();
    if (line.startsWith("TITLE:")) c.title = line.slice(6).trim();
  }
  return c;
}

/** The guilty file oopscope picks for a guilty case: detect the report first unless a title is given. */
export function guiltyOf(c: GuiltyCase): string {
  if (c.title !== undefined) return guiltyFile(c.title, c.log);
  const rep = parseReport(c.log);
  return rep === undefined ? "" : guiltyFile(rep.signature.title, rep.report.slice(rep.reportPrefixLength));
}
