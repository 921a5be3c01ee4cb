import type { Address, Client } from "viem";
import { projectMarket } from "../actions/index.js";
import { getProtocolEvents } from "../events.js";
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
  const events = await getProtocolEvents(client, { addresses: [market], fromBlock });
  const reveals: RevealedBid[] = [];
  const evaluations: BidEvaluation[] = [];
  let entropy: bigint | undefined;
  let settledWinner: Address | undefined;
  for (const event of events) {
    if (event.eventName === "BidRevealed" && event.args.projectId === projectId) {
      const { index, bidder, price, salt } = event.args;
      reveals.push({ index: Number(index), bidder, price, salt });
    } else if (event.eventName === "BidEvaluated" && event.args.projectId === projectId) {
      const { index, providerId, eligible, weight } = event.args;
      evaluations.push({ index: Number(index), providerId, eligible, weight });
    } else if (event.eventName === "AuctionSettled" && event.args.projectId === projectId) {
      entropy = event.args.entropy;
      settledWinner = event.args.winner;
    }
  }
  if (entropy === undefined || settledWinner === undefined) {
    throw new Error(`project ${projectId} has no AuctionSettled event since block ${fromBlock}`);
  }
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
