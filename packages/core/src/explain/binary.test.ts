// explainWithBinary on the seed-shape fixture (packages/core/test-data/seed-shape): our own C with the
// seed oops's layout, compiled for Octeon II into bonding.ko, and an oops generated from its own
// disassembly. Expected facts come from independent oracles committed by build.sh: gdb's `ptype /o`
// (layout), addr2line (file:line and inline chain), llvm-dwarfdump (where client_info lives), objdump
// (the bytes, relocations and the instructions that define registers), and the C source (line text).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../analysis/analyze.js";
import type { CrashAnalysis } from "../analysis/types.js";
import { bytesSource } from "../binary/source.js";
import { openElfSymbolizer } from "../symbolize/elf.js";
import { type BinaryExplanation, explainWithBinary } from "./binary.js";

const D = join(__dirname, "../../test-data/seed-shape");
const oops = readFileSync(join(D, "oops.log"), "utf8");
const ko = new Uint8Array(readFileSync(join(D, "bonding.ko")));
const cSource = readFileSync(join(D, "src/bond_shape.c"), "utf8").split("\n");
const objdump = readFileSync(join(D, "bonding.objdump.txt"), "utf8");
const a2l = readFileSync(join(D, "bonding.a2l.txt"), "utf8");
const dwarfdump = readFileSync(join(D, "bonding.dwarfdump.txt"), "utf8");
const ptypeText = readFileSync(join(D, "bonding.ptype.txt"), "utf8");

/** gdb `ptype /o` of one struct: member name → {offset, size}, and the total size. */
function ptype(struct: string): { members: Map<string, { offset: number; size: number }>; size: number } {
  const start = ptypeText.indexOf(`type = struct ${struct} {`);
  const lines = ptypeText.slice(start).split("\n");
  const members = new Map<string, { offset: number; size: number }>();
  let depth = 0;
  let size = 0;
  // A nested struct member: its offset is on the `struct X {` line, its name on the closing `} name;`.
  const open: { offset: number; size: number }[] = [];
  for (const l of lines) {
    const m = /^\/\*\s+(\d+)\s+\|\s+(\d+) \*\/\s+(.*?)([A-Za-z_]\w*)(\[\d+\])?;$/.exec(l);
    if (m && depth === 1) members.set(m[4] as string, { offset: Number(m[1]), size: Number(m[2]) });
    const t = /total size \(bytes\):\s+(\d+)/.exec(l);
    if (t && depth === 1) size = Number(t[1]);
    if (l.includes("{")) {
      const o = /^\/\*\s+(\d+)\s+\|\s+(\d+) \*\//.exec(l);
      open.push({ offset: Number(o?.[1] ?? 0), size: Number(o?.[2] ?? 0) });
      depth++;
    }
    const close = /^\s*}\s*(\w+)?;?$/.exec(l);
    if (close) {
      const o = open.pop();
      depth--;
      if (depth === 1 && close[1] && o) members.set(close[1], o);
      if (depth === 0) break;
    }
  }
  return { members, size };
}

/** objdump -d lines of .text: offset → { word, text }. */
const insns = new Map<number, { word: string; text: string }>();
for (const l of objdump.split("\n")) {
  const m = /^\s*([0-9a-f]+):\t([0-9a-f]{8}) \t(.*)$/.exec(l);
  if (m) insns.set(Number.parseInt(m[1] as string, 16), { word: m[2] as string, text: (m[3] as string).trim() });
}
/** Offsets objdump -r shows a relocation at. */
const relocs = new Set(
  [...objdump.matchAll(/^\s+([0-9a-f]+): R_MIPS_(?!NONE)\w+/gm)].map((m) => Number.parseInt(m[1] as string, 16)),
);

const faultOffset = () => Number.parseInt(/rlb_arp_recv\+0x([0-9a-f]+)\/0x/.exec(oops)?.[1] as string, 16);

async function run(text = oops): Promise<{ ca: CrashAnalysis; b: BinaryExplanation }> {
  const sym = await openElfSymbolizer(bytesSource(ko));
  const a = await analyze(text);
  const ca = a.crashes[0] as CrashAnalysis;
  const b = await explainWithBinary(ca.crash, ca.instructions, ca.explanation, sym, {
    sourceLine: (file, line) => (file.endsWith("bond_shape.c") ? cSource[line - 1] : undefined),
  });
  if (!b) throw new Error("no binary explanation");
  return { ca, b };
}

describe("seed shape on MIPS64 Octeon: the verdict in the seed's names", () => {
  it("NULL bond->alb_info.rx_hashtbl, index 0x10, 48-byte struct rlb_client_info, member assigned, BadVA 0x318", async () => {
    const { ca, b } = await run();
    const bonding = ptype("bonding");
    const alb = ptype("alb_bond_info");
    const client = ptype("rlb_client_info");
    // gdb: rx_hashtbl sits at alb_info + its offset in struct alb_bond_info = 0x268 of struct bonding.
    const albAt = bonding.members.get("alb_info")?.offset as number;
    const tblAt = alb.members.get("rx_hashtbl")?.offset as number;
    expect(albAt + tblAt).toBe(0x268);
    const v = b.verdict;
    expect(v?.pointer).toBe("bond->alb_info.rx_hashtbl");
    expect(v?.pointerType).toBe("struct rlb_client_info *");
    expect(v?.elementType).toBe("struct rlb_client_info");
    expect(v?.elementSize).toBe(client.size);
    expect(client.size).toBe(48);
    expect(v?.member).toBe("client_info->assigned");
    expect(v?.memberOffset).toBe(client.members.get("assigned")?.offset);
    // BadVA as the kernel line prints it, and the arithmetic the layout implies.
    const badva = BigInt(`0x${/BadVA : ([0-9a-f]+)/.exec(oops)?.[1]}`);
    expect(badva).toBe(0x318n);
    expect(v?.index).toBe(0x10n);
    expect((v?.index ?? 0n) * BigInt(client.size) + BigInt(client.members.get("assigned")?.offset ?? 0)).toBe(badva);
    expect(v?.text).toContain("`bond->alb_info.rx_hashtbl` is NULL");
    expect(v?.text).toContain(
      "`client_info = &bond->alb_info.rx_hashtbl[0x10]` (`struct rlb_client_info`, 0x30 bytes)",
    );
    expect(v?.text).toContain("index `hash_index` = 0x10");
    expect(v?.text).toContain("reading `client_info->assigned` (+0x18) faults at 0x318");
    // The explanation from the text alone is unchanged.
    expect(ca.explanation?.verdict.kind).toBe("null-array");
  });

  it("file:line, source text and inline chain of the fault agree with addr2line and the C source", async () => {
    const { b } = await run();
    const off = faultOffset();
    const block = a2l.split(/^(?=0x)/m).find((x) => Number.parseInt(x.split("\n")[0] as string, 16) === off) ?? "";
    const [, fn1, loc1, fn2] = block.trim().split("\n");
    const line = Number(/:(\d+)/.exec(loc1 as string)?.[1]);
    const src = b.verdict?.source;
    expect(src?.inlineChain).toEqual([fn1, fn2]);
    expect(src?.inlineChain).toEqual(["rlb_update_entry_from_arp", "rlb_arp_recv"]);
    expect(src?.line).toBe(line);
    expect(src?.file).toBe((loc1 as string).replace(/:\d+.*$/, ""));
    const want = cSource.findIndex((l) => l.includes("if ((client_info->assigned) &&")) + 1;
    expect(src?.line).toBe(want);
    expect(src?.text).toBe(cSource[want - 1]);
  });

  it("steps: v0 is client_info where llvm-dwarfdump puts it; the load is bond->alb_info.rx_hashtbl", async () => {
    const { b } = await run();
    const e = b.explanation;
    expect(e).toBeDefined();
    // llvm-dwarfdump: client_info's location-list entry covering the fault pc.
    const ci =
      /DW_AT_abstract_origin\t\(0x[0-9a-f]+ "client_info"\)\n\s+DW_AT_location\t\(0x[0-9a-f]+: \n((?:\s+\[.*\n)+)/.exec(
        dwarfdump,
      );
    const off = faultOffset();
    const entry = [...(ci?.[1] ?? "").matchAll(/\[0x([0-9a-f]+), 0x([0-9a-f]+)\): (DW_OP_reg\d+ (\w+?)_64)/g)].find(
      (m) => Number.parseInt(m[1] as string, 16) <= off && off < Number.parseInt(m[2] as string, 16),
    );
    expect(entry).toBeDefined();
    const reg = String(entry?.[4]).toLowerCase();
    expect(reg).toBe("v0");
    const named = b.steps.map((n) => ({ n, s: e?.steps[n.step] }));
    const clientStep = named.find((x) => x.s?.register === reg && x.n.variable !== undefined);
    expect(clientStep?.n.variable).toBe("client_info");
    expect(clientStep?.n.type).toBe("struct rlb_client_info *");
    // The load step: objdump's instruction at that offset is the `ld …,616(s0)` of rx_hashtbl.
    const load = named.find((x) => x.n.member !== undefined);
    expect(load?.n.member).toBe("bond->alb_info.rx_hashtbl");
    const loadOff = (b.instructions?.[load?.s?.instruction ?? -1]?.offset ?? -1) as number;
    expect(insns.get(loadOff)?.text).toMatch(/^ld\s+\w+,616\(s0\)$/);
    expect(load?.n.source?.text).toBe(cSource[(load?.n.source?.line ?? 0) - 1]);
  });
});

describe("whole-function analysis", () => {
  it("the fault's block and the join at the hash loop keep every reaching definition", async () => {
    const { b } = await run();
    const a = b.analysis;
    expect(a).toBeDefined();
    const off = faultOffset();
    const fb = a?.blocks[a.faultBlock];
    // The fault's block starts after the hash loop's branch delay slot (objdump: bne …; baddu).
    const bne = [...insns].find(([, i]) => /^bne\s+v0,a2,/.test(i.text));
    expect(fb?.start).toBe((bne?.[0] ?? 0) + 8);
    expect(fb && fb.start <= off && off < fb.end).toBe(true);
    // v1 entering the loop's last instruction: `move v1,zero` before the loop and the loop's own baddu.
    const v1defs = [...insns].filter(([o, i]) => o < (fb?.start ?? 0) && /^(move\s+v1,zero|baddu\s+v1,)/.test(i.text));
    const join = a?.reaching.find((r) => r.register === "v1" && r.join);
    expect(join?.definitions.map((d) => d.offset).sort()).toEqual(v1defs.map(([o]) => o).sort());
    expect(a?.instructions).toBe([...insns.keys()].filter((o) => o < 0x170).length);
  });

  it("Code: bytes agree with objdump's words; a changed word is reported as a mismatch", async () => {
    const { b } = await run();
    expect(b.codeCheck?.result).toBe("match");
    expect(b.codeCheck?.compared).toBe(36);
    const off = faultOffset();
    const next = insns.get(off + 4)?.word as string;
    const patched = oops.replace(new RegExp(`(<[0-9a-f]{8}> )${next}`), "$100000000");
    expect(patched).not.toBe(oops);
    const r = await run(patched);
    expect(r.b.codeCheck?.result).toBe("mismatch");
    expect(r.b.codeCheck?.mismatches).toEqual([{ offset: off + 4, oops: "00000000", binary: next }]);
    expect(r.b.codeCheck?.text).toContain("wrong binary");
    // A difference after the fault does not touch the slice: it still runs over the whole function.
    expect(r.b.explanation).toBeDefined();
    expect(r.b.notes.join(" ")).toContain("after the faulting instruction");
    // A difference before the fault: the object is not what ran, so the slice stays on the window.
    const prev = insns.get(off - 4)?.word as string;
    const before = oops.replace(new RegExp(`${prev}( <[0-9a-f]{8}>)`), "00000000$1");
    expect(before).not.toBe(oops);
    const rb = await run(before);
    expect(rb.b.codeCheck?.mismatches.map((m) => m.offset)).toEqual([off - 4]);
    expect(rb.b.explanation).toBeUndefined();
    expect(rb.b.notes.join(" ")).toContain("the slice stays on the Code: window");
  });

  it("the real seed oops against our bonding.ko: the wrong binary, so nothing is named", async () => {
    // examples/seed/oops.log faults at rlb_arp_recv+0x128 of the vendor's bonding.ko; ours has other
    // code there (objdump), so the check reports the faulting word itself and no names are given.
    const seed = readFileSync(join(__dirname, "../../../../examples/seed/oops.log"), "utf8");
    expect(insns.get(0x128)?.word).not.toBe("92230018");
    const r = await run(seed);
    expect(r.b.codeCheck?.result).toBe("mismatch");
    expect(r.b.codeCheck?.mismatches.some((m) => m.offset <= 0x128 && 0x128 < m.offset + m.oops.length / 2)).toBe(true);
    expect(r.b.verdict).toBeUndefined();
    expect(r.b.steps).toEqual([]);
    expect(r.b.notes.join(" ")).toContain("nothing is named");
  });

  it("a window over relocated words (long-call lui/daddiu) matches outside the relocated field", async () => {
    // A window at the bond_lock() call sequence: objdump -r shows relocations on these words; the
    // running module holds the patched immediates, so the oops shows different low halves.
    const first = [...relocs].filter((o) => insns.get(o)?.text.startsWith("lui")).sort((x, y) => x - y)[1] as number;
    const words: string[] = [];
    for (let k = -3; k < 6; k++) {
      const o = first + 4 * k;
      let w = insns.get(o)?.word as string;
      if (relocs.has(o)) w = `${w.slice(0, 4)}c044`;
      words.push(k === 0 ? `<${w}>` : w);
    }
    const text = oops
      .replace(/^Code: .*$/m, `Code: ${words.join(" ")}`)
      .replace(/rlb_arp_recv\+0x[0-9a-f]+\/0x170/g, `rlb_arp_recv+0x${first.toString(16)}/0x170`);
    const r = await run(text);
    expect(r.b.codeCheck?.result).toBe("match");
    const inWindow = [...relocs].filter((o) => o >= first - 12 && o < first + 24).length;
    expect(inWindow).toBeGreaterThan(0);
    expect(r.b.codeCheck?.relocated).toBe(4 * inWindow);
    // The same window with a relocated word's opcode half changed is a mismatch.
    const bad = text.replace(/<([0-9a-f]{4})c044>/, "<0000c044>");
    expect((await run(bad)).b.codeCheck?.result).toBe("mismatch");
  });
});
