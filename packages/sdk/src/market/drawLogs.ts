/**
 * Builds the input of `recomputeDraw` from a ProjectMarket's raw event logs, so anyone holding the
 * logs (an RPC `eth_getLogs`, the indexer) can check a settlement without trusting a reader.
 */
import { decodeEventLog, type Hex, type Log, parseAbi } from "viem";
import { type BidEvaluation, type DrawInput, DrawRecomputeError, type RevealedBid } from "./draw.js";

/** The four events the draw depends on, as `IProjectMarket` declares them. */
export const drawEventsAbi = parseAbi([
  "event ProjectTermsSet(uint256 indexed projectId, uint16 feeRateBps, uint16 bandBps, uint16 scoreThreshold, uint16 startPenaltyBps, uint8 maxDrawCandidates, bool vickrey, uint64 drawBlock, uint32 startWindow, uint16 reserveBps, uint16 lossCapBps)",
  "event BidRevealed(uint256 indexed projectId, address indexed bidder, uint256 index, uint256 price, bytes32 salt)",
  "event BidEvaluated(uint256 indexed projectId, uint256 indexed index, uint256 providerId, uint256 price, bool eligible, uint256 weight)",
  "event AuctionSettled(uint256 indexed projectId, bytes32 seed, uint256 entropy, uint256 candidates, address winner, uint256 providerId, uint256 winningBid, uint256 price, uint256 forfeitedBonds)",
]);

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
