import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

/** Builds dist/ once for the tests that run the `mzku-signer` bin as separate processes. */
export default function setup(): void {
  const pkg = join(import.meta.dirname, "..");
  try {
    execFileSync(join(pkg, "../../node_modules/.bin/tsc"), ["-p", join(pkg, "tsconfig.json")], { stdio: "pipe" });
  } catch {
    // tsc emits even with type errors elsewhere; the bin must exist
  }
  if (!existsSync(join(pkg, "dist/bin/mzku-signer.js")))
    throw new Error("build failed: dist/bin/mzku-signer.js missing");
}
