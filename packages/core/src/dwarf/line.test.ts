// The scan-only line lookup (a unit's first query) against the row table (its later queries): for
// every line program of the fixture objects (x86-64 and big-endian MIPS64, DWARF 4 and 5, linked and
// relocatable) and every pc at, just below and just above each row and sequence end, `scanLineProgram`
// must give the row `LineTable.lookup` gives. The table itself is held to llvm-symbolizer and addr2line
// by the symbolizer tests and by the real-kernel comparison.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Cursor } from "../binary/cursor.js";
import { bytesSource } from "../binary/source.js";
import { openElfSymbolizer } from "../symbolize/elf.js";
import { readLineProgram, scanLineProgram } from "./line.js";

const FIXTURES = join(__dirname, "../../test-data/fixtures");
const objects = ["x86_64", "mips64"].flatMap((arch) =>
  readdirSync(join(FIXTURES, arch))
    .filter((f) => /\.(ko|elf)$/.test(f))
    .map((f) => join(arch, f)),
);

describe("scanLineProgram gives the row LineTable.lookup gives", () => {
  it.each(objects)("%s", async (obj) => {
    const sym = await openElfSymbolizer(bytesSource(new Uint8Array(readFileSync(join(FIXTURES, obj)))));
    const r = sym.reader;
    const line = await r.line.all();
    let checked = 0;
    for await (const u of r.allUnits()) {
      if (u.stmtList === undefined) continue;
      const cursor = () => new Cursor(line, r.littleEndian, 0, u.stmtList as number);
      const t = readLineProgram(cursor(), u.h.addressSize);
      const pcs = new Set<bigint>([0n]);
      for (let s = 0; s < t.seqStart.length; s++) {
        const start = t.seqStart[s] as bigint;
        for (const d of [-1n, 0n, 1n]) pcs.add(start + d);
        const end = t.seqEnd[s] as bigint;
        for (const d of [-1n, 0n, 1n]) pcs.add(end + d);
        for (let i = t.seqFirst[s] as number; i < (t.seqLast[s] as number); i++) {
          const a = start + BigInt(t.rowDelta[i] as number);
          for (const d of [-1n, 0n, 1n]) pcs.add(a + d);
        }
      }
      for (const pc of pcs) {
        if (pc < 0n) continue;
        const row = t.lookup(pc);
        const s = scanLineProgram(cursor(), u.h.addressSize, pc);
        const want =
          row < 0
            ? { row: false }
            : { row: true, file: t.rowFile[row], line: t.rowLine[row], column: t.rowColumn[row] };
        const got = s.row ? { row: true, file: s.file, line: s.line, column: s.column } : { row: false };
        if (JSON.stringify(got) !== JSON.stringify(want))
          expect({ pc: `0x${pc.toString(16)}`, got }).toEqual({ pc: `0x${pc.toString(16)}`, got: want });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});
