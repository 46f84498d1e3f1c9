// One vitest run for every workspace package; the CLI's tests import the core from source.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: [
      {
        find: /^@oopscope\/core\/symbolizer$/,
        replacement: fileURLToPath(new URL("./packages/core/src/symbolize/entry.ts", import.meta.url)),
      },
      {
        find: /^@oopscope\/core$/,
        replacement: fileURLToPath(new URL("./packages/core/src/index.ts", import.meta.url)),
      },
    ],
  },
  test: {
    include: ["packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts", "scripts/**/*.test.ts"],
    testTimeout: 30_000,
  },
});
