// Explanations on real logs of the syzkaller corpus (corpus/syzkaller/report). Every expected value
// is read from the log text itself in the test (the fault address the kernel printed, KASAN's own
// "null-ptr-deref in range [..]" line, register values of the dump) or from GNU objdump's decoding of
// the Code: bytes (quoted per case); none is copied from explainCrash's output.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { ArchId } from "../arch/types.js";
import { initDisassembler } from "../disasm/capstone.js";
import type { Crash } from "../oops/model.js";
import { explainCrash } from "./explain.js";
import { decode, firstCrash } from "./testutil.js";

const read = (n: number) =>
  readFileSync(new URL(`../../../../corpus/syzkaller/report/${n}`, import.meta.url), "latin1");

function run(n: number, arch: ArchId, kind: Crash["kind"]) {
  const log = read(n);
  const crash = firstCrash(log);
  // The parser's reading of the log, checked against the title and the dump format.
  expect(crash.arch).toBe(arch);
  expect(crash.kind).toBe(kind);
  const insns = decode(crash);
  return { log, crash, insns, ex: explainCrash(crash, insns) };
}

/** A hex number the log prints after `label` (e.g. `RBX: ffff…`, `x19: 0000…`). */
function logged(log: string, re: RegExp): bigint {
  const m = re.exec(log);
  if (!m?.[1]) throw new Error(`not in the log: ${re}`);
  return BigInt(m[1].startsWith("0x") ? m[1] : `0x${m[1]}`);
}

/** KASAN's "null-ptr-deref in range [a-b]" line (mm/kasan/report.c). */
function kasanRange(log: string): [bigint, bigint] {
  const m = /null-ptr-deref in range \[(0x[0-9a-f]+)-(0x[0-9a-f]+)\]/.exec(log);
  if (!m?.[1] || !m[2]) throw new Error("no KASAN range");
  return [BigInt(m[1]), BigInt(m[2])];
}

describe("explain on real syzkaller logs", () => {
  beforeAll(() => initDisassembler());

  it("662 (x86-64 KASAN GPF): shadow check of NULL+0x58, pointer loaded from [rbx]", () => {
    // objdump: mov rbp,QWORD PTR [rbx]; lea rdi,[rbp+0x58]; mov rdx,rdi; shr rdx,0x3;
    //          cmp BYTE PTR [rdx+rax*1],0x0   <- faulting
    const { log, ex } = run(662, "x86_64", "general-protection");
    const printed = logged(log, /non-canonical address (0x[0-9a-f]+)/);
    expect(ex.access?.base).toBe("rdx");
    expect(ex.access?.index).toBe("rax");
    expect(ex.access?.effectiveAddress).toBe(printed);
    expect(ex.access?.matchesFaultAddress).toBe(true);
    const [lo, hi] = kasanRange(log);
    expect(ex.verdict.kind).toBe("null-pointer");
    expect(ex.verdict.pointer).toBe(0n);
    expect(ex.verdict.fieldOffset).toBe(lo);
    expect(hi - lo).toBe(7n);
    expect(ex.verdict.loadedFrom?.object).toBe(logged(log, /RBX: ([0-9a-f]{16})/));
    expect(ex.verdict.loadedFrom?.offset).toBe(0n);
  });

  it("600 (x86-64 KASAN GPF): NULL loaded from [rbx+0x128], field +0", () => {
    // objdump: mov rdx,QWORD PTR [rbx+0x128]; movabs rax,0xdffffc0000000000; mov rcx,rdx;
    //          shr rcx,0x3; movzx ecx,BYTE PTR [rcx+rax*1]   <- faulting
    const { log, ex } = run(600, "x86_64", "general-protection");
    expect(ex.access?.effectiveAddress).toBe(logged(log, /non-canonical address (0x[0-9a-f]+)/));
    expect(ex.access?.matchesFaultAddress).toBe(true);
    expect(ex.access?.size).toBe(1);
    const [lo] = kasanRange(log);
    expect(ex.verdict.kind).toBe("null-pointer");
    expect(ex.verdict.fieldOffset).toBe(lo);
    expect(ex.verdict.loadedFrom?.object).toBe(logged(log, /RBX: ([0-9a-f]{16})/));
    expect(ex.verdict.loadedFrom?.offset).toBe(0x128n);
    // The step that loaded the NULL pointer carries its source operand.
    expect(ex.steps.some((s) => s.value === 0n && s.meaning.includes("[rbx+0x128]"))).toBe(true);
  });

  it("510 (x86-64 KASAN GPF): the 'pointer' is rbx = 1, address rbx + 0x10 inside KASAN's range", () => {
    // objdump: lea r12,[rbx+0x10]; mov rax,r12; shr rax,0x3; cmp BYTE PTR [rax+rdx*1],0x0 <- faulting
    const { log, ex } = run(510, "x86_64", "general-protection");
    expect(ex.access?.effectiveAddress).toBe(logged(log, /non-canonical address (0x[0-9a-f]+)/));
    const rbx = logged(log, /RBX: ([0-9a-f]{16})/);
    const [lo, hi] = kasanRange(log);
    expect(ex.verdict.kind).toBe("null-pointer");
    expect(ex.verdict.pointer).toBe(rbx);
    expect(ex.verdict.fieldOffset).toBe(0x10n);
    const addr = rbx + 0x10n;
    expect(addr >= lo && addr <= hi).toBe(true);
  });

  it("459 (x86-64 page fault): movzx ebx,BYTE PTR [rbp+0x3c] recomputes the printed address", () => {
    // objdump: movzx ebx,BYTE PTR [rbp+0x3c]   <- faulting
    const { log, ex } = run(459, "x86_64", "paging-request");
    const printed = logged(log, /page fault for address: ([0-9a-f]{16})/);
    expect(ex.access?.base).toBe("rbp");
    expect(ex.access?.disp).toBe(0x3cn);
    expect(ex.access?.effectiveAddress).toBe(logged(log, /RBP: ([0-9a-f]{16})/) + 0x3cn);
    expect(ex.access?.faultAddress).toBe(printed);
    expect(ex.access?.matchesFaultAddress).toBe(true);
    // A plausible direct-map address: the oops alone cannot say why it was unmapped.
    expect(ex.verdict.kind).toBe("unknown");
    expect(ex.unknowns.length).toBeGreaterThan(0);
  });

  it("162 (x86-64 GPF, no address printed): lock inc [rbx+0x198] with rbx = 0xdead4ead00000000", () => {
    // objdump: lock inc DWORD PTR [rbx+0x198]   <- faulting
    const { log, ex } = run(162, "x86_64", "general-protection");
    const rbx = logged(log, /RBX: ([0-9a-f]{16})/);
    expect(ex.access?.kind).toBe("rmw");
    expect(ex.access?.effectiveAddress).toBe(rbx + 0x198n);
    // #GP does not set CR2 (the dump's CR2 is stale): no fault address to compare with.
    expect(ex.access?.faultAddress).toBeUndefined();
    expect(ex.access?.matchesFaultAddress).toBeUndefined();
    expect(ex.verdict.kind).toBe("non-canonical");
    expect(ex.verdict.pointer).toBe(rbx);
  });

  it("614 (x86-64 stack guard page): push at rsp - 8 is the printed guard-page address", () => {
    const { log, ex } = run(614, "x86_64", "stack-overflow");
    const printed = logged(log, /stack guard page was hit at ([0-9a-f]{16})/);
    expect(ex.access?.kind).toBe("store");
    expect(ex.access?.effectiveAddress).toBe(logged(log, /RSP: 0018:([0-9a-f]{16})/) - 8n);
    expect(ex.access?.matchesFaultAddress).toBe(true);
    expect(ex.access?.faultAddress).toBe(printed);
    expect(ex.verdict.kind).toBe("stack-guard");
  });

  it("315 (x86-64 double fault): push r9 at rsp - 8 just below the stack, CR2 says the same", () => {
    // objdump: 41 51   push r9   <- faulting
    const { log, ex } = run(315, "x86_64", "double-fault");
    const rsp = logged(log, /RSP: 0000:([0-9a-f]{16})/);
    expect(ex.access?.kind).toBe("store");
    expect(ex.access?.effectiveAddress).toBe(rsp - 8n);
    // #DF does not define CR2, so it is not used as the fault address; here it agrees anyway.
    expect(logged(log, /CR2: ([0-9a-f]{16})/)).toBe(rsp - 8n);
    expect(ex.verdict.kind).toBe("stack-guard");
  });

  it("576 (x86-64 kernel BUG): the faulting instruction is ud2, a deliberate trap", () => {
    const { log, ex } = run(576, "x86_64", "bug");
    expect(log).toMatch(/invalid opcode/);
    expect(ex.access).toBeUndefined();
    expect(ex.verdict.kind).toBe("trap");
    expect(ex.verdict.text).toContain("ud2");
  });

  it("345 (x86-64 WARNING): ud2 at the WARN site", () => {
    const { ex } = run(345, "x86_64", "warning");
    expect(ex.verdict.kind).toBe("trap");
    expect(ex.verdict.text).toContain("WARN()");
  });

  it("522 (x86-64 divide error): div ecx with RCX = 0 printed in the dump", () => {
    // objdump: `f7 f1  div %ecx` at the <f7> mark of the Code: line.
    const { log, crash, ex } = run(522, "x86_64", "divide-error");
    expect(log).toMatch(/divide error/);
    const fault = crash.code?.faultIndex;
    expect(fault).toBeDefined();
    expect([...(crash.code?.bytes.subarray(fault, (fault ?? 0) + 2) ?? [])]).toEqual([0xf7, 0xf1]);
    expect(logged(log, /RCX: ([0-9a-f]{16})/) & 0xffffffffn).toBe(0n);
    expect(ex.access).toBeUndefined();
    expect(ex.verdict.kind).toBe("divide-by-zero");
    expect(ex.verdict.text).toMatch(/divl? %ecx/);
  });

  it("297 (x86-64 soft lockup): a conditional exit after the pc is not an exit-less spin loop", () => {
    // objdump on the Code: bytes: `<49 81 fc 01 10 00 00> cmp r12,0x1001`, then `72 23 jb` — a
    // conditional branch comes before any jump back, so nothing says the CPU cannot leave.
    const { ex } = run(297, "x86_64", "soft-lockup");
    expect(ex.verdict.kind).toBe("unknown");
    expect(ex.verdict.text).toContain("soft-lockup");
  });

  it("659 (arm64 kernel BUG): brk #0x800", () => {
    // objdump -m aarch64: d4210000 = brk #0x800 (BUG_BRK_IMM)
    const { ex } = run(659, "arm64", "bug");
    expect(ex.verdict.kind).toBe("trap");
    expect(ex.verdict.text).toContain("brk");
  });

  it("112 (x86-64): RIP 0x286 = CR2 0x286, a jump through a bad function pointer", () => {
    const { log, ex } = run(112, "x86_64", "null-deref");
    expect(logged(log, /CR2: ([0-9a-f]{16})/)).toBe(logged(log, /RIP: 0010:(0x[0-9a-f]+)/));
    expect(ex.verdict.kind).toBe("bad-jump");
    expect(ex.verdict.pointer).toBe(0x286n);
  });

  it("693 (arm64 NULL dereference at 8): ldr x20, [x19, #8] with x19 = 0", () => {
    // objdump -m aarch64: f9400674 = ldr x20, [x19, #8]   <- faulting
    const { log, ex } = run(693, "arm64", "null-deref");
    const far = logged(log, /virtual address ([0-9a-f]{16})/);
    expect(ex.access?.base).toBe("x19");
    expect(ex.access?.disp).toBe(8n);
    expect(ex.access?.effectiveAddress).toBe(far);
    expect(ex.access?.matchesFaultAddress).toBe(true);
    expect(ex.verdict.kind).toBe("null-pointer");
    expect(ex.verdict.fieldOffset).toBe(far);
  });

  it("677 (arm NULL dereference at 0): ldr r0, [r9] with r9 = 0", () => {
    // objdump -m arm: e5990000 = ldr r0, [r9]   <- faulting
    const { log, ex } = run(677, "arm", "null-deref");
    expect(logged(log, /r9 : ([0-9a-f]{8})/)).toBe(0n);
    expect(ex.access?.base).toBe("r9");
    expect(ex.access?.effectiveAddress).toBe(logged(log, /virtual address ([0-9a-f]{8})/));
    expect(ex.access?.matchesFaultAddress).toBe(true);
    expect(ex.verdict.kind).toBe("null-pointer");
    expect(ex.verdict.fieldOffset).toBe(0n);
  });
});
