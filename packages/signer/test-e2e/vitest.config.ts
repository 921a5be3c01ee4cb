import { resolve } from "node:path";
import { defineConfig } from "vitest/config";

// The Lodestar end-to-end test: `npm run test:e2e -w @mzku/signer` (see docs/signer-api.md).
export default defineConfig({
  root: resolve(import.meta.dirname, ".."),
  test: {
    include: ["test-e2e/**/*.e2e.ts"],
    testTimeout: 280_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    pool: "forks",
  },
});
