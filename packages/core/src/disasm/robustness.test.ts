// Bad input never crashes or hangs the decoder: random windows on every target. Invariants (no oracle
// needed beyond the definition of a window): the instructions tile the window from the chosen start to
// its last byte without gaps or overlaps, and exactly one of them is marked faulting, at the mark.
import { beforeAll, describe, expect, it } from "vitest";
import { xorshift32 } from "../../test/rng.js";
import { disassembleCode, initDisassembler } from "./index.js";
import type { DisasmTarget } from "./types.js";

const TARGETS: DisasmTarget[] = [
  { arch: "x86_64", endian: "little" },
  { arch: "i386", endian: "little" },
  { arch: "arm64", endian: "little" },
  { arch: "arm", endian: "little" },
  { arch: "arm", endian: "little", thumb: true },
  { arch: "arm", endian: "big" },
  { arch: "mips32", endian: "big" },
  { arch: "mips64", endian: "little" },
  { arch: "ppc32", endian: "big" },
  { arch: "ppc64", endian: "little" },
  { arch: "riscv64", endian: "little" },
  { arch: "s390x", endian: "big" },
];

beforeAll(() => initDisassembler());

describe.each(TARGETS)("random windows: $arch $endian thumb=$thumb", (t) => {
  it("tiles the window and marks exactly the marked unit, 40 windows", () => {
    const next = xorshift32(0x5eed + t.arch.length * 131 + (t.thumb ? 7 : 0) + (t.endian === "big" ? 3 : 0));
    const unit =
      t.arch === "x86_64" || t.arch === "i386" ? 1 : t.arch === "riscv64" || t.thumb || t.arch === "s390x" ? 2 : 4;
    const broken: string[] = [];
    for (let n = 0; n < 40; n++) {
      const units = 4 + (next() % 30);
      const bytes = new Uint8Array(units * unit);
      for (let i = 0; i < bytes.length; i++) bytes[i] = next() & 0xff;
      const faultIndex = (next() % units) * unit;
      const insns = disassembleCode(t, { bytes, faultIndex });
      const start = insns[0]?.offset ?? -1;
      let pos = start;
      let tiled = start >= 0 && start <= faultIndex;
      for (const i of insns) {
        tiled &&= i.offset === pos && i.bytes.length > 0;
        pos += i.bytes.length;
      }
      const marked = insns.filter((i) => i.faulting).map((i) => i.offset);
      if (!tiled || pos !== bytes.length || marked.length !== 1 || marked[0] !== faultIndex) {
        const hexs = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
        broken.push(`${hexs} fault ${faultIndex}: start ${start} end ${pos} marked ${marked.join(",")}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
