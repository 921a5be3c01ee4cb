import type { Address, Client } from "viem";
import { projectMarket } from "../actions/index.js";
import { MzkuError } from "../errors.js";
import { eventsNamed, getEvents } from "../events.js";
import { type BidEvaluation, type DrawResult, type RevealedBid, recomputeDraw } from "./draw.js";

/**
 * Recomputes the winner of a settled auction from the chain alone: the project's snapshotted
 * parameters (`getProject`) and its `BidRevealed`, `BidEvaluated` and `AuctionSettled` events. Anyone
 * can run it to check that `settle` drew the winner it should have (docs/marketplace.md).
 */
export async function recomputeDrawFromChain(
  client: Client,
  parameters: { market: Address; projectId: bigint; fromBlock: bigint },
): Promise<DrawResult & { settledWinner: Address }> {
  const { market, projectId, fromBlock } = parameters;
  const project = await projectMarket.getProject(client, { address: market, args: [projectId] });
  const events = await getEvents(client, { contracts: { ProjectMarket: market }, fromBlock });
  const reveals: RevealedBid[] = eventsNamed(events, "ProjectMarket", "BidRevealed")
    .filter((e) => e.args.projectId === projectId)
    .map(({ args: { index, bidder, price, salt } }) => ({ index: Number(index), bidder, price, salt }));
  const evaluations: BidEvaluation[] = eventsNamed(events, "ProjectMarket", "BidEvaluated")
    .filter((e) => e.args.projectId === projectId)
    .map(({ args: { index, providerId, eligible, weight } }) => ({
      index: Number(index),
      providerId,
      eligible,
      weight,
    }));
  const settled = eventsNamed(events, "ProjectMarket", "AuctionSettled").find((e) => e.args.projectId === projectId);
  if (settled === undefined) {
    throw new MzkuError(
      "EVENT_NOT_FOUND",
      `project ${projectId} has no AuctionSettled event since block ${fromBlock}`,
      {
        details: { projectId, fromBlock },
      },
    );
  }
  const { entropy, winner: settledWinner } = settled.args;
  const result = recomputeDraw({
    projectId,
    entropy,
    bandBps: project.bandBps,
    maxDrawCandidates: project.maxDrawCandidates,
    vickrey: project.vickrey,
    reveals,
    evaluations,
  });
  return { ...result, settledWinner };
}
