// Real mips64el oopses from the crash lab (Debian 6.1 5kc-malta under qemu, lab/crashes/mips64el-*):
// the MIPS report lines turn into crash kinds and titles, and the MIPS address rules into verdicts.
// Expected values come from the kernel source that prints each line and from our module's source:
// - BUG() is `tne`; do_trap_or_bp() dies with "Kernel bug detected" (arch/mips/kernel/traps.c);
// - an address error the unaligned-access emulation cannot handle dies with "Unhandled kernel
//   unaligned access" (arch/mips/kernel/unaligned.c);
// - oob reads lab_ring0.slot[4], i.e. magic = 0x4c41425f52494e47 ("LAB_RING"), then ->assigned (+0xe):
//   0x4c41425f52494e55, in xsseg (bits 63..62 = 01), which Linux never maps;
// - uaf reads s->ops with s freed and poisoned (slub_debug=P, 0x6b); the 8-byte load from the odd
//   0x6b6b6b6b6b6b6b6b is emulated, and the emulator's own `ldl` (any alignment, MIPS64 Vol. II)
//   faults at 0x6b6b6b6b6b6b6b6b + 7;
// - a soft lockup's trace starts with the watchdog's interrupt frames (… watchdog_timer_fn … handle_int)
//   above the spinning task's (lab_lockup ← lab_write ← proc_reg_write ← vfs_write …): by syzkaller's
//   stall rule, as for the x86-64 capture, the frame above the first anchor (vfs_write) of the task;
// - WARN_ON() calls warn_slowpath_fmt() (no GENERIC_BUG on MIPS), so __warn() prints no registers:
//   only `Stack :` (show_stacktrace(), arch/mips/kernel/traps.c, 16-digit words on MIPS64) and the trace.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../analysis/analyze.js";

const lab = join(__dirname, "../../../../lab/crashes");
const first = async (name: string) => {
  const a = await analyze(readFileSync(join(lab, name, "console.log"), "utf8"));
  expect(a.crashes).toHaveLength(1);
  return a.crashes[0] as NonNullable<(typeof a.crashes)[0]>;
};

describe("mips64el lab captures: kinds, titles, verdicts", () => {
  it("BUG(): Kernel bug detected is a bug, titled by the pc's function, trap verdict", async () => {
    const c = await first("mips64el-bug_on");
    expect(c.crash.kind).toBe("bug");
    expect(c.crash.signature?.title).toBe("kernel BUG in lab_bug_on");
    expect(c.explanation?.verdict.kind).toBe("trap");
  });

  it("oob: an xsseg address is an unhandled fault, the MIPS64 counterpart of a non-canonical address", async () => {
    const c = await first("mips64el-oob");
    expect(c.crash.kind).toBe("unhandled-fault");
    expect(c.crash.signature?.title).toBe("Unhandled kernel unaligned access in lab_oob");
    expect(c.crash.fault.address).toBe(0x4c41425f52494e55n);
    expect(c.explanation?.verdict.kind).toBe("non-canonical");
    expect(c.explanation?.access?.effectiveAddress).toBe(0x4c41425f52494e55n);
  });

  it("uaf: the emulator's ldl at poison + 7 is not a misaligned access: the pointer is slab poison", async () => {
    const c = await first("mips64el-uaf");
    expect(c.crash.kind).toBe("unhandled-fault");
    expect(c.crash.fault.address).toBe(0x6b6b6b6b6b6b6b72n);
    const f = c.instructions.find((i) => i.faulting);
    expect(f?.mnemonic).toBe("ldl");
    expect(c.explanation?.verdict.kind).toBe("slab-poison");
    expect(c.explanation?.verdict.pointer).toBe(0x6b6b6b6b6b6b6b6bn);
  });

  it("soft lockup: titled from the interrupted task's frames, below MIPS's handle_int", async () => {
    const a = await analyze(readFileSync(join(lab, "mips64el-lockup", "console.log"), "utf8"));
    expect(a.crashes[0]?.crash.kind).toBe("soft-lockup");
    expect(a.crashes[0]?.crash.signature?.title).toBe("BUG: soft lockup in proc_reg_write");
  });

  it("WARN_ON without a register dump: MIPS64 from the `Stack :` words, no pc, task context", async () => {
    const c = await first("mips64el-warn_on_nopanic");
    expect(c.crash.arch).toBe("mips64");
    expect(c.crash.kind).toBe("warning");
    expect(c.crash.signature?.title).toBe("WARNING in lab_warn_on");
    expect(c.crash.pc).toBeUndefined();
    expect(c.crash.frames[4]?.symbol).toBe("lab_warn_on");
    expect(c.crash.frames.every((f) => f.context === "task")).toBe(true);
    expect(c.explanation?.verdict.kind).toBe("trap");
  });
});
