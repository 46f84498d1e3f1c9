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
 * Streaming: `createLogParser()` keeps a bounded window of text. When the window is full, every
 * report whose header lies before the last `tail` characters is extracted (its text and lookahead are
 * in the window, so a crash cut by a chunk boundary comes out whole), and the window slides, keeping
 * `overlap` characters of context before the cut. Memory is bounded by the window, not the log.
 */

import { findReports } from "../report/index.js";
import { type TextOffset, textOffset } from "../types.js";
import { AFTERMATH_START, extractCrash } from "./extract.js";
import { parseFrameLine, TRACE_START } from "./frames.js";
import { type LogLine, normaliseLine } from "./lines.js";
import type { Boot, Crash, ParsedLog, RebootLoop } from "./model.js";

export interface LogParserOptions {
  /** Characters of text held before extraction runs (default 8 Mi). */
  window?: number;
  /** Lookahead kept after the last header extracted in a window (default 2 Mi; a report reads ≤ 1 Mi ahead). */
  tail?: number;
  /** Context kept before the cut when the window slides (default 64 Ki, what a report looks back). */
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
  /^\s*\[<[0-9a-f]+>\]/,
];
const MAX_CRASH_LINES = 4000;
// Lines that open an oops on some architecture before the line the report finder keys on: MIPS prints
// `Data bus error, epc == …` / `Oops[#1]:` and the whole register dump before `Kernel panic`
// (arch/mips/kernel/traps.c die()); the crash starts at the first of them.
const OPENERS =
  /^(?:Oops\[#\d+\]|Oops(?: -)? ?[:[]|(?:Data|Instruction) bus error, epc ==|CPU \d+ Unable to handle|Unhandled kernel unaligned access|Reserved instruction in kernel code|Kernel bug detected\[#|Unable to handle kernel|Internal error: |kernel BUG at |BUG: |general protection fault|invalid opcode: |divide error: )/;
const LOOK_BACK_LINES = 200;
const MAX_GAP_AFTER_TRACE = 3;

interface PendingBoot {
  start: number;
  banner?: string;
  release?: string;
  time?: number;
  crashes: number[];
  secondsToCrash?: number;
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
    // Lines of another task or CPU interleaved by CONFIG_PRINTK_CALLER: not this crash's, unless
    // they are its panic or aftermath (printed from whatever context panic() ran in).
    if (line.caller !== undefined && context.length > 1 && line.caller !== context) {
      if (!PANIC.test(t) && !AFTERMATH_START.some((re) => re.test(t))) continue;
    }
    const crashLike = isCrashLike(t);
    if (TRACE_START.test(t)) seenTrace = true;
    else if (seenTrace && !traceEnded && !crashLike) traceEnded = true;
    if (traceEnded && !crashLike) {
      gap++;
      held.push(t);
      if (gap >= MAX_GAP_AFTER_TRACE) break;
      continue;
    }
    if (held.length > 0) {
      lines.push(...held);
      held = [];
    }
    gap = 0;
    lines.push(t);
    end = line.end;
  }
  return { lines, first: first ?? normaliseLine(text, start, start), end };
}

function median(xs: number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const a = [...xs].sort((x, y) => x - y);
  const mid = a.length >> 1;
  return a.length % 2 === 1 ? (a[mid] ?? 0) : ((a[mid - 1] ?? 0) + (a[mid] ?? 0)) / 2;
}

class StreamingParser implements LogParser {
  private buf = "";
  /** Absolute offset of `buf[0]`. */
  private base = 0;
  /** Absolute offset up to which boots were scanned and crashes emitted. */
  private done = 0;
  private readonly window: number;
  private readonly tail: number;
  private readonly overlap: number;
  private readonly boots: PendingBoot[] = [{ start: 0, crashes: [] }];
  private readonly crashes: Crash[] = [];
  private crashCount = 0;
  private lastCrashEnd = -1;
  private finished = false;

  constructor(private readonly opts: LogParserOptions) {
    this.window = Math.max(1024, opts.window ?? 8 << 20);
    this.tail = Math.max(256, Math.min(opts.tail ?? 2 << 20, this.window >> 1));
    this.overlap = Math.max(0, Math.min(opts.overlap ?? 64 << 10, this.window >> 2));
  }

  push(chunk: string): void {
    if (this.finished) return;
    if (chunk.length === 0) return;
    this.buf = this.buf.length === 0 ? chunk : this.buf + chunk;
    while (this.buf.length >= this.window) {
      let cut = this.buf.lastIndexOf("\n", this.buf.length - this.tail);
      if (cut <= this.done - this.base) cut = this.buf.length - this.tail;
      this.process(cut + 1, false);
    }
  }

  finish(): ParsedLog {
    if (!this.finished) {
      this.process(this.buf.length, true);
      this.finished = true;
    }
    return this.result();
  }

  /** Extract reports whose header lies before `cut` (relative), scan banners, slide the window. */
  private process(cut: number, final: boolean): void {
    const text = this.buf;
    const from = this.done - this.base;
    const reports = findReports(text).filter((r) => r.start >= from && (final || r.start < cut));
    let scanned = from;
    for (let k = 0; k < reports.length; k++) {
      const r = reports[k];
      if (!r) continue;
      // A report inside the previous crash's lines (its panic echo, an aftermath) is part of it.
      if (this.base + r.start < this.lastCrashEnd) continue;
      const start = this.openerBefore(text, r.start, Math.max(scanned, this.lastCrashEnd - this.base));
      this.scanBanners(text, scanned, start);
      const next = reports[k + 1]?.start ?? text.length;
      const nextBanner = text.indexOf(BANNER, r.start + 1);
      const limit = Math.min(next, nextBanner < 0 ? text.length : text.lastIndexOf("\n", nextBanner) + 1);
      const { lines, first, end } = crashLines(text, start, Math.max(limit, r.start), r.context);
      const fields = extractCrash(lines);
      const bootIndex = this.boots.length - 1;
      const boot = this.boots[bootIndex];
      if (boot && fields.kernel.release === undefined && boot.release !== undefined)
        fields.kernel.release = boot.release;
      const crash: Crash = {
        ...fields,
        signature: r.signature,
        boot: bootIndex,
        position: { start: textOffset(this.base + start), end: textOffset(this.base + end) },
        report: lines.join("\n"),
      };
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
      scanned = Math.max(r.start + 1, end);
    }
    const stop = final ? text.length : cut;
    this.scanBanners(text, scanned, Math.max(scanned, stop));
    this.done = Math.max(this.done, this.base + stop, this.lastCrashEnd);
    if (final) return;
    // Slide: keep `overlap` characters of context before what is done.
    const keepFrom = Math.max(0, Math.min(this.done - this.base, text.length) - this.overlap);
    const ls = keepFrom === 0 ? 0 : text.lastIndexOf("\n", keepFrom) + 1;
    this.buf = text.slice(ls);
    this.base += ls;
  }

  /**
   * The earliest oops-opening line in the `LOOK_BACK_LINES` lines before `at` (not before `floor`,
   * not across a boot banner), when the report finder keyed on a later line of the same oops.
   */
  private openerBefore(text: string, at: number, floor: number): number {
    let best = at;
    let e = at - 1;
    for (let n = 0; n < LOOK_BACK_LINES && e > floor; n++) {
      const s = Math.max(floor, text.lastIndexOf("\n", e - 1) + 1);
      const t = normaliseLine(text, s, e).text;
      if (t.includes(BANNER)) break;
      if (OPENERS.test(t)) best = s;
      e = s - 1;
    }
    return best;
  }

  /** Start a boot at every `Linux version` banner in [from, to) (relative offsets). */
  private scanBanners(text: string, from: number, to: number): void {
    let i = text.indexOf(BANNER, from);
    while (i >= 0 && i < to) {
      const s = text.lastIndexOf("\n", i - 1) + 1;
      let e = text.indexOf("\n", i);
      if (e < 0) e = text.length;
      const line = normaliseLine(text, s, e);
      const m = BANNER_RE.exec(line.text);
      if (m && this.base + s >= this.lastCrashEnd) {
        const cur = this.boots[this.boots.length - 1];
        const b: PendingBoot = { start: this.base + s, banner: line.text.trim(), release: m[1] ?? "", crashes: [] };
        if (line.time !== undefined) b.time = line.time;
        // Text before the first banner (boot loader output) belongs to the first boot.
        if (cur && cur.banner === undefined && cur.crashes.length === 0) {
          b.start = cur.start;
          this.boots[this.boots.length - 1] = b;
        } else this.boots.push(b);
      }
      i = text.indexOf(BANNER, e);
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
