/**
 * Deposit data for a threshold validator key (phase0 `DepositMessage` / `DepositData`, the
 * staking-deposit-cli `deposit_data-*.json` shape). The deposit signature is a threshold signature:
 * each share holder signs {@link depositSigningRoot} with `partialSign`, the partials are verified
 * and combined, and {@link buildDepositData} checks the combined signature against the group key
 * before it emits anything. The domain is DOMAIN_DEPOSIT with the fork version and a zero
 * genesis_validators_root, as the spec requires for deposits on every network.
 */
import { DOMAIN_DEPOSIT } from "@lodestar/params";
import { ssz } from "@lodestar/types";
import { verify } from "../bls/bls.js";
import { fromHex, toHexBare } from "../bls/bytes.js";
import { CodedError } from "../errors.js";

export type DepositErrorCode = "DEPOSIT_INVALID_INPUT" | "DEPOSIT_BAD_SIGNATURE";
export class DepositError extends CodedError<DepositErrorCode> {
  override readonly name = "DepositError";
}

/** 32 ETH in Gwei. */
export const FULL_DEPOSIT_GWEI = 32_000_000_000n;
/** Smallest deposit the deposit contract accepts (1 ETH). */
export const MIN_DEPOSIT_GWEI = 1_000_000_000n;
const ZERO_ROOT = new Uint8Array(32);
const DEPOSIT_CLI_VERSION = "2.7.0";

/** Known networks' genesis fork versions (name used in `network_name`). */
export const NETWORKS: Readonly<Record<string, string>> = {
  mainnet: "00000000",
  holesky: "01017000",
  sepolia: "90000069",
  hoodi: "10000910",
};

export interface DepositMessageInput {
  /** 48-byte group public key. */
  readonly pubkey: Uint8Array;
  /** 32-byte withdrawal credentials. */
  readonly withdrawalCredentials: Uint8Array;
  readonly amountGwei: bigint;
}

export interface DepositDataJson {
  readonly pubkey: string;
  readonly withdrawal_credentials: string;
  readonly amount: number;
  readonly signature: string;
  readonly deposit_message_root: string;
  readonly deposit_data_root: string;
  readonly fork_version: string;
  readonly network_name: string;
  readonly deposit_cli_version: string;
}

function check(input: DepositMessageInput): void {
  if (input.pubkey.length !== 48) throw new DepositError("DEPOSIT_INVALID_INPUT", "pubkey must be 48 bytes");
  if (input.withdrawalCredentials.length !== 32)
    throw new DepositError("DEPOSIT_INVALID_INPUT", "withdrawal credentials must be 32 bytes");
  if (input.amountGwei < MIN_DEPOSIT_GWEI || input.amountGwei > 2n ** 64n - 1n) {
    throw new DepositError("DEPOSIT_INVALID_INPUT", `amount must be at least ${MIN_DEPOSIT_GWEI} Gwei`);
  }
}

export function parseForkVersion(hex: string): Uint8Array {
  let b: Uint8Array;
  try {
    b = fromHex(hex);
  } catch {
    throw new DepositError("DEPOSIT_INVALID_INPUT", `fork version must be 4 bytes of hex, got "${hex}"`);
  }
  if (b.length !== 4)
    throw new DepositError("DEPOSIT_INVALID_INPUT", `fork version must be 4 bytes of hex, got "${hex}"`);
  return b;
}

/** 0x01 (or 0x02 compounding) credentials for an execution address: prefix ‖ 11 zero bytes ‖ address. */
export function executionWithdrawalCredentials(address: string, prefix: 0x01 | 0x02 = 0x01): Uint8Array {
  if (!/^0x[0-9a-fA-F]{40}$/.test(address))
    throw new DepositError("DEPOSIT_INVALID_INPUT", `not a 20-byte 0x address: "${address}"`);
  const out = new Uint8Array(32);
  out[0] = prefix;
  out.set(fromHex(address), 12);
  return out;
}

/** compute_domain(DOMAIN_DEPOSIT, fork_version, 0x00…00). */
export function depositDomain(forkVersion: Uint8Array): Uint8Array {
  const forkDataRoot = ssz.phase0.ForkData.hashTreeRoot({
    currentVersion: forkVersion,
    genesisValidatorsRoot: ZERO_ROOT,
  });
  const domain = new Uint8Array(32);
  domain.set(DOMAIN_DEPOSIT, 0);
  domain.set(forkDataRoot.subarray(0, 28), 4);
  return domain;
}

export function depositMessageRoot(input: DepositMessageInput): Uint8Array {
  check(input);
  return ssz.phase0.DepositMessage.hashTreeRoot({
    pubkey: input.pubkey,
    withdrawalCredentials: input.withdrawalCredentials,
    amount: Number(input.amountGwei),
  });
}

/** The root every share holder signs: compute_signing_root(DepositMessage, deposit domain). */
export function depositSigningRoot(input: DepositMessageInput, forkVersion: Uint8Array): Uint8Array {
  return ssz.phase0.SigningData.hashTreeRoot({
    objectRoot: depositMessageRoot(input),
    domain: depositDomain(forkVersion),
  });
}

/**
 * The standard deposit_data JSON entry. Throws `DEPOSIT_BAD_SIGNATURE` unless `signature` verifies
 * under `pubkey` over the deposit signing root.
 */
export function buildDepositData(
  input: DepositMessageInput & {
    readonly signature: Uint8Array;
    readonly forkVersion: Uint8Array;
    readonly networkName?: string;
  },
): DepositDataJson {
  const signingRoot = depositSigningRoot(input, input.forkVersion);
  if (!verify(input.pubkey, signingRoot, input.signature)) {
    throw new DepositError("DEPOSIT_BAD_SIGNATURE", "deposit signature does not verify under the validator public key");
  }
  const dataRoot = ssz.phase0.DepositData.hashTreeRoot({
    pubkey: input.pubkey,
    withdrawalCredentials: input.withdrawalCredentials,
    amount: Number(input.amountGwei),
    signature: input.signature,
  });
  const fv = toHexBare(input.forkVersion);
  return {
    pubkey: toHexBare(input.pubkey),
    withdrawal_credentials: toHexBare(input.withdrawalCredentials),
    amount: Number(input.amountGwei),
    signature: toHexBare(input.signature),
    deposit_message_root: toHexBare(depositMessageRoot(input)),
    deposit_data_root: toHexBare(dataRoot),
    fork_version: fv,
    network_name: input.networkName ?? Object.entries(NETWORKS).find(([, v]) => v === fv)?.[0] ?? "custom",
    deposit_cli_version: DEPOSIT_CLI_VERSION,
  };
}
