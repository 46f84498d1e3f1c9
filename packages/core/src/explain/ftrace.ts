/**
 * Function-entry ftrace calls: turns a call instruction of a function (with its neighbours' effects)
 * into the set of caller-saved registers the call leaves intact, when the call is the profiling hook
 * the compiler puts at the function's entry rather than an ordinary call. The whole-function slice
 * uses it so that an argument register read after the hook is still the function's argument.
 *
 * - x86 (`-mfentry`): `call __fentry__` is the first instruction; the hook and the ftrace trampoline
 *   save and restore the argument registers around the tracer (arch/x86/kernel/ftrace_64.S,
 *   `save_mcount_regs` / `restore_mcount_regs`), and at boot the call becomes a NOP. Nothing is
 *   clobbered.
 * - MIPS (`-pg`): GCC emits `move at, ra` and then the call, `jal _mcount` in vmlinux or, in a module
 *   (`-mlong-calls`), `lui v1` / `daddiu v1` with `_mcount`'s relocations and `jalr v1`
 *   (arch/mips/kernel/ftrace.c, the comment above INSN_B_1F, lists both call sites). With dynamic
 *   ftrace `_mcount` is `b ftrace_stub` whose `jr ra` restores ra from at (`move ra, AT` in the delay
 *   slot); when tracing, ftrace_caller saves ra, at and a0–a7 (a0–a3 on 32-bit) with
 *   MCOUNT_SAVE_REGS before it calls the tracer and reloads them with MCOUNT_RESTORE_REGS after
 *   (arch/mips/kernel/mcount.S). Those registers survive; the tracer it calls is C, so v0, v1,
 *   t0–t9, hi and lo may not. The site is recognised by its `move at, ra` just before the call, in
 *   the prologue (no branch, jump or call before it; GCC puts it after the callee-saved registers'
 *   stores, `lab_list_poison`'s at +0x24): that is the -pg calling convention (`_mcount` reads the
 *   caller's return address from at), and compiled C sets up no other call that way (at is the
 *   assembler's temporary).
 * - arm64 builds ftrace with `-fpatchable-function-entry=2` (DYNAMIC_FTRACE_WITH_REGS): the object's
 *   entry is two NOPs, patched to `mov x9, x30; bl ftrace_caller` at run time, so no call appears in
 *   the object and nothing is needed.
 */

import type { ArchId } from "../arch/types.js";
import type { Instruction } from "../disasm/types.js";
import type { Effect } from "./semantics/types.js";
import { exprReads } from "./semantics/types.js";

/**
 * The registers the call at index k preserves although the ABI lets a call clobber them: all of them
 * (`"all"`) for x86's `call __fentry__` at offset 0, MIPS's `at`, `ra` and argument registers for its
 * `_mcount` site; undefined for an ordinary call.
 */
export function ftracePreserves(
  arch: ArchId,
  insns: readonly Instruction[],
  fx: readonly Effect[],
  k: number,
): "all" | ReadonlySet<string> | undefined {
  if (fx[k]?.control !== "call") return undefined;
  if (arch === "x86_64" || arch === "i386") return (insns[k]?.offset ?? -1) === 0 ? "all" : undefined;
  if (arch === "mips64" || arch === "mips32") {
    if (k < 1 || fx.slice(0, k).some((e) => e.control !== undefined)) return undefined;
    const prev = fx[k - 1];
    const setsAt = prev?.writes.find((w) => w.reg === "at");
    if (!setsAt || prev?.writes.length !== 1) return undefined;
    const reads = exprReads(setsAt.value);
    if (reads.length !== 1 || reads[0] !== "ra") return undefined;
    const args = arch === "mips64" ? ["a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7"] : ["a0", "a1", "a2", "a3"];
    return new Set(["at", "ra", ...args]);
  }
  return undefined;
}
