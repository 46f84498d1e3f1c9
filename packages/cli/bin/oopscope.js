#!/usr/bin/env node
// Entry point installed as `oopscope`: hands over to the compiled CLI (built by `npm ci` via `prepare`).
import { main } from "../dist/main.js";

main(process.argv.slice(2)).then(
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
