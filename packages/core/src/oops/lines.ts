/**
 * Log-line normalisation: turns raw console text (serial capture, `dmesg`, `journalctl`, syslog,
 * pstore, netconsole, a paste from a bug tracker) into `LogLine`s whose `text` is what the kernel's
 * printk wrote, with the position of the raw line in the original string kept as `TextOffset`s.
 *
 * What is removed from each line, and what is kept as data:
 * - every `\r` (CRLF logs, serial consoles that echo `\r\r\n`) and ANSI/VT100 escape sequences;
 * - a `/dev/kmsg` record head `PRI,SEQ,USEC,FLAGS;` (Documentation/ABI/testing/dev-kmsg) → `level`,
 *   `time`;
 * - a syslog / journal prefix: `Nov 25 10:00:00 host kernel: ` (RFC 3164 and `journalctl -o short`,
 *   optionally with `.usec`), or an RFC 3339 stamp `2026-11-25T10:00:00.123+00:00 host kernel: `
 *   (`journalctl -o short-iso[-precise]`, rsyslog) → `ident` (`kernel`, or another program's name);
 * - `dmesg -x` decoration `kern  :warn  : ` → `level`;
 * - a printk level `<4>` (console output with `printk.console_loglevel` headers, pstore) → `level`;
 * - the printk timestamp `[   12.345678]` (CONFIG_PRINTK_TIME) → `time` in seconds, or the
 *   `dmesg -T` wall-clock form `[Wed Nov 25 10:00:00 2026]` → `wallTime`;
 * - the caller tag `[ T123]` / `[  C1]` (CONFIG_PRINTK_CALLER, printed right after the timestamp) →
 *   `caller` as `T123` / `C1`, so a consumer can separate lines of interleaved tasks and CPUs.
 * - mail quoting `> `, `>> `, `> > ` (an oops quoted in a reply on a mailing list or a bug tracker)
 *   → `quote` (the depth). printk never starts a message with `>`, so a leading `>` is always a
 *   quote mark; one space after each mark is the quoting's own and is removed with it.
 * After a timestamp or caller tag the kernel prints exactly one space; only that one is removed, so
 * the indentation the kernel gives to stack frames and register rows survives.
 *
 * The input is an already-decoded string (the CLI decodes bytes with U+FFFD replacement), so
 * non-UTF-8 input arrives here as replacement characters and needs no special care. The scanner
 * does no per-character work on plain lines: prefixes are tried with sticky regular expressions only
 * when the first character can start one, and `\r` / ESC removal only runs when the line contains
 * them. `node bench/lines.mjs` measures it (figures in bench/README.md).
 */

import { type TextOffset, textOffset } from "../types.js";

/** One line of console text with its decorations stripped. */
export interface LogLine {
  /** The message as printk wrote it: prefixes, `\r` and ANSI escapes removed. */
  text: string;
  /** Offset of the first character of the raw line in the input. */
  start: TextOffset;
  /** Offset just past the last character of the raw line (the `\n` is not part of the line). */
  end: TextOffset;
  /**
   * Offset in the input where the message proper begins (after the stripped prefixes). When the
   * line held `\r` or ANSI escapes inside the message, offsets into `text` no longer map 1:1 beyond
   * this point.
   */
  bodyStart: TextOffset;
  /** Seconds since boot from the `[ 12.345678]` stamp or the `/dev/kmsg` record. */
  time?: number;
  /** `dmesg -T` wall-clock stamp, verbatim (e.g. `Wed Nov 25 10:00:00 2026`). */
  wallTime?: string;
  /** Syslog / journal wall-clock stamp, verbatim. */
  syslogTime?: string;
  /** Foreign text before the stamp on the same console line (a `host login: ` prompt, a printk-dropped notice). */
  interleaved?: string;
  /** Syslog host name, when a syslog prefix was present. */
  host?: string;
  /** Syslog identifier (`kernel` for kernel messages), when a syslog prefix was present. */
  ident?: string;
  /** CONFIG_PRINTK_CALLER tag: `T<pid>` for a task, `C<cpu>` for a CPU in interrupt context. */
  caller?: string;
  /** printk log level 0 (emerg) … 7 (debug), from `<N>`, `/dev/kmsg` or `dmesg -x`. */
  level?: number;
  /** Mail quoting depth: how many `>` marks preceded the line (absent when none). */
  quote?: number;
}

// `PRI,SEQ,USEC,FLAGS[,more];message` — the record head of /dev/kmsg reads.
const KMSG = /(\d{1,4}),\d+,(\d+),[^;,]*(?:,[^;]*)?;/y;
// RFC 3164 (`Nov 25 10:00:00`, optional fraction from journalctl -o short-precise) or RFC 3339
// (`2026-11-25T10:00:00.123456+00:00`, `…+0000`, `…Z`), then host, then `ident[pid]: `.
const SYSLOG =
  /((?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d\d:\d\d:\d\d(?:\.\d+)?|\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?) (\S+) ([^\s:[\]]+)(?:\[\d+\])?: ?/y;
// `dmesg -x`: facility and level names padded to a column.
const DMESG_X =
  /(?:kern|user|mail|daemon|auth|syslog|lpr|news|uucp|cron|authpriv|ftp|local[0-7]) *:(emerg|alert|crit|err|warn|notice|info|debug) *: ?/y;
const DMESG_X_LEVELS = ["emerg", "alert", "crit", "err", "warn", "notice", "info", "debug"];
// `<4>`; syslog-style PRI values above 7 carry a facility in the high bits.
const LEVEL = /<(\d{1,3})>/y;
// `dmesg -T`: `[Wed Nov 25 10:00:00 2026]`.
const WALL =
  /\[((?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d\d:\d\d:\d\d \d{4})\] ?/y;
// CSI sequences (`ESC [ params intermediates final`), OSC strings up to BEL/ST, and two-byte escapes.
const ANSI = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])/g;

function skipSpaces(s: string, i: number): number {
  while (s.charCodeAt(i) === 32) i++;
  return i;
}

/** `[ *digits.digits]` at `i`: the offset just past `]`, or -1. */
function scanStamp(s: string, i: number, end: number): number {
  let j = skipSpaces(s, i + 1);
  const d0 = j;
  while (j < end && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) j++;
  if (j === d0 || j >= end || s.charCodeAt(j) !== 46 /* . */) return -1;
  const f0 = ++j;
  while (j < end && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) j++;
  if (j === f0 || j >= end || s.charCodeAt(j) !== 93 /* ] */) return -1;
  return j + 1;
}

/** `[ *T123]` or `[ *C1]` at `i`: the offset just past `]`, or -1. */
function scanCaller(s: string, i: number, end: number): number {
  if (i >= end || s.charCodeAt(i) !== 91) return -1;
  let j = skipSpaces(s, i + 1);
  const c = s.charCodeAt(j);
  if (c !== 84 /* T */ && c !== 67 /* C */) return -1;
  const d0 = ++j;
  while (j < end && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) j++;
  if (j === d0 || j >= end || s.charCodeAt(j) !== 93) return -1;
  return j + 1;
}

// The next ` login: ` at or after a position, remembered per input: a forward scan of a log then
// searches the text once in all, instead of once per line. A caller that steps back (reading the
// lines before a crash) gets a search bounded to the line instead, so it never rescans the log.
let loginInput: string | undefined;
let loginFrom = 0;
let loginAt = -1;
function nextLogin(s: string, j: number, end: number): number {
  if (loginInput === s && j < loginFrom) return loginInLine(s, j, end);
  if (loginInput !== s || (loginAt >= 0 && loginAt < j)) {
    loginInput = s;
    loginFrom = j;
    loginAt = s.indexOf(" login: ", j);
  }
  return loginAt;
}

function loginInLine(s: string, j: number, end: number): number {
  for (let k = j; k + 8 <= end; k++) {
    if (s.charCodeAt(k) === 108 /* l */ && s.startsWith("login: ", k) && k > j && s.charCodeAt(k - 1) === 32)
      return k - 1;
  }
  return -1;
}
const DROPPED = /\*\* \d+ printk messages dropped \*\* /y;

/** End of a getty prompt or dropped-messages notice that precedes a `[ stamp]` at `i`, or `i`. */
function interleavedPrefix(s: string, i: number, end: number): number {
  let j = i;
  if (s.charCodeAt(j) === 42 /* * */ && at(DROPPED, s, j, end) !== null) j = DROPPED.lastIndex;
  const k = nextLogin(s, j, end);
  if (k >= 0 && k < end && scanStamp(s, k + 8, end) > 0) return k + 8;
  return j < end && s.charCodeAt(j) === 91 && scanStamp(s, j, end) > 0 ? j : i;
}

function at(re: RegExp, s: string, i: number, end: number): RegExpExecArray | null {
  re.lastIndex = i;
  const m = re.exec(s);
  // A match must not run past the end of the line (the patterns never cross `\n`, but `end` can
  // stop short of it when the caller normalises a sub-range).
  return m !== null && re.lastIndex <= end ? m : null;
}

/** Remove `\r` and ANSI escapes from a piece of text. */
export function cleanLineText(s: string): string {
  let t = s;
  if (t.includes("\r")) t = t.replaceAll("\r", "");
  if (t.includes("\x1b")) t = t.replace(ANSI, "");
  return t;
}

/**
 * Normalise the raw line `input.slice(start, end)` (no `\n` inside). Prefixes are peeled in the order
 * tools add them from the outside in: kmsg record head or syslog prefix, `dmesg -x` decoration,
 * `<N>` level, timestamp, caller tag. Each kind is taken at most once.
 */
export function normaliseLine(input: string, start: number, end: number): LogLine {
  let i = start;
  // Leading `\r` and escape sequences (colour resets before the stamp) come off first.
  while (i < end) {
    const c = input.charCodeAt(i);
    if (c === 13) {
      i++;
    } else if (c === 27) {
      ANSI.lastIndex = i;
      const m = ANSI.exec(input);
      if (m === null || m.index !== i) break;
      i = ANSI.lastIndex;
    } else {
      break;
    }
  }
  // Mail quote marks come off before anything else: `> ` was added by the mail client, outside
  // whatever the log already carried. Each mark takes at most one following space or tab.
  let quote = 0;
  while (i < end && input.charCodeAt(i) === 62 /* > */) {
    quote++;
    i++;
    const c = input.charCodeAt(i);
    if (i < end && (c === 32 || c === 9)) i++;
  }
  const line: LogLine = { text: "", start: textOffset(start), end: textOffset(end), bodyStart: textOffset(i) };
  if (quote > 0) line.quote = quote;
  // Text that another writer put on the console line before the kernel's stamp: a getty prompt
  // (`syzkaller login: [  16.3] INFO: …`) or printk's `** 5 printk messages dropped ** `.
  const c0 = input.charCodeAt(i);
  if (c0 !== 91 && c0 !== 60 && i < end) {
    const j = interleavedPrefix(input, i, end);
    if (j > i) {
      line.interleaved = input.slice(i, j);
      i = j;
    }
  }
  let sawSyslog = false;
  let sawLevel = false;
  let sawStamp = false;
  let sawCaller = false;
  for (;;) {
    if (i >= end) break;
    const c = input.charCodeAt(i);
    if (c === 91 /* [ */) {
      // The two common forms are parsed by hand: they are on nearly every line of a log.
      if (!sawStamp) {
        const j = scanStamp(input, i, end);
        if (j > 0) {
          sawStamp = true;
          line.time = Number(input.slice(skipSpaces(input, i + 1), j - 1));
          i = j;
          const k = scanCaller(input, i, end);
          if (k > 0) {
            sawCaller = true;
            line.caller = input.slice(skipSpaces(input, i + 1), k - 1);
            i = k;
          }
          if (i < end && input.charCodeAt(i) === 32) i++;
          continue;
        }
      }
      if (!sawCaller) {
        const k = scanCaller(input, i, end);
        if (k > 0) {
          sawCaller = true;
          line.caller = input.slice(skipSpaces(input, i + 1), k - 1);
          i = k;
          if (i < end && input.charCodeAt(i) === 32) i++;
          continue;
        }
      }
      const w = sawStamp ? null : at(WALL, input, i, end);
      if (w !== null) {
        sawStamp = true;
        line.wallTime = w[1]!;
        i = WALL.lastIndex;
        continue;
      }
      break;
    }
    if (c === 60 /* < */) {
      const m = sawLevel ? null : at(LEVEL, input, i, end);
      if (m !== null) {
        sawLevel = true;
        line.level = Number(m[1]) & 7;
        i = LEVEL.lastIndex;
        continue;
      }
      break;
    }
    // The outer decorations (kmsg head, syslog, dmesg -x) never follow a level or a stamp.
    if (sawStamp || sawLevel || sawSyslog) break;
    if (c >= 48 && c <= 57 /* 0-9 */) {
      const k = at(KMSG, input, i, end);
      if (k !== null) {
        // A kmsg record carries its own time; a `[ stamp]` inside the message is message text.
        sawSyslog = sawLevel = sawStamp = true;
        line.level = Number(k[1]) & 7;
        line.time = Number(k[2]) / 1e6;
        i = KMSG.lastIndex;
        continue;
      }
    }
    if ((c >= 48 && c <= 57) || (c >= 65 && c <= 83) /* digits: RFC 3339; A-S: month names */) {
      const m = at(SYSLOG, input, i, end);
      if (m !== null) {
        sawSyslog = true;
        line.syslogTime = m[1]!;
        line.host = m[2]!;
        line.ident = m[3]!;
        i = SYSLOG.lastIndex;
        continue;
      }
      break;
    }
    if (c >= 97 && c <= 108 /* a-l: dmesg -x facility names */) {
      const m = at(DMESG_X, input, i, end);
      if (m !== null) {
        sawLevel = true;
        line.level = DMESG_X_LEVELS.indexOf(m[1]!);
        i = DMESG_X.lastIndex;
        continue;
      }
    }
    break;
  }
  line.bodyStart = textOffset(i);
  line.text = cleanLineText(input.slice(i, end));
  return line;
}

/**
 * Call `visit` for every line of `input` from offset `from` (default 0), in order. Returning `false`
 * from `visit` stops the scan. Lines are separated by `\n`; a last line without `\n` is included, an
 * empty input has no lines. Nothing is retained, so memory stays flat however long the input is.
 */
export function scanLogLines(input: string, visit: (line: LogLine) => boolean | undefined, from = 0): void {
  const n = input.length;
  let s = from;
  while (s < n) {
    let e = input.indexOf("\n", s);
    if (e < 0) e = n;
    if (visit(normaliseLine(input, s, e)) === false) return;
    s = e + 1;
  }
}

/** Every line of `input`, normalised. Convenience over `scanLogLines` for inputs that fit in memory. */
export function splitLogLines(input: string): LogLine[] {
  const out: LogLine[] = [];
  scanLogLines(input, (l) => {
    out.push(l);
    return true;
  });
  return out;
}
