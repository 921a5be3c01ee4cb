/**
 * The sidecar's local endpoint, bound to 127.0.0.1 only: `GET /metrics` (Prometheus text),
 * `GET /status` (JSON: period, membership, node health, targets, peers and their scores, recent
 * reports), `GET /observations?period=N&target=0x..` (this sidecar's probes of a target, by round),
 * in aggregate mode `GET /verdicts?period=N` (the signed verdicts of the period it holds: the leaves
 * anyone needs to check or challenge an aggregate). Anything else is a 404 with a JSON body.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Address, getAddress, isAddress } from "viem";
import type { SidecarMetrics } from "./metrics.js";

export interface HttpServer {
  readonly url: string;
  close(): Promise<void>;
}

export interface HttpRoutes {
  readonly status: () => unknown;
  /** Own observations of a target in a period (`/observations?period=N&target=0x...`). */
  readonly observations: (period: bigint, target: Address) => unknown;
  /** Aggregate mode: the signed verdicts held for a period (`/verdicts?period=N`). */
  readonly verdicts?: (period: bigint) => unknown;
}

export async function startHttp(port: number, metrics: SidecarMetrics, routes: HttpRoutes): Promise<HttpServer> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = url.pathname;
    const json = (code: number, body: unknown) => {
      res.writeHead(code, { "content-type": "application/json" });
      res.end(JSON.stringify(body, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
    };
    if (req.method !== "GET")
      return json(405, { error: "METHOD_NOT_ALLOWED", message: `${req.method} is not allowed` });
    if (path === "/metrics") {
      metrics.registry
        .metrics()
        .then((text) => {
          res.writeHead(200, { "content-type": metrics.registry.contentType });
          res.end(text);
        })
        .catch((error) => json(500, { error: "INTERNAL", message: String(error) }));
      return;
    }
    if (path === "/status") return json(200, routes.status());
    if (path === "/observations") {
      const period = url.searchParams.get("period") ?? "";
      const target = url.searchParams.get("target") ?? "";
      if (!/^[0-9]{1,18}$/.test(period) || !isAddress(target)) {
        return json(400, { error: "BAD_REQUEST", message: "period (a number) and target (an address) are required" });
      }
      return json(200, routes.observations(BigInt(period), getAddress(target)));
    }
    if (path === "/verdicts" && routes.verdicts) {
      const period = url.searchParams.get("period") ?? "";
      if (!/^[0-9]{1,18}$/.test(period)) {
        return json(400, { error: "BAD_REQUEST", message: "period (a number) is required" });
      }
      return json(200, routes.verdicts(BigInt(period)));
    }
    json(404, { error: "NOT_FOUND", message: `no route ${path}; try /status or /metrics` });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
