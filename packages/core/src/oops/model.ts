/**
 * The oops model: what `parseLog` turns console text into. One `ParsedLog` per input, holding the
 * boots found in it and every crash with the fields the kernel printed, normalised (addresses as
 * bigint, registers under their ABI names, frames with their stack context). Renderers turn this into
 * the versioned JSON schema (`schemaVersion`), where every bigint becomes a lowercase `0x…` string.
 */

import type { ArchId, Endian } from "../arch/types.js";
import type { TextOffset } from "../types.js";

/** Coarse crash kinds; the syzkaller-compatible `type` string is finer and lives in `signature`. */
export type CrashKind =
  | "null-deref"
  | "paging-request"
  | "general-protection"
  | "bug"
  | "warning"
  | "oops"
  | "divide-error"
  | "invalid-opcode"
  | "stack-overflow"
  | "double-fault"
  | "soft-lockup"
  | "hard-lockup"
  | "rcu-stall"
  | "hung-task"
  | "kasan"
  | "kfence"
  | "kmsan"
  | "ubsan"
  | "kcsan"
  | "lockdep"
  | "panic"
  | "internal-error"
  | "unhandled-fault"
  | "unknown";

/** A code location as printed: `[<addr>] sym+0x1/0x2 [module]`. */
export interface Location {
  address?: bigint;
  symbol?: string;
  offset?: bigint;
  size?: bigint;
  module?: string;
}

/** Which stack a frame was on, as the kernel marks it (`<IRQ>`, `<NMI>`, `<TASK>`, `<SOFTIRQ>`, exception). */
export type StackContext = "task" | "irq" | "softirq" | "nmi" | "exception" | "unknown";

export interface Frame extends Location {
  /** false for `? ` frames (the unwinder found the address on the stack but did not prove it a return address). */
  reliable: boolean;
  context: StackContext;
  /** Symbolized `[inline]` frame printed by the kernel's decode_stacktrace-style output. */
  inline?: boolean;
  /** `file.c:123` when the log already carries it. */
  file?: string;
  line?: number;
  /** The exception/interrupt boundary printed just above this frame (`--- interrupt: 300 at …`). */
  boundary?: string;
}

export interface CodeWindow {
  /** The raw text after `Code:` (or `Instruction dump:` / `Krnl Code:`). */
  text: string;
  /** Bytes in memory order (the parser applies the endianness to word-printed code). */
  bytes: Uint8Array;
  /** Byte offset into `bytes` of the faulting instruction (the `<..>` or `(..)` unit); undefined if unmarked. */
  faultIndex?: number;
  /** How the kernel printed the units: 1 = bytes (x86), 2 = Thumb halfwords, 4 = words. */
  unitSize: 1 | 2 | 4;
  /** ARM prints Thumb code as `(xxxx)` halfwords. */
  thumb?: boolean;
  /** s390x: the kernel already disassembled the window (`Krnl Code:` lines), kept verbatim. */
  listing?: string[];
}

/** A syzkaller-compatible signature plus, later, a symbolized architecture-independent one. */
export interface Signature {
  title: string;
  altTitles: string[];
  /** syzkaller crash type (`KASAN-USE-AFTER-FREE-READ`, `WARNING`, …), or undefined when unknown. */
  type?: string;
  /** The guilty function picked for the title, if any. */
  frame?: string;
  corrupted: boolean;
  corruptedReason?: string;
  /** Filled in after symbolization: function names and source lines instead of raw offsets. */
  symbolized?: { title: string; frames: string[] };
}

export interface Crash {
  arch?: ArchId;
  endian?: Endian;
  kind: CrashKind;
  signature: Signature;
  kernel: { release?: string; version?: string };
  tainted: { letters: string; meanings: string[]; raw?: string };
  cpu?: number;
  pid?: number;
  comm?: string;
  hardware?: string;
  /** What decided `endian`: the matching evidence line, or `default` for the architecture's usual order. */
  endianEvidence?: string;
  /** CPU model when the dump says it (`PrId : 000d9202 (Cavium Octeon II)`). */
  cpuModel?: string;
  fault: {
    address?: bigint;
    /** e.g. `read`, `write`, `exec`, when printed or decoded from a cause register. */
    access?: string;
    /** true when `address` is only a hint (x86 GPF "probably for non-canonical address"). */
    hint?: boolean;
  };
  pc?: Location;
  /** lr (ARM, AArch64, PowerPC) or ra (MIPS, RISC-V). */
  lr?: Location;
  /** ABI register name → value, as dumped at the fault. */
  registers: Record<string, bigint>;
  frames: Frame[];
  code?: CodeWindow;
  modules: { name: string; taint: string }[];
  panic?: { message: string };
  /** Lines recognised as aftermath of this crash (NMI watchdog dump, reboot), not a second crash. */
  aftermath?: string[];
  /** Index into `ParsedLog.boots`. */
  boot?: number;
  position: { start: TextOffset; end: TextOffset };
  /** The crash text as extracted: stamps and caller tags removed, other tasks' lines dropped. */
  report: string;
}

export interface Boot {
  /** `Linux version …` banner, when present. */
  banner?: string;
  release?: string;
  position: { start: TextOffset; end: TextOffset };
  /** Seconds from the first timestamp of the boot to its first crash, when stamps exist. */
  secondsToCrash?: number;
  crashes: number[];
}

export interface RebootLoop {
  /** Title shared by the consecutive boots' crashes. */
  title: string;
  boots: number[];
  count: number;
  /** Median seconds from boot to crash, when timestamps allow. */
  medianSecondsToCrash?: number;
}

export interface ParsedLog {
  boots: Boot[];
  crashes: Crash[];
  rebootLoops: RebootLoop[];
}
