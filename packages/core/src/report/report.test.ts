/**
 * Tests for crash detection and titles. The oracle is syzkaller's own expectation for each of the
 * 747 logs of corpus/syzkaller/report (written by its maintainers, checked by its Go test-suite): the
 * whole-corpus agreement is asserted as a ratchet, and a few files with distinctive formats are
 * checked field by field. Demangled frame names are checked against binutils' c++filt answers,
 * committed by scripts/oracle-demangle.mjs.
 */

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkCase, guiltyOf, parseCorpusCase, parseGuiltyCase, summarise } from "./corpus.js";
import { demangle } from "./demangle.js";
import { containsCrash, findReports, literalPrefix, parseReport } from "./detect.js";
import { cleanPath } from "./guilty.js";
import { normaliseTitle, titleType } from "./title.js";

const ROOT = join(import.meta.dirname, "../../../..");
const REPORT_DIR = join(ROOT, "corpus/syzkaller/report");
const decoder = new TextDecoder("utf-8");
const load = (name: string) => parseCorpusCase(decoder.decode(readFileSync(join(REPORT_DIR, name))));

describe("agreement with syzkaller's report corpus", () => {
  const names = readdirSync(REPORT_DIR).filter((n) => /^\d+$/.test(n));
  const results = names.map((n) => ({ n, c: load(n), r: checkCase(load(n)) }));
  const summary = Object.fromEntries(summarise(results.map((x) => x.r)).map((s) => [s.field, s]));

  it("reads every corpus file", () => {
    // corpus/syzkaller/README.md: 747 files, 35 of which expect no crash.
    expect(names.length).toBe(747);
    expect(results.filter((x) => x.c.expected.title === "").length).toBe(35);
  });

  // Ratchet: the figures measured with `npm run conformance` (all 100 % at the time of writing).
  // A change that lowers any of them fails here; the message lists the files that disagree.
  const floors: Record<string, number> = {
    detected: 747,
    title: 712,
    altTitles: 712,
    type: 712,
    corrupted: 712,
    frame: 21,
    executor: 17,
    panicked: 712,
    suppressed: 712,
    report: 18,
  };
  for (const [field, floor] of Object.entries(floors)) {
    it(`${field}: at least ${floor} files agree`, () => {
      const bad = results.filter((x) => x.r.agree[field as keyof typeof x.r.agree] === false).map((x) => x.n);
      expect(bad).toEqual([]);
      expect(summary[field]!.agree).toBeGreaterThanOrEqual(floor);
    });
  }

  it("starts the report on the line the corpus names in START:", () => {
    const withStart = results.filter((x) => x.c.expected.startLine !== undefined);
    expect(withStart.map((x) => x.n).sort()).toEqual(["12", "130", "35", "4"]);
    for (const x of withStart) {
      const rep = parseReport(x.c.log)!;
      const at = x.c.log.indexOf(x.c.expected.startLine!);
      const lineStart = x.c.log.lastIndexOf("\n", at) + 1;
      expect(rep.start, x.n).toBe(lineStart);
    }
  });
});

describe("titles of distinctive reports, field by field", () => {
  const cases: [string, string][] = [
    ["95", "spinlock debugging without a call-trace header, no timestamps on the title line"],
    ["118", "header after a getty `login:` prompt on the same console line"],
    ["688", "arm64 RCU stall: frame chosen above the syscall entry, syscall prefixes as alt titles"],
    ["748", "Rust panic: frame demangled from Rust v0 with the panic machinery skipped"],
    ["759", "`Oops: int3:` with a skipped allocator frame at RIP"],
    ["1001", "hung task whose name holds a newline and non-UTF-8 bytes"],
    ["1002", "RCU-tasks stall with only unreliable frames: corrupted"],
  ];
  for (const [name, what] of cases) {
    it(`${name}: ${what}`, () => {
      const c = load(name);
      const rep = parseReport(c.log)!;
      expect(rep.signature.title).toBe(c.expected.title);
      expect([...rep.signature.altTitles].sort()).toEqual(c.expected.altTitles);
      expect(rep.signature.type).toBe(c.expected.type);
      expect(rep.signature.corrupted).toBe(c.expected.corrupted);
      if (c.expected.frame !== undefined) expect(rep.signature.frame).toBe(c.expected.frame);
    });
  }

  it("spells out the expected values of 759 (int3) and 688 (stall)", () => {
    // Literal expectations from the corpus headers, so the test reads without the files.
    expect(parseReport(load("759").log)!.signature).toMatchObject({
      title: "int3 in __pmd_alloc",
      type: "DoS",
      frame: "__pmd_alloc",
      corrupted: false,
    });
    expect(parseReport(load("688").log)!.signature.altTitles.sort()).toEqual([
      "INFO: rcu detected stall in __arm64_sys_recvmmsg",
      "stall in __arm64_sys_recvmmsg",
      "stall in sys_recvmmsg",
    ]);
  });
});

describe("logs outside the corpus", () => {
  it("titles the seed's MIPS64 Octeon oops by the faulting function (examples/seed/CASE.md)", () => {
    const log = readFileSync(join(ROOT, "examples/seed/oops.log"), "utf8");
    const reps = findReports(log);
    // CASE.md: `epc : ffffffffc0445a10 rlb_arp_recv+0x128/0x228 [bonding]` faults, then the box
    // panics ("Fatal exception in interrupt"), which is part of the same report.
    expect(reps).toHaveLength(1);
    expect(reps[0]!.signature).toMatchObject({
      title: "BUG: unable to handle kernel paging request in rlb_arp_recv",
      frame: "rlb_arp_recv",
      corrupted: false,
    });
    expect(reps[0]!.panicked).toBe(true);
    expect(reps[0]!.start).toBe(0);
  });

  it("titles MIPS's CONFIG_DEBUG_LIST BUG() as a corrupted list (lab/crashes/mips64el-list_poison)", () => {
    // No GENERIC_BUG, so no `kernel BUG at lib/list_debug.c`: `Kernel bug detected[#1]:` with epc at
    // the out-of-line BUG() and ra in __list_del_entry_valid; the guilty frame is the list's user.
    const lab = (name: string) => readFileSync(join(ROOT, "lab/crashes", name, "console.log"), "utf8");
    const [list] = findReports(lab("mips64el-list_poison"));
    expect(list!.signature).toMatchObject({
      title: "BUG: corrupted list in lab_list_poison",
      altTitles: ["bad-access in lab_list_poison"],
      type: "MEMORY_SAFETY_BUG",
      corrupted: false,
    });
    // a BUG_ON() elsewhere keeps the generic title
    const [bug] = findReports(lab("mips64el-bug_on"));
    expect(bug!.signature).toMatchObject({ title: "kernel BUG in lab_bug_on", corrupted: false });
  });

  it("finds each report of a log holding many, in order, with positions inside the text", () => {
    const a = load("759").log;
    const b = load("95").log;
    const log = `${a}\n${b}\n${a}`;
    const reps = findReports(log);
    const titles = reps.map((r) => r.signature.title);
    expect(titles[0]).toBe("int3 in __pmd_alloc");
    expect(titles).toContain("BUG: spinlock already unlocked in synchronize_sched_expedited_cpu_stop");
    expect(titles.at(-1)).toBe("int3 in __pmd_alloc");
    for (let i = 1; i < reps.length; i++) expect(reps[i]!.start).toBeGreaterThan(reps[i - 1]!.start);
    for (const r of reps) {
      expect(r.end).toBeGreaterThan(r.start);
      expect(r.end).toBeLessThanOrEqual(log.length);
      expect(log.slice(r.start, r.end)).toContain(r.headerLine.slice(0, 20));
    }
  });

  it("never lets a report run into the next boot", () => {
    // A panic line alone does not start a second report inside a report (it normally is the tail of
    // one); after a `Linux version` banner it belongs to a new boot and is a report of its own.
    const seed = readFileSync(join(ROOT, "examples/seed/oops.log"), "utf8");
    const log = `${seed}\nLinux version 2.6.32.27-Cavium-Octeon (gcc version 4.3.3) #1 SMP\nKernel panic - not syncing: Attempted to kill init!\n`;
    const reps = findReports(log);
    expect(reps.map((r) => r.signature.title)).toEqual([
      "BUG: unable to handle kernel paging request in rlb_arp_recv",
      "kernel panic: Attempted to kill init!",
    ]);
    expect(reps[0]!.end).toBeLessThan(log.indexOf("Linux version"));
  });

  it("stops at maxReports and finds nothing in empty, binary or crash-free text", () => {
    const log = load("759").log;
    expect(findReports(`${log}\n${log}\n${log}`, { maxReports: 2 })).toHaveLength(2);
    expect(findReports("")).toEqual([]);
    expect(containsCrash("")).toBe(false);
    const junk = String.fromCharCode(...Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
    expect(() => findReports(junk)).not.toThrow();
    expect(findReports("[    0.000000] Linux version 6.1.0\n[    1.000000] Run /sbin/init as init process\n")).toEqual(
      [],
    );
  });
});

describe("guilty source file against syzkaller's guilty corpus", () => {
  // corpus/syzkaller/guilty (68 symbolized reports) and guilty_raw (1): FILE: is the expected file.
  const cases = ["guilty", "guilty_raw"].flatMap((sub) =>
    readdirSync(join(ROOT, "corpus/syzkaller", sub))
      .filter((n) => /^\d+$/.test(n))
      .map((n) => ({
        n: `${sub}/${n}`,
        c: parseGuiltyCase(decoder.decode(readFileSync(join(ROOT, "corpus/syzkaller", sub, n)))),
      })),
  );

  it("agrees on all 69 files", () => {
    expect(cases).toHaveLength(69);
    const bad = cases.filter((x) => guiltyOf(x.c) !== x.c.file).map((x) => `${x.n}: ${guiltyOf(x.c)} != ${x.c.file}`);
    expect(bad).toEqual([]);
  });

  it("skips lockdep's held-locks list (guilty/67: the kvm caller, not fs/libfs.c)", () => {
    const c = cases.find((x) => x.n === "guilty/67")!.c;
    expect(c.file).toBe("arch/x86/kvm/xen.c");
    expect(guiltyOf(c)).toBe("arch/x86/kvm/xen.c");
  });

  it("cleans paths as Go's filepath.Clean does", () => {
    // Documented examples of path/filepath.Clean.
    expect(cleanPath("a/c")).toBe("a/c");
    expect(cleanPath("a//c")).toBe("a/c");
    expect(cleanPath("a/c/.")).toBe("a/c");
    expect(cleanPath("a/c/b/..")).toBe("a/c");
    expect(cleanPath("/../a/c")).toBe("/a/c");
    expect(cleanPath("/../a/b/../././/c")).toBe("/a/c");
    expect(cleanPath("")).toBe(".");
  });
});

describe("damaged logs", () => {
  // Deterministic mutations of real logs (lines dropped, duplicated, cut, joined, junk inserted): the
  // detector must neither throw nor hang, and every report must stay inside the text with a title.
  let seed = 12345;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const names = readdirSync(REPORT_DIR)
    .filter((n) => /^\d+$/.test(n))
    .sort((a, b) => Number(a) - Number(b))
    .filter((_, i) => i % 15 === 0);

  it(`keeps its invariants on ${names.length * 8} mutated corpus logs`, () => {
    const t0 = performance.now();
    let reports = 0;
    for (const name of names) {
      const lines = load(name).log.split("\n");
      for (let k = 0; k < 8; k++) {
        const m = [...lines];
        for (let e = 0; e < 6 && m.length > 1; e++) {
          const i = rnd(m.length);
          switch (rnd(5)) {
            case 0:
              m.splice(i, 1);
              break;
            case 1:
              m.splice(i, 0, m[i]!);
              break;
            case 2:
              m[i] = m[i]!.slice(0, rnd(m[i]!.length + 1));
              break;
            case 3:
              m.splice(i, 2, `${m[i]}${m[i + 1] ?? ""}`);
              break;
            default:
              m.splice(i, 0, String.fromCharCode(...Array.from({ length: rnd(80) }, () => rnd(256))));
          }
        }
        const text = m.join(rnd(2) === 0 ? "\n" : "\r\n");
        for (const r of findReports(text)) {
          reports++;
          expect(r.start).toBeGreaterThanOrEqual(0);
          expect(r.end).toBeGreaterThanOrEqual(r.start);
          expect(r.end).toBeLessThanOrEqual(text.length);
          expect(r.signature.title.length).toBeGreaterThan(0);
          expect(r.signature.title.length).toBeLessThanOrEqual(120);
        }
      }
    }
    expect(reports).toBeGreaterThan(names.length);
    // Generous: the corpus itself runs in about a second; a backtracking blow-up would take minutes.
    expect(performance.now() - t0).toBeLessThan(20_000);
  });
});

describe("literal prefilter of suppression patterns", () => {
  it("keeps only text every match must contain", () => {
    // By regular-expression semantics: a quantified character may be absent, escapes are literal.
    expect(literalPrefix(/Killed process .* \(sshd\)/)).toBe("Killed process ");
    expect(literalPrefix(/\*\*\* stack smashing/)).toBe("*** stack smashing");
    expect(literalPrefix(/abc?d/)).toBe("ab");
    expect(literalPrefix(/ab\*c/)).toBe("ab*c");
    expect(literalPrefix(/(x|y)z/)).toBe("");
  });
});

describe("title normalisation and types", () => {
  it("replaces volatile parts the way syzbot titles show them", () => {
    // Title forms taken from corpus expectations: executor names, addresses, line numbers, CPUs.
    expect(normaliseTitle("WARNING in foo+0x12/0x340")).toBe("WARNING in foo");
    expect(normaliseTitle("kernel panic: syz-executor.3/1234 crashed")).toBe("kernel panic: syz-executor crashed");
    expect(normaliseTitle("BUG: at mm/slub.c:123 addr ffff888012345678")).toBe("BUG: at mm/slub.c:LINE addr ADDR");
    expect(normaliseTitle("BUG: spinlock on CPU#1, a\tb")).toBe("BUG: spinlock on CPU, a b");
  });

  it("maps titles to syzbot's crash types by prefix", () => {
    expect(titleType("KASAN: slab-use-after-free Write in f")).toBe("KASAN-USE-AFTER-FREE-WRITE");
    expect(titleType("KASAN: use-after-free Read in f")).toBe("KASAN-USE-AFTER-FREE-READ");
    expect(titleType("KASAN: something-new in f")).toBe("KASAN-UNKNOWN");
    expect(titleType("BUG: stack guard page was hit in f")).toBeUndefined();
    expect(titleType("no such prefix")).toBeUndefined();
  });
});

describe("frame demangling against c++filt", () => {
  const oracle = readFileSync(join(import.meta.dirname, "testdata/demangle.c++filt.tsv"), "utf8")
    .trimEnd()
    .split("\n")
    .map((l) => l.split("\t") as [string, string]);

  it("has the symbols the corpus prints", () => {
    expect(oracle.length).toBeGreaterThanOrEqual(14);
  });

  for (const [mangled, filt] of oracle) {
    it(mangled, () => {
      // c++filt prints each Rust crate with its hash (`core[6c85…]`); syzbot titles leave it out.
      expect(demangle(mangled)).toBe(filt.replace(/\[[0-9a-f]{16}\]/g, ""));
    });
  }

  it("leaves other names, and malformed mangled ones, unchanged", () => {
    expect(demangle("rlb_arp_recv")).toBe("rlb_arp_recv");
    expect(demangle("_RNvB99_3foo")).toBe("_RNvB99_3foo");
    expect(demangle("_ZN3fo")).toBe("_ZN3fo");
  });
});
