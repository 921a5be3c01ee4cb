/**
 * What the indexer does with every event of every contract, decided once: an event either has a
 * projection (`projectedEvents`), is a governance-set parameter kept in `params` (`paramEvents`), or
 * is deliberately kept raw in `events` only (`rawEvents`, with the reason). `coverage.test.ts`
 * enumerates the sdk's ABIs and fails on an event in none of them (or in two), so an event a
 * contract gains cannot go unnoticed.
 *
 * Not followed at all: `GovernorStakeVault` (created by Governance, not in the deployment); its only
 * event, `StakeReleased`, is the MZKU side of Governance's `Withdrawn` and `GovernorSlashed`, emitted
 * in the same call and projected.
 */

/** `Contract.Event` → the `params` row name rule: kept whole (arguments as JSON) under their name. */
export const paramEvents: ReadonlySet<string> = new Set([
  "Governance.StakeObserverSet",
  "ProviderRegistry.AuthorizedCallerSet",
  "ProviderRegistry.CollateralBoundsSet",
  "ProviderRegistry.DisqualificationPeriodSet",
  "ProviderRegistry.NodeRequirementSet",
  "ProviderRegistry.ScoreThresholdSet",
  "ProviderRegistry.StakeObserverSet",
  "ProviderRegistry.UnbondingDelaySet",
  "ProviderRegistry.UntrustedMinKSet",
  "NodeRegistry.AuthorizedCallerSet",
  "NodeRegistry.NodeLockSet",
  "SidecarStaking.AuthorizedCallerSet",
  "SidecarStaking.StakeObserverSet",
  "UptimeReports.AuthorizedCallerSet",
  "UptimeReports.AuditorsPerNodeSet",
  "UptimeReports.FailLimitSet",
  "UptimeReports.AggregationSet",
  "Reputation.AuthorizedCallerSet",
  "Reputation.ReputationDefaultsSet",
  "Reputation.ReputationStakeTargetSet",
  "Reputation.ReputationUptimeFeedSet",
  "Reputation.ReputationWeightsSet",
  "PricingPolicy.AuthorizedCallerSet",
  "PricingPolicy.PricingPolicyMarketParamsSet",
  "PricingPolicy.PricingPolicyMzkuPerEthSet",
  "PricingPolicy.PricingPolicyProjectLimitsSet",
  "PricingPolicy.PricingPolicyTypeTermsSet",
  "PricingPolicy.PricingPolicyUnitPricesSet",
  "ProjectMarket.AuthorizedCallerSet",
  "RewardPool.AuthorizedCallerSet",
  "RewardPool.RewardPoolPeriodLengthSet",
  "RewardPool.RewardPoolStakeSourceSet",
  "RewardPool.RewardPoolTreasurySet",
  "InsurancePool.AuthorizedCallerSet",
  "InsurancePool.InsurancePoolCompensatorSet",
  "InsurancePool.InsurancePoolThresholdsSet",
  "MicroPoolFactory.AuthorizedCallerSet",
  "MicroPoolFactory.CoSignerSet",
  "MicroPoolFactory.MinStakeSet",
  "MicroPoolFactory.SplitSet",
  "MicroPoolFactory.ValidatorResourcesSet",
]);

/** Events kept only in `events` (served by `/events`), and why no derived table needs them. */
export const rawEvents: Readonly<Record<string, string>> = {
  "MzkuToken.Transfer": "token balances are not an MZKU view; every protocol move of MZKU has its own event",
  "MzkuToken.Approval": "allowances",
  "MzkuToken.EIP712DomainChanged": "EIP-5267 notice; the domain is fixed at deployment",
  "MicroPool.Approval": "aETH allowances",
  "MicroPoolFactory.EIP712DomainChanged": "EIP-5267 notice; the domain is fixed at deployment",
  "ProviderRegistry.CollateralReserved": "collateral set aside for a running project; the total is projected",
  "ProviderRegistry.CollateralReleased": "the reservation's end; the total is projected",
  "SidecarStaking.DelegateChanged": "who delegates to whom; the delegated votes are projected (DelegatedVotesChanged)",
  "Reputation.ReputationWinRecorded": "the same win as ProjectMarket.AuctionSettled (provider_wins)",
  "Reputation.ReputationFinishRecorded": "its effect is the score, projected from ScoreUpdated",
  "ProjectMarket.BondDeposited": "a bidder's bond balance, not a listed view",
  "ProjectMarket.BondWithdrawn": "a bidder's bond balance, not a listed view",
  "ProjectMarket.RequesterStakeChanged": "a requester's stake; its Reward Pool position follows from the project",
  "RewardPool.RewardPoolStakeChanged": "Reward Pool positions mirror the stakes projected from their sources",
  "DepositContract.DepositEvent": "the beacon-chain deposit; the pool's Activated is projected",
  "MicroPoolFactory.CompensationRequested": "the payment is projected from InsurancePool.InsurancePoolCompensated",
  "MicroPoolFactory.DepositKeyClaimed": "key registry; the pool's key is projected from MicroPool.DepositDataSet",
  "UptimeReports.AuditorJoined": "the audit roster (slot ↔ sidecar ↔ node); the sidecars read it on-chain",
  "UptimeReports.AuditorLeft": "the audit roster; a node's status is projected from NodeRegistry",
  "UptimeReports.PeriodOpened": "a period's seed and assignment parameters; recomputable with the sdk's auditTargets",
  "UptimeReports.Reported": "one sidecar's votes; their outcome is projected from NodePeriodDecided",
  "UptimeReports.DowntimePenalty": "the failure and the slash are projected from ProjectMarket.ProjectFailed",
  "UptimeReports.DowntimePenaltyFailed": "a refused penalty (reason bytes); nothing changed to project",
  "UptimeReports.EIP712DomainChanged": "EIP-5267 notice; the domain is fixed at deployment",
  "UptimeReports.BlsKeyRegistered": "a roster slot's BLS key for co-signing aggregates; the sidecars read it on-chain",
  "UptimeReports.AggregatePosted":
    "an aggregate's root and decisions; they count only once final, and are projected from NodePeriodDecided",
  "UptimeReports.AggregateChallenged":
    "a decision overturned in the window; its outcome is projected from NodePeriodDecided",
  "UptimeReports.AggregateFinalized": "an aggregate's decisions applied; each is projected from NodePeriodDecided",
  "MicroPoolFactory.ValidatorPoolOpened":
    "the pool is projected from PoolOpened (same call); its project from ProjectMarket.ValidatorPoolAttached (projects.micro_pool)",
};

/** The treatment of `Contract.Event`, given the events with a projection. */
export function eventTreatment(key: string, projected: ReadonlySet<string>): "projected" | "param" | "raw" | undefined {
  if (projected.has(key)) return "projected";
  if (paramEvents.has(key)) return "param";
  if (key in rawEvents) return "raw";
  return undefined;
}
