import { resolve } from "node:path";
import { defineConfig } from "vitest/config";

// `mzku pool exit` against anvil + the threshold signer + `lodestar dev`: `npm run test:e2e -w @mzku/cli`
// (after `npm run build`; see docs/micropools.md).
export default defineConfig({
  root: resolve(import.meta.dirname, ".."),
  test: {
    include: ["test-e2e/**/*.e2e.ts"],
    testTimeout: 400_000,
    hookTimeout: 400_000,
    fileParallelism: false,
    pool: "forks",
  },
});
