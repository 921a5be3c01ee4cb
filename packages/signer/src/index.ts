/**
 * @mzku/signer — threshold BLS validator keys.
 * Each area exports its public API here; see docs/signer-keys.md (keys) and the signer docs.
 */
export * from "./bls/bls.js";
export { fromHex, toHex } from "./bls/bytes.js";
/** TEST-ONLY helpers (a trusted dealer that splits a whole key). Never use in production paths. */
export * as testing from "./bls/dealer.js";
export { BlsError, type BlsErrorCode } from "./bls/errors.js";
export {
  addPublicKeys,
  assertThresholdParams,
  type CombineVerifiedParams,
  type CombineVerifiedResult,
  combinePartials,
  combinePublicShares,
  combineVerifiedPartials,
  evalCommitment,
  MAX_PARTIES,
  type PartialSignature,
  type PublicShare,
  partialSign,
  type SecretShare,
  verifyPartial,
} from "./bls/threshold.js";
