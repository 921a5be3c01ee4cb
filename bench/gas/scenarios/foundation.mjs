import {
  GovernanceParam,
  GovernanceSupport,
  governance,
  mzkuToken,
  nodeRegistry,
  proposals,
  providerRegistry,
  sidecarStaking,
} from "@mzku/sdk";
import { advanceTime, timelockSeconds } from "@mzku/sdk/devnet";
import { at, nodeResources, roles } from "./deployed.mjs";

const E = 10n ** 18n;
const capacity = { cpuCores: 16, ramGb: 64, storageGb: 8000, bandwidthMbps: 1000 };
const applicant = 54; // a dev account with no role in the steady state

/** Provider application by a newcomer while two providers are registered: 10-byte brand name and a
 *  66-byte metadata URI. Then its collateral: the first deposit (opens its Reward Pool position) and a
 *  later top-up, mid-period with rewards streaming. */
export const providerApply = {
  name: "provider.apply_collateral",
  description:
    "3rd provider applies (10-byte brand, 66-byte ipfs:// URI); first collateral deposit (new Reward Pool position) and a top-up, mid-period, streaming",
  async run(ctx) {
    const { contracts: c, wallet, state } = ctx;
    const w = wallet(applicant);
    await mzkuToken.transfer(wallet(0), { address: c.MzkuToken, args: [w.account.address, 20_000n * E] });
    const applied = await providerRegistry.applyAsProvider(w, {
      address: c.ProviderRegistry,
      args: ["Cirrus Lab", capacity, 1000n * E, `ipfs://${"b".repeat(59)}`],
    });
    await mzkuToken.approve(w, { address: c.MzkuToken, args: [c.ProviderRegistry, 10_000n * E] });
    const { start, length } = state.period1;
    await at(ctx, start + length / 2n);
    const first = await providerRegistry.depositCollateral(w, { address: c.ProviderRegistry, args: [5_000n * E] });
    await at(ctx, start + length / 2n + 3600n);
    const topUp = await providerRegistry.depositCollateral(w, { address: c.ProviderRegistry, args: [5_000n * E] });
    return {
      "gas.provider.apply": applied.gasUsed,
      "gas.provider.collateral_deposit": first.gasUsed,
      "gas.provider.collateral_topup": topUp.gasUsed,
    };
  },
};

/** The common sidecar stake: a staker who has never staked, to a sidecar that already has a staker
 *  and no project, in the middle of a period, rewards streaming in both assets; exact approval. */
export const sidecarStake = {
  name: "sidecar.stake",
  description: "new staker, sidecar S1 (has a staker, no project), mid-period, MZKU and ETH streaming; exact approval",
  async run(ctx) {
    const { contracts: c, wallet, state } = ctx;
    await mzkuToken.approve(wallet(roles.newStaker), { address: c.MzkuToken, args: [c.SidecarStaking, 100n * E] });
    await at(ctx, state.period1.start + state.period1.length / 2n);
    const receipt = await stakeApproved(ctx, state.nodes.S1.sidecar);
    return { "gas.sidecar.stake": receipt.gasUsed };
  },
};

const freshSidecar = 56; // a dev account with no role in the steady state: only its address is used

/** The first staker of a sidecar: provider A registers and activates a node on a fresh sidecar, then a
 *  new staker stakes to it mid-period. It opens the sidecar's Reward Pool slots, among them the
 *  vesting-boundary slot that the sidecar's project starts then update instead of create. */
export const sidecarStakeFirst = {
  name: "sidecar.stake_first",
  description: "new staker, first staker of a sidecar (node just registered by provider A), mid-period, streaming",
  async run(ctx) {
    const { contracts: c, wallet, state } = ctx;
    const provider = wallet(roles.providerA);
    const sidecar = wallet(freshSidecar).account.address;
    const { nodeId } = await nodeRegistry.registerNode(provider, {
      address: c.NodeRegistry,
      args: [sidecar, nodeResources],
    });
    await nodeRegistry.activateNode(provider, { address: c.NodeRegistry, args: [nodeId] });
    await mzkuToken.approve(wallet(roles.newStaker), { address: c.MzkuToken, args: [c.SidecarStaking, 100n * E] });
    await at(ctx, state.period1.start + state.period1.length / 2n);
    const receipt = await stakeApproved(ctx, sidecar);
    return { "gas.sidecar.stake_first": receipt.gasUsed };
  },
};

/** The worst sidecar stake: a new staker to the sidecar of a node running a project (its rewards vest
 *  at the project's end), in the first transaction after a period's end (the queue feeds the new
 *  period). */
export const sidecarStakeWorst = {
  name: "sidecar.stake_worst",
  description: "new staker, sidecar S2 (node running project 1), first Reward Pool call of a period",
  async run(ctx) {
    const { contracts: c, wallet, state } = ctx;
    await mzkuToken.approve(wallet(roles.newStaker), { address: c.MzkuToken, args: [c.SidecarStaking, 100n * E] });
    await at(ctx, state.period1.start + state.period1.length + 60n);
    const receipt = await stakeApproved(ctx, state.nodes.S2.sidecar);
    return { "gas.sidecar.stake_worst": receipt.gasUsed };
  },
};

async function stakeApproved(ctx, sidecar) {
  const { contracts: c, wallet } = ctx;
  return sidecarStaking.stake(wallet(roles.newStaker), { address: c.SidecarStaking, args: [sidecar, 100n * E] });
}

/** A parameter-change proposal among the 3 seated governors, after the bootstrap and the setup's
 *  proposals: propose, one governor's vote (not the last), and the execution after the delay. */
export const governanceProposal = {
  name: "governance.proposal",
  description: "3 seated governors; a later proposal; setParam(QuorumBps); the vote measured is the second",
  async run({ contracts, wallet, testClient }) {
    const governors = roles.governors.map(wallet);
    const gov = contracts.Governance;
    const { data } = proposals.governance.setParam({ address: gov, args: [GovernanceParam.QuorumBps, 6000n] });
    let measured;
    for (let k = 0; k < 2; k++) {
      const proposed = await governance.propose(governors[0], {
        address: gov,
        args: [[gov], [0n], [data], `quorum ${k}`],
      });
      const id = proposed.proposalId;
      const votes = [];
      for (const g of governors) {
        votes.push(await governance.castVote(g, { address: gov, args: [id, GovernanceSupport.For] }));
      }
      const wait = await timelockSeconds(governors[0], gov);
      await advanceTime(testClient, governors[0], wait + 1n);
      const executed = await governance.execute(governors[0], { address: gov, args: [id, [gov], [0n], [data]] });
      measured = { propose: proposed.gasUsed, vote: votes[1].gasUsed, execute: executed.gasUsed };
    }
    return {
      "gas.governance.propose": measured.propose,
      "gas.governance.vote": measured.vote,
      "gas.governance.execute": measured.execute,
    };
  },
};
