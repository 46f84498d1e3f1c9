/**
 * Input reading for the CLI: a file path (or `-` for stdin) in, decoded text chunks out, streamed so a
 * 1 GB console log never sits in memory whole. Bytes are decoded as UTF-8 with U+FFFD replacement
 * (console captures carry stray non-UTF-8 bytes); before any text is handed on, the first 64 KiB are
 * checked for binary junk (NULs, control bytes, invalid UTF-8, ELF/gzip magic) → `E_INPUT_BINARY`.
 */

import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { OopsError } from "@oopscope/core";

/** How much of the head decides whether the input is text. */
export const SNIFF_BYTES = 64 * 1024;
/**
 * Default read size: 64 KiB. Measured end to end (read, decode, parse the 128 MB bench log) at
 * 123-132 MB/s, against 71-96 MB/s with 1 MiB reads (bench/README.md) — presumably because short-lived
 * strings this small stay in V8's young generation while 1 MiB ones are large objects in fresh memory.
 */
export const DEFAULT_CHUNK = 64 * 1024;

/**
 * Why a sample of bytes is not a console log, or undefined when it looks like text. Console text has
 * tabs, newlines, CRs, form feeds, backspaces and ANSI escapes; anything else below 0x20, DEL, NUL and
 * invalid UTF-8 counts as suspicious, and more than 30 % suspicious bytes is binary. Real captures do
 * carry some junk (syzkaller report 620 is 10 % NULs from a zeroed `Code:` buffer), hence the margin;
 * random bytes score about 50 %.
 */
export function binaryReason(sample: Uint8Array): string | undefined {
  if (sample.length === 0) return undefined;
  if (sample.length >= 4 && sample[0] === 0x7f && sample[1] === 0x45 && sample[2] === 0x4c && sample[3] === 0x46)
    return "this is an ELF file; give a kernel image or module with --vmlinux / --modules, and the console log as the input";
  if (sample.length >= 2 && sample[0] === 0x1f && sample[1] === 0x8b)
    return "this is gzip-compressed data; decompress it first, e.g. `zcat FILE | oopscope analyze -`";
  if (sample.length >= 4 && sample[0] === 0x28 && sample[1] === 0xb5 && sample[2] === 0x2f && sample[3] === 0xfd)
    return "this is zstd-compressed data; decompress it first, e.g. `zstdcat FILE | oopscope analyze -`";
  if (sample.length >= 6 && sample[0] === 0xfd && sample[1] === 0x37 && sample[2] === 0x7a && sample[3] === 0x58)
    return "this is xz-compressed data; decompress it first, e.g. `xzcat FILE | oopscope analyze -`";
  let nul = 0;
  let ctrl = 0;
  for (const b of sample) {
    if (b === 0) nul++;
    else if (
      (b < 0x20 && b !== 9 && b !== 10 && b !== 13 && b !== 12 && b !== 11 && b !== 8 && b !== 0x1b) ||
      b === 0x7f
    )
      ctrl++;
  }
  // Invalid UTF-8: every replacement character the decoder had to insert (a cut sequence at the very
  // end of the sample is not counted: `stream: true` holds it back).
  const text = new TextDecoder("utf-8", { fatal: false }).decode(sample, { stream: true });
  let bad = 0;
  for (let i = text.indexOf("\ufffd"); i >= 0; i = text.indexOf("\ufffd", i + 1)) bad++;
  const n = sample.length;
  if ((nul + ctrl + bad) * 10 > n * 3) {
    if (nul * 2 > n) return `${nul} NUL bytes in the first ${n} bytes`;
    return `${nul} NUL bytes, ${ctrl} other control bytes and ${bad} invalid UTF-8 sequences in the first ${n} bytes`;
  }
  return undefined;
}

export interface ReadProgress {
  bytes: number;
  /** Total size when known (regular files). */
  total?: number;
}

export interface StreamResult {
  bytes: number;
  chars: number;
}

export interface StreamOptions {
  chunkSize?: number;
  onProgress?: (p: ReadProgress) => void;
  /** Stdin (or any byte stream) used when `path` is `-`. */
  stdin?: AsyncIterable<Uint8Array>;
}

// Synchronous reads: the CLI reads one input at a time, and a 64 KiB read from the page cache is
// cheaper than the thread-pool round trip of an async one (profiled: the async version spent a quarter
// of the parse bench idle waiting for reads).
async function* fileChunks(path: string, chunkSize: number, progress: (p: ReadProgress) => void) {
  const ioError = (e: unknown) => new OopsError("E_IO", `${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw ioError(e);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new OopsError("E_IO", `${path} is a directory`);
    const total = st.isFile() ? st.size : undefined;
    let pos = 0;
    // One buffer, reused: the consumer decodes (or copies) each chunk before asking for the next.
    const buf = new Uint8Array(chunkSize);
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, chunkSize, null);
      } catch (e) {
        throw ioError(e);
      }
      if (n === 0) break;
      pos += n;
      progress(total === undefined ? { bytes: pos } : { bytes: pos, total });
      yield buf.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}

async function* streamChunks(src: AsyncIterable<Uint8Array>, progress: (p: ReadProgress) => void) {
  let pos = 0;
  for await (const c of src) {
    pos += c.length;
    progress({ bytes: pos });
    yield c;
  }
}

/**
 * Read `path` (or stdin for `-`) and hand decoded text to `onText` chunk by chunk. Throws
 * `E_INPUT_BINARY` before any text is handed on when the head is not text, `E_IO` when unreadable.
 */
export async function streamText(
  path: string,
  onText: (text: string) => void,
  opts: StreamOptions = {},
): Promise<StreamResult> {
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK;
  const progress = opts.onProgress ?? (() => {});
  let source: AsyncIterable<Uint8Array>;
  if (path === "-") {
    if (!opts.stdin) throw new OopsError("E_IO", "no standard input");
    source = streamChunks(opts.stdin, progress);
  } else source = fileChunks(path, chunkSize, progress);

  const decoder = new TextDecoder("utf-8", { fatal: false });
  let bytes = 0;
  let chars = 0;
  let head: Uint8Array[] | undefined = [];
  let headLen = 0;
  const emit = (b: Uint8Array, final: boolean) => {
    const t = decoder.decode(b, { stream: !final });
    if (t.length) {
      chars += t.length;
      onText(t);
    }
  };
  const flushHead = (final: boolean) => {
    if (!head) return;
    const all = new Uint8Array(headLen);
    let o = 0;
    for (const h of head) {
      all.set(h, o);
      o += h.length;
    }
    head = undefined;
    const why = binaryReason(all.subarray(0, SNIFF_BYTES));
    if (why) throw new OopsError("E_INPUT_BINARY", `${path === "-" ? "standard input" : path}: ${why}`);
    emit(all, final);
  };
  for await (const c of source) {
    bytes += c.length;
    if (head) {
      head.push(c.slice());
      headLen += c.length;
      if (headLen >= SNIFF_BYTES) flushHead(false);
    } else emit(c, false);
  }
  if (head) flushHead(true);
  else emit(new Uint8Array(0), true);
  return { bytes, chars };
}
