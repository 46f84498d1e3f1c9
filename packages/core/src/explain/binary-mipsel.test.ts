// explainWithBinary on a little-endian MIPS64 crash: the crash lab's mips64el-null_table capture (Debian
// 6.1 5kc-malta under qemu, our oopslab.ko). A MIPS oops prints its Code: words as numbers and
// nothing that says the CPU's byte order, so the parser takes MIPS's default (big-endian); the
// binary stage reads the window again in the object's order (ELF EI_DATA). Expected values: the
// layout from gdb-multiarch `ptype /o` on that oopslab.ko (struct lab_client 24 bytes, assigned at
// 14; table at 80 in struct lab_bond), the word 9045000e (lbu a1,14(v0)) from
// mips64el-linux-gnuabi64-objdump -d at lab_null_table+0x44, the index from lab_hash(0x0a000007) = 7.
// The soft lockup (mips64el-lockup) prints no Code: line; objdump shows lab_lockup+0x14 as
// `b 13c <lab_lockup+0x14>` (1000ffff) with a nop in its delay slot: for (;;) cpu_relax();.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../analysis/analyze.js";
import type { CrashAnalysis } from "../analysis/types.js";
import { bytesSource } from "../binary/source.js";
import { openElfSymbolizer } from "../symbolize/elf.js";
import { type BinaryExplanation, explainWithBinary } from "./binary.js";

const D = join(__dirname, "../../../../lab/crashes/mips64el-null_table");
const log = readFileSync(join(D, "console.log"), "utf8");
const ko = new Uint8Array(readFileSync(join(D, "oopslab.ko")));

async function run(text: string, obj = ko): Promise<{ a: CrashAnalysis; b: BinaryExplanation | undefined }> {
  const sym = await openElfSymbolizer(bytesSource(obj));
  let b: BinaryExplanation | undefined;
  const an = await analyze(text, {
    stages: {
      binary: async (crash, insns, ex) => {
        b = await explainWithBinary(crash, insns, ex, sym);
        return b;
      },
    },
  });
  const a = an.crashes[0] as CrashAnalysis;
  return { a, b };
}

describe("mips64el: the Code: window in the object's byte order", () => {
  it("the oops says no byte order; the little-endian object's bytes match the window and the verdict is named", async () => {
    const { a, b } = await run(log);
    expect(a.crash.arch).toBe("mips64");
    // the parser had no evidence; the object's ELF header settles it, and the crash now says so
    expect(a.crash.endian).toBe("little");
    expect(a.crash.endianEvidence).toBe("the object's ELF header");
    expect(Buffer.from(a.crash.code?.bytes.subarray(12, 16) ?? []).toString("hex")).toBe("0e004590");
    expect(b?.notes.some((n) => n.includes("little-endian, the object's"))).toBe(true);
    expect(b?.codeCheck?.result).toBe("match");
    expect(b?.verdict?.pointer).toBe("bond->alb.table");
    expect(b?.verdict?.elementType).toBe("struct lab_client");
    expect(b?.verdict?.elementSize).toBe(24);
    expect(b?.verdict?.index).toBe(7n);
    expect(b?.verdict?.member).toBe("entry->assigned");
    expect(b?.verdict?.memberOffset).toBe(14);
  });

  it("an oops whose text says big-endian keeps it: then the same object does not match", async () => {
    const octeon = log.replace("PrId  : 00018900 (MIPS 5KE)", "PrId  : 000d9301 (Cavium Octeon II)");
    const { a, b } = await run(octeon);
    expect(a.crash.endian).toBe("big");
    expect(b?.codeCheck?.result).toBe("mismatch");
    expect(b?.codeCheck?.mismatches[0]?.oops).toContain("9045000e");
    expect(b?.verdict).toBeUndefined();
  });
});

describe("mips64el soft lockup: no Code: window, the object's bytes are decoded", () => {
  const L = join(__dirname, "../../../../lab/crashes/mips64el-lockup");
  const lockup = readFileSync(join(L, "console.log"), "utf8");
  it("lab_lockup+0x14 branches to itself: infinite loop, read from the .ko", async () => {
    const { a, b } = await run(lockup, new Uint8Array(readFileSync(join(L, "oopslab.ko"))));
    expect(a.crash.kind).toBe("soft-lockup");
    expect(a.crash.code).toBeUndefined();
    expect(a.explanation?.verdict.kind).toBe("unknown");
    const f = b?.instructions?.find((i) => i.faulting);
    expect(f?.mnemonic).toBe("b");
    expect(f?.operands.at(-1)).toMatchObject({ kind: "imm", value: 0xffffffffc000213cn });
    expect(b?.explanation?.verdict.kind).toBe("infinite-loop");
  });
});
