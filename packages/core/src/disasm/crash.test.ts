// The disassemble stage on crashes parsed from real logs by the oops parser. Oracles: the seed
// engineer's Octeon objdump listing (examples/seed/000_9ff384e645645ed1.txt) and syzkaller's decompile
// listing for the x86-64 divide error (corpus/syzkaller/decompile/amd64/4.out, `div %rbp` trapping).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseLog } from "../oops/parse.js";
import { disasmTarget, disassembleCrash } from "./crash.js";

const read = (p: string) => readFileSync(new URL(`../../../../${p}`, import.meta.url), "latin1");

describe("disassembleCrash", () => {
  it("seed: MIPS64 Octeon window placed at epc, faulting lbu v1,24(s1)", async () => {
    const crash = parseLog(read("examples/seed/oops.log")).crashes[0];
    expect(crash).toBeDefined();
    if (!crash) return;
    expect(disasmTarget(crash)).toEqual({ arch: "mips64", endian: "big", octeon: true });
    const insns = await disassembleCrash(crash);
    const f = insns.find((i) => i.faulting);
    expect(f?.address).toBe(0xffffffffc0445a10n);
    expect([f?.mnemonic, f?.operands]).toEqual([
      "lbu",
      [
        { kind: "reg", reg: "v1" },
        { kind: "mem", mem: { base: "s1", scale: 1, disp: 24n } },
      ],
    ]);
    expect(insns.slice(0, 3).map((i) => i.mnemonic)).toEqual(["ld", "dmul", "daddu"]);
  });

  it("x86-64 divide error: div %rbp at RIP, as in syzkaller's listing", async () => {
    const crash = parseLog(read("corpus/syzkaller/decompile/amd64/4.in")).crashes[0];
    if (!crash) throw new Error("no crash parsed");
    const insns = await disassembleCrash(crash);
    const f = insns.find((i) => i.faulting);
    expect(f?.mnemonic).toMatch(/^divq?$/);
    expect(f?.operands).toEqual([{ kind: "reg", reg: "rbp", size: 8, access: "r" }]);
    // syzkaller stars offset 0x2a; this RIP line gives only symbol+offset, so no absolute address.
    expect(f?.offset).toBe(0x2a);
    expect(crash.pc?.address).toBeUndefined();
    expect(f?.address).toBeUndefined();
  });
});
