/**
 * Crash-report detection: turns console text into the list of crash reports it holds, each with its
 * position in the text, the report text as extracted (stamps and caller tags gone, other tasks' lines
 * and unreliable `? ` frames dropped) and a syzbot-compatible `Signature` — title, alternative
 * titles, type, guilty frame, corrupted flag and reason.
 *
 * How a report is found and titled (the rules of syzkaller's Linux report parser, pkg/report, whose
 * test corpus is corpus/syzkaller; the data rows live in `formats.ts`):
 * 1. The first line containing a row's `header` (and none of its suppressions) starts a report; the
 *    line's printk context (caller tag `T123`/`C1`, `console` for a bare timestamp, or none) is noted.
 * 2. The report text is that line and every later line of the same context, plus up to 5 preceding
 *    lines of the same context (50 with a task caller tag) kept aside as a prefix. Lines from other
 *    CPUs are taken too once `Sending NMI from CPU` announces an all-CPU backtrace. A later
 *    `Kernel panic - not syncing` (panic_on_warn's echo) or lockdep circular-dependency report cuts
 *    the rest once the report has enough lines of its own.
 * 3. Another report header later in the log (other than the ones that belong to a report, such as
 *    the panic) marks where this report's text stops being trusted when lines carry no task tag.
 * 4. The row's formats are tried on the report text; the one matching earliest builds the title from
 *    its captures and the guilty stack frame; a format that matches its `title` but not its `report`
 *    pattern, or a stack without a usable frame (`in corrupted`), makes the report corrupted.
 * 5. A report is also corrupted when its title caught a timestamp, or when a report that should have
 *    a stack trace has none or its trace has no frames.
 */

import { type LogLine, normaliseLine } from "../oops/lines.js";
import type { Signature } from "../oops/model.js";
import { type TextOffset, textOffset } from "../types.js";
import { demangle } from "./demangle.js";
import {
  CORRUPTED_LINES,
  FRAME_LINES,
  INFO_MESSAGES_WITH_STACK,
  LINUX_OOPSES,
  type OopsKind,
  PANIC_TAIL_MARKERS,
  REPORT_START_IGNORES,
  RISCV_STACK_START,
  SKIP_FRAMES,
  STACK,
  STACK_STARTS,
  STRIP_FRAME_PREFIXES,
  type StackPart,
  type StackRule,
  SUPPRESSIONS,
  type TitleFormat,
} from "./formats.js";
import { matchesAny } from "./patterns.js";
import { normaliseTitle, titleFrame, titleType } from "./title.js";

/** One crash report found in a log. */
export interface CrashReport {
  /** Start of the line that opened the report. */
  start: TextOffset;
  /**
   * End of the report's last line: the last line of the report's context before the next
   * independent report (or an end-of-trace marker, or the end of the text).
   */
  end: TextOffset;
  /** The header line (normalised text) that opened the report. */
  headerLine: string;
  /** printk context of the report: `T<pid>`, `C<cpu>`, `console` (timestamps only) or `` (none). */
  context: string;
  signature: Signature;
  /** The log matches a known non-kernel failure (the OOM killer killing the fuzzer, sshd …). */
  suppressed: boolean;
  /** `Kernel panic - not syncing` appears from this report on. */
  panicked: boolean;
  /** syzkaller executor that crashed, from `Comm: syz.P.I`. */
  executor?: { proc: number; id: number };
  /** The report as extracted: prefix lines of the same context, then the report lines. */
  report: string;
  /** Length of the prefix-lines part at the start of `report`. */
  reportPrefixLength: number;
}

export interface FindOptions {
  /** Stop after this many reports (default: no limit). */
  maxReports?: number;
}

// How much text around a header the extractor looks at. A report never needs more; the limits keep
// the work per report bounded so a log with thousands of crashes stays linear.
const WINDOW_AFTER = 1 << 20;
const WINDOW_BEFORE = 1 << 14;
const MAX_REPORT_LINES = 5000;
const CORRUPTED_NO_FRAMES = "extracted no frames";
// The GCE serial console prints this when the connection drops; what came before is cut short.
const CONSOLE_HANGUP = "serialport: VM disconnected.";
const CORRUPTED_TITLE = /\[ *[0-9]+\.[0-9]+\]/;
const EXECUTOR = / Comm: syz\.(\d+)\.(\d+) /;
const END_MARKERS = ["---[ end trace", "---[ end Kernel panic"];

const HEADER_SOURCE = LINUX_OOPSES.map((o) => o.header.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
const HEADER_ANY = new RegExp(HEADER_SOURCE, "g");
const HEADER_TEST = new RegExp(HEADER_SOURCE);

/** The row whose header is on `line` and not suppressed there, first in table order. */
export function matchOops(line: string): OopsKind | undefined {
  // One scan for any header first: nearly every line has none.
  if (!HEADER_TEST.test(line)) return undefined;
  for (const o of LINUX_OOPSES) {
    if (line.includes(o.header) && !matchesAny(line, o.suppressions)) return o;
  }
  return undefined;
}

/** True when the text contains at least one crash report. */
export function containsCrash(text: string): boolean {
  return nextHeader(text, 0) !== undefined;
}

/** Every crash report in `text`, in order. */
export function findReports(text: string, options: FindOptions = {}): CrashReport[] {
  const max = options.maxReports ?? Number.POSITIVE_INFINITY;
  const out: CrashReport[] = [];
  const facts = logFacts(text);
  const cache = new LineCache(text);
  let from = 0;
  while (out.length < max) {
    const hit = nextHeader(text, from);
    if (hit === undefined) break;
    const { report, next } = extract(text, hit.line, hit.oops, facts, cache);
    cache.prune(next - WINDOW_BEFORE);
    out.push(report);
    from = Math.max(next, hit.line.end + 1);
  }
  return out;
}

/** The first crash report at or after `from`, or undefined. */
export function parseReport(text: string, from = 0): CrashReport | undefined {
  const hit = nextHeader(text, from);
  return hit === undefined ? undefined : extract(text, hit.line, hit.oops, logFacts(text)).report;
}

function nextHeader(text: string, from: number): { line: LogLine; oops: OopsKind } | undefined {
  HEADER_ANY.lastIndex = from;
  for (;;) {
    const m = HEADER_ANY.exec(text);
    if (m === null) return undefined;
    const s = text.lastIndexOf("\n", m.index - 1) + 1;
    let e = text.indexOf("\n", m.index);
    if (e < 0) e = text.length;
    const line = normaliseLine(text, Math.max(s, from), e);
    const oops = matchOops(line.text);
    if (oops !== undefined) return { line, oops };
    HEADER_ANY.lastIndex = e + 1;
  }
}

interface Ln {
  line: LogLine;
  context: string;
  /** Text the report keeps (the normalised line; for `? ` frames, without the `?`). */
  stripped: string;
  questionable: boolean;
}

function toLn(line: LogLine): Ln {
  const context = line.caller ?? (line.time !== undefined ? "console" : "");
  let stripped = line.text;
  let questionable = false;
  // `? ` frames (x86 unwinder guesses) and powerpc's `(unreliable)` frames are dropped from the report,
  // but only when lines carry a printk context: without it syzkaller keeps the line as it is.
  if (context !== "" && !stripped.includes("<EOI>")) {
    // syzkaller's pattern is `([<addr>])? \? `, which matches exactly when ` ? ` occurs.
    if (stripped.includes(" ? ")) {
      stripped = stripped.slice(stripped.indexOf(" ? ") + 2);
      questionable = true;
    } else if (stripped.endsWith(" (unreliable)")) {
      stripped = stripped.slice(0, -13);
      questionable = true;
    }
  }
  return { line, context, stripped, questionable };
}

/**
 * Normalised lines by start offset, shared by the reports of one scan: neighbouring reports read
 * the same lines (prefix, lines past the next report), which are then normalised once. Lines well
 * behind the scan are dropped, so the cache stays small however long the log is.
 */
class LineCache {
  private readonly map = new Map<number, Ln>();
  constructor(private readonly text: string) {}
  get(s: number, e: number): Ln {
    let l = this.map.get(s);
    if (l === undefined || (l.line.end as number) !== e) {
      l = toLn(normaliseLine(this.text, s, e));
      this.map.set(s, l);
    }
    return l;
  }
  /** Forget lines that start before `pos`. */
  prune(pos: number): void {
    for (const k of this.map.keys()) {
      if (k >= pos) break;
      this.map.delete(k);
    }
  }
}

function linesBetween(text: string, from: number, to: number, cache: LineCache): Ln[] {
  const out: Ln[] = [];
  let s = from;
  while (s < to) {
    let e = text.indexOf("\n", s);
    if (e < 0 || e > to) e = to;
    out.push(cache.get(s, e));
    s = e + 1;
  }
  return out;
}

/** Properties of the whole log, computed once per call rather than once per report. */
interface LogFacts {
  suppressed: boolean;
  hangup: boolean;
  /** Offset of the last `Kernel panic - not syncing`, or -1. */
  lastPanic: number;
}

const literalCache = new Map<RegExp, string>();
/** The plain-text start of a pattern (up to its first special character, unescaping `\(` etc.). */
export function literalPrefix(re: RegExp): string {
  let lit = literalCache.get(re);
  if (lit === undefined) {
    lit = "";
    const src = re.source;
    let i = 0;
    let last = 0; // length of `lit` before its last character was added
    for (; i < src.length; i++) {
      const c = src[i]!;
      if (c === "\\" && i + 1 < src.length && /[^a-zA-Z0-9]/.test(src[i + 1]!)) {
        last = lit.length;
        lit += src[++i];
      } else if (".*+?()[]{}|^$\\".includes(c)) {
        break;
      } else {
        last = lit.length;
        lit += c;
      }
    }
    // A quantifier applies to the character before it, which then may not occur.
    if (/[*?{]/.test(src[i] ?? "")) lit = lit.slice(0, last);
    literalCache.set(re, lit);
  }
  return lit;
}

function logFacts(text: string): LogFacts {
  return {
    suppressed: SUPPRESSIONS.some((re) => {
      // Most patterns open with plain text: a substring search rules them out far faster than the
      // regular expression engine can scan a large log.
      const lit = literalPrefix(re);
      return (lit.length < 4 || text.includes(lit)) && re.test(text);
    }),
    hangup: text.includes(CONSOLE_HANGUP),
    lastPanic: text.lastIndexOf("Kernel panic - not syncing"),
  };
}

function extract(
  text: string,
  header: LogLine,
  oops: OopsKind,
  facts: LogFacts,
  cache: LineCache = new LineCache(text),
): { report: CrashReport; next: number } {
  const startPos = header.start as number;
  const head = toLn(header);
  const context = head.context;

  // Prefix: preceding lines of the same context.
  const maxPrefix = context.startsWith("T") ? 50 : 5;
  const beforeFrom = Math.max(0, startPos - WINDOW_BEFORE);
  const prefixFrom = beforeFrom === 0 ? 0 : text.indexOf("\n", beforeFrom) + 1;
  const prefix: string[] = [];
  if (startPos > 0) {
    for (const l of linesBetween(text, prefixFrom, startPos - 1, cache)) {
      if (l.context === context && l.stripped.length !== 0 && !l.questionable) {
        prefix.push(l.stripped);
        if (prefix.length > maxPrefix) prefix.shift();
      }
    }
  }

  const windowEnd = Math.min(text.length, startPos + WINDOW_AFTER);
  const minLines = header.text.includes("BUG: KMSAN:") ? 16 : 22;
  // Past the next report the scan goes on for a bounded number of lines: with a task caller tag, this
  // task's later lines still belong to the report (lockdep's held-locks dump of a hung task runs
  // long); without one, the corruption checks still read them. The bounds keep a log with thousands
  // of crashes linear.
  const linesAfterNext = context.startsWith("T") ? 500 : 100;

  let secondReport = -1;
  let nextStart = windowEnd + 1;
  let afterNext = 0;
  let textLines = 0;
  let skipText = false;
  let cpuTraceback = false;
  let endPos = header.end as number;
  let lastOwn = header.end as number;
  let ended = false;
  const report: string[] = [];
  let reportEnd = 0;
  for (let pos = startPos, i = 0; pos < windowEnd || i === 0; i++) {
    let e = text.indexOf("\n", pos);
    if (e < 0 || e > windowEnd) e = windowEnd;
    const l = i === 0 ? head : cache.get(pos, e);
    pos = e + 1;
    if (secondReport >= 0 && afterNext++ >= linesAfterNext) break;
    // A report never continues into the next boot, nor beyond a length no report reaches.
    if (i > 0 && (i >= MAX_REPORT_LINES || l.line.text.startsWith("Linux version "))) {
      // The search for the next report resumes at this line.
      if (secondReport < 0) nextStart = l.line.start as number;
      break;
    }
    const t = l.line.text;
    const isHead = i === 0;
    const o = isHead ? oops : matchOops(t);
    if (o !== undefined) endPos = l.line.end;
    if (!isHead && secondReport < 0) {
      if (
        (o !== undefined && o.banner !== true && !matchesAny(t, REPORT_START_IGNORES)) ||
        INFO_MESSAGES_WITH_STACK.some((p) => t.includes(p))
      ) {
        secondReport = i;
        nextStart = l.line.start as number;
      }
    }
    if (!isHead && (l.questionable || (l.context !== context && !(cpuTraceback && l.context.startsWith("C"))))) {
      continue;
    }
    textLines++;
    let skipLine = skipText;
    if (t.includes("Disabling lock debugging due to kernel taint")) {
      skipLine = true;
    } else if (t.includes("Sending NMI from CPU")) {
      cpuTraceback = true;
    } else if (textLines > minLines && PANIC_TAIL_MARKERS.some((p) => t.includes(p))) {
      skipText = true;
      skipLine = true;
    }
    if (secondReport < 0 && !ended) {
      lastOwn = l.line.end;
      if (END_MARKERS.some((p) => t.includes(p))) ended = true;
    }
    if (!isHead && skipLine) continue;
    report.push(l.stripped);
    if (secondReport < 0 || (context !== "" && context !== "console")) reportEnd = report.length;
  }

  let body = joinLines(report.slice(0, reportEnd));
  let prefixLines = prefix;
  let d = describe(body, oops);
  let full = body === "" ? "" : joinLines(report);
  if (d.title === "") {
    // The context filter left nothing recognisable: fall back to the raw text of the report span.
    prefixLines = [];
    body = text.slice(startPos, endPos);
    d = describe(body, oops);
    full = body;
  }
  if (d.title === "") d = { ...d, title: header.text.slice(header.text.indexOf(oops.header)) };
  const prefixText = joinLines(prefixLines);
  const fullReport = prefixText + full;

  let corrupted = d.corrupted !== "";
  let reason = d.corrupted;
  if (!corrupted) [corrupted, reason] = checkCorrupted(d.title, full, d.format);

  const title = normaliseTitle(d.title);
  const altTitles = d.altTitles.map(normaliseTitle);
  if (facts.hangup && !corrupted) {
    corrupted = true;
    reason = "console connection lost";
  }
  const signature: Signature = { title, altTitles, corrupted };
  const type = titleType(title);
  if (type !== undefined) signature.type = type;
  const frame = titleFrame(title);
  if (frame !== undefined) signature.frame = frame;
  if (corrupted && reason !== "") signature.corruptedReason = reason;

  const exec = EXECUTOR.exec(fullReport);
  const result: CrashReport = {
    start: textOffset(startPos),
    end: textOffset(lastOwn),
    headerLine: header.text,
    context,
    signature,
    suppressed: facts.suppressed,
    panicked: facts.lastPanic >= startPos,
    report: fullReport,
    reportPrefixLength: prefixText.length,
  };
  if (exec !== null) result.executor = { proc: Number(exec[1]), id: Number(exec[2]) };
  return { report: result, next: nextStart };
}

function joinLines(lines: string[]): string {
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}

// --- title extraction ---------------------------------------------------------------------------

interface Description {
  title: string;
  altTitles: string[];
  corrupted: string;
  format?: TitleFormat;
}

interface Frame {
  canonical: string;
  raw: string;
}

function fill(fmt: string, args: string[]): string {
  return fmt.replace(/\{(\d+)\}/g, (_, n: string) => args[Number(n) - 1] ?? "");
}

/**
 * Build the title of `report` with the formats of `oops`: the format whose `title` matches earliest
 * wins; among formats matching at the same place, the first that fully succeeds.
 */
export function describe(report: string, oops: OopsKind): Description {
  let startPos = report.length;
  let title = "";
  let corrupted = "";
  let format: TitleFormat | undefined;
  let matchedTitle = false;
  // Alternative titles accumulate over every format that produced a title, as syzkaller's do.
  const alts: string[] = [];
  for (const f of oops.formats) {
    let m = f.title.exec(report);
    if (m === null || m.index > startPos) continue;
    if (m.index === startPos && title !== "") continue;
    if (m.index < startPos) {
      title = "";
      format = undefined;
      startPos = m.index;
    }
    matchedTitle = true;
    if (f.report !== undefined) {
      m = f.report.exec(report);
      if (m === null) continue;
    }
    const captured = m.slice(1).map((g) => g ?? "");
    let frames: Frame[] = [];
    corrupted = "";
    if (f.stack !== undefined) {
      const r = extractFrames(f.stack, report.slice(m.index));
      frames = r.frames;
      if (!r.ok) corrupted = CORRUPTED_NO_FRAMES;
    }
    const args = [...captured, ...frames.map((x) => x.canonical)];
    title = fill(f.fmt, args);
    for (const a of f.alt ?? []) alts.push(fill(a, args));
    // Also the titles with the raw frame and with each syscall prefix stripped on its own, so that
    // reports from kernels with different syscall wrappers still meet.
    for (const seq of partiallyStripped(captured, frames)) {
      const t = fill(f.fmt, seq);
      if (t !== title) alts.push(t);
      for (const a of f.alt ?? []) alts.push(fill(a, seq));
    }
    format = f;
  }
  if (title === "") {
    if (matchedTitle) corrupted = "matched title but not report regexp";
    const pos = report.indexOf(oops.header);
    if (pos >= 0) {
      let end = report.indexOf("\n", pos);
      if (end < 0) end = report.length;
      title = report.slice(pos, end);
    }
  }
  if (corrupted === "" && format?.corrupted === true) corrupted = "report format is marked as corrupted";
  const d: Description = { title, altTitles: [...new Set(alts)], corrupted };
  if (format !== undefined) d.format = format;
  return d;
}

function partiallyStripped(captured: string[], frames: Frame[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i <= STRIP_FRAME_PREFIXES.length; i++) {
    const prefix = i === 0 ? "" : STRIP_FRAME_PREFIXES[i - 1]!;
    let add = i === 0;
    const list: string[] = [];
    for (const f of frames) {
      const t = prefix !== "" && f.raw.startsWith(prefix) ? f.raw.slice(prefix.length) : f.raw;
      if (t !== f.raw) add = true;
      list.push(t);
    }
    if (add) out.push([...captured, ...list]);
  }
  return out;
}

function stripFrame(frame: string): string {
  let best = frame;
  for (const p of STRIP_FRAME_PREFIXES) {
    if (frame.startsWith(p) && frame.length - p.length < best.length) best = frame.slice(p.length);
  }
  return best;
}

/**
 * Frames a rule skips: `SKIP_FRAMES` plus the rule's own. An unanchored alternation matches when one
 * of its halves does, so the long shared half is one RegExp for all rules (compiling a 3 KB pattern
 * costs milliseconds, once per distinct RegExp), and the rule's few extras another. Frame names
 * repeat across a log's crashes: the verdict per name is remembered, bounded so memory stays flat.
 */
interface Skip {
  extra: RegExp | undefined;
  memo: Map<string, boolean>;
}
const SKIP_SHARED = new RegExp(SKIP_FRAMES.join("|"));
const SKIP_MEMO_MAX = 4096;
const skipCache = new WeakMap<StackRule, Skip>();
function skipPattern(rule: StackRule): Skip {
  let r = skipCache.get(rule);
  if (r === undefined) {
    const extra = rule.skip ?? [];
    r = { extra: extra.length > 0 ? new RegExp(extra.join("|")) : undefined, memo: new Map() };
    skipCache.set(rule, r);
  }
  return r;
}
function skipped(skip: Skip, f: string): boolean {
  let v = skip.memo.get(f);
  if (v === undefined) {
    v = SKIP_SHARED.test(f) || skip.extra?.test(f) === true;
    if (skip.memo.size >= SKIP_MEMO_MAX) skip.memo.clear();
    // A copy as the key: `f` may be a view into the report, which would keep the report alive.
    skip.memo.set(` ${f}`.slice(1), v);
  }
  return v;
}

function extractFrames(rule: StackRule, report: string): { frames: Frame[]; ok: boolean } {
  const skip = skipPattern(rule);
  const pick = (raw: string[]): Frame => {
    if (raw.length === 0) return { canonical: "", raw: "" };
    const stripped = raw.map(stripFrame);
    if (rule.extractor === undefined) return { canonical: stripped[0]!, raw: raw[0]! };
    const [frame, idx] = rule.extractor(stripped);
    return frame !== "" ? { canonical: frame, raw: raw[idx]! } : { canonical: "", raw: "" };
  };
  const r = walkParts(rule.parts, report, skip, pick);
  if (r.ok || rule.parts2 === undefined) return r;
  return walkParts(rule.parts2, report, skip, pick);
}

function addFrames(frames: string[], m: RegExpExecArray | null, skip: Skip): void {
  if (m === null) return;
  for (let i = 1; i < m.length; i++) {
    const g = m[i];
    if (g === undefined) continue;
    // Rust and C++ frames are compared and printed demangled, as on syzbot.
    const f = demangle(g);
    if (!skipped(skip, f)) frames.push(f);
  }
}

/**
 * Walk the stack rule's parts over the report's lines. A pattern part consumes lines up to and
 * including its first match (its captures are frames); a `STACK` part takes frames from every line
 * up to the next stack start, or up to a line matching the part after it. Each `STACK` part (and the
 * end) closes a group of frames, of which one is picked; an empty group is `corrupted`.
 */
function walkParts(parts: StackPart[], report: string, skip: Skip, pick: (raw: string[]) => Frame) {
  const lines = report.split("\n");
  let li = 0;
  let raw: string[] = [];
  const frames: Frame[] = [];
  let ok = true;
  let stacks = 0;
  for (let pi = 0; ; pi++) {
    if (pi === parts.length || (parts[pi] === STACK && stacks > 0)) {
      let f = pick(raw);
      if (f.canonical === "") {
        f = { canonical: "corrupted", raw: "corrupted" };
        ok = false;
      }
      frames.push(f);
      raw = [];
    }
    if (pi === parts.length) break;
    const part = parts[pi]!;
    if (part === STACK) {
      stacks++;
      while (li < lines.length) {
        const ln = lines[li++]!;
        if (matchesAny(ln, CORRUPTED_LINES)) {
          ok = false;
          break;
        }
        if (matchesAny(ln, STACK_STARTS)) break;
        const nextPart = parts[pi + 1];
        if (nextPart !== undefined && nextPart !== STACK) {
          const m = nextPart.exec(ln);
          if (m !== null) {
            addFrames(raw, m, skip);
            pi++;
            break;
          }
        }
        let m: RegExpExecArray | null = null;
        for (const fr of FRAME_LINES) {
          m = fr.exec(ln);
          if (m !== null) break;
        }
        addFrames(raw, m, skip);
      }
    } else {
      while (li < lines.length) {
        const ln = lines[li++]!;
        if (matchesAny(ln, CORRUPTED_LINES)) {
          ok = false;
          break;
        }
        const m = part.exec(ln);
        if (m === null) continue;
        addFrames(raw, m, skip);
        break;
      }
    }
  }
  return { frames, ok };
}

/**
 * Corruption checks after a title was built: a timestamp inside the title (lines merged mid-way),
 * or — for reports that should carry one — a missing call trace, or one without frames.
 */
function checkCorrupted(title: string, report: string, format: TitleFormat | undefined): [boolean, string] {
  if (CORRUPTED_TITLE.test(title)) return [true, "title matches corrupted regexp"];
  if (format === undefined || format.noStackTrace === true) return [false, ""];
  let hasStack = false;
  for (const key of STACK_STARTS) {
    const m = key.exec(report);
    if (m === null) continue;
    const frames = report.slice(m.index).split("\n");
    if (frames.length < 4) return [true, "call trace is missed"];
    let corrupted = true;
    for (let i = 1; i < 16 && i < frames.length; i++) {
      const ln = frames[i]!;
      if (matchesAny(ln, STACK_STARTS)) break;
      if (ln.includes("(stack is not available)") || matchesAny(ln, FRAME_LINES)) {
        hasStack = true;
        corrupted = false;
        break;
      }
    }
    if (key !== RISCV_STACK_START && corrupted) return [true, "no frames in a stack trace"];
  }
  if (!hasStack) return [true, "no stack trace in report"];
  return [false, ""];
}
