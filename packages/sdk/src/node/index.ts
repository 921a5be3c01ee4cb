/**
 * `@mzku/sdk/node` — the parts of the sdk that need Node (the file system). The root entry stays
 * loadable in a browser bundle.
 */
import { readFileSync } from "node:fs";
import { type Deployment, parseDeployment } from "../deployment.js";

/** Reads a deployment file from disk (`contracts/deployments/<name>.json`). */
export function loadDeployment(path: string): Deployment {
  return parseDeployment(readFileSync(path, "utf8"), path);
}

export * from "./exit/beaconApi.js";
export * from "./exit/exitDomain.js";
export * from "./exit/exitSigner.js";
export * from "./exit/microPoolExit.js";
export { type RunValidatorDkgOptions, runValidatorDkg, type ValidatorDkgResult } from "./validatorDkg.js";
