/**
 * `@mzku/sdk/node` — the parts of the sdk that need Node and load Lodestar and BLS: a micro-pool
 * validator's voluntary exit and the validator flow's DKG step. Importing it fixes Lodestar's preset
 * (mainnet unless LODESTAR_PRESET is set), so a command loads it on use (`await import`), never at
 * start. Deployment files are read through `@mzku/sdk/node/deployment`. The root entry stays loadable
 * in a browser bundle.
 */

export * from "./exit/beaconApi.js";
export * from "./exit/exitDomain.js";
export * from "./exit/exitSigner.js";
export * from "./exit/microPoolExit.js";
export { type RunValidatorDkgOptions, runValidatorDkg, type ValidatorDkgResult } from "./validatorDkg.js";
