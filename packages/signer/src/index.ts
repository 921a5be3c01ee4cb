/**
 * @mzku/signer — threshold BLS validator keys.
 * Each area exports its public API here; see docs/signer-keys.md (keys) and the signer docs.
 */

// Co-signer / combiner / slashing protection / Web3Signer API (docs/signer-api.md)
export { SignerError, type SignerErrorCode } from "./api/errors.js";
export { createLogger, type Logger, silentLogger } from "./api/logger.js";
export { type SignerBackend, type SignerServerOptions, startSignerServer } from "./api/server.js";
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
export { Combiner, type CombinerOptions, type CosignerEndpoint } from "./combiner/combiner.js";
export { loadCombinerConfig, parseCombinerConfig } from "./combiner/config.js";
export { CoSigner } from "./cosigner/cosigner.js";
export { type KeyShare, loadKeyShareFiles, parseKeyShare } from "./cosigner/shares.js";
export { createSignerMetrics, type SignerMetrics, startMetricsServer } from "./metrics.js";
export { prepareSigning } from "./signing/prepare.js";
export type { PreparedSigning, SigningParams, SigningType, SlashingCheck } from "./signing/types.js";
export { SlashingProtectionDb } from "./slashing/db.js";
export { type Interchange, parseInterchange } from "./slashing/interchange.js";
