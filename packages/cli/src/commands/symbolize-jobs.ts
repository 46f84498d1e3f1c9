/**
 * `oopscope symbolize --jobs N` on a large input: queries in, the same answers out — byte for byte
 * the single-threaded command's, in input order — computed by N worker threads (node:worker_threads).
 *
 * The split: the addresses of the queries read before starting are sorted and cut into N ranges of
 * equal count; every later query goes to the worker of its range. A vmlinux compilation unit's code is
 * contiguous, so workers share few units (each unit is read and parsed by the one worker that owns
 * its range, at most N - 1 units by two). `symbol+offset` queries go to the least busy worker;
 * unparsable ones are answered here. Each worker opens the object itself and answers its queries in
 * their input order; the main thread only reads, routes and writes answers as soon as all earlier
 * ones are in, and stops reading stdin while WINDOW queries wait, so memory does not grow with the
 * input. A worker runs this same module (the one-file bundle when the bin runs from it, else the
 * compiled module): the check at the bottom starts the worker side when it is loaded as one.
 * One difference: on an error that ends the run mid-way (exit 2: the object cannot be read), the
 * `--json` answers already written stay written, an unfinished array, where the single-threaded
 * command writes no document.
 */

import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { isOopsError } from "@oopscope/core/symbolizer";
import type { CliIO } from "../io.js";
import { ObjectResolver } from "../objects.js";
import { answerQuery, isUnknown, jsonEntry, openObject, parseQuery, textFrames } from "./symbolize-query.js";

/** Workers start only when at least this many queries are on the command line or read before starting. */
export const JOBS_MIN_QUERIES = 1000;
/** Queries of the first batch per worker, at least (fewer workers on smaller inputs). */
const QUERIES_PER_WORKER = 250;
/** Queries read but not yet written, past which reading stdin waits. */
const WINDOW = 16384;
/** A worker posts its answers every this many (and whenever its queue runs dry). */
const ANSWER_BATCH = 256;
const MARK = "oopscope-symbolize-worker";

/** `--jobs` when not given: the available cores, at most 4. */
export function defaultJobs(): number {
  // One thread unless asked: split work costs each worker about 70 % of the whole (every worker
  // reads and caches its own sections), and on the 2-vCPU bench machine 2 workers were slower in
  // wall time than one thread in every alternating round (bench/README.md). `--jobs N` opts in
  // where idle cores make it pay.
  return 1;
}

/**
 * Whether workers can load this module: compiled JavaScript (the bundle or dist/), not TypeScript
 * source run in-process by the test runner.
 */
export function workersAvailable(): boolean {
  return /\.m?js$/.test(import.meta.url);
}

interface WorkerInit {
  [MARK]: true;
  obj: string;
  section: string | undefined;
  returnAddress: boolean;
  json: boolean;
}

/** main → worker: queries with their input positions; then `{ end: true }`. */
type ToWorker = { seqs: number[]; inputs: string[] } | { end: true };
/** worker → main. `outs[i]` is the text block or `--json` entry, `errs[i]` a stderr line or "". */
type FromWorker =
  | { type: "answers"; seqs: number[]; outs: string[]; errs: string[]; unknown: boolean[] }
  | { type: "fatal"; message: string; code: string }
  | { type: "done" };

export interface JobsOptions {
  obj: string;
  section: string | undefined;
  returnAddress: boolean;
  json: boolean;
  jobs: number;
}

/** The stderr line of a query that got no answer, as the single-threaded command prints it. */
const errorLine = (input: string, message: string) => `oopscope symbolize: ${input}: ${message}\n`;

/**
 * Answers `first` (the queries read so far, at least JOBS_MIN_QUERIES) and then every batch of
 * `rest` with workers; returns the exit status (0, 1 some query unknown, 2 the object failed).
 */
export async function symbolizeWithWorkers(
  first: string[],
  rest: AsyncIterator<string[]> | undefined,
  opts: JobsOptions,
  io: CliIO,
): Promise<number> {
  // Cut points: the sorted addresses of the first batch at 1/n, 2/n, … of their count.
  const addrs: bigint[] = [];
  for (const input of first) {
    try {
      const q = parseQuery(input);
      if (q.address !== undefined) addrs.push(q.address);
    } catch {
      // answered as an error when routed
    }
  }
  addrs.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const n = Math.max(1, Math.min(opts.jobs, Math.floor(first.length / QUERIES_PER_WORKER)));
  const cuts: bigint[] = [];
  for (let i = 1; i < n && addrs.length > 0; i++) cuts.push(addrs[Math.floor((i * addrs.length) / n)] as bigint);

  const init: WorkerInit = {
    [MARK]: true,
    obj: opts.obj,
    section: opts.section,
    returnAddress: opts.returnAddress,
    json: opts.json,
  };
  /** Per worker: queries sent and not yet answered, whether it said "done", whether it exited. */
  const workers: { w: Worker; busy: number; done: boolean; exited: boolean }[] = [];
  /** Answers waiting for an earlier one, by input position. */
  const slots = new Map<number, { out: string; err: string }>();
  let head = 0; // next input position to write
  let tail = 0; // next input position to assign
  let unknown = false;
  let wroteEntry = false;
  let fatal: { message: string; code: string } | undefined;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const progress = () => new Promise<void>((resolve) => (wake = resolve));

  const write = () => {
    let out = "";
    let err = "";
    for (let s = slots.get(head); s !== undefined; s = slots.get(head)) {
      slots.delete(head);
      head++;
      if (opts.json) {
        out += wroteEntry ? `,\n${s.out}` : `[\n${s.out}`;
        wroteEntry = true;
      } else out += s.out;
      err += s.err;
    }
    if (err) io.stderr.write(err);
    if (out) io.stdout.write(out);
  };

  for (let i = 0; i < n; i++) {
    const rec = { w: new Worker(new URL(import.meta.url), { workerData: init }), busy: 0, done: false, exited: false };
    rec.w.on("message", (m: FromWorker) => {
      if (m.type === "answers") {
        rec.busy -= m.seqs.length;
        for (let k = 0; k < m.seqs.length; k++) {
          slots.set(m.seqs[k] as number, { out: m.outs[k] as string, err: m.errs[k] as string });
          if (m.unknown[k]) unknown = true;
        }
        write();
      } else if (m.type === "fatal") fatal ??= { message: m.message, code: m.code };
      else rec.done = true;
      notify();
    });
    rec.w.on("error", (e) => {
      failure ??= e;
      notify();
    });
    rec.w.on("exit", () => {
      rec.exited = true;
      // A worker that exits without "done" or "fatal" has failed ("error" came first, or it was killed).
      if (!rec.done && !fatal) failure ??= new Error("a symbolize worker exited before answering");
      notify();
    });
    workers.push(rec);
  }
  const stopped = () => fatal !== undefined || failure !== undefined;

  /** Sends a batch of queries to the workers of their ranges, in input order within each. */
  const route = (inputs: string[]) => {
    const per: { seqs: number[]; inputs: string[] }[] = workers.map(() => ({ seqs: [], inputs: [] }));
    for (const input of inputs) {
      const seq = tail++;
      let q: ReturnType<typeof parseQuery>;
      try {
        q = parseQuery(input);
      } catch (e) {
        if (!isOopsError(e)) throw e;
        // As answerQuery answers it, without a round trip.
        const frames = [{ inlined: false }];
        unknown = true;
        slots.set(seq, {
          out: opts.json ? jsonEntry(input, frames) : `${textFrames(frames)}\n`,
          err: errorLine(input, e.message),
        });
        continue;
      }
      let w = 0;
      if (q.address !== undefined) {
        while (w < cuts.length && q.address >= (cuts[w] as bigint)) w++;
      } else {
        const load = (k: number) => (workers[k]?.busy ?? 0) + (per[k]?.seqs.length ?? 0);
        for (let k = 1; k < n; k++) if (load(k) < load(w)) w = k;
      }
      const p = per[w] as { seqs: number[]; inputs: string[] };
      p.seqs.push(seq);
      p.inputs.push(input);
    }
    per.forEach((p, i) => {
      const rec = workers[i];
      if (p.seqs.length === 0 || !rec) return;
      rec.busy += p.seqs.length;
      rec.w.postMessage(p satisfies ToWorker);
    });
    write();
  };

  try {
    route(first);
    if (rest) {
      for (;;) {
        while (tail - head > WINDOW && !stopped()) await progress();
        if (stopped()) break;
        const r = await rest.next();
        if (r.done) break;
        route(r.value);
      }
    }
    for (const rec of workers) rec.w.postMessage({ end: true } satisfies ToWorker);
    while (workers.some((rec) => !rec.exited) && !stopped()) await progress();
  } finally {
    await Promise.all(workers.map((rec) => (rec.exited ? undefined : rec.w.terminate())));
  }
  if (failure) throw failure;
  if (fatal) {
    // As the single-threaded command: the answers so far, then the error (exit 2).
    write();
    io.stderr.write(`oopscope symbolize: ${fatal.message} [${fatal.code}]\n`);
    return 2;
  }
  write();
  if (opts.json) io.stdout.write(wroteEntry ? "\n]\n" : "[]\n");
  return unknown ? 1 : 0;
}

/** The worker side: opens the object, answers each batch in order, posts answers in batches. */
async function workerMain(init: WorkerInit): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const queue: { seqs: number[]; inputs: string[] }[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  const onMessage = (m: ToWorker) => {
    if ("end" in m) ended = true;
    else queue.push(m);
    const w = wake;
    wake = undefined;
    w?.();
  };
  port.on("message", onMessage);
  const objects = new ObjectResolver({});
  let seqs: number[] = [];
  let outs: string[] = [];
  let errs: string[] = [];
  let unknown: boolean[] = [];
  const post = () => {
    if (seqs.length === 0) return;
    port.postMessage({ type: "answers", seqs, outs, errs, unknown } satisfies FromWorker);
    seqs = [];
    outs = [];
    errs = [];
    unknown = [];
  };
  try {
    const obj = await openObject(objects, init.obj, init.section);
    for (;;) {
      const batch = queue.shift();
      if (!batch) {
        post();
        if (ended) break;
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      for (let k = 0; k < batch.seqs.length; k++) {
        const input = batch.inputs[k] as string;
        const { frames, error } = await answerQuery(obj, input, init.returnAddress);
        seqs.push(batch.seqs[k] as number);
        outs.push(init.json ? jsonEntry(input, frames) : `${textFrames(frames)}\n`);
        errs.push(error === undefined ? "" : errorLine(input, error));
        unknown.push(isUnknown(frames));
        if (seqs.length >= ANSWER_BATCH) post();
      }
    }
    await objects.close();
    port.postMessage({ type: "done" } satisfies FromWorker);
  } catch (e) {
    await objects.close().catch(() => undefined);
    if (!isOopsError(e)) throw e;
    port.postMessage({ type: "fatal", message: e.message, code: e.code } satisfies FromWorker);
  } finally {
    port.off("message", onMessage);
  }
}

if (!isMainThread && (workerData as Partial<WorkerInit> | undefined)?.[MARK] === true)
  void workerMain(workerData as WorkerInit);
