#!/usr/bin/env node
// Entry point installed as `oopscope`: hands over to the compiled CLI (built by `npm ci` via `prepare`).
// `symbolize` goes straight to its command, which loads only the symbolizer part of the core: module
// loading is a third of a cold 40-address run, and that command needs none of the rest.
const argv = process.argv.slice(2);
const run =
  argv[0] === "symbolize"
    ? Promise.all([import("../dist/commands/symbolize.js"), import("../dist/io.js")]).then(([cmd, io]) =>
        cmd.symbolizeCommand(argv.slice(1), io.processIO()),
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
