// Every gas scenario, in the order they run. Each: { name, description, run(ctx) → { metric: gasUsed } }.
import { governanceProposal, providerApply, sidecarStake } from "./foundation.mjs";
import { tokenTransfer } from "./token.mjs";

export const scenarios = [tokenTransfer, providerApply, sidecarStake, governanceProposal];
