import { GovernanceSupport, governance, isContractError, waitForWrite } from "@mzku/sdk";
import type { Address, Client } from "viem";

export async function voteFor(walletClient: Client, governanceAddress: Address, proposalId: bigint) {
  // waits for the receipt
  const receipt = await governance.castVote(walletClient, {
    address: governanceAddress,
    args: [proposalId, GovernanceSupport.For],
  });
  // or: the hash now, the receipt later
  const hash = await governance
    .sendCastVote(walletClient, {
      address: governanceAddress,
      args: [proposalId + 1n, GovernanceSupport.Against],
    })
    .catch((error: unknown) => {
      if (isContractError(error, "GovernanceAlreadyVoted")) return undefined;
      throw error;
    });
  if (hash) await waitForWrite(walletClient, { hash, functionName: "castVote" });
  return receipt.gasUsed;
}
