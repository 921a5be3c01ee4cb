/**
 * Prometheus metrics of the co-signer and combiner (`signer_` prefix, unit suffix). One registry per
 * service instance, no module singletons; served on 127.0.0.1 by `startMetricsServer`.
 */
import { createServer, type Server } from "node:http";
import { Counter, Gauge, Histogram, Registry } from "prom-client";

export interface SignerMetrics {
  readonly registry: Registry;
  /** Sign requests by signing type and outcome (ok, bad_request, slashable, unknown_key, not_enough_partials, cosigner_unauthorized, error). */
  readonly signRequests: Counter<"role" | "type" | "outcome">;
  /** Wall time of a sign request inside the server, request parsed to answer written. */
  readonly signDuration: Histogram<"role" | "type">;
  /** Slashing-protection refusals by reason. */
  readonly slashingRefusals: Counter<"role" | "reason">;
  /** Time for one co-signer to answer the combiner (valid or not). */
  readonly cosignerRequestDuration: Histogram<"party">;
  /** Partials received by the combiner by party and result (valid, invalid, refused, unauthorized, error, timeout, late). */
  readonly partials: Counter<"party" | "result">;
  /** Keys (or key shares) loaded. */
  readonly keysLoaded: Gauge;
}

export function createSignerMetrics(registry: Registry = new Registry()): SignerMetrics {
  const buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
  return {
    registry,
    signRequests: new Counter({
      name: "signer_sign_requests_total",
      help: "Sign requests by role, signing type and outcome",
      labelNames: ["role", "type", "outcome"],
      registers: [registry],
    }),
    signDuration: new Histogram({
      name: "signer_sign_duration_seconds",
      help: "Time to answer a sign request",
      labelNames: ["role", "type"],
      buckets,
      registers: [registry],
    }),
    slashingRefusals: new Counter({
      name: "signer_slashing_refusals_total",
      help: "Signings refused by slashing protection, by reason",
      labelNames: ["role", "reason"],
      registers: [registry],
    }),
    cosignerRequestDuration: new Histogram({
      name: "signer_cosigner_request_duration_seconds",
      help: "Time for a co-signer to answer the combiner",
      labelNames: ["party"],
      buckets,
      registers: [registry],
    }),
    partials: new Counter({
      name: "signer_partials_total",
      help: "Partial signatures seen by the combiner, by party and result",
      labelNames: ["party", "result"],
      registers: [registry],
    }),
    keysLoaded: new Gauge({
      name: "signer_keys_loaded_count",
      help: "Validator keys (or key shares) this process serves",
      registers: [registry],
    }),
  };
}

/** Serves `GET /metrics` on `host` (127.0.0.1 by default). Resolves once listening. */
export async function startMetricsServer(
  registry: Registry,
  opts: { port: number; host?: string },
): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    if (req.method === "GET" && req.url === "/metrics") {
      registry.metrics().then(
        (body) => {
          res.writeHead(200, { "content-type": registry.contentType });
          res.end(body);
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
      return;
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host ?? "127.0.0.1", () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === "object" && addr !== null ? addr.port : opts.port;
  return {
    server,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
