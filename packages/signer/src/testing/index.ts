/**
 * `@mzku/signer/testing` — TEST-ONLY helpers. The trusted dealer splits a whole validator key into
 * shares, and the single-key backend signs with a whole key (the benchmark's baseline); production
 * must never do either (shares come from the DKG). `freePorts`, `runSignerBin`, `runUntilListening` and
 * `keysDkgArgs` serve the tests and benches that run `mzku-signer` processes, `waitFor` the tests that poll
 * them (and other packages' servers); `LODESTAR_PARAMS_PROBE`
 * reports when a process first loads `@lodestar/params` (which fixes Lodestar's preset). Nothing outside tests, benches and this folder may
 * import them (`src/layers.test.ts` checks).
 */
export { type DealtKey, randomSecretKey, splitSecret } from "./dealer.js";
export {
  freePorts,
  keysDkgArgs,
  LODESTAR_PARAMS_PROBE,
  runSignerBin,
  runUntilListening,
  SIGNER_BIN,
} from "./processes.js";
export { SingleKeyBackend } from "./single-key.js";
export { waitFor } from "./waitFor.js";
