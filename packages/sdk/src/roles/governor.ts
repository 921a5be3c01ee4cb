import type { Address, Client, Hex, TransactionReceipt } from "viem";
import { getContractEvents } from "viem/actions";
import { governanceAbi } from "../abis.js";
import { governance } from "../actions/index.js";
import type { Deployment } from "../deployment.js";
import { MzkuError } from "../errors.js";
import { type ProposalAction, proposalCalls } from "../proposal.js";
import type { SigningClient } from "./allowance.js";

/** Proposes `actions` (built with `proposals.<contract>.<function>`) and returns the new proposal id. */
export async function proposeActions(
  wallet: SigningClient,
  deployment: Deployment,
  actions: readonly ProposalAction[],
  description: string,
): Promise<{ proposalId: bigint; receipt: TransactionReceipt }> {
  const { targets, values, calldatas } = proposalCalls(actions);
  const { proposalId, ...receipt } = await governance.propose(wallet, {
    address: deployment.contracts.Governance,
    args: [targets, values, calldatas, description],
  });
  return { proposalId, receipt };
}

/** The calls and description of a proposal, from its `ProposalCreated` event. */
export type ProposalContent = {
  proposalId: bigint;
  proposer: Address;
  targets: readonly Address[];
  values: readonly bigint[];
  calldatas: readonly Hex[];
  description: string;
};

/** Reads what proposal `proposalId` does from its `ProposalCreated` event (searched from the deployment's start). */
export async function proposalContent(
  client: Client,
  deployment: Deployment,
  proposalId: bigint,
): Promise<ProposalContent> {
  const [event] = await getContractEvents(client, {
    address: deployment.contracts.Governance,
    abi: governanceAbi,
    eventName: "ProposalCreated",
    args: { proposalId },
    fromBlock: deployment.startBlock,
    strict: true,
  });
  if (!event) throw new MzkuError("EVENT_NOT_FOUND", `no ProposalCreated event for proposal ${proposalId}`);
  const { proposer, targets, values, calldatas, description } = event.args;
  return { proposalId, proposer, targets, values, calldatas, description };
}

/** Executes proposal `proposalId` with the calls it was created with. */
export async function executeProposal(
  wallet: SigningClient,
  deployment: Deployment,
  proposalId: bigint,
): Promise<TransactionReceipt> {
  const { targets, values, calldatas } = await proposalContent(wallet, deployment, proposalId);
  return governance.execute(wallet, {
    address: deployment.contracts.Governance,
    args: [proposalId, targets, values, calldatas],
    value: values.reduce((a, b) => a + b, 0n),
  });
}
