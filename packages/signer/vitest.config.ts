import { defineConfig } from "vitest/config";

// Unit, multi-process and conformance tests: `npm test -w @mzku/signer`. dist/ is built once, before any
// test file starts (test-setup/build.ts), so that no test rebuilds it while another runs its processes.
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    globalSetup: ["./test-setup/build.ts"],
  },
});
