/**
 * Builds the input of `recomputeDraw` from a ProjectMarket's raw event logs, so anyone holding the
 * logs (an RPC `eth_getLogs`, the indexer) can check a settlement without trusting a reader.
 */
import { decodeEventLog, type Hex, type Log } from "viem";
import { projectMarketAbi } from "../abis.js";
import { type BidEvaluation, type DrawInput, DrawRecomputeError, type RevealedBid } from "./draw.js";

const DRAW_EVENTS = ["ProjectTermsSet", "BidRevealed", "BidEvaluated", "AuctionSettled"] as const;
type DrawEvent = Extract<(typeof projectMarketAbi)[number], { type: "event"; name: (typeof DRAW_EVENTS)[number] }>;

/** The four events the draw depends on, from ProjectMarket's generated ABI. */
export const drawEventsAbi: readonly DrawEvent[] = projectMarketAbi.filter(
  (item): item is DrawEvent => item.type === "event" && (DRAW_EVENTS as readonly string[]).includes(item.name),
);

/** What the settlement event itself claims, to compare with the recomputation. */
export interface SettlementClaim {
  readonly seed: Hex;
  readonly winner: Hex;
  readonly winningBid: bigint;
  readonly price: bigint;
}

/**
 * Decodes the logs of one project (others, and unrelated events, are ignored) into the draw input and
 * the settlement's own claim.
 */
export function drawInputFromLogs(
  logs: readonly Pick<Log, "data" | "topics">[],
  projectId: bigint,
): { input: DrawInput; claim: SettlementClaim } {
  const reveals: RevealedBid[] = [];
  const evaluations: BidEvaluation[] = [];
  let terms: { bandBps: number; maxDrawCandidates: number; vickrey: boolean } | undefined;
  let settled: (SettlementClaim & { entropy: bigint }) | undefined;
  for (const log of logs) {
    let decoded: ReturnType<typeof decodeEventLog<typeof drawEventsAbi>>;
    try {
      decoded = decodeEventLog({ abi: drawEventsAbi, data: log.data, topics: log.topics as [Hex, ...Hex[]] });
    } catch {
      continue; // not one of the draw's events
    }
    if (decoded.args.projectId !== projectId) continue;
    switch (decoded.eventName) {
      case "ProjectTermsSet":
        terms = {
          bandBps: decoded.args.bandBps,
          maxDrawCandidates: decoded.args.maxDrawCandidates,
          vickrey: decoded.args.vickrey,
        };
        break;
      case "BidRevealed":
        reveals.push({
          index: Number(decoded.args.index),
          bidder: decoded.args.bidder,
          price: decoded.args.price,
          salt: decoded.args.salt,
        });
        break;
      case "BidEvaluated":
        evaluations.push({
          index: Number(decoded.args.index),
          providerId: decoded.args.providerId,
          eligible: decoded.args.eligible,
          weight: decoded.args.weight,
        });
        break;
      case "AuctionSettled":
        settled = {
          seed: decoded.args.seed,
          entropy: decoded.args.entropy,
          winner: decoded.args.winner,
          winningBid: decoded.args.winningBid,
          price: decoded.args.price,
        };
        break;
    }
  }
  if (terms === undefined || settled === undefined) {
    throw new DrawRecomputeError(
      "MARKET_DRAW_BAD_INPUT",
      `project ${projectId}: ${terms === undefined ? "ProjectTermsSet" : "AuctionSettled"} missing from the logs`,
    );
  }
  const { entropy, ...claim } = settled;
  return { input: { projectId, entropy, ...terms, reveals, evaluations }, claim };
}
