/**
 * The explanation of one crash, derived from the oops text alone: which memory operand faulted and
 * its effective address recomputed from the dumped registers (`access`), the backward slice through
 * the `Code:` window that produced the base and index registers (`steps`), and a verdict that is
 * only as strong as the data allows (`verdict`). `explainCrash` turns a `Crash` plus the decoded
 * `Instruction[]` into this; renderers turn it into text, Markdown or JSON (bigints as `0x…`).
 */

import type { Instruction } from "../disasm/types.js";

export interface Access {
  /** Index of the faulting instruction in the instruction list. */
  instruction: number;
  /** `load`, `store` or `rmw` (read-modify-write, e.g. x86 `lock inc [mem]`). */
  kind: "load" | "store" | "rmw";
  base?: string;
  index?: string;
  scale: number;
  disp: bigint;
  /** Access width in bytes, when the instruction says it. */
  size?: number;
  /** base + index × scale + disp from the dumped registers; undefined when a register was not dumped. */
  effectiveAddress?: bigint;
  /** The fault address the kernel reported (BadVA, CR2, FAR, DAR, badaddr), when printed. */
  faultAddress?: bigint;
  /** true / false when both addresses are known; undefined when either is missing. */
  matchesFaultAddress?: boolean;
  /** One sentence: how the address was computed and whether it agrees with the reported one. */
  text: string;
}

export interface Step {
  /** Index into the instruction list of the instruction that produced `register`. */
  instruction: number;
  /** Its text, e.g. `dmul v0,v0,v1`. */
  text: string;
  register: string;
  /** Value the instruction produced, from the dump or computed; undefined when unknown. */
  value?: bigint;
  /** What the value means: `loaded from [s2+0x268] = [0xa8000000012d1600+0x268]`. */
  meaning: string;
  /** Nesting depth in the slice (0 = a register of the faulting access). */
  depth: number;
}

export type VerdictKind =
  | "null-pointer"
  | "null-array"
  | "slab-poison"
  | "list-poison"
  | "non-canonical"
  | "user-address"
  | "stack-guard"
  | "misaligned"
  | "trap"
  | "bad-jump"
  | "address-mismatch"
  | "bus-error"
  | "divide-by-zero"
  | "divide-overflow"
  | "infinite-loop"
  | "unknown";

export interface Verdict {
  kind: VerdictKind;
  text: string;
  /** Structured facts behind the text, when the verdict names them. */
  pointer?: bigint;
  fieldOffset?: bigint;
  index?: bigint;
  stride?: bigint;
  /** Where the bad pointer was loaded from, e.g. `[s2+0x268]`, and that object's address. */
  loadedFrom?: { text: string; object?: bigint; offset?: bigint };
}

export interface Explanation {
  access?: Access;
  steps: Step[];
  verdict: Verdict;
  /** Facts the data could not establish, said plainly. */
  unknowns: string[];
  /** Other observations (exception cause decoded, delay-slot fault, KASAN shadow mapping). */
  notes: string[];
}

/** Re-exported for convenience of callers that build instruction lists by hand. */
export type { Instruction };
