// Every gas scenario, in the order they run. Each: { name, description, run(ctx) → { metric: gasUsed } }.
import { governanceProposal, providerApply, sidecarStake, sidecarStakeWithRewards } from "./foundation.mjs";
import { auction } from "./market.mjs";
import { pool } from "./micropool.mjs";
import { rewardsClaim } from "./pools.mjs";
import { tokenTransfer } from "./token.mjs";

export const scenarios = [
  tokenTransfer,
  providerApply,
  sidecarStake,
  sidecarStakeWithRewards,
  governanceProposal,
  auction,
  rewardsClaim,
  pool,
];
