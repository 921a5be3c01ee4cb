/**
 * Everything the sidecar reads and writes on-chain, through the sdk's generated actions: the
 * UptimeReports roster, periods and reports, its node in the NodeRegistry, Reputation.refresh.
 */
import {
  type AuditPeriod,
  type Deployment,
  MzkuContractError,
  nodeRegistry,
  reputation,
  uptimeReports,
} from "@mzku/sdk";
import type { Account, Address, Hash, PublicActions, Transport, Chain as ViemChain, WalletClient } from "viem";
import type { Resources } from "./node/capacity.js";

/** Gas limit of a report: fixed part, and per target the worst case (decision, refresh, penalty). */
const REPORT_GAS_BASE = 150_000n;
const REPORT_GAS_PER_TARGET = 450_000n;

export type SidecarClient = WalletClient<Transport, ViemChain, Account> & PublicActions<Transport, ViemChain, Account>;

export interface Membership {
  readonly slot: number;
  readonly nodeId: bigint;
  readonly providerId: bigint;
}

export class Chain {
  private readonly sidecars = new Map<number, Address>();

  constructor(
    readonly client: SidecarClient,
    readonly deployment: Deployment,
  ) {}

  get address(): Address {
    return this.client.account.address;
  }

  private get reports(): Address {
    return this.deployment.contracts.UptimeReports;
  }

  currentPeriod(): Promise<bigint> {
    return uptimeReports.currentPeriod(this.client, { address: this.reports });
  }

  /** The period as `openPeriod` fixed it, or undefined if it was not opened. */
  async period(period: bigint): Promise<AuditPeriod | undefined> {
    const p = await uptimeReports.periodInfo(this.client, { address: this.reports, args: [period] });
    if (/^0x0+$/.test(p.seed)) return undefined;
    return { seed: p.seed, size: Number(p.size), k: Number(p.k), stride: Number(p.stride) };
  }

  async membership(): Promise<Membership | undefined> {
    const [slot, joined] = await uptimeReports.slotOf(this.client, { address: this.reports, args: [this.address] });
    if (!joined) return undefined;
    const m = await uptimeReports.memberAt(this.client, { address: this.reports, args: [slot] });
    return { slot: Number(slot), nodeId: BigInt(m.nodeId), providerId: BigInt(m.providerId) };
  }

  /** Whether `slot` has a report recorded for `period`. */
  async reported(slot: number, period: bigint): Promise<boolean> {
    const m = await uptimeReports.memberAt(this.client, { address: this.reports, args: [BigInt(slot)] });
    return BigInt(m.reportedPeriod) === period + 1n;
  }

  async sidecarAt(slot: number): Promise<Address> {
    const known = this.sidecars.get(slot);
    if (known) return known;
    const a = await uptimeReports.sidecarAt(this.client, { address: this.reports, args: [BigInt(slot)] });
    this.sidecars.set(slot, a);
    return a;
  }

  async rosterSize(): Promise<number> {
    return Number(await uptimeReports.rosterSize(this.client, { address: this.reports }));
  }

  /** Sends `openPeriod` without waiting for it to be mined (the next step sees the period open). */
  async openPeriod(): Promise<void> {
    await uptimeReports.sendOpenPeriod(this.client, { address: this.reports });
  }

  async join(): Promise<void> {
    await uptimeReports.join(this.client, { address: this.reports });
  }

  /**
   * Sends a report of `k` votes with a gas limit for its worst case: the estimate depends on which
   * other reports land first (the vote that decides a node pays for the decision, a score refresh and
   * possibly the downtime penalty), so an estimate taken now can run out of gas when mined.
   */
  sendReport(period: bigint, votes: bigint, k: number): Promise<Hash> {
    const gas = REPORT_GAS_BASE + BigInt(k) * REPORT_GAS_PER_TARGET;
    return uptimeReports.sendReport(this.client, { address: this.reports, args: [period, votes], gas });
  }

  /** The receipt's status of `hash`: mined ok, mined reverted, known but pending, or unknown. */
  async txState(hash: Hash): Promise<"success" | "reverted" | "pending" | "unknown"> {
    const receipt = await this.client.getTransactionReceipt({ hash }).catch(() => undefined);
    if (receipt) return receipt.status === "success" ? "success" : "reverted";
    const tx = await this.client.getTransaction({ hash }).catch(() => undefined);
    return tx ? "pending" : "unknown";
  }

  /** Whether a transaction of this sidecar is sent but not mined (pending nonce above the mined one). */
  async inFlight(): Promise<boolean> {
    const [mined, pending] = await Promise.all([
      this.client.getTransactionCount({ address: this.address, blockTag: "latest" }),
      this.client.getTransactionCount({ address: this.address, blockTag: "pending" }),
    ]);
    return pending > mined;
  }

  nodeIdOfSelf(): Promise<bigint> {
    return this.nodeIdOf(this.address);
  }

  /** The node `sidecar` was registered with (0: none). */
  nodeIdOf(sidecar: Address): Promise<bigint> {
    return nodeRegistry.nodeIdOfSidecar(this.client, {
      address: this.deployment.contracts.NodeRegistry,
      args: [sidecar],
    });
  }

  async nodeStatus(nodeId: bigint): Promise<number> {
    const n = await nodeRegistry.getNode(this.client, {
      address: this.deployment.contracts.NodeRegistry,
      args: [nodeId],
    });
    return Number(n.status);
  }

  /** The node's status and resources as the NodeRegistry holds them. */
  async node(nodeId: bigint): Promise<{ status: number; resources: Resources }> {
    const n = await nodeRegistry.getNode(this.client, {
      address: this.deployment.contracts.NodeRegistry,
      args: [nodeId],
    });
    return { status: Number(n.status), resources: n.resources };
  }

  /** Reports the node's capacity (waits for it to be mined; a revert throws its custom error). */
  async setNodeResources(nodeId: bigint, resources: Resources): Promise<void> {
    await nodeRegistry.setNodeResources(this.client, {
      address: this.deployment.contracts.NodeRegistry,
      args: [nodeId, resources],
    });
  }

  async activateNode(nodeId: bigint): Promise<void> {
    await nodeRegistry.activateNode(this.client, { address: this.deployment.contracts.NodeRegistry, args: [nodeId] });
  }

  /** Sends `Reputation.refresh(providerId)` without waiting for it to be mined. */
  async refresh(providerId: bigint): Promise<void> {
    await reputation.sendRefresh(this.client, { address: this.deployment.contracts.Reputation, args: [providerId] });
  }
}

/** The custom error name of a contract revert, if `error` is one. */
export function revertName(error: unknown): string | undefined {
  return error instanceof MzkuContractError ? error.errorName : undefined;
}
