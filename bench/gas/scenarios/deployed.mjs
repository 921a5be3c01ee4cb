// The protocol as `mzku devnet` leaves it, brought to a steady state with rewards streaming. Built
// once per gas run; every scenario starts from an anvil snapshot of it (see ../run.mjs).
import {
  governance,
  mzkuToken,
  nodeRegistry,
  projectMarket,
  rewardPool,
  StakeObserverStakeClass,
  sidecarStaking,
} from "@mzku/sdk";
import {
  bootstrapActions,
  flatPricingActions,
  passProposal,
  qualifyActions,
  registerProvider,
  seatInvitedGovernors,
} from "@mzku/sdk/devnet";
import { keccak256, parseEther, toHex } from "viem";

const E = 10n ** 18n;
export const PROJECT_TYPE = 2;
export const PROJECT_DAYS = 30;
export const projectResources = { cpuCores: 4, ramGb: 16, storageGb: 100, bandwidthMbps: 100 };
export const nodeResources = { cpuCores: 4, ramGb: 16, storageGb: 2000, bandwidthMbps: 100 };

/** Who is who in the steady state (dev account indexes; anvil runs with 60 accounts). */
export const roles = {
  governors: [1, 2, 3], // the devnet config's invited governors, seated as `mzku devnet` does
  providerA: 9, // qualified, collateral, node on sidecar S1 (no project)
  providerB: 10, // qualified, collateral, node on S2 running project 1, idle node on S3
  stakerS1: 11,
  stakerS2: 13,
  stakerS3: 16,
  requester: 14, // opened project 1 (running on S2)
  funder: 19, // pays the Reward Pool's inflows (stands for the protocol's fee flows)
  newStaker: 12, // a staker who has never staked: measured by the sidecar scenarios
  sidecars: { S1: 15, S2: 17, S3: 18 }, // sidecar addresses (their keys are not used)
};

/**
 * Deploys nothing (ctx.deployment is fresh from the deploy script); does what `mzku devnet` does
 * after the deploy (seat the invited governors, pass the bootstrap proposal that wires the stake
 * observers to the Reward Pool), then brings the protocol to a steady state: governors, providers
 * (collateral), sidecar stakers and a requester with a running project all hold Reward Pool
 * positions; period 0's inflow (10,000 MZKU + 10 ETH) streams in period 1 and period 1's inflow is
 * queued for period 2. Ends inside period 1, 4 hours after its start plus the setup's blocks.
 * Returns the facts the scenarios need.
 */
export async function steadyState(ctx) {
  const { deployment, contracts: c, wallet, testClient } = ctx;
  const reader = wallet(0);
  const governors = roles.governors.map(wallet);
  await seatInvitedGovernors(deployment, governors);
  await passProposal(deployment, governors, testClient, bootstrapActions(deployment), "bootstrap");
  // Governors seated before the bootstrap have no position yet (protocol v2 issue): a re-lock opens it.
  for (const g of governors) {
    await mzkuToken.approve(g, { address: c.MzkuToken, args: [c.Governance, E] });
    await governance.addStake(g, { address: c.Governance, args: [E] });
  }
  const idA = await registerProvider(deployment, wallet(roles.providerA), { brandName: "Acme Nodes" });
  const idB = await registerProvider(deployment, wallet(roles.providerB), { brandName: "Bolt Nodes" });
  await passProposal(
    deployment,
    governors,
    testClient,
    [...qualifyActions(deployment, [idA, idB]), ...flatPricingActions(deployment, PROJECT_TYPE, 100n * E)],
    "qualify A and B; price type 2",
  );
  const nodes = {};
  for (const [name, provider] of [
    ["S1", roles.providerA],
    ["S2", roles.providerB],
    ["S3", roles.providerB],
  ]) {
    const sidecar = wallet(roles.sidecars[name]).account.address;
    const { nodeId } = await nodeRegistry.registerNode(wallet(provider), {
      address: c.NodeRegistry,
      args: [sidecar, nodeResources],
    });
    await nodeRegistry.activateNode(wallet(provider), { address: c.NodeRegistry, args: [nodeId] });
    nodes[name] = { sidecar, nodeId };
  }
  for (const [name, staker] of [
    ["S1", roles.stakerS1],
    ["S2", roles.stakerS2],
    ["S3", roles.stakerS3],
  ]) {
    await stake(ctx, staker, nodes[name].sidecar, 100n * E);
  }

  // Period 0's inflow, streamed in period 1.
  const funder = wallet(roles.funder);
  await mzkuToken.approve(funder, { address: c.MzkuToken, args: [c.RewardPool, 100_000n * E] });
  await rewardPool.depositMzku(funder, { address: c.RewardPool, args: [10_000n * E] });
  await rewardPool.depositEth(funder, { address: c.RewardPool, value: parseEther("10") });
  const { start, length } = await periodOf(ctx);
  // Period 1 starts with the keeper's sync (the first call after the end of period 0).
  await at(ctx, start + length + 4n * 3600n);
  await rewardPool.sync(reader, { address: c.RewardPool });
  await rewardPool.depositMzku(funder, { address: c.RewardPool, args: [10_000n * E] });
  await rewardPool.depositEth(funder, { address: c.RewardPool, value: parseEther("10") });

  // Project 1: requester opens, provider B wins the auction and starts it on S2.
  const projectId = await runAuction(ctx, roles.providerB);
  await projectMarket.startProject(wallet(roles.providerB), {
    address: c.ProjectMarket,
    args: [projectId, nodes.S2.nodeId],
  });
  // Everyone has claimed once (their snapshots are not zero slots any more).
  for (const g of governors) {
    await rewardPool.claimMzku(g, { address: c.RewardPool, args: [StakeObserverStakeClass.Governor, ZERO] });
  }
  const period1 = await periodOf(ctx);
  return { nodes, providerIds: { A: idA, B: idB }, period1, projectId };
}

export const ZERO = "0x0000000000000000000000000000000000000000";

/** The current stored period of the Reward Pool. */
export async function periodOf({ contracts: c, wallet }) {
  const [index, start, length] = await rewardPool.period(wallet(0), { address: c.RewardPool });
  return { index, start, length };
}

/** The next transaction sent is mined at timestamp `t`. An empty block is mined at t - 1 first, so the
 *  sdk's simulation of that transaction (against the latest block) sees the same state. */
export async function at({ testClient }, t) {
  await testClient.setNextBlockTimestamp({ timestamp: t - 1n });
  await testClient.mine({ blocks: 1 });
  await testClient.setNextBlockTimestamp({ timestamp: t });
}

/** Approves exactly `amount` and stakes it to `sidecar`. */
export async function stake({ contracts: c, wallet }, i, sidecar, amount) {
  await mzkuToken.approve(wallet(i), { address: c.MzkuToken, args: [c.SidecarStaking, amount] });
  return sidecarStaking.stake(wallet(i), { address: c.SidecarStaking, args: [sidecar, amount] });
}

/** `requester` opens a 30-day project of type 2; `provider` (qualified, bond deposited here) is the
 *  only bidder at 60 MZKU; settles. Returns the project id (status Assigned, winner `provider`). */
export async function runAuction(ctx, provider, requesterIndex = roles.requester) {
  const { contracts: c, wallet, testClient } = ctx;
  const reader = wallet(0);
  const requester = wallet(requesterIndex);
  const bidder = wallet(provider);
  await mzkuToken.approve(requester, { address: c.MzkuToken, args: [c.ProjectMarket, 10_000n * E] });
  const { projectId } = await projectMarket.openProject(requester, {
    address: c.ProjectMarket,
    args: [projectResources, BigInt(PROJECT_DAYS * 86_400), PROJECT_TYPE, 10_000n * E],
  });
  await mzkuToken.approve(bidder, { address: c.MzkuToken, args: [c.ProjectMarket, 1_000n * E] });
  await projectMarket.depositBond(bidder, { address: c.ProjectMarket, args: [1_000n * E] });
  const price = 60n * E;
  const salt = keccak256(toHex(`bench ${projectId}`));
  const commitment = await projectMarket.commitmentOf(reader, {
    address: c.ProjectMarket,
    args: [price, salt, bidder.account.address, projectId],
  });
  await projectMarket.commit(bidder, { address: c.ProjectMarket, args: [projectId, commitment] });
  const index = 0n; // the only bid
  const project = await projectMarket.getProject(reader, { address: c.ProjectMarket, args: [projectId] });
  await mineTo(reader, testClient, project.commitEndBlock);
  await projectMarket.reveal(bidder, { address: c.ProjectMarket, args: [projectId, index, price, salt] });
  await mineTo(reader, testClient, project.revealEndBlock);
  await projectMarket.settle(reader, { address: c.ProjectMarket, args: [projectId] });
  return projectId;
}

export async function mineTo(reader, testClient, block) {
  const now = await reader.getBlockNumber({ cacheTime: 0 });
  if (block > now) await testClient.mine({ blocks: Number(block - now) });
}
