/**
 * arm64 call traces carry no `<IRQ>`/`<TASK>` markers: the stack context of each frame is read from
 * the entry points in the trace (CONTEXT_ENTRIES in frames.ts). The traces below are abridged from the
 * crash lab's arm64 captures (lab/crashes/arm64-null_table, arm64-wildcard_table: Debian 6.1 arm64
 * under qemu); the expected contexts come from how the kernel got there — a write(2) from init, and
 * ping's sendto(2) whose __local_bh_enable_ip ran the pending NET_RX softirq on the irq stack — not
 * from the parser's output.
 */

import { expect, test } from "vitest";
import { parseLog } from "./parse.js";

const head = (pc: string, lines: string[]) => [
  "[    4.150765] Unable to handle kernel NULL pointer dereference at virtual address 00000000000000b6",
  "[    4.156819] Internal error: Oops: 0000000096000006 [#1] SMP",
  "[    4.157292] Modules linked in: oopslab(OE)",
  "[    4.161608] pstate: 60000005 (nZCv daif -PAN -UAO -TCO -DIT -SSBS BTYPE=--)",
  `[    4.161608] pc : ${pc}`,
  "[    4.162700] sp : ffff80000800b8c0",
  "[    4.170429] Call trace:",
  ...lines.map((l) => `[    4.170741]  ${l}`),
  "[    4.172975] Code: 4a422021 4a020021 12000c21 9ba40c21 (39403823) ",
  "[    4.173711] ---[ end trace 0000000000000000 ]---",
];

const contexts = (text: string) => {
  const crash = parseLog(text).crashes[0];
  return crash?.frames.map((f) => [f.symbol, f.context]);
};

test("a syscall from user space (el0t_64_sync … el0_svc): every frame is task", () => {
  const trace = [
    "lab_null_table+0x30/0x70 [oopslab]",
    "proc_reg_write+0xac/0x100",
    "vfs_write+0xdc/0x3a0",
    "ksys_write+0x7c/0x11c",
    "__arm64_sys_write+0x24/0x30",
    "invoke_syscall+0x68/0xe0",
    "el0_svc_common.constprop.0+0x4c/0xf4",
    "do_el0_svc+0x2c/0x9c",
    "el0_svc+0x34/0xdc",
    "el0t_64_sync_handler+0xf4/0x120",
    "el0t_64_sync+0x18c/0x190",
  ];
  const got = contexts(head("lab_null_table+0x30/0x70 [oopslab]", trace).join("\n"));
  expect(got).toHaveLength(trace.length);
  expect(got?.every(([, c]) => c === "task")).toBe(true);
});

test("a softirq run from local_bh_enable in a syscall: softirq inside handle_softirqs, task outside", () => {
  const got = contexts(
    head("lab_alb_rcv+0x6c/0xb0 [oopslab]", [
      "lab_alb_rcv+0x6c/0xb0 [oopslab]",
      "__netif_receive_skb_core.constprop.0+0x450/0xe84",
      "process_backlog+0xbc/0x210",
      "net_rx_action+0x388/0x470",
      "handle_softirqs+0x118/0x300",
      "__do_softirq+0x1c/0x28",
      "call_on_irq_stack+0x30/0x48",
      "do_softirq+0x84/0x90",
      "__local_bh_enable_ip+0x98/0xa0",
      "__dev_queue_xmit+0x504/0xea0",
      "__arm64_sys_sendto+0x30/0x40",
      "el0_svc+0x34/0xdc",
      "el0t_64_sync+0x18c/0x190",
    ]).join("\n"),
  );
  expect(got).toEqual([
    ["lab_alb_rcv", "softirq"],
    ["__netif_receive_skb_core.constprop.0", "softirq"],
    ["process_backlog", "softirq"],
    ["net_rx_action", "softirq"],
    ["handle_softirqs", "softirq"],
    ["__do_softirq", "softirq"],
    ["call_on_irq_stack", "task"],
    ["do_softirq", "task"],
    ["__local_bh_enable_ip", "task"],
    ["__dev_queue_xmit", "task"],
    ["__arm64_sys_sendto", "task"],
    ["el0_svc", "task"],
    ["el0t_64_sync", "task"],
  ]);
});
