// The seed case (examples/seed): the MIPS64 Octeon oops in bonding.ko, explained from the oops text
// alone. Every expected fact comes from the engineer's own write-up (examples/seed/CASE.md steps 2-4,
// and the objdump listing in examples/seed/000_9ff384e645645ed1.txt), not from this code's output:
// `lbu v1,24(s1)` at rlb_arp_recv+0x128; EA = s1 + 0x18 = 0x300 + 0x18 = 0x318 = BadVA;
// s1 = a0 + v0 (daddu); a0 = 0 loaded by `ld a0,616(s2)` from the object at 0xa8000000012d1600;
// v0 = 0x300 = hash_index 0x10 × sizeof(struct rlb_client_info) 0x30 (dmul); field `assigned` at +0x18.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { initDisassembler } from "../disasm/capstone.js";
import { explainCrash } from "./explain.js";
import { decode, firstCrash } from "./testutil.js";

const log = readFileSync(new URL("../../../../examples/seed/oops.log", import.meta.url), "utf8");

describe("seed: rlb_arp_recv NULL rx_hashtbl", () => {
  beforeAll(() => initDisassembler());

  const run = () => {
    const crash = firstCrash(log);
    const insns = decode(crash);
    return { crash, insns, ex: explainCrash(crash, insns) };
  };

  it("finds the faulting lbu and recomputes BadVA from s1", () => {
    const { ex, insns } = run();
    const a = ex.access;
    expect(a).toBeDefined();
    if (!a) return;
    expect(insns[a.instruction]?.mnemonic).toBe("lbu");
    // CASE.md step 2: `epc : ffffffffc0445a10 rlb_arp_recv+0x128/0x228 [bonding]`.
    const epc = /epc : ([0-9a-f]{16}) rlb_arp_recv\+0x128\//.exec(log)?.[1];
    expect(epc).toBeDefined();
    expect(insns[a.instruction]?.address).toBe(BigInt(`0x${epc}`));
    expect(a.kind).toBe("load");
    expect(a.size).toBe(1);
    expect(a.base).toBe("s1");
    expect(a.index).toBeUndefined();
    expect(a.disp).toBe(24n);
    // CASE.md step 4: 0x300 + 0x18 = 0x318 = BadVA (printed as `BadVA : 0000000000000318`).
    expect(a.effectiveAddress).toBe(0x318n);
    expect(a.faultAddress).toBe(0x318n);
    expect(a.matchesFaultAddress).toBe(true);
  });

  it("slices s1 = a0 + v0, a0 loaded NULL from [s2+0x268], v0 = 0x10 × 0x30 by dmul", () => {
    const { ex } = run();
    const byReg = new Map(ex.steps.map((s) => [s.register, s]));
    const s1 = byReg.get("s1");
    expect(s1?.text).toMatch(/^daddu/);
    expect(s1?.value).toBe(0x300n);
    expect(s1?.depth).toBe(0);
    const a0 = byReg.get("a0");
    expect(a0?.text).toMatch(/^ld/);
    expect(a0?.value).toBe(0n);
    expect(a0?.meaning).toContain("[s2+0x268]");
    expect(a0?.meaning).toContain("0xa8000000012d1600");
    const v0 = byReg.get("v0");
    expect(v0?.text).toMatch(/^dmul/);
    expect(v0?.value).toBe(0x300n);
    // dmul overwrote v0: its input 0x10 is solved as 0x300 / 0x30, sound because v1 is not written after.
    expect(v0?.meaning).toContain("index 0x10 × stride 0x30");
    expect(v0?.meaning).toContain("0x300 / 0x30 = 0x10");
    expect(v0?.meaning).toMatch(/v1 = 0x30 from the dump \(not written again before the fault\)/);
  });

  it("verdict: NULL array base, element 0x10 of 48-byte elements, field +0x18", () => {
    const { ex } = run();
    const v = ex.verdict;
    expect(v.kind).toBe("null-array");
    expect(v.pointer).toBe(0n);
    expect(v.index).toBe(0x10n);
    expect(v.stride).toBe(0x30n);
    expect(v.fieldOffset).toBe(0x18n);
    expect(v.loadedFrom?.object).toBe(0xa8000000012d1600n);
    expect(v.loadedFrom?.offset).toBe(0x268n);
    // Cause 0x00800008: ExcCode 2 = TLBL (a load).
    expect(ex.notes.join("\n")).toContain("ExcCode 2 = TLBL");
  });
});
