#!/usr/bin/env node
// What `npm start` builds before `mzku devnet`, in parallel on the machine's cores:
//   - the contracts' sources and deploy script with forge (`forge build --skip test`, the same compiler
//     settings as the tests, so the devnet deploys the bytecode the tests test; the tests compile
//     under `npm test`), then the sdk's check that its generated code matches that build;
//   - the JavaScript of the TypeScript packages the devnet runs, emitted file by file by TypeScript
//     (scripts/transpile.mjs) for files whose output is missing or older than their source, while
//     forge compiles. No type check and no declarations: `npm run build` (and `npm test`) does those.
//
//   node scripts/build-devnet.mjs           build
//   node scripts/build-devnet.mjs --check   after `npm run build`: fail if any package's emit here
//                                           differs from what tsc wrote (run by `npm test`)
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { check, transpile } from "./transpile.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
/** Every package `mzku devnet` runs (the CLI and what it imports, the sidecars it starts). */
const DEVNET_PACKAGES = ["errors", "log", "signer", "sdk", "sidecar", "indexer", "cli"].map((p) =>
  join(root, "packages", p),
);

function run(command, args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: "inherit" });
    child.once("error", reject);
    child.once("exit", (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} exited with ${signal ?? code}`)),
    );
  });
}

if (process.argv[2] === "--check") {
  let differences = 0;
  for (const dir of DEVNET_PACKAGES)
    for (const d of check(dir)) {
      process.stderr.write(`build-devnet: ${d.file}: ${d.reason}\n`);
      differences++;
    }
  if (differences > 0) {
    process.stderr.write(`build-devnet: ${differences} file(s) emitted differently from tsc\n`);
    process.exit(1);
  }
} else {
  // contracts/tools/forge: the npm wrapper in node_modules/.bin exits 0 whatever forge returns.
  const contracts = run(join(root, "contracts/tools/forge"), ["build", "--skip", "test"], join(root, "contracts"));
  contracts.catch(() => {}); // awaited below, after the TypeScript
  try {
    // Synchronous, on this process's core, while forge's compiler runs on the other.
    for (const dir of DEVNET_PACKAGES) transpile(dir);
    await contracts;
    await run(process.execPath, ["scripts/generate.mjs", "--warn-if-stale"], join(root, "packages/sdk"));
  } catch (error) {
    process.stderr.write(`build-devnet: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
