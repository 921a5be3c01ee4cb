import { GovernanceParam, GovernanceProposalState, governance } from "@mzku/sdk";
import type { Address, Client } from "viem";

export async function timelock(client: Client, address: Address, proposalId: bigint) {
  const votingPeriod = await governance.param(client, { address, args: [GovernanceParam.VotingPeriod] });
  const delay = await governance.param(client, { address, args: [GovernanceParam.ExecutionDelay] });
  const state = await governance.state(client, { address, args: [proposalId] });
  return { seconds: votingPeriod + delay, executable: state === GovernanceProposalState.Executable };
}
