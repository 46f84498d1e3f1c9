/**
 * MIPS call traces carry no `<IRQ>`/`<TASK>` markers either: the stack context of each frame is read
 * from the entry points in the trace (CONTEXT_ENTRIES in frames.ts). The traces are the crash lab's
 * mips64el captures (lab/crashes/mips64el-*: Debian 6.1 5kc-malta under qemu); the expected contexts
 * come from how the kernel got there — init's write(2) (syscall_common, arch/mips/kernel/scall64-n64.S),
 * ping's sendto(2) whose __local_bh_enable_ip ran the pending NET_RX softirq (handle_softirqs), and the
 * watchdog's timer interrupt (handle_int, arch/mips/kernel/genex.S) over the spinning task.
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { parseLog } from "./parse.js";

const lab = join(__dirname, "../../../../lab/crashes");
const frames = (name: string) => {
  const crash = parseLog(readFileSync(join(lab, name, "console.log"), "utf8")).crashes[0];
  return (crash?.frames ?? []).map((f) => [f.symbol, f.context] as const);
};

test("a write(2) from init (… ksys_write ← syscall_common): every frame is task", () => {
  const got = frames("mips64el-null_table");
  expect(got.map(([s]) => s)).toEqual([
    "lab_null_table",
    "lab_write",
    "proc_reg_write",
    "vfs_write",
    "ksys_write",
    "syscall_common",
  ]);
  expect(got.every(([, c]) => c === "task")).toBe(true);
});

test("ping's sendto(2) runs NET_RX in __local_bh_enable_ip: softirq from handle_softirqs in, task out", () => {
  const got = frames("mips64el-wildcard_table");
  const at = got.findIndex(([s]) => s === "handle_softirqs");
  expect(at).toBeGreaterThan(0);
  expect(got[0]).toEqual(["lab_alb_rcv", "softirq"]);
  expect(got.slice(0, at + 1).every(([, c]) => c === "softirq")).toBe(true);
  expect(got.slice(at + 1).every(([, c]) => c === "task")).toBe(true);
  expect(got[got.length - 1]).toEqual(["syscall_common", "task"]);
});

test("a soft lockup: the watchdog's frames above handle_int are irq, the spinning lab_lockup below is task", () => {
  const got = frames("mips64el-lockup");
  const at = got.findIndex(([s]) => s === "handle_int");
  expect(got[0]).toEqual(["show_stack", "irq"]);
  expect(got[at]).toEqual(["handle_int", "irq"]);
  expect(got[at + 1]).toEqual(["lab_lockup", "task"]);
  expect(got.slice(at + 1).every(([, c]) => c === "task")).toBe(true);
});
