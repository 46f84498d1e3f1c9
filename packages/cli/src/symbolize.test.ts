/**
 * `oopscope symbolize` against the committed oracle answers (packages/core/test-data/oracle, written by
 * scripts/fixtures/oracle.mjs from llvm-symbolizer and GNU addr2line): every address where both oracles
 * agree must give the same frames — function, file, line, column, inlined — through the CLI, for a
 * relocatable x86-64 module (section offsets), a linked x86-64 object (absolute addresses) and a
 * big-endian MIPS64 module with an `.init.text` section. Plus `symbol+offset` queries and bad usage.
 */

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseQuery } from "./commands/symbolize.js";
import type { CliIO } from "./io.js";
import { main } from "./main.js";

const root = join(import.meta.dirname, "../../..");
const fixtures = join(root, "packages/core/test-data/fixtures");
const oracles = join(root, "packages/core/test-data/oracle");

interface Frame {
  function: string | null;
  file: string | null;
  line: number;
  column: number;
  inlined: boolean;
}

/** Rows of an oracle file where llvm-symbolizer and addr2line agree (`=`), grouped by section. */
function agreedRows(arch: string, file: string): Map<string, { addr: string; frames: Frame[] }[]> {
  const text = readFileSync(join(oracles, arch, `${file}.txt`), "utf8");
  const files = new Map<string, string>();
  const bySection = new Map<string, { addr: string; frames: Frame[] }[]>();
  for (const line of text.split("\n")) {
    const f = /^#file (\d+) ?(.*)$/.exec(line);
    if (f?.[1]) files.set(f[1], f[2] ?? "");
    if (!line || line.startsWith("#")) continue;
    const [section, addr, llvm, gnu] = line.split("\t");
    if (!section || !addr || !llvm || gnu !== "=") continue;
    const parts = llvm.split("|");
    const frames = parts.map((p, i): Frame => {
      const m = /^(.*)@(\d+):(\d+)(?::(\d+))?$/.exec(p);
      if (!m) throw new Error(`bad oracle frame ${p}`);
      const fn = m[1] === "??" ? null : (m[1] ?? null);
      const path = files.get(m[2] ?? "") || null;
      return { function: fn, file: path, line: Number(m[3]), column: Number(m[4] ?? 0), inlined: i < parts.length - 1 };
    });
    const list = bySection.get(section) ?? [];
    list.push({ addr, frames });
    bySection.set(section, list);
  }
  return bySection;
}

async function run(argv: string[], stdin: string[] = []) {
  const out: string[] = [];
  const err: string[] = [];
  async function* input() {
    for (const s of stdin) yield new TextEncoder().encode(s);
  }
  const io: CliIO = {
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s) },
    stdin: input(),
  };
  const code = await main(argv, io);
  return { code, out: out.join(""), err: err.join("") };
}

describe.each([
  ["x86_64", "lb-O2-dwarf5.ko"],
  ["x86_64", "lb-O2-dwarf5.elf"],
  ["mips64", "lb-O2-dwarf4.ko"],
])("symbolize --json on %s/%s agrees with llvm-symbolizer and addr2line", (arch, file) => {
  for (const [section, rows] of agreedRows(arch, file)) {
    it(`every agreed address of ${section} (${rows.length})`, async () => {
      expect(rows.length).toBeGreaterThan(10);
      const linked = file.endsWith(".elf");
      const args = ["symbolize", "--json", "--obj", join(fixtures, arch, file)];
      if (!linked) args.push("--section", section);
      const r = await run([...args, ...rows.map((x) => `0x${x.addr}`)]);
      expect(r.err).toBe("");
      const doc = JSON.parse(r.out) as { input: string; frames: Frame[] }[];
      expect(doc.map((d) => d.input)).toEqual(rows.map((x) => `0x${x.addr}`));
      const wrong = doc.filter((d, i) => JSON.stringify(d.frames) !== JSON.stringify(rows[i]?.frames));
      expect(wrong.slice(0, 3)).toEqual([]);
    });
  }
});

describe("symbolize queries", () => {
  it("symbol+offset answers as the address it names (the oracle's row .text 0x10 of lb_pick)", async () => {
    const rows = agreedRows("x86_64", "lb-O2-dwarf5.ko").get(".text")!;
    const row = rows.find((x) => x.addr === "10")!;
    const obj = join(fixtures, "x86_64/lb-O2-dwarf5.ko");
    const r = await run(["symbolize", "--json", "--obj", obj, "lb_pick+0x10"]);
    expect(JSON.parse(r.out)[0].frames).toEqual(row.frames);
    // Text output, addr2line -f -i style with llvm's columns; queries from stdin.
    const t = await run(["symbolize", "--obj", obj], ["lb_pick+0x10\n"]);
    expect(t.code).toBe(0);
    expect(t.out).toBe(`${row.frames.map((f) => `${f.function}\n${f.file}:${f.line}:${f.column}\n`).join("")}\n`);
  });

  it("parses the kernel's spellings", () => {
    expect(parseQuery("0xffffffffc0445a10")).toEqual({ address: 0xffffffffc0445a10n });
    expect(parseQuery("ea10")).toEqual({ address: 0xea10n });
    expect(parseQuery("rlb_arp_recv+0x128/0x228")).toEqual({ symbol: "rlb_arp_recv", offset: 0x128n, size: 0x228n });
    expect(parseQuery("cvm_oct_napi_poll_38")).toEqual({ symbol: "cvm_oct_napi_poll_38", offset: 0n });
    expect(() => parseQuery("not a query")).toThrow(/not an address/);
  });

  it("bad usage and unreadable objects exit 2; unknown symbols exit 1", async () => {
    expect((await run(["symbolize", "0x10"])).code).toBe(2);
    const missing = await run(["symbolize", "--obj", join(fixtures, "nope.ko"), "0x10"]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("E_IO");
    const notElf = await run(["symbolize", "--obj", join(root, "examples/seed/oops.log"), "0x10"]);
    expect(notElf.code).toBe(2);
    expect(notElf.err).toContain("E_ELF_MAGIC");
    const unk = await run(["symbolize", "--obj", join(fixtures, "x86_64/lb-O2-dwarf5.ko"), "no_such_function+0x4"]);
    expect(unk.code).toBe(1);
    expect(unk.out).toContain("??");
  });
});

describe("the installed bin's symbolize path", () => {
  it("answers from the one-file bundle (or the compiled modules) as the oracle does", () => {
    // bin/oopscope.js runs `symbolize` from dist/symbolize.bundle.js when `npm run build` made it: the
    // bundle must give the oracle's frames, as the per-module build does in the tests above.
    const rows = agreedRows("x86_64", "lb-O2-dwarf5.ko").get(".text")!.slice(0, 40);
    expect(rows.length).toBe(40);
    const bin = join(root, "packages/cli/bin/oopscope.js");
    const obj = join(fixtures, "x86_64/lb-O2-dwarf5.ko");
    const r = spawnSync(process.execPath, [bin, "symbolize", "--json", "--obj", obj], {
      input: rows.map((x) => `0x${x.addr}\n`).join(""),
      encoding: "utf8",
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as { input: string; frames: Frame[] }[];
    expect(doc.map((d) => d.frames)).toEqual(rows.map((x) => x.frames));
    // The bundle is what a built tree runs (it is written after tsc by the build script).
    if (existsSync(join(root, "packages/cli/dist/symbolize.bundle.js")))
      expect(readFileSync(join(root, "packages/cli/dist/symbolize.bundle.js"), "utf8")).toContain("symbolizeMain");
  });
});
