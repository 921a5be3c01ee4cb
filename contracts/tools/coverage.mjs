#!/usr/bin/env node
// `npm run coverage -w @mzku/contracts`: forge coverage over the whole suite.
// The imports resolve under the workspace root's node_modules (`../node_modules`), and forge's source
// analysis (solar) cannot follow relative imports inside a dependency reached through a `../` remapping,
// so this passes the same remappings as absolute paths. Coverage builds without the optimizer, so the
// gas-target tests (`test_gas_*`) are left out and the named gas snapshots the other tests write are put
// back afterwards. Extra arguments go to forge (for example `--report lcov`); the default is
// `--report summary`.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const contracts = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const modules = resolve(contracts, "..", "node_modules");
const forge = join(contracts, "tools", "forge");
const extra = process.argv.slice(2);
const args = [
  "coverage",
  "--remappings",
  `@openzeppelin/contracts/=${join(modules, "@openzeppelin/contracts")}/`,
  "--remappings",
  `forge-std/=${join(modules, "@layerzerolabs/toolbox-foundry/lib/forge-std")}/`,
  "--no-match-coverage",
  "(test|script)/",
  "--no-match-test",
  "test_gas_",
  ...(extra.some((a) => a === "--report") ? extra : ["--report", "summary", ...extra]),
];
const snapshots = join(contracts, "snapshots");
const saved = readdirSync(snapshots).map((f) => [f, readFileSync(join(snapshots, f))]);
const result = spawnSync(forge, args, { cwd: contracts, stdio: "inherit" });
for (const [f, content] of saved) writeFileSync(join(snapshots, f), content);
process.exit(result.status ?? 1);
