// Globals named from register-built addresses (globals.ts) and index idioms (cexpr.ts) on the lab's
// real arm64 and mips64el modules (lab/crashes/{arm64,mips64el}-oob/oopslab.ko). Oracles, committed by
// scripts/oracle-globals-arches.mjs: the cross binutils' objdump -dr (each instruction's relocation:
// type, section, addend) and readelf -sSW (which data object covers section+offset). The expected
// object of each load is computed from that text alone — the relocated low part (`add :lo12:`,
// `daddiu %lo`, or the load's own LDST/LO16 relocation) plus the load's displacement — without our
// ELF or DWARF reader. The idioms are checked against C99 §6.5.5's `%`.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { ArchId } from "../arch/types.js";
import { bytesSource } from "../binary/source.js";
import { initDisassembler } from "../disasm/capstone.js";
import type { Instruction } from "../disasm/types.js";
import { openElfSymbolizer } from "../symbolize/elf.js";
import type { DwarfSymbolizer } from "../symbolize/symbolizer.js";
import { cExpr } from "./cexpr.js";
import { reachingDefs } from "./dataflow.js";
import type { Effect } from "./semantics/types.js";
import { decodeObjectFunction, objdumpByFunction, readelfObjectAt } from "./testutil-object.js";

const root = join(__dirname, "../../../..");
const T = join(__dirname, "../../test-data/explain");

interface Lab {
  name: string;
  arch: ArchId;
  ko: string;
  sym?: DwarfSymbolizer;
}
const labs: Lab[] = [
  { name: "arm64", arch: "arm64", ko: "lab/crashes/arm64-oob/oopslab.ko" },
  { name: "mips64el", arch: "mips64", ko: "lab/crashes/mips64el-oob/oopslab.ko" },
];

beforeAll(async () => {
  await initDisassembler();
  for (const l of labs) l.sym = await openElfSymbolizer(bytesSource(new Uint8Array(readFileSync(join(root, l.ko)))));
});

const decode = (l: Lab, name: string) => decodeObjectFunction(l.sym as DwarfSymbolizer, l.arch, name);

interface Row {
  fn: string;
  offset: number;
  mnemonic: string;
  ops: string;
  relocs: { type: string; target: string; addend: number }[];
}

/** objdump -dr: every instruction of the lab_* functions, with the relocations patching it. */
function objdumpRows(name: string): Row[] {
  const text = readFileSync(join(T, `oopslab-${name}.objdump.txt`), "utf8");
  const rows: Row[] = [];
  for (const { fn, start, line: l } of objdumpByFunction(text)) {
    const ins = /^\s+([0-9a-f]+):\t[0-9a-f]{8} \t(\S+)\t?(.*)$/.exec(l);
    if (ins && fn.startsWith("lab_")) {
      const ops = (ins[3] as string).replace(/\s*\/\/.*$/, "").trim();
      rows.push({
        fn,
        offset: Number.parseInt(ins[1] as string, 16) - start,
        mnemonic: ins[2] as string,
        ops,
        relocs: [],
      });
      continue;
    }
    const r = /^\t+[0-9a-f]+: (R_\w+)\t([.\w]+)([+-]0x[0-9a-f]+)?$/.exec(l);
    const last = rows[rows.length - 1];
    if (r && last && last.fn === fn && r[1] !== "R_MIPS_NONE")
      last.relocs.push({
        type: r[1] as string,
        target: r[2] as string,
        addend: r[3] ? (r[3].startsWith("-") ? -1 : 1) * Number.parseInt(r[3].slice(3), 16) : 0,
      });
  }
  return rows;
}

/** readelf -sSW: the data object covering section+offset. */
const objectAt = (name: string, section: string, offset: number) =>
  readelfObjectAt(readFileSync(join(T, `oopslab-${name}.readelf.txt`), "utf8"), section, offset)?.name;

const LOADS = /^(ldr|ldrb|ldrh|ldrsw|ldrsh|ldrsb|ldp|lb|lbu|lh|lhu|lw|lwu|ld)$/;
const LOW = /^(R_AARCH64_LDST\d+_ABS_LO12_NC|R_MIPS_LO16|R_AARCH64_ADD_ABS_LO12_NC)$/;
/** Base register and displacement of a load's memory operand, as objdump prints it. */
function memOf(r: Row): { base: string; disp: number; indexed: boolean } | undefined {
  const a = /\[(\w+)(?:, #(-?\w+))?(, \w+.*)?\]/.exec(r.ops);
  if (a) return { base: a[1] as string, disp: a[2] ? Number(a[2]) : 0, indexed: !!a[3] };
  const m = /(-?\d+)\((\w+)\)$/.exec(r.ops);
  return m ? { base: m[2] as string, disp: Number(m[1]), indexed: false } : undefined;
}

/**
 * Every load of a lab_* function whose address objdump's relocations give: the load's own low-part
 * relocation; or a low part (`add x, x, :lo12:S+A`, `daddiu r, r, %lo(S+A)`) whose register the next
 * load uses as its base — directly, or after one `daddu d, d, r` (MIPS's array + index × size) —
 * with nothing in between that branches or writes it. Expected: the object at S + A + displacement.
 */
function oracleLoads(name: string): { row: Row; section: string; offset: number; object: string }[] {
  const rows = objdumpRows(name);
  const out: { row: Row; section: string; offset: number; object: string }[] = [];
  const dest = (r: Row) => /^(\w+),/.exec(r.ops)?.[1];
  const branches = /^(b|bl|br|blr|ret|cbz|cbnz|tbz|tbnz|b\..*|j|jr|jal|jalr|beq|bne|beqz|bnez|bgez|bltz|blez|bgtz)$/;
  rows.forEach((r, i) => {
    const low = r.relocs.find((x) => LOW.test(x.type));
    if (!low?.target.startsWith(".")) return;
    if (LOADS.test(r.mnemonic)) {
      const object = objectAt(name, low.target, low.addend);
      if (object) out.push({ row: r, section: low.target, offset: low.addend, object });
      return;
    }
    let reg = dest(r);
    let plus = 0;
    for (let j = i + 1; j < rows.length && reg && rows[j]?.fn === r.fn; j++) {
      const n = rows[j] as Row;
      if (branches.test(n.mnemonic)) return;
      const m = LOADS.test(n.mnemonic) ? memOf(n) : undefined;
      if (m?.base === reg) {
        const offset = low.addend + plus + m.disp;
        const object = objectAt(name, low.target, offset);
        if (object) out.push({ row: n, section: low.target, offset, object });
        return;
      }
      const d = /^daddu$/.test(n.mnemonic) ? /^(\w+),(\w+),(\w+)$/.exec(n.ops) : null;
      if (d && (d[2] === reg || d[3] === reg) && d[1] === (d[2] === reg ? d[3] : d[2])) {
        reg = d[1];
        continue;
      }
      // add x2, x2, #0x8: further into the object
      const a = n.mnemonic === "add" ? /^(\w+), (\w+), #(0x[0-9a-f]+|\d+)$/.exec(n.ops) : null;
      if (a && a[1] === reg && a[2] === reg && n.relocs.length === 0) {
        plus += Number(a[3]);
        continue;
      }
      if (dest(n) === reg) return;
    }
  });
  return out;
}

describe.each(labs)(
  "$name: globals read through register-built addresses (against objdump -dr and readelf -s)",
  (l) => {
    it("every load whose address objdump's relocations give names the object readelf places there", async () => {
      const rows = oracleLoads(l.name);
      let checked = 0;
      for (const o of rows) {
        const { insns, namer, ctx } = await decode(l, o.row.fn);
        const k = insns.findIndex((i) => i.offset === o.row.offset);
        const mem = ctx.effects[k]?.mem;
        expect(mem, `${o.row.fn}+${o.row.offset.toString(16)} ${o.row.mnemonic} ${o.row.ops}`).toBeDefined();
        if (!mem) continue;
        const g = await namer.name(ctx, k, mem.mem, mem.size ?? 8);
        const where = `${o.row.fn}+0x${o.row.offset.toString(16)} ${o.row.mnemonic} ${o.row.ops}`;
        expect(g?.place, where).toBe(`${o.section}+0x${o.offset.toString(16)}`);
        expect(g?.expr.split(/[.[]/)[0], where).toBe(o.object);
        checked++;
      }
      // 11 on arm64, 12 on mips64el: lab_oob's lab_slot and lab_ring0, lab_rcv's lab_ports, lab_alb_rcv's lab_bonds, …
      expect(checked).toBeGreaterThanOrEqual(10);
      const fns = new Set(rows.map((r) => r.row.fn));
      for (const f of ["lab_oob", "lab_rcv"]) expect(fns.has(f), f).toBe(true);
    });

    it("lab_oob: lab_slot, then lab_ring0.slot[i] (element 8 bytes, 4 entries); with the value loaded, slot[4]", async () => {
      const { insns, namer, ctx } = await decode(l, "lab_oob");
      const loads = insns.map((_, k) => k).filter((k) => ctx.effects[k]?.mem?.op === "load");
      const [slot, ring] = loads as [number, number];
      const m1 = ctx.effects[slot]?.mem;
      const m2 = ctx.effects[ring]?.mem;
      if (!m1 || !m2) throw new Error("no loads");
      // lab_slot is a u32 module parameter (lab/module/oopslab.c)
      expect(await namer.name(ctx, slot, m1.mem, 4)).toMatchObject({ expr: "lab_slot", type: "u32" });
      const g = await namer.name(ctx, ring, m2.mem, 8);
      expect(g).toMatchObject({ expr: "lab_ring0.slot[?]", type: "struct lab_client *" });
      expect(g?.element).toEqual({ type: "struct lab_client *", size: 8, count: 4 });
      // "LAB_RING", lab_ring0.magic's initial bytes (the C source): element 4, one past the end.
      const h = await namer.name(ctx, ring, m2.mem, 8, 0x4c41425f52494e47n);
      expect(h?.expr).toBe("lab_ring0.slot[4]");
      expect(h?.overrun).toBe("lab_ring0.magic");
    });
  },
);

describe("index idioms against C's % (C99 §6.5.5: truncation toward zero)", () => {
  const xs = [-(2 ** 31), -(2 ** 31) + 1, -130, -65, -64, -63, -1, 0, 1, 63, 64, 65, 129, 2 ** 31 - 1];
  const u32 = (v: number) => v >>> 0;
  const s32 = (v: number) => v | 0;

  it("arm64: negs w3, w4; and w4, w4, #63; and w3, w3, #63; csneg w3, w4, w3, mi computes x % 64", () => {
    for (const x of xs) {
      const n = u32(-x); // negs: N is bit 31 of the result
      const a = u32(x) & 63;
      const b = n & 63;
      const r = n >>> 31 ? a : s32(-b);
      expect(r, `x = ${x}`).toBe(s32(x % 64));
    }
  });

  it("mips: and v0, v0, 0x8000003f; bgez → v0, else ((v0 - 1) | -64) + 1 computes x % 64", () => {
    for (const x of xs) {
      const t = s32(x & (0x80000000 | 63)); // sign-extended, as `and` of two sign-extended words
      const r = t >= 0 ? t : s32(s32(s32(t - 1) | -64) + 1);
      expect(r, `x = ${x}`).toBe(s32(x % 64));
    }
  });

  const ifindexLoad = (insns: Instruction[]) => insns.findIndex((i) => /#0xd8\]|#216\]|0xd8\(|\b216\(/.test(i.opStr));

  it("arm64 lab_rcv: the index of lab_ports[...] is dev->ifindex % 64; not with the condition or a mask changed", async () => {
    const l = labs[0] as Lab;
    const { insns, ctx, sem } = await decode(l, "lab_rcv");
    const k = insns.findIndex((i) => /sxtw #3\]/.test(i.opStr));
    const ifindex = ifindexLoad(insns);
    expect(k).toBeGreaterThan(ifindex);
    expect(ifindex).toBeGreaterThanOrEqual(0);
    // gdb `ptype /o struct net_device`: ifindex at 216
    const c = {
      insns,
      effects: ctx.effects,
      start: 0,
      variable: async () => undefined,
      load: async (j: number) => (j === ifindex ? "dev->ifindex" : undefined),
    };
    const index = /\[x\d+, w(\d+), sxtw/.exec(insns[k]?.opStr ?? "")?.[1];
    expect(await cExpr(c, `x${index}`, k)).toBe("dev->ifindex % 64");
    const change = (f: (i: Instruction) => Instruction) => {
      const bad = insns.map(f);
      return { ...c, insns: bad, effects: bad.map((i) => sem.effect(i)) as Effect[] };
    };
    const pl = change((i) => (i.mnemonic === "csneg" ? { ...i, opStr: i.opStr.replace(/mi$/, "pl") } : i));
    expect((await cExpr(pl, `x${index}`, k)) ?? "").not.toContain("%");
    let first = true;
    const mask = change((i) => {
      if (i.mnemonic !== "and" || !first) return i;
      first = false;
      return { ...i, operands: i.operands.map((o) => (o.kind === "imm" ? { ...o, value: 0x1fn } : o)) };
    });
    expect((await cExpr(mask, `x${index}`, k)) ?? "").not.toContain("%");
  });

  it("mips lab_rcv: the two paths joining before dsll give dev->ifindex % 64; not with -64 changed", async () => {
    const l = labs[1] as Lab;
    const { insns, ctx, sem } = await decode(l, "lab_rcv");
    const k = insns.findIndex((i) => i.mnemonic === "dsll");
    const ifindex = ifindexLoad(insns);
    expect(ifindex).toBeGreaterThanOrEqual(0);
    // k's block starts where `bgez` goes (objdump: `bgez v0,1f8 <lab_rcv+0x48>`)
    const target = insns.find((i) => i.mnemonic === "bgez")?.operands.at(-1);
    const start = insns.findIndex((i) => target?.kind === "imm" && BigInt(i.offset) === target.value);
    expect(start).toBeGreaterThan(ifindex);
    const c = {
      insns,
      effects: ctx.effects,
      start,
      variable: async () => undefined,
      load: async (j: number) => (j === ifindex ? "dev->ifindex" : undefined),
      defs: (reg: string, j: number) => reachingDefs(insns, ctx.effects, sem.callClobbered, reg, j),
    };
    expect(await cExpr(c, "v0", k)).toBe("dev->ifindex % 64");
    const bad = ctx.effects.map((e) => ({
      ...e,
      writes: e.writes.map((w) =>
        JSON.stringify(w.value, (_, v) => (typeof v === "bigint" ? v.toString() : v)).includes('"-64"')
          ? { ...w, value: { k: "imm", v: -32n } as const }
          : w,
      ),
    }));
    const badDefs = (reg: string, j: number) => reachingDefs(insns, bad, sem.callClobbered, reg, j);
    expect((await cExpr({ ...c, effects: bad, defs: badDefs }, "v0", k)) ?? "").not.toContain("%");
  });
});
