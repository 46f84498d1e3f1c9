#!/usr/bin/env -S GLIBC_TUNABLES=glibc.malloc.hugetlb=1:glibc.malloc.top_pad=67108864 node
// Entry point installed as `oopscope`: hands over to the compiled CLI (built by `npm ci` via `prepare`).
// The shebang (`env -S`: GNU coreutils 8.30+, BSD env) sets two glibc malloc tunables before Node
// starts, the only time glibc reads them: the heap grows in 64 MiB steps (`top_pad`) and is marked
// for transparent huge pages (`hugetlb=1`, glibc 2.35+; older glibc and other libcs ignore it). A
// 10,000-address `symbolize` of a vmlinux first-touches ~500 MB, and each 4 KiB page fault cost
// ~20 µs on the bench VM: faults fell from ~140k to ~50k and the run's CPU time by ~20 % (a cold
// 40-address trace: unchanged CPU, +12 MiB peak RSS). `node bin/oopscope.js` runs without them.
// `symbolize` goes straight to its command, loaded from the one-file bundle that `npm run build`
// makes (packages/cli/bundle.mjs): module loading was a third of a cold 40-address run, and that
// command needs none of the rest of the CLI or the core.
import { statSync } from "node:fs";
import { setFlagsFromString } from "node:v8";

const argv = process.argv.slice(2);

/**
 * The bundle, when it is at least as new as the last `tsc` build of both packages (a `tsc -b`
 * without the bundle step must not leave `symbolize` running stale code); an installed package has
 * no build info, and its bundle is used as shipped.
 */
function bundleIsFresh() {
  const mtime = (rel) => {
    try {
      return statSync(new URL(rel, import.meta.url)).mtimeMs;
    } catch {
      return undefined;
    }
  };
  const bundle = mtime("../dist/symbolize.bundle.js");
  if (bundle === undefined) return false;
  for (const info of ["../tsconfig.tsbuildinfo", "../../core/tsconfig.tsbuildinfo"]) {
    const t = mtime(info);
    if (t !== undefined && t > bundle) return false;
  }
  return true;
}

if (argv[0] === "symbolize") {
  // Optimize hot functions later (16x V8's default interrupt budget, before any of our code is
  // compiled): a 40-address trace is over before most optimized code pays back its compilation, which
  // was about a fifth of its CPU time; a 10k run still optimizes its loops (measured: no change there).
  setFlagsFromString("--interrupt-budget=1081344");
}

const run =
  argv[0] === "symbolize"
    ? import(bundleIsFresh() ? "../dist/symbolize.bundle.js" : "../dist/commands/symbolize.js").then((cmd) =>
        cmd.symbolizeMain(argv.slice(1)),
      )
    : import("../dist/main.js").then((m) => m.main(argv));

run.then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(
      `oopscope: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = 2;
  },
);
