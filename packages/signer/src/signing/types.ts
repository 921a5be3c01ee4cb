import type { Network } from "./network.js";

/** Web3Signer eth2 signing types accepted by `POST /api/v1/eth2/sign/{identifier}`. */
export const SIGNING_TYPES = [
  "BLOCK",
  "BLOCK_V2",
  "ATTESTATION",
  "AGGREGATION_SLOT",
  "AGGREGATE_AND_PROOF",
  "AGGREGATE_AND_PROOF_V2",
  "RANDAO_REVEAL",
  "SYNC_COMMITTEE_MESSAGE",
  "SYNC_COMMITTEE_SELECTION_PROOF",
  "SYNC_COMMITTEE_CONTRIBUTION_AND_PROOF",
  "VOLUNTARY_EXIT",
  "DEPOSIT",
  "VALIDATOR_REGISTRATION",
] as const;

export type SigningType = (typeof SIGNING_TYPES)[number];

/** What slashing protection must check before this message may be signed. */
export type SlashingCheck =
  | { kind: "block"; slot: bigint }
  | { kind: "attestation"; sourceEpoch: bigint; targetEpoch: bigint }
  | { kind: "none" };

export interface ForkInfo {
  previousVersion: Uint8Array;
  currentVersion: Uint8Array;
  epoch: bigint;
  genesisValidatorsRoot: Uint8Array;
}

/** A request after validation, with the signing root recomputed by this process. */
export interface PreparedSigning {
  type: SigningType;
  /** The root this process computed from the typed message and the fork info. */
  signingRoot: Uint8Array;
  /** The caller's `signingRoot`, if it sent one (already checked to be equal to `signingRoot`). */
  callerSigningRoot?: Uint8Array;
  slashing: SlashingCheck;
  /** Present for every type except DEPOSIT and VALIDATOR_REGISTRATION. */
  genesisValidatorsRoot?: Uint8Array;
  /** Fields safe to log (slot / epoch of the duty). */
  logFields: { slot?: number | string; epoch?: number | string };
}

/** Chain parameters a co-signer needs that are not in the request. */
export interface SigningParams {
  /** SLOTS_PER_EPOCH of the preset the chain runs (32 mainnet, 8 minimal). */
  slotsPerEpoch: number;
  /** GENESIS_FORK_VERSION of the network, used for VALIDATOR_REGISTRATION (builder domain). */
  genesisForkVersion: Uint8Array;
  /**
   * The network served, for EIP-7044 voluntary exits (Capella fork version from Deneb on). Without it a
   * voluntary exit is signed under the fork info as sent.
   */
  network?: Network;
}
