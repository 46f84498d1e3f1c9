// Conformance of the Code: window decoder with GNU objdump, one suite over every architecture.
// Oracle: packages/core/test-data/disasm/*.golden, written by scripts/oracle-objdump.mjs from
// `objdump -D -b binary -m <machine>` on real oops windows (see windows.json for their sources).
// The comparison is instruction by instruction at equal offsets: same length, same mnemonic and same
// operands, modulo the notation differences listed in packages/core/test/disasm-compare.ts (each one a
// difference of notation between Capstone and objdump, not of meaning).
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  bytesAsObjdump,
  type GoldenInsn,
  hex,
  objdumpMem,
  sameInstruction,
  structuredMem,
} from "../../test/disasm-compare.js";
import { disassembleCode, initDisassembler } from "./index.js";
import type { DisasmTarget, Instruction } from "./types.js";

const dir = new URL("../../test-data/disasm/", import.meta.url);

interface Golden {
  id: string;
  target: DisasmTarget;
  bytes: Uint8Array;
  fault: number;
  start: number;
  listing: GoldenInsn[];
  raw: string[];
}

function loadGolden(file: string): Golden {
  const text = readFileSync(new URL(file, dir), "utf8");
  const [head = "", raw = ""] = text.split("\n--- raw input\n");
  const meta = new Map<string, string>();
  const listing: GoldenInsn[] = [];
  for (const l of head.split("\n")) {
    const m = /^# (\w+): (.*)$/.exec(l);
    if (m?.[1] && m[2] !== undefined) meta.set(m[1], m[2]);
    else if (!l.startsWith("#") && l.trim()) {
      const [off = "", bytes = "", mnemonic = "", operands = ""] = l.split("\t");
      listing.push({ offset: Number.parseInt(off, 16), bytes, mnemonic, operands });
    }
  }
  const hexs = meta.get("bytes") ?? "";
  const bytes = new Uint8Array(hexs.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hexs.slice(2 * i, 2 * i + 2), 16);
  return {
    id: file.replace(/\.golden$/, ""),
    target: JSON.parse(meta.get("target") ?? "{}") as DisasmTarget,
    bytes,
    fault: Number(meta.get("fault")),
    start: Number(meta.get("start") ?? 0),
    listing,
    raw: raw.replace(/\n$/, "").split("\n"),
  };
}

const goldens = readdirSync(dir)
  .filter((f) => f.endsWith(".golden"))
  .sort()
  .map(loadGolden);

beforeAll(() => initDisassembler());

describe.each(goldens)("$id ($target.arch)", (g) => {
  const arch = g.target.arch;
  let ours: Instruction[] = [];
  beforeAll(() => {
    ours =
      arch === "s390x"
        ? disassembleCode(g.target, { bytes: g.bytes, faultIndex: g.fault, listing: g.raw })
        : disassembleCode(g.target, { bytes: g.bytes, faultIndex: g.fault });
  });

  it("starts decoding where the oracle's alignment search does and marks the same instruction", () => {
    expect(ours[0]?.offset).toBe(g.start);
    const f = ours.filter((i) => i.faulting);
    expect(f).toHaveLength(1);
    expect(f[0]?.offset).toBe(g.fault);
    expect(g.listing.some((i) => i.offset === g.fault)).toBe(true);
  });

  it("decodes every instruction like objdump: length, mnemonic, operands", () => {
    const byOffset = new Map(ours.map((i) => [i.offset, i]));
    const mismatches: string[] = [];
    let compared = 0;
    for (const o of g.listing) {
      const mine = byOffset.get(o.offset);
      const at = `@${o.offset.toString(16)}`;
      // x86: a window cut inside an instruction leaves lone prefixes objdump prints as pseudo-instructions.
      const lonePrefix =
        /^(rex(\.\w+)?|data16|addr32|[c-gs]s|lock|rep\w*|bnd|notrack)$/.test(o.mnemonic) && !o.operands;
      if (/^(\(bad\)|\.byte|\.short|\.word|\.inst|\.long|Address)$/.test(o.mnemonic) || (lonePrefix && mine?.bad)) {
        // objdump could not decode (or ran out of bytes): neither may we claim a real instruction.
        if (mine && !mine.bad) mismatches.push(`${at}: ours "${mine.mnemonic} ${mine.opStr}", objdump undecodable`);
        continue;
      }
      if (!mine) {
        mismatches.push(`${at}: no instruction of ours starts here (objdump "${o.mnemonic} ${o.operands}")`);
        continue;
      }
      // objdump shows bytes in memory order (x86, s390, PowerPC) or as numbers (the others).
      const shown = bytesAsObjdump(g.target, mine.bytes);
      if (shown !== o.bytes && hex(mine.bytes) !== o.bytes) mismatches.push(`${at}: bytes ${shown} vs ${o.bytes}`);
      if (!sameInstruction(arch, mine, o))
        mismatches.push(`${at}: ours "${mine.mnemonic} ${mine.opStr}" objdump "${o.mnemonic} ${o.operands}"`);
      compared++;
    }
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThan(0);
  });

  it("gives the faulting instruction's memory operand as objdump reads it", () => {
    const f = ours.find((i) => i.faulting);
    const o = g.listing.find((i) => i.offset === g.fault);
    expect(f && o).toBeTruthy();
    if (!f || !o) return;
    const od = objdumpMem(arch, o.operands);
    const mine = structuredMem(f);
    if (!od) {
      expect(mine).toBeUndefined();
      return;
    }
    expect(mine).toEqual(od);
  });

  it("gives every memory operand as base, index, scale and displacement as objdump writes it", () => {
    const byOffset = new Map(ours.map((i) => [i.offset, i]));
    const wrong: string[] = [];
    for (const o of g.listing) {
      const mine = byOffset.get(o.offset);
      // Branch targets and PC-relative forms are not data accesses; s390 `la`/`lay` compute addresses
      // but still read as D(X,B), so they are compared too.
      if (!mine || mine.bad || /^(j|b|call|brc|cij|larl)/.test(o.mnemonic)) continue;
      const od = objdumpMem(arch, o.operands);
      if (!od) continue;
      const m = structuredMem(mine);
      if (
        JSON.stringify(m, (_, v) => (typeof v === "bigint" ? v.toString() : v)) !==
        JSON.stringify(od, (_, v) => (typeof v === "bigint" ? v.toString() : v))
      )
        wrong.push(
          `@${o.offset.toString(16)} ${o.mnemonic} ${o.operands}: ours ${JSON.stringify(m, (_, v) => (typeof v === "bigint" ? v.toString() : v))}`,
        );
    }
    expect(wrong).toEqual([]);
  });
});

// Live oracle: when objdump is installed (CI installs binutils-multiarch), the committed goldens must
// still be what objdump prints today.
const hasObjdump = (() => {
  try {
    execFileSync("objdump", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasObjdump)("live objdump", () => {
  it("the goldens match a fresh objdump run", () => {
    const root = new URL("../../../../", import.meta.url);
    const script = new URL("scripts/oracle-objdump.mjs", root);
    expect(() => execFileSync(process.execPath, [script.pathname, "--check"], { stdio: "pipe" })).not.toThrow();
  });
});
