// Function-entry ftrace calls (ftrace.ts) on the lab's mips64el oopslab.ko. Oracle: the cross
// objdump -dr committed by scripts/oracle-globals-arches.mjs, where the -pg call site is
// `lui v1` (R_MIPS_HI16 _mcount), `daddiu v1` (R_MIPS_LO16 _mcount), `move at,ra`, `jalr v1`.
// lab_null_table reads its argument a0 after that call (`ld a2,80(a0)`): a0 is the function's
// argument, not a value the call left behind (arch/mips/kernel/mcount.S restores a0-a7).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { bytesSource } from "../binary/source.js";
import { initDisassembler } from "../disasm/capstone.js";
import { disassembleCode } from "../disasm/code.js";
import type { Instruction } from "../disasm/types.js";
import type { ElfDebugSections } from "../elf/debug-sections.js";
import { openElfSymbolizer } from "../symbolize/elf.js";
import { analyseFunction, checkCode, functionBytes } from "./binary.js";
import { ftracePreserves } from "./ftrace.js";
import { semanticsFor } from "./semantics/index.js";
import type { Semantics } from "./semantics/types.js";

const root = join(__dirname, "../../../..");
const objdump = readFileSync(join(__dirname, "../../test-data/explain/oopslab-mips64el.objdump.txt"), "utf8");
const sem = semanticsFor("mips64") as Semantics;
const fns = new Map<string, Instruction[]>();

/** objdump's lines of one function: [offset from its start, instruction text, relocations that follow]. */
function lines(name: string): { off: number; text: string; relocs: string }[] {
  const from = objdump.indexOf(`<${name}>:\n`);
  const start = Number.parseInt(objdump.slice(objdump.lastIndexOf("\n", from) + 1, from), 16);
  const out: { off: number; text: string; relocs: string }[] = [];
  for (const l of objdump.slice(from, objdump.indexOf(">:\n", from + name.length + 3)).split("\n")) {
    const m = /^\s+([0-9a-f]+):\t[0-9a-f]{8} \t(.*)$/.exec(l);
    if (m) out.push({ off: Number.parseInt(m[1] as string, 16) - start, text: m[2] as string, relocs: "" });
    else if (out.length > 0) (out[out.length - 1] as { relocs: string }).relocs += l;
  }
  return out;
}

/** Offset of the `jalr v1` whose v1 objdump builds from _mcount's relocations. */
function mcountCall(name: string): number {
  const ls = lines(name);
  const k = ls.findIndex(
    (l, i) => /R_MIPS_HI16\t_mcount/.test(l.relocs) && /R_MIPS_LO16\t_mcount/.test(ls[i + 1]?.relocs ?? ""),
  );
  expect(ls[k + 2]?.text).toBe("move\tat,ra");
  expect(ls[k + 3]?.text).toBe("jalr\tv1");
  return (ls[k + 3] as { off: number }).off;
}

beforeAll(async () => {
  await initDisassembler();
  const sym = await openElfSymbolizer(
    bytesSource(new Uint8Array(readFileSync(join(root, "lab/crashes/mips64el-null_table/oopslab.ko")))),
  );
  const ds = sym.sections as ElfDebugSections;
  for (const name of ["lab_null_table", "lab_list_poison"]) {
    const fn = (await sym.symbols())?.byName(name)[0];
    const sec = fn?.section !== undefined ? ds.elf.section(fn.section) : undefined;
    if (!fn || !sec) throw new Error(name);
    const bytes = await ds.elf.sectionDataRange(sec, Number(fn.address), Number(fn.size));
    fns.set(name, disassembleCode({ arch: "mips64", endian: "little" }, { bytes, faultIndex: 0 }));
  }
});

describe("MIPS _mcount keeps at, ra and a0-a7 (mips64el oopslab.ko)", () => {
  const at = (name: string, off: number) => {
    const insns = fns.get(name) as Instruction[];
    return ftracePreserves(
      "mips64",
      insns,
      insns.map((i) => sem.effect(i)),
      insns.findIndex((i) => i.offset === off),
    );
  };

  it("recognises the -pg call at entry and after the prologue's stores", () => {
    // lab_null_table: the call is the 4th instruction; lab_list_poison: after 6 stores, at +0x24
    expect(mcountCall("lab_null_table")).toBe(0xc);
    expect(mcountCall("lab_list_poison")).toBe(0x24);
    for (const name of ["lab_null_table", "lab_list_poison"]) {
      const kept = at(name, mcountCall(name));
      expect(kept).toBeInstanceOf(Set);
      const set = kept as ReadonlySet<string>;
      for (const r of ["at", "ra", "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7"]) expect(set.has(r)).toBe(true);
      // the tracer ftrace_caller calls is C: these may change
      for (const r of ["v0", "v1", "t0", "t1", "t2", "t3", "t8", "t9", "hi", "lo"]) expect(set.has(r)).toBe(false);
    }
  });

  it("leaves an ordinary call alone (lab_list_poison's jalr s2 to __list_del_entry_valid)", () => {
    const jalr = lines("lab_list_poison").find((l) => l.text === "jalr\ts2");
    expect(jalr).toBeDefined();
    expect(at("lab_list_poison", (jalr as { off: number }).off)).toBeUndefined();
  });

  it("lab_null_table's a0 after the call is its argument, not a clobbered value", () => {
    const insns = fns.get("lab_null_table") as Instruction[];
    const ld = lines("lab_null_table").find((l) => l.text === "ld\ta2,80(a0)");
    // the faulting lhu of lab_update_entry (+0x44) reads v0 = a2 + index; a2 is loaded from [a0+0x50]
    const fa = analyseFunction("lab_null_table", insns, sem, 0x44);
    const a0 = fa.reaching.find((r) => r.register === "a0" && r.use === (ld as { off: number }).off);
    expect(a0?.definitions).toEqual([{ text: "the value at function entry" }]);
  });
});

describe("MIPS ftrace_make_nop() in a module's Code: bytes (mips64el-oob)", () => {
  // mips64el-oob faults at lab_oob's last `jr ra`; its Code: line runs on into lab_lockup, printing
  // lab_lockup+0x0..+0x8 as they ran: `10000004` (b 1f, where the object has lui v1, %hi(_mcount)),
  // `64636f20` (daddiu v1, v1, %lo(_mcount), relocated) and `03e00825` (move at, ra).
  const log = readFileSync(join(root, "lab/crashes/mips64el-oob/console.log"), "utf8");
  const words = (/Code: (.*)/.exec(log)?.[1] ?? "").replace(/[<>]/g, "").trim().split(/\s+/);
  const le = (ws: string[]) =>
    Uint8Array.from(ws.flatMap((w) => (w.match(/../g) ?? []).reverse().map((b) => Number.parseInt(b, 16))));
  const lockup = async () => {
    const sym = await openElfSymbolizer(
      bytesSource(new Uint8Array(readFileSync(join(root, "lab/crashes/mips64el-oob/oopslab.ko")))),
    );
    const fb = await functionBytes(sym, "lab_lockup", undefined);
    if (!fb) throw new Error("lab_lockup");
    return fb;
  };

  it("is a known run-time patch of the same binary, not a mismatch", async () => {
    expect(words.slice(6)).toEqual(["10000004", "64636f20", "03e00825"]);
    const cc = checkCode(le(words.slice(6)), 0, 0, await lockup(), false, 4);
    expect(cc.result).toBe("patched");
    expect(cc.mismatches).toEqual([
      {
        offset: 0,
        oops: "04000010",
        binary: "0000033c",
        known: "lui v1, %hi(_mcount) replaced by b 1f when ftrace initialised (ftrace_make_nop)",
      },
    ]);
  });

  it("is not assumed elsewhere: the same b 1f over lab_lockup's `b .` at +0x14 differs", async () => {
    const cc = checkCode(le(["10000004"]), 0, 0x14, await lockup(), false, 4);
    expect(cc.result).toBe("mismatch");
  });
});
