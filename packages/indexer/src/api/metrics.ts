/** Prometheus metrics of the API (`api_` prefix, unit suffix); one registry per server. */
import { Counter, Gauge, Histogram, Registry } from "prom-client";

export interface ApiMetrics {
  readonly registry: Registry;
  readonly requests: Counter<"route" | "status">;
  readonly duration: Histogram<"route">;
}

/** `indexState` reads what the database says of the index at scrape time. */
export function createApiMetrics(
  indexState: () => Promise<{ indexedBlock: number; headBlock: number } | undefined>,
  registry: Registry = new Registry(),
): ApiMetrics {
  let last: { indexedBlock: number; headBlock: number } | undefined;
  const refresh = async () => {
    last = await indexState().catch(() => last);
  };
  new Gauge({
    name: "api_indexed_block",
    help: "Last block indexed in the database the API serves",
    registers: [registry],
    async collect() {
      await refresh();
      if (last) this.set(last.indexedBlock);
    },
  });
  new Gauge({
    name: "api_head_block",
    help: "Chain head the indexer last saw",
    registers: [registry],
    collect() {
      if (last) this.set(last.headBlock);
    },
  });
  new Gauge({
    name: "api_lag_blocks",
    help: "Blocks between the head the indexer saw and the last indexed block",
    registers: [registry],
    collect() {
      if (last) this.set(Math.max(0, last.headBlock - last.indexedBlock));
    },
  });
  return {
    registry,
    requests: new Counter({
      name: "api_requests_total",
      help: "HTTP requests by route and status",
      labelNames: ["route", "status"],
      registers: [registry],
    }),
    duration: new Histogram({
      name: "api_request_duration_seconds",
      help: "Time to answer an HTTP request, by route",
      labelNames: ["route"],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}
