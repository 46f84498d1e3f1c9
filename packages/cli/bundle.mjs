#!/usr/bin/env node
// Build step after `tsc -b`: turns the compiled `oopscope symbolize` command (dist/commands/symbolize.js
// and everything it imports from the CLI and from @oopscope/core/symbolizer) into one file,
// dist/symbolize.bundle.js, so that a cold `oopscope symbolize` loads one module instead of about
// thirty: resolving and reading each was ~0.05 s of CPU and ~0.1 s of wall time per run. The
// decompressors stay separate chunks, loaded only for a compressed object. bin/oopscope.js uses the
// bundle only when it is newer than the last `tsc` build, so a `tsc`-only rebuild never runs stale code.

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "rolldown";

const cli = dirname(fileURLToPath(import.meta.url));

await build({
  input: { "symbolize.bundle": join(cli, "dist/commands/symbolize.js") },
  platform: "node",
  logLevel: "warn",
  external: [/^node:/],
  output: {
    dir: join(cli, "dist"),
    format: "esm",
    entryFileNames: "[name].js",
    chunkFileNames: "bundle-chunks/[name]-[hash].js",
    sourcemap: false,
  },
});
