/**
 * Turns a decoded function (instructions and their effects) into the definitions of a register that
 * reach an instruction, across basic blocks: the instructions whose write of the register can be the
 * value read there, or `entry` when a path reaches the function's entry without one. Blocks are cut
 * at branch and jump targets and after each terminator (after its delay slot on MIPS, whose slot
 * instruction runs before the transfer: MIPS64 ISA vol. II "Branch delay"). A call defines the ABI's
 * caller-saved registers (with a delay slot, after the slot). Used to follow a global's address
 * (`adrp`/`add`, `lui`/`daddiu`) and an index computed on two paths (MIPS's signed remainder) back
 * from the load that uses them.
 */

import type { Instruction } from "../disasm/types.js";
import type { Effect } from "./semantics/types.js";

/** Basic-block structure of one instruction list. */
interface Flow {
  /** Index of the first instruction of each block, ascending. */
  firsts: number[];
  blockOf: number[];
  preds: number[][];
}

const flows = new WeakMap<readonly Instruction[], Flow>();

/** Branch or jump target of an instruction: its last immediate operand. */
function targetOf(i: Instruction): bigint | undefined {
  for (let k = i.operands.length - 1; k >= 0; k--) {
    const op = i.operands[k];
    if (op?.kind === "imm") return BigInt.asUintN(64, op.value);
  }
  return undefined;
}

function flowOf(insns: readonly Instruction[], fx: readonly Effect[]): Flow {
  const have = flows.get(insns);
  if (have) return have;
  const byAddr = new Map<bigint, number>();
  insns.forEach((ins, k) => {
    // Decoded without an address, Capstone's targets are offsets from the first byte.
    byAddr.set(BigInt.asUintN(64, ins.address ?? BigInt(ins.offset)), k);
  });
  const endOf = (k: number) => (fx[k]?.delaySlot ? k + 1 : k);
  const leaders = new Set<number>([0]);
  const targets = new Map<number, number>();
  fx.forEach((e, k) => {
    if (!e.control || e.control === "call") return;
    const t = e.control === "branch" || e.control === "jump" ? targetOf(insns[k] as Instruction) : undefined;
    const to = t === undefined ? undefined : byAddr.get(t);
    if (to !== undefined) {
      leaders.add(to);
      targets.set(k, to);
    }
    if (endOf(k) + 1 < insns.length) leaders.add(endOf(k) + 1);
  });
  const firsts = [...leaders].sort((a, b) => a - b);
  const blockOf = new Array<number>(insns.length).fill(0);
  firsts.forEach((f, b) => {
    for (let k = f; k < (firsts[b + 1] ?? insns.length); k++) blockOf[k] = b;
  });
  const preds: number[][] = firsts.map(() => []);
  firsts.forEach((f, b) => {
    const last = (firsts[b + 1] ?? insns.length) - 1;
    let term: number | undefined;
    for (let k = last; k >= f && k >= last - 1; k--) if (fx[k]?.control && fx[k]?.control !== "call") term = k;
    const c = term === undefined ? undefined : fx[term]?.control;
    const succ = new Set<number>();
    const to = term === undefined ? undefined : targets.get(term);
    if (to !== undefined && (c === "branch" || c === "jump")) succ.add(blockOf[to] as number);
    if ((c === undefined || c === "branch") && b + 1 < firsts.length) succ.add(b + 1);
    for (const s of succ) preds[s]?.push(b);
  });
  const flow = { firsts, blockOf, preds };
  flows.set(insns, flow);
  return flow;
}

/**
 * The definitions of `reg` reaching instruction `k` (before it executes): indices of the writing
 * instructions, and `entry` when the function's entry reaches k without a write.
 */
export function reachingDefs(
  insns: readonly Instruction[],
  fx: readonly Effect[],
  callClobbered: readonly string[],
  reg: string,
  k: number,
): (number | "entry")[] {
  const { firsts, blockOf, preds } = flowOf(insns, fx);
  const clob = callClobbered.includes(reg);
  const writes = (j: number) => {
    if (fx[j]?.writes.some((w) => w.reg === reg)) return true;
    if (!clob) return false;
    // The callee runs after a delay slot: its clobber lands after the slot instruction.
    return (
      (fx[j]?.control === "call" && !fx[j]?.delaySlot) || (fx[j - 1]?.control === "call" && !!fx[j - 1]?.delaySlot)
    );
  };
  const blocks = {
    start: (b: number) => firsts[b] as number,
    end: (b: number) => firsts[b + 1] ?? insns.length,
    preds,
  };
  return [...writesReaching(blocks, writes, blockOf[k] ?? 0, k)];
}

/** Basic blocks as instruction indexes, for walking back: block b is [start(b), end(b)). */
export interface BlockIndexes {
  start(b: number): number;
  end(b: number): number;
  preds: readonly (readonly number[])[];
}

/**
 * The writes reaching instruction k of block b (before it executes), walking back through the
 * predecessors: on each path the last instruction j with `writes(j)`, and `entry` when a path reaches
 * the function's entry (block 0's start) without one.
 */
export function writesReaching(
  blocks: BlockIndexes,
  writes: (j: number) => boolean,
  b: number,
  k: number,
): Set<number | "entry"> {
  const defs = new Set<number | "entry">();
  const seen = new Set<number>();
  const walk = (b: number, from: number) => {
    for (let j = from - 1; j >= blocks.start(b); j--) {
      if (writes(j)) {
        defs.add(j);
        return;
      }
    }
    if (b === 0) defs.add("entry");
    for (const p of blocks.preds[b] ?? []) {
      if (seen.has(p)) continue;
      seen.add(p);
      walk(p, blocks.end(p));
    }
  };
  walk(b, k);
  return defs;
}
