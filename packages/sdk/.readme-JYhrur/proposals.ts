import { type Deployment, GovernanceParam, governance, proposalCalls, proposals, TrustTier } from "@mzku/sdk";
import type { Client } from "viem";

export async function proposeTrustedProvider(walletClient: Client, deployment: Deployment, providerId: bigint) {
  const { Governance, ProviderRegistry } = deployment.contracts;
  const actions = [
    proposals.providerRegistry.qualify({ address: ProviderRegistry, args: [providerId] }),
    proposals.providerRegistry.setTrustTier({ address: ProviderRegistry, args: [providerId, TrustTier.Trusted, 0n] }),
    proposals.governance.setParam({ address: Governance, args: [GovernanceParam.QuorumBps, 6_000n] }),
  ];
  const { targets, values, calldatas } = proposalCalls(actions);
  const { proposalId } = await governance.propose(walletClient, {
    address: Governance,
    args: [targets, values, calldatas, `qualify provider ${providerId} as trusted`],
  });
  return proposalId;
}
