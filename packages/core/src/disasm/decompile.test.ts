// syzkaller's decompile corpus (corpus/syzkaller/decompile/<arch>/N.in|.out): `.out` is the report with
// syzkaller's "Code disassembly (best guess)" appended — objdump's listing of the first kernel Code:
// line, from the start syzkaller's alignment search chose, with the trapping instruction starred.
// Oracle: those .out files. Where `.out` equals `.in`, syzkaller skipped the window; the corpus README
// says that happens when the trapping instruction is a deliberate trap (BUG/WARN), which we check.
import { readdirSync, readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { type GoldenInsn, sameInstruction } from "../../test/disasm-compare.js";
import { disassembleCode, initDisassembler } from "./index.js";
import type { DisasmTarget } from "./types.js";

const base = new URL("../../../../corpus/syzkaller/decompile/", import.meta.url);
const TARGETS: Record<string, DisasmTarget> = {
  amd64: { arch: "x86_64", endian: "little" },
  arm64: { arch: "arm64", endian: "little" },
  arm: { arch: "arm", endian: "little" },
};

interface Case {
  name: string;
  target: DisasmTarget;
  bytes: Uint8Array;
  fault: number;
  thumb: boolean;
  listing?: { skipped: number; insns: (GoldenInsn & { trapping: boolean })[] };
}

/** The first kernel Code: line, as syzkaller picks it (a line after `RIP: 0033:` is user space). */
function firstKernelCode(text: string, target: DisasmTarget): Omit<Case, "name" | "target" | "listing"> | undefined {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const m = /Code: (.*)$/.exec(lines[i] ?? "");
    if (!m?.[1] || /RIP: 0033:/.test(lines[i - 1] ?? "")) continue;
    const units = m[1].trim().split(/\s+/);
    if (!units.every((u) => /^[<(]?[0-9a-f]+[>)]?$/.test(u))) continue;
    const out: number[] = [];
    let fault = -1;
    let width = 0;
    for (const u of units) {
      const h = u.replace(/[<>()]/g, "");
      width = h.length / 2;
      if (h !== u) fault = out.length;
      const v = Number.parseInt(h, 16);
      for (let k = 0; k < width; k++) out.push((v >>> (8 * k)) & 0xff); // little-endian targets
    }
    if (fault < 0) continue;
    return { bytes: Uint8Array.from(out), fault, thumb: target.arch === "arm" && width === 2 };
  }
  return undefined;
}

function parseListing(out: string): Case["listing"] {
  const at = out.indexOf("Code disassembly (best guess)");
  if (at < 0) return undefined;
  const head = /Code disassembly \(best guess\)(?:, (\d+) bytes skipped)?:/.exec(out.slice(at));
  const insns: (GoldenInsn & { trapping: boolean })[] = [];
  for (const l of out.slice(at).split("\n").slice(1)) {
    const m = /^(\*| )\s*([0-9a-f]+):\t([0-9a-f ]+?)\s*(?:\t(.*?))?(?: <-- trapping instruction)?$/.exec(l);
    if (!m?.[2] || !m[3]) continue;
    if (m[4] === undefined) {
      const last = insns.at(-1);
      if (last) last.bytes += m[3].replace(/ /g, "");
      continue;
    }
    const text = m[4].trim();
    const sp = text.search(/\s/);
    insns.push({
      offset: Number.parseInt(m[2], 16),
      bytes: m[3].replace(/ /g, ""),
      mnemonic: sp < 0 ? text : text.slice(0, sp),
      operands: sp < 0 ? "" : text.slice(sp).trim(),
      trapping: m[1] === "*",
    });
  }
  return { skipped: Number(head?.[1] ?? 0), insns };
}

const cases: Case[] = [];
for (const arch of readdirSync(base)) {
  const target = TARGETS[arch];
  if (!target) continue;
  for (const f of readdirSync(new URL(`${arch}/`, base)).filter((x) => x.endsWith(".in"))) {
    const input = readFileSync(new URL(`${arch}/${f}`, base), "latin1");
    const output = readFileSync(new URL(`${arch}/${f.replace(/\.in$/, ".out")}`, base), "latin1");
    const code = firstKernelCode(input, target);
    if (!code) continue;
    const listing = parseListing(output);
    const c: Case = { name: `${arch}/${f.replace(/\.in$/, "")}`, target, ...code };
    if (listing) c.listing = listing;
    cases.push(c);
  }
}

beforeAll(() => initDisassembler());

describe("syzkaller decompile corpus", () => {
  it("has the pairs the corpus README lists", () => {
    expect(cases.filter((c) => c.listing).map((c) => c.name)).toEqual(["amd64/4", "arm/0", "arm64/1"]);
  });

  describe.each(cases.filter((c) => c.listing))("$name", (c) => {
    it("agrees on the start, the trapping instruction and every listed instruction", () => {
      const target = c.thumb ? { ...c.target, thumb: true } : c.target;
      const ours = disassembleCode(target, { bytes: c.bytes, faultIndex: c.fault });
      const listing = c.listing;
      if (!listing) return;
      expect(ours[0]?.offset).toBe(listing.skipped);
      const trap = listing.insns.find((i) => i.trapping);
      const mine = ours.find((i) => i.faulting);
      expect(trap && mine).toBeTruthy();
      if (!trap || !mine) return;
      expect(mine.offset).toBe(trap.offset + listing.skipped);
      expect(sameInstruction(c.target.arch, mine, trap)).toBe(true);
      const byOffset = new Map(ours.map((i) => [i.offset, i]));
      const mismatches: string[] = [];
      for (const o of listing.insns) {
        if (/^(\(bad\)|\.byte|rex\.\w+)$/.test(o.mnemonic)) continue;
        const i = byOffset.get(o.offset + listing.skipped);
        if (!i || !sameInstruction(c.target.arch, i, o))
          mismatches.push(`${o.offset.toString(16)}: ${i?.mnemonic} ${i?.opStr} vs ${o.mnemonic} ${o.operands}`);
      }
      expect(mismatches).toEqual([]);
    });
  });

  // .out equals .in: syzkaller skipped these; the README says because the trap is deliberate.
  it.each([
    ["amd64/0", "ud2"],
    ["arm64/0", "brk"],
  ])("%s: the skipped window traps on a deliberate %s (BUG/WARN)", (name, mnemonic) => {
    const c = cases.find((x) => x.name === name);
    expect(c?.listing).toBeUndefined();
    if (!c) return;
    const f = disassembleCode(c.target, { bytes: c.bytes, faultIndex: c.fault }).find((i) => i.faulting);
    expect(f?.mnemonic).toBe(mnemonic);
    if (mnemonic === "brk") expect(f?.operands).toEqual([{ kind: "imm", value: 0x800n }]);
  });
});
