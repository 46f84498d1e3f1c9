// Globals named from an instruction's displacement (globals.ts) and index expressions (cexpr.ts), on
// the lab's real x86-64 module (lab/crashes/oob/oopslab.ko). Oracles, committed by
// scripts/oracle-globals.mjs: GNU objdump -dr (each instruction's relocation: type, section, addend)
// and readelf -sSW (which data object covers section+offset), so the expected variable of every
// relocated memory operand in .text is computed without our ELF or DWARF reader; gdb's address of
// lab_ring0.magic (test-data/dwarf/globals-oopslab-x86_64.json); C99 §6.5.5 for the remainder idiom.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { bytesSource } from "../binary/source.js";
import { initDisassembler } from "../disasm/capstone.js";
import { disassembleCode } from "../disasm/code.js";
import type { Instruction } from "../disasm/types.js";
import { openElfSymbolizer } from "../symbolize/elf.js";
import type { DwarfSymbolizer } from "../symbolize/symbolizer.js";
import { cExpr } from "./cexpr.js";
import { evalLocation, memoryVariable } from "./globals.js";
import { semanticsFor } from "./semantics/index.js";
import type { Semantics } from "./semantics/types.js";
import { Slice } from "./slice.js";
import { decodeObjectFunction, objdumpByFunction, readelfObjectAt } from "./testutil-object.js";

const root = join(__dirname, "../../../..");
const T = join(__dirname, "../../test-data");
const ko = new Uint8Array(readFileSync(join(root, "lab/crashes/oob/oopslab.ko")));
const objdump = readFileSync(join(T, "explain/oopslab-x86_64.objdump.txt"), "utf8");
const readelf = readFileSync(join(T, "explain/oopslab-x86_64.readelf.txt"), "utf8");
const gdb = JSON.parse(readFileSync(join(T, "dwarf/globals-oopslab-x86_64.json"), "utf8")) as {
  paths: { path: string; address: string }[];
};
const sem = semanticsFor("x86_64") as Semantics;

let sym: DwarfSymbolizer;
beforeAll(async () => {
  await initDisassembler();
  sym = await openElfSymbolizer(bytesSource(ko));
});

/** A function of the .ko decoded from its own bytes (offsets from its start). */
const decode = (name: string) => decodeObjectFunction(sym, "x86_64", name);

/** objdump -dr: per function, each instruction's offset, length, text and the relocation inside it. */
function objdumpRelocs() {
  const out: {
    fn: string;
    offset: number;
    text: string;
    type: string;
    target: string;
    addend: number;
    at: number;
    end: number;
  }[] = [];
  let last: { offset: number; end: number; text: string } | undefined;
  for (const { fn, start: fnStart, line: l } of objdumpByFunction(objdump)) {
    const ins = /^\s+([0-9a-f]+):\t((?:[0-9a-f]{2} )+)\s*\t(.*)$/.exec(l);
    if (ins) {
      const at = Number.parseInt(ins[1] as string, 16);
      last = {
        offset: at - fnStart,
        end: at - fnStart + (ins[2] as string).trim().split(" ").length,
        text: ins[3] as string,
      };
      continue;
    }
    const r = /^\t+([0-9a-f]+): (R_X86_64_\w+)\t([.\w]+)([+-]0x[0-9a-f]+)?$/.exec(l);
    if (r && last && fn.startsWith("lab_")) {
      const add = r[4] ? Number.parseInt((r[4] as string).replace("0x", ""), 16) : 0;
      out.push({
        fn,
        offset: last.offset,
        text: last.text,
        type: r[2] as string,
        target: r[3] as string,
        addend: add,
        at: Number.parseInt(r[1] as string, 16) - fnStart,
        end: last.end,
      });
    }
  }
  return out;
}

/** readelf -sSW: the data object covering section+offset. */
const objectAt = (section: string, offset: number) => readelfObjectAt(readelf, section, offset);

describe("globals read through relocated displacements (lab module, against objdump -dr and readelf -s)", () => {
  it("every relocated memory operand of the lab_* functions names the object readelf places there", async () => {
    const rows = objdumpRelocs().filter(
      (r) => r.target.startsWith(".") && ["R_X86_64_PC32", "R_X86_64_32S"].includes(r.type) && /\(/.test(r.text),
    );
    let checked = 0;
    for (const r of rows) {
      // psABI: PC32 is S + A − P and rip is the next instruction, so the operand reads S + A + (end − P).
      const off = r.addend + (r.type === "R_X86_64_PC32" ? r.end - r.at : 0);
      const want = objectAt(r.target, off);
      const { insns, namer, ctx } = await decode(r.fn);
      const k = insns.findIndex((i) => i.offset === r.offset);
      const mem = ctx.effects[k]?.mem;
      if (!want || !mem) continue;
      const g = await namer.name(ctx, k, mem.mem, mem.size ?? 8);
      expect(g?.place, `${r.fn}+${r.offset.toString(16)} ${r.text}`).toBe(`${r.target}+0x${off.toString(16)}`);
      expect(g?.expr.startsWith(want.name), `${g?.expr} vs ${want.name}+${want.offset}`).toBe(true);
      checked++;
    }
    // lab_oob's lab_slot and lab_ring0, lab_rcv's lab_ports, lab_alb_rcv's lab_bonds, lab_list_poison's lab_items, …
    expect(checked).toBeGreaterThanOrEqual(5);
  });

  it("lab_oob: `mov 0x0(%rip),%eax` reads lab_slot (.data+0x48), `mov 0x0(,%rax,8),%rax` lab_ring0.slot[i]", async () => {
    const { insns, namer, ctx } = await decode("lab_oob");
    const rip = insns.findIndex((i) => i.opStr.includes("(%rip)"));
    const idx = insns.findIndex((i) => i.opStr.includes(",%rax,8)") || i.opStr.includes(", %rax, 8)"));
    const m1 = ctx.effects[rip]?.mem;
    const m2 = ctx.effects[idx]?.mem;
    if (!m1 || !m2) throw new Error("no memory operands");
    expect(await namer.name(ctx, rip, m1.mem, 4)).toMatchObject({ expr: "lab_slot", type: "u32", place: ".data+0x48" });
    // Without the dump's registers and without the value loaded, the index is not known: said as `?`.
    const g = await namer.name(ctx, idx, m2.mem, 8);
    expect(g).toMatchObject({ expr: "lab_ring0.slot[?]", type: "struct lab_client *", place: ".rodata+0xa0" });
    expect(g?.element).toEqual({ type: "struct lab_client *", size: 8, count: 4 });
    // With the value loaded ("LAB_RING", lab_ring0.magic's initial bytes, the C source): element 4, past the end.
    const h = await namer.name(ctx, idx, m2.mem, 8, 0x4c41425f52494e47n);
    expect(h?.expr).toBe("lab_ring0.slot[4]");
    expect(h?.overrun).toBe("lab_ring0.magic");
    expect(h?.indexHow).toContain("(assuming the read stayed within .rodata)");
    // A value found nowhere in .rodata gives no index.
    expect((await namer.name(ctx, idx, m2.mem, 8, 0x1234567n))?.expr).toBe("lab_ring0.slot[?]");
  });

  it("c's DWARF location at the load is the load's own address: c is the value loaded (gdb: &lab_ring0.magic)", async () => {
    const pc = (await sym.resolve({ symbol: "lab_oob", offset: 0xbn })).pc;
    const vars = await sym.variablesAt(pc);
    const c = vars.find((v) => v.name === "c");
    expect(c).toBeDefined();
    const magic = gdb.paths.find((p) => p.path === "lab_ring0.magic")?.address as string;
    const slot0 = gdb.paths.find((p) => p.path === "lab_ring0.slot[0]")?.address as string;
    // (4 & 0xffffffff) << 3 + &lab_ring0 = &lab_ring0.magic, as gdb prints it
    expect(evalLocation(c?.location ?? "", { rax: 4n })).toBe(BigInt(magic));
    expect(memoryVariable(vars, { index: "rax", scale: 8, disp: 0n }, BigInt(slot0))?.name).toBe("c");
    // not with another scale or another array
    expect(memoryVariable(vars, { index: "rax", scale: 4, disp: 0n }, BigInt(slot0))).toBeUndefined();
    expect(memoryVariable(vars, { index: "rax", scale: 8, disp: 0n }, BigInt(slot0) + 8n)).toBeUndefined();
  });
});

describe("index expressions (cexpr.ts)", () => {
  /** GCC's sequence for x % 64 with x an int: cltd; shr $26,%edx; add %edx,%eax; and $63,%eax; sub %edx,%eax. */
  const idiom = (x: number) => {
    const d = x < 0 ? 0xffffffff : 0;
    const shifted = d >>> 26;
    const t = ((x + shifted) | 0) & 63;
    return (t - shifted) | 0;
  };

  it("the signed-remainder sequence computes C's x % 64 (C99 §6.5.5: the sign of the dividend)", () => {
    for (const x of [-130, -65, -64, -63, -1, 0, 1, 63, 64, 65, 129, 2 ** 31 - 1, -(2 ** 31)])
      expect(idiom(x)).toBe((x % 64) | 0);
  });

  it("lab_rcv: the index of lab_ports[...] is dev->ifindex % 64", async () => {
    const { insns, ctx } = await decode("lab_rcv");
    const k = insns.findIndex((i) => /\(,\s?%rax,\s?8\)/.test(i.opStr));
    const ifindex = insns.findIndex((i) => i.opStr.startsWith("0xd8(%rsi)"));
    expect(k).toBeGreaterThan(ifindex);
    const c = {
      ...ctx,
      start: 0,
      variable: async () => undefined,
      // the load of [rsi+0xd8]: gdb `ptype /o struct net_device` puts ifindex at 216 (0xd8)
      load: async (j: number) => (j === ifindex ? "dev->ifindex" : undefined),
    };
    expect(await cExpr(c, "rax", k)).toBe("dev->ifindex % 64");
    // The same bytes with the shift off by one are not the idiom: no `%` is claimed.
    const bad = insns.map((i) =>
      i.mnemonic.startsWith("shr")
        ? {
            ...i,
            operands: i.operands.map((o) => (o.kind === "imm" && o.value === 0x1an ? { ...o, value: 0x1bn } : o)),
          }
        : i,
    );
    const badFx = bad.map((i) => sem.effect(i));
    const other = await cExpr({ ...c, insns: bad, effects: badFx }, "rax", k);
    expect(other ?? "").not.toContain("%");
    // Nothing known of the load: no expression.
    expect(await cExpr({ ...c, load: async () => undefined }, "rax", k)).toBeUndefined();
  });
});

describe("rip-relative operands (Intel SDM vol. 2 §2.2.1.6: rip is the next instruction's address)", () => {
  it("the slice knows rip wherever the instruction's address is known, and says so", async () => {
    const { insns } = await decode("lab_oob");
    // lab_oob+0x13 faulted at 0xffffffffc031a013 (any address: only the differences matter)
    const pc = 0xffffffffc031a013n;
    const placed = disassembleCode(
      { arch: "x86_64", endian: "little" },
      { bytes: Uint8Array.from(insns.flatMap((i) => [...i.bytes])), faultIndex: 0x13 },
      pc,
    );
    const k = placed.findIndex((i) => i.opStr.includes("(%rip)"));
    const ins = placed[k] as Instruction;
    const s = new Slice(
      sem,
      placed,
      placed.findIndex((i) => i.faulting),
      {},
    );
    // objdump: `b5: mov 0x0(%rip),%eax  # bb <lab_oob+0xb>`: the next instruction, lab_oob+0xb
    expect(ins.offset + ins.bytes.length).toBe(0xb);
    expect(s.before("rip", k)).toEqual({ v: pc - 0x13n + 0xbn, how: "the next instruction's address" });
    // Without addresses (a Code: window whose pc was not printed) rip stays unknown.
    expect(new Slice(sem, insns, insns.length - 1, {}).before("rip", k)).toBeUndefined();
  });
});
