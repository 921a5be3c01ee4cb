/**
 * The market's price quote and a provider's expected return for a resource ask, exactly as
 * `PricingPolicy.quote` and `PricingPolicy.listProviders` compute them on chain
 * (`contracts/src/market/PricingPolicy.sol`), so an off-chain reader (the indexer's API) can rank
 * every provider without one view call per provider.
 *
 * - FP = (base + Σ resource × unit price) per day × duration / 1 day (floor);
 * - expected profit X = principal × APR × duration / (10000 × 365 days) (floor) × MZKU per ETH / 1 ETH (floor);
 * - a provider's bid is its price cap, at most the largest bid the split can pay (FP minus two pool
 *   fees of ⌈FP·r/10000⌉), and the requester's expected return is its part of `profitSplit`.
 */
import { MzkuError } from "../errors.js";
import { type ProfitShares, profitSplit } from "./split.js";

const BPS = 10_000n;
const DAY = 86_400n;
const YEAR = 365n * DAY;
const ETHER = 10n ** 18n;

export interface ResourceAsk {
  readonly cpuCores: bigint;
  readonly ramGb: bigint;
  readonly storageGb: bigint;
  readonly bandwidthMbps: bigint;
}

/** `IPricingPolicy.UnitPrices` of a project type (MZKU wei per day). */
export interface UnitPrices {
  readonly basePerDay: bigint;
  readonly perCpuCoreDay: bigint;
  readonly perRamGbDay: bigint;
  readonly perStorageGbDay: bigint;
  readonly perBandwidthMbpsDay: bigint;
}

/** `IPricingPolicy.TypeTerms` of a project type. */
export interface TypeTerms {
  readonly enabled: boolean;
  readonly expectedAprBps: bigint;
  readonly principalWei: bigint;
}

export class QuoteError extends MzkuError<"MARKET_QUOTE_TYPE_DISABLED" | "MARKET_QUOTE_ZERO_DURATION"> {
  override name = "QuoteError";
}

/** FP and the expected profit X of a project, MZKU wei (`PricingPolicy.quote`). */
export function quote(input: {
  resources: ResourceAsk;
  /** Seconds. */
  duration: bigint;
  prices: UnitPrices;
  terms: TypeTerms;
  /** MZKU wei per 1 ETH. */
  mzkuPerEth: bigint;
}): { fp: bigint; expectedProfit: bigint } {
  const { resources: r, duration, prices: p, terms: t } = input;
  if (!t.enabled) throw new QuoteError("MARKET_QUOTE_TYPE_DISABLED", "projects of this type are disabled");
  if (duration <= 0n) throw new QuoteError("MARKET_QUOTE_ZERO_DURATION", "duration must be > 0 seconds");
  const perDay =
    p.basePerDay +
    r.cpuCores * p.perCpuCoreDay +
    r.ramGb * p.perRamGbDay +
    r.storageGb * p.perStorageGbDay +
    r.bandwidthMbps * p.perBandwidthMbpsDay;
  const fp = (perDay * duration) / DAY;
  const expectedProfit = (((t.principalWei * t.expectedAprBps * duration) / (BPS * YEAR)) * input.mzkuPerEth) / ETHER;
  return { fp, expectedProfit };
}

/** The largest price the split can pay a provider: FP minus the two pools' ⌈FP·r/10000⌉. */
export function maxBid(fp: bigint, feeRateBps: bigint): bigint {
  const fee = fp * feeRateBps === 0n ? 0n : (fp * feeRateBps - 1n) / BPS + 1n;
  return 2n * fee < fp ? fp - 2n * fee : 0n;
}

/**
 * The split of X + FP when a provider bidding `bid` (capped at `maxBid`) wins: `requester` is the
 * requester's expected return (`ProviderView.expectedReturn` when `bid` is the price cap).
 */
export function expectedSplit(input: {
  fp: bigint;
  expectedProfit: bigint;
  feeRateBps: bigint;
  bid: bigint;
}): ProfitShares {
  const cap = maxBid(input.fp, input.feeRateBps);
  // biome-ignore lint/complexity/useMathMinMax: bigint
  const price = input.bid < cap ? input.bid : cap;
  return profitSplit({ fixedPrice: input.fp, price, profit: input.expectedProfit, rateBps: input.feeRateBps });
}
