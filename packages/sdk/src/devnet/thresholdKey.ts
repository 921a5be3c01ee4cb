import { randomBytes } from "node:crypto";
import type { Address, Hex, TransactionReceipt } from "viem";
import { microPool } from "../actions/index.js";
import type { Deployment } from "../deployment.js";
import type { SigningClient } from "../roles/allowance.js";
import { depositValidator } from "../validator/flow.js";

/** A validator key from a DKG: the group public key and the deposit data signed by a threshold of shares. */
export type ThresholdDeposit = {
  pubkey: Hex;
  signature: Hex;
  depositDataRoot: Hex;
  /** Parties, threshold and which shares signed the deposit. */
  threshold: number;
  parties: number;
  signers: readonly number[];
};

/**
 * Runs a `threshold`-of-`parties` DKG in this process (the parties talk through memory) and signs
 * the 32 ETH deposit for `withdrawalCredentials` with `threshold` partial signatures combined: the
 * validator key never exists whole. For devnets and demos; a real pool runs each party apart
 * (`mzku keys dkg`).
 */
export async function thresholdDeposit(options: {
  withdrawalCredentials: Hex;
  parties?: number;
  threshold?: number;
  /** Genesis fork version of the chain the deposit is for (default 0x00000000, mainnet's). */
  forkVersion?: Uint8Array;
}): Promise<ThresholdDeposit> {
  // Loaded on use: the BLS stack stays out of everything else that imports the devnet helpers.
  const signer = await import("@mzku/signer");
  const parties = options.parties ?? 3;
  const threshold = options.threshold ?? 2;
  const files = Array.from({ length: parties }, () => signer.generateIdentity());
  const definition = signer.parseDefinition({
    version: signer.DKG_VERSION,
    name: "devnet-pool",
    nonce: `0x${randomBytes(16).toString("hex")}`,
    threshold,
    validators: 1,
    parties: files.map((f, k) => ({ index: k + 1, identity: f.publicKey, url: `http://127.0.0.1:${9100 + k}` })),
  });
  const hub = new signer.MemoryHub();
  const results = await Promise.all(
    definition.parties.map((party) =>
      signer.runDkg({
        definition,
        index: party.index,
        identity: signer.loadIdentity(files[party.index - 1] as (typeof files)[number]),
        transport: hub.transport(party.index),
      }),
    ),
  );
  const keys = results.map((r) => {
    const key = r.validators[0];
    if (!key) throw new Error("DKG produced no validator key");
    return key;
  });
  const [first] = keys;
  if (!first) throw new Error("DKG produced no parties");
  const forkVersion = options.forkVersion ?? new Uint8Array(4);
  const message = {
    pubkey: first.groupPublicKey,
    withdrawalCredentials: Buffer.from(options.withdrawalCredentials.slice(2), "hex"),
    amountGwei: 32_000_000_000n,
  };
  const root = signer.depositSigningRoot(message, forkVersion);
  const signers = Array.from({ length: threshold }, (_, i) => i + 1);
  const { signature } = signer.combineVerifiedPartials({
    groupPublicKey: first.groupPublicKey,
    publicShares: new Map(first.publicShares.map((share, i) => [i + 1, share] as const)),
    threshold,
    message: root,
    partials: signers.map((index) => ({
      index,
      signature: signer.partialSign({ index, secret: (keys[index - 1] ?? first).secretShare }, root),
    })),
  });
  const deposit = signer.buildDepositData({ ...message, signature, forkVersion });
  return {
    pubkey: `0x${deposit.pubkey}`,
    signature: `0x${deposit.signature}`,
    depositDataRoot: `0x${deposit.deposit_data_root}`,
    threshold,
    parties,
    signers,
  };
}

/** Signs a 32-byte digest (a viem local account's `sign`): the pool factory's co-signer. */
export type DigestSigner = { sign: (parameters: { hash: Hex }) => Promise<Hex> };

/**
 * Registers `deposit` as `pool`'s validator key and activates the pool (32 ETH to the deposit
 * contract): the co-signer approves the key for the pool and, at the deposit contract's current root,
 * the activation (EIP-712 digests from the factory); the operator registers the key; anyone activates.
 */
export async function activateMicroPool(
  operator: SigningClient,
  deployment: Deployment,
  pool: Address,
  deposit: Pick<ThresholdDeposit, "pubkey" | "signature" | "depositDataRoot">,
  coSigner: DigestSigner,
): Promise<TransactionReceipt> {
  const { receipt } = await depositValidator(operator, {
    deployment,
    pool,
    deposit,
    coSign: (hash) => coSigner.sign({ hash }),
  });
  return receipt;
}

/** {@link thresholdDeposit} for `pool`'s withdrawal credentials, then {@link activateMicroPool}. */
export async function activateWithThresholdKey(
  operator: SigningClient,
  deployment: Deployment,
  pool: Address,
  coSigner: DigestSigner,
): Promise<{ deposit: ThresholdDeposit; receipt: TransactionReceipt }> {
  const withdrawalCredentials = await microPool.withdrawalCredentials(operator, { address: pool });
  const deposit = await thresholdDeposit({ withdrawalCredentials });
  const receipt = await activateMicroPool(operator, deployment, pool, deposit, coSigner);
  return { deposit, receipt };
}
