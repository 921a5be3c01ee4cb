import { type Deployment, decodeEvents, eventsNamed, findEvent, getEvents } from "@mzku/sdk";
import type { Address, Client, TransactionReceipt } from "viem";

export function poolActivation(receipt: TransactionReceipt, deployment: Deployment, pool: Address) {
  const events = decodeEvents(receipt.logs, { ...deployment.contracts, MicroPool: pool });
  return findEvent(events, "MicroPool", "Activated")?.args.depositDataRoot;
}

export async function revealedBids(client: Client, deployment: Deployment, fromBlock: bigint) {
  const events = await getEvents(client, { contracts: deployment.contracts, fromBlock });
  return eventsNamed(events, "ProjectMarket", "BidRevealed").map((e) => ({ ...e.args, block: e.blockNumber }));
}
