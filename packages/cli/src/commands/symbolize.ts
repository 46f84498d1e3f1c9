/**
 * `oopscope symbolize --obj FILE [ADDR|SYM+OFF]…`: addresses or `symbol+offset[/size]` as the kernel
 * prints them in, source frames out — innermost first, inlined frames included — like
 * `llvm-symbolizer --functions=short -i` / `addr2line -f -i`, as text or `--json`
 * (`[{"input","frames":[{"function","file","line","column","inlined"}]}]`). Queries come from the
 * command line, or one per line on stdin. Large inputs (JOBS_MIN_QUERIES queries or more) are
 * answered by `--jobs` worker threads (symbolize-jobs.ts), with the same output.
 */

import { parseArgs } from "node:util";
import { isOopsError, type SourceFrame } from "@oopscope/core/symbolizer";
import { type CliIO, processIO } from "../io.js";
import { ObjectResolver } from "../objects.js";
import { defaultJobs, JOBS_MIN_QUERIES, symbolizeWithWorkers, workersAvailable } from "./symbolize-jobs.js";
import { answerQuery, isUnknown, jsonFrame, openObject, textFrames } from "./symbolize-query.js";

export { parseQuery } from "./symbolize-query.js";

/**
 * How long to wait for more of stdin, with fewer than JOBS_MIN_QUERIES queries read, before answering
 * them on this thread: a pipe's next chunk is usually there at once, a person typing is not.
 */
const READ_AHEAD_PAUSE_MS = 20;

export const SYMBOLIZE_HELP = `Usage: oopscope symbolize --obj FILE [options] [ADDR|SYM+OFF[/SIZE]...]

Turn addresses, or symbol+offset as a kernel oops prints them, into source locations:
function, file, line and column, innermost first, with every inlined frame — like
'llvm-symbolizer --functions=short -i' or 'addr2line -f -i'. FILE is any ELF object: vmlinux,
a module (.ko, .ko.xz, .ko.zst, .ko.gz) or a .o. With no queries, read one per line from stdin.

A query is an address (0x1234 or 1234, hexadecimal) or a symbol with an optional offset and
size: rlb_arp_recv+0x128/0x228 (the size picks among same-name static functions).
In a relocatable object (.ko, .o) an address is an offset into --section (default .text).

Options:
  --obj FILE         the object file (required)
  --section NAME     section of addresses in relocatable objects (default: .text)
  --return-address   the addresses are return addresses: look them up inside their call
                     (address - 1; address - 8 on MIPS, past the branch delay slot)
  --json             [{"input", "frames": [{"function", "file", "line", "column", "inlined"}]}]
  --jobs N           worker threads for large inputs (default 1: none). With at least
                     ${JOBS_MIN_QUERIES} queries on the command line or read from a pipe before the
                     first answer, the queries are split by address into N ranges,
                     each answered by a thread that opens FILE itself; the output is the same, in
                     input order
  -h, --help         show this help

Exit status: 0 every query answered, 1 some query unknown (printed as ??), 2 bad usage or file.

Examples:
  oopscope symbolize --obj bonding.ko rlb_arp_recv+0x128/0x228
  oopscope symbolize --obj vmlinux 0xffffffff81234567 --json
  grep -o '[a-z_0-9.]*+0x[0-9a-f]*/0x[0-9a-f]*' oops.log | oopscope symbolize --obj vmlinux
`;

/** Queries from stdin, one per line, a batch per chunk read (the lines it completes; maybe none). */
async function* stdinBatches(stdin: AsyncIterable<Uint8Array>): AsyncGenerator<string[]> {
  const dec = new TextDecoder();
  let rest = "";
  for await (const c of stdin) {
    rest += dec.decode(c, { stream: true });
    const lines = rest.split("\n");
    rest = lines.pop() ?? "";
    yield lines.filter((l) => l.trim());
  }
  rest += dec.decode();
  if (rest.trim()) yield [rest];
}

/**
 * Reads stdin batches ahead until `min` queries, the end of input, or a pause (no next batch within
 * READ_AHEAD_PAUSE_MS). `batches` are the batches read; `rest` continues after them (with the read
 * that the pause left waiting, if any).
 */
async function readAhead(
  it: AsyncIterator<string[]>,
  min: number,
): Promise<{ batches: string[][]; count: number; rest: AsyncIterator<string[]> }> {
  const batches: string[][] = [];
  let count = 0;
  let waiting: Promise<IteratorResult<string[]>> | undefined;
  let ended = false;
  while (count < min) {
    const next = it.next();
    let r: IteratorResult<string[]> | "pause";
    if (batches.length === 0) r = await next;
    else {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const pause = new Promise<"pause">((resolve) => {
        timer = setTimeout(() => resolve("pause"), READ_AHEAD_PAUSE_MS);
      });
      r = await Promise.race([next, pause]);
      clearTimeout(timer);
    }
    if (r === "pause") {
      waiting = next;
      break;
    }
    if (r.done) {
      ended = true;
      break;
    }
    batches.push(r.value);
    count += r.value.length;
  }
  const rest: AsyncIterator<string[]> = {
    next: async () => {
      if (waiting) {
        const w = waiting;
        waiting = undefined;
        return w;
      }
      return ended ? { done: true, value: undefined } : it.next();
    },
  };
  return { batches, count, rest };
}

export async function symbolizeCommand(argv: string[], io: CliIO): Promise<number> {
  let values: {
    obj?: string;
    section?: string;
    json?: boolean;
    "return-address"?: boolean;
    jobs?: string;
    help?: boolean;
  };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        obj: { type: "string" },
        section: { type: "string" },
        json: { type: "boolean" },
        "return-address": { type: "boolean" },
        jobs: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    io.stderr.write(`oopscope symbolize: ${(e as Error).message}\nTry 'oopscope symbolize --help'.\n`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(SYMBOLIZE_HELP);
    return 0;
  }
  if (!values.obj) {
    io.stderr.write("oopscope symbolize: --obj FILE is required\nTry 'oopscope symbolize --help'.\n");
    return 2;
  }
  let jobs = 1;
  if (values.jobs !== undefined) {
    if (!/^[1-9]\d{0,2}$/.test(values.jobs)) {
      io.stderr.write(
        `oopscope symbolize: --jobs takes a number of threads from 1 to 999, not ${JSON.stringify(values.jobs)}\nTry 'oopscope symbolize --help'.\n`,
      );
      return 2;
    }
    jobs = Number(values.jobs);
  } else jobs = defaultJobs();

  // Workers only for large inputs: all of argv, or what stdin holds before the first answer. A
  // terminal's input is answered line by line, on this thread.
  let inputs: string[][] | AsyncIterable<string[]> = positionals.length ? [positionals] : stdinBatches(io.stdin);
  if (jobs > 1 && workersAvailable()) {
    const jobsOptions = {
      obj: values.obj,
      section: values.section,
      returnAddress: values["return-address"] === true,
      json: values.json === true,
      jobs,
    };
    if (positionals.length >= JOBS_MIN_QUERIES) return symbolizeWithWorkers(positionals, undefined, jobsOptions, io);
    if (positionals.length === 0 && !io.stdin.isTTY) {
      const ahead = await readAhead(stdinBatches(io.stdin)[Symbol.asyncIterator](), JOBS_MIN_QUERIES);
      if (ahead.count >= JOBS_MIN_QUERIES)
        return symbolizeWithWorkers(ahead.batches.flat(), ahead.rest, jobsOptions, io);
      inputs = (async function* () {
        yield* ahead.batches;
        for (let r = await ahead.rest.next(); !r.done; r = await ahead.rest.next()) yield r.value;
      })();
    }
  }

  // Text answers are written a stdin chunk at a time (before waiting for more input, so an interactive
  // user still gets each answer at once): one write per query was 10,000 pipe writes on 10k addresses.
  const pending: string[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    io.stdout.write(pending.join(""));
    pending.length = 0;
  };
  const objects = new ObjectResolver({});
  let unknown = false;
  const results: { input: string; frames: SourceFrame[] }[] = [];
  try {
    const obj = await openObject(objects, values.obj, values.section);
    for await (const batch of inputs) {
      for (const input of batch) {
        const { frames, error } = await answerQuery(obj, input, values["return-address"] === true);
        if (error !== undefined) io.stderr.write(`oopscope symbolize: ${input}: ${error}\n`);
        if (isUnknown(frames)) unknown = true;
        if (values.json) results.push({ input, frames });
        else pending.push(`${textFrames(frames)}\n`);
      }
      flush();
    }
  } catch (e) {
    flush();
    await objects.close();
    if (isOopsError(e)) {
      io.stderr.write(`oopscope symbolize: ${e.message} [${e.code}]\n`);
      return 2;
    }
    throw e;
  }
  await objects.close();
  if (values.json) {
    const doc = results.map((r) => ({ input: r.input, frames: r.frames.map(jsonFrame) }));
    io.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  }
  return unknown ? 1 : 0;
}

/**
 * `oopscope symbolize` as a process runs it (the bin's fast path): the same command over the process's
 * streams. It is the entry of the single-file bundle, so a cold run loads one module.
 */
export function symbolizeMain(argv: string[]): Promise<number> {
  return symbolizeCommand(argv, processIO());
}
