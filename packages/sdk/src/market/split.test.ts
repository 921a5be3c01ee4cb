import { describe, expect, it } from "vitest";
import { computeReputation, defaultReputationParams } from "./reputation.js";
import { ProfitSplitError, profitSplit } from "./split.js";

const E = 10n ** 18n;

describe("profitSplit", () => {
  it("holds the whitepaper's worked example to the wei (3.5)", () => {
    expect(profitSplit({ fixedPrice: 100n * E, price: 60n * E, profit: 300n * E, rateBps: 1000n })).toEqual({
      provider: 60n * E,
      rewardPool: 40n * E,
      insurancePool: 40n * E,
      requester: 260n * E,
    });
  });

  it("sends rounding dust to the requester and caps pool shares like the contract", () => {
    expect(profitSplit({ fixedPrice: 200n, price: 100n, profit: 133n, rateBps: 1000n })).toEqual({
      provider: 100n,
      rewardPool: 33n,
      insurancePool: 33n,
      requester: 167n,
    });
    expect(profitSplit({ fixedPrice: 100n, price: 95n, profit: 0n, rateBps: 1000n })).toEqual({
      provider: 95n,
      rewardPool: 2n,
      insurancePool: 2n,
      requester: 1n,
    });
  });

  it("always sums to X + FP", () => {
    let seed = 12345n;
    const next = (mod: bigint) => {
      seed = (seed * 6364136223846793005n + 1442695040888963407n) % 2n ** 64n;
      return seed % mod;
    };
    for (let i = 0; i < 500; i++) {
      const fixedPrice = next(10n ** 24n) + 1n;
      const price = next(fixedPrice + 1n);
      const profit = next(10n ** 24n);
      const rateBps = next(5001n);
      const s = profitSplit({ fixedPrice, price, profit, rateBps });
      expect(s.provider + s.rewardPool + s.insurancePool + s.requester, `case ${i}`).toBe(fixedPrice + profit);
    }
  });

  it("rejects what the contract rejects, with stable codes", () => {
    expect(() => profitSplit({ fixedPrice: 1n, price: 2n, profit: 0n, rateBps: 0n })).toThrowError(ProfitSplitError);
    try {
      profitSplit({ fixedPrice: 1n, price: 0n, profit: 0n, rateBps: 5001n });
    } catch (e) {
      expect((e as ProfitSplitError).code).toBe("MARKET_SPLIT_RATE_TOO_HIGH");
    }
  });
});

describe("computeReputation", () => {
  it("scores a fresh provider at Pmin 5500 with the defaults", () => {
    const r = computeReputation(
      {
        collateral: 10_000n * E,
        wins: 0n,
        sumPriceBps: 0n,
        finished: 0n,
        sumRunBps: 0n,
        failures: 0n,
        uptimeBps: null,
      },
      defaultReputationParams,
    );
    expect(r.score).toBe(5500n);
  });

  it("matches the contract's full-formula case (Reputation.t.sol test_score_fullFormula)", () => {
    const r = computeReputation(
      {
        collateral: 10_000n * E,
        wins: 2n,
        sumPriceBps: 14_000n,
        finished: 2n,
        sumRunBps: 15_000n,
        failures: 1n,
        uptimeBps: 9900n,
      },
      { ...defaultReputationParams, weights: { stake: 1n, price: 2n, run: 3n, uptime: 4n } },
    );
    expect(r.sPrice).toBe(3000n);
    expect(r.sRun).toBe(7500n);
    expect(r.score).toBe((1n * 1000n + 2n * 3000n + 3n * 7500n + 4n * 9900n) / 10n - 1000n);
  });
});
