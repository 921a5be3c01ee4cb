/**
 * @mzku/signer — threshold BLS validator keys.
 * Each area exports its public API here; see docs/signer-keys.md (keys) and the signer docs.
 */

export { createLogger, type Logger, silentLogger } from "@mzku/log";
// Co-signer / combiner / slashing protection / Web3Signer API (docs/signer-api.md)
export { type HttpServerOptions, type SignerServerOptions, startSignerServer } from "./api/server.js";
export * from "./bls/bls.js";
export { fromHex, toHex } from "./bls/bytes.js";
// Keys: DKG, keystores, derivation, deposit data (docs/signer-keys.md)
export { CommitmentVector } from "./bls/commitment.js";
export { BlsError, type BlsErrorCode } from "./bls/errors.js";
export { lagrangeCoefficientsAtZero } from "./bls/field.js";
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
export {
  buildDepositData,
  type DepositDataJson,
  DepositError,
  depositDomain,
  depositMessageRoot,
  depositSigningRoot,
  executionWithdrawalCredentials,
  FULL_DEPOSIT_GWEI,
  NETWORKS,
  parseForkVersion,
} from "./deposit/deposit.js";
export {
  type DepositParams,
  type DkgCeremonyOptions,
  type DkgCeremonyResult,
  runDkgCeremony,
} from "./dkg/ceremony.js";
export { DKG_VERSION, type DkgDefinition, parseDefinition, sessionId } from "./dkg/definition.js";
export { DkgError, type DkgErrorCode } from "./dkg/errors.js";
export { HttpTransport } from "./dkg/http.js";
export { generateIdentity, type IdentityFile, loadIdentity } from "./dkg/identity.js";
export {
  type DkgKeyShare,
  type DkgOutputFile,
  loadDkgKeyShares,
  readDkgOutput,
  readShares,
  writeDkgOutput,
} from "./dkg/output.js";
export { DkgParty, type DkgResult, type DkgValidatorKey } from "./dkg/protocol.js";
export { type RunDkgOptions, type RunDkgResult, runDkg } from "./dkg/runner.js";
export { type DkgTransport, MemoryHub } from "./dkg/transport.js";
export { CodedError, isSignerError, SignerError, type SignerErrorCode } from "./errors.js";
export {
  blsWithdrawalCredentials,
  deriveChildSK,
  deriveKeyFromSeed,
  deriveMasterSK,
  mnemonicToSeed,
  parsePath,
  validatorPaths,
} from "./keystore/derive.js";
export { KeystoreError, type KeystoreErrorCode } from "./keystore/errors.js";
export { stopKdfWorker } from "./keystore/kdf.js";
export {
  decryptKeystore,
  decryptKeystores,
  encryptKeystore,
  encryptKeystores,
  type Keystore,
  PBKDF2_DEFAULT,
  processPassword,
  SCRYPT_DEFAULT,
} from "./keystore/keystore.js";
export { createSignerMetrics, type SignerMetrics, startMetricsServer } from "./metrics.js";
export type { SignerBackend, SignResult } from "./service/backend.js";
export { type SignedMessage, SigningService, type SigningServiceOptions } from "./service/service.js";
export { prepareSigning } from "./signing/prepare.js";
export type { PreparedSigning, SigningParams, SigningType, SlashingCheck } from "./signing/types.js";
export { SlashingProtectionDb } from "./slashing/db.js";
export { type Interchange, parseInterchange } from "./slashing/interchange.js";
