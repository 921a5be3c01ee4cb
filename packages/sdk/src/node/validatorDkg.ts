/**
 * The DKG step of the validator flow (docs/marketplace.md, "Validator projects"): one party — the
 * winner's signer or a platform co-signer — runs the signer's DKG over HTTP with the others (each in its
 * own process, `mzku-signer keys dkg` for the co-signers), so the validator key exists only as threshold
 * shares and neither the provider nor the platform can sign alone. In the same ceremony the parties
 * threshold-sign the deposit message for the pool's withdrawal address; the result is the deposit data
 * `depositValidator` registers. Node only (HTTP server, native BLS).
 */
import {
  buildDepositData,
  type DkgDefinition,
  depositSigningRoot,
  executionWithdrawalCredentials,
  FULL_DEPOSIT_GWEI,
  HttpTransport,
  type IdentityFile,
  type Logger,
  loadIdentity,
  parseForkVersion,
  runDkg,
} from "@mzku/signer";
import type { Address, Hex } from "viem";
import { MzkuError } from "../errors.js";
import type { ValidatorDepositData } from "../validator/flow.js";

export type RunValidatorDkgOptions = {
  /** The ceremony (one validator), with every party's identity and URL: `parseDefinition(json)`. */
  definition: DkgDefinition;
  /** This party's index in the definition (1-based). */
  index: number;
  /** This party's identity file (its DKG transport key). */
  identity: IdentityFile;
  /** The validator project's micro-pool: its address is the 0x01 withdrawal address. */
  pool: Address;
  /** The chain's genesis fork version (4 bytes hex) the deposit is signed for. */
  forkVersion: Hex;
  /** Address the DKG transport listens on (default: the definition's host for this party). */
  listenHost?: string;
  log?: Logger;
};

/** This party's result: the deposit data (the same at every party) and its own key share. */
export type ValidatorDkgResult = ValidatorDepositData & {
  /** This party's share of the validator key: keep it in the party's keystore, never on-chain. */
  secretShare: Uint8Array;
  /** Indices of the parties whose dealings were accepted. */
  qualified: readonly number[];
};

/** Runs this party's side of the validator's DKG and returns the deposit data for `pool`. */
export async function runValidatorDkg(opts: RunValidatorDkgOptions): Promise<ValidatorDkgResult> {
  const { definition, index, pool } = opts;
  if (definition.validators !== 1) {
    throw new MzkuError(
      "VALIDATOR_DKG_BAD_INPUT",
      `a validator project needs 1 key, the definition makes ${definition.validators}`,
    );
  }
  if (!definition.parties.some((p) => p.index === index)) {
    throw new MzkuError("VALIDATOR_DKG_BAD_INPUT", `party ${index} is not in the definition`);
  }
  const withdrawalCredentials = executionWithdrawalCredentials(pool);
  const forkVersion = parseForkVersion(opts.forkVersion);
  const transport = await HttpTransport.start({
    definition,
    index,
    ...(opts.listenHost ? { host: opts.listenHost } : {}),
  });
  let result: Awaited<ReturnType<typeof runDkg>>;
  try {
    result = await runDkg({
      definition,
      index,
      identity: loadIdentity(opts.identity),
      transport,
      ...(opts.log ? { log: opts.log } : {}),
      sign: (groupKeys) =>
        groupKeys.map((pubkey) =>
          depositSigningRoot({ pubkey, withdrawalCredentials, amountGwei: FULL_DEPOSIT_GWEI }, forkVersion),
        ),
    });
  } finally {
    await transport.close();
  }
  const key = result.validators[0];
  const signature = result.signatures?.[0];
  if (!key || !signature) throw new MzkuError("VALIDATOR_DKG_BAD_INPUT", "the DKG produced no signed key");
  const deposit = buildDepositData({
    pubkey: key.groupPublicKey,
    withdrawalCredentials,
    amountGwei: FULL_DEPOSIT_GWEI,
    signature,
    forkVersion,
  });
  return {
    pubkey: `0x${deposit.pubkey}`,
    signature: `0x${deposit.signature}`,
    depositDataRoot: `0x${deposit.deposit_data_root}`,
    secretShare: key.secretShare,
    qualified: result.qualified,
  };
}
