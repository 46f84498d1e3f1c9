/**
 * `oopscope analyze --modules DIR [--src DIR]` on the seed-shape fixture (packages/core/test-data/
 * seed-shape: our C with the seed oops's layout, compiled for Octeon II, and an oops generated from
 * its disassembly): the JSON document holds the named steps and verdict and stays valid against
 * docs/analysis.schema.json; terminal and Markdown say the same names. Expected names and offsets come
 * from gdb's `ptype /o` and the C source committed beside the fixture, not from our output.
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { checkSchema, type SchemaNode } from "@oopscope/core";
import { describe, expect, it } from "vitest";
import { runCli } from "./testutil.js";

const root = join(import.meta.dirname, "../../..");
const dir = join(root, "packages/core/test-data/seed-shape");
const log = join(dir, "oops.log");
const cSource = readFileSync(join(dir, "src/bond_shape.c"), "utf8").split("\n");
const ptype = readFileSync(join(dir, "bonding.ptype.txt"), "utf8");
const schema = JSON.parse(readFileSync(join(root, "docs/analysis.schema.json"), "utf8")) as SchemaNode;

// gdb ptype /o: `/*     24      |       1 */    u8 assigned;` inside struct rlb_client_info.
const client = ptype.slice(ptype.indexOf("type = struct rlb_client_info {"));
const assignedAt = Number(/\/\*\s+(\d+)\s+\|\s+\d+ \*\/\s+u8 assigned;/.exec(client)?.[1]);
const clientSize = Number(/total size \(bytes\):\s+(\d+)/.exec(client)?.[1]);
const faultLine = cSource.findIndex((l) => l.includes("if ((client_info->assigned) &&")) + 1;

describe("analyze with the module's .ko: the seed shape, named", () => {
  it("--json: steps carry variable/type/member/source; verdict.named; binary; schema-valid", async () => {
    const r = await runCli(["analyze", "--json", "--modules", dir, "--src", join(dir, "src"), log]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(checkSchema(doc, schema)).toEqual([]);
    const c = doc.crashes[0];
    expect(c.explanation.scope).toBe("function");
    const n = c.explanation.verdict.named;
    expect(n.pointer).toBe("bond->alb_info.rx_hashtbl");
    expect(n.elementType).toBe("struct rlb_client_info");
    expect(n.elementSize).toBe(clientSize);
    expect(n.member).toBe("client_info->assigned");
    expect(n.memberOffset).toBe(`0x${assignedAt.toString(16)}`);
    expect(n.index).toBe("0x10");
    expect(n.source).toEqual({
      file: "/src/seed-shape/bond_shape.c",
      line: faultLine,
      text: cSource[faultLine - 1],
      inlineChain: ["rlb_update_entry_from_arp", "rlb_arp_recv"],
    });
    const load = c.explanation.steps.find((s: { member: string | null }) => s.member !== null);
    expect(load.member).toBe("bond->alb_info.rx_hashtbl");
    expect(load.source.text).toBe(cSource[load.source.line - 1]);
    const ci = c.explanation.steps.find((s: { variable: string | null }) => s.variable === "client_info");
    expect(ci.type).toBe("struct rlb_client_info *");
    expect(c.binary.codeCheck.result).toBe("match");
    expect(c.binary.analysis.reaching.some((x: { join: boolean }) => x.join)).toBe(true);
  });

  it("terminal and Markdown name the pointer, element and member", async () => {
    const t = await runCli(["analyze", "--modules", dir, "--src", join(dir, "src"), log]);
    expect(t.out).toContain("`bond->alb_info.rx_hashtbl` is NULL");
    expect(t.out).toContain("v0 is client_info (struct rlb_client_info *)");
    expect(t.out).toContain(cSource[faultLine - 1]?.trim());
    expect(t.out).toContain("join: 2 reaching definitions, all kept");
    const m = await runCli(["analyze", "--markdown", "--modules", dir, log]);
    expect(m.out).toContain(
      "**In source terms:** `bond->alb_info.rx_hashtbl` is NULL; `client_info = &bond->alb_info.rx_hashtbl[0x10]`",
    );
    expect(m.out).toContain("| variable | member | source |");
    expect(m.out).toContain("`client_info->assigned`");
  });

  it("without a binary the JSON document is unchanged in shape (no binary, no named fields)", async () => {
    const r = await runCli(["analyze", "--json", log]);
    const c = JSON.parse(r.out).crashes[0];
    expect(c.binary).toBeUndefined();
    expect(c.explanation.verdict.named).toBeUndefined();
    expect(Object.keys(c.explanation.steps[0]).sort()).toEqual(
      ["depth", "instruction", "meaning", "offset", "register", "value"].sort(),
    );
  });
});
