/**
 * The log parser: turns console text — one paste or a 1 GB serial capture fed in chunks — into a
 * `ParsedLog`: the boots (split on the `Linux version` banner the kernel prints first at every boot,
 * init/version.c), every crash with its absolute position and extracted fields, and reboot loops
 * (consecutive boots that end in the same crash signature, with the median time from boot to crash).
 *
 * Crash reports are found by `report/` (syzbot-compatible headers and titles); this module bounds
 * each crash's own lines (its panic and the aftermath of the panic — an NMI-watchdog dump, "Chip soft
 * reset", "Rebooting in" — belong to it and never count as a second crash), extracts the fields
 * (`extract.ts`) and places the crash in its boot.
 *
 * Streaming: `createLogParser()` gathers chunks and parses them in passes. A pass handles every
 * crash whose text is complete — a boot banner follows it, or `lookAhead` characters have arrived
 * after its header — and stops at the first that is not, so a crash cut by a chunk boundary waits for
 * the next pass and comes out whole. Then the text before the stop point is dropped, except
 * `overlap` characters of context. Memory is bounded by the window plus one crash's look-ahead, not
 * by the log.
 */

import { INFO_MESSAGES_WITH_STACK, REPORT_START_IGNORES } from "../report/formats.js";
import { LINUX_OOPSES, matchOops, parseReport } from "../report/index.js";
import { type TextOffset, textOffset } from "../types.js";
import { AFTERMATH_START, extractCrash } from "./extract.js";
import { parseFrameLine, TRACE_START } from "./frames.js";
import { type LogLine, normaliseLine } from "./lines.js";
import type { Boot, Crash, ParsedLog, RebootLoop, Signature } from "./model.js";

export interface LogParserOptions {
  /** Characters of new text gathered before a parsing pass (default 64 Ki). */
  window?: number;
  /**
   * How far past a crash header the report finder may read (default 1 Mi, its own limit). Text after
   * an unfinished header is held until this much has arrived or a boot banner ends the crash.
   */
  lookAhead?: number;
  /**
   * Context kept before the cut when the window slides (default 64 Ki, what a report looks back); a
   * pass copies at most the last KEEP_LINES lines of it, all that is read before the cut.
   */
  overlap?: number;
  /** Called for each crash as soon as it is complete. */
  onCrash?: (crash: Crash) => void;
  /** Keep crashes in the final `ParsedLog` (default true); false keeps memory flat for huge logs. */
  keepCrashes?: boolean;
}

export interface LogParser {
  /** Feed the next piece of text (any size; chunk boundaries may fall anywhere, even inside a line). */
  push(chunk: string): void;
  /** Flush what is left and return the whole result. */
  finish(): ParsedLog;
}

const BANNER = "Linux version ";
const BANNER_RE = /\bLinux version (\S+)/;
const PANIC = /Kernel panic - not syncing/;
const END_TRACE = /^---\[ end (?:trace|Kernel panic)/;
// Lines that keep a crash going after its call trace ended.
const CRASH_LIKE: readonly RegExp[] = [
  PANIC,
  END_TRACE,
  TRACE_START,
  /^\s*(?:Code|Instruction dump|Krnl Code|Modules linked in|Last Breaking-Event-Address|irq event stamp|hardirqs|softirqs|CR2|RIP|EIP)\s*:/,
  /^\s*[\w$]{1,8}\s*:?\s*(?:0x)?[0-9a-f]{8,16}(?:\s|$)/, // register rows, also the NMI-watchdog `v0 0x…` dump
  /^\s*(?:[<(]?[0-9a-f]{8}[>)]?\s+){3,}/, // code / stack words
  /^\s*(?:[<(]?(?:[0-9a-f]{2}|[0-9a-f]{4}|[0-9a-f]{8})[>)]?\s+){4,}/, // a wrapped `Code:` line
  /^\s*<\/?[A-Z#]+>/, // stack-context markers
  /^\*\*\* /, // Octeon NMI watchdog banners
  /^\s*[#>*]?[0-9a-f]{8,16}: [0-9a-f]{4,12}\s/, // s390x `Krnl Code:` listing lines
  /^\s*\[<[0-9a-f]+>\]/,
];
const MAX_CRASH_LINES = 4000;
// panic() ends with `---[ end Kernel panic …` (kernel/panic.c) or `Rebooting in N seconds..`; the
// Octeon SDK's NMI handler with `*** Chip soft reset soon ***`.
const LAST_WORDS = /^(?:---\[ end Kernel panic|Rebooting in \d+ seconds|\*\*\* Chip soft reset soon \*\*\*)/;
// Lines that open an oops on some architecture before the line the report finder keys on: MIPS prints
// `Data bus error, epc == …` / `Oops[#1]:` and the whole register dump before `Kernel panic`
// (arch/mips/kernel/traps.c die()); the crash starts at the first of them. CONFIG_DEBUG_LIST prints
// `list_del corruption, … is LIST_POISON1 (…)` before its BUG()/WARN() (lib/list_debug.c): that
// message says what the trap is about, so it opens the crash too.
const OPENERS =
  /^(?:list_(?:add|del) corruption|Oops\[#\d+\]|Oops(?: -)? ?[:[]|(?:Data|Instruction) bus error, epc ==|CPU \d+ Unable to handle|Unhandled kernel unaligned access|Reserved instruction in kernel code|Kernel bug detected\[#|Unable to handle kernel|Internal error: |kernel BUG at |BUG: |general protection fault|invalid opcode: |divide error: )/;
const OPENERS_RAW = new RegExp(`(?:^|[\\]:>] )${OPENERS.source.slice(1)}`);
const LOOK_BACK_LINES = 200;
// Lines of context carried into a pass before the parsed point: `openerBefore` walks back at most
// LOOK_BACK_LINES lines from a header at or after that point, so more is never read (two lines of
// margin for the partial line the point may sit in). Copying less than `overlap` on short-line logs
// keeps the joined pass text small: strings over 128 KiB go to V8's large-object space, whose fresh
// pages cost several times a young-generation copy (bench/README.md).
const KEEP_LINES = LOOK_BACK_LINES + 2;
// The report finder reads at most this far after a header (its WINDOW_AFTER).
const LOOK_AHEAD = 1 << 20;
// Size of the pieces a pushed chunk is examined in.
const PIECE = 64 << 10;
// Every report header string of the table, as one scan.
const HEADERS = new RegExp(LINUX_OOPSES.map((o) => o.header.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g");

// Lines the report finder reads past the next report's header (its linesAfterNext), plus margin.
const REPORT_TAIL_LINES = 320;

/** Start of the line `n` lines before the one holding `pos` (0 when the text has fewer). */
function linesBefore(text: string, pos: number, n: number): number {
  let p = lineStart(text, pos);
  for (let k = 0; k < n && p > 0; k++) p = lineStart(text, p - 1);
  return p;
}

/** Offset after `n` more lines from `pos` (not beyond `max`). */
function linesAfter(text: string, pos: number, n: number, max: number): number {
  let p = pos;
  for (let k = 0; k < n && p < max; k++) {
    const e = text.indexOf("\n", p);
    if (e < 0) return max;
    p = e + 1;
  }
  return Math.min(p, max);
}

// An `Oops` line shortly after a header is the same oops's die() banner (x86 `BUG: unable to handle …`
// then `Oops: 0000 [#1] SMP`; MIPS `CPU 0 Unable to handle …` then `Oops[#1]:`), not a new crash.
const OOPS_BANNER = /^(?:Oops\b|Internal error: Oops)/;
const OOPS_BANNER_LINES = 24;

/** Start of the first line after `from` (before `to`) that opens an independent report, or `to`. */
function nextIndependentHeader(text: string, from: number, to: number): number {
  let pos = from;
  const bannerZone = linesAfter(text, from, OOPS_BANNER_LINES, to);
  for (;;) {
    HEADERS.lastIndex = pos;
    const m = HEADERS.exec(text);
    if (m === null || m.index >= to) return to;
    const ls = lineStart(text, m.index);
    let le = text.indexOf("\n", m.index);
    if (le < 0) le = text.length;
    pos = le + 1;
    const t = normaliseLine(text, ls, le).text;
    if (ls < bannerZone && OOPS_BANNER.test(t)) continue;
    if (matchOops(t) !== undefined && !REPORT_START_IGNORES.some((re) => re.test(t))) return ls;
    if (INFO_MESSAGES_WITH_STACK.some((p) => t.includes(p))) return ls;
  }
}
// Lines after the call trace that are not crash-like before the crash is closed (other tasks' printk
// output interleaves with a dump on a busy machine).
const MAX_GAP_AFTER_TRACE = 8;
const MAX_GAP_BEFORE_FRAMES = 32;

interface PendingBoot {
  start: number;
  banner?: string;
  release?: string;
  time?: number;
  crashes: number[];
  secondsToCrash?: number;
}

/**
 * Start of the line holding `pos` (the character after the previous `\n`, or 0). A backward
 * character walk: V8's `lastIndexOf` costs time in proportion to the position, not the distance.
 */
function lineStart(text: string, pos: number): number {
  let i = Math.min(pos, text.length) - 1;
  while (i >= 0 && text.charCodeAt(i) !== 10) i--;
  return i + 1;
}

/**
 * `text.indexOf(BANNER, pos)`, searched as its first word: V8 finds a needle this short by scanning
 * for its rare first character, faster on console text than its skip search for the whole banner,
 * whose last character (a space) is everywhere (measured 2.5x on the bench log).
 */
function indexOfBanner(text: string, pos: number): number {
  for (let i = text.indexOf("Linux ", pos); i >= 0; i = text.indexOf("Linux ", i + 1))
    if (text.startsWith(BANNER, i)) return i;
  return -1;
}

/** True when a boot banner starts in `prev` and ends in `next`. */
function bannerAcross(prev: string, next: string): boolean {
  const k = BANNER.length - 1;
  return `${prev.slice(-k)}${next.slice(0, k)}`.includes(BANNER);
}

function isCrashLike(text: string): boolean {
  if (text.trim() === "") return false;
  for (const re of CRASH_LIKE) if (re.test(text)) return true;
  return AFTERMATH_START.some((re) => re.test(text)) || parseFrameLine(text) !== undefined;
}

/** Bound a crash's own lines from its header at `start`: returns the lines and the end offset. */
function crashLines(
  text: string,
  start: number,
  limit: number,
  context: string,
): { lines: string[]; first: LogLine; end: number } {
  const lines: string[] = [];
  let first: LogLine | undefined;
  let end = start;
  let seenTrace = false;
  let traceEnded = false;
  let framesSeen = false;
  let gap = 0;
  let held: string[] = [];
  let s = start;
  while (s < limit && lines.length < MAX_CRASH_LINES) {
    let e = text.indexOf("\n", s);
    if (e < 0 || e > limit) e = limit;
    const line = normaliseLine(text, s, e);
    s = e + 1;
    if (first === undefined) {
      first = line;
      lines.push(line.text);
      end = line.end;
      continue;
    }
    const t = line.text;
    if (t.includes(BANNER) && BANNER_RE.test(t)) break;
    const crashLike = isCrashLike(t);
    // In a stamped log, a line without a stamp is either the continuation of a multi-line printk
    // (s390's `Krnl Code:` listing, a wrapped register row) or not printk output at all (a program
    // writing to the same console); only the former, which looks like dump content, is kept.
    if (first.time !== undefined && line.time === undefined && line.caller === undefined && !crashLike) continue;
    // Lines of another task or CPU interleaved by CONFIG_PRINTK_CALLER: not this crash's, unless
    // they are its panic or aftermath (printed from whatever context panic() ran in).
    if (line.caller !== undefined && context.length > 1 && line.caller !== context) {
      if (!PANIC.test(t) && !AFTERMATH_START.some((re) => re.test(t))) continue;
    }
    if (TRACE_START.test(t)) seenTrace = true;
    else if (seenTrace && !framesSeen && parseFrameLine(t) !== undefined) framesSeen = true;
    else if (framesSeen && !traceEnded && !crashLike) traceEnded = true;
    // Between `Call Trace:` and its first frame, or after the trace, other printk output may
    // interleave; a run of such lines longer than the allowance ends the crash.
    if (!crashLike && seenTrace && (traceEnded || !framesSeen)) {
      gap++;
      held.push(t);
      if (gap >= (traceEnded ? MAX_GAP_AFTER_TRACE : MAX_GAP_BEFORE_FRAMES)) break;
      continue;
    }
    if (held.length > 0) {
      lines.push(...held);
      held = [];
    }
    gap = 0;
    lines.push(t);
    end = line.end;
    // The last words of a dying kernel: nothing after them belongs to this crash.
    if (LAST_WORDS.test(t)) break;
  }
  return { lines, first: first ?? normaliseLine(text, start, start), end };
}

/**
 * A copy of `s` that does not share storage with the text it was cut from. V8 keeps substrings and
 * regex captures as views of their parent string; a crash holding such a view would keep the whole
 * parsing window alive, and memory would grow with the log.
 */
function own(s: string): string {
  // V8 makes views for substrings of 13 characters or more; shorter ones are always copies. Slicing
  // a fresh concatenation flattens it into a new string first, so the result is a view of that copy
  // only (a JSON round trip did the same at several times the cost, measured on the bench log).
  return s.length < 12 ? s : ` ${s}`.slice(1);
}

/** `own` every string inside a crash (objects and arrays walked; bigint, numbers, bytes kept). */
function detach<T>(v: T): T {
  if (typeof v === "string") return own(v) as T;
  if (Array.isArray(v)) return v.map((x) => detach(x)) as T;
  if (v !== null && typeof v === "object" && !(v instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = detach(x);
    return out as T;
  }
  return v;
}

function median(xs: number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const a = [...xs].sort((x, y) => x - y);
  const mid = a.length >> 1;
  return a.length % 2 === 1 ? (a[mid] ?? 0) : ((a[mid - 1] ?? 0) + (a[mid] ?? 0)) / 2;
}

class StreamingParser implements LogParser {
  private buf = "";
  private parts: string[] = [];
  private pending = 0;
  /** Absolute offset of `buf[0]`. */
  private base = 0;
  /** Absolute offset up to which boots were scanned and crashes emitted. */
  private done = 0;
  private readonly window: number;
  private readonly lookAhead: number;
  private readonly overlap: number;
  private readonly boots: PendingBoot[] = [{ start: 0, crashes: [] }];
  private readonly crashes: Crash[] = [];
  private crashCount = 0;
  private lastCrashEnd = -1;
  /** The last crash printed `Kernel panic - not syncing` and no boot banner has followed it yet. */
  private dying = false;
  private finished = false;
  private bannerText: string | undefined;
  private bannerFrom = 0;
  private bannerAt = -1;
  /**
   * Absolute line start of the header the last pass stopped at (incomplete), or -1. Until its boot
   * banner or its look-ahead arrives, another pass would stop at the same place, so text is only
   * gathered: no join, no scan.
   */
  private waitAt = -1;
  /** A boot banner arrived after the awaited header, but its line may not be complete yet. */
  private waitBanner = false;

  constructor(private readonly opts: LogParserOptions) {
    // 64 Ki: a pass joins the kept lines and the gathered text into one string, and above 128 KiB
    // V8 allocates strings in its large-object space, several times slower here (bench/README.md).
    this.window = Math.max(1, opts.window ?? 64 << 10);
    this.lookAhead = Math.max(1024, opts.lookAhead ?? LOOK_AHEAD);
    this.overlap = Math.max(0, opts.overlap ?? 64 << 10);
  }

  push(chunk: string): void {
    if (this.finished || chunk.length === 0) return;
    // Large chunks are taken in pieces (slices share the chunk's storage) so that the quiet parts
    // of a chunk holding one crash still skip the copy.
    if (chunk.length > PIECE) {
      for (let i = 0; i < chunk.length; i += PIECE) this.pushPiece(chunk.slice(i, i + PIECE));
      // What is kept of a large chunk is only its tail: copy it, so the chunk itself (a large
      // object V8 frees only in a full collection) is not kept alive by a view.
      if (this.parts.length === 0 && this.buf.length > 0) this.buf = ` ${this.buf}`.slice(1);
      this.bannerText = undefined;
      return;
    }
    this.pushPiece(chunk);
  }

  private pushPiece(chunk: string): void {
    if (this.waitAt >= 0) {
      const prev = this.parts.length > 0 ? (this.parts[this.parts.length - 1] ?? "") : this.buf;
      this.parts.push(chunk);
      this.pending += chunk.length;
      // The pass completes the awaited crash only once `lookAhead` characters follow its header or a
      // banner line does (see `process`); a banner may straddle the chunk boundary.
      if (!this.waitBanner && (chunk.includes(BANNER) || bannerAcross(prev, chunk))) this.waitBanner = true;
      const end = this.base + this.buf.length + this.pending;
      if (!this.waitBanner && end < this.waitAt + this.lookAhead) return;
      this.flush();
      this.process(false);
      return;
    }
    // Most of a console log is boot noise: a chunk without a crash header or boot banner, arriving
    // when nothing is pending, is only kept as look-back context — no copy, no pass.
    if (this.parts.length === 0 && this.quiet(chunk)) {
      this.skip(chunk);
      return;
    }
    // Chunks are gathered and joined once per pass (one copy of the new text plus the kept tail).
    this.parts.push(chunk);
    this.pending += chunk.length;
    if (this.pending < this.window) return;
    this.flush();
    this.process(false);
  }

  finish(): ParsedLog {
    if (!this.finished) {
      this.flush();
      this.process(true);
      this.finished = true;
    }
    return this.result();
  }

  /**
   * True when nothing in the buffer waits and `chunk` holds no crash header (nor does the line it
   * completes), and any boot banner in it sits on a line wholly inside it.
   */
  private quiet(chunk: string): boolean {
    const open = this.done - this.base;
    if (open < 0 || this.buf.indexOf("\n", Math.max(0, open)) >= 0) return false;
    HEADERS.lastIndex = 0;
    if (HEADERS.test(chunk)) return false;
    // The line cut by the previous chunk boundary, completed by this chunk.
    const nl = chunk.indexOf("\n");
    if (nl < 0) return false;
    const joined = this.buf.slice(Math.max(0, open)) + chunk.slice(0, nl);
    HEADERS.lastIndex = 0;
    if (HEADERS.test(joined) || joined.includes(BANNER)) return false;
    // A banner on the unfinished last line waits for its end.
    return !chunk.slice(lineStart(chunk, chunk.length)).includes(BANNER);
  }

  /** Take a quiet chunk: note its boot banners, keep the last `overlap` characters as context. */
  private skip(chunk: string): void {
    this.scanBanners(chunk, 0, chunk.length, this.base + this.buf.length);
    const whole = chunk.length >= this.overlap ? chunk : this.buf + chunk;
    const from = whole.length > this.overlap ? lineStart(whole, whole.length - this.overlap + 1) : 0;
    const consumed = this.buf.length + chunk.length - (whole.length - from);
    this.buf = whole.slice(from);
    this.base += consumed;
    this.done = Math.max(this.done, this.base + lineStart(this.buf, this.buf.length));
  }

  private flush(): void {
    if (this.parts.length === 0) return;
    // The kept context is a view until here; only what a pass can read of it is copied.
    const cut = linesBefore(this.buf, Math.min(Math.max(0, this.done - this.base), this.buf.length), KEEP_LINES);
    this.base += cut;
    this.buf = [this.buf.slice(cut), ...this.parts].join("");
    this.parts = [];
    this.pending = 0;
  }

  /**
   * One parsing pass over the buffer. Headers are found with one scan (the report table's header
   * strings); each report is read from a slice bounded by the next boot banner (a crash never
   * survives a reboot) and by the look-ahead, so the work per crash does not grow with the buffer.
   * Unless `final`, the pass stops before the first crash whose slice is not complete yet.
   */
  private process(final: boolean): void {
    const text = this.buf;
    this.bannerText = undefined;
    this.waitAt = -1;
    this.waitBanner = false;
    const from = this.done - this.base;
    let stop = final ? text.length : lineStart(text, text.length);
    let scanned = from;
    let pos = from;
    for (;;) {
      HEADERS.lastIndex = pos;
      const m = HEADERS.exec(text);
      if (m === null || m.index >= stop) break;
      const ls = lineStart(text, m.index);
      let le = text.indexOf("\n", m.index);
      if (le < 0) le = text.length;
      pos = le + 1;
      // A header inside the previous crash's lines (its panic echo, an aftermath) is part of it.
      if (this.base + ls < this.lastCrashEnd) continue;
      // After a panic and before the next boot the kernel is dying: a report printed there comes from
      // panic() itself (MIPS stops the other CPUs with smp_call_function(), which WARNs when called
      // with interrupts off, kernel/smp.c), so it is the crash's aftermath, not another crash.
      if (this.dying) {
        const b = this.bannerAfter(text, Math.max(0, this.lastCrashEnd - this.base));
        if (b < 0 || b > ls) continue;
        this.dying = false;
      }
      const nb = this.bannerAfter(text, le);
      const bannerLine = nb < 0 ? text.length : lineStart(text, nb);
      if (!final && bannerLine >= stop && ls + this.lookAhead > stop) {
        stop = ls; // not complete yet: wait for more text
        this.waitAt = this.base + ls;
        this.waitBanner = nb >= 0;
        break;
      }
      const headLine = normaliseLine(text, ls, le);
      if (matchOops(headLine.text) === undefined) continue;
      // The report finder reads on a bounded number of lines past the next report (REPORT_TAIL_LINES)
      // and keeps a few preceding lines as context: the slice gives it exactly that much.
      const windowEnd = Math.min(text.length, ls + this.lookAhead, bannerLine);
      const limit = nextIndependentHeader(text, le, windowEnd);
      // Past the next report only lines of the same task (caller tag `T…`) can still join this one.
      const taskTagged = headLine.caller?.startsWith("T") === true;
      const sliceEnd =
        limit >= windowEnd || !taskTagged ? Math.max(limit, le) : linesAfter(text, limit, REPORT_TAIL_LINES, windowEnd);
      // The finder's preceding context lines only feed its report text, not the signature: none needed.
      const sliceStart = ls;
      const r = parseReport(text.slice(sliceStart, sliceEnd), ls - sliceStart);
      if (r === undefined) continue;
      const rStart = sliceStart + (r.start as number);
      const start = this.openerBefore(text, rStart, Math.max(0, this.lastCrashEnd - this.base));
      this.scanBanners(text, scanned, start);
      const { lines, first, end } = crashLines(text, start, Math.max(limit, rStart), r.context);
      const signature = this.bestSignature(text, r.signature, le, end, windowEnd);
      const fields = extractCrash(lines);
      const bootIndex = this.boots.length - 1;
      const boot = this.boots[bootIndex];
      if (boot && fields.kernel.release === undefined && boot.release !== undefined)
        fields.kernel.release = boot.release;
      const crash: Crash = detach({
        ...fields,
        signature,
        boot: bootIndex,
        position: { start: textOffset(this.base + start), end: textOffset(this.base + end) },
        report: lines.join("\n"),
      });
      const index = this.crashCount++;
      if (boot) {
        boot.crashes.push(index);
        if (boot.secondsToCrash === undefined && first.time !== undefined) {
          boot.secondsToCrash = Math.max(0, first.time - (boot.time ?? 0));
        }
      }
      if (this.opts.keepCrashes !== false) this.crashes.push(crash);
      this.opts.onCrash?.(crash);
      this.lastCrashEnd = this.base + end;
      this.dying = lines.some((l) => PANIC.test(l));
      scanned = Math.max(start + 1, end);
      pos = Math.max(pos, end);
    }
    this.scanBanners(text, scanned, Math.max(scanned, stop));
    this.done = Math.max(this.done, this.base + stop, this.lastCrashEnd);
    if (final) return;
    // Drop what is done, keeping `overlap` characters of context (the report finder looks back).
    const keepFrom = Math.max(0, Math.min(this.done - this.base, text.length) - this.overlap);
    const ls = keepFrom === 0 ? 0 : lineStart(text, keepFrom + 1);
    this.buf = text.slice(ls);
    this.base += ls;
  }

  /**
   * The report finder may see two reports where the kernel printed one oops (a header, then the
   * `Oops[#1]` banner of the same die()). When the crash's own lines hold further report headers and
   * the first report's signature is corrupted, a later uncorrupted one names the crash better.
   */
  private bestSignature(text: string, sig: Signature, from: number, to: number, windowEnd: number): Signature {
    if (!sig.corrupted) return sig;
    let pos = from;
    for (;;) {
      HEADERS.lastIndex = pos;
      const m = HEADERS.exec(text);
      if (m === null || m.index >= to) return sig;
      const ls = lineStart(text, m.index);
      let le = text.indexOf("\n", m.index);
      if (le < 0) le = text.length;
      pos = le + 1;
      if (matchOops(normaliseLine(text, ls, le).text) === undefined) continue;
      const r = parseReport(text.slice(ls, Math.max(to, Math.min(windowEnd, le))), 0);
      if (r !== undefined && !r.signature.corrupted) return r.signature;
    }
  }

  /**
   * The next `Linux version ` at or after `pos`, remembered: a log with thousands of crashes and no
   * banner would otherwise search its whole tail once per crash.
   */
  private bannerAfter(text: string, pos: number): number {
    if (this.bannerText !== text || pos < this.bannerFrom || (this.bannerAt >= 0 && this.bannerAt < pos)) {
      this.bannerText = text;
      this.bannerFrom = pos;
      this.bannerAt = indexOfBanner(text, pos);
    }
    return this.bannerAt;
  }

  /**
   * The earliest oops-opening line in the `LOOK_BACK_LINES` lines before `at` (not before `floor`,
   * not across a boot banner), when the report finder keyed on a later line of the same oops.
   */
  private openerBefore(text: string, at: number, floor: number): number {
    // Raw lines are tested (no normalisation: this walks backwards, and the stamp prefix does not
    // matter for an unanchored test); a banner stops the walk.
    let best = at;
    let e = at - 1;
    for (let n = 0; n < LOOK_BACK_LINES && e > floor; n++) {
      const s = Math.max(floor, lineStart(text, e));
      const raw = text.slice(s, e);
      if (raw.includes(BANNER)) break;
      if (OPENERS_RAW.test(raw)) best = s;
      e = s - 1;
    }
    return best;
  }

  /** Start a boot at every `Linux version` banner in [from, to) (relative offsets). */
  private scanBanners(text: string, from: number, to: number, base = this.base): void {
    let i = this.bannerAfter(text, from);
    while (i >= 0 && i < to) {
      const s = lineStart(text, i);
      let e = text.indexOf("\n", i);
      if (e < 0) e = text.length;
      const line = normaliseLine(text, s, e);
      const m = BANNER_RE.exec(line.text);
      if (m && base + s >= this.lastCrashEnd) {
        this.dying = false;
        const cur = this.boots[this.boots.length - 1];
        const b: PendingBoot = {
          start: base + s,
          banner: own(line.text.trim()),
          release: own(m[1] ?? ""),
          crashes: [],
        };
        if (line.time !== undefined) b.time = line.time;
        // Text before the first banner (boot loader output) belongs to the first boot.
        if (cur && cur.banner === undefined && cur.crashes.length === 0) {
          b.start = cur.start;
          this.boots[this.boots.length - 1] = b;
        } else this.boots.push(b);
      }
      i = this.bannerAfter(text, e);
    }
  }

  private result(): ParsedLog {
    const total = this.base + this.buf.length;
    const boots: Boot[] = this.boots.map((b, i) => {
      const next = this.boots[i + 1];
      const boot: Boot = {
        position: { start: textOffset(b.start), end: textOffset(next ? next.start : total) as TextOffset },
        crashes: b.crashes,
      };
      if (b.banner !== undefined) boot.banner = b.banner;
      if (b.release !== undefined) boot.release = b.release;
      if (b.secondsToCrash !== undefined) boot.secondsToCrash = b.secondsToCrash;
      return boot;
    });
    // Without any banner and any crash, there is no boot to speak of.
    if (boots.length === 1 && this.boots[0]?.banner === undefined && this.crashCount === 0 && total === 0)
      boots.length = 0;
    return {
      boots,
      crashes: this.crashes,
      rebootLoops: findRebootLoops(boots, this.crashes, this.opts.keepCrashes !== false),
    };
  }
}

/**
 * Consecutive boots whose last crash has the same title form a reboot loop (two boots or more):
 * the machine died the same way each time it came up.
 */
export function findRebootLoops(boots: readonly Boot[], crashes: readonly Crash[], haveCrashes = true): RebootLoop[] {
  if (!haveCrashes) return [];
  const byIndex = new Map<number, Crash>();
  crashes.forEach((c, i) => {
    byIndex.set(i, c);
  });
  const loops: RebootLoop[] = [];
  let run: number[] = [];
  let title: string | undefined;
  const flush = (): void => {
    if (run.length >= 2 && title !== undefined) {
      const times = run.map((b) => boots[b]?.secondsToCrash).filter((t): t is number => t !== undefined);
      const loop: RebootLoop = { title, boots: run, count: run.length };
      const med = median(times);
      if (med !== undefined) loop.medianSecondsToCrash = med;
      loops.push(loop);
    }
    run = [];
    title = undefined;
  };
  boots.forEach((b, i) => {
    const last = b.crashes[b.crashes.length - 1];
    const t = last === undefined ? undefined : byIndex.get(last)?.signature.title;
    if (t === undefined) {
      flush();
      return;
    }
    if (t !== title) flush();
    title = t;
    run.push(i);
  });
  flush();
  return loops;
}

/** Create an incremental parser (see the file comment). */
export function createLogParser(options: LogParserOptions = {}): LogParser {
  return new StreamingParser(options);
}

/** Parse a whole log held in memory. */
export function parseLog(text: string, options: LogParserOptions = {}): ParsedLog {
  const p = createLogParser(options);
  p.push(text);
  return p.finish();
}
