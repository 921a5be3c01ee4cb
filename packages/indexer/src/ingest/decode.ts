/**
 * Decodes the followed contracts' logs with the sdk's one decoder (`decodeEvents`: each log with the
 * ABI of the contract at its address; event names collide across contracts, such as `Transfer` of
 * MZKU and of an aETH pool). Micro-pools are clones whose addresses the factory announces
 * (`PoolOpened`), added with `addMicroPool`. A log of a followed address that the ABI does not declare
 * stops the follower (`INDEXER_DECODE_FAILED`): the sdk is older than the contracts, and skipping it
 * would leave the derived tables silently wrong.
 */
import {
  type ContractAddresses,
  type Deployment,
  decodeEvents,
  protocolContractNames,
  type SdkContractName,
} from "@mzku/sdk";
import type { Address, Hex, Log } from "viem";
import { IndexerError } from "../errors.js";

export type SourceName = SdkContractName;

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

export class EventDecoder {
  private readonly statics: Map<string, SdkContractName>;
  private readonly pools = new Set<string>();

  constructor(deployment: Deployment) {
    this.statics = new Map(protocolContractNames.map((name) => [deployment.contracts[name].toLowerCase(), name]));
  }

  /** Addresses of the deployment's contracts (fixed). */
  staticAddresses(): Hex[] {
    return [...this.statics.keys()] as Hex[];
  }

  addMicroPool(address: string): void {
    this.pools.add(address.toLowerCase());
  }

  isKnown(address: string): boolean {
    const a = address.toLowerCase();
    return this.statics.has(a) || this.pools.has(a);
  }

  private book(): ContractAddresses {
    const book: Record<string, Address | Address[]> = {};
    for (const [address, name] of this.statics) book[name] = address as Address;
    book.MicroPool = [...this.pools] as Address[];
    return book as ContractAddresses;
  }

  /** Decodes `logs` (in order); logs of addresses not followed are dropped. */
  decodeAll(logs: readonly Log[]): DecodedEvent[] {
    const followed = logs.filter((l) => this.isKnown(l.address));
    const decoded = decodeEvents(followed, this.book());
    if (decoded.length !== followed.length) {
      const seen = new Set(decoded.map((e) => `${e.blockNumber}:${e.logIndex}`));
      const missing = followed.find((l) => !seen.has(`${l.blockNumber}:${l.logIndex}`));
      throw new IndexerError(
        "INDEXER_DECODE_FAILED",
        "a followed contract emitted a log the sdk's ABI does not declare",
        {
          details: {
            address: missing?.address,
            topic: missing?.topics[0],
            block: missing?.blockNumber?.toString(),
            txHash: missing?.transactionHash,
          },
        },
      );
    }
    return decoded.map((e) => {
      if (e.blockNumber === null || e.logIndex === null || e.transactionHash === null || e.blockHash === null) {
        throw new IndexerError("INDEXER_DECODE_FAILED", "pending log in a mined range", {
          details: { address: e.address },
        });
      }
      return {
        contract: e.contract,
        address: e.address.toLowerCase(),
        eventName: e.eventName,
        args: (e.args ?? {}) as Record<string, unknown>,
        blockNumber: Number(e.blockNumber),
        blockHash: e.blockHash,
        logIndex: e.logIndex,
        txHash: e.transactionHash,
      };
    });
  }
}

/** JSON of decoded arguments: bigints as decimal strings. */
export function argsJson(args: Record<string, unknown>): string {
  return JSON.stringify(args, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}
