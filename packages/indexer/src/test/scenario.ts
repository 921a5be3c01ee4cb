// Test-only: the demo lifecycle on a test chain through the sdk — governors seated, the bootstrap
// proposal, three providers qualified (one trusted), a sealed-bid auction settled, a node started and
// the project completed through governance, sidecar stakes, a micro-pool with two stakers and an aETH
// transfer, then a Reward Pool period rolls over so a stream flows.
import {
  microPool,
  microPoolFactory,
  mzkuToken,
  nodeRegistry,
  projectMarket,
  projectMarketAbi,
  reputation,
  rewardPool,
  sidecarStaking,
} from "@mzku/sdk";
import {
  advanceTime,
  bootstrapActions,
  flatPricingActions,
  passProposal,
  qualifyActions,
  registerProvider,
  seatInvitedGovernors,
  trustTierAction,
} from "@mzku/sdk/devnet";
import { encodeFunctionData, type Hex, keccak256, parseEther, toHex } from "viem";
import type { TestChain } from "./chain.js";

export const E = 10n ** 18n;
export const TYPE = 2;
export const DAY = 86_400n;
export const resources = { cpuCores: 4, ramGb: 16, storageGb: 100, bandwidthMbps: 100 };
export const bidPrices = [60n * E, 70n * E, 75n * E];

export type ScenarioResult = {
  providerIds: bigint[];
  projectId: bigint;
  pool: Hex;
  sidecar: Hex;
};

async function mineTo(chain: TestChain, block: bigint): Promise<void> {
  const now = await chain.wallet(0).getBlockNumber();
  if (block > now) await chain.testClient.mine({ blocks: Number(block - now) });
}

/** Governance seated and bootstrapped, providers qualified, type 2 priced. */
export async function setupMarket(chain: TestChain): Promise<bigint[]> {
  const d = chain.deployment;
  const c = d.contracts;
  const governors = [chain.wallet(1), chain.wallet(2), chain.wallet(3)];
  await seatInvitedGovernors(d, governors);
  await passProposal(d, governors, chain.testClient, bootstrapActions(d), "bootstrap");
  const ids: bigint[] = [];
  for (const [i, w] of [chain.wallet(9), chain.wallet(10), chain.wallet(11)].entries()) {
    ids.push(await registerProvider(d, w, { brandName: `P${i + 1}`, priceCap: 10_000n * E }));
    await mzkuToken.approve(w, { address: c.MzkuToken, args: [c.ProjectMarket, 10_000n * E] });
    await projectMarket.depositBond(w, { address: c.ProjectMarket, args: [100n * E] });
  }
  await passProposal(
    d,
    governors,
    chain.testClient,
    [...qualifyActions(d, ids), ...flatPricingActions(d, TYPE, 100n * E), trustTierAction(d, ids[0] ?? 1n, 2, 0n)],
    "qualify three providers; price type 2; P1 trusted",
  );
  for (const id of ids) await reputation.refresh(chain.wallet(0), { address: c.Reputation, args: [id] });
  return ids;
}

/** A project through its sealed-bid auction: opened, three bids committed and revealed, settled. */
export async function runAuction(chain: TestChain): Promise<bigint> {
  const c = chain.deployment.contracts;
  const reader = chain.wallet(0);
  const requester = chain.wallet(12);
  const providers = [chain.wallet(9), chain.wallet(10), chain.wallet(11)];
  const [fp] = await import("@mzku/sdk").then(({ pricingPolicy }) =>
    pricingPolicy.quote(reader, { address: c.PricingPolicy, args: [resources, DAY, TYPE] }),
  );
  await mzkuToken.approve(requester, { address: c.MzkuToken, args: [c.ProjectMarket, fp] });
  await projectMarket.openProject(requester, { address: c.ProjectMarket, args: [resources, DAY, TYPE, fp] });
  const projectId = await projectMarket.projectCount(reader, { address: c.ProjectMarket });
  const salts = providers.map((w) => keccak256(toHex(`salt of ${w.account.address} ${projectId}`)));
  for (const [i, w] of providers.entries()) {
    const commitment = await projectMarket.commitmentOf(reader, {
      address: c.ProjectMarket,
      args: [bidPrices[i] ?? 0n, salts[i] ?? "0x", w.account.address, projectId],
    });
    await projectMarket.commit(w, { address: c.ProjectMarket, args: [projectId, commitment] });
  }
  const project = await projectMarket.getProject(reader, { address: c.ProjectMarket, args: [projectId] });
  await mineTo(chain, project.commitEndBlock);
  for (const [i, w] of providers.entries()) {
    await projectMarket.reveal(w, {
      address: c.ProjectMarket,
      args: [projectId, BigInt(i), bidPrices[i] ?? 0n, salts[i] ?? "0x"],
    });
  }
  await mineTo(chain, project.revealEndBlock);
  await projectMarket.settle(reader, { address: c.ProjectMarket, args: [projectId] });
  return projectId;
}

/** The whole lifecycle. */
export async function runScenario(chain: TestChain): Promise<ScenarioResult> {
  const d = chain.deployment;
  const c = d.contracts;
  const reader = chain.wallet(0);
  const governors = [chain.wallet(1), chain.wallet(2), chain.wallet(3)];
  const providerIds = await setupMarket(chain);
  const projectId = await runAuction(chain);

  // The winner (the lowest bid, P1) starts a node, runs the day and reports X; governance confirms.
  const settled = await projectMarket.getProject(reader, { address: c.ProjectMarket, args: [projectId] });
  const winner = [chain.wallet(9), chain.wallet(10), chain.wallet(11)].find(
    (w) => w.account.address.toLowerCase() === settled.winner.toLowerCase(),
  );
  if (!winner) throw new Error("no winner");
  const sidecar = chain.wallet(15).account.address;
  await nodeRegistry.registerNode(winner, { address: c.NodeRegistry, args: [sidecar, resources] });
  const nodeId = await nodeRegistry.nodeCount(reader, { address: c.NodeRegistry });
  await nodeRegistry.activateNode(winner, { address: c.NodeRegistry, args: [nodeId] });
  await projectMarket.startProject(winner, { address: c.ProjectMarket, args: [projectId, nodeId] });

  // Two stakers back the node's sidecar.
  for (const i of [13, 14]) {
    const w = chain.wallet(i);
    await mzkuToken.approve(w, { address: c.MzkuToken, args: [c.SidecarStaking, 1_000n * E] });
    await sidecarStaking.stake(w, { address: c.SidecarStaking, args: [sidecar, BigInt(i) * 10n * E] });
  }

  await advanceTime(chain.testClient, reader, DAY);
  const X = 300n * E;
  await mzkuToken.approve(winner, { address: c.MzkuToken, args: [c.ProjectMarket, X] });
  await projectMarket.submitCompletion(winner, { address: c.ProjectMarket, args: [projectId, X] });
  await passProposal(
    d,
    governors,
    chain.testClient,
    [
      {
        target: c.ProjectMarket,
        data: encodeFunctionData({ abi: projectMarketAbi, functionName: "confirmCompletion", args: [projectId, X] }),
      },
    ],
    `confirm project ${projectId}`,
  );

  // The trusted provider opens a micro-pool; two stakers stake 4 ETH each; one moves 1 aETH on.
  const trusted = chain.wallet(9);
  const { timestamp } = await reader.getBlock();
  await microPoolFactory.openPool(trusted, { address: c.MicroPoolFactory, args: [Number(timestamp + 365n * DAY)] });
  const count = await microPoolFactory.poolCount(reader, { address: c.MicroPoolFactory });
  const [pool] = await microPoolFactory.getPools(reader, { address: c.MicroPoolFactory, args: [count - 1n, 1n] });
  if (!pool) throw new Error("no pool listed");
  const poolFp = await microPool.fixedPrice(reader, { address: pool });
  for (const i of [4, 5]) {
    const s = chain.wallet(i);
    await mzkuToken.approve(s, { address: c.MzkuToken, args: [pool, poolFp] });
    await microPool.stake(s, { address: pool, value: parseEther("4") });
  }
  await microPool.transfer(chain.wallet(4), {
    address: pool,
    args: [chain.wallet(6).account.address, parseEther("1")],
  });
  // A Reward Pool period ends: the next one streams what came in (auction fees, the completion split),
  // so sidecar stakers have expected rewards.
  await advanceTime(chain.testClient, reader, 7n * DAY);
  await rewardPool.sync(reader, { address: c.RewardPool });
  return { providerIds, projectId, pool, sidecar };
}
