/** Prometheus metrics of the follower (`indexer_` prefix, unit suffix); one registry per instance. */
import { Counter, Gauge, Histogram, Registry } from "prom-client";

export interface IndexerMetrics {
  readonly registry: Registry;
  readonly indexedBlock: Gauge;
  readonly headBlock: Gauge;
  readonly events: Counter;
  readonly reorgs: Counter<"outcome">;
  readonly batchDuration: Histogram;
}

export function createIndexerMetrics(registry: Registry = new Registry()): IndexerMetrics {
  const indexedBlock = new Gauge({ name: "indexer_indexed_block", help: "Last block indexed", registers: [registry] });
  const headBlock = new Gauge({
    name: "indexer_head_block",
    help: "Chain head seen by the follower",
    registers: [registry],
  });
  new Gauge({
    name: "indexer_lag_blocks",
    help: "Blocks between the chain head and the last indexed block",
    registers: [registry],
    async collect() {
      const head = (await headBlock.get()).values[0]?.value ?? 0;
      const indexed = (await indexedBlock.get()).values[0]?.value ?? 0;
      this.set(Math.max(0, head - indexed));
    },
  });
  return {
    registry,
    indexedBlock,
    headBlock,
    events: new Counter({ name: "indexer_events_total", help: "Protocol events indexed", registers: [registry] }),
    reorgs: new Counter({
      name: "indexer_reorgs_total",
      help: "Reorgs seen, by outcome (rolled_back, too_deep)",
      labelNames: ["outcome"],
      registers: [registry],
    }),
    batchDuration: new Histogram({
      name: "indexer_batch_duration_seconds",
      help: "Time to fetch, project and commit one batch",
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}
