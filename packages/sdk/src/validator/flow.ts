/**
 * The one validator flow [3.2, 3.4.2, 3.4.7], one function per step (docs/marketplace.md, "Validator
 * projects"): a requester asks the market for an Ethereum validator and pays FP (`requestValidator`);
 * the sealed-bid auction picks the provider (`projectMarket.commit` / `reveal` / `settle`); the winner
 * opens the project's micro-pool with its k ETH (`openValidatorPool`); the requester's 32 − k (or
 * micro-investors) fill it (`fillValidatorPool`); the validator key is made by a DKG between the
 * winner's signer and the platform co-signers (`runValidatorDkg` in `@mzku/sdk/node`); the deposit goes
 * out with the co-signer's approvals (`depositValidator`); the winner starts the project on its node
 * (`startValidatorProject`); once the pool has completed, anyone ends the project from what the pool
 * observed (`completeValidatorProject`). Browser-safe: no Node imports.
 */
import { type Address, type Client, type Hex, keccak256, type TransactionReceipt } from "viem";
import { getBlock } from "viem/actions";
import { depositContract, microPool, microPoolFactory, projectMarket, providerRegistry } from "../actions/index.js";
import type { Deployment } from "../deployment.js";
import { MzkuError } from "../errors.js";
import { decodeEvents, findEvent } from "../events.js";
import type { SigningClient } from "../roles/allowance.js";
import { type RequestedProject, requestProject } from "../roles/requester.js";

/** Project type of an Ethereum validator in the PricingPolicy and the market. */
export const VALIDATOR_PROJECT_TYPE = 0;
const VALIDATOR_ETH = 32n * 10n ** 18n;

/** Deposit data of a validator key, as `runValidatorDkg` (or `mzku-signer keys dkg`) produces it. */
export type ValidatorDepositData = {
  /** 48-byte BLS public key (the group key of the DKG). */
  pubkey: Hex;
  /** 96-byte BLS signature of the deposit message (combined from threshold partials). */
  signature: Hex;
  /** SSZ root of the DepositData with the pool's withdrawal credentials and 32 ETH. */
  depositDataRoot: Hex;
};

/**
 * The platform co-signer's EIP-712 approvals, signed by the co-signer service (not the operator): the
 * key is a threshold key whose shares the co-signers hold, and no deposit exists for it at `depositRoot`.
 */
export type ValidatorCoSigner = (digest: Hex) => Promise<Hex>;

/**
 * The requester asks the market for a validator running `duration` seconds: a type-0 project for the
 * governance-set validator resources (`requestProject`: quote, allowance, auction). `maxFixedPrice`
 * defaults to the quote (the call reverts if the policy changed in between).
 */
export async function requestValidator(
  requester: SigningClient,
  { deployment, duration, maxFixedPrice }: { deployment: Deployment; duration: bigint; maxFixedPrice?: bigint },
): Promise<RequestedProject> {
  const [cpuCores, ramGb, storageGb, bandwidthMbps] = await microPoolFactory.validatorResources(requester, {
    address: deployment.contracts.MicroPoolFactory,
  });
  return requestProject(requester, deployment, {
    resources: { cpuCores, ramGb, storageGb, bandwidthMbps },
    duration,
    projectType: VALIDATOR_PROJECT_TYPE,
    ...(maxFixedPrice === undefined ? {} : { maxFixedPrice }),
  });
}

/**
 * The auction's winner opens the project's micro-pool with `value` ETH (default: its k, the least the
 * registry accepts). Returns the pool (its own aETH token and withdrawal address) and its id.
 */
export async function openValidatorPool(
  winner: Client,
  { deployment, projectId, value }: { deployment: Deployment; projectId: bigint; value?: bigint },
): Promise<{ pool: Address; poolId: bigint; receipt: TransactionReceipt }> {
  const c = deployment.contracts;
  let eth = value;
  if (eth === undefined) {
    const project = await projectMarket.getProject(winner, { address: c.ProjectMarket, args: [projectId] });
    eth = await providerRegistry.ethShareOf(winner, { address: c.ProviderRegistry, args: [project.providerId] });
  }
  const { pool, poolId, ...receipt } = await microPoolFactory.openValidatorPool(winner, {
    address: c.MicroPoolFactory,
    args: [projectId],
    value: eth,
  });
  return { pool, poolId, receipt };
}

/**
 * Stakes what the pool still needs (32 ETH − the provider's ETH − aETH already staked), or `value` if
 * given: the requester's 32 − k, or a micro-investor's part. A validator project's pool charges no MZKU
 * fee (the requester paid FP in the market). Returns the ETH staked (= aETH minted).
 */
export async function fillValidatorPool(
  staker: Client,
  { pool, value }: { pool: Address; value?: bigint },
): Promise<{ staked: bigint; receipt: TransactionReceipt }> {
  const staked = value ?? (await roomOf(staker, pool));
  const receipt = await microPool.stake(staker, { address: pool, value: staked });
  return { staked, receipt };
}

/**
 * The deposit: the operator registers the threshold key's deposit data with the co-signer's `DepositKey`
 * approval (unless the pool holds it already), then the pool deposits 32 ETH with the co-signer's `Activation` approval at the deposit
 * contract's current root (any earlier deposit for the key changes the root and the activation fails).
 */
export async function depositValidator(
  operator: Client,
  {
    deployment,
    pool,
    deposit,
    coSign,
  }: { deployment: Deployment; pool: Address; deposit: ValidatorDepositData; coSign: ValidatorCoSigner },
): Promise<{ depositRoot: Hex; receipt: TransactionReceipt }> {
  const c = deployment.contracts;
  const pubkeyHash = keccak256(deposit.pubkey);
  // A second run after a failed activation finds the key registered already and only activates.
  if ((await microPool.depositDataRoot(operator, { address: pool })) !== deposit.depositDataRoot) {
    const keyDigest = await microPoolFactory.depositKeyDigest(operator, {
      address: c.MicroPoolFactory,
      args: [pool, pubkeyHash, deposit.depositDataRoot],
    });
    await microPool.setDepositData(operator, {
      address: pool,
      args: [deposit.pubkey, deposit.signature, deposit.depositDataRoot, await coSign(keyDigest)],
    });
  }
  const depositRoot = await depositContract.get_deposit_root(operator, { address: c.DepositContract });
  const activationDigest = await microPoolFactory.activationDigest(operator, {
    address: c.MicroPoolFactory,
    args: [pool, pubkeyHash, depositRoot],
  });
  const receipt = await microPool.activate(operator, {
    address: pool,
    args: [deposit.pubkey, deposit.signature, depositRoot, await coSign(activationDigest)],
  });
  return { depositRoot, receipt };
}

/**
 * The winner starts the project on its active node once the pool's deposit went out: the node is locked
 * to the project and carries the pool's 32 ETH (`stakedEth`).
 */
export async function startValidatorProject(
  winner: Client,
  { deployment, projectId, nodeId }: { deployment: Deployment; projectId: bigint; nodeId: bigint },
): Promise<{ startedAt: bigint; receipt: TransactionReceipt }> {
  const receipt = await projectMarket.startProject(winner, {
    address: deployment.contracts.ProjectMarket,
    args: [projectId, nodeId],
  });
  const { timestamp } = await getBlock(winner, { blockNumber: receipt.blockNumber });
  return { startedAt: timestamp, receipt };
}

/** How a validator project ended (`completeValidatorProject`). */
export type ValidatorProjectOutcome = {
  /** Completed: FP split (provider its price, pools FP·r each, requester the rest). Failed: FP refunded. */
  status: "Completed" | "Failed";
  /** X as the pool observed it: the ETH rewards it split. */
  ethRewards: bigint;
  /** Principal the pool lost (0 if none). */
  ethLoss: bigint;
  /** MZKU owed to the requester from the provider's reserved collateral (0 when completed). */
  penalty: bigint;
  /** MZKU actually slashed from the collateral (≤ the reservation). */
  slashed: bigint;
  receipt: TransactionReceipt;
};

/** Anyone ends a running validator project once its pool has completed: X comes from the pool. */
export async function completeValidatorProject(
  caller: Client,
  { deployment, projectId }: { deployment: Deployment; projectId: bigint },
): Promise<ValidatorProjectOutcome> {
  const address = deployment.contracts.ProjectMarket;
  const receipt = await projectMarket.completeValidatorProject(caller, { address, args: [projectId] });
  const events = decodeEvents(receipt.logs, { ProjectMarket: address });
  const settled = findEvent(events, "ProjectMarket", "ValidatorProjectSettled");
  if (!settled) {
    throw new MzkuError("EVENT_NOT_FOUND", "completeValidatorProject: no ValidatorProjectSettled in the receipt");
  }
  const failed = findEvent(events, "ProjectMarket", "ProjectFailed");
  return {
    status: failed ? "Failed" : "Completed",
    ethRewards: settled.args.ethRewards,
    ethLoss: settled.args.ethLoss,
    penalty: settled.args.penalty,
    slashed: failed?.args.slashed ?? 0n,
    receipt,
  };
}

async function roomOf(client: Client, pool: Address): Promise<bigint> {
  const [providerEth, supply] = await Promise.all([
    microPool.providerEth(client, { address: pool }),
    microPool.totalSupply(client, { address: pool }),
  ]);
  return VALIDATOR_ETH - providerEth - supply;
}
