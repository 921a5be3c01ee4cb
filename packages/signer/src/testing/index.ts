/**
 * `@mzku/signer/testing` — TEST-ONLY helpers. The trusted dealer splits a whole validator key into
 * shares, which production must never do (shares come from the DKG). Nothing outside tests, benches
 * and this folder may import it (`src/layers.test.ts` checks).
 */
export { type DealtKey, randomSecretKey, splitSecret } from "./dealer.js";
