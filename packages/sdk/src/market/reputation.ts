/**
 * Off-chain recomputation of a provider's reputation score, exactly as `Reputation._compute` in
 * `contracts/src/market/Reputation.sol` (docs/marketplace.md, "Reputation"). Every division floors.
 */

/** Governance-set parameters of the Reputation contract. */
export interface ReputationParams {
  readonly weights: { readonly stake: bigint; readonly price: bigint; readonly run: bigint; readonly uptime: bigint };
  readonly stakeTarget: bigint;
  readonly neutralBps: bigint;
  readonly failurePenaltyBps: bigint;
}

/** A provider's inputs: collateral (registry), recorded stats (`statsOf`), feed uptime. */
export interface ReputationInputs {
  readonly collateral: bigint;
  readonly wins: bigint;
  readonly sumPriceBps: bigint;
  readonly finished: bigint;
  readonly sumRunBps: bigint;
  readonly failures: bigint;
  /** null when the feed has no period for the provider (or no feed is set). */
  readonly uptimeBps: bigint | null;
}

/** The score and its components, as `ScoreUpdated` emits them. */
export interface ReputationScore {
  readonly score: bigint;
  readonly sStake: bigint;
  readonly sPrice: bigint;
  readonly sRun: bigint;
  readonly sUptime: bigint;
}

const BPS = 10_000n;

/** Math.min for bigint. */
function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

/** The defaults the contract is deployed with. */
export const defaultReputationParams: ReputationParams = {
  weights: { stake: 25n, price: 25n, run: 25n, uptime: 25n },
  stakeTarget: 100_000n * 10n ** 18n,
  neutralBps: 7000n,
  failurePenaltyBps: 1000n,
};

/** Recomputes the score from its inputs. */
export function computeReputation(inputs: ReputationInputs, params: ReputationParams): ReputationScore {
  const { weights: w } = params;
  const target = params.stakeTarget;
  const sStake = (minBig(inputs.collateral, target) * BPS) / target;
  const sPrice = inputs.wins === 0n ? params.neutralBps : BPS - inputs.sumPriceBps / inputs.wins;
  const sRun = inputs.finished === 0n ? params.neutralBps : inputs.sumRunBps / inputs.finished;
  const sUptime = inputs.uptimeBps === null ? params.neutralBps : inputs.uptimeBps > BPS ? BPS : inputs.uptimeBps;
  const base =
    (w.stake * sStake + w.price * sPrice + w.run * sRun + w.uptime * sUptime) / (w.stake + w.price + w.run + w.uptime);
  const penalty = inputs.failures * params.failurePenaltyBps;
  return { score: penalty >= base ? 0n : base - penalty, sStake, sPrice, sRun, sUptime };
}
