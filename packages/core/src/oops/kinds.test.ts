/**
 * Crash kinds checked against an outside oracle: the `TYPE:` that syzkaller's own parser expects for
 * each of the 747 real logs in corpus/syzkaller/report. Its types are finer or grouped differently
 * (HANG covers soft lockups, RCU stalls and hung tasks), so each type maps to the kinds that agree
 * with it; logs without a TYPE are not counted.
 */

import { readdirSync, readFileSync } from "node:fs";
import { expect, test } from "vitest";
import type { CrashKind } from "./model.js";
import { parseLog } from "./parse.js";

const dir = new URL("../../../../corpus/syzkaller/report/", import.meta.url);

function accepted(type: string): CrashKind[] | undefined {
  if (type.startsWith("KASAN-NULL-POINTER-DEREFERENCE")) return ["null-deref"];
  if (type.startsWith("KASAN-")) return ["kasan"];
  if (type.startsWith("KFENCE-")) return ["kfence"];
  if (type.startsWith("KMSAN-")) return ["kmsan"];
  if (type.startsWith("KCSAN-")) return ["kcsan"];
  const table: Record<string, CrashKind[]> = {
    UBSAN: ["ubsan"],
    MEMORY_SAFETY_UBSAN: ["ubsan"],
    "NULL-POINTER-DEREFERENCE": ["null-deref"],
    LOCKDEP: ["lockdep"],
    BUG: ["bug"],
    ATOMIC_SLEEP: ["bug"],
    LEAK: ["bug"],
    REFCOUNT_WARNING: ["warning"],
    WARNING: ["warning", "lockdep"],
    HANG: ["soft-lockup", "hard-lockup", "rcu-stall", "hung-task"],
    MEMORY_SAFETY_BUG: ["paging-request", "null-deref", "bug", "general-protection"],
  };
  return table[type];
}

test("crash kinds agree with syzkaller's expected TYPE on the corpus", () => {
  let checked = 0;
  const misses: string[] = [];
  for (const f of readdirSync(dir)) {
    const raw = readFileSync(new URL(f, dir), "latin1").replaceAll("\r", "");
    const cut = raw.indexOf("\n\n");
    const type = /^TYPE: (.*)$/m.exec(raw.slice(0, cut))?.[1];
    const want = type === undefined ? undefined : accepted(type);
    if (!want) continue;
    const body = raw.slice(cut + 2).split("\nREPORT:\n")[0] ?? "";
    const kind = parseLog(body).crashes[0]?.kind ?? "none";
    checked++;
    if (!want.includes(kind)) misses.push(`${f}: ${type} -> ${kind}`);
  }
  const agreement = (checked - misses.length) / checked;
  console.log(`kinds: ${checked - misses.length}/${checked} agree (${(agreement * 100).toFixed(1)} %)`, misses);
  expect(checked).toBeGreaterThan(500);
  expect(agreement).toBeGreaterThanOrEqual(0.97);
}, 300_000);
