/**
 * End-to-end tests of the `oopscope` command, run in-process through `main(argv, io)` with captured
 * output: the seed oops (facts from examples/seed/CASE.md), stdin, several files as JSON Lines, a crash
 * across read-chunk boundaries, empty input, binary junk, usage errors and help. One test also spawns
 * the installed bin to check the real exit status.
 */

import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { checkSchema, type SchemaNode } from "@oopscope/core";
import { describe, expect, it } from "vitest";
import type { CliIO } from "./io.js";
import { main } from "./main.js";

const root = join(import.meta.dirname, "../../..");
const seedPath = join(root, "examples/seed/oops.log");
const seed = readFileSync(seedPath);
const report = (n: number) => join(root, "corpus/syzkaller/report", String(n));
const tmp = mkdtempSync(join(tmpdir(), "oopscope-cli-"));

function run(argv: string[], opts: { stdin?: Uint8Array[]; chunkSize?: number; tty?: boolean } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  async function* stdin() {
    for (const c of opts.stdin ?? []) yield c;
  }
  const io: CliIO = {
    stdout: { write: (s: string) => out.push(s), isTTY: opts.tty ?? false },
    stderr: { write: (s: string) => err.push(s), isTTY: false },
    stdin: stdin(),
  };
  if (opts.chunkSize) io.chunkSize = opts.chunkSize;
  return main(argv, io).then((code) => ({ code, out: out.join(""), err: err.join("") }));
}

/** The header block of a syzkaller report file: `TITLE:` empty or missing means "no crash". */
function expectsCrash(n: number): boolean {
  const head = readFileSync(report(n), "latin1").split("\n\n")[0] ?? "";
  return /^TITLE: \S/m.test(head);
}

describe("oopscope analyze on the seed (examples/seed/CASE.md)", () => {
  it("exits 0 and reports the fault, where, the registers that matter, the trace, taint and panic", async () => {
    const r = await run(["analyze", seedPath]);
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
    const o = r.out;
    expect(o).toContain("rlb_arp_recv+0x128/0x228 [bonding]");
    expect(o).toContain("0x318");
    expect(o).toContain("MIPS64");
    expect(o).toContain("Cavium Octeon II");
    expect(o).toMatch(/s1\s+= 0x300\b/);
    expect(o).toContain("cvm_oct_napi_poll_38+0x7ac/0x10e8 [octeon_ethernet]");
    expect(o).toContain("Fatal exception in interrupt");
    expect(o).toContain("proprietary");
    // The faulting instruction, marked, as the engineer's objdump shows it: lbu v1,24(s1).
    expect(o).toMatch(/>>.*92230018\s+lbu\s+\$?v1, ?(24|0x18)\(\$?s1\)/);
    // The explanation of CASE.md step 4: s1 + 0x18 = 0x318 = BadVA; a0 = 0 loaded from [s2+0x268];
    // element 0x10 of an array of 0x30-byte elements.
    expect(o).toMatch(/\[s1 \+ 0x18\] = 0x318 — matches the fault address/);
    expect(o).toContain("[s2+0x268]");
    expect(o).toMatch(/index 0x10 × stride 0x30/);
    expect(o).not.toContain("\x1b[");
  });

  it("colours only when asked", async () => {
    expect((await run(["analyze", "--color", seedPath])).out).toContain("\x1b[");
    expect((await run(["analyze", seedPath], { tty: true })).out).toContain("\x1b[");
    expect((await run(["analyze", "--no-color", seedPath], { tty: true })).out).not.toContain("\x1b[");
  });

  it("reads stdin with no file and with -", async () => {
    for (const argv of [["analyze"], ["analyze", "-"]]) {
      const r = await run(argv, { stdin: [seed.subarray(0, 333), seed.subarray(333)] });
      expect(r.code).toBe(0);
      expect(r.out).toContain("oopscope: - —");
      expect(r.out).toContain("rlb_arp_recv+0x128/0x228 [bonding]");
    }
  });

  it("--json gives the schema's fields with hex strings", async () => {
    const r = await run(["analyze", "--json", seedPath]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.schemaVersion).toBe("1.0");
    expect(doc.source).toBe(seedPath);
    expect(doc.crashes).toHaveLength(1);
    const c = doc.crashes[0];
    expect(c.arch).toBe("mips64");
    expect(c.endian).toBe("big");
    expect(c.fault.address).toBe("0x318");
    expect(c.pc).toEqual({
      address: "0xffffffffc0445a10",
      symbol: "rlb_arp_recv",
      offset: "0x128",
      size: "0x228",
      module: "bonding",
    });
    expect(c.ra.symbol).toBe("rlb_arp_recv");
    expect(c.ra.offset).toBe("0xf4");
    expect(c.registers).toMatchObject({ s1: "0x300", a0: "0x0", v0: "0x300", v1: "0x30", s2: "0xa8000000012d1600" });
    expect(c.tainted.letters).toBe("P");
    expect(c.panic.message).toBe("Fatal exception in interrupt");
    expect(c.frames).toHaveLength(15);
    expect(c.frames[2]).toMatchObject({ symbol: "cvm_oct_napi_poll_38", module: "octeon_ethernet" });
    expect(c.modules).toContainEqual({ name: "run", taint: "P" });
    expect(c.modules).toContainEqual({ name: "bonding", taint: "" });
    const faulting = c.code.instructions.filter((i: { faulting: boolean }) => i.faulting);
    expect(faulting).toHaveLength(1);
    expect(faulting[0].bytes).toBe("92 23 00 18");
    expect(faulting[0].text).toMatch(/^lbu \$?v1, ?(24|0x18)\(\$?s1\)$/);
    const e = c.explanation;
    expect(e.access).toMatchObject({ base: "s1", disp: "0x18", effectiveAddress: "0x318", matchesFaultAddress: true });
    expect(e.verdict).toMatchObject({ pointer: "0x0", index: "0x10", stride: "0x30", fieldOffset: "0x18" });
    expect(e.verdict.loadedFrom).toMatchObject({ object: "0xa8000000012d1600", offset: "0x268" });
  });

  it("--markdown gives a bug-tracker report", async () => {
    const r = await run(["analyze", "--markdown", seedPath]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^# oopscope: /);
    expect(r.out).toContain("`rlb_arp_recv+0x128/0x228 [bonding]`");
    expect(r.out).toContain("```");
  });
});

describe("several inputs", () => {
  it("prints JSON Lines, one document per input in order, each naming its source", async () => {
    // report/100 expects a crash; find one in the corpus that expects none.
    const none = readdirSync(join(root, "corpus/syzkaller/report"))
      .map(Number)
      .sort((a, b) => a - b)
      .find((n) => !expectsCrash(n));
    expect(none).toBeDefined();
    const files = [seedPath, report(none!), report(100)];
    const r = await run(["analyze", "--json", ...files]);
    const lines = r.out.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    const docs = lines.map((l) => JSON.parse(l));
    expect(docs.map((d) => d.source)).toEqual(files);
    expect(docs[0].crashes[0].fault.address).toBe("0x318");
    expect(docs[1].crashes).toEqual([]);
    expect(docs[2].crashes.length).toBeGreaterThan(0);
    expect(r.code).toBe(0);
  });

  it("exit 1 when no input holds a crash, 2 when one is bad (and still a document for it)", async () => {
    const none = readdirSync(join(root, "corpus/syzkaller/report"))
      .map(Number)
      .find((n) => !expectsCrash(n))!;
    expect((await run(["analyze", report(none)])).code).toBe(1);
    const junk = join(tmp, "junk.bin");
    writeFileSync(junk, new Uint8Array(4096));
    const r = await run(["analyze", "--json", seedPath, junk]);
    expect(r.code).toBe(2);
    const docs = r.out
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(docs[1]).toMatchObject({ source: junk, error: { code: "E_INPUT_BINARY" }, crashes: [] });
    // Both documents, the error one included, follow the published schema.
    const schema = JSON.parse(readFileSync(join(root, "docs/analysis.schema.json"), "utf8")) as SchemaNode;
    for (const d of docs) expect(checkSchema(d, schema)).toEqual([]);
  });
});

describe("streaming", () => {
  it("finds the same crash whatever the read size, including a crash spanning chunk boundaries", async () => {
    // The seed embedded in a real syzkaller log, read in 997-byte chunks: its 5 KB cross several.
    const log = Buffer.concat([readFileSync(report(100)), Buffer.from("\n"), seed, readFileSync(report(100))]);
    const path = join(tmp, "mixed.log");
    writeFileSync(path, log);
    const whole = JSON.parse((await run(["analyze", "--json", path])).out);
    for (const chunkSize of [997, 64 * 1024 + 3]) {
      const chunked = JSON.parse((await run(["analyze", "--json", path], { chunkSize })).out);
      expect(chunked).toEqual(whole);
    }
    const s = whole.crashes.find((c: { fault: { address: string } }) => c.fault.address === "0x318");
    expect(s).toBeDefined();
    const start = log.indexOf(seed);
    expect(s.position.start).toBeGreaterThanOrEqual(start);
    expect(s.position.start).toBeLessThan(start + 200);
  });
});

describe("bad input and usage", () => {
  it("empty input: exit 1 with a clear message", async () => {
    const empty = join(tmp, "empty.log");
    writeFileSync(empty, "");
    const r = await run(["analyze", empty]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${empty}: the input is empty`);
    expect((await run(["analyze"], { stdin: [] })).code).toBe(1);
  });

  it("binary junk, ELF and gzip: exit 2 with E_INPUT_BINARY and what to do", async () => {
    let x = 7;
    const junk = join(tmp, "random.bin");
    writeFileSync(
      junk,
      Uint8Array.from({ length: 100_000 }, () => {
        x = (x * 1103515245 + 12345) & 0x7fffffff;
        return x >> 16;
      }),
    );
    const r = await run(["analyze", junk]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/does not look like text.*\[E_INPUT_BINARY\]/);
    expect(r.out).toBe("");
    const elfDir = join(root, "packages/core/test-data/fixtures/aarch64");
    const ko = join(elfDir, readdirSync(elfDir).find((f) => f.endsWith(".ko"))!);
    expect((await run(["analyze", ko])).err).toContain("--vmlinux");
    const gz = join(tmp, "seed.log.gz");
    writeFileSync(gz, gzipSync(seed));
    const g = await run(["analyze", gz]);
    expect(g.code).toBe(2);
    expect(g.err).toContain("zcat");
  });

  it("half an oops (the seed cut after 20 lines) still gives the fault and where, with no trace", async () => {
    const half = join(tmp, "half.log");
    writeFileSync(half, seed.toString("utf8").split("\n").slice(0, 20).join("\n"));
    const r = await run(["analyze", "--json", half]);
    expect(r.code).toBe(0);
    const c = JSON.parse(r.out).crashes[0];
    expect(c.fault.address).toBe("0x318");
    expect(c.pc.symbol).toBe("rlb_arp_recv");
    expect(c.frames).toEqual([]);
    expect(c.code).toBeNull();
  });

  it("one 8 MB line without a newline is read in chunks and gives no crash (exit 1), not a hang", async () => {
    const long = join(tmp, "long.log");
    writeFileSync(long, "x".repeat(8 * 1024 * 1024));
    const r = await run(["analyze", long]);
    expect(r.code).toBe(1);
    expect(r.out).toContain("No kernel crash found");
  });

  it("usage errors exit 2", async () => {
    expect((await run(["analyze", "--json", "--markdown", seedPath])).code).toBe(2);
    expect((await run(["analyze", "--bogus"])).code).toBe(2);
    expect((await run(["frobnicate"])).code).toBe(2);
    expect((await run([])).code).toBe(2);
    const missing = await run(["analyze", join(tmp, "nope.log")]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("ENOENT");
    expect((await run(["analyze", "--vmlinux", join(tmp, "no-vmlinux"), seedPath])).code).toBe(2);
  });

  it("--vmlinux/--src that cannot be used yet are reported, never silently ignored", async () => {
    const r = await run(["analyze", "--src", tmp, seedPath]);
    expect(r.code).toBe(0);
    expect(r.err).toContain("--src");
    expect(r.out).toContain("--src");
  });
});

describe("help and version", () => {
  it("teaches with examples", async () => {
    const top = await run(["--help"]);
    expect(top.code).toBe(0);
    expect(top.out).toContain("analyze");
    const h = await run(["analyze", "--help"]);
    expect(h.code).toBe(0);
    expect(h.out).toContain("Examples:");
    expect(h.out).toContain("Exit status:");
    expect(h.out).toContain("--json");
  });

  it("prints the package version", async () => {
    const pkg = JSON.parse(readFileSync(join(root, "packages/cli/package.json"), "utf8"));
    const r = await run(["--version"]);
    expect(r.out).toBe(`oopscope ${pkg.version}\n`);
  });

  it("the installed bin exits with the documented status", () => {
    const bin = join(root, "packages/cli/bin/oopscope.js");
    const ok = spawnSync(process.execPath, [bin, "analyze", seedPath], { encoding: "utf8" });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain("rlb_arp_recv");
    const bad = spawnSync(process.execPath, [bin, "analyze", "-"], { input: new Uint8Array(512), encoding: "utf8" });
    expect(bad.status).toBe(2);
  });
});

describe("analyze --modules: frames symbolized by symbol+offset in the module's .ko", () => {
  it("the faulting pc of an oops in lb_pick [lb_O2_dwarf4] gets the oracle's inline chain", async () => {
    // The seed oops with its faulting function swapped for a fixture module's (MIPS64 big-endian, like
    // the seed). Oracle (packages/core/test-data/oracle/mips64/lb-O2-dwarf4.ko.txt): lb_pick is at
    // .text 0, and .text 0x10 is lb_mix32 at lb.h:116:4 inlined into lb_pick at lb_alb.c:47:6.
    const text = seed
      .toString("utf8")
      .replaceAll("rlb_arp_recv+0x128/0x228 [bonding]", "lb_pick+0x10/0x100 [lb_O2_dwarf4]");
    const log = join(tmp, "lb.log");
    writeFileSync(log, text);
    const r = await run(["analyze", "--json", "--modules", join(root, "packages/core/test-data/fixtures/mips64"), log]);
    expect(r.code).toBe(0);
    const c = JSON.parse(r.out).crashes[0];
    expect(c.pc.symbol).toBe("lb_pick");
    expect(c.sources.filter((s: { frame: number }) => s.frame === -1)).toEqual([
      { frame: -1, function: "lb_mix32", file: "/src/oopscope-fixtures/lb.h", line: 116, column: 4, inlined: true },
      { frame: -1, function: "lb_pick", file: "/src/oopscope-fixtures/lb_alb.c", line: 47, column: 6, inlined: false },
    ]);
    // Kernel frames need --vmlinux and octeon_ethernet has no .ko here: said once each, not per frame.
    const messages = c.notes.map((n: { message: string }) => n.message);
    expect(messages.filter((m: string) => m.includes("--vmlinux"))).toHaveLength(1);
    expect(messages.filter((m: string) => m.includes("octeon_ethernet"))).toHaveLength(1);
    const term = await run(["analyze", "--modules", join(root, "packages/core/test-data/fixtures/mips64"), log]);
    expect(term.out).toContain("lb_mix32 at /src/oopscope-fixtures/lb.h:116:4");
  });
});

describe("decode (scripts/decode_stacktrace.sh's argument order, as a filter)", () => {
  it("adds file:line and [inline] lines from the oracle's answer, strips base_path, keeps other lines", async () => {
    const text = seed
      .toString("utf8")
      .replaceAll("rlb_arp_recv+0x128/0x228 [bonding]", "lb_pick+0x10/0x100 [lb_O2_dwarf4]");
    const mips = join(root, "packages/core/test-data/fixtures/mips64");
    const r = await run(["decode", join(mips, "lb-O2-dwarf4.elf"), "/src/oopscope-fixtures", mips], {
      stdin: [Buffer.from(text)],
    });
    expect(r.code).toBe(0);
    const out = r.out.split("\n");
    // Oracle: .text 0x10 of lb-O2-dwarf4.ko = lb_mix32 lb.h:116 inlined into lb_pick lb_alb.c:47.
    expect(out).toContain("[<ffffffffc0445a10>] lb_mix32 lb.h:116 [inline]");
    expect(out).toContain("[<ffffffffc0445a10>] lb_pick+0x10/0x100 lb_alb.c:47 [lb_O2_dwarf4]");
    expect(out).toContain("epc : ffffffffc0445a10 lb_pick+0x10/0x100 lb_alb.c:47 [lb_O2_dwarf4]");
    // Unresolvable lines pass through untouched.
    expect(out).toContain("[<ffffffff807a7648>] netif_receive_skb+0x3f0/0x4d8");
    expect(out.length).toBe(text.split("\n").length + 2);
  });

  it("exits 2 without a readable vmlinux", async () => {
    expect((await run(["decode"])).code).toBe(2);
    expect((await run(["decode", join(tmp, "no-vmlinux")], { stdin: [] })).code).toBe(2);
  });
});
