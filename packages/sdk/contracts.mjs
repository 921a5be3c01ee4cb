// The protocol contracts the sdk generates ABIs and actions for (names of Foundry artifacts), in
// deployment order. The deploy script writes one address per name into deployments/<name>.json.
export const PROTOCOL_CONTRACTS = [
  "MzkuToken",
  "Governance",
  "ProviderRegistry",
  "NodeRegistry",
  "SidecarStaking",
  "GovernedUptimeFeed",
  "Reputation",
  "PricingPolicy",
  "ProjectMarket",
  "RewardPool",
  "InsurancePool",
  "DepositContract",
  "MicroPoolFactory",
];

/** Contracts without a fixed address (one per pool), for which the sdk still generates actions. */
export const CLONED_CONTRACTS = ["MicroPool"];
