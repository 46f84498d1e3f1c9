/**
 * Turns a CONFIG_DEBUG_LIST report (`list_del corruption, <entry>->next is LIST_POISON1 (…)`) and the
 * object of the module frame that called the checker into the poisoned pointer's name in that
 * caller's source: `it->node.next`. The kernel's message gives the entry's address; the BUG() is in
 * vmlinux (lib/list_debug.c __list_del_entry_valid(), or __list_add_valid()), so the name comes from the
 * caller: the call before the frame's return address passes the entry in the first argument register
 * (x86-64 psABI §3.2.3: rdi; AAPCS64 §6.8.2: x0; MIPS n64: a0, which the call's delay slot may still
 * set), and that register is followed back — across basic blocks while one definition reaches it,
 * through copies, `lea d(r)`, `add $d` and post-index writeback — to a variable DWARF places exactly in a
 * register there, preferring one of the frame's own function to a parameter of an inlined list
 * helper (`entry` of list_del()). The entry is then that variable plus a byte offset, read as a member
 * path from DWARF (`&it->node`), and the poisoned field is that path's `next` or `prev`.
 */

import { initDisassembler } from "../disasm/capstone.js";
import { disassembleCode } from "../disasm/code.js";
import type { Instruction } from "../disasm/types.js";
import { ElfDebugSections } from "../elf/debug-sections.js";
import type { Crash } from "../oops/model.js";
import type { DwarfSymbolizer, SymbolInfo } from "../symbolize/symbolizer.js";
import type { BinaryExplanation, NamedVerdict } from "./binary.js";
import { analyseFunction } from "./binary.js";
import { writesReaching } from "./dataflow.js";
import { LIST_POISON_REPORT } from "./explain.js";
import { GlobalNamer } from "./globals.js";
import { semanticsFor } from "./semantics/index.js";
import type { Effect, Semantics } from "./semantics/types.js";
import { hx } from "./slice.js";
import type { Explanation } from "./types.js";

/** The kernel's list checkers (lib/list_debug.c, 6.1) whose report names the entry. */
const CHECKERS = /^__list_(del_entry|add)_valid$/;

/** Per architecture: the first argument register and how far a call's return address lies past it. */
const ABI: Partial<Record<string, { arg: string; returnsAfter: number }>> = {
  x86_64: { arg: "rdi", returnsAfter: 0 },
  arm64: { arg: "x0", returnsAfter: 0 },
  // jalr's return address skips the delay slot (MIPS64 ISA vol. II, JALR: GPR[rd] ← PC + 8).
  mips64: { arg: "a0", returnsAfter: 1 },
};

/**
 * The list-poison verdict named in the caller frame `frame`'s source (x86-64, arm64 and mips64
 * objects), or undefined when the report, the frame or the object do not allow it.
 */
export async function explainListPoisonCaller(
  crash: Crash,
  explanation: Explanation | undefined,
  symbolizer: DwarfSymbolizer,
  frame: number,
): Promise<BinaryExplanation | undefined> {
  const lp = LIST_POISON_REPORT.exec(crash.report);
  const f = crash.frames[frame];
  const arch = crash.arch;
  const abi = arch ? ABI[arch] : undefined;
  const sem = arch ? semanticsFor(arch) : undefined;
  if (!lp || explanation?.verdict.kind !== "list-poison" || !arch || !abi || !sem) return undefined;
  if (!f?.symbol || f.offset === undefined) return undefined;
  const entryAddr = BigInt(`0x${lp[1]}`);
  const field = lp[2] as "next" | "prev";
  const poison = BigInt(`0x${lp[4]}`);
  const ds = symbolizer.sections;
  if (!(ds instanceof ElfDebugSections)) return undefined;
  const cands = (await symbolizer.symbols())?.byName(f.symbol) ?? [];
  const fn = (f.size !== undefined ? cands.find((c) => c.size === f.size) : undefined) ?? cands[0];
  const sec = fn?.section !== undefined ? ds.elf.section(fn.section) : undefined;
  if (!fn || !sec) return undefined;
  const bytes = await ds.elf.sectionDataRange(sec, Number(fn.address), Number(fn.size));
  await initDisassembler();
  const ret = Number(f.offset);
  const insns = disassembleCode({ arch, endian: ds.littleEndian ? "little" : "big" }, { bytes, faultIndex: 0 });
  // The call whose return address the frame holds (past its delay slot on MIPS).
  const end = insns.findIndex((i) => i.offset + i.bytes.length === ret);
  const k = end - abi.returnsAfter;
  const fx: Effect[] = insns.map((i) => sem.effect(i));
  if (end < 0 || fx[k]?.control !== "call" || !!fx[k]?.delaySlot !== abi.returnsAfter > 0) return undefined;
  const q = { symbol: fn.name, ...(f.size !== undefined ? { size: f.size } : {}) };
  const pcOf = async (o: number) => (await symbolizer.resolve({ ...q, offset: BigInt(o) })).pc;
  const callee = await calleeOf(symbolizer, fn, insns, fx, sem, k);
  // Only a call the object's relocations show going to a list check passes the entry.
  if (callee === undefined || !CHECKERS.test(callee)) return undefined;

  // Follow rdi back to a variable.
  const an = analyseFunction(fn.name, insns, sem, (insns[k] as Instruction).offset);
  const blockOf = (j: number) =>
    an.blocks.findIndex((b) => b.start <= (insns[j]?.offset ?? -1) && (insns[j]?.offset ?? -1) < b.end);
  const firstOf = (b: number) => insns.findIndex((i) => i.offset === an.blocks[b]?.start);
  const preds = an.blocks.map((_, b) => an.blocks.flatMap((x, p) => (x.successors.includes(b) ? [p] : [])));
  const callClob = new Set(sem.callClobbered);
  // A call clobbers after it returns: at the call, or after its delay slot. The call at k's own
  // clobber is not a definition of its argument.
  const clobberAt = (j: number) =>
    (fx[j]?.control === "call" && !fx[j]?.delaySlot && j !== 0) ||
    (fx[j - 1]?.control === "call" && !!fx[j - 1]?.delaySlot);
  const own = k + abi.returnsAfter;
  const writes = (j: number, r: string) =>
    (fx[j]?.writes ?? []).some((w) => w.reg === r) || (j !== own && clobberAt(j) && callClob.has(r));
  const blocks = { start: firstOf, end: (b: number) => (firstOf(b + 1) < 0 ? insns.length : firstOf(b + 1)), preds };
  /** The one definition of r reaching instruction j, or undefined (none, several, or the entry value). */
  const uniqueDef = (r: string, j: number): number | undefined => {
    const defs = writesReaching(blocks, (i) => writes(i, r), blockOf(j), j);
    const [only] = defs;
    return defs.size === 1 && typeof only === "number" ? only : undefined;
  };

  let reg = abi.arg;
  // The argument is set before the call or, on MIPS, in its delay slot: start after both.
  let at = end + abi.returnsAfter;
  let add = 0n;
  const chain: string[] = [];
  let found: { name: string; type: string } | undefined;
  let inlinedFallback: { name: string; type: string; add: bigint } | undefined;
  for (let hop = 0; hop < 16 && !found; hop++) {
    const vars = await symbolizer.variablesAt(await pcOf(insns[at]?.offset ?? 0)).catch(() => []);
    const exact = vars.filter(
      (v) => new RegExp(`^DW_OP_(reg\\d+|regx) ${reg}$`).test(v.location) && v.type.trim().endsWith("*"),
    );
    const own = exact.find((v) => v.scope !== "inlined");
    if (own) {
      found = own;
      break;
    }
    if (!inlinedFallback && exact[0]) inlinedFallback = { ...exact[0], add };
    const j = uniqueDef(reg, at);
    const w = j === undefined ? undefined : fx[j]?.writes.find((x) => x.reg === reg)?.value;
    if (j === undefined || !w) break;
    chain.push(`${text(insns[j])} at +${hx(BigInt(insns[j]?.offset ?? 0))}`);
    // reg ← src, reg ← src + d (lea d(src), add $d, `str w0, [x20], #8`'s writeback)
    if (w.k === "reg") reg = w.reg;
    else if (w.k === "bin" && w.op === "add" && w.a.k === "reg" && w.b.k === "imm") {
      add += w.b.v;
      reg = w.a.reg;
    } else if (w.k === "bin" && w.op === "add" && w.b.k === "reg" && w.a.k === "imm") {
      add += w.a.v;
      reg = w.b.reg;
    } else break;
    at = j;
  }
  const base = found ? { ...found, add } : inlinedFallback;
  if (!base) return undefined;
  const t = pointee(base.type);
  if (!t) return undefined;
  // The list_head's field: offset of `next`/`prev` in struct list_head (include/linux/types.h).
  const fieldOff = field === "next" ? 0n : BigInt(ds.addressSize);
  const m = await symbolizer.memberAt(t, base.add + fieldOff).catch(() => undefined);
  if (!m?.path || m.within !== 0 || !m.path.endsWith(field)) return undefined;
  const entryPath = m.path.slice(0, -(field.length + 1));
  const pointer = `${base.name}->${m.path}`;
  const callPc = await pcOf((insns[k] as Instruction).offset);
  const frames = await symbolizer.framesAt(callPc).catch(() => []);
  const src = frames[0];
  const where =
    src?.file && src.line ? ` at ${src.file}:${src.line} in ${frames.map((x) => x.function ?? "??").join(" ← ")}` : "";
  const v: NamedVerdict = {
    pointer,
    pointerType: "struct list_head *",
    text: `\`${pointer}\` = LIST_POISON${lp[3]} (${hx(poison)}): \`${entryPath ? `&${base.name}->${entryPath}` : base.name}\` = ${hx(entryAddr)}${base.add === 0n && !entryPath ? "" : ` (so \`${base.name}\` = ${hx(entryAddr - base.add)})`} is the entry ${callee ?? "the list check"}() was given by the call at ${fn.name}+${hx(BigInt((insns[k] as Instruction).offset))}${where}; it was already removed with list_del(): a double list_del(), or use after removal`,
  };
  if (src?.file && src.line)
    v.source = { file: src.file, line: src.line, inlineChain: frames.map((x) => x.function ?? "??") };
  return {
    function: fn.name,
    steps: [],
    verdict: v,
    notes: [
      `named from the caller ${fn.name} (call-trace frame #${frame}): the pc is in ${crash.pc?.symbol ?? "vmlinux"}, which reports the entry; ${abi.arg} at the call ← ${chain.join(" ← ") || "itself"}`,
    ],
  };
}

function pointee(type: string): string | undefined {
  const m = /^(.*\S)\s*\*$/.exec(type.trim());
  return m ? (m[1] as string).replace(/^const\s+|^volatile\s+/g, "") : undefined;
}

function text(i: Instruction | undefined): string {
  return i ? `${i.mnemonic} ${i.opStr}`.trim() : "?";
}

/**
 * The function a call goes to, from the .ko's relocations: the call's own (x86-64 R_X86_64_PLT32/PC32,
 * AArch64 R_AARCH64_CALL26), or for MIPS `jalr rs` the `lui`/`daddiu` pair (R_MIPS_HI16/LO16) that put
 * the function's address in rs; else undefined.
 */
async function calleeOf(
  symbolizer: DwarfSymbolizer,
  fn: SymbolInfo,
  insns: readonly Instruction[],
  fx: readonly Effect[],
  sem: Semantics,
  k: number,
): Promise<string | undefined> {
  const namer = await GlobalNamer.open(symbolizer, fn);
  const call = insns[k] as Instruction;
  const direct = namer?.callee(call.offset, call.bytes.length);
  if (direct !== undefined || !fx[k]?.delaySlot) return direct;
  const rs = fx[k]?.reads[0];
  const ctx = { insns, effects: fx, sem, offsetOf: (i: number) => insns[i]?.offset };
  return rs ? namer?.registerCallee(ctx, k, rs) : undefined;
}
