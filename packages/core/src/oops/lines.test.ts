/**
 * Tests for log-line normalisation. The oracle for the stamp / caller-tag stripping is syzkaller's
 * own expectation: the corpus files with a `REPORT:` section carry the report text as syzkaller
 * extracts it (stamps and `[Tnnn]` tags removed), so every line of that text must be one of our
 * normalised lines of the log. The other forms follow the formats documented for dmesg(1) (`-T`,
 * `-x`), journalctl(1) (`-o short`, `short-precise`, `short-iso`), /dev/kmsg
 * (Documentation/ABI/testing/dev-kmsg) and RFC 3164 / RFC 3339.
 */

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { normaliseLine, scanLogLines, splitLogLines } from "./lines.js";

const REPORT_DIR = join(import.meta.dirname, "../../../../corpus/syzkaller/report");

function readCorpus(name: string): { log: string; report?: string } {
  const text = new TextDecoder("utf-8").decode(readFileSync(join(REPORT_DIR, name))).replaceAll("\r", "");
  const body = text.slice(text.indexOf("\n\n") + 2);
  const cut = body.indexOf("\nREPORT:\n");
  if (cut < 0) return { log: body };
  return { log: body.slice(0, cut), report: body.slice(cut + "\nREPORT:\n".length) };
}

describe("normaliseLine on the syzkaller corpus", () => {
  const withReport = readdirSync(REPORT_DIR)
    .filter((n) => /^\d+$/.test(n))
    .map((n) => ({ n, ...readCorpus(n) }))
    .filter((c) => c.report !== undefined);

  it("finds the corpus files that carry an expected report", () => {
    // corpus/syzkaller/README.md: 18 report files have a REPORT: section.
    expect(withReport.length).toBe(18);
  });

  for (const c of withReport) {
    it(`every line of the expected report of ${c.n} is a normalised log line`, () => {
      const got = new Set(splitLogLines(c.log).map((l) => l.text));
      const want = c.report!.split("\n").filter((l) => l.trim() !== "");
      const missing = want.filter((l) => !got.has(l));
      expect(missing).toEqual([]);
    });
  }
});

describe("normaliseLine forms", () => {
  const one = (s: string) => normaliseLine(s, 0, s.length);

  it("strips mail quote marks and counts them, before the stamp and with the frame indentation kept", () => {
    const one = "> [   12.345678]  ? lab_write+0x1a4/0x38e [oopslab]";
    const l = normaliseLine(one, 0, one.length);
    expect(l.quote).toBe(1);
    expect(l.time).toBe(12.345678);
    expect(l.text).toBe(" ? lab_write+0x1a4/0x38e [oopslab]");
    const deep = ">> > RIP: 0010:lab_lockup+0xe/0x10 [oopslab]";
    const d = normaliseLine(deep, 0, deep.length);
    expect(d.quote).toBe(3);
    expect(d.text).toBe("RIP: 0010:lab_lockup+0xe/0x10 [oopslab]");
    const plain = "RIP: 0010:lab_lockup+0xe/0x10 [oopslab]";
    expect(normaliseLine(plain, 0, plain.length).quote).toBeUndefined();
  });

  it("strips a printk timestamp and keeps the seconds", () => {
    const l = one("[ 3416.916116] Kernel panic - not syncing: sysrq triggered crash");
    expect(l.text).toBe("Kernel panic - not syncing: sysrq triggered crash");
    expect(l.time).toBe(3416.916116);
    expect(l.caller).toBeUndefined();
  });

  it("strips the caller tag and keeps it, and keeps the frame indentation", () => {
    const l = one("[ 3416.921462][ T5831]  dump_stack+0x1db/0x2d0");
    expect(l.text).toBe(" dump_stack+0x1db/0x2d0");
    expect(l.caller).toBe("T5831");
    expect(l.bodyStart).toBe(23);
    expect(one("[   12.000001][    C1] <IRQ>").caller).toBe("C1");
  });

  it("does not mistake an address in brackets for a stamp", () => {
    const l = one("[<ffffffff81234567>] foo+0x1/0x2");
    expect(l.text).toBe("[<ffffffff81234567>] foo+0x1/0x2");
    expect(l.time).toBeUndefined();
  });

  it("strips RFC 3164 / journalctl -o short prefixes and names the identifier", () => {
    const l = one("Nov 25 10:00:00 host kernel: [   12.345678] BUG: unable to handle page fault");
    expect(l.text).toBe("BUG: unable to handle page fault");
    expect(l).toMatchObject({ ident: "kernel", host: "host", syslogTime: "Nov 25 10:00:00", time: 12.345678 });
    const p = one("Nov  5 10:00:00.123456 box kernel: Call Trace:");
    expect(p).toMatchObject({ text: "Call Trace:", syslogTime: "Nov  5 10:00:00.123456" });
    const other = one("Nov 25 10:00:01 host systemd[1]: Started foo.");
    expect(other).toMatchObject({ ident: "systemd", text: "Started foo." });
  });

  it("strips RFC 3339 / journalctl -o short-iso prefixes", () => {
    expect(one("2026-11-25T10:00:00+0000 host kernel: Oops: 0000 [#1] SMP").text).toBe("Oops: 0000 [#1] SMP");
    expect(one("2026-11-25T10:00:00.123456+00:00 h kernel: RIP: 0010:foo").text).toBe("RIP: 0010:foo");
  });

  it("strips dmesg -T and dmesg -x decorations", () => {
    const t = one("[Wed Nov 25 10:00:00 2026] general protection fault");
    expect(t).toMatchObject({ text: "general protection fault", wallTime: "Wed Nov 25 10:00:00 2026" });
    const x = one("kern  :warn  : [   12.345678] WARNING: CPU: 0 PID: 1");
    expect(x).toMatchObject({ text: "WARNING: CPU: 0 PID: 1", level: 4, time: 12.345678 });
  });

  it("strips printk levels and /dev/kmsg record heads", () => {
    expect(one("<4>[   12.345678] ------------[ cut here ]------------")).toMatchObject({
      text: "------------[ cut here ]------------",
      level: 4,
      time: 12.345678,
    });
    expect(one("4,1234,12345678,-;WARNING: at foo")).toMatchObject({
      text: "WARNING: at foo",
      level: 4,
      time: 12.345678,
    });
    expect(one("<12>hello").level).toBe(4);
  });

  it("removes carriage returns and ANSI colour escapes", () => {
    const l = one("\x1b[0m\r[    1.000000] \x1b[1;31mKernel panic\x1b[0m - not syncing\r");
    expect(l.text).toBe("Kernel panic - not syncing");
    expect(l.time).toBe(1);
  });
});

describe("scanLogLines", () => {
  it("keeps raw offsets so each line maps back into the input", () => {
    const input = "[    0.000000] a\r\n\n[    1.5] b\nlast";
    const lines = splitLogLines(input);
    expect(lines.map((l) => l.text)).toEqual(["a", "", "b", "last"]);
    expect(lines.map((l) => input.slice(l.start, l.end))).toEqual(["[    0.000000] a\r", "", "[    1.5] b", "last"]);
  });

  it("stops when the visitor returns false and has no lines for empty input", () => {
    const seen: string[] = [];
    scanLogLines("a\nb\nc", (l) => {
      seen.push(l.text);
      return l.text !== "b";
    });
    expect(seen).toEqual(["a", "b"]);
    expect(splitLogLines("")).toEqual([]);
  });

  it("tolerates replacement characters from a lossy decode", () => {
    const bytes = Uint8Array.from([0x5b, 0x20, 0x31, 0x2e, 0x30, 0x5d, 0x20, 0xff, 0xfe, 0x41]);
    const s = new TextDecoder("utf-8").decode(bytes);
    expect(splitLogLines(s)[0]).toMatchObject({ text: "\ufffd\ufffdA", time: 1 });
  });
});

describe("interleaved console text", () => {
  it("strips a getty login prompt printed before the kernel stamp (corpus/syzkaller/report/118)", () => {
    const l = normaliseLine("syzkaller login: [   16.305150] INFO: trying to register non-static key.", 0, 72);
    expect(l).toMatchObject({
      text: "INFO: trying to register non-static key.",
      time: 16.30515,
      interleaved: "syzkaller login: ",
    });
  });

  it("strips printk's dropped-messages notice before a stamp", () => {
    const s = "** 3 printk messages dropped ** [   99.000001] Call Trace:";
    expect(normaliseLine(s, 0, s.length)).toMatchObject({ text: "Call Trace:", time: 99.000001 });
  });
});
