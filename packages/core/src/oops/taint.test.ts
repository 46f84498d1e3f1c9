/**
 * Taint decoding checked against the kernel's own spelling: since 6.x the kernel prints, beside the
 * fixed-width letters of the `CPU:` line, a `Tainted: [W]=WARN, [O]=OOT_MODULE, …` line naming each
 * set flag. Both lines of one real log must decode to the same set, and each name must match the
 * meaning we give the letter (Documentation/admin-guide/tainted-kernels.rst). Strings are quoted from
 * logs on public lists (linux-fsdevel 2026-02-04 "kernel crash at mm/filemap.c on v6.18.7"; a 6.13
 * livepatch test log with `(OEK)` module taint, whose mail-wrapped `CPU:` line is joined back here).
 */

import { describe, expect, test } from "vitest";
import { parseModules } from "./extract.js";
import { TAINT_FLAGS, taintLetters, taintMeanings } from "./taint.js";

describe("taint", () => {
  test("fixed-width letters and the named-flag line agree", () => {
    const cpuLine = "G        W  O       ";
    const named = "[W]=WARN, [O]=OOT_MODULE";
    expect(taintLetters(cpuLine)).toBe("WO");
    expect(taintLetters(named)).toBe("WO");
    const cpuLine2 = "G        W  OE K    ";
    const named2 = "[W]=WARN, [O]=OOT_MODULE, [E]=UNSIGNED_MODULE, [K]=LIVEPATCH";
    expect(taintLetters(cpuLine2)).toBe(taintLetters(named2));
    expect(taintLetters(named2)).toBe("WOEK");
  });

  test("the kernel's flag names match the meanings", () => {
    const names: Record<string, RegExp> = {
      W: /warning/,
      O: /out-of-tree/,
      E: /unsigned/,
      K: /live-patched/,
      P: /proprietary/,
      D: /died/,
      B: /bad page/,
      L: /soft lockup/,
    };
    for (const [letter, re] of Object.entries(names)) expect(TAINT_FLAGS[letter]?.meaning).toMatch(re);
    expect(taintMeanings("P")).toEqual(["a proprietary (non-GPL) module was loaded"]);
  });

  test("G (all modules GPL) and blanks are not taints", () => {
    expect(taintLetters("G                ")).toBe("");
    expect(taintLetters("")).toBe("");
  });

  test("per-module taint in Modules linked in:", () => {
    expect(parseModules(" livepatch_special_static(OEK)")).toEqual([
      { name: "livepatch_special_static", taint: "OEK" },
    ]);
    expect(parseModules(" net_failover chacha_s390(+) virtio_blk(+) failover")).toEqual([
      { name: "net_failover", taint: "" },
      { name: "chacha_s390", taint: "" },
      { name: "virtio_blk", taint: "" },
      { name: "failover", taint: "" },
    ]);
    expect(parseModules(" foo(PO) bar [last unloaded: baz]").map((m) => m.name)).toEqual(["foo", "bar"]);
  });
});

describe("taint on a real CPU line", () => {
  // From the lab's capture (lab/crashes/null_table/console.log), Debian 6.1 with our out-of-tree,
  // unsigned module loaded: adjacent flags (`OE`) run together in print_tainted()'s columns.
  test("adjacent letters are taint, the next token is the release", async () => {
    const { parseLog } = await import("./parse.js");
    const { readFileSync } = await import("node:fs");
    const text = readFileSync(new URL("../../../../lab/crashes/null_table/console.log", import.meta.url), "utf8");
    const crash = parseLog(text).crashes[0];
    expect(crash?.tainted.letters).toBe("OE");
    expect(crash?.kernel.release).toBe("6.1.0-56-amd64");
    expect(crash?.kernel.version).toBe("#1");
  });
});
