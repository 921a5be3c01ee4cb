import { type Address, type Client, type Log, parseEventLogs } from "viem";
import { getLogs } from "viem/actions";
import { protocolAbi } from "./abis.js";

/** Decodes protocol events from raw logs (for example a receipt's logs); other logs are skipped. */
export function decodeProtocolEvents(logs: readonly Log[]) {
  return parseEventLogs({ abi: protocolAbi, logs: [...logs] });
}

/** A protocol event, decoded with its name and typed arguments. */
export type ProtocolEvent = ReturnType<typeof decodeProtocolEvents>[number];

/** Fetches and decodes every protocol event emitted by `addresses` in a block range. */
export async function getProtocolEvents(
  client: Client,
  parameters: { addresses: readonly Address[]; fromBlock: bigint; toBlock?: bigint },
): Promise<ProtocolEvent[]> {
  const logs = await getLogs(client, {
    address: [...parameters.addresses],
    fromBlock: parameters.fromBlock,
    toBlock: parameters.toBlock ?? "latest",
  });
  return decodeProtocolEvents(logs);
}
