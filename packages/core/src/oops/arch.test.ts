/**
 * Architecture detection checked against the register-dump markers that corpus/syzkaller/README.md
 * uses to count the architectures of the 747 real logs (x86-64 `RIP: 00…`, arm64 `pstate:`/`x29:`,
 * 32-bit ARM `PC is at`/`psr:`, RISC-V `badaddr:`, PowerPC `NIP:`): a log with a marker must yield a
 * crash of that architecture, and no crash of another one.
 */

import { readdirSync, readFileSync } from "node:fs";
import { expect, test } from "vitest";
import type { ArchId } from "../arch/types.js";
import { parseLog } from "./parse.js";

const dir = new URL("../../../../corpus/syzkaller/report/", import.meta.url);

function marker(body: string): ArchId | undefined {
  if (/RIP: 00/.test(body)) return "x86_64";
  if (/pstate:|x29: /.test(body)) return "arm64";
  if (/PC is at|psr: /.test(body)) return "arm";
  if (/badaddr:/.test(body)) return "riscv64";
  if (/NIP:/.test(body)) return "ppc64";
  return undefined;
}

test("architecture of every crash agrees with the log's register-dump markers", () => {
  let checked = 0;
  const missing: string[] = [];
  const conflicting: string[] = [];
  for (const f of readdirSync(dir)) {
    const raw = readFileSync(new URL(f, dir), "latin1").replaceAll("\r", "");
    const body = raw.slice(raw.indexOf("\n\n") + 2).split("\nREPORT:\n")[0] ?? "";
    const want = marker(body);
    if (want === undefined) continue;
    checked++;
    const arches = new Set(parseLog(body).crashes.map((c) => c.arch));
    if (!arches.has(want)) missing.push(`${f}:${want}`);
    for (const a of arches) if (a !== undefined && a !== want) conflicting.push(`${f}:${want}->${a}`);
  }
  console.log(
    `arch: ${checked - missing.length}/${checked} logs with a marker give a crash of that arch`,
    missing,
    conflicting,
  );
  expect(checked).toBeGreaterThan(400);
  expect(conflicting).toEqual([]);
  expect(missing.length / checked).toBeLessThan(0.02);
}, 300_000);
