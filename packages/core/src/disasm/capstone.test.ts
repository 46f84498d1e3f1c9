// The Capstone adapter on single instructions, each checked against the objdump line quoted beside it
// (GNU objdump 2.40, `objdump -D -b binary -m <machine>` on the same bytes): structured operands,
// registers read and written, and the errors for bad input.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { isOopsError } from "../errors.js";
import { decodeRun, disassemblerReady, fullRegister, initDisassembler } from "./capstone.js";
import { disassembleCode } from "./code.js";
import type { DisasmTarget } from "./types.js";

const x64: DisasmTarget = { arch: "x86_64", endian: "little" };
const hexBytes = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (x) => Number.parseInt(x, 16));
const one = (t: DisasmTarget, h: string) => {
  const d = decodeRun(t, hexBytes(h), 0n).insns[0];
  if (!d) throw new Error(`no instruction in ${h}`);
  return d;
};

describe("before initialisation", () => {
  it("refuses to decode with E_DISASM_INIT instead of crashing", () => {
    expect(disassemblerReady()).toBe(false);
    try {
      disassembleCode(x64, { bytes: hexBytes("90"), faultIndex: 0 });
      expect.unreachable();
    } catch (e) {
      expect(isOopsError(e) && e.code).toBe("E_DISASM_INIT");
      expect((e as Error).message).toBe(
        "the disassembler could not be initialised: call initDisassembler() (async) before decoding",
      );
    }
  });
});

describe("Capstone 5 adapter", () => {
  it("initialises once from caller-supplied WASM bytes (as the CLI passes them)", async () => {
    const require = createRequire(import.meta.url);
    const wasm = readFileSync(require.resolve("@alexaltea/capstone-js/dist/capstone.wasm"));
    const a = initDisassembler({ wasmBinary: new Uint8Array(wasm) });
    const b = initDisassembler();
    await Promise.all([a, b]);
    expect(disassemblerReady()).toBe(true);
  });

  it("x86-64 `48 8b 44 8b 10` = objdump `mov 0x10(%rbx,%rcx,4),%rax`", () => {
    const d = one(x64, "488b448b10");
    expect(d.operands).toEqual([
      { kind: "reg", reg: "rax", size: 8, access: "w" },
      { kind: "mem", mem: { base: "rbx", index: "rcx", scale: 4, disp: 16n, size: 8 }, access: "r" },
    ]);
    expect(d.regsRead.sort()).toEqual(["rbx", "rcx"]);
    expect(d.regsWritten).toEqual(["rax"]);
    expect(d.accessComplete).toBe(true);
  });

  it("x86-64 `65 48 8b 04 25 28 00 00 00` = objdump `mov %gs:0x28,%rax` (segment, no base)", () => {
    const d = one(x64, "65488b042528000000");
    expect(d.operands[1]).toEqual({ kind: "mem", mem: { segment: "gs", scale: 1, disp: 0x28n, size: 8 }, access: "r" });
  });

  it("x86-64 `89 ed` = objdump `mov %ebp,%ebp`: sub-registers keep their width", () => {
    const d = one(x64, "89ed");
    expect(d.operands).toEqual([
      { kind: "reg", reg: "ebp", size: 4, access: "w" },
      { kind: "reg", reg: "ebp", size: 4, access: "r" },
    ]);
    expect(fullRegister("x86_64", "ebp")).toBe("rbp");
    expect(fullRegister("x86_64", "r13d")).toBe("r13");
  });

  it("x86-64 `53` = objdump `push %rbx`: implicit rsp read and written", () => {
    const d = one(x64, "53");
    expect(d.regsRead.sort()).toEqual(["rbx", "rsp"]);
    expect(d.regsWritten).toEqual(["rsp"]);
  });

  it("x86-64 `67 48 0f b9 3a | 0f b9 40 10` = objdump `ud1 (%edx),%rdi` / `ud1 0x10(%rax),%eax` (UBSAN trap)", () => {
    // Capstone 5 decodes UD1 without its ModRM; the adapter completes it (SDM vol. 2, UD).
    const insns = disassembleCode(x64, { bytes: hexBytes("67480fb93a0fb94010"), faultIndex: 0 });
    expect(insns.map((i) => [i.offset, i.bytes.length, i.mnemonic, i.opStr])).toEqual([
      [0, 5, "ud1", "(%edx), %rdi"],
      [5, 4, "ud1", "0x10(%rax), %eax"],
    ]);
    expect(insns[0]?.operands).toEqual([
      { kind: "reg", reg: "rdi" },
      { kind: "mem", mem: { base: "edx", scale: 1, disp: 0n } },
    ]);
  });

  it("AArch64 `f8408420` = objdump `ldr x0, [x1], #8` (post-index writeback)", () => {
    const d = one({ arch: "arm64", endian: "little" }, "208440f8");
    expect(d.operands[0]).toEqual({ kind: "reg", reg: "x0", access: "w" });
    expect(d.operands[1]).toEqual({ kind: "mem", mem: { base: "x1", scale: 1, disp: 0n }, access: "r" });
    expect(d.writeback).toBe(true);
    expect(d.regsWritten.sort()).toEqual(["x0", "x1"]);
  });

  it("AArch64 `b8637841` = objdump `ldr w1, [x2, x3, lsl #2]` (scaled index, w-register)", () => {
    const d = one({ arch: "arm64", endian: "little" }, "417863b8");
    expect(d.mnemonic).toBe("ldr");
    expect(d.operands[0]).toEqual({ kind: "reg", reg: "w1", access: "w" });
    expect(d.operands[1]).toEqual({ kind: "mem", mem: { base: "x2", index: "x3", scale: 4, disp: 0n }, access: "r" });
    expect(fullRegister("arm64", "w1")).toBe("x1");
  });

  it("AArch64 `f862d820` = objdump `ldr x0, [x1, w2, sxtw #3]` (extended, scaled index)", () => {
    const d = one({ arch: "arm64", endian: "little" }, "20d862f8");
    expect(d.operands[1]).toEqual({
      kind: "mem",
      mem: { base: "x1", index: "w2", indexExtend: "sxtw", scale: 8, disp: 0n },
      access: "r",
    });
  });

  it("ARM `e7110002` / `e4910004` = objdump `ldr r0, [r1, -r2]` / `ldr r0, [r1], #4`", () => {
    const [neg, post] = decodeRun({ arch: "arm", endian: "little" }, hexBytes("020011e7040091e4"), 0n).insns;
    expect(neg?.operands[1]).toEqual({
      kind: "mem",
      mem: { base: "r1", index: "r2", scale: -1, disp: 0n },
      access: "r",
    });
    expect(post?.operands.slice(1)).toEqual([
      { kind: "mem", mem: { base: "r1", scale: 1, disp: 0n }, access: "r" },
      { kind: "imm", value: 4n },
    ]);
    expect(post?.writeback).toBe(true);
  });

  it("AArch64 `f2df7fe1` = objdump `movk x1, #0xfbff, lsl #32` (immediate keeps its shift)", () => {
    const d = one({ arch: "arm64", endian: "little" }, "e17fdff2");
    expect(d.operands[1]).toEqual({ kind: "imm", value: 0xfbffn, shift: { type: "lsl", amount: 32 } });
  });

  it("ARM `e7922101` = objdump `ldr r2, [r2, r1, lsl #2]`", () => {
    const d = one({ arch: "arm", endian: "little" }, "012192e7");
    expect(d.operands[1]).toEqual({ kind: "mem", mem: { base: "r2", index: "r1", scale: 4, disp: 0n }, access: "r" });
  });

  it("MIPS64 `dd280010` = objdump -M gpr-names=64 `ld a4,16(a5)` (Capstone spells $8/$9 the o32 way, t0/t1)", () => {
    const d = one({ arch: "mips64", endian: "big" }, "dd280010");
    expect(d.operands).toEqual([
      { kind: "reg", reg: "a4" },
      { kind: "mem", mem: { base: "a5", scale: 1, disp: 16n } },
    ]);
  });

  it("RISC-V `6422` = objdump `ld s0,8(sp)` (c.ldsp shown as its base instruction)", () => {
    const d = one({ arch: "riscv64", endian: "little" }, "2264");
    expect(d.mnemonic).toBe("ld");
    expect(d.operands).toEqual([
      { kind: "reg", reg: "s0" },
      { kind: "mem", mem: { base: "sp", scale: 1, disp: 8n } },
    ]);
    expect(d.accessComplete).toBe(false);
    expect(d.regsRead).toEqual(["sp"]);
  });

  it("s390x `ba123020` = objdump `cs %r1,%r2,32(%r3)`", () => {
    const d = one({ arch: "s390x", endian: "big" }, "ba123020");
    expect(d.operands).toEqual([
      { kind: "reg", reg: "r1" },
      { kind: "reg", reg: "r2" },
      { kind: "mem", mem: { base: "r3", scale: 1, disp: 32n } },
    ]);
  });

  it("rejects an empty window and a mark outside it with E_CODE_BYTES", () => {
    expect(() => disassembleCode(x64, { bytes: new Uint8Array(0) })).toThrow(
      "the Code: line could not be decoded: the Code: window holds no bytes",
    );
    expect(() => disassembleCode(x64, { bytes: hexBytes("9090"), faultIndex: 5 })).toThrow(
      "the Code: line could not be decoded: fault index 5 is outside the 2-byte window",
    );
  });

  it("rejects an unknown architecture with E_DISASM_ARCH", () => {
    const bogus = { arch: "vax", endian: "little" } as unknown as DisasmTarget;
    expect(() => disassembleCode(bogus, { bytes: hexBytes("01") })).toThrow(
      'no disassembler for this architecture: unknown architecture "vax"',
    );
  });

  it("turns undecodable bytes into data entries and keeps going", () => {
    // AArch64 0x00000000 is `udf #0` in objdump; 0xffffffff is undefined (`.inst 0xffffffff`).
    const insns = disassembleCode(
      { arch: "arm64", endian: "little" },
      { bytes: hexBytes("ffffffff1f2003d5"), faultIndex: 4 },
    );
    expect(insns.map((i) => [i.offset, i.mnemonic, i.bad ?? false])).toEqual([
      [0, ".word", true],
      [4, "nop", false],
    ]);
    expect(insns[1]?.faulting).toBe(true);
  });
});
