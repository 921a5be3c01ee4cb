import { describe, expect, it } from "vitest";
import { marketDrawFixture as fixture, type MarketDrawFixture } from "../test/marketDraw.js";
import { bidCommitment, DrawRecomputeError, drawSeed, recomputeDraw, saltMix } from "./draw.js";

function input(f: MarketDrawFixture) {
  return {
    projectId: BigInt(f.projectId),
    entropy: BigInt(f.entropy),
    bandBps: f.bandBps,
    maxDrawCandidates: f.maxDrawCandidates,
    vickrey: f.vickrey,
    reveals: f.reveals.map((r) => ({ index: r.index, bidder: r.bidder, price: BigInt(r.price), salt: r.salt })),
    evaluations: f.evaluations.map((e) => ({
      index: e.index,
      providerId: BigInt(e.providerId),
      eligible: e.eligible,
      weight: BigInt(e.weight),
    })),
  };
}

describe("recomputeDraw", () => {
  it("matches the contract's settlement (forge fixture)", () => {
    const out = recomputeDraw(input(fixture));
    expect(out.seed).toBe(fixture.expected.seed);
    expect(out.winner?.toLowerCase()).toBe(fixture.expected.winner.toLowerCase());
    expect(out.winningBid).toBe(BigInt(fixture.expected.winningBid));
    expect(out.price).toBe(BigInt(fixture.expected.price));
  });

  it("walks the evaluated bids in the contract's order", () => {
    const out = recomputeDraw(input(fixture));
    const evaluated = fixture.evaluations.map((e) => e.index);
    expect(out.order.slice(0, evaluated.length)).toEqual(evaluated);
    expect(out.candidates.map((c) => c.index)).toEqual(
      fixture.evaluations.filter((e) => e.eligible).map((e) => e.index),
    );
  });

  it("changes with the entropy", () => {
    const a = recomputeDraw(input(fixture));
    const b = recomputeDraw({ ...input(fixture), entropy: 0n });
    expect(a.seed).not.toBe(b.seed);
  });

  it("returns no winner when nothing is eligible", () => {
    const f = input(fixture);
    const evaluations = f.reveals.map((r) => ({ index: r.index, providerId: 0n, eligible: false, weight: 0n }));
    const out = recomputeDraw({ ...f, evaluations });
    expect(out.winner).toBeNull();
    expect(out.price).toBe(0n);
  });

  it("throws a typed error when an evaluation is missing", () => {
    const f = input(fixture);
    try {
      recomputeDraw({ ...f, evaluations: [] });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DrawRecomputeError);
      expect((e as DrawRecomputeError).code).toBe("MARKET_DRAW_MISSING_EVALUATION");
    }
  });

  it("computes seeds and commitments like the contract", () => {
    const mix = saltMix(input(fixture).reveals);
    expect(drawSeed(BigInt(fixture.projectId), mix, BigInt(fixture.entropy))).toBe(fixture.expected.seed);
    const c = bidCommitment(60n, `0x${"11".repeat(32)}`, "0x0000000000000000000000000000000000000001", 1n);
    expect(c).toMatch(/^0x[0-9a-f]{64}$/);
  });
});
