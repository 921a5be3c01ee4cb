/** The sidecar's Prometheus metrics (prom-client), all prefixed `mzku_sidecar_`, on its own registry. */
import { Counter, Gauge, Registry } from "prom-client";

export type SidecarMetrics = ReturnType<typeof createMetrics>;

export function createMetrics() {
  const registry = new Registry();
  const p = "mzku_sidecar_";
  const registers = [registry];
  return {
    registry,
    nodeUp: new Gauge({ name: `${p}node_up`, help: "1 when the own node is healthy", registers }),
    nodeHeadLag: new Gauge({ name: `${p}node_head_lag_seconds`, help: "age of the own node's head", registers }),
    nodePeers: new Gauge({ name: `${p}node_peers`, help: "peers of the own node (-1 unknown)", registers }),
    nodeSyncing: new Gauge({ name: `${p}node_syncing`, help: "1 while the own node syncs", registers }),
    nodeRestarts: new Counter({ name: `${p}node_restarts_total`, help: "restarts of the supervised node", registers }),
    nodeCapacity: new Gauge({
      name: `${p}node_capacity`,
      help: "the own node's resources as registered on-chain (cpu_cores, ram_gb, storage_gb, bandwidth_mbps)",
      labelNames: ["resource"] as const,
      registers,
    }),
    capacityReports: new Counter({
      name: `${p}capacity_reports_total`,
      help: "setNodeResources transactions sent (the measured capacity differed on-chain)",
      registers,
    }),
    period: new Gauge({ name: `${p}period`, help: "current audit period", registers }),
    audits: new Counter({
      name: `${p}audits_total`,
      help: "probes of assigned targets, by result",
      labelNames: ["result"] as const,
      registers,
    }),
    gossipPeers: new Gauge({ name: `${p}gossip_peers`, help: "connected libp2p peers", registers }),
    gossipMessages: new Counter({
      name: `${p}gossip_messages_total`,
      help: "gossip messages received, by kind and verdict",
      labelNames: ["kind", "verdict"] as const,
      registers,
    }),
    gossipRejected: new Counter({
      name: `${p}gossip_rejected_total`,
      help: "gossip messages dropped, by reason (malformed, unsigned, forged, unknown_sender, too_large, wrong_peer)",
      labelNames: ["reason"] as const,
      registers,
    }),
    reportsSent: new Counter({ name: `${p}reports_sent_total`, help: "report transactions sent", registers }),
    reportsConfirmed: new Counter({
      name: `${p}reports_confirmed_total`,
      help: "reports found recorded on-chain",
      registers,
    }),
    failures: new Counter({
      name: `${p}failures_total`,
      help: "failures by reason (rpc, report_reverted, report_expired, open_period, join, refresh, probe, capacity, aggregate, gossip)",
      labelNames: ["reason"] as const,
      registers,
    }),
    aggregateVerdicts: new Counter({
      name: `${p}aggregate_verdicts_total`,
      help: "verdicts received over gossip (aggregate mode), by result (accepted, duplicate, unassigned)",
      labelNames: ["result"] as const,
      registers,
    }),
    aggregateShares: new Counter({
      name: `${p}aggregate_shares_total`,
      help: "BLS shares, by result (sent, received by the aggregator, mismatch: not co-signed)",
      labelNames: ["result"] as const,
      registers,
    }),
    aggregatesPosted: new Counter({ name: `${p}aggregates_posted_total`, help: "aggregates posted", registers }),
    aggregatesChallenged: new Counter({
      name: `${p}aggregates_challenged_total`,
      help: "wrong aggregate decisions this sidecar challenged, by result (won: overturned with its bond; lost: another watcher overturned it first)",
      labelNames: ["result"] as const,
      registers,
    }),
    aggregateWithdrawals: new Counter({
      name: `${p}aggregate_withdrawals_total`,
      help: "withdrawals of what the reports contract owed this sidecar (a won bond, its own bond back)",
      registers,
    }),
    aggregatesFinalized: new Counter({
      name: `${p}aggregates_finalized_total`,
      help: "aggregates this sidecar finalized",
      registers,
    }),
    aggregateFallbacks: new Counter({
      name: `${p}aggregate_fallbacks_total`,
      help: "periods with no aggregate by the fallback block, reported individually",
      registers,
    }),
    outboxPending: new Gauge({ name: `${p}outbox_pending`, help: "reports not yet confirmed", registers }),
  };
}
