/**
 * The seed case (examples/seed): the MIPS64 Octeon oops in bonding.ko must parse to what issue 2's
 * "How it is checked" lists. The expected values come from the engineer's own write-up
 * (examples/seed/000_9ff384e645645ed1.txt and CASE.md: the epc/ra lines, BadVA, the register values
 * a0 = 0, v0 = 0x300, v1 = 0x30, s1 = 0x300 that explain 0x318, and objdump's words 92230018 … at
 * 0xea04..0xea18), not from this parser's output.
 */

import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import type { Crash } from "./model.js";
import { createLogParser, parseLog } from "./parse.js";

const root = new URL("../../../../", import.meta.url);
const oopsLog = readFileSync(new URL("examples/seed/oops.log", root), "utf8");
const writeUp = readFileSync(new URL("examples/seed/000_9ff384e645645ed1.txt", root), "utf8");

// The call trace as printed in the write-up (symbol, module).
const TRACE: [string, string | undefined][] = [
  ["rlb_arp_recv", "bonding"],
  ["netif_receive_skb", undefined],
  ["cvm_oct_napi_poll_38", "octeon_ethernet"],
  ["net_rx_action", undefined],
  ["__do_softirq", undefined],
  ["do_softirq", undefined],
  ["irq_exit", undefined],
  ["do_IRQ", undefined],
  ["octeon_irq_ip2_ciu", undefined],
  ["plat_irq_dispatch", undefined],
  ["ret_from_irq", undefined],
  ["r4k_wait", undefined],
  ["cpu_idle", undefined],
  ["rest_init", undefined],
  ["start_kernel", undefined],
];

function checkSeed(c: Crash): void {
  expect(c.arch).toBe("mips64");
  expect(c.endian).toBe("big");
  expect(c.cpuModel).toBe("Cavium Octeon II");
  expect(c.kind).toBe("paging-request");
  expect(c.fault.address).toBe(0x318n);
  // Cause 0x00800008: ExcCode (bits 6..2) = 2 = TLBL, a load — `lbu` reads.
  expect(c.fault.access).toBe("read");
  expect(c.pc).toEqual({
    address: 0xffffffffc0445a10n,
    symbol: "rlb_arp_recv",
    offset: 0x128n,
    size: 0x228n,
    module: "bonding",
  });
  expect(c.lr).toEqual({
    address: 0xffffffffc04459dcn,
    symbol: "rlb_arp_recv",
    offset: 0xf4n,
    size: 0x228n,
    module: "bonding",
  });
  expect(c.registers.s1).toBe(0x300n);
  expect(c.registers.a0).toBe(0n);
  expect(c.registers.v0).toBe(0x300n);
  expect(c.registers.v1).toBe(0x30n);
  expect(c.registers.s2).toBe(0xa8000000012d1600n);
  expect(c.registers.badva).toBe(0x318n);
  expect(c.registers.epc).toBe(0xffffffffc0445a10n);
  expect(c.registers.ra).toBe(0xffffffffc04459dcn);
  expect(c.cpu).toBe(0);
  expect(c.pid).toBe(0);
  expect(c.comm).toBe("swapper");
  expect(c.frames.map((f) => [f.symbol, f.module])).toEqual(TRACE);
  expect(c.frames.every((f) => f.reliable)).toBe(true);
  // CASE.md step 2: rlb_arp_recv ← netif_receive_skb ← cvm_oct_napi_poll_38 ← net_rx_action ← softirq
  // ← IRQ ← idle. The softirq runner and the interrupt entry split the trace into those contexts.
  expect(c.frames.map((f) => f.context)).toEqual([
    ...Array<string>(5).fill("softirq"), // rlb_arp_recv … __do_softirq
    ...Array<string>(6).fill("irq"), // do_softirq … ret_from_irq
    ...Array<string>(4).fill("task"), // r4k_wait (idle) … start_kernel
  ]);
  expect(c.frames[2]?.address).toBe(0xffffffffc0010154n);
  expect(c.tainted.letters).toBe("P");
  expect(c.tainted.meanings).toEqual(["a proprietary (non-GPL) module was loaded"]);
  expect(c.modules.map((m) => m.name).join(" ")).toBe(
    "bonding run raid vscsih iscsitgt disk vdisk cache service gmeta mpt2sas netlink bubble platform octeon_ethernet at24",
  );
  expect(c.modules.filter((m) => m.taint !== "").map((m) => `${m.name}(${m.taint})`)).toEqual(["run(P)", "cache(P)"]);
  expect(c.panic?.message).toBe("Fatal exception in interrupt");
  expect(c.aftermath?.[0]).toBe("*** NMI Watchdog interrupt on Core 0x01 ***");
  expect(c.aftermath?.some((l) => l === "*** Chip soft reset soon ***")).toBe(true);
  // The NMI dump's `ra 0xffffffff802dbc18` must not leak into the oops registers.
  expect(c.registers.ra).not.toBe(0xffffffff802dbc18n);
  // objdump in the write-up: ea04 de440268, ea08 70431003, ea0c 0082882d, ea10 92230018 (faulting).
  expect(c.code?.unitSize).toBe(4);
  expect(c.code?.faultIndex).toBe(12);
  expect([...(c.code?.bytes.slice(0, 16) ?? [])]).toEqual([
    0xde, 0x44, 0x02, 0x68, 0x70, 0x43, 0x10, 0x03, 0x00, 0x82, 0x88, 0x2d, 0x92, 0x23, 0x00, 0x18,
  ]);
}

describe("seed oops", () => {
  test("oops.log parses to the write-up's values", () => {
    const log = parseLog(oopsLog);
    expect(log.crashes).toHaveLength(1);
    const c = log.crashes[0];
    if (!c) throw new Error("no crash");
    checkSeed(c);
    expect(c.position.start).toBe(0);
    // The crash runs to the end of the aftermath (the last line, `*** Chip soft reset soon ***`).
    expect(oopsLog.slice(c.position.start, c.position.end).endsWith("*** Chip soft reset soon ***")).toBe(true);
  });

  test("the whole write-up: oops inside prose with a chat prefix", () => {
    const log = parseLog(writeUp);
    expect(log.crashes).toHaveLength(1);
    const c = log.crashes[0];
    if (!c) throw new Error("no crash");
    checkSeed(c);
    // Starts on the chat line `[2013/6/20 10:40:43] 方: CPU 0 Unable to handle …` and stops at the
    // end of the aftermath, before the prose resumes.
    const text = writeUp.slice(c.position.start, c.position.end);
    expect(text.startsWith("[2013/6/20 10:40:43]")).toBe(true);
    expect(text.endsWith("*** Chip soft reset soon ***")).toBe(true);
  });

  test("the same oops through every log form (CRLF, syslog, journal, dmesg -T, ANSI, caller tags)", () => {
    const lines = oopsLog.trimEnd().split("\n");
    const forms: Record<string, string> = {
      crlf: lines.join("\r\n"),
      syslog: lines.map((l) => `Jun 20 10:40:43 storage kernel: ${l}`).join("\n"),
      journal: lines.map((l) => `2013-06-20T10:40:43.123456+08:00 storage kernel: ${l}`).join("\n"),
      dmesgT: lines.map((l) => `[Thu Jun 20 10:40:43 2013] ${l}`).join("\n"),
      ansi: lines.map((l, i) => (i % 3 === 0 ? `\x1b[31m${l}\x1b[0m` : l)).join("\n"),
      caller: lines.map((l, i) => `[  ${(100 + i / 1000).toFixed(6)}][    C0] ${l}`).join("\n"),
    };
    for (const [name, text] of Object.entries(forms)) {
      const log = parseLog(text);
      expect(log.crashes, name).toHaveLength(1);
      const c = log.crashes[0];
      if (!c) throw new Error(name);
      checkSeed(c);
      expect(c.position.start, name).toBe(0);
    }
  });

  test("a reboot loop: the seed crash after three boots", () => {
    // Three boots of the same machine, each banner followed by the seed oops, stamped seconds apart.
    const stamp = (t: number, s: string): string =>
      s
        .split("\n")
        .map((l) => `[${t.toFixed(6).padStart(12)}] ${l}`)
        .join("\n");
    const banner = "Linux version 2.6.32.27-Cavium-Octeon (root@build) (gcc version 4.3.3) #1 SMP";
    const times = [41.5, 39.25, 44.0];
    const log = times.map((t) => `${stamp(0, banner)}\n${stamp(t, oopsLog.trimEnd())}\n`).join("");
    const parsed = parseLog(log);
    expect(parsed.boots).toHaveLength(3);
    expect(parsed.crashes).toHaveLength(3);
    expect(parsed.boots.map((b) => b.release)).toEqual([
      "2.6.32.27-Cavium-Octeon",
      "2.6.32.27-Cavium-Octeon",
      "2.6.32.27-Cavium-Octeon",
    ]);
    expect(parsed.boots.map((b) => b.secondsToCrash)).toEqual(times);
    expect(parsed.crashes.map((c) => c.boot)).toEqual([0, 1, 2]);
    expect(parsed.rebootLoops).toHaveLength(1);
    expect(parsed.rebootLoops[0]?.count).toBe(3);
    expect(parsed.rebootLoops[0]?.medianSecondsToCrash).toBe(41.5);
    for (const c of parsed.crashes) checkSeed(c);
    // The crash release comes from the boot banner when the oops does not print it.
    expect(parsed.crashes[0]?.kernel.release).toBe("2.6.32.27-Cavium-Octeon");
  });

  test("streaming: any chunking gives the same crashes at the same positions", () => {
    const stamp = (s: string): string =>
      s
        .split("\n")
        .map((l) => `[   12.000000] ${l}`)
        .join("\n");
    const noise = Array.from(
      { length: 400 },
      (_, i) => `[    1.${String(i).padStart(6, "0")}] usb 1-1: noise line ${i}`,
    ).join("\n");
    const banner = "[    0.000000] Linux version 2.6.32.27 (root@build) #1 SMP";
    const log = Array.from({ length: 5 }, () => `${banner}\n${noise}\n${stamp(oopsLog.trimEnd())}\n`).join("");
    const whole = parseLog(log);
    expect(whole.crashes).toHaveLength(5);
    const sizes = [1, 7, 100, 997, 4096];
    for (const size of sizes) {
      // A small pass size forces many passes; each crash waits for the banner that ends it.
      const p = createLogParser({ window: 8192, overlap: 1024 });
      for (let i = 0; i < log.length; i += size) p.push(log.slice(i, i + size));
      const got = p.finish();
      expect(got.crashes.map((c) => [c.position.start, c.position.end])).toEqual(
        whole.crashes.map((c) => [c.position.start, c.position.end]),
      );
      for (const c of got.crashes) checkSeed(c);
      expect(got.boots.map((b) => b.position.start)).toEqual(whole.boots.map((b) => b.position.start));
      expect(got.rebootLoops[0]?.count).toBe(5);
    }
    // With a look-ahead shorter than a crash, streaming and whole-text parsing still agree.
    const short = { window: 4096, lookAhead: 4096, overlap: 1024 };
    const wholeShort = parseLog(log, short);
    const p = createLogParser(short);
    for (let i = 0; i < log.length; i += 333) p.push(log.slice(i, i + 333));
    expect(p.finish().crashes.map((c) => c.position)).toEqual(wholeShort.crashes.map((c) => c.position));
  });
});
