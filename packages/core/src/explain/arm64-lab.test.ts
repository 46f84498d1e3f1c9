// Real arm64 oopses from the crash lab (Debian 6.1 arm64 under qemu -M virt, lab/crashes/arm64-*):
// arm64 prints the fault address untagged (arch/arm64/mm/fault.c: untagged_addr(far) copies bit 55
// over the top byte), so the address recomputed from the registers and the printed one differ in
// their top byte and still name the same access. Expected values come from our module's source:
// - uaf reads s->ops->calls with s freed and poisoned (slub_debug=P): x2 = s->ops = 0x6b6b6b6b6b6b6b6b,
//   `ldr x1, [x2]`; bit 55 is 0, so the kernel prints 006b6b6b6b6b6b6b;
// - oob reads lab_ring0.slot[4], i.e. magic = 0x4c41425f52494e47 ("LAB_RING"), then ->assigned (+0xe):
//   0x4c41425f52494e55, printed as 0041425f52494e55.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../analysis/analyze.js";

const lab = join(__dirname, "../../../../lab/crashes");
const log = (name: string) => readFileSync(join(lab, name, "console.log"), "utf8");
const first = async (text: string) => {
  const a = await analyze(text);
  expect(a.crashes).toHaveLength(1);
  return a.crashes[0] as NonNullable<(typeof a.crashes)[0]>;
};

describe("arm64 lab captures: the printed fault address is the untagged effective address", () => {
  it("uaf: [x2] = 0x6b6b6b6b6b6b6b6b is the reported 0x006b6b6b6b6b6b6b", async () => {
    const c = await first(log("arm64-uaf"));
    expect(c.crash.fault.address).toBe(0x006b6b6b6b6b6b6bn);
    expect(c.explanation?.access?.effectiveAddress).toBe(0x6b6b6b6b6b6b6b6bn);
    expect(c.explanation?.access?.matchesFaultAddress).toBe(true);
    expect(c.explanation?.unknowns.join("\n") ?? "").not.toMatch(/disagrees/);
    expect(c.explanation?.verdict.kind).toBe("slab-poison");
  });

  it("oob: [x0 + 0xe] = 0x4c41425f52494e55 is the reported 0x0041425f52494e55", async () => {
    const c = await first(log("arm64-oob"));
    expect(c.crash.fault.address).toBe(0x0041425f52494e55n);
    expect(c.explanation?.access?.effectiveAddress).toBe(0x4c41425f52494e55n);
    expect(c.explanation?.access?.matchesFaultAddress).toBe(true);
    expect(c.explanation?.verdict.kind).toBe("non-canonical");
  });

  it("an address that differs below the top byte still disagrees", async () => {
    const text = log("arm64-uaf").replace(/virtual address 006b6b6b6b6b6b6b/, "virtual address 006b6b6b6b6b6b00");
    const c = await first(text);
    expect(c.crash.fault.address).toBe(0x006b6b6b6b6b6b00n);
    expect(c.explanation?.access?.matchesFaultAddress).toBe(false);
  });
});
