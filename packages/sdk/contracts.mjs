// The protocol contracts the sdk generates ABIs and actions for (names of Foundry artifacts), in
// deployment order. The deploy script writes one address per name into deployments/<name>.json.
export const PROTOCOL_CONTRACTS = [
  "MzkuToken",
  "Governance",
  "ProviderRegistry",
  "NodeRegistry",
  "SidecarStaking",
  "UptimeReports",
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

/**
 * Write functions that create something, and where its id comes from: the named arguments of an
 * event the same contract emits in the same transaction. The generated action returns the receipt
 * with these fields added (`const { projectId } = await projectMarket.openProject(...)`). The
 * generator fails when a listed function, event or argument does not exist.
 */
export const CREATED_IDS = {
  Governance: { propose: { event: "ProposalCreated", args: ["proposalId"] } },
  ProviderRegistry: { applyAsProvider: { event: "ProviderApplied", args: ["providerId"] } },
  NodeRegistry: { registerNode: { event: "NodeRegistered", args: ["nodeId"] } },
  ProjectMarket: {
    commit: { event: "BidCommitted", args: ["index"] },
    openProject: { event: "ProjectOpened", args: ["projectId"] },
    openProjectWithPermit: { event: "ProjectOpened", args: ["projectId"] },
  },
  MicroPoolFactory: {
    openPool: { event: "PoolOpened", args: ["pool", "poolId"] },
    openValidatorPool: { event: "PoolOpened", args: ["pool", "poolId"] },
  },
};
