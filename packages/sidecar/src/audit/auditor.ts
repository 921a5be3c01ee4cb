/**
 * One probe round over the sidecar's targets of the current period: each target's node health
 * (its announced JSON-RPC / Beacon endpoint, the same adapters as for the own node) and a libp2p
 * ping of its sidecar, in parallel up to `concurrency`. Each result is stored, signed (EIP-712 with
 * the sidecar key) and gossiped. A target is "up" in a round when its node answered healthy; the ping
 * latency is recorded beside it. A target that never announced an endpoint cannot be probed: down.
 */
import type { Logger } from "@mzku/log";
import type { Address } from "viem";
import type { NodeKind } from "../config.js";
import type { SidecarMetrics } from "../metrics.js";
import { checkHealth } from "../node/health.js";
import type { SidecarStore } from "../store/db.js";
import type { Announce, Observation, ObservationSigner } from "./messages.js";

export interface AuditorDeps {
  /** The sidecar key and signing domain (libsecp256k1). */
  readonly signer: ObservationSigner;
  readonly store: SidecarStore;
  readonly metrics: SidecarMetrics;
  readonly log: Logger;
  /** Where a target's node and sidecar are (from announcements). */
  readonly endpointOf: (target: Address) => Announce | undefined;
  /** libp2p ping of a sidecar peer (ms); absent: health only. */
  readonly ping?: (peerId: string, timeoutMs: number) => Promise<number>;
  /** Gossips a signed observation. */
  readonly publish?: (data: Uint8Array) => Promise<unknown>;
  readonly timeoutMs: number;
  readonly maxHeadLagSeconds: number;
  readonly concurrency?: number;
}

export class Auditor {
  constructor(private readonly d: AuditorDeps) {}

  /** Probes every target once for round `round` of `period`; returns the observations. */
  async round(period: bigint, round: number, targets: readonly Address[]): Promise<Observation[]> {
    const out: Observation[] = [];
    const queue = [...targets];
    const worker = async () => {
      for (let t = queue.shift(); t !== undefined; t = queue.shift()) {
        out.push(await this.probe(period, round, t));
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.d.concurrency ?? 32, targets.length) }, worker));
    return out;
  }

  private async probe(period: bigint, round: number, target: Address): Promise<Observation> {
    const endpoint = this.d.endpointOf(target);
    const started = Date.now();
    let up = false;
    let latencyMs = 0;
    if (endpoint) {
      const [health, rtt] = await Promise.all([
        checkHealth(endpoint.nodeKind as NodeKind, endpoint.nodeUrl, {
          timeoutMs: this.d.timeoutMs,
          maxHeadLagSeconds: this.d.maxHeadLagSeconds,
        }),
        this.d.ping ? this.d.ping(endpoint.peerId, this.d.timeoutMs).catch(() => -1) : Promise.resolve(-1),
      ]);
      up = health.healthy;
      latencyMs = rtt >= 0 ? Math.round(rtt) : Date.now() - started;
    }
    const o: Observation = {
      auditor: this.d.signer.address,
      target,
      period,
      round,
      up,
      latencyMs: Math.min(latencyMs, 2 ** 32 - 1),
      observedAt: BigInt(Math.floor(Date.now() / 1000)),
    };
    this.d.store.recordObservation(o);
    this.d.metrics.audits.inc({ result: up ? "up" : "down" });
    if (this.d.publish) {
      const data = this.d.signer.sign(o);
      await this.d
        .publish(data)
        .catch((error) => this.d.log.debug("observation not gossiped", { error: String(error) }));
    }
    return o;
  }
}
