// The list-poison entry named in the calling module frame (listpoison.ts) on the lab's real arm64 and
// mips64el list_poison captures (Debian 6.1, CONFIG_DEBUG_LIST, list_del() twice in lab_list_poison)
// and their oopslab.ko. Oracles: the kernel's own message (the entry's address), the C source
// (lab/module/oopslab.c: `it` is a struct lab_item *, `node` its list_head at +8, as the captures'
// hand-written truth.json says), and the cross objdump -dr of the .ko (committed by
// scripts/oracle-globals-arches.mjs) for the call at the return address, its relocation and the
// instructions the argument register comes from.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { bytesSource } from "../binary/source.js";
import { initDisassembler } from "../disasm/capstone.js";
import { openElfSymbolizer } from "../symbolize/elf.js";
import { explainCrash } from "./explain.js";
import { explainListPoisonCaller } from "./listpoison.js";
import { decode, firstCrash } from "./testutil.js";
import { listPoisonPrev, objdumpFunction } from "./testutil-object.js";

const root = join(__dirname, "../../../..");
const T = join(__dirname, "../../test-data/explain");

/** lab_list_poison in objdump -dr: instruction offsets (from its start), text and relocations. */
function objdumpFn(arch: string) {
  const { lines, start } = objdumpFunction(
    readFileSync(join(T, `oopslab-${arch}.objdump.txt`), "utf8"),
    "lab_list_poison",
  );
  const rows: { offset: number; text: string; relocs: string[] }[] = [];
  for (const l of lines) {
    const ins = /^\s+([0-9a-f]+):\t[0-9a-f]{8} \t(.*)$/.exec(l);
    if (ins) rows.push({ offset: Number.parseInt(ins[1] as string, 16) - start, text: ins[2] as string, relocs: [] });
    const r = /^\t+[0-9a-f]+: (R_\w+\t\S+)$/.exec(l);
    if (r && !r[1]?.startsWith("R_MIPS_NONE")) rows[rows.length - 1]?.relocs.push((r[1] as string).replace("\t", " "));
  }
  return rows;
}

const cases = [
  {
    arch: "arm64",
    dir: "lab/crashes/arm64-list_poison",
    entry: 0xffff1d77c39d2e08n,
    // AAPCS64: bl's return address is the next instruction
    callBefore: 4,
    callee: (r: { text: string; relocs: string[] }) => r.relocs.includes("R_AARCH64_CALL26 __list_del_entry_valid"),
    arg: "x0",
  },
  {
    arch: "mips64el",
    dir: "lab/crashes/mips64el-list_poison",
    entry: 0x90000000066e6808n,
    // jalr's return address skips its delay slot
    callBefore: 8,
    callee: (r: { text: string; relocs: string[] }) => /^jalr\t/.test(r.text),
    arg: "a0",
  },
];

beforeAll(async () => {
  await initDisassembler();
});

describe.each(cases)("$arch list_poison: the poisoned entry named in lab_list_poison", (c) => {
  const log = readFileSync(join(root, c.dir, "console.log"), "utf8");
  const open = () => openElfSymbolizer(bytesSource(new Uint8Array(readFileSync(join(root, c.dir, "oopslab.ko")))));

  it(`it->node.next, from ${c.arg} at the call of __list_del_entry_valid before the frame's return address`, async () => {
    const sym = await open();
    const crash = firstCrash(log);
    const e = explainCrash(crash, decode(crash));
    expect(e.verdict.kind).toBe("list-poison");
    const frame = crash.frames.findIndex((f) => f.module === "oopslab");
    const f = crash.frames[frame];
    expect(f?.symbol).toBe("lab_list_poison");
    const b = await explainListPoisonCaller(crash, e, sym, frame);
    expect(b?.verdict?.pointer).toBe("it->node.next");
    // the kernel printed &it->node; node is at +8 in struct lab_item
    expect(b?.verdict?.text).toContain(`\`&it->node\` = 0x${c.entry.toString(16)}`);
    expect(b?.verdict?.text).toContain(`(so \`it\` = 0x${(c.entry - 8n).toString(16)})`);
    // objdump: the instruction before the return address (past a MIPS delay slot) is the call
    const rows = objdumpFn(c.arch);
    const ret = Number(f?.offset);
    const call = rows.find((r) => r.offset === ret - c.callBefore);
    expect(call && c.callee(call), call?.text).toBe(true);
    expect(b?.verdict?.text).toContain(
      `__list_del_entry_valid() was given by the call at lab_list_poison+0x${(ret - c.callBefore).toString(16)}`,
    );
    expect(b?.notes[0]).toContain(`${c.arg} at the call ← `);
  });

  it("prev (LIST_POISON2) names it->node.prev; lab_write's frame (a call of lab_list_poison) names nothing", async () => {
    const r = await listPoisonPrev(log, await open());
    expect(r.pointer).toBe("it->node.prev");
    expect(r.writer).toBeGreaterThan(r.frame);
    expect(r.fromWriter).toBeUndefined();
  });
});

describe("mips64el: jalr's target named from the lui/daddiu relocations that load its register", () => {
  it("objdump: s2 ← lui/daddiu __list_del_entry_valid (R_MIPS_HI16/LO16), the register the call jumps through", () => {
    const rows = objdumpFn("mips64el");
    const lui = rows.find((r) => r.relocs.includes("R_MIPS_HI16 __list_del_entry_valid"));
    const daddiu = rows.find((r) => r.relocs.includes("R_MIPS_LO16 __list_del_entry_valid"));
    expect(lui?.text).toMatch(/^lui\ts2,/);
    expect(daddiu?.text).toMatch(/^daddiu\ts2,s2,/);
    // the capture's frame lab_list_poison+0xd4 returns past `jalr s2` and its slot
    const log = readFileSync(join(root, "lab/crashes/mips64el-list_poison/console.log"), "utf8");
    const ret = Number.parseInt(/lab_list_poison\+0x([0-9a-f]+)\//.exec(log)?.[1] ?? "x", 16);
    expect(rows.find((r) => r.offset === ret - 8)?.text).toBe("jalr\ts2");
  });
});
