/**
 * The `oopscope` command: argv in, an exit status out. Dispatches to the subcommands
 * (`analyze`, …), prints the version and the top-level help. All I/O goes through a `CliIO` so the
 * tests can run it in-process.
 */

import { readFileSync } from "node:fs";
import { ANALYZE_HELP, analyzeCommand } from "./commands/analyze.js";
import { DECODE_HELP, decodeCommand } from "./commands/decode.js";
import { SYMBOLIZE_HELP, symbolizeCommand } from "./commands/symbolize.js";
import { type CliIO, processIO } from "./io.js";

export const HELP = `oopscope — explain a Linux kernel crash (oops, panic, BUG, WARNING, KASAN, lockup)

Usage: oopscope <command> [options]

Commands:
  analyze [FILE...|-]   find and explain every crash in console logs (stdin by default)
  symbolize --obj FILE [ADDR|SYM+OFF...]
                        addresses or symbol+offset to function, file:line (inlined frames too)
  decode VMLINUX [BASE_PATH] [MODULES_PATH] < LOG
                        scripts/decode_stacktrace.sh's filter: the log with source lines added

Options:
  -h, --help            this help; 'oopscope <command> --help' for a command's own
  -V, --version         print the version

Examples:
  oopscope analyze examples/seed/oops.log
  dmesg | oopscope analyze
  oopscope analyze --json serial.log > crash.json

Exit status: 0 a crash was analysed, 1 no crash found, 2 bad input or usage.
`;

export function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: string };
    return pkg.version ?? "unknown";
  } catch {
    return "unknown";
  }
}

const COMMAND_HELP: Record<string, string> = {
  analyze: ANALYZE_HELP,
  symbolize: SYMBOLIZE_HELP,
  decode: DECODE_HELP,
};

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === "-h" || cmd === "--help") {
    io.stdout.write(HELP);
    return cmd === undefined ? 2 : 0;
  }
  if (cmd === "-V" || cmd === "--version") {
    io.stdout.write(`oopscope ${version()}\n`);
    return 0;
  }
  if (cmd === "help") {
    const topic = rest[0];
    io.stdout.write(topic && COMMAND_HELP[topic] ? COMMAND_HELP[topic] : HELP);
    return 0;
  }
  if (cmd === "analyze") return analyzeCommand(rest, io);
  if (cmd === "symbolize") return symbolizeCommand(rest, io);
  if (cmd === "decode") return decodeCommand(rest, io);
  io.stderr.write(`oopscope: unknown command '${cmd}'\n\n${HELP}`);
  return 2;
}
