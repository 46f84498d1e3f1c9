/**
 * `oopscope decode vmlinux [base_path] [modules_path] < log`: the argument order of the kernel's
 * scripts/decode_stacktrace.sh, as a filter — console text in on stdin, the same text out on stdout
 * with every `func+0x…/0x… [module]` location followed by its source `file:line`, and each inlined
 * call it went through printed on its own line before it, marked `[inline]` (the form syzbot's
 * reports use, which `oopscope analyze` reads back). `base_path` is stripped from file names.
 * Lines are looked up by symbol+offset, so KASLR and module load addresses do not matter; the pc line
 * (`RIP:`, `epc :`, `pc :`, `PC is at`, `NIP:`) and the trace frame at the same address are looked up
 * as is, every other frame as a return address (address − 1).
 */

import { isOopsError, type SourceFrame, type SymbolizeQuery } from "@oopscope/core";
import type { CliIO } from "../io.js";
import { ObjectResolver } from "../objects.js";

export const DECODE_HELP = `Usage: oopscope decode VMLINUX [BASE_PATH] [MODULES_PATH] < LOG

A drop-in for the kernel's scripts/decode_stacktrace.sh: read console text on stdin and print it
back with every symbol+offset followed by its source file:line; inlined calls get a line of their
own marked [inline]. BASE_PATH (the source tree the kernel was built in) is stripped from file
names; MODULES_PATH is where the .ko files are (also searched: next to VMLINUX,
/usr/lib/debug/lib/modules/RELEASE and /lib/modules/RELEASE).

Examples:
  oopscope decode vmlinux /home/me/linux /lib/modules/6.1.0-13-amd64 < oops.log
  dmesg | oopscope decode /usr/lib/debug/boot/vmlinux-$(uname -r)

Exit status: 0 done (lines that cannot be resolved are printed unchanged), 2 bad usage or file.
`;

// `func+0x1a/0x2c [mod]`: the location as every architecture's trace prints it.
const LOC = /([A-Za-z_.$][\w.$]*)\+(0x[0-9a-f]+)\/(0x[0-9a-f]+)(?: \[([\w-]+)(?:\]|\s))?/;
const PC_LINE = /\b(?:RIP|EIP|NIP|epc|pc|PC is at|PSW)\s*[:=]?/;
const TRACE_ADDR = /\[<([0-9a-f]+)>\]/;
const RELEASE = /Linux version (\S+)|\bTainted: .*? (\d+\.\d+\S*) #|\bNot tainted (\d+\.\d+\S*) #/;

async function* lines(stdin: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const dec = new TextDecoder();
  let rest = "";
  for await (const c of stdin) {
    rest += dec.decode(c, { stream: true });
    let i = rest.indexOf("\n");
    let from = 0;
    while (i >= 0) {
      yield rest.slice(from, i);
      from = i + 1;
      i = rest.indexOf("\n", from);
    }
    rest = rest.slice(from);
  }
  rest += dec.decode();
  if (rest) yield rest;
}

export async function decodeCommand(argv: string[], io: CliIO): Promise<number> {
  if (argv.includes("-h") || argv.includes("--help")) {
    io.stdout.write(DECODE_HELP);
    return 0;
  }
  const [vmlinux, basePath, modulesPath, ...extra] = argv;
  if (!vmlinux || extra.length > 0 || vmlinux.startsWith("-")) {
    io.stderr.write(`oopscope decode: expected VMLINUX [BASE_PATH] [MODULES_PATH]\n\n${DECODE_HELP}`);
    return 2;
  }
  const objects = new ObjectResolver({ vmlinux, ...(modulesPath ? { modules: modulesPath } : {}) });
  const base = basePath ? basePath.replace(/\/+$/, "") + "/" : undefined;
  const strip = (f: string | undefined) => (f && base && f.startsWith(base) ? f.slice(base.length) : (f ?? "??"));
  const where = (f: SourceFrame) => `${strip(f.file)}:${f.line ?? 0}`;
  try {
    // Fail early, as decode_stacktrace.sh does, when vmlinux cannot be opened.
    await objects.symbolizerForFile(vmlinux);
  } catch (e) {
    await objects.close();
    if (isOopsError(e)) {
      io.stderr.write(`oopscope decode: ${e.message} [${e.code}]\n`);
      return 2;
    }
    throw e;
  }
  let release: string | undefined;
  let pcAddress: string | undefined;
  for await (const line of lines(io.stdin)) {
    const r = RELEASE.exec(line);
    if (r) release = r[1] ?? r[2] ?? r[3];
    const m = LOC.exec(line);
    if (!m?.[1] || !m[2] || !m[3]) {
      io.stdout.write(`${line}\n`);
      continue;
    }
    const isPcLine = PC_LINE.test(line.slice(0, m.index));
    const traceAddr = TRACE_ADDR.exec(line)?.[1];
    if (isPcLine) pcAddress = /\b([0-9a-f]{8,16})\b/.exec(line.slice(0, m.index))?.[1] ?? traceAddr;
    const q: SymbolizeQuery = {
      symbol: m[1],
      offset: BigInt(m[2]),
      size: BigInt(m[3]),
      returnAddress: !isPcLine && !(traceAddr !== undefined && traceAddr === pcAddress),
    };
    let frames: SourceFrame[] = [];
    try {
      frames = await (await objects.symbolizerFor(m[4], release)).symbolize(q);
    } catch (e) {
      if (!isOopsError(e)) throw e;
    }
    const outer = frames[frames.length - 1];
    if (!outer || (outer.file === undefined && outer.function === undefined)) {
      io.stdout.write(`${line}\n`);
      continue;
    }
    // The text before the location (timestamp, `[<addr>]`, `? `) is kept on the inline lines too.
    const lead = line.slice(0, m.index);
    for (const f of frames.slice(0, -1)) io.stdout.write(`${lead}${f.function ?? "??"} ${where(f)} [inline]\n`);
    const end = m.index + m[1].length + 1 + m[2].length + 1 + m[3].length;
    io.stdout.write(`${line.slice(0, end)} ${where(outer)}${line.slice(end)}\n`);
  }
  await objects.close();
  return 0;
}
