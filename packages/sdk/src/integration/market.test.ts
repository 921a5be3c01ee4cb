// The seed's worked example [3.4.7, 3.5] through the sdk on a real anvil, deployed by the production
// deploy script, with governance qualifying the providers, setting the price and confirming the profit:
// FP 100, bids 60 / 70 / 75, X 300 → P1 wins and gets 60, Reward Pool 40, Insurance Pool 40, requester 260.
import { type Hex, keccak256, toHex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mzkuToken, nodeRegistry, projectMarket, reputation } from "../actions/index.js";
import type { DevWallet } from "../devnet/accounts.js";
import { advanceTime, passProposal, seatInvitedGovernors } from "../devnet/governance.js";
import { flatPricingActions, qualifyActions, registerProvider } from "../devnet/providers.js";
import { recomputeDrawFromChain } from "../market/recomputeDrawFromChain.js";
import * as proposals from "../proposals/index.js";
import { startTestProtocol, type TestProtocol } from "../test/protocol.js";

const E = 10n ** 18n;
const TYPE = 2; // a plain (non-validator) project type
const DAY = 86_400n;
const resources = { cpuCores: 4, ramGb: 16, storageGb: 100, bandwidthMbps: 100 };

describe("marketplace worked example through the sdk", () => {
  let p: TestProtocol;
  beforeAll(async () => {
    p = await startTestProtocol();
  });
  afterAll(async () => p?.stop());

  it("FP 100, bids 60/70/75, X 300 → provider 60, Reward Pool 40, Insurance Pool 40, requester 260", async () => {
    const c = p.deployment.contracts;
    const reader = p.wallet(0);
    const governors = [p.wallet(1), p.wallet(2), p.wallet(3)];
    const providers = [p.wallet(9), p.wallet(10), p.wallet(11)] as const;
    const requester = p.wallet(12);
    const balance = (who: `0x${string}`) => mzkuToken.balanceOf(reader, { address: c.MzkuToken, args: [who] });
    await seatInvitedGovernors(p.deployment, governors);

    // Providers apply, post Pmin collateral and a bid bond; governance qualifies them and prices type 2
    // at a flat 100 MZKU per day.
    const ids: bigint[] = [];
    for (const [i, w] of providers.entries()) {
      ids.push(await registerProvider(p.deployment, w, { brandName: `P${i + 1}` }));
      await mzkuToken.approve(w, { address: c.MzkuToken, args: [c.ProjectMarket, 10_000n * E] });
      await projectMarket.depositBond(w, { address: c.ProjectMarket, args: [100n * E] });
    }
    await passProposal(
      p.deployment,
      governors,
      p.testClient,
      [...qualifyActions(p.deployment, ids), ...flatPricingActions(p.deployment, TYPE, 100n * E)],
      "qualify three providers; price type 2",
    );
    for (const id of ids) await reputation.refresh(reader, { address: c.Reputation, args: [id] });

    // The requester sees the quote and the provider list, then opens the project paying FP.
    const [fp] = await pricingPolicy(reader, c.PricingPolicy);
    expect(fp).toBe(100n * E);
    const requesterBefore = await balance(requester.account.address);
    await mzkuToken.approve(requester, { address: c.MzkuToken, args: [c.ProjectMarket, fp] });
    const fromBlock = await reader.getBlockNumber();
    const { projectId } = await projectMarket.openProject(requester, {
      address: c.ProjectMarket,
      args: [resources, DAY, TYPE, fp],
    });
    expect(projectId).toBe(1n);

    // Sealed bids: commit, then reveal, then anyone settles.
    const bids = [60n * E, 70n * E, 75n * E];
    const salts: Hex[] = providers.map((w) => keccak256(toHex(`salt of ${w.account.address}`)));
    for (const [i, w] of providers.entries()) {
      const commitment = await projectMarket.commitmentOf(reader, {
        address: c.ProjectMarket,
        args: [bids[i] ?? 0n, salts[i] ?? "0x", w.account.address, projectId],
      });
      await projectMarket.commit(w, { address: c.ProjectMarket, args: [projectId, commitment] });
    }
    const project = await projectMarket.getProject(reader, { address: c.ProjectMarket, args: [projectId] });
    await mineTo(p, project.commitEndBlock);
    for (const [i, w] of providers.entries()) {
      await projectMarket.reveal(w, {
        address: c.ProjectMarket,
        args: [projectId, BigInt(i), bids[i] ?? 0n, salts[i] ?? "0x"],
      });
    }
    await mineTo(p, project.revealEndBlock);
    await projectMarket.settle(reader, { address: c.ProjectMarket, args: [projectId] });
    const settled = await projectMarket.getProject(reader, { address: c.ProjectMarket, args: [projectId] });
    expect(settled.winner).toBe(providers[0].account.address);
    expect(settled.price).toBe(60n * E);

    // Anyone recomputes the draw from the events and gets the contract's winner.
    const draw = await recomputeDrawFromChain(reader, { market: c.ProjectMarket, projectId, fromBlock });
    expect(draw.winner).toBe(draw.settledWinner);
    expect(draw.price).toBe(60n * E);

    // P1 starts a node, runs the day, reports X = 300 (escrowing it); governance confirms.
    const p1 = providers[0];
    const sidecar = p.wallet(15).account.address;
    await nodeRegistry.registerNode(p1, { address: c.NodeRegistry, args: [sidecar, resources] });
    await nodeRegistry.activateNode(p1, { address: c.NodeRegistry, args: [1n] });
    await projectMarket.startProject(p1, { address: c.ProjectMarket, args: [projectId, 1n] });
    await advanceTime(p.testClient, reader, DAY);
    const X = 300n * E;
    await mzkuToken.approve(p1, { address: c.MzkuToken, args: [c.ProjectMarket, X] });
    await projectMarket.submitCompletion(p1, { address: c.ProjectMarket, args: [projectId, X] });
    const p1Before = await balance(p1.account.address);
    const rewardBefore = await balance(c.RewardPool);
    const insuranceBefore = await balance(c.InsurancePool);
    await passProposal(
      p.deployment,
      governors,
      p.testClient,
      [proposals.projectMarket.confirmCompletion({ address: c.ProjectMarket, args: [projectId, X] })],
      "confirm project 1: X = 300",
    );
    expect(await balance(p1.account.address), "provider gets its bid").toBe(p1Before + 60n * E);
    expect(await balance(c.RewardPool), "Reward Pool (X + FP) × 10%").toBe(rewardBefore + 40n * E);
    expect(await balance(c.InsurancePool), "Insurance Pool (X + FP) × 10%").toBe(insuranceBefore + 40n * E);
    expect(await balance(requester.account.address), "requester: paid 100, gets 260").toBe(
      requesterBefore - fp + 260n * E,
    );
  });
});

async function pricingPolicy(reader: DevWallet, address: `0x${string}`): Promise<readonly [bigint, bigint]> {
  const { pricingPolicy: policy } = await import("../actions/index.js");
  return policy.quote(reader, { address, args: [resources, DAY, TYPE] });
}

async function mineTo(p: TestProtocol, block: bigint): Promise<void> {
  const now = await p.wallet(0).getBlockNumber();
  if (block > now) await p.testClient.mine({ blocks: Number(block - now) });
}
