// explainCrash on instruction sequences assembled by GNU as (the objdump reading is quoted per case)
// with register dumps built for the purpose: verdicts the corpus has no log for (slab and list
// poison, misalignment, MIPS delay-slot faults, user addresses) and the soundness rule that a
// register overwritten after an instruction no longer shows that instruction's input. Poison values
// are those of include/linux/poison.h; MIPS Cause fields those of the MIPS64 Architecture Vol. III.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { ArchId, Endian } from "../arch/types.js";
import { initDisassembler } from "../disasm/capstone.js";
import { disassembleCode } from "../disasm/code.js";
import type { Crash } from "../oops/model.js";
import { textOffset } from "../types.js";
import { explainCrash } from "./explain.js";
import { decode, firstCrash } from "./testutil.js";

const bytes = (hex: string) =>
  Uint8Array.from((hex.replace(/\s+/g, "").match(/../g) ?? []).map((h) => Number.parseInt(h, 16)));

function crash(arch: ArchId, regs: Record<string, bigint>, extra: Partial<Crash> = {}): Crash {
  return {
    arch,
    kind: "oops",
    signature: { title: "", altTitles: [], corrupted: false },
    kernel: {},
    tainted: { letters: "", meanings: [] },
    fault: {},
    registers: regs,
    frames: [],
    modules: [],
    position: { start: textOffset(0), end: textOffset(0) },
    report: "",
    ...extra,
  };
}

function explain(arch: ArchId, endian: Endian, hex: string, fault: number, c: Crash) {
  const insns = disassembleCode({ arch, endian, octeon: arch === "mips64" }, { bytes: bytes(hex), faultIndex: fault });
  return { insns, ex: explainCrash(c, insns) };
}

describe("explainCrash: verdicts and soundness", () => {
  beforeAll(() => initDisassembler());

  it("slab poison: a pointer read from a freed object (POISON_FREE 0x6b)", () => {
    // objdump: 48 8b 43 10   mov rax,QWORD PTR [rbx+0x10]   <- faulting
    const c = crash(
      "x86_64",
      { rbx: 0x6b6b6b6b6b6b6b6bn },
      {
        kind: "general-protection",
        report: "general protection fault, probably for non-canonical address 0x6b6b6b6b6b6b6b7b: 0000 [#1] SMP",
      },
    );
    const { ex } = explain("x86_64", "little", "488b4310", 0, c);
    expect(ex.access?.effectiveAddress).toBe(0x6b6b6b6b6b6b6b6bn + 0x10n);
    expect(ex.access?.matchesFaultAddress).toBe(true);
    expect(ex.verdict.kind).toBe("slab-poison");
    expect(ex.verdict.text).toContain("use after free");
  });

  it("list poison: writing through LIST_POISON1 (0xdead000000000100) + 8", () => {
    // objdump: 48 89 50 08   mov QWORD PTR [rax+0x8],rdx   <- faulting
    const c = crash("x86_64", { rax: 0xdead000000000100n, rdx: 0x1234n }, { kind: "general-protection" });
    const { ex } = explain("x86_64", "little", "48895008", 0, c);
    expect(ex.access?.kind).toBe("store");
    expect(ex.access?.effectiveAddress).toBe(0xdead000000000108n);
    expect(ex.access?.faultAddress).toBeUndefined();
    expect(ex.verdict.kind).toBe("list-poison");
    expect(ex.verdict.pointer).toBe(0xdead000000000100n);
    expect(ex.verdict.fieldOffset).toBe(8n);
  });

  it("an input overwritten by its own instruction and not invertible is unknown, not the dumped value", () => {
    // objdump: mov rcx,QWORD PTR [rbx]; and rcx,0xfffffffffffffff0; mov rsi,QWORD PTR [rcx+0x8] <- faulting
    const c = crash("x86_64", { rbx: 0xffff888000001000n, rcx: 0x0n }, { fault: { address: 8n }, kind: "null-deref" });
    const { ex } = explain("x86_64", "little", "488b0b 4883e1f0 488b7108", 7, c);
    expect(ex.access?.effectiveAddress).toBe(8n);
    const load = ex.steps.find((s) => s.text.startsWith("mov") && s.register === "rcx");
    expect(load).toBeDefined();
    // rcx after the load is gone: `and` overwrote it and `and` cannot be inverted.
    expect(load?.value).toBeUndefined();
    const and = ex.steps.find((s) => s.text.startsWith("and"));
    expect(and?.value).toBe(0n);
    expect(and?.meaning).toContain("unknown");
  });

  it("an overwritten register is recovered from a later reader when that is exact (lea rcx,[rax+8])", () => {
    // objdump: mov rax,QWORD PTR [rbx]; lea rcx,[rax+0x8]; mov eax,0x5; mov rsi,QWORD PTR [rcx] <- faulting
    const c = crash("x86_64", { rbx: 0xffff888000001000n, rcx: 0x8n, rax: 5n }, { fault: { address: 8n } });
    const { ex } = explain("x86_64", "little", "488b03 488d4808 b805000000 488b31", 12, c);
    const load = ex.steps.find((s) => s.register === "rax");
    // rax at the fault is 5 (mov eax,0x5); the loaded value is rcx - 8 = 0.
    expect(load?.value).toBe(0n);
    expect(ex.verdict.kind).toBe("null-pointer");
    expect(ex.verdict.fieldOffset).toBe(8n);
    expect(ex.verdict.loadedFrom?.object).toBe(0xffff888000001000n);
  });

  it("MIPS misaligned load: AdEL (ExcCode 4) at an address not a multiple of 8", () => {
    // objdump -m mips:octeon2: dc820000  ld v0,0(a0)   <- faulting
    const c = crash(
      "mips64",
      { a0: 0xa800000001234561n, cause: 4n << 2n },
      { fault: { address: 0xa800000001234561n } },
    );
    const { ex } = explain("mips64", "big", "dc820000", 0, c);
    expect(ex.access?.matchesFaultAddress).toBe(true);
    expect(ex.verdict.kind).toBe("misaligned");
    expect(ex.notes.join(" ")).toContain("AdEL");
  });

  it("MIPS fault in a branch delay slot: Cause.BD moves the fault to the slot instruction", () => {
    // objdump -m mips:octeon2: dc820000 ld v0,0(a0); 10600007 beqz v1,..; dc820008 ld v0,8(a0)
    // EPC points at the branch (marked) when Cause.BD (bit 31) is set.
    const c = crash("mips64", { a0: 0n, v1: 0n, cause: 0x80000008n }, { fault: { address: 8n } });
    const { insns, ex } = explain("mips64", "big", "dc820000 10600007 dc820008", 4, c);
    expect(insns[1]?.faulting).toBe(true);
    expect(ex.access?.instruction).toBe(2);
    expect(ex.access?.disp).toBe(8n);
    expect(ex.access?.matchesFaultAddress).toBe(true);
    expect(ex.notes.join(" ")).toContain("delay slot");
    expect(ex.verdict.kind).toBe("null-pointer");
  });

  it("146 (real log): lock inc [rax+0x138] with rax = 0xffffffff reaches a user-space address", () => {
    // objdump: f0 ff 80 38 01 00 00   lock inc DWORD PTR [rax+0x138]   <- faulting
    const log = readFileSync(new URL("../../../../corpus/syzkaller/report/146", import.meta.url), "latin1");
    const c = firstCrash(log);
    const ex = explainCrash(c, decode(c));
    const printed = BigInt(`0x${/paging request at ([0-9a-f]{16})/.exec(log)?.[1] ?? "0"}`);
    const rax = BigInt(`0x${/RAX: ([0-9a-f]{16})/.exec(log)?.[1] ?? "0"}`);
    expect(printed < 0x0000800000000000n).toBe(true);
    expect(ex.access?.kind).toBe("rmw");
    expect(ex.access?.effectiveAddress).toBe(rax + 0x138n);
    expect(ex.access?.matchesFaultAddress).toBe(true);
    expect(ex.verdict.kind).toBe("user-address");
    expect(ex.verdict.pointer).toBe(printed);
  });

  it("no architecture: says so instead of guessing", () => {
    const c = crash("x86_64", {});
    delete c.arch;
    const ex = explainCrash(c, []);
    expect(ex.verdict.kind).toBe("unknown");
    expect(ex.unknowns[0]).toContain("architecture");
  });
});
