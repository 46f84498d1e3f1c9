/**
 * The first Call trace entry of an arm64 oops is the pc itself (dump_backtrace starts at the
 * exception's pc), printed by symbol+offset with no address: it must be symbolized as the pc, not
 * as a return address (address − 1 would name the instruction before the fault, and its line). The
 * oops is abridged from the crash lab's lab/crashes/arm64-null_table (Debian 6.1 arm64 under qemu).
 */

import { expect, test } from "vitest";
import type { SymbolizeQuery } from "../symbolize/types.js";
import { analyze } from "./analyze.js";

const OOPS = [
  "[    4.150765] Unable to handle kernel NULL pointer dereference at virtual address 00000000000000b6",
  "[    4.156819] Internal error: Oops: 0000000096000006 [#1] SMP",
  "[    4.157292] Modules linked in: oopslab(OE)",
  "[    4.161608] pstate: 60000005 (nZCv daif -PAN -UAO -TCO -DIT -SSBS BTYPE=--)",
  "[    4.161608] pc : lab_null_table+0x30/0x70 [oopslab]",
  "[    4.162435] lr : lab_write+0x1c4/0x44c [oopslab]",
  "[    4.162700] sp : ffff80000800b8c0",
  "[    4.170429] Call trace:",
  "[    4.170741]  lab_null_table+0x30/0x70 [oopslab]",
  "[    4.171179]  proc_reg_write+0xac/0x100",
  "[    4.171438]  lab_null_table+0x30/0x70 [oopslab]",
  "[    4.172975] Code: 4a422021 4a020021 12000c21 9ba40c21 (39403823) ",
  "[    4.173711] ---[ end trace 0000000000000000 ]---",
].join("\n");

test("arm64: the trace's first entry, equal to the pc, is looked up as the pc; later ones as return addresses", async () => {
  const seen: (SymbolizeQuery & { frame: number })[] = [];
  await analyze(OOPS, {
    stages: {
      symbolize: async (_c, q) => {
        seen.push(q);
        return [];
      },
    },
  });
  const byFrame = new Map(seen.map((q) => [q.frame, q]));
  expect(byFrame.get(-1)?.returnAddress).toBe(false);
  expect(byFrame.get(0)).toMatchObject({ symbol: "lab_null_table", offset: 0x30n, returnAddress: false });
  expect(byFrame.get(1)).toMatchObject({ symbol: "proc_reg_write", returnAddress: true });
  // the same symbol+offset deeper in the trace is a return address (a recursion's frame, say)
  expect(byFrame.get(2)).toMatchObject({ symbol: "lab_null_table", returnAddress: true });
});
