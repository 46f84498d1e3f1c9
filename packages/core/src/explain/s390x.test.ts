// explainCrash on the real s390x logs committed under test-data/oops/s390x (each file cites its
// mailing-list source), through parseLog → disassembleCode (the kernel's own `Krnl Code:` listing) →
// explainCrash. Both are WARN()s: the faulting instruction is the trap, which has no memory operand,
// and the kernel prints no fault address, so there is no access to check against one. What the logs
// do support is checked: the trap is the `#` line before the PSW (`mc 0,0` since 2020, `j 0b+2` =
// a7f40001 before, arch/s390/include/asm/bug.h), and the table reads the kernel's mnemonics (`brc 15`,
// `brasl`, `larl`, `lg`, `la`) from the same bytes, with the link value of `brasl` equal to the dumped r14.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { initDisassembler } from "../disasm/capstone.js";
import { explainCrash } from "./explain.js";
import { semanticsFor } from "./semantics/index.js";
import type { Semantics } from "./semantics/types.js";
import { decode, firstCrash } from "./testutil.js";

const load = (p: string) => readFileSync(new URL(`../../test-data/oops/s390x/${p}`, import.meta.url), "utf8");
const sem = semanticsFor("s390x") as Semantics;

describe("explain on real s390x logs (Krnl Code:)", () => {
  beforeAll(() => initDisassembler());

  it("5.4 WARN in enqueue_task_fair: the trap is `brc 15,.+2` (j 0b+2) on the # line, the PSW is past it", () => {
    const log = load("lkml-enqueue-task-fair.txt");
    const c = firstCrash(log);
    const insns = decode(c);
    expect(c.arch).toBe("s390x");
    expect(c.kind).toBe("warning");
    // Krnl PSW : 0404c00180000000 00000007353f2d4c
    expect(c.pc?.address).toBe(0x7353f2d4cn);
    const psw = insns.find((i) => i.faulting);
    expect(psw?.address).toBe(0x7353f2d4cn);
    // `>` brc 15,7353f2700: an unconditional jump (mask 15 from the bytes a7f4fcda), no memory operand.
    expect(sem.effect(psw as NonNullable<typeof psw>)).toMatchObject({ control: "jump" });
    expect(sem.effect(psw as NonNullable<typeof psw>).mem).toBeUndefined();

    const ex = explainCrash(c, insns);
    expect(c.fault.address).toBeUndefined();
    expect(ex.access).toBeUndefined();
    expect(ex.verdict.kind).toBe("trap");
    expect(ex.verdict.text).toContain("brc 15,7353f2d4a");
    expect(ex.verdict.text).toContain("WARN()");
    expect(ex.notes.join(" ")).toContain("the PSW points past the trap");

    // brasl %r14,… at 0x7353f2d42 (6 bytes): the link value is the dumped r14 (nothing writes r14 after it).
    const brasl = insns.find((i) => i.mnemonic === "brasl");
    const fx = sem.effect(brasl as NonNullable<typeof brasl>);
    expect(fx.control).toBe("call");
    expect(fx.writes).toEqual([{ reg: "r14", value: { k: "imm", v: 0x7353f2d48n } }]);
    expect(c.registers.r14).toBe(0x7353f2d48n);
    // larl %r2,735f500bc
    const larl = sem.effect(insns[0] as NonNullable<(typeof insns)[0]>);
    expect(larl.writes).toEqual([{ reg: "r2", value: { k: "imm", v: 0x735f500bcn } }]);
    // lg %r3,840(%r7) after the PSW (not executed): the table reads base r7, displacement 840, 8 bytes.
    const lg = insns.find((i) => i.mnemonic === "lg");
    expect(sem.effect(lg as NonNullable<typeof lg>).mem).toEqual({
      op: "load",
      mem: { base: "r7", scale: 1, disp: 840n },
      size: 8,
    });
    // Every line of the listing is modelled by the table.
    for (const i of insns) expect(sem.effect(i).unknown ?? false, `${i.mnemonic} ${i.opStr}`).toBe(false);
  });

  it("6.5 WARN in alg_test: the trap is `mc 0,0` on the # line", () => {
    const log = load("qemu-chacha20-warning.txt");
    const c = firstCrash(log);
    const insns = decode(c);
    // Krnl PSW : 0704c00180000000 00000000005df8fe
    expect(c.pc?.address).toBe(0x5df8fen);
    expect(insns.find((i) => i.faulting)?.mnemonic).toBe("brc");
    const ex = explainCrash(c, insns);
    expect(c.fault.address).toBeUndefined();
    expect(ex.access).toBeUndefined();
    expect(ex.verdict.kind).toBe("trap");
    expect(ex.verdict.text).toContain("mc 0,0");
    // brasl %r14,… at 0x5df8f4: link 0x5df8fa = the dumped r14.
    const brasl = insns.find((i) => i.mnemonic === "brasl");
    expect(sem.effect(brasl as NonNullable<typeof brasl>).writes).toEqual([
      { reg: "r14", value: { k: "imm", v: 0x5df8fan } },
    ]);
    expect(c.registers.r14).toBe(0x5df8fan);
    // lr %r11,%r13: bits 32-63 of r13 into r11, bits 0-31 of r11 kept.
    const lr = insns.find((i) => i.mnemonic === "lr");
    expect(sem.effect(lr as NonNullable<typeof lr>).writes[0]?.reg).toBe("r11");
    for (const i of insns) expect(sem.effect(i).unknown ?? false, `${i.mnemonic} ${i.opStr}`).toBe(false);
  });
});
