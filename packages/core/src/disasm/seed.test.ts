// The flagship seed case (examples/seed): the MIPS64 Octeon Code: window of the bonding.ko oops.
// Oracle: the listing the engineer produced in 2013 with `mips64-octeon-linux-gnu-objdump -S
// bonding.ko` (examples/seed/000_9ff384e645645ed1.txt, lines 94-104), which decodes the same words.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { disassembleCode, initDisassembler } from "./index.js";

const seed = readFileSync(new URL("../../../../examples/seed/000_9ff384e645645ed1.txt", import.meta.url), "utf8");

/** `Code:` words (big-endian MIPS) → bytes in memory order and the marked word's offset. */
function words(line: string): { bytes: Uint8Array; faultIndex: number } {
  const units = line
    .replace(/^.*Code:\s*/, "")
    .trim()
    .split(/\s+/);
  const bytes = new Uint8Array(units.length * 4);
  let faultIndex = -1;
  units.forEach((u, i) => {
    if (u.startsWith("<")) faultIndex = i * 4;
    const v = Number.parseInt(u.replace(/[<>]/g, ""), 16);
    new DataView(bytes.buffer).setUint32(i * 4, v, false);
  });
  return { bytes, faultIndex };
}

/** objdump's MIPS spelling → Capstone's (`616(s2)` vs `0x268($s2)`): compare values, not text. */
function norm(s: string): string {
  return s
    .replace(/\$/g, "")
    .replace(/(-?)0x([0-9a-f]+)/g, (_, sign: string, h: string) => `${sign}${Number.parseInt(h, 16)}`)
    .replace(/\s+/g, "")
    .replace(/(^|,)\(/g, "$10("); // Capstone omits a zero displacement: `($s1)` = `0(s1)`
}

describe("seed: MIPS64 Octeon Code: window of rlb_arp_recv", () => {
  beforeAll(() => initDisassembler());
  const codeLine = seed.split("\n").find((l) => l.startsWith("Code:")) ?? "";
  const oracle = new Map<number, { word: string; text: string }>();
  for (const l of seed.split("\n")) {
    const m = /^(e[0-9a-f]{3}): ([0-9a-f]{8}) (\S+)\s*(\S*)/.exec(l);
    if (m?.[1] && m[2] && m[3]) oracle.set(Number.parseInt(m[1], 16), { word: m[2], text: `${m[3]} ${m[4] ?? ""}` });
  }

  it("decodes every word as the engineer's Octeon objdump did, dmul included", () => {
    const code = words(codeLine);
    expect(code.faultIndex).toBe(12);
    // Place the window at the .ko address of the fault (rlb_arp_recv 0xe8e8 + 0x128 = 0xea10) so that
    // branch targets read as in the objdump listing.
    const insns = disassembleCode({ arch: "mips64", endian: "big", octeon: true }, code, 0xea10n);
    expect(insns).toHaveLength(9);
    let checked = 0;
    for (const i of insns) {
      const ko = 0xea10 + (i.offset - 12);
      const o = oracle.get(ko);
      expect(o, `objdump line for ${ko.toString(16)}`).toBeDefined();
      if (!o) continue;
      const word = [...i.bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
      if (word !== o.word) continue; // relocated in memory (lui v0,0x808b vs lui v0,0x0)
      const [mn, ...rest] = o.text.trim().split(" ");
      expect(i.mnemonic).toBe(mn);
      // objdump prints branch targets as bare hex (`beqz v1,ea34`).
      const ops = i.groups?.includes("jump") ? rest.join(" ").replace(/([0-9a-f]+)$/, "0x$1") : rest.join(" ");
      expect(norm(i.opStr)).toBe(norm(ops));
      checked++;
    }
    expect(checked).toBe(8);
    const f = insns.find((i) => i.faulting);
    expect(f?.mnemonic).toBe("lbu");
    expect(f?.address).toBe(0xea10n);
    // With the dumped epc, addresses are the kernel's.
    const live = disassembleCode({ arch: "mips64", endian: "big" }, code, 0xffffffffc0445a10n);
    expect(live[0]?.address).toBe(0xffffffffc0445a04n);
    expect(live.find((i) => i.faulting)?.address).toBe(0xffffffffc0445a10n);
    // At the kernel's addresses the branch target is the address, as objdump prints it:
    // `objdump -D -b binary -m mips:octeon2 -EB --adjust-vma=0xffffffffc0445a04` on these words gives
    // `ffffffffc0445a14: 10600007  beqz v1,0xffffffffc0445a34` (Capstone alone says `-0x3fbba5cc`).
    const beqz = live.find((i) => i.address === 0xffffffffc0445a14n);
    expect(beqz?.mnemonic).toBe("beqz");
    expect(beqz?.opStr).toBe("$v1, 0xffffffffc0445a34");
    expect(beqz?.operands[1]).toEqual({ kind: "imm", value: 0xffffffffc0445a34n });
  });

  it("gives the operands the explanation needs, under n64 ABI names", () => {
    const insns = disassembleCode({ arch: "mips64", endian: "big", octeon: true }, words(codeLine));
    const [ld, dmul, daddu, lbu] = insns;
    expect(ld?.operands).toEqual([
      { kind: "reg", reg: "a0" },
      { kind: "mem", mem: { base: "s2", scale: 1, disp: 616n } },
    ]);
    expect(dmul?.operands).toEqual([
      { kind: "reg", reg: "v0" },
      { kind: "reg", reg: "v0" },
      { kind: "reg", reg: "v1" },
    ]);
    expect(daddu?.operands).toEqual([
      { kind: "reg", reg: "s1" },
      { kind: "reg", reg: "a0" },
      { kind: "reg", reg: "v0" },
    ]);
    expect(lbu?.operands).toEqual([
      { kind: "reg", reg: "v1" },
      { kind: "mem", mem: { base: "s1", scale: 1, disp: 24n } },
    ]);
    expect(lbu?.faulting).toBe(true);
    expect(lbu?.regsRead).toContain("s1");
    expect(lbu?.accessComplete).toBe(false);
  });
});
