import type { Address, Client, TestClient } from "viem";
import { getBlock } from "viem/actions";
import { governance, mzkuToken } from "../actions/index.js";
import type { Deployment } from "../deployment.js";
import { GovernanceParam, GovernanceSupport } from "../enums.js";
import { MzkuError } from "../errors.js";
import { type ProposalAction, proposalCalls } from "../proposal.js";
import * as proposals from "../proposals/index.js";
import type { DevWallet } from "./accounts.js";

export type { ProposalAction };

/**
 * Seats the invited Initialization governors: each approves and locks `minGovernorStake` MZKU with
 * `acceptInvitation`. Each wallet signs for itself; nobody else can seat a governor.
 */
export async function seatInvitedGovernors(deployment: Deployment, governors: readonly DevWallet[]): Promise<void> {
  const gov = deployment.contracts.Governance;
  const stake = await governance.minGovernorStake(governors[0] as Client, { address: gov });
  for (const wallet of governors) {
    await mzkuToken.approve(wallet, { address: deployment.contracts.MzkuToken, args: [gov, stake] });
    await governance.acceptInvitation(wallet, { address: gov, args: [stake] });
  }
}

/**
 * Devnet only: proposes `actions`, has every given governor vote For, moves anvil's clock past the
 * voting period and the execution delay, and executes. Returns the proposal id.
 */
export async function passProposal(
  deployment: Deployment,
  governors: readonly DevWallet[],
  testClient: TestClient,
  actions: readonly ProposalAction[],
  description: string,
): Promise<bigint> {
  const gov = deployment.contracts.Governance;
  const [proposer] = governors;
  if (!proposer) throw new MzkuError("DEVNET_FAILED", "passProposal: no governor wallets given");
  const { targets, values, calldatas } = proposalCalls(actions);
  const { proposalId } = await governance.propose(proposer, {
    address: gov,
    args: [targets, values, calldatas, description],
  });
  for (const wallet of governors) {
    await governance.castVote(wallet, { address: gov, args: [proposalId, GovernanceSupport.For] });
  }
  await advanceTime(testClient, proposer, (await timelockSeconds(proposer, gov)) + 1n);
  await governance.execute(proposer, { address: gov, args: [proposalId, targets, values, calldatas] });
  return proposalId;
}

/** Seconds from a proposal's creation until it may be executed: voting period + execution delay. */
export async function timelockSeconds(client: Client, governanceAddress: Address): Promise<bigint> {
  const address = governanceAddress;
  const votingPeriod = await governance.param(client, { address, args: [GovernanceParam.VotingPeriod] });
  const delay = await governance.param(client, { address, args: [GovernanceParam.ExecutionDelay] });
  return votingPeriod + delay;
}

/** Devnet only: mines a block `seconds` after the latest one (anvil's clock moves with it; this also
 *  works when anvil runs with a block timestamp interval, where `evm_increaseTime` has no effect). */
export async function advanceTime(testClient: TestClient, reader: Client, seconds: bigint): Promise<bigint> {
  const { timestamp } = await getBlock(reader);
  await testClient.setNextBlockTimestamp({ timestamp: timestamp + seconds });
  await testClient.mine({ blocks: 1 });
  return (await getBlock(reader)).timestamp;
}

/** Devnet only: sets anvil's clock to `timestamp` (next block) and mines a block. */
export async function advanceTimeTo(testClient: TestClient, timestamp: bigint): Promise<void> {
  await testClient.setNextBlockTimestamp({ timestamp });
  await testClient.mine({ blocks: 1 });
}

/**
 * The first proposal a fresh deployment needs: point the stake observers of Governance,
 * ProviderRegistry and SidecarStaking at the Reward Pool, so governor stakes, provider collateral and
 * sidecar stakes start earning (the deploy script cannot: only governance may set them).
 */
export function bootstrapActions(deployment: Deployment): ProposalAction[] {
  const { Governance, ProviderRegistry, SidecarStaking, RewardPool } = deployment.contracts;
  return [
    proposals.governance.setStakeObserver({ address: Governance, args: [RewardPool] }),
    proposals.providerRegistry.setStakeObserver({ address: ProviderRegistry, args: [RewardPool] }),
    proposals.sidecarStaking.setStakeObserver({ address: SidecarStaking, args: [RewardPool] }),
  ];
}
