/**
 * The indexer and the API as a service: `indexer` follows the chain, `api` serves a database another
 * process fills, `serve` does both in one process (the API on its own connection). Wires the parts
 * together; flags are parsed by `parseServiceArgs` for both `mzku` and `mzku-indexer`.
 */
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { UsageError } from "@mzku/errors";
import { createLogger, type Logger, resolveLogLevel } from "@mzku/log";
import type { Deployment } from "@mzku/sdk";
import { loadDeployment } from "@mzku/sdk/node/deployment";
import { type ApiServer, startApi } from "./api/server.js";
import { IndexerError } from "./errors.js";
import { Follower } from "./ingest/follower.js";
import { createIndexerMetrics } from "./ingest/metrics.js";
import { type Db, isPostgresUrl, openDb } from "./store/db.js";
import { migrate } from "./store/migrations.js";

export { serviceUsage } from "./usage.js";

export type ServiceMode = "indexer" | "api" | "serve";

export interface ServiceOptions {
  mode: ServiceMode;
  /** SQLite file path or `postgres://…`. */
  databaseUrl: string;
  rpcUrl?: string;
  deployment?: Deployment;
  confirmations?: number;
  batchBlocks?: number;
  pollIntervalMs?: number;
  host?: string;
  port?: number;
  /** `indexer` mode: serve `/metrics` on this port (127.0.0.1 or `host`). */
  metricsPort?: number;
  maxLimit?: number;
  requestTimeoutMs?: number;
  log: Logger;
}

export interface RunningService {
  api: ApiServer | undefined;
  metricsUrl: string | undefined;
  /** Settles when the follower stops (fatal error, or `stop`). */
  done: Promise<void>;
  stop(): Promise<void>;
}

export async function startService(options: ServiceOptions): Promise<RunningService> {
  const { log } = options;
  const follow = options.mode !== "api";
  const serveApi = options.mode !== "indexer";
  const opened: Db[] = [];
  const abort = new AbortController();
  let api: ApiServer | undefined;
  let metricsServer: Server | undefined;
  let metricsUrl: string | undefined;
  let done: Promise<void> = Promise.resolve();
  const close = async () => {
    abort.abort();
    await done.catch(() => {});
    await api?.close();
    await new Promise<void>((r) => (metricsServer ? metricsServer.close(() => r()) : r()));
    for (const db of opened.reverse()) await db.close();
  };
  try {
    const indexerMetrics = createIndexerMetrics();
    if (follow) {
      if (!options.rpcUrl || !options.deployment) {
        throw new UsageError("CONFIG_INVALID", "the indexer needs --rpc-url and --deployment");
      }
      const db = await openDb({ url: options.databaseUrl });
      opened.push(db);
      const follower = new Follower({
        rpcUrl: options.rpcUrl,
        deployment: options.deployment,
        db,
        log: log.child({ component: "indexer" }),
        metrics: indexerMetrics,
        ...(options.confirmations !== undefined ? { confirmations: options.confirmations } : {}),
        ...(options.batchBlocks !== undefined ? { batchBlocks: options.batchBlocks } : {}),
        ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
      });
      await follower.init();
      done = follower.run(abort.signal);
      done.catch((error: unknown) => {
        log.error("Indexer stopped", {
          code: error instanceof IndexerError ? error.code : "INTERNAL",
          error: error instanceof Error ? error.message : String(error),
        });
      });
      if (!serveApi && options.metricsPort !== undefined) {
        metricsServer = createServer((req, res) => {
          if (req.url !== "/metrics") {
            res
              .writeHead(404, { "content-type": "application/json" })
              .end('{"error":{"code":"API_NOT_FOUND","message":"only /metrics","details":{}}}');
            return;
          }
          void indexerMetrics.registry.metrics().then((text) => {
            res.writeHead(200, { "content-type": indexerMetrics.registry.contentType }).end(text);
          });
        });
        const host = options.host ?? "127.0.0.1";
        await new Promise<void>((r) => metricsServer?.listen(options.metricsPort, host, () => r()));
        metricsUrl = `http://${host}:${(metricsServer.address() as AddressInfo).port}/metrics`;
        log.info("Metrics listening", { url: metricsUrl });
      }
    }
    if (serveApi) {
      if (!follow && !isPostgresUrl(options.databaseUrl) && !existsSync(options.databaseUrl)) {
        throw new UsageError("CONFIG_INVALID", `no database at ${options.databaseUrl} (start the indexer first)`);
      }
      const timeout = options.requestTimeoutMs ?? 5_000;
      if (!follow) {
        // A database no indexer has opened yet has no tables: bring the schema up so /health answers.
        const db = await openDb({ url: options.databaseUrl });
        await migrate(db);
        await db.close();
      }
      const db = await openDb({ url: options.databaseUrl, readonly: true, statementTimeoutMs: timeout });
      opened.push(db);
      api = await startApi({
        db,
        log: log.child({ component: "api" }),
        requestTimeoutMs: timeout,
        ...(options.host !== undefined ? { host: options.host } : {}),
        ...(options.port !== undefined ? { port: options.port } : {}),
        ...(options.maxLimit !== undefined ? { maxLimit: options.maxLimit } : {}),
        ...(follow ? { extraRegistries: [indexerMetrics.registry] } : {}),
      });
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { api, metricsUrl, done, stop: close };
}

function int(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError("CONFIG_INVALID", `--${name} must be an integer from ${min} to ${max}, got ${raw}`, {
      details: { option: name, value: raw },
    });
  }
  return n;
}

/** Parses the service flags (see `serviceUsage`); `defaultDeployment` is where the devnet writes it. */
export function parseServiceArgs(
  mode: ServiceMode,
  argv: string[],
  defaultDeployment: string,
  logLevel?: string,
): ServiceOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      "database-url": { type: "string" },
      db: { type: "string" },
      "rpc-url": { type: "string" },
      deployment: { type: "string" },
      confirmations: { type: "string" },
      "batch-blocks": { type: "string" },
      host: { type: "string" },
      port: { type: "string" },
      "metrics-port": { type: "string" },
      "max-limit": { type: "string" },
      "request-timeout": { type: "string" },
      "log-level": { type: "string" },
    },
    strict: true,
  });
  const level = resolveLogLevel({ flag: values["log-level"] ?? logLevel, env: process.env });
  if (values["database-url"] && values.db) {
    throw new UsageError("CONFIG_INVALID", "give --database-url or --db, not both");
  }
  const databaseUrl = values["database-url"] ?? values.db ?? "mzku-indexer.sqlite";
  if (values["database-url"] && !isPostgresUrl(databaseUrl)) {
    throw new UsageError("CONFIG_INVALID", "--database-url must be a postgres:// or postgresql:// URL");
  }
  const options: ServiceOptions = { mode, databaseUrl, log: createLogger({ component: `mzku-${mode}`, level }) };
  if (mode !== "api") {
    options.rpcUrl = values["rpc-url"] ?? "http://127.0.0.1:8545";
    const file = values.deployment ?? defaultDeployment;
    if (!existsSync(file)) throw new UsageError("CONFIG_INVALID", `no deployment file at ${file} (--deployment)`);
    options.deployment = loadDeployment(file);
  }
  const set = <K extends keyof ServiceOptions>(key: K, value: ServiceOptions[K] | undefined) => {
    if (value !== undefined) options[key] = value;
  };
  set("confirmations", int("confirmations", values.confirmations, 1, 100_000));
  set("batchBlocks", int("batch-blocks", values["batch-blocks"], 1, 100_000));
  set("host", values.host);
  set("port", int("port", values.port, 0, 65_535) ?? (mode === "indexer" ? undefined : 8550));
  set("metricsPort", int("metrics-port", values["metrics-port"], 0, 65_535));
  set("maxLimit", int("max-limit", values["max-limit"], 1, 1_000));
  set("requestTimeoutMs", int("request-timeout", values["request-timeout"], 10, 600_000));
  return options;
}

/** Runs until SIGINT/SIGTERM (clean stop) or a fatal indexer error (rejects). */
export async function runService(options: ServiceOptions): Promise<void> {
  const service = await startService(options);
  await new Promise<void>((resolve, reject) => {
    const stop = () => {
      options.log.info("Stopping");
      void service.stop().then(resolve, reject);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    service.done.then(
      () => {},
      (error: unknown) => {
        void service.stop().finally(() => reject(error));
      },
    );
  });
}
