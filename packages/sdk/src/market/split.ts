/**
 * The single-requester distribution of the whitepaper's 3.4.7, exactly as `ProfitSplit.split` in
 * `contracts/src/libraries/ProfitSplit.sol`: of the pot X + FP the provider gets its price, the
 * Reward Pool and the Insurance Pool each floor((X + FP)·r / 10000), the requester the rest (the
 * sink of rounding dust). If the pot after the provider is below two pool shares, each pool gets
 * half of it (floor).
 */
import { MzkuError } from "../errors.js";

/** The four parts, in wei; they always sum to X + FP. */
export interface ProfitShares {
  readonly provider: bigint;
  readonly rewardPool: bigint;
  readonly insurancePool: bigint;
  readonly requester: bigint;
}

/** Thrown for inputs the contract rejects. */
export class ProfitSplitError extends MzkuError<
  "MARKET_SPLIT_PRICE_ABOVE_FP" | "MARKET_SPLIT_RATE_TOO_HIGH" | "MARKET_SPLIT_NEGATIVE"
> {
  override name = "ProfitSplitError";
}

/**
 * Splits X + FP.
 * @example profitSplit({ fixedPrice: 100n, price: 60n, profit: 300n, rateBps: 1000n })
 * // { provider: 60n, rewardPool: 40n, insurancePool: 40n, requester: 260n }
 */
export function profitSplit(input: {
  fixedPrice: bigint;
  price: bigint;
  profit: bigint;
  rateBps: bigint;
}): ProfitShares {
  const { fixedPrice, price, profit, rateBps } = input;
  if (fixedPrice < 0n || price < 0n || profit < 0n || rateBps < 0n) {
    throw new ProfitSplitError("MARKET_SPLIT_NEGATIVE", "amounts are wei and cannot be negative");
  }
  if (price > fixedPrice)
    throw new ProfitSplitError("MARKET_SPLIT_PRICE_ABOVE_FP", `price ${price} > FP ${fixedPrice}`);
  if (rateBps > 5000n) throw new ProfitSplitError("MARKET_SPLIT_RATE_TOO_HIGH", `rate ${rateBps} bps > 5000`);
  const pot = fixedPrice + profit;
  const rest = pot - price;
  let fee = (pot * rateBps) / 10_000n;
  if (fee > rest / 2n) fee = rest / 2n;
  return { provider: price, rewardPool: fee, insurancePool: fee, requester: rest - 2n * fee };
}
