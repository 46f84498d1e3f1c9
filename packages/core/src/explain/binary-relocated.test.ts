// explainWithBinary on the lab's mips64el and arm64 wildcard captures: the slice over the whole
// function reaches instructions outside the Code: window, read from the .ko, whose immediates a
// relocation fills in at module load. Oracles: the cross objdump -dr committed by
// scripts/oracle-globals-arches.mjs (mips64el lab_rcv: `lui v1,0x0` R_MIPS_HI16 .bss+0x210 and
// `daddiu v1,v1,0` R_MIPS_LO16 .bss+0x210; arm64: `adrp x2` / `add x2, x2, #0x0` on .bss, then
// `add x2, x2, #0x8`) and its readelf -s (lab_ports at .bss+0x210 on mips64el, .bss+0x8 on arm64).
// The object's zero immediates are not what ran: no step may claim a value computed from them.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../analysis/analyze.js";
import type { CrashAnalysis } from "../analysis/types.js";
import { bytesSource } from "../binary/source.js";
import { openElfSymbolizer } from "../symbolize/elf.js";
import { type BinaryExplanation, explainWithBinary } from "./binary.js";

const root = join(__dirname, "../../../..");
const T = join(__dirname, "../../test-data/explain");

async function run(capture: string): Promise<{ a: CrashAnalysis; b: BinaryExplanation | undefined }> {
  const dir = join(root, "lab/crashes", capture);
  const sym = await openElfSymbolizer(bytesSource(new Uint8Array(readFileSync(join(dir, "oopslab.ko")))));
  let b: BinaryExplanation | undefined;
  const an = await analyze(readFileSync(join(dir, "console.log"), "utf8"), {
    stages: {
      binary: async (crash, insns, ex) => {
        b = await explainWithBinary(crash, insns, ex, sym);
        return b;
      },
    },
  });
  return { a: an.crashes[0] as CrashAnalysis, b };
}

/** readelf -s: the data object named `name` (section index and value). */
function symbol(arch: string, name: string): { value: number; section: string } {
  const readelf = readFileSync(join(T, `oopslab-${arch}.readelf.txt`), "utf8");
  const f = readelf
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .find((x) => x[3] === "OBJECT" && x[7] === name);
  if (!f) throw new Error(name);
  const sec = new RegExp(`^\\s*\\[\\s*${f[6]}\\] (\\S+)`, "m").exec(readelf)?.[1] as string;
  return { value: Number.parseInt(f[1] as string, 16), section: sec };
}

describe("relocated immediates outside the Code: window", () => {
  it("mips64el-wildcard: lui/daddiu of lab_ports claim no value from the object's zeros, and name &lab_ports", async () => {
    const { b } = await run("mips64el-wildcard");
    const steps = b?.explanation?.steps ?? [];
    const objdump = readFileSync(join(T, "oopslab-mips64el.objdump.txt"), "utf8");
    expect(objdump).toMatch(/lui\tv1,0x0\n\t+[0-9a-f]+: R_MIPS_HI16\t\.bss\+0x210/);
    const daddiu = steps.find((s) => /^daddiu \$v1, \$v1, 0$/.test(s.text));
    // v1 at the fault is the dump's (the full address); what the daddiu added, and the lui's high
    // part before it, are not in the object: no step may compute them from its zeros
    expect(daddiu?.meaning).toContain("filled in by a relocation");
    expect(daddiu?.meaning).not.toContain("solved");
    expect(steps.filter((s) => /^lui \$v1/.test(s.text)).every((s) => s.value === undefined)).toBe(true);
    const ports = symbol("mips64el", "lab_ports");
    expect(daddiu?.meaning).toContain(
      `it is \`&lab_ports\` (${ports.section}+0x${ports.value.toString(16)} in the object)`,
    );
    expect(b?.verdict?.pointer).toBe("lab_ports[dev->ifindex % 64]");
  });

  it("arm64-wildcard: adrp/add name the .bss start, the add of 8 names &lab_ports", async () => {
    const { b } = await run("arm64-wildcard");
    const steps = b?.explanation?.steps ?? [];
    const ports = symbol("arm64", "lab_ports");
    const add8 = steps.find((s) => s.text === "add x2, x2, #8");
    expect(add8?.meaning).toContain(
      `it is \`&lab_ports\` (${ports.section}+0x${ports.value.toString(16)} in the object)`,
    );
    const lo = steps.find((s) => s.text === "add x2, x2, #0");
    expect(lo?.value).toBeUndefined();
    expect(lo?.meaning).toContain("filled in by a relocation");
  });
});
