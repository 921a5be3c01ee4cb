import { encodeAbiParameters, encodeEventTopics, type Hex, type Log } from "viem";
import { describe, expect, it } from "vitest";
import { marketDrawFixture as f } from "../test/marketDraw.js";
import { DrawRecomputeError, recomputeDraw } from "./draw.js";
import { drawEventsAbi, drawInputFromLogs } from "./drawLogs.js";

const id = BigInt(f.projectId);

/** Re-encodes the fixture as the raw logs the contract emitted. */
function logs() {
  // encodeEventTopics types its result loosely (topics may be null or arrays); here every topic is set.
  const out: { data: Hex; topics: unknown[] }[] = [];
  out.push({
    topics: encodeEventTopics({ abi: drawEventsAbi, eventName: "ProjectTermsSet", args: { projectId: id } }),
    data: encodeAbiParameters(
      [
        { type: "uint16" },
        { type: "uint16" },
        { type: "uint16" },
        { type: "uint16" },
        { type: "uint8" },
        { type: "bool" },
        { type: "uint64" },
        { type: "uint32" },
        { type: "uint16" },
        { type: "uint16" },
      ],
      [1000, f.bandBps, 5000, 1000, f.maxDrawCandidates, f.vickrey, 149n, 86400, 10_000, 20_000],
    ),
  });
  for (const r of f.reveals) {
    out.push({
      topics: encodeEventTopics({
        abi: drawEventsAbi,
        eventName: "BidRevealed",
        args: { projectId: id, bidder: r.bidder },
      }),
      data: encodeAbiParameters(
        [{ type: "uint256" }, { type: "uint256" }, { type: "bytes32" }],
        [BigInt(r.index), BigInt(r.price), r.salt],
      ),
    });
  }
  // an event of another project is ignored
  out.push({
    topics: encodeEventTopics({
      abi: drawEventsAbi,
      eventName: "BidRevealed",
      args: { projectId: id + 1n, bidder: f.expected.winner },
    }),
    data: encodeAbiParameters(
      [{ type: "uint256" }, { type: "uint256" }, { type: "bytes32" }],
      [0n, 1n, `0x${"00".repeat(32)}`],
    ),
  });
  for (const e of f.evaluations) {
    out.push({
      topics: encodeEventTopics({
        abi: drawEventsAbi,
        eventName: "BidEvaluated",
        args: { projectId: id, index: BigInt(e.index) },
      }),
      data: encodeAbiParameters(
        [{ type: "uint256" }, { type: "uint256" }, { type: "bool" }, { type: "uint256" }],
        [BigInt(e.providerId), 0n, e.eligible, BigInt(e.weight)],
      ),
    });
  }
  out.push({
    topics: encodeEventTopics({ abi: drawEventsAbi, eventName: "AuctionSettled", args: { projectId: id } }),
    data: encodeAbiParameters(
      [
        { type: "bytes32" },
        { type: "uint256" },
        { type: "uint256" },
        { type: "address" },
        { type: "uint256" },
        { type: "uint256" },
        { type: "uint256" },
        { type: "uint256" },
      ],
      [
        f.expected.seed,
        BigInt(f.entropy),
        4n,
        f.expected.winner,
        0n,
        BigInt(f.expected.winningBid),
        BigInt(f.expected.price),
        0n,
      ],
    ),
  });
  return out as unknown as Pick<Log, "data" | "topics">[];
}

describe("drawInputFromLogs", () => {
  it("rebuilds the draw from raw logs and agrees with the settlement's claim", () => {
    const { input, claim } = drawInputFromLogs(logs(), id);
    expect(input.reveals).toHaveLength(f.reveals.length);
    const out = recomputeDraw(input);
    expect(out.seed).toBe(claim.seed);
    expect(out.winner?.toLowerCase()).toBe(claim.winner.toLowerCase());
    expect(out.price).toBe(claim.price);
    expect(out.winningBid).toBe(claim.winningBid);
  });

  it("fails with a typed error when the settlement is missing", () => {
    expect(() => drawInputFromLogs(logs().slice(0, -1), id)).toThrowError(DrawRecomputeError);
  });
});
