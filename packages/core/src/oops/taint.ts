/**
 * Taint flags: turns the kernel's taint string (`Tainted: P`, `Tainted: G        W  OE`, the 6.x
 * `Tainted: [W]=WARN, [O]=OOT_MODULE` line, or a module's `(POE)` suffix in `Modules linked in:`) into
 * the set letters and what each one means.
 *
 * The letters and their meanings are the facts tabulated in the kernel's
 * Documentation/admin-guide/tainted-kernels.rst (bit number, letter when set). Bit 0 prints `G` when
 * clear ("all loaded modules are GPL-compatible"), which is not a taint, so `G` is dropped from the set.
 */

/** Letter → meaning, in bit order (bit 0 = `P`). */
export const TAINT_FLAGS: Readonly<Record<string, { bit: number; meaning: string }>> = {
  P: { bit: 0, meaning: "a proprietary (non-GPL) module was loaded" },
  F: { bit: 1, meaning: "a module was force-loaded" },
  S: { bit: 2, meaning: "the kernel runs on an out-of-specification system" },
  R: { bit: 3, meaning: "a module was force-unloaded" },
  M: { bit: 4, meaning: "the processor reported a machine check exception" },
  B: { bit: 5, meaning: "a bad page was referenced or a page had unexpected flags" },
  U: { bit: 6, meaning: "a user-space application requested the taint" },
  D: { bit: 7, meaning: "the kernel died recently (an earlier oops or BUG)" },
  A: { bit: 8, meaning: "an ACPI table was overridden by the user" },
  W: { bit: 9, meaning: "the kernel issued a warning earlier" },
  C: { bit: 10, meaning: "a staging driver was loaded" },
  I: { bit: 11, meaning: "a workaround for a platform firmware bug was applied" },
  O: { bit: 12, meaning: "an externally-built (out-of-tree) module was loaded" },
  E: { bit: 13, meaning: "an unsigned module was loaded" },
  L: { bit: 14, meaning: "a soft lockup occurred earlier" },
  K: { bit: 15, meaning: "the kernel has been live-patched" },
  X: { bit: 16, meaning: "auxiliary taint (defined and used by distributions)" },
  T: { bit: 17, meaning: "the kernel was built with the struct-randomization plugin" },
  N: { bit: 18, meaning: "an in-kernel test has been run" },
  J: { bit: 19, meaning: "user space used a mutating debug operation in fwctl" },
};

/** Set letters, in bit order, from any spelling of the taint string; unknown characters are ignored. */
export function taintLetters(raw: string): string {
  // 6.x prints `[W]=WARN, [O]=OOT_MODULE`: take the bracketed letters.
  const bracketed = [...raw.matchAll(/\[([A-Z])\]=/g)].map((m) => m[1] ?? "");
  const chars = bracketed.length > 0 ? bracketed : [...raw];
  const set = new Set(chars.filter((c) => c in TAINT_FLAGS));
  return [...set].sort((a, b) => (TAINT_FLAGS[a]?.bit ?? 0) - (TAINT_FLAGS[b]?.bit ?? 0)).join("");
}

/** Meanings of the set letters, in the same order. */
export function taintMeanings(letters: string): string[] {
  return [...letters].map((c) => TAINT_FLAGS[c]?.meaning ?? `unknown taint flag ${c}`);
}
