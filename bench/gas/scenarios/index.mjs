// Every gas scenario, in the order they run. Each: { name, description, run(ctx) → { metric: gasUsed } },
// run from a snapshot of the steady state built by deployed.mjs (ctx.state holds its facts).
import {
  governanceProposal,
  providerApply,
  sidecarStake,
  sidecarStakeFirst,
  sidecarStakeWorst,
} from "./foundation.mjs";
import { auction, projectStart } from "./market.mjs";
import { pool } from "./micropool.mjs";
import { rewardsClaim } from "./pools.mjs";
import { tokenTransfer } from "./token.mjs";

export const scenarios = [
  tokenTransfer,
  providerApply,
  sidecarStake,
  sidecarStakeFirst,
  sidecarStakeWorst,
  rewardsClaim,
  projectStart,
  governanceProposal,
  auction,
  pool,
];
