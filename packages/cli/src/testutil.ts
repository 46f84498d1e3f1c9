/**
 * Test helpers for the CLI: a CliIO whose standard output and error are collected as strings (not
 * terminals) with an empty stdin, and `main` run in-process on one with argv → exit code and both
 * texts. Used only by *.test.ts files.
 */

import type { CliIO } from "./io.js";
import { main } from "./main.js";

/** A CliIO collecting what the command writes: `out.join("")`, `err.join("")`. */
export function captureIO(): { cli: CliIO; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const cli: CliIO = {
    stdout: { write: (s: string) => out.push(s), isTTY: false },
    stderr: { write: (s: string) => err.push(s), isTTY: false },
    stdin: (async function* () {})(),
  };
  return { cli, out, err };
}

/** `oopscope ARGV...` in-process: its exit code, standard output and standard error. */
export async function runCli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const { cli, out, err } = captureIO();
  const code = await main(argv, cli);
  return { code, out: out.join(""), err: err.join("") };
}
