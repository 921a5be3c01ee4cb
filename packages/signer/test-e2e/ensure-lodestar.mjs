// Installs the test-only Lodestar tree (e2e/lodestar, its own lockfile) with `npm ci` when missing.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

const dir = resolve(import.meta.dirname, "..", "..", "..", "e2e", "lodestar");
if (existsSync(join(dir, "node_modules", ".bin", "lodestar"))) process.exit(0);
process.stdout.write(`installing Lodestar 1.5.1 into ${dir} (npm ci, about a minute)\n`);
const r = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: dir, stdio: "inherit" });
process.exit(r.status ?? 1);
