// The list-poison verdict named in the calling module frame (listpoison.ts), on the lab's real
// list_poison capture (lab/crashes/list_poison: Debian 6.1, CONFIG_DEBUG_LIST, list_del() twice in
// lab_list_poison) and its oopslab.ko. Oracles: the C source (lab/module/oopslab.c: `it` is a
// struct lab_item *, `node` its list_head), gdb's ptype of struct lab_item via the DWARF global test,
// and GNU objdump -dr of the .ko (committed by scripts/oracle-globals.mjs) for the instructions rdi
// comes from.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { bytesSource } from "../binary/source.js";
import { initDisassembler } from "../disasm/capstone.js";
import { openElfSymbolizer } from "../symbolize/elf.js";
import type { DwarfSymbolizer } from "../symbolize/symbolizer.js";
import { explainCrash } from "./explain.js";
import { explainListPoisonCaller } from "./listpoison.js";
import { decode, firstCrash } from "./testutil.js";
import { listPoisonPrev, objdumpFunction } from "./testutil-object.js";

const root = join(__dirname, "../../../..");
const dir = join(root, "lab/crashes/list_poison");
const log = readFileSync(join(dir, "console.log"), "utf8");
const objdump = readFileSync(join(__dirname, "../../test-data/explain/oopslab-x86_64.objdump.txt"), "utf8");

let sym: DwarfSymbolizer;
beforeAll(async () => {
  await initDisassembler();
  sym = await openElfSymbolizer(bytesSource(new Uint8Array(readFileSync(join(dir, "oopslab.ko")))));
});

/** lab_list_poison in objdump -dr: its lines and start address. */
const fnLines = () => objdumpFunction(objdump, "lab_list_poison");

/** objdump's offset (from lab_list_poison) of the last instruction matching `re` before line `before`. */
function offsetOf(re: RegExp, before = Number.POSITIVE_INFINITY): number {
  const { lines, start } = fnLines();
  const hits = lines.map((l, i) => (re.test(l) && i < before ? i : -1)).filter((i) => i >= 0);
  const line = lines[hits[hits.length - 1] as number] as string;
  return Number.parseInt(/^\s+([0-9a-f]+):/.exec(line)?.[1] ?? "x", 16) - start;
}

describe("list_poison: the poisoned entry named in lab_list_poison", () => {
  it("it->node.next, from rdi at the second call of __list_del_entry_valid", async () => {
    const crash = firstCrash(log);
    const e = explainCrash(crash, decode(crash));
    expect(e.verdict.kind).toBe("list-poison");
    const frame = crash.frames.findIndex((f) => f.module === "oopslab");
    const b = await explainListPoisonCaller(crash, e, sym, frame);
    expect(b?.function).toBe("lab_list_poison");
    expect(b?.verdict?.pointer).toBe("it->node.next");
    expect(b?.verdict?.text).toContain("`&it->node` = 0xff41639d1fefe088 (so `it` = 0xff41639d1fefe080)");
    // the call at the return address − 5, in list_del()'s inlined __list_del_entry() at the line the
    // source says: lab/module/oopslab.c:261 is the second list_del()
    expect(b?.verdict?.source?.inlineChain).toEqual(["__list_del_entry", "list_del", "lab_list_poison"]);
    // rdi ← mov %rbp,%rdi ← lea 0x8(%rax),%rbp, at the offsets objdump shows
    const calls = fnLines()
      .lines.map((l, i) => (l.includes("R_X86_64_PLT32\t__list_del_entry_valid") ? i : -1))
      .filter((i) => i >= 0);
    expect(calls).toHaveLength(2);
    const mov = offsetOf(/mov\s+%rbp,%rdi$/, calls[1]);
    const lea = offsetOf(/lea\s+0x8\(%rax\),%rbp/);
    expect(b?.notes[0]).toContain(`at +0x${mov.toString(16)} ← leaq 8(%rax), %rbp at +0x${lea.toString(16)}`);
  });

  it("prev (LIST_POISON2) names it->node.prev; a frame that did not call a list check names nothing", async () => {
    expect(log).toContain("->next is LIST_POISON1 (dead000000000100)");
    const r = await listPoisonPrev(log, sym);
    expect(r.pointer).toBe("it->node.prev");
    // lab_write's frame returns from a call of lab_list_poison, not of __list_del_entry_valid
    expect(r.writer).toBeGreaterThan(r.frame);
    expect(r.fromWriter).toBeUndefined();
  });
});
