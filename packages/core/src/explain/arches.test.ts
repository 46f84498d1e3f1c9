// explainCrash on the real logs of other architectures committed under test-data/oops (each file
// cites its source). Expected values come from the log text (fault address, dumped registers) and
// from GNU objdump's decoding of the Code:/Instruction dump words, quoted per case.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { initDisassembler } from "../disasm/capstone.js";
import { explainCrash } from "./explain.js";
import { decode, firstCrash } from "./testutil.js";

const load = (p: string) => readFileSync(new URL(`../../test-data/oops/${p}`, import.meta.url), "utf8");
const hexAfter = (log: string, re: RegExp): bigint => {
  const m = re.exec(log);
  if (!m?.[1]) throw new Error(`not in the log: ${re}`);
  return BigInt(m[1].startsWith("0x") ? m[1] : `0x${m[1]}`);
};

describe("explain on real logs of ppc64, MIPS, i386, Thumb-2 and AArch64", () => {
  beforeAll(() => initDisassembler());

  it("ppc64 (LE) data access: ld r3,2848(r31); r31 = r9 + r31 where r31 was built from r2 before a call", () => {
    // objdump -m powerpc:common64 -EL: addis r31,r2,-80; addi r31,r31,19968; …; add r31,r9,r31;
    //                                   ld r3,2848(r31)   <- faulting
    const log = load("ppc64/syzkaller-431-data-access.txt");
    const c = firstCrash(log);
    const ex = explainCrash(c, decode(c));
    const printed = hexAfter(log, /data access at (0x[0-9a-f]+)/);
    const gpr = log.split("\n").filter((l) => l.startsWith("GPR"));
    const r2 = BigInt(`0x${gpr[0]?.split(/\s+/)[3]}`);
    const r31 = BigInt(`0x${gpr[7]?.split(/\s+/)[4]}`);
    expect(ex.access?.base).toBe("r31");
    expect(ex.access?.disp).toBe(2848n);
    expect(ex.access?.effectiveAddress).toBe(r31 + 2848n);
    expect(ex.access?.effectiveAddress).toBe(printed);
    expect(ex.access?.matchesFaultAddress).toBe(true);
    // The add's input r31 is solved from the dump (r31 - r9); r31 is callee-saved across the `bl`, so
    // it must equal what addis/addi computed from the dumped TOC pointer r2.
    const addi = ex.steps.find((s) => s.text.startsWith("addi r31"));
    expect(addi?.value).toBe(BigInt.asUintN(64, r2 - (80n << 16n) + 19968n));
    const add = ex.steps.find((s) => s.text.startsWith("add r31"));
    expect(add?.meaning).toContain(`0x${BigInt.asUintN(64, r2 - (80n << 16n) + 19968n).toString(16)}`);
    // 0x8000… is neither user space nor a ppc64 kernel region (0xc…).
    expect(ex.verdict.kind).toBe("non-canonical");
  });

  it("mips64 (LE, Loongson) data bus error: lw a1,328(a0) on an uncached XKPHYS address", () => {
    // objdump -m mips:isa64r2 -EL: 8c850148 = lw a1,328(a0)   <- faulting
    const log = load("mips64/qemu-loongson2e-radeonfb.txt");
    const c = firstCrash(log);
    const ex = explainCrash(c, decode(c));
    const a0 = hexAfter(log, / a0=(0x[0-9a-f]+)/);
    expect(ex.access?.effectiveAddress).toBe(a0 + 328n);
    expect(ex.access?.faultAddress).toBeUndefined();
    // Cause 0x1c: ExcCode 7 = DBE.
    expect(ex.verdict.kind).toBe("bus-error");
    expect(ex.verdict.text).toContain(`physical 0x${((a0 + 328n) & 0x07ffffffffffffffn).toString(16)}`);
  });

  it("mips32 data bus error: imprecise, EPC at jr ra; the access is the preceding lw v0,0(a0)", () => {
    // objdump -m mips:isa32r2 -EB: 8c820000 lw v0,0(a0); 0000000f sync; 03e00008 jr ra   <- marked
    const log = load("mips32/netdev-ath9k-data-bus-error.txt");
    const c = firstCrash(log);
    const insns = decode(c);
    const ex = explainCrash(c, insns);
    const a0 = hexAfter(log, / a0=(0x[0-9a-f]+)/);
    expect(ex.access && insns[ex.access.instruction]?.mnemonic).toBe("lw");
    expect(ex.access?.effectiveAddress).toBe(a0);
    expect(ex.verdict.kind).toBe("bus-error");
    // KSEG1 (0xa0000000-0xbfffffff) maps physical = address & 0x1fffffff.
    expect(ex.verdict.text).toContain(`physical 0x${(a0 & 0x1fffffffn).toString(16)}`);
  });

  it("ARM Thumb-2 NULL dereference at 0x1c: ldr r3, [r3, #28] with r3 = 0", () => {
    // objdump -m arm -M force-thumb: 69db = ldr r3, [r3, #28]   <- faulting `(69db)`
    const log = load("arm/linux-pm-thumb2-cpufreq.txt");
    const c = firstCrash(log);
    const ex = explainCrash(c, decode(c));
    const far = hexAfter(log, /virtual address ([0-9a-f]{8})/);
    expect(hexAfter(log, /r3 : ([0-9a-f]{8})/)).toBe(0n);
    expect(ex.access?.base).toBe("r3");
    expect(ex.access?.disp).toBe(28n);
    expect(ex.access?.effectiveAddress).toBe(far);
    expect(ex.access?.matchesFaultAddress).toBe(true);
    expect(ex.verdict.kind).toBe("null-pointer");
    expect(ex.verdict.fieldOffset).toBe(28n);
  });

  it("AArch64 NULL write (WnR = 1): str wzr, [x1] after mov x1, #0x0", () => {
    // objdump -m aarch64: d2800001 mov x1, #0x0; …; b900003f str wzr, [x1]   <- faulting
    const log = load("arm64/aeld-faulty-write.txt");
    const c = firstCrash(log);
    const ex = explainCrash(c, decode(c));
    expect(log).toMatch(/WnR = 1/);
    expect(ex.access?.kind).toBe("store");
    expect(ex.access?.size).toBe(4);
    expect(ex.access?.effectiveAddress).toBe(hexAfter(log, /virtual address ([0-9a-f]{16})/));
    expect(ex.access?.matchesFaultAddress).toBe(true);
    // x1 is the constant 0 set inside the window.
    expect(ex.steps[0]?.text).toMatch(/^mov x1, #0/);
    expect(ex.verdict.kind).toBe("null-pointer");
    expect(ex.verdict.text).toContain("constant");
  });

  it("i386 NULL dereference at 0x200: mov edx,[ebx] with ebx = 0x200, itself loaded from [eax+4]", () => {
    // objdump -m i386: 8b 58 04 mov ebx,[eax+0x4]; 8d 7b ec lea edi,[ebx-0x14]; …; 8b 13 mov edx,[ebx] <- faulting
    const log = load("i386/linux-mm-mpage-readpages.txt");
    const c = firstCrash(log);
    const ex = explainCrash(c, decode(c));
    const printed = hexAfter(log, /NULL pointer dereference at ([0-9a-f]{8})/);
    expect(ex.access?.base).toBe("ebx");
    expect(ex.access?.effectiveAddress).toBe(hexAfter(log, /EBX: ([0-9a-f]{8})/));
    expect(ex.access?.matchesFaultAddress).toBe(true);
    expect(ex.verdict.kind).toBe("null-pointer");
    expect(ex.verdict.pointer).toBe(printed);
    expect(ex.verdict.fieldOffset).toBe(0n);
  });
});
