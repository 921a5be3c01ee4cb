import { governance, mzkuToken, rewardPool, StakeObserverStakeClass } from "@mzku/sdk";
import { advanceTime, bootstrapActions, passProposal, seatInvitedGovernors } from "@mzku/sdk/devnet";
import { zeroAddress } from "viem";

const E = 10n ** 18n;
const WEEK = 7n * 86_400n;

/** Reward Pool MZKU claim by a governor who has claimed before, in the middle of a period (3 h after
 *  its last claim would do as well: the period does not roll over in between), with the
 *  stake observers wired by the bootstrap proposal and one week's inflow streaming. */
export const rewardsClaim = {
  name: "rewards.claim",
  description: "claimMzku (Governor class) by a governor who claimed earlier; mid-period; stream running",
  async run({ deployment, contracts: c, wallet, testClient }) {
    const governors = [wallet(1), wallet(2), wallet(3)];
    await seatInvitedGovernors(deployment, governors);
    await passProposal(deployment, governors, testClient, bootstrapActions(deployment), "bootstrap");
    // Stakes are reported to the pool from now on; re-lock a little so the governors' positions exist.
    for (const g of governors) {
      await mzkuToken.approve(g, { address: c.MzkuToken, args: [c.Governance, E] });
      await governance.addStake(g, { address: c.Governance, args: [E] });
    }
    const funder = wallet(19);
    await mzkuToken.approve(funder, { address: c.MzkuToken, args: [c.RewardPool, 100_000n * E] });
    await rewardPool.depositMzku(funder, { address: c.RewardPool, args: [10_000n * E] });
    await advanceTime(testClient, wallet(0), WEEK + 1n); // the inflow streams over the next period
    await rewardPool.depositMzku(funder, { address: c.RewardPool, args: [10_000n * E] });
    await advanceTime(testClient, wallet(0), WEEK / 8n);
    const g = governors[0];
    const governorClass = [StakeObserverStakeClass.Governor, zeroAddress];
    await rewardPool.claimMzku(g, { address: c.RewardPool, args: governorClass });
    await advanceTime(testClient, wallet(0), WEEK / 8n);
    const receipt = await rewardPool.claimMzku(g, { address: c.RewardPool, args: governorClass });
    return { "gas.rewards.claim": receipt.gasUsed };
  },
};
