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
import {
  advanceTime,
  bootstrapActions,
  passProposal,
  qualifyActions,
  registerProvider,
  seatInvitedGovernors,
  timelockSeconds,
} from "@mzku/sdk/devnet";

const E = 10n ** 18n;
const capacity = { cpuCores: 16, ramGb: 64, storageGb: 8000, bandwidthMbps: 1000 };

/** Provider application: the second provider ever (the registry's counter is warm), a 10-byte brand
 *  name and a 66-byte metadata URI. */
export const providerApply = {
  name: "provider.apply",
  description: "applyAsProvider by the second provider ever; 10-byte brand, 66-byte ipfs:// URI",
  async run({ contracts, wallet }) {
    const args = (brand) => [brand, capacity, 1000n * E, `ipfs://${"b".repeat(59)}`];
    await providerRegistry.applyAsProvider(wallet(9), {
      address: contracts.ProviderRegistry,
      args: args("FirstNodes"),
    });
    const receipt = await providerRegistry.applyAsProvider(wallet(10), {
      address: contracts.ProviderRegistry,
      args: args("Acme Nodes"),
    });
    return { "gas.provider.apply": receipt.gasUsed };
  },
};

/** MZKU stake to a sidecar by a staker who has never staked (the sidecar already has one staker). */
export const sidecarStake = {
  name: "sidecar.stake",
  description: "stake by a new staker to a sidecar that already has stake; exact (not infinite) approval",
  async run(ctx) {
    const { contracts, wallet } = ctx;
    const reader = wallet(0);
    const sidecar = await qualifiedProviderWithNode(ctx);
    const stakeBy = async (i) => {
      await mzkuToken.approve(wallet(i), { address: contracts.MzkuToken, args: [contracts.SidecarStaking, 100n * E] });
      return sidecarStaking.stake(wallet(i), { address: contracts.SidecarStaking, args: [sidecar, 100n * E] });
    };
    await stakeBy(11);
    const receipt = await stakeBy(12);
    if (
      (await sidecarStaking.totalStakedTo(reader, { address: contracts.SidecarStaking, args: [sidecar] })) !==
      200n * E
    ) {
      throw new Error("sidecar.stake: stake not recorded");
    }
    return { "gas.sidecar.stake": receipt.gasUsed };
  },
};

/** A parameter-change proposal among 3 seated governors, after an earlier proposal: propose, one
 *  governor's vote (not the last), and the execution after the delay. */
export const governanceProposal = {
  name: "governance.proposal",
  description: "3 seated governors; second proposal ever; setParam(QuorumBps); the vote measured is the second",
  async run({ deployment, contracts, wallet, testClient }) {
    const governors = [wallet(1), wallet(2), wallet(3)];
    await seatInvitedGovernors(deployment, governors);
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

/** Seats the governors, has a provider apply, get qualified, post Pmin collateral and register a node;
 *  returns the node's sidecar address. */
export async function qualifiedProviderWithNode({ contracts, wallet, testClient, deployment }) {
  const governors = [wallet(1), wallet(2), wallet(3)];
  const reader = wallet(0);
  if ((await governance.governorCount(reader, { address: contracts.Governance })) === 0n) {
    await seatInvitedGovernors(deployment, governors);
  }
  const id = await registerProvider(deployment, wallet(9), { brandName: "Acme Nodes" });
  await passProposal(deployment, governors, testClient, qualifyActions(deployment, [id]), "qualify");
  const provider = wallet(9);
  const sidecar = wallet(15).account.address;
  await nodeRegistry.registerNode(provider, {
    address: contracts.NodeRegistry,
    args: [sidecar, { cpuCores: 4, ramGb: 16, storageGb: 2000, bandwidthMbps: 25 }],
  });
  return sidecar;
}

/** Same as sidecar.stake, after the bootstrap proposal made the Reward Pool the stake observer: the
 *  stake also opens the staker's reward position (what a staker pays once rewards are wired). */
export const sidecarStakeWithRewards = {
  name: "sidecar.stake_with_rewards",
  description: "as sidecar.stake, with the Reward Pool wired as stake observer",
  async run(ctx) {
    const { contracts, wallet, testClient, deployment } = ctx;
    const sidecar = await qualifiedProviderWithNode(ctx);
    await passProposal(
      deployment,
      [wallet(1), wallet(2), wallet(3)],
      testClient,
      bootstrapActions(deployment),
      "bootstrap",
    );
    const stakeBy = async (i) => {
      await mzkuToken.approve(wallet(i), { address: contracts.MzkuToken, args: [contracts.SidecarStaking, 100n * E] });
      return sidecarStaking.stake(wallet(i), { address: contracts.SidecarStaking, args: [sidecar, 100n * E] });
    };
    await stakeBy(11);
    const receipt = await stakeBy(12);
    return { "gas.sidecar.stake_with_rewards": receipt.gasUsed };
  },
};
