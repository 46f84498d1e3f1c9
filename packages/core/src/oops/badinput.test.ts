/**
 * Bad input: empty text, binary junk, half an oops, thousands of crashes, a huge line without a
 * newline. Each must give a result (or a typed error) quickly — never a throw of another kind or a
 * hang. The expected counts are constructed by the test itself (how many oopses it put in).
 */

import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { createLogParser, parseLog } from "./parse.js";

const root = new URL("../../../../", import.meta.url);
const seed = readFileSync(new URL("examples/seed/oops.log", root), "utf8").trimEnd();

describe("bad input", () => {
  test("empty input: no boots, no crashes", () => {
    expect(parseLog("")).toEqual({ boots: [], crashes: [], rebootLoops: [] });
    const p = createLogParser();
    p.push("");
    expect(p.finish().crashes).toEqual([]);
  });

  test("binary junk: no crash, no throw", () => {
    // A deterministic byte soup decoded the way the CLI decodes (U+FFFD for invalid UTF-8).
    let x = 12345;
    const bytes = new Uint8Array(1 << 20);
    for (let i = 0; i < bytes.length; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      bytes[i] = x >>> 24;
    }
    const text = new TextDecoder().decode(bytes);
    const log = parseLog(text);
    expect(log.crashes).toEqual([]);
  });

  test("half an oops (cut in the register dump) still yields the fields printed so far", () => {
    const lines = seed.split("\n");
    const half = lines.slice(0, 7).join("\n"); // header, Oops[#1], Cpu 0, rows $0..$12
    const log = parseLog(half);
    expect(log.crashes).toHaveLength(1);
    const c = log.crashes[0];
    expect(c?.arch).toBe("mips64");
    expect(c?.fault.address).toBe(0x318n);
    expect(c?.registers.v0).toBe(0x300n);
    expect(c?.registers.s1).toBeUndefined(); // $17 was not printed yet
    expect(c?.frames).toEqual([]);
    expect(c?.code).toBeUndefined();
  });

  test("a crash whose last line has no newline, pushed one character at a time", () => {
    const p = createLogParser({ window: 64 });
    for (const ch of seed) p.push(ch);
    const log = p.finish();
    expect(log.crashes).toHaveLength(1);
    expect(log.crashes[0]?.panic?.message).toBe("Fatal exception in interrupt");
  });

  test("10,000 crashes in one log: all found, in order, in bounded time", () => {
    const one = `[  1.000000] BUG: kernel NULL pointer dereference, address: 0000000000000008\n[  1.000001] Oops: 0000 [#1] SMP\n[  1.000002] RIP: 0010:foo+0x1/0x10\n[  1.000003] Call Trace:\n[  1.000004]  bar+0x2/0x20\n[  1.000005] ---[ end trace 0000000000000000 ]---\n`;
    const log = one.repeat(10_000);
    const t0 = performance.now();
    const parsed = parseLog(log);
    const ms = performance.now() - t0;
    expect(parsed.crashes).toHaveLength(10_000);
    expect(parsed.crashes[9999]?.position.start).toBe(one.length * 9999);
    expect(parsed.crashes.every((c) => c.fault.address === 8n && c.pc?.symbol === "foo")).toBe(true);
    // Linear: far below a second per thousand crashes even on a loaded machine.
    expect(ms).toBeLessThan(60_000);
  }, 120_000);

  test("one 8 MiB line without a newline: no crash, no hang", () => {
    const text = "x".repeat(8 << 20);
    const p = createLogParser();
    p.push(text);
    expect(p.finish().crashes).toEqual([]);
  });

  test("crash headers alone (no dump) give crashes without fields, not errors", () => {
    const log = parseLog("Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000009\n");
    expect(log.crashes).toHaveLength(1);
    expect(log.crashes[0]?.kind).toBe("panic");
    expect(log.crashes[0]?.panic?.message).toBe("Attempted to kill init! exitcode=0x00000009");
    expect(log.crashes[0]?.arch).toBeUndefined();
  });
});
