/**
 * `oopscope analyze [FILE…|-]`: console logs in (files, or stdin), a report per input out — a
 * readable terminal report, `--json` (one document per input, JSON Lines for several inputs) or
 * `--markdown`. Each input is streamed through the incremental parser, then analysed (disassembly and
 * explanation of every crash). Exit status: 0 a crash was analysed, 1 no crash found, 2 bad input or
 * usage.
 */

import { readFileSync } from "node:fs";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  type Analysis,
  type AnalyzeOptions,
  type AnalyzeStages,
  analyzeLog,
  type CParser,
  explainListPoisonCaller,
  explainWithBinary,
  findRootCause,
  isOopsError,
  OopsError,
  renderJSON,
  renderMarkdown,
  renderTerminal,
  SCHEMA_VERSION,
} from "@oopscope/core";
import { streamText } from "../input.js";
import type { CliIO } from "../io.js";
import { ObjectResolver } from "../objects.js";
import { createStreamParser, type StreamParser } from "../parse-stream.js";
import { DirectorySourceTree, loadParser } from "../source-tree.js";

export const ANALYZE_HELP = `Usage: oopscope analyze [options] [FILE...|-]

Read Linux kernel console text (a serial capture, dmesg, journalctl -k, a paste from a bug
tracker) and explain every crash in it: the fault, where it happened, the registers that
matter, the call trace by stack context, modules and taint, the Code: bytes disassembled with
the faulting instruction marked, and how the bad address was computed.

With no FILE, or when FILE is -, read standard input. Files of any size are streamed.

Options:
  --json             one JSON document per input (docs/json-schema.md); with several
                     inputs, JSON Lines: one document per line, each naming its "source"
  --markdown         a Markdown report to paste into a bug tracker
  --color, --no-color
                     force colour on or off (default: colour when stdout is a terminal)
  --vmlinux FILE     the kernel image with debug info: kernel frames get function, file:line
                     and their inlined frames (looked up by symbol+offset, so KASLR and
                     module load addresses do not matter)
  --modules DIR      where the .ko files are ([module] frames; also searched: next to
                     vmlinux, /usr/lib/debug/lib/modules/RELEASE, /lib/modules/RELEASE)
                     With the faulting function's object, the Code: bytes are checked
                     against it and the fault is explained over the whole function in
                     DWARF's names (variables, types, member paths, source lines)
  --src DIR          the kernel source tree the kernel was built from: the explanation
                     quotes each source line, and a root-cause section says where the
                     NULL pointer is assigned (under which conditions, from which
                     callers) and how the faulting function is registered (e.g. a
                     packet handler whose packet_type.dev is NULL sees every device)
  -h, --help         show this help

Exit status:
  0  at least one crash was found and analysed
  1  no crash found (including an empty input)
  2  bad input (unreadable, binary, compressed) or bad usage

Examples:
  oopscope analyze examples/seed/oops.log
      the MIPS64 Octeon oops in bonding.ko, explained from the text alone
  dmesg | oopscope analyze
      analyse the running kernel's log
  journalctl -k -b -1 | oopscope analyze --markdown > report.md
      the previous boot's crash, ready for a bug report
  oopscope analyze --vmlinux vmlinux --modules /lib/modules/6.1.0-13-amd64 crash.log
      every frame with its source line, inlined frames included
  oopscope analyze --modules lab/crashes/wildcard_table --src lab/module \\
      lab/crashes/wildcard_table/console.log
      with the module's source: who should have set the NULL pointer, and why the
      handler ran anyway
  oopscope analyze --json console-*.log | jq -r '.source + ": " + (.crashes[0].title // "-")'
      one JSON line per file, then pick the first crash title of each
  zcat serial.log.gz | oopscope analyze -
      compressed logs: decompress first
`;

type Format = "terminal" | "json" | "markdown";

/**
 * Source text by DWARF file name under a source tree: the DWARF path (often absolute, or remapped by
 * -fdebug-prefix-map) is tried under DIR with its leading components dropped one by one; the first
 * existing file wins. Files are read once.
 */
function sourceLines(dir: string): (file: string, line: number) => string | undefined {
  const cache = new Map<string, string[] | undefined>();
  return (file, line) => {
    let lines = cache.get(file);
    if (!cache.has(file)) {
      const parts = file.split(/[\\/]+/).filter((x) => x !== "" && x !== "." && x !== "..");
      for (let k = 0; k < parts.length && lines === undefined; k++) {
        try {
          lines = readFileSync(join(dir, ...parts.slice(k)), "utf8").split("\n");
        } catch {
          lines = undefined;
        }
      }
      cache.set(file, lines);
    }
    return lines?.[line - 1];
  };
}

/** Pull `--no-color` out before parseArgs (older Node 20 releases lack `allowNegative`). */
function preprocess(argv: string[]): { args: string[]; noColor: boolean } {
  let noColor = false;
  const args: string[] = [];
  for (const a of argv) {
    if (a === "--no-color" || a === "--no-colour") noColor = true;
    else args.push(a === "--colour" ? "--color" : a);
  }
  return { args, noColor };
}

function progressReporter(io: CliIO, name: string) {
  if (!io.stderr.isTTY) return { update: () => {}, done: () => {} };
  let last = 0;
  let shown = false;
  const started = Date.now();
  return {
    update: (p: { bytes: number; total?: number }) => {
      const now = Date.now();
      if (now - last < 250 || now - started < 500) return;
      last = now;
      shown = true;
      const mb = (n: number) => (n / 1e6).toFixed(0);
      const pct = p.total ? ` (${Math.floor((p.bytes / p.total) * 100)} %)` : "";
      io.stderr.write(`\r\x1b[Koopscope: reading ${name}: ${mb(p.bytes)}${p.total ? `/${mb(p.total)}` : ""} MB${pct}`);
    },
    done: () => {
      if (shown) io.stderr.write("\r\x1b[K");
    },
  };
}

interface InputResult {
  analysis?: Analysis;
  error?: OopsError;
}

async function analyzeInput(path: string, io: CliIO, options: AnalyzeOptions): Promise<InputResult> {
  const name = path === "-" ? "standard input" : path;
  const progress = progressReporter(io, name);
  try {
    // The parser is created on the first text, so binary or unreadable input never reaches it.
    let parser: StreamParser | undefined;
    const onText = (t: string) => {
      if (!parser) parser = createStreamParser();
      parser.push(t);
    };
    const r = await streamText(path, onText, {
      stdin: io.stdin,
      onProgress: progress.update,
      ...(io.chunkSize ? { chunkSize: io.chunkSize } : {}),
    });
    const parsed = (parser ?? createStreamParser()).finish();
    progress.done();
    const notes = [...(options.notes ?? [])];
    if (r.bytes === 0) notes.push(new OopsError("E_INPUT_EMPTY").message);
    return { analysis: await analyzeLog(parsed, r.chars, { ...options, source: path, notes }) };
  } catch (e) {
    progress.done();
    if (isOopsError(e)) return { error: e };
    throw e;
  }
}

function errorDocument(source: string, e: OopsError): string {
  return JSON.stringify({
    schemaVersion: SCHEMA_VERSION,
    source,
    error: { code: e.code, message: e.message },
    length: 0,
    boots: [],
    crashes: [],
    rebootLoops: [],
    notes: [],
  });
}

async function checkPath(flag: string, path: string, kind: "file" | "dir"): Promise<OopsError | undefined> {
  try {
    const st = await stat(path);
    if (kind === "dir" && !st.isDirectory()) return new OopsError("E_USAGE", `${flag} ${path}: not a directory`);
    if (kind === "file" && st.isDirectory()) return new OopsError("E_USAGE", `${flag} ${path}: is a directory`);
    return undefined;
  } catch (e) {
    return new OopsError("E_IO", `${flag} ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

export async function analyzeCommand(argv: string[], io: CliIO): Promise<number> {
  const { args, noColor } = preprocess(argv);
  let parsed: ReturnType<
    typeof parseArgs<{
      options: {
        json: { type: "boolean" };
        markdown: { type: "boolean" };
        color: { type: "boolean" };
        vmlinux: { type: "string" };
        modules: { type: "string" };
        src: { type: "string" };
        help: { type: "boolean"; short: "h" };
      };
      allowPositionals: true;
    }>
  >;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        json: { type: "boolean" },
        markdown: { type: "boolean" },
        color: { type: "boolean" },
        vmlinux: { type: "string" },
        modules: { type: "string" },
        src: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    io.stderr.write(`oopscope analyze: ${(e as Error).message}\nTry 'oopscope analyze --help'.\n`);
    return 2;
  }
  const v = parsed.values;
  if (v.help) {
    io.stdout.write(ANALYZE_HELP);
    return 0;
  }
  if (v.json && v.markdown) {
    io.stderr.write("oopscope analyze: --json and --markdown exclude each other\n");
    return 2;
  }
  const format: Format = v.json ? "json" : v.markdown ? "markdown" : "terminal";
  const color = noColor ? false : v.color ? true : !!io.stdout.isTTY;
  const files = parsed.positionals.length ? parsed.positionals : ["-"];
  if (files.filter((f) => f === "-").length > 1) {
    io.stderr.write("oopscope analyze: standard input (-) can be given only once\n");
    return 2;
  }

  const notes: string[] = [];
  for (const [flag, path, kind] of [
    ["--vmlinux", v.vmlinux, "file"],
    ["--modules", v.modules, "dir"],
    ["--src", v.src, "dir"],
  ] as const) {
    if (path === undefined) continue;
    const err = await checkPath(flag, path, kind);
    if (err) {
      io.stderr.write(`oopscope analyze: ${err.message}\n`);
      return 2;
    }
  }
  let objects: ObjectResolver | undefined;
  const stages: AnalyzeStages = {};
  if (v.vmlinux !== undefined || v.modules !== undefined) {
    // Symbolize every frame by symbol+offset (KASLR and module load addresses do not matter): kernel
    // frames in vmlinux, `[module]` frames in that module's .ko.
    const resolver = new ObjectResolver({ vmlinux: v.vmlinux, modules: v.modules });
    objects = resolver;
    stages.symbolize = async (crash, q) => {
      const sym = await resolver.symbolizerFor(q.module, crash.kernel.release);
      return sym.symbolize(q);
    };
    // The faulting function's object: the Code: bytes checked against it, the slice over the whole
    // function, every step named from DWARF (and given its source text with --src).
    const sourceLine = v.src !== undefined ? sourceLines(v.src) : undefined;
    stages.binary = async (crash, instructions, explanation) => {
      // A CONFIG_DEBUG_LIST report: the BUG() is in vmlinux, the poisoned entry is named in the first
      // module frame that called the list check.
      if (explanation?.verdict.kind === "list-poison") {
        const frame = crash.frames.findIndex((f) => f.reliable && f.module !== undefined);
        const caller = crash.frames[frame];
        if (caller?.module !== undefined) {
          const s = await resolver.symbolizerFor(caller.module, crash.kernel.release).catch(() => undefined);
          const b = s ? await explainListPoisonCaller(crash, explanation, s, frame) : undefined;
          if (b) return b;
        }
      }
      const sym = await resolver.symbolizerFor(crash.pc?.module, crash.kernel.release);
      return explainWithBinary(crash, instructions, explanation, sym, sourceLine ? { sourceLine } : {});
    };
  }
  let srcTree: DirectorySourceTree | undefined;
  if (v.src !== undefined) {
    // The source stage: where the NULL pointer is assigned (and under which conditions, from which
    // callers), how the faulting function is registered; only files that mention the names are parsed.
    const tree = new DirectorySourceTree(v.src, io);
    srcTree = tree;
    if (tree.count() === 0) {
      const n = `--src ${v.src}: no .c or .h files under it; no root cause can be read`;
      notes.push(n);
      io.stderr.write(`oopscope analyze: note: ${n}\n`);
    }
    let parser: Promise<CParser> | undefined;
    stages.source = async (crash, query) => {
      // in a kernel tree, only the crash's own arch/ directory is read
      tree.setArch(crash.arch);
      parser ??= loadParser();
      return findRootCause(await parser, tree, query);
    };
  }
  if (files.includes("-") && io.stdin.isTTY)
    io.stderr.write("oopscope analyze: reading the log from the terminal; end it with Ctrl-D (see --help)\n");

  let anyCrash = false;
  let anyBad = false;
  const jsonLines = format === "json" && files.length > 1;
  for (const [i, file] of files.entries()) {
    const r = await analyzeInput(file, io, { notes, stages });
    if (r.error) {
      anyBad = true;
      io.stderr.write(`oopscope: ${r.error.message} [${r.error.code}]\n`);
      if (format === "json") io.stdout.write(`${errorDocument(file, r.error)}\n`);
      continue;
    }
    const a = r.analysis!;
    if (a.crashes.length) anyCrash = true;
    else if (a.length === 0)
      io.stderr.write(
        `oopscope: ${file === "-" ? "standard input" : file}: ${new OopsError("E_INPUT_EMPTY").message}\n`,
      );
    if (format === "json") io.stdout.write(renderJSON(a, { compact: jsonLines }));
    else if (format === "markdown") io.stdout.write((i ? "\n---\n\n" : "") + renderMarkdown(a));
    else io.stdout.write((i ? "\n" : "") + renderTerminal(a, { color }));
  }
  await objects?.close();
  srcTree?.finish();
  return anyBad ? 2 : anyCrash ? 0 : 1;
}
