/**
 * `--src` end to end: the seed-shape fixture (packages/core/test-data/seed-shape: our C with the seed
 * oops's layout, and src/bond_setup.c, the setup side of the seed's steps 5 and 6) analysed with
 * `--modules` and `--src`, its root cause checked against the C text (lines located by their text in
 * the file, never copied from oopscope's output) and the JSON against docs/analysis.schema.json; and
 * the directory scanner on small trees made for the test (prefilter, unreadable files, empty trees).
 */

import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkSchema, type SchemaNode } from "@oopscope/core";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "./main.js";
import { DirectorySourceTree } from "./source-tree.js";
import { captureIO } from "./testutil.js";

const root = join(import.meta.dirname, "../../..");
const seed = join(root, "packages/core/test-data/seed-shape");
const setup = readFileSync(join(seed, "src/bond_setup.c"), "utf8");
const schema = JSON.parse(readFileSync(join(root, "docs/analysis.schema.json"), "utf8")) as SchemaNode;

/** The 1-based line of the one line of bond_setup.c that contains `text`. */
function lineOf(text: string): number {
  const hits = setup.split("\n").flatMap((l, i) => (l.includes(text) ? [i + 1] : []));
  if (hits.length !== 1) throw new Error(`${text}: ${hits.length} lines`);
  return hits[0] as number;
}

const io = captureIO;

describe("--src on the seed shape", async () => {
  const { cli, out } = io();
  const code = await main(
    ["analyze", "--json", "--modules", seed, "--src", join(seed, "src"), join(seed, "oops.log")],
    cli,
  );
  const doc = JSON.parse(out.join(""));
  const rc = doc.crashes[0].rootCause;

  it("validates against the schema", () => {
    expect(code).toBe(0);
    expect(checkSchema(doc, schema)).toEqual([]);
  });

  it("step 5: rx_hashtbl of struct alb_bond_info is set only in rlb_initialize(), under rlb_enabled, from bond_open() in ALB mode", () => {
    expect(rc.target).toMatchObject({ kind: "member", member: "rx_hashtbl", containers: ["struct alb_bond_info"] });
    expect(rc.assignments.map((a: { place: { file: string; line: number; function: string } }) => a.place)).toEqual([
      {
        file: "bond_setup.c",
        line: lineOf("bond_info->rx_hashtbl = new_hashtbl;"),
        function: "rlb_initialize",
        text: "bond_info->rx_hashtbl = new_hashtbl;",
      },
    ]);
    const a = rc.assignments[0];
    expect(a.matchedBy).toBe("type");
    const c1 = a.callers[0];
    expect([c1.place.function, c1.place.line, c1.guards.map((g: { text: string }) => g.text)]).toEqual([
      "bond_alb_initialize",
      lineOf("return rlb_initialize(bond);"),
      ["rlb_enabled"],
    ]);
    const c2 = c1.callers[0];
    expect([c2.place.function, c2.place.line, c2.arguments]).toEqual([
      "bond_open",
      lineOf("if (bond_alb_initialize(bond, bond->mode == BOND_MODE_ALB))"),
      ["rlb_enabled = bond->mode == BOND_MODE_ALB"],
    ]);
    expect(c2.guards[0]).toMatchObject({
      kind: "if",
      text: "bond->mode == BOND_MODE_TLB || bond->mode == BOND_MODE_ALB",
    });
    // bond_open is never called directly: it is reached through the ops table
    expect(c2.registrations.map((r: { object: string; field: string }) => `${r.object}.${r.field}`)).toEqual([
      "bond_netdev_ops.open",
    ]);
  });

  it("step 6: rlb_arp_recv is registered by dev_add_pack() with pk_type->dev NULL: a wildcard", () => {
    expect(rc.registrations).toHaveLength(1);
    const r = rc.registrations[0];
    expect([r.function, r.object, r.field, r.stored.line]).toEqual([
      "rlb_arp_recv",
      "pk_type",
      "func",
      lineOf("pk_type->func = rlb_arp_recv;"),
    ]);
    expect([r.registrar.call, r.registeredAt.line]).toEqual(["dev_add_pack", lineOf("dev_add_pack(pk_type);")]);
    expect(r.scope).toMatchObject({ field: "dev", value: "NULL", wildcard: true });
    expect(r.scope.place.line).toBe(lineOf("pk_type->dev = NULL;"));
    for (const t of ["pk_type->func = rlb_arp_recv;", "pk_type->dev = NULL;", "bond_info->rx_hashtbl = new_hashtbl;"])
      expect(rc.statement).toContain(`bond_setup.c:${lineOf(t)}`);
    expect(rc.statement).toContain("`rlb_enabled = bond->mode == BOND_MODE_ALB`");
    // the tie: the table exists only in ALB mode, yet the handler gets every device's ARP packets
    expect(rc.statement).toContain("So unless `rlb_enabled` (passed as `bond->mode == BOND_MODE_ALB`) and");
    expect(rc.statement).toContain("`pk_type->dev` NULL");
  });
});

describe("DirectorySourceTree", () => {
  const dir = mkdtempSync(join(tmpdir(), "oopscope-src-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "net/core"), { recursive: true });
  mkdirSync(join(dir, ".git"));
  writeFileSync(join(dir, "net/core/a.c"), "int lab_rcv(void) { return 0; }\n");
  writeFileSync(join(dir, "net/core/b.h"), "/* lab_rcv_other is not lab_rcv as a word? it is: lab_rcv */\n");
  writeFileSync(join(dir, "net/core/c.c"), "int lab_rcv_other;\n");
  writeFileSync(join(dir, "net/core/d.txt"), "lab_rcv\n");
  writeFileSync(join(dir, ".git/e.c"), "lab_rcv\n");

  it("lists .c and .h files outside dot-directories and keeps those that mention an identifier as a word", async () => {
    const { cli } = io();
    const t = new DirectorySourceTree(dir, cli);
    expect(t.count()).toBe(3);
    const got = await t.files(["lab_rcv"]);
    expect(got.map((f) => f.path)).toEqual(["net/core/a.c", "net/core/b.h"]);
    expect((await t.files(["lab_rcv_other"])).map((f) => f.path)).toEqual(["net/core/b.h", "net/core/c.c"]);
    // a small tree is read once
    expect(t.reads).toBe(3);
    // an identifier already asked for is answered without walking the tree again (the next crash of a reboot loop)
    expect(t.scans).toBe(2);
    expect((await t.files(["lab_rcv_other", "lab_rcv"])).map((f) => f.path)).toEqual([
      "net/core/a.c",
      "net/core/b.h",
      "net/core/c.c",
    ]);
    expect(t.scans).toBe(2);
  });

  it("a tree too big to keep is read again only where a file's identifier filter allows", async () => {
    const { cli } = io();
    const t = new DirectorySourceTree(dir, cli, { cacheBytes: 0 });
    expect((await t.files(["nothing_here"])).map((f) => f.path)).toEqual([]);
    expect(t.reads).toBe(3);
    // a.c and b.h mention lab_rcv as a word; c.c only as part of lab_rcv_other: never read again
    expect((await t.files(["lab_rcv"])).map((f) => f.path)).toEqual(["net/core/a.c", "net/core/b.h"]);
    expect(t.reads).toBe(5);
    expect((await t.files(["lab_rcv_other"])).map((f) => f.path)).toEqual(["net/core/b.h", "net/core/c.c"]);
    expect(t.reads).toBe(7);
  });

  it("skips a file it cannot read, with a warning naming it", async () => {
    // a dangling symlink cannot be read by anyone (root included, unlike a chmod 0 file)
    const p = join(dir, "net/core/gone.c");
    symlinkSync(join(dir, "nowhere.c"), p);
    const { cli, err } = io();
    const t = new DirectorySourceTree(dir, cli);
    const got = await t.files(["lab_rcv"]);
    expect(got.map((f) => f.path)).toEqual(["net/core/a.c", "net/core/b.h"]);
    expect(err.join("")).toBe("oopscope analyze: --src: cannot read net/core/gone.c: ENOENT (skipped)\n");
    rmSync(p);
  });

  it("an empty tree is said, not silently ignored", async () => {
    const empty = mkdtempSync(join(tmpdir(), "oopscope-src-empty-"));
    const { cli, out, err } = io();
    await main(["analyze", "--src", empty, join(seed, "oops.log")], cli);
    rmSync(empty, { recursive: true, force: true });
    expect(err.join("")).toContain("no .c or .h files under it");
    expect(out.join("")).toContain("no .c or .h files under it");
  });
});
