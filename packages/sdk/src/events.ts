/**
 * The one way to decode protocol logs: each log with the ABI of the contract that emitted it, found by
 * its address. Event names repeat across contracts with different layouts (`StakeObserverSet` is
 * `(address indexed observer)` in one contract and not indexed in another), so a log is never decoded
 * against a merged ABI. Logs from addresses not given are skipped.
 */
import type { Abi, AbiEvent, Address, Client, Hex, Log, ParseEventLogsReturnType } from "viem";
import { decodeEventLog, toEventSelector } from "viem";
import { getLogs } from "viem/actions";
import { contractAbis } from "./abis.js";

/** A contract the sdk has an ABI for (the protocol contracts and `MicroPool`). */
export type SdkContractName = keyof typeof contractAbis;

/**
 * Where each contract lives: one address, or several for clones (`MicroPool`). A deployment's
 * `contracts` fits as it is: `decodeEvents(logs, deployment.contracts)`.
 */
export type ContractAddresses = { readonly [C in SdkContractName]?: Address | readonly Address[] };

/** A decoded event of contract `C`: `contract`, `eventName`, typed `args`, and the log's fields. */
export type ContractEvent<C extends SdkContractName = SdkContractName> = {
  [K in C]: ParseEventLogsReturnType<(typeof contractAbis)[K], undefined, true>[number] & { contract: K };
}[C];

/** A decoded event of contract `C` named `E`. */
export type NamedEvent<C extends SdkContractName, E extends ContractEvent<C>["eventName"]> = Extract<
  ContractEvent<C>,
  { eventName: E }
>;

function addressBook(contracts: ContractAddresses): Map<string, SdkContractName> {
  const book = new Map<string, SdkContractName>();
  for (const [name, value] of Object.entries(contracts) as [SdkContractName, Address | readonly Address[]][]) {
    for (const address of typeof value === "string" ? [value] : value) book.set(address.toLowerCase(), name);
  }
  return book;
}

/** Each ABI's events by selector (topic 0), computed once per ABI: hashing every signature per log was most of the cost. */
const selectorsByAbi = new WeakMap<Abi, Map<Hex, AbiEvent>>();

function eventsBySelector(abi: Abi): Map<Hex, AbiEvent> {
  let map = selectorsByAbi.get(abi);
  if (map === undefined) {
    map = new Map();
    for (const item of abi) if (item.type === "event" && !item.anonymous) map.set(toEventSelector(item), item);
    selectorsByAbi.set(abi, map);
  }
  return map;
}

/**
 * Decodes `logs` (a receipt's, or `eth_getLogs`'s) with the ABI of the contract at each log's
 * address; logs of other addresses, and events a contract's ABI does not declare, are skipped.
 */
export function decodeEvents(logs: readonly Log[], contracts: ContractAddresses): ContractEvent[] {
  const book = addressBook(contracts);
  const out: ContractEvent[] = [];
  for (const log of logs) {
    const contract = book.get(log.address.toLowerCase());
    if (contract === undefined) continue;
    const selector = log.topics[0];
    const event = selector === undefined ? undefined : eventsBySelector(contractAbis[contract] as Abi).get(selector);
    if (event === undefined) continue;
    let decoded: { eventName: string; args: unknown };
    try {
      // strict: a log whose data or topics do not fit the event's layout is not this event
      decoded = decodeEventLog({ abi: [event], data: log.data, topics: log.topics as [Hex, ...Hex[]], strict: true });
    } catch {
      continue;
    }
    out.push({ ...log, eventName: decoded.eventName, args: decoded.args, contract } as unknown as ContractEvent);
  }
  return out;
}

/** The events of `contract` named `eventName`, in order, typed: `eventsNamed(events, "ProjectMarket", "BidRevealed")`. */
export function eventsNamed<C extends SdkContractName, E extends ContractEvent<C>["eventName"]>(
  events: readonly ContractEvent[],
  contract: C,
  eventName: E,
): NamedEvent<C, E>[] {
  return events.filter((e) => e.contract === contract && e.eventName === eventName) as unknown as NamedEvent<C, E>[];
}

/** The first event of `contract` named `eventName`, or undefined. */
export function findEvent<C extends SdkContractName, E extends ContractEvent<C>["eventName"]>(
  events: readonly ContractEvent[],
  contract: C,
  eventName: E,
): NamedEvent<C, E> | undefined {
  return eventsNamed(events, contract, eventName)[0];
}

/** Fetches the logs of the given contracts in a block range and decodes them with {@link decodeEvents}. */
export async function getEvents(
  client: Client,
  parameters: { contracts: ContractAddresses; fromBlock: bigint; toBlock?: bigint },
): Promise<ContractEvent[]> {
  const addresses = [...addressBook(parameters.contracts).keys()] as Address[];
  if (addresses.length === 0) return [];
  const logs = await getLogs(client, {
    address: addresses,
    fromBlock: parameters.fromBlock,
    toBlock: parameters.toBlock ?? "latest",
  });
  return decodeEvents(logs, parameters.contracts);
}
