import { defineConfig } from "vitest/config";

// Static build for any host: relative asset paths, so `dist/` can be served from any folder.
// The runtime configuration (API URL, RPC URL, deployment) is `config.json` next to index.html.
export default defineConfig({
  base: "./",
  build: { outDir: "dist", target: "es2022", sourcemap: false, reportCompressedSize: false },
  oxc: { jsx: { runtime: "automatic" } },
  test: { include: ["test/**/*.test.ts"], testTimeout: 300_000, hookTimeout: 600_000, fileParallelism: false },
});
