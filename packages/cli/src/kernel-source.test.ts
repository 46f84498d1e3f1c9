/**
 * The source stage on Debian's real Linux 6.1 tree (`linux-source-6.1`, not committed: GPL), when it
 * has been extracted: `OOPSCOPE_KERNEL_SRC` or `.cache/linux/linux-source-6.1` under the repository
 * (`apt-get download linux-source-6.1`, then extract the tarball the package holds). Without it every
 * test here is skipped, and says so.
 *
 * 1. The seed's query on 6.1's own bonding driver (drivers/net/bonding and include/net/bond*.h):
 *    `rx_hashtbl` of `struct alb_bond_info`, faulting in `rlb_arp_recv`. 6.1 no longer registers the
 *    handler with `dev_add_pack`: `bond_alb_initialize()` → `rlb_initialize()` stores it in
 *    `bond->recv_probe`, which `bond_handle_frame()` calls for that bond's own slaves only (the
 *    2.6.35 fix and the 3.9 rework). The expected places are located in the C text by the test.
 * 2. The lab's `wildcard_table` capture with `--src` on the whole tree plus lab/module/oopslab.c
 *    (copied into it as drivers/misc/oopslab.c): the same statement as with `--src lab/module`.
 */

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { findRootCause, type SourceFile, type SourceTree } from "@oopscope/core";
import { describe, expect, it } from "vitest";
import { loadParser } from "./source-tree.js";
import { runCli } from "./testutil.js";

const root = join(import.meta.dirname, "../../..");
const kernel = process.env.OOPSCOPE_KERNEL_SRC ?? join(root, ".cache/linux/linux-source-6.1");
const have = existsSync(join(kernel, "drivers/net/bonding/bond_alb.c"));
if (!have)
  console.warn(
    "kernel-source.test.ts: skipped: no Linux 6.1 tree (set OOPSCOPE_KERNEL_SRC or extract linux-source-6.1 into .cache/linux/)",
  );

/** Files of the bonding driver and its headers, served by word like the CLI's tree. */
function bondingTree(): SourceTree {
  const paths = [
    ...readdirSync(join(kernel, "drivers/net/bonding")).map((f) => `drivers/net/bonding/${f}`),
    ...readdirSync(join(kernel, "include/net"))
      .filter((f) => f.startsWith("bond"))
      .map((f) => `include/net/${f}`),
  ].filter((p) => /\.[ch]$/.test(p));
  const files: SourceFile[] = paths.map((path) => ({ path, text: readFileSync(join(kernel, path), "utf8") }));
  return {
    async files(ids) {
      return files.filter((f) => ids.some((id) => new RegExp(`\\b${id}\\b`).test(f.text)));
    },
  };
}

/** The 1-based line of the one line of `path` that contains `text`. */
function lineOf(path: string, text: string): number {
  const hits = readFileSync(join(kernel, path), "utf8")
    .split("\n")
    .flatMap((l, i) => (l.includes(text) ? [i + 1] : []));
  if (hits.length !== 1) throw new Error(`${path}: ${text}: ${hits.length} lines`);
  return hits[0] as number;
}

describe.skipIf(!have)("Linux 6.1 bonding: rx_hashtbl and rlb_arp_recv", () => {
  it("finds rlb_initialize's store, its ALB guard, and recv_probe (a per-bond hook, no wildcard)", async () => {
    const rc = await findRootCause(await loadParser(), bondingTree(), {
      verdictKind: "null-pointer",
      pointer: "bond_info->rx_hashtbl",
      pointerType: "struct rlb_client_info *",
      inlineChain: ["rlb_update_entry_from_arp", "rlb_arp_recv"],
      trace: ["rlb_arp_recv", "bond_handle_frame", "__netif_receive_skb_core"],
    });
    const alb = "drivers/net/bonding/bond_alb.c";
    expect(rc.target?.containers).toEqual(["struct alb_bond_info"]);
    const sets = rc.assignments.filter((a) => !a.storesNull);
    expect(sets.map((a) => `${a.place.file}:${a.place.line}`)).toEqual([
      `${alb}:${lineOf(alb, "bond_info->rx_hashtbl = new_hashtbl;")}`,
    ]);
    const set = sets[0]!;
    expect(set.place.function).toBe("rlb_initialize");
    const caller = set.callers.find((c) => c.place.function === "bond_alb_initialize");
    expect(caller?.guards.map((g) => g.text)).toContain("rlb_enabled");
    const open = caller?.callers.find((c) => c.place.function === "bond_open");
    expect(open?.place.line).toBe(
      lineOf("drivers/net/bonding/bond_main.c", "if (bond_alb_initialize(bond, (BOND_MODE"),
    );
    // 6.1: stored in bond->recv_probe under the same ALB path; nothing registers it for every device
    const reg = rc.registrations.find((r) => r.function === "rlb_arp_recv");
    expect(reg?.stored).toMatchObject({ file: alb, line: lineOf(alb, "bond->recv_probe = rlb_arp_recv;") });
    expect(reg?.field).toBe("recv_probe");
    expect(reg?.registrar).toBeUndefined();
    expect(rc.registrations.some((r) => r.scope?.wildcard)).toBe(false);
    expect(rc.statement).not.toMatch(/wildcard|runs there too/);
  });
});

const lab = join(root, "lab/crashes/wildcard_table");
const withLab = have && existsSync(join(kernel, "drivers/misc/oopslab.c"));
describe.skipIf(!withLab)("the lab's wildcard_table on the whole tree (drivers/misc/oopslab.c added)", () => {
  it("states the same root cause as with --src lab/module, paths aside", async () => {
    const run = async (src: string) => {
      const { out } = await runCli(["analyze", "--json", "--modules", lab, "--src", src, join(lab, "console.log")]);
      return JSON.parse(out).crashes[0].rootCause.statement as string;
    };
    const small = await run(join(root, "lab/module"));
    const whole = await run(kernel);
    expect(whole.replaceAll("drivers/misc/", "")).toBe(small);
  }, 600_000);
});
