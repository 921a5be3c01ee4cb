import { type Address, type Client, encodeFunctionData, type Hex, type TestClient } from "viem";
import { getBlock } from "viem/actions";
import { governanceAbi, providerRegistryAbi, sidecarStakingAbi } from "../abis.js";
import { governance, mzkuToken } from "../actions/index.js";
import type { Deployment } from "../deployment.js";
import { MzkuError } from "../errors.js";
import { decodeProtocolEvents } from "../events.js";
import type { DevWallet } from "./accounts.js";

/** One call a proposal makes. */
export type ProposalAction = { target: Address; value?: bigint; data: Hex };

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
  const targets = actions.map((a) => a.target);
  const values = actions.map((a) => a.value ?? 0n);
  const calldatas = actions.map((a) => a.data);
  const receipt = await governance.propose(proposer, { address: gov, args: [targets, values, calldatas, description] });
  const created = decodeProtocolEvents(receipt.logs).find((e) => e.eventName === "ProposalCreated");
  if (!created || !("proposalId" in created.args))
    throw new MzkuError("DEVNET_FAILED", "propose emitted no ProposalCreated");
  const proposalId = created.args.proposalId as bigint;
  for (const wallet of governors) await governance.castVote(wallet, { address: gov, args: [proposalId, 1] });
  await advanceTime(testClient, proposer, (await timelockSeconds(proposer, gov)) + 1n);
  await governance.execute(proposer, { address: gov, args: [proposalId, targets, values, calldatas] });
  return proposalId;
}

/** Governance parameter indices (`Governance.Param`) the devnet steps read. */
const PARAM_VOTING_PERIOD = 3;
const PARAM_EXECUTION_DELAY = 4;

/** Seconds from a proposal's creation until it may be executed: voting period + execution delay. */
export async function timelockSeconds(client: Client, governanceAddress: Address): Promise<bigint> {
  const votingPeriod = await governance.param(client, { address: governanceAddress, args: [PARAM_VOTING_PERIOD] });
  const delay = await governance.param(client, { address: governanceAddress, args: [PARAM_EXECUTION_DELAY] });
  return votingPeriod + delay;
}

/** Devnet only: moves anvil's clock forward by `seconds` and mines a block. */
export async function advanceTime(testClient: TestClient, reader: Client, seconds: bigint): Promise<bigint> {
  await testClient.increaseTime({ seconds: Number(seconds) });
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
    {
      target: Governance,
      data: encodeFunctionData({ abi: governanceAbi, functionName: "setStakeObserver", args: [RewardPool] }),
    },
    {
      target: ProviderRegistry,
      data: encodeFunctionData({ abi: providerRegistryAbi, functionName: "setStakeObserver", args: [RewardPool] }),
    },
    {
      target: SidecarStaking,
      data: encodeFunctionData({ abi: sidecarStakingAbi, functionName: "setStakeObserver", args: [RewardPool] }),
    },
  ];
}
