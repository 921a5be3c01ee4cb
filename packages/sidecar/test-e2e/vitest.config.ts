import { resolve } from "node:path";
import { defineConfig } from "vitest/config";

// The sidecar against a real consensus client (Lodestar dev, e2e/lodestar): `npm run test:e2e -w @mzku/sidecar`.
export default defineConfig({
  root: resolve(import.meta.dirname, ".."),
  test: {
    include: ["test-e2e/**/*.e2e.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: "forks",
  },
});
