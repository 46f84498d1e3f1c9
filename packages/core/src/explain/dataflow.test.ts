// Reaching definitions across blocks (dataflow.ts) on the lab's mips64el lab_rcv, whose index is
// computed on two paths. Oracle: the cross objdump -dr committed by scripts/oracle-globals-arches.mjs
// (`and v0,v0,v1` then `bgez v0,<join>` with `lui v1` in its delay slot; the fall-through path ends in
// `addiu v0,v0,1` and `lui v1`; the join is `daddiu v1,v1,0`, then `dsll v0,v0,0x3`).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { bytesSource } from "../binary/source.js";
import { initDisassembler } from "../disasm/capstone.js";
import { disassembleCode } from "../disasm/code.js";
import type { Instruction } from "../disasm/types.js";
import type { ElfDebugSections } from "../elf/debug-sections.js";
import { openElfSymbolizer } from "../symbolize/elf.js";
import { reachingDefs } from "./dataflow.js";
import { semanticsFor } from "./semantics/index.js";
import type { Semantics } from "./semantics/types.js";

const root = join(__dirname, "../../../..");
const objdump = readFileSync(join(__dirname, "../../test-data/explain/oopslab-mips64el.objdump.txt"), "utf8");
const sem = semanticsFor("mips64") as Semantics;
let insns: Instruction[] = [];

/** objdump's offset (from lab_rcv's start) of the first lab_rcv instruction whose text matches `re`. */
function at(re: RegExp, after = -1): number {
  const from = objdump.indexOf("<lab_rcv>:\n");
  const start = Number.parseInt(objdump.slice(objdump.lastIndexOf("\n", from) + 1, from), 16);
  for (const l of objdump.slice(from, objdump.indexOf(">:\n", from + 12)).split("\n")) {
    const m = /^\s+([0-9a-f]+):\t[0-9a-f]{8} \t(.*)$/.exec(l);
    const o = m ? Number.parseInt(m[1] as string, 16) - start : -1;
    if (m && o > after && re.test(m[2] as string)) return o;
  }
  throw new Error(String(re));
}

beforeAll(async () => {
  await initDisassembler();
  const sym = await openElfSymbolizer(
    bytesSource(new Uint8Array(readFileSync(join(root, "lab/crashes/mips64el-wildcard/oopslab.ko")))),
  );
  const ds = sym.sections as ElfDebugSections;
  const fn = (await sym.symbols())?.byName("lab_rcv")[0];
  const sec = fn?.section !== undefined ? ds.elf.section(fn.section) : undefined;
  if (!fn || !sec) throw new Error("lab_rcv");
  const bytes = await ds.elf.sectionDataRange(sec, Number(fn.address), Number(fn.size));
  insns = disassembleCode({ arch: "mips64", endian: "little" }, { bytes, faultIndex: 0 });
});

describe("reaching definitions across blocks (mips64el lab_rcv)", () => {
  const idx = (o: number) => insns.findIndex((i) => i.offset === o);
  const defs = (reg: string, o: number) =>
    reachingDefs(
      insns,
      insns.map((i) => sem.effect(i)),
      sem.callClobbered,
      reg,
      idx(o),
    )
      .map((d) => (d === "entry" ? d : (insns[d] as Instruction).offset))
      .sort();

  it("v0 at the dsll: the and (bgez taken) and the fall-through path's addiu, both", () => {
    const dsll = at(/^dsll\tv0,v0,0x3$/);
    const and = at(/^and\tv0,v0,v1$/);
    const addiu = at(/^addiu\tv0,v0,1$/);
    expect(defs("v0", dsll)).toEqual([and, addiu].sort());
  });

  it("v1 at the join's daddiu: the lui in bgez's delay slot and the lui on the fall-through path", () => {
    const join_ = at(/^daddiu\tv1,v1,0$/, at(/^bgez\t/));
    const bgez = at(/^bgez\t/);
    const slot = bgez + 4;
    const lui2 = at(/^lui\tv1,0x0$/, slot);
    expect(defs("v1", join_)).toEqual([slot, lui2].sort());
  });

  it("a1 read after the _mcount call: that call's clobber (no exception for the profiling hook), not the entry", () => {
    // `jalr v1` to _mcount with `daddiu t0,sp,8` in its slot; a1 is caller-saved (n64), so the
    // definition reaching the lw is the call's, placed after the slot: conservative, never the entry
    const mcount = at(/^jalr\tv1$/);
    expect(defs("a1", at(/^lw\tv0,216\(a1\)$/))).toEqual([mcount + 4]);
  });

  it("after a call with a delay slot, a caller-saved register is defined by the call (after its slot)", () => {
    const jalr = at(/^jalr\tv1$/);
    // v1 (caller-saved) read after the call returns: the definition is the call's clobber, placed at
    // the slot instruction, not anything before the call
    expect(defs("v1", jalr + 8)).toEqual([jalr + 4]);
  });
});
