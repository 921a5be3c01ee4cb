/**
 * `@mzku/signer/testing` — TEST-ONLY helpers. The trusted dealer splits a whole validator key into
 * shares, and the single-key backend signs with a whole key (the benchmark's baseline); production
 * must never do either (shares come from the DKG). `freePorts`, `runSignerBin` and `keysDkgArgs` serve the tests and
 * benches that run `mzku-signer` processes. Nothing outside tests, benches and this folder may
 * import them (`src/layers.test.ts` checks).
 */
export { type DealtKey, randomSecretKey, splitSecret } from "./dealer.js";
export { freePorts, keysDkgArgs, runSignerBin, SIGNER_BIN } from "./processes.js";
export { SingleKeyBackend } from "./single-key.js";
