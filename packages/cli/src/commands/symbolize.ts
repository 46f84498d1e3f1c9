/**
 * `oopscope symbolize --obj FILE [ADDR|SYM+OFF]…`: addresses or `symbol+offset[/size]` as the kernel
 * prints them in, source frames out — innermost first, inlined frames included — like
 * `llvm-symbolizer --functions=short -i` / `addr2line -f -i`, as text or `--json`
 * (`[{"input","frames":[{"function","file","line","column","inlined"}]}]`). Queries come from the
 * command line, or one per line on stdin.
 */

import { parseArgs } from "node:util";
import { isOopsError, OopsError, type SourceFrame, type SymbolizeQuery } from "@oopscope/core/symbolizer";
import { type CliIO, processIO } from "../io.js";

/** ELF e_type of a relocatable object (System V gABI). */
const ET_REL = 1;

import { ObjectResolver } from "../objects.js";

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
  --return-address   the addresses are return addresses: look up address - 1
  --json             [{"input", "frames": [{"function", "file", "line", "column", "inlined"}]}]
  -h, --help         show this help

Exit status: 0 every query answered, 1 some query unknown (printed as ??), 2 bad usage or file.

Examples:
  oopscope symbolize --obj bonding.ko rlb_arp_recv+0x128/0x228
  oopscope symbolize --obj vmlinux 0xffffffff81234567 --json
  grep -o '[a-z_0-9.]*+0x[0-9a-f]*/0x[0-9a-f]*' oops.log | oopscope symbolize --obj vmlinux
`;

/** `0x1f`, `1f` → address; `name+0x1/0x2`, `name` → symbol query. */
export function parseQuery(s: string): SymbolizeQuery {
  const t = s.trim();
  if (/^(0x)?[0-9a-fA-F]+$/.test(t)) return { address: BigInt(t.startsWith("0x") ? t : `0x${t}`) };
  const m = /^([A-Za-z_.$][\w.$]*)(?:\+(0x[0-9a-fA-F]+|\d+))?(?:\/(0x[0-9a-fA-F]+|\d+))?$/.exec(t);
  if (!m?.[1]) throw new OopsError("E_USAGE", `not an address or symbol+offset: ${JSON.stringify(s)}`);
  const q: SymbolizeQuery = { symbol: m[1], offset: m[2] ? BigInt(m[2]) : 0n };
  if (m[3]) q.size = BigInt(m[3]);
  return q;
}

function textFrames(frames: SourceFrame[]): string {
  return frames.map((f) => `${f.function ?? "??"}\n${f.file ?? "??"}:${f.line ?? 0}:${f.column ?? 0}\n`).join("");
}

/** Queries from stdin, one per line; `beforeWait` runs each time the next line is not there yet. */
async function* stdinLines(stdin: AsyncIterable<Uint8Array>, beforeWait: () => void): AsyncGenerator<string> {
  const dec = new TextDecoder();
  let rest = "";
  for await (const c of stdin) {
    rest += dec.decode(c, { stream: true });
    const lines = rest.split("\n");
    rest = lines.pop() ?? "";
    for (const l of lines) if (l.trim()) yield l;
    beforeWait();
  }
  rest += dec.decode();
  if (rest.trim()) yield rest;
}

export async function symbolizeCommand(argv: string[], io: CliIO): Promise<number> {
  let values: { obj?: string; section?: string; json?: boolean; "return-address"?: boolean; help?: boolean };
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
    const sym = await objects.symbolizerForFile(values.obj);
    // Relocatable objects (.ko, .o) take section offsets; linked ones (vmlinux) absolute addresses.
    const elf = (sym.sections as { elf?: { type?: number } }).elf;
    const relocatable = elf?.type === ET_REL;
    const section = values.section ?? (relocatable ? ".text" : undefined);
    const inputs: AsyncIterable<string> | string[] = positionals.length ? positionals : stdinLines(io.stdin, flush);
    for await (const input of inputs) {
      let frames: SourceFrame[];
      try {
        const q = parseQuery(input);
        if (q.address !== undefined && section !== undefined) q.section = section;
        if (values["return-address"]) q.returnAddress = true;
        frames = await sym.symbolize(q);
      } catch (e) {
        if (!isOopsError(e) || e.code === "E_IO") throw e;
        io.stderr.write(`oopscope symbolize: ${input}: ${e.message}\n`);
        frames = [{ inlined: false }];
      }
      if (frames.every((f) => f.function === undefined && f.file === undefined)) unknown = true;
      if (values.json) results.push({ input, frames });
      else pending.push(`${textFrames(frames)}\n`);
    }
    flush();
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
    const doc = results.map((r) => ({
      input: r.input,
      frames: r.frames.map((f) => ({
        function: f.function ?? null,
        file: f.file ?? null,
        line: f.line ?? 0,
        column: f.column ?? 0,
        inlined: f.inlined,
      })),
    }));
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
