// The real-kernel check of the symbolizer (issue 4, item 7): Debian's debug vmlinux and bonding.ko
// against llvm-symbolizer (10,000 random text addresses; every instruction of bonding.ko) and gdb
// (`struct bonding`, `struct rlb_client_info`, `struct alb_bond_info`), through scripts/kernel/compare.mjs. It needs the
// ~860 MB debug package, so it runs only with KERNEL_COMPARE=1 (`npm run test:kernel`, part of
// `npm run ci`), fetching it with scripts/kernel/fetch-debian-dbg.sh unless .cache/kernel/ has it; it
// also needs `npm run build` (the comparison loads the built core and CLI) and llvm, gdb-multiarch.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: plain ES module without type declarations
import { compareKernel, kernelDir } from "./compare.mjs";

const ROOT = join(__dirname, "..", "..");
const cache = join(ROOT, ".cache/kernel");
const have =
  existsSync(cache) &&
  readdirSync(cache).some((d) => existsSync(join(cache, d, "vmlinux")) && existsSync(join(cache, d, "bonding.ko")));
const enabled = process.env.KERNEL_COMPARE === "1";

interface Part {
  total: number;
  agree: number;
  fallback?: number;
  deeper?: number;
  size?: number;
}

describe.skipIf(!enabled)("symbolizer on Debian's vmlinux and bonding.ko vs llvm-symbolizer and gdb", () => {
  it("agrees on 10,000 vmlinux addresses, every bonding.ko instruction and the seed's structs", {
    timeout: 3_600_000,
  }, async () => {
    if (!have) execFileSync(join(ROOT, "scripts/kernel/fetch-debian-dbg.sh"), { stdio: "inherit" });
    const { stats, summary } = (await compareKernel({ dir: kernelDir(), count: 10_000, seed: 1 })) as {
      stats: Record<string, Part>;
      summary: string[];
    };
    console.log(summary.join("\n"));
    const v = stats.vmlinux as Part;
    const b = stats.bonding as Part;
    expect(v.total).toBe(10_000);
    // Exact frame-for-frame agreement, or only we name the ELF symbol where llvm prints ?? (assembly).
    expect((v.agree + (v.fallback ?? 0)) / v.total).toBeGreaterThanOrEqual(0.999);
    expect(b.total).toBeGreaterThan(20_000);
    expect((b.agree + (b.fallback ?? 0)) / b.total).toBeGreaterThanOrEqual(0.999);
    for (const s of ["struct bonding", "struct rlb_client_info", "struct alb_bond_info"]) {
      const l = stats[s] as Part;
      expect(l.total, s).toBeGreaterThan(10);
      expect(l.agree, s).toBe(l.total);
    }
  });
});
