/**
 * A report printed after `Kernel panic - not syncing` and before the next boot comes from panic()
 * itself: the kernel is dying. On MIPS a panic in interrupt context stops the other CPUs with
 * smp_call_function(), which WARNs with interrupts off (kernel/smp.c:923, smp_call_function_many_cond);
 * that WARNING is the crash's aftermath, not a second crash. The log is the crash lab's
 * mips64el-wildcard capture (Debian 6.1 5kc-malta under qemu): one boot, one oops, then the panic and
 * the WARNING.
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { parseLog } from "./parse.js";

const log = readFileSync(join(__dirname, "../../../../lab/crashes/mips64el-wildcard/console.log"), "utf8");

test("the WARNING panic() prints while stopping the CPUs is not a second crash", () => {
  expect(log).toContain("Kernel panic - not syncing: Fatal exception in interrupt");
  expect(log).toContain("WARNING: CPU: 0 PID: 81 at kernel/smp.c:923 smp_call_function_many_cond");
  const p = parseLog(log);
  expect(p.boots).toHaveLength(1);
  expect(p.crashes).toHaveLength(1);
  expect(p.crashes[0]?.kind).toBe("paging-request");
  expect(p.crashes[0]?.pc?.symbol).toBe("lab_rcv");
});

test("after the next boot banner a report is a crash again", () => {
  const banner = log.split("\n").find((l) => l.includes("Linux version")) ?? "";
  const warn = log.slice(log.indexOf("------------[ cut here ]"));
  const p = parseLog(`${log}\n${banner}\n${warn}`);
  expect(p.boots).toHaveLength(2);
  expect(p.crashes).toHaveLength(2);
  expect(p.crashes[1]?.kind).toBe("warning");
  expect(p.crashes[1]?.boot).toBe(1);
});
