import { describe, expect, it } from "vitest";
import { expectedSplit, maxBid, quote } from "./quote.js";

const E = 10n ** 18n;
const prices = {
  basePerDay: 10n * E,
  perCpuCoreDay: E,
  perRamGbDay: E / 10n,
  perStorageGbDay: 0n,
  perBandwidthMbpsDay: 3n,
};
const terms = { enabled: true, expectedAprBps: 350n, principalWei: 32n * E };
const resources = { cpuCores: 4n, ramGb: 16n, storageGb: 2000n, bandwidthMbps: 25n };

describe("quote mirror", () => {
  it("prices per day × duration, floored, and the validator's expected profit in MZKU", () => {
    const { fp, expectedProfit } = quote({ resources, duration: 86_400n * 30n, prices, terms, mzkuPerEth: 1000n * E });
    expect(fp).toBe((10n * E + 4n * E + (16n * E) / 10n + 75n) * 30n);
    // 32 ETH × 3.5% × 30/365 = 0.092054794520547945 ETH (floor) × 1000 MZKU/ETH
    expect(expectedProfit).toBe(92_054_794_520_547_945n * 1000n);
    const odd = quote({ resources, duration: 1n, prices, terms, mzkuPerEth: E });
    expect(odd.fp).toBe((10n * E + 4n * E + (16n * E) / 10n + 75n) / 86_400n);
  });

  it("refuses a disabled type and a zero duration", () => {
    expect(() => quote({ resources, duration: 0n, prices, terms, mzkuPerEth: E })).toThrow(/duration/);
    expect(() =>
      quote({ resources, duration: 1n, prices, terms: { ...terms, enabled: false }, mzkuPerEth: E }),
    ).toThrow(/disabled/);
  });

  it("caps a bid at FP minus two rounded-up pool fees; the split sums to X + FP", () => {
    expect(maxBid(1001n, 1000n)).toBe(1001n - 2n * 101n);
    expect(maxBid(10n, 5000n)).toBe(0n);
    const split = expectedSplit({ fp: 1001n, expectedProfit: 500n, feeRateBps: 1000n, bid: 10_000n });
    expect(split.provider).toBe(799n);
    expect(split.provider + split.rewardPool + split.insurancePool + split.requester).toBe(1501n);
  });
});
