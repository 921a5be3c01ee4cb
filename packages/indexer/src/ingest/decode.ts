/**
 * Decodes raw logs with the generated ABI of the contract that emitted them, keyed by address and
 * topic (event names collide across contracts: `Transfer` of MZKU and of an aETH pool). Micro-pools
 * are clones whose addresses the factory announces (`PoolOpened`), added with `addMicroPool`.
 */
import type { ContractName, Deployment } from "@mzku/sdk";
import * as abis from "@mzku/sdk";
import { microPoolAbi, protocolContractNames } from "@mzku/sdk";
import { type Abi, type AbiEvent, decodeEventLog, type Hex, type Log, toEventSelector } from "viem";
import { IndexerError } from "../errors.js";

export type SourceName = ContractName | "MicroPool";

/** A decoded protocol event with everything a projection needs. */
export interface DecodedEvent {
  contract: SourceName;
  address: string;
  eventName: string;
  args: Record<string, unknown>;
  blockNumber: number;
  blockHash: string;
  logIndex: number;
  txHash: string;
}

type Source = { name: SourceName; byTopic: Map<string, AbiEvent> };

function abiOf(name: ContractName): Abi {
  const key = `${name.charAt(0).toLowerCase()}${name.slice(1)}Abi`;
  const abi = (abis as unknown as Record<string, Abi | undefined>)[key];
  if (!abi) throw new Error(`no generated ABI for ${name}`);
  return abi;
}

function byTopic(abi: Abi): Map<string, AbiEvent> {
  const map = new Map<string, AbiEvent>();
  for (const item of abi) if (item.type === "event") map.set(toEventSelector(item), item);
  return map;
}

export class EventDecoder {
  private readonly sources = new Map<string, Source>();
  private readonly microPoolTopics = byTopic(microPoolAbi as Abi);

  constructor(deployment: Deployment) {
    for (const name of protocolContractNames) {
      this.sources.set(deployment.contracts[name].toLowerCase(), { name, byTopic: byTopic(abiOf(name)) });
    }
  }

  /** Addresses of the deployment's contracts (fixed). */
  staticAddresses(): Hex[] {
    return [...this.sources.entries()].filter(([, s]) => s.name !== "MicroPool").map(([a]) => a as Hex);
  }

  addMicroPool(address: string): void {
    this.sources.set(address.toLowerCase(), { name: "MicroPool", byTopic: this.microPoolTopics });
  }

  isKnown(address: string): boolean {
    return this.sources.has(address.toLowerCase());
  }

  /** Decodes one log; `undefined` for a log of an address we do not follow. */
  decode(log: Log): DecodedEvent | undefined {
    const address = log.address.toLowerCase();
    const source = this.sources.get(address);
    if (!source) return undefined;
    const topic = log.topics[0];
    const item = topic ? source.byTopic.get(topic) : undefined;
    if (!item || log.blockNumber === null || log.logIndex === null || log.transactionHash === null || !log.blockHash) {
      throw new IndexerError("INDEXER_DECODE_FAILED", `${source.name} emitted a log the sdk's ABI does not know`, {
        details: { address, topic, block: log.blockNumber?.toString(), txHash: log.transactionHash },
      });
    }
    try {
      const decoded = decodeEventLog({ abi: [item], data: log.data, topics: log.topics, strict: true });
      return {
        contract: source.name,
        address,
        eventName: decoded.eventName,
        args: (decoded.args ?? {}) as Record<string, unknown>,
        blockNumber: Number(log.blockNumber),
        blockHash: log.blockHash,
        logIndex: log.logIndex,
        txHash: log.transactionHash,
      };
    } catch (cause) {
      throw new IndexerError("INDEXER_DECODE_FAILED", `cannot decode ${source.name}.${item.name}`, {
        details: { address, block: Number(log.blockNumber), logIndex: log.logIndex },
        cause,
      });
    }
  }
}

/** JSON of decoded arguments: bigints as decimal strings, addresses lower-case. */
export function argsJson(args: Record<string, unknown>): string {
  return JSON.stringify(args, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}
