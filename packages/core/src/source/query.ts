/**
 * What the source stage is asked, built from the stages upstream of it: the verdict kind and the
 * named NULL pointer (explain, with the binary's DWARF names when there was one), the faulting
 * line's inline chain, and the call trace's functions (the oops parser), innermost first; `?` frames
 * (not proven return addresses) are left out.
 */

import type { BinaryExplanation } from "../explain/binary.js";
import type { Explanation } from "../explain/types.js";
import type { Crash } from "../oops/model.js";
import type { RootCauseQuery } from "./types.js";

export function rootCauseQuery(crash: Crash, explanation?: Explanation, binary?: BinaryExplanation): RootCauseQuery {
  const verdict = binary?.explanation?.verdict ?? explanation?.verdict;
  const named = binary?.verdict;
  const q: RootCauseQuery = {
    inlineChain: named?.source?.inlineChain ? [...named.source.inlineChain] : [],
    trace: [],
  };
  if (verdict) q.verdictKind = verdict.kind;
  if (named?.pointer) q.pointer = named.pointer;
  if (named?.pointerType) q.pointerType = named.pointerType;
  const trace = new Set<string>();
  if (crash.pc?.symbol) trace.add(crash.pc.symbol);
  for (const f of crash.frames) if (f.reliable && f.symbol) trace.add(f.symbol);
  q.trace = [...trace];
  if (!q.inlineChain.length && crash.pc?.symbol) q.inlineChain = [crash.pc.symbol];
  return q;
}
