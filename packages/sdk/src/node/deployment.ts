/**
 * `@mzku/sdk/node/deployment` — reads a deployment file from disk. Node's file system only: daemons and
 * the CLI load it at start without loading Lodestar or BLS (`@mzku/sdk/node`), so a process can still
 * choose its Lodestar preset afterwards (`mzku signer start --preset minimal`).
 */
import { readFileSync } from "node:fs";
import { type Deployment, parseDeployment } from "../deployment.js";

/** Reads a deployment file from disk (`contracts/deployments/<name>.json`). */
export function loadDeployment(path: string): Deployment {
  return parseDeployment(readFileSync(path, "utf8"), path);
}
