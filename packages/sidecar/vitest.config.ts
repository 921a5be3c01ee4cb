import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Integration files each start an anvil and run the deploy script: one at a time on 2 cores.
    fileParallelism: false,
  },
});
