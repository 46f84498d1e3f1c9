/**
 * The crash lab's captures (lab/crashes/<name>/): real oopses printed by Debian's 6.1 kernels under
 * qemu (x86-64; arm64 as arm64-<bug>, mips64el as mips64el-<bug>, each arch named in its truth.json),
 * crashed by our lab/module/oopslab.c, each with the oopslab.ko that crashed and a
 * truth.json written by hand from the module's source. Each capture is run through
 * `oopscope analyze --json --modules <dir>` in-process and checked against its truth: what holds
 * today is asserted, what does not is an `it.todo` naming the gap. The debug vmlinux is not
 * committed; the checks that need it run only with LAB_VMLINUX=1, each capture with the vmlinux of
 * its kernel release (truth.json) in .cache/kernel/<release>/vmlinux (scripts/kernel/fetch-lab-dbg.sh;
 * a capture whose vmlinux is not fetched is skipped, and its test name says so).
 */

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CliIO } from "./io.js";
import { main } from "./main.js";

const root = join(import.meta.dirname, "../../..");
const crashes = join(root, "lab/crashes");
const withVmlinux = process.env.LAB_VMLINUX === "1";
/** Debian's debug vmlinux of a kernel release, where scripts/kernel/fetch-debian-dbg.sh puts it. */
const vmlinuxOf = (release: string) => join(root, ".cache/kernel", release, "vmlinux");

interface Place {
  function: string;
  file: string;
  line?: number;
}
interface Truth {
  name: string;
  /** the arch name oopscope's JSON uses: x86_64, arm64, mips64 */
  arch: string;
  kind: string;
  /** the title when truth states one, with the rule it follows (the syzkaller-compatible signature) */
  title?: { text: string; rule: string };
  boots: number;
  kaslr: boolean;
  kernel: { release: string };
  fault: { address: string | null };
  context: string;
  pc: { symbol: string | null; module: string | null };
  source: Place & { line: number };
  inline_chain: Place[];
  verdict: { kind: string; text: string };
  pointer?: { path: string };
  element?: { type: string; size: string; index: number };
  member?: { path: string; offset: string };
}
interface Source {
  frame: number;
  function: string;
  file: string | null;
  line: number | null;
  inlined: boolean;
}

async function analyze(argv: string[]) {
  const out: string[] = [];
  const io: CliIO = {
    stdout: { write: (s: string) => out.push(s), isTTY: false },
    stderr: { write: () => {}, isTTY: false },
    stdin: (async function* () {})(),
  };
  const code = await main(["analyze", "--json", ...argv], io);
  return { code, doc: JSON.parse(out.join("")) };
}

/** DWARF names the file relative to the build directory (kbuild runs in the headers tree, mapped to
 * /usr/src/linux-headers-*), so the module's own file comes back as <comp_dir>/lab/module/oopslab.c. */
const sameFile = (got: string | null, want: string) => got === want || (got ?? "").endsWith(`/${want}`);

/**
 * Known gaps, per capture, in lab/crashes/<name>/gaps.json (absent = none): each becomes an it.todo
 * with its reason instead of a passing fake. `todo`: whole checks not done yet; `verdict`: why the
 * verdict kind differs from truth; `named`: parts of the DWARF-named verdict (verdict.named) that do
 * not match truth, with what oopscope says today; `context`, `symbolize`, `title`: why the first
 * frame's stack context, the first oopslab location's file:line chain, or the title differ from truth.
 * One file per capture, so that work on one capture (or one architecture's captures) touches only its
 * own files.
 */
interface Gaps {
  todo?: string[];
  verdict?: string;
  /** why the parse check (arch, kind, pc, fault address, context) does not hold at all */
  parse?: string;
  context?: string;
  symbolize?: string;
  title?: string;
  /** why the log yields more crashes than boots (a report printed inside the panic): only each boot's first is checked */
  crashes?: string;
  /** vmlinux frames (as printed, `func+0x…/0x…`) that oopscope --vmlinux symbolizes unlike kernel-frames.json, and why */
  kernelFrames?: Record<string, string>;
  named?: Partial<Record<"pointer" | "element" | "member", string>>;
}
const gapsOf = (dir: string): Gaps =>
  existsSync(join(dir, "gaps.json")) ? (JSON.parse(readFileSync(join(dir, "gaps.json"), "utf8")) as Gaps) : {};

const names = existsSync(crashes)
  ? readdirSync(crashes).filter(
      (n) => existsSync(join(crashes, n, "console.log")) && existsSync(join(crashes, n, "truth.json")),
    )
  : [];

it("the lab has committed captures", () => {
  expect(names.length).toBeGreaterThan(0);
});

describe.each(names)("lab crash %s", (name) => {
  const dir = join(crashes, name);
  const truth = JSON.parse(readFileSync(join(dir, "truth.json"), "utf8")) as Truth;
  const gaps = gapsOf(dir);
  const run = analyze(["--modules", dir, join(dir, "console.log")]);
  // each boot's first crash; all of them unless gaps.json says why there are more
  const perBoot = <C extends { boot: number }>(cs: C[]) =>
    gaps.crashes ? cs.filter((c, i) => cs.findIndex((d) => d.boot === c.boot) === i) : cs;

  const parseTitle = "parse: one crash per boot, kind, pc symbol and module, fault address";
  if (gaps.parse) it.todo(`${parseTitle}: ${gaps.parse}`);
  else
    it(parseTitle, async () => {
      const { code, doc } = await run;
      expect(code).toBe(0);
      expect(doc.boots).toHaveLength(truth.boots);
      expect(perBoot(doc.crashes)).toHaveLength(truth.boots);
      for (const c of perBoot(doc.crashes)) {
        expect(c.arch).toBe(truth.arch);
        expect(c.kind).toBe(truth.kind);
        // the kernel prints compiler-split parts with a suffix (__list_del_entry_valid.cold)
        // a WARN_ON() without a register dump (MIPS) has no pc: truth says null
        expect(c.pc?.symbol?.replace(/\.cold$/, "") ?? null).toBe(truth.pc.symbol);
        expect(c.pc?.module ?? null).toBe(truth.pc.module);
        expect(c.fault.address).toBe(truth.fault.address);
        expect(c.modules.map((m: { name: string }) => m.name)).toContain("oopslab");
        // "task" or "irq" (wildcard's handler runs in net_rx_action's softirq)
        if (!gaps.context) expect(c.frames[0].context).toBe(truth.context.split(" ")[0]);
      }
    });
  if (gaps.context) it.todo(`context '${truth.context.split(" ")[0]}': ${gaps.context}`);
  if (gaps.crashes) it.todo(`one crash per boot: ${gaps.crashes}`);

  const symbolizeTitle = "symbolize: the first oopslab location gets truth's file:line and inline chain from the .ko";
  if (gaps.symbolize) it.todo(`${symbolizeTitle}: ${gaps.symbolize}`);
  else
    it(symbolizeTitle, async () => {
      const { doc } = await run;
      const c = doc.crashes[0];
      const sources = c.sources as Source[];
      // the pc (frame -1) when it is in oopslab, else the first call-trace frame that is
      const frame = truth.pc.module === "oopslab" ? -1 : Math.min(...sources.map((s) => s.frame).filter((f) => f >= 0));
      const chain = sources.filter((s) => s.frame === frame);
      expect(chain.map((s) => s.function)).toEqual(truth.inline_chain.map((p) => p.function));
      chain.forEach((s, i) => {
        const want = truth.inline_chain[i] as Place;
        if (want.line !== undefined) {
          expect(sameFile(s.file, want.file), `${s.file} vs ${want.file}`).toBe(true);
          expect(s.line).toBe(want.line);
        } else {
          expect((s.file ?? "").endsWith(want.file)).toBe(true);
        }
      });
      // truth.source is the statement in our file; header inlines (list.h, processor.h) sit inside it
      const ours = chain.find((s) => s.function === truth.source.function);
      expect(ours?.line).toBe(truth.source.line);
      expect(sameFile(ours?.file ?? null, truth.source.file)).toBe(true);
    });

  if (truth.title && gaps.title) it.todo(`title '${truth.title.text}': ${gaps.title}`);
  else if (truth.title) {
    const want = truth.title.text;
    it(`title: ${want}`, async () => {
      const { doc } = await run;
      for (const c of perBoot(doc.crashes)) expect(c.title).toBe(want);
    });
  }

  if (gaps.verdict) {
    it.todo(`verdict kind '${truth.verdict.kind}': ${gaps.verdict}`);
  } else {
    it(`verdict kind is ${truth.verdict.kind}`, async () => {
      const { doc } = await run;
      expect(doc.crashes[0].explanation.verdict.kind).toBe(truth.verdict.kind);
    });
  }

  if (truth.boots > 1) {
    it("reboot loop: every boot ends in the same crash", async () => {
      const { doc } = await run;
      expect(doc.rebootLoops).toHaveLength(1);
      expect(doc.rebootLoops[0].count).toBe(truth.boots);
    });
  }

  const named = async () => (await run).doc.crashes[0].explanation.verdict.named;
  const nameGap = gaps.named ?? {};
  if (truth.pointer) {
    const want = truth.pointer.path;
    if (nameGap.pointer) it.todo(`named pointer ${want}: ${nameGap.pointer}`);
    else it(`named pointer ${want}`, async () => expect((await named())?.pointer).toBe(want));
  }
  if (truth.element) {
    const want = truth.element;
    if (nameGap.element) it.todo(`named element ${want.type}[${want.index}]: ${nameGap.element}`);
    else
      it(`named element ${want.type} (${want.size} bytes), index ${want.index}`, async () => {
        const n = await named();
        expect(n?.elementType).toBe(want.type);
        expect(n?.elementSize).toBe(Number(want.size));
        expect(Number(n?.index)).toBe(want.index);
      });
  }
  if (truth.member) {
    const want = truth.member;
    if (nameGap.member) it.todo(`named member ${want.path}: ${nameGap.member}`);
    else
      it(`named member ${want.path} (+${want.offset})`, async () => {
        const n = await named();
        expect(n?.member).toBe(want.path);
        expect(n?.memberOffset).toBe(want.offset);
      });
  }

  it(`kernel release ${truth.kernel.release} and taint letters OE from the CPU: line`, async () => {
    const { doc } = await run;
    for (const c of perBoot(doc.crashes)) {
      expect(c.kernel.release).toBe(truth.kernel.release);
      expect(c.tainted.letters).toBe("OE");
    }
  });
  for (const gap of gaps.todo ?? []) it.todo(gap);
});

describe.runIf(withVmlinux)("lab crashes with Debian's debug vmlinux (LAB_VMLINUX=1)", () => {
  // lab/oracle-kernel-frames.mjs wrote what llvm-symbolizer says of each capture's vmlinux frames
  // (the pc when it is in vmlinux, and every call-trace frame; found by name and kallsyms size), from
  // the vmlinux of the capture's kernel release.
  const withGolden = names.filter((n) => existsSync(join(crashes, n, "kernel-frames.json")));
  for (const name of withGolden) {
    const dir = join(crashes, name);
    const release = (JSON.parse(readFileSync(join(dir, "truth.json"), "utf8")) as Truth).kernel.release;
    const vmlinux = vmlinuxOf(release);
    const title = `${name}: every vmlinux frame symbolizes as llvm-symbolizer does (kernel-frames.json)`;
    if (!existsSync(vmlinux)) {
      it.skip(`${title}: skipped, no vmlinux for ${release} (scripts/kernel/fetch-lab-dbg.sh)`, () => {});
      continue;
    }
    const known = gapsOf(dir).kernelFrames ?? {};
    for (const [frame, why] of Object.entries(known)) it.todo(`${name}: vmlinux frame ${frame}: ${why}`);
    it(title, async () => {
      const golden = JSON.parse(readFileSync(join(dir, "kernel-frames.json"), "utf8")) as {
        entries: {
          frame: string;
          pc?: boolean;
          address: string | null;
          frames?: { function: string; file: string; line: number | null }[];
        }[];
      };
      const { doc } = await analyze(["--vmlinux", vmlinux, "--modules", dir, join(dir, "console.log")]);
      const c = doc.crashes[0];
      const sources = c.sources as Source[];
      const frames = c.frames as { symbol: string; offset: string; size: string }[];
      let cursor = 0;
      let checked = 0;
      for (const e of golden.entries) {
        let index = -1;
        if (!e.pc) {
          while (cursor < frames.length) {
            const f = frames[cursor++] as { symbol: string; offset: string; size: string };
            if (`${f.symbol}+${f.offset}/${f.size}` === e.frame) {
              index = cursor - 1;
              break;
            }
          }
          expect(index, `frame ${e.frame} in oopscope's call trace`).toBeGreaterThanOrEqual(0);
        }
        if (e.address === null || !e.frames) continue;
        const got = sources
          .filter((s) => s.frame === index)
          .map((s) => ({ function: s.function, file: s.file, line: s.line }));
        // a known gap must still differ: when it is fixed, gaps.json loses the entry
        if (known[e.frame] !== undefined) expect(got, `${e.frame} at ${e.address} (known gap)`).not.toEqual(e.frames);
        else {
          expect(got, `${e.frame} at ${e.address}`).toEqual(e.frames);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(0);
    }, 300_000);
  }

  const x86 = vmlinuxOf("6.1.0-56-amd64");
  const listPoison =
    "list_poison: the pc __list_del_entry_valid.cold is in lib/list_debug.c, the file:line the kernel BUG line names";
  if (!existsSync(x86)) it.skip(`${listPoison}: skipped, no vmlinux for 6.1.0-56-amd64`, () => {});
  else
    it(listPoison, async () => {
      const dir = join(crashes, "list_poison");
      const { doc } = await analyze(["--vmlinux", x86, "--modules", dir, join(dir, "console.log")]);
      const truth = JSON.parse(readFileSync(join(dir, "truth.json"), "utf8"));
      const pc = (doc.crashes[0].sources as Source[]).filter((s) => s.frame === -1);
      expect(pc.map((s) => s.function)).toEqual(["__list_del_entry_valid"]);
      expect((pc[0]?.file ?? "").endsWith(`/${truth.pc.source.file}`)).toBe(true);
      expect(pc[0]?.line).toBe(truth.pc.source.line);
    }, 300_000);
});
