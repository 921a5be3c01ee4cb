import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Each integration file starts its own devnet (or the demo its own chain): one at a time on 2 cores.
    fileParallelism: false,
  },
});
