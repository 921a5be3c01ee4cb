import { rewardPool, StakeObserverStakeClass } from "@mzku/sdk";
import { at, roles, ZERO } from "./deployed.mjs";

/** Reward Pool claims in the steady state (rewards streaming). The governor claimed during the setup,
 *  so its snapshot is not a zero slot. Common: `claimMzku` (Governor class) in the middle of a period.
 *  Worst: the same claim as the first Reward Pool call after a period's end (the queue feeds the new
 *  period). Also a sidecar staker's claim of both assets from a sidecar without a project. */
export const rewardsClaim = {
  name: "rewards.claim",
  description:
    "claimMzku (Governor class) by a governor who claimed before: mid-period, and as the first call of a period; sidecar staker's claim (both assets)",
  async run(ctx) {
    const { contracts: c, wallet, state, testClient } = ctx;
    const g = wallet(roles.governors[0]);
    const governorClass = [StakeObserverStakeClass.Governor, ZERO];
    const { start, length } = state.period1;
    const snapshot = await testClient.snapshot();
    await at(ctx, start + length / 2n);
    const common = await rewardPool.claimMzku(g, { address: c.RewardPool, args: governorClass });
    await at(ctx, start + length / 2n + 60n);
    const sidecar = await rewardPool.claim(wallet(roles.stakerS1), {
      address: c.RewardPool,
      args: [StakeObserverStakeClass.Sidecar, state.nodes.S1.sidecar],
    });
    await testClient.revert({ id: snapshot });
    await at(ctx, start + length + 60n);
    const worst = await rewardPool.claimMzku(g, { address: c.RewardPool, args: governorClass });
    return {
      "gas.rewards.claim": common.gasUsed,
      "gas.rewards.claim_worst": worst.gasUsed,
      "gas.rewards.claim_sidecar": sidecar.gasUsed,
    };
  },
};
