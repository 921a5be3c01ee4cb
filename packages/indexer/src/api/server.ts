/**
 * The read API: JSON over HTTP on 127.0.0.1 by default, GET only. Routes come from the resource
 * declarations; every list is paged, filtered and sorted as declared; errors are
 * `{"error":{"code","message","details"}}` with 400 (bad input, naming it), 404 (unknown route or
 * item), 405 (method) or 503 (query timeout). Each request has a deadline; the database connection
 * carries a statement timeout.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "@mzku/log";
import { Registry } from "prom-client";
import { IndexerError } from "../errors.js";
import type { Db } from "../store/db.js";
import { schemaVersion } from "../store/migrations.js";
import { type ApiMetrics, createApiMetrics } from "./metrics.js";
import { openApiDocument } from "./openapi.js";
import { badRequest, parseList, parseValue, runList, toJson } from "./query.js";
import { type ItemResource, items, type ListResource, lists, statsDaily } from "./resources.js";
import { providersByExpectedReturn, sidecarsByExpectedRewards } from "./views.js";

export interface ApiOptions {
  db: Db;
  log: Logger;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Largest page (default 100). */
  maxLimit?: number;
  /** Page size when none is asked (default 20). */
  defaultLimit?: number;
  /** Deadline of one request, ms (default 5,000). */
  requestTimeoutMs?: number;
  /** Registries whose metrics `/metrics` serves beside the API's own (the follower's, in one process). */
  extraRegistries?: Registry[];
}

export interface ApiServer {
  url: string;
  port: number;
  metrics: ApiMetrics;
  close(): Promise<void>;
}

type Handler = (url: URL, path: Record<string, string>) => Promise<unknown>;
type Route = { pattern: RegExp; params: string[]; name: string; handler: Handler; contentType?: string };

function compile(path: string, handler: Handler, contentType?: string): Route {
  const params: string[] = [];
  const source = path.replace(/\{(\w+)\}/g, (_, name: string) => {
    params.push(name);
    return "([^/]+)";
  });
  return { pattern: new RegExp(`^${source}$`), params, name: path, handler, ...(contentType ? { contentType } : {}) };
}

async function getItem(db: Db, item: ItemResource, path: Record<string, string>, maxLimit: number) {
  const where: string[] = [];
  const values = [];
  for (const k of item.key) {
    where.push(`${k.column} = ?`);
    values.push(parseValue(k.type, path[k.param] ?? "", k.param));
  }
  const columns = item.list.fields.map((f) => f.column).join(", ");
  const rows = await db.query(`SELECT ${columns} FROM ${item.list.table} WHERE ${where.join(" AND ")}`, values);
  const row = rows[0];
  if (!row) {
    throw new IndexerError("API_NOT_FOUND", `${item.list.schema} not found`, { details: { ...path } });
  }
  const out = toJson(item.list.fields, row);
  for (const e of item.embed) {
    const bound: Record<string, string> = {};
    for (const [param, column] of Object.entries(e.bind)) bound[param] = String(row[column]);
    const request = parseList(
      e.list,
      new URLSearchParams({ limit: String(Math.min(e.limit, maxLimit)) }),
      bound,
      Math.max(e.limit, maxLimit),
      e.limit,
    );
    out[e.name] = (await runList(db, e.list, request)).items;
  }
  return out;
}

async function health(db: Db) {
  const version = await schemaVersion(db);
  const rows =
    version > 0
      ? await db.query<{ chain_id: number; last_block: number; head_block: number; updated_at: string }>(
          "SELECT chain_id, last_block, head_block, updated_at FROM indexer_state WHERE id = 1",
        )
      : [];
  const s = rows[0];
  return {
    status: s ? "ok" : "starting",
    schemaVersion: version,
    chainId: s ? Number(s.chain_id) : null,
    indexedBlock: s ? Number(s.last_block) : null,
    headBlock: s ? Number(s.head_block) : null,
    lagBlocks: s ? Math.max(0, Number(s.head_block) - Number(s.last_block)) : null,
    updatedAt: s ? s.updated_at : null,
  };
}

export async function startApi(options: ApiOptions): Promise<ApiServer> {
  const { db, log } = options;
  const maxLimit = options.maxLimit ?? 100;
  const defaultLimit = Math.min(options.defaultLimit ?? 20, maxLimit);
  const requestTimeoutMs = options.requestTimeoutMs ?? 5_000;
  const metrics = createApiMetrics(async () => {
    const h = await health(db);
    return h.indexedBlock === null ? undefined : { indexedBlock: h.indexedBlock, headBlock: h.headBlock ?? 0 };
  });
  const registry = options.extraRegistries?.length
    ? Registry.merge([metrics.registry, ...options.extraRegistries])
    : metrics.registry;
  const document = openApiDocument({ maxLimit, defaultLimit });

  const listHandler =
    (resource: ListResource): Handler =>
    async (url, path) =>
      runList(db, resource, parseList(resource, url.searchParams, path, maxLimit, defaultLimit));
  const noQuery = (url: URL) => {
    const first = [...url.searchParams.keys()][0];
    if (first !== undefined) throw badRequest(`unknown query parameter ${first}`, { param: first, allowed: [] });
  };
  const routes: Route[] = [
    compile("/health", async (url) => {
      noQuery(url);
      return health(db);
    }),
    compile("/openapi.json", async (url) => {
      noQuery(url);
      return document;
    }),
    compile(
      "/metrics",
      async (url) => {
        noQuery(url);
        return registry.metrics();
      },
      registry.contentType,
    ),
    compile("/stats", async (url) => {
      noQuery(url);
      const rows = await db.query(`SELECT * FROM platform_stats WHERE day = 'total'`);
      const row = rows[0];
      if (!row) throw new IndexerError("API_NOT_FOUND", "no statistics yet (nothing indexed)", { details: {} });
      return toJson(statsDaily.fields, row);
    }),
    // before the items: `/providers/{providerId}` would take the name as an id
    compile("/providers/expected-return", async (url) =>
      providersByExpectedReturn(db, url.searchParams, maxLimit, defaultLimit),
    ),
    compile("/sidecars/expected-rewards", async (url) =>
      sidecarsByExpectedRewards(db, url.searchParams, maxLimit, defaultLimit),
    ),
    ...lists.map((l) => compile(l.path, listHandler(l))),
    ...items.map((item) =>
      compile(item.path, async (url, path) => {
        noQuery(url);
        return getItem(db, item, path, maxLimit);
      }),
    ),
  ];

  const send = (res: ServerResponse, status: number, body: unknown, contentType = "application/json") => {
    const text = typeof body === "string" ? body : JSON.stringify(body);
    res.writeHead(status, {
      "content-type": contentType,
      "content-length": Buffer.byteLength(text),
      "cache-control": "no-store",
      // Public, read-only data: any page may read it (the dashboard is served from its own origin).
      "access-control-allow-origin": "*",
    });
    res.end(text);
  };
  const sendError = (res: ServerResponse, status: number, error: IndexerError) =>
    send(res, status, { error: { code: error.code, message: error.shortMessage, details: error.details } });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    let routeName = "unknown";
    let status = 200;
    try {
      const url = new URL(req.url ?? "/", "http://localhost");
      if (req.method !== "GET" && req.method !== "HEAD") {
        status = 405;
        res.setHeader("allow", "GET, HEAD");
        sendError(
          res,
          405,
          new IndexerError("API_METHOD_NOT_ALLOWED", `method ${req.method} not allowed`, {
            details: { method: req.method, allowed: ["GET", "HEAD"] },
          }),
        );
        return;
      }
      let match: { route: Route; values: Record<string, string> } | undefined;
      for (const route of routes) {
        const m = route.pattern.exec(url.pathname);
        if (!m) continue;
        const values: Record<string, string> = {};
        route.params.forEach((p, i) => {
          values[p] = decodeURIComponent(m[i + 1] ?? "");
        });
        match = { route, values };
        break;
      }
      if (!match) {
        status = 404;
        sendError(
          res,
          404,
          new IndexerError("API_NOT_FOUND", `no route ${url.pathname.slice(0, 200)}`, {
            details: { path: url.pathname.slice(0, 200) },
          }),
        );
        return;
      }
      routeName = match.route.name;
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new IndexerError("API_TIMEOUT", `request took longer than ${requestTimeoutMs} ms`, {
                details: { timeoutMs: requestTimeoutMs },
              }),
            ),
          requestTimeoutMs,
        );
      });
      try {
        const body = await Promise.race([match.route.handler(url, match.values), deadline]);
        send(res, 200, body, match.route.contentType);
      } finally {
        clearTimeout(timer);
      }
    } catch (error) {
      if (error instanceof IndexerError) {
        status =
          error.code === "API_BAD_REQUEST"
            ? 400
            : error.code === "API_NOT_FOUND"
              ? 404
              : error.code === "API_TIMEOUT" || error.code === "DB_QUERY_TIMEOUT"
                ? 503
                : 500;
        if (status >= 500)
          log.error("Request failed", { route: routeName, code: error.code, error: error.shortMessage });
        sendError(
          res,
          status,
          status === 500 ? new IndexerError("API_INTERNAL", "internal error", { details: {} }) : error,
        );
      } else {
        status = 500;
        log.error("Request failed", {
          route: routeName,
          code: "API_INTERNAL",
          error: error instanceof Error ? error.message : String(error),
        });
        sendError(res, 500, new IndexerError("API_INTERNAL", "internal error", { details: {} }));
      }
    } finally {
      const seconds = (performance.now() - started) / 1000;
      metrics.requests.inc({ route: routeName, status: String(status) });
      metrics.duration.observe({ route: routeName }, seconds);
      log.debug("Request", {
        method: req.method,
        path: req.url?.slice(0, 200),
        route: routeName,
        status,
        ms: Math.round(seconds * 1e4) / 10,
      });
    }
  };

  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });
  server.requestTimeout = requestTimeoutMs * 2;
  server.headersTimeout = Math.min(60_000, requestTimeoutMs * 2);
  server.keepAliveTimeout = 5_000;
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  log.info("API listening", { url, db: db.description });
  return {
    url,
    port,
    metrics,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
