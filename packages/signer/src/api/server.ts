/**
 * Web3Signer-compatible HTTP server (node:http / node:https) shared by the co-signer and the combiner.
 *
 *   GET  /upcheck                              text/plain "OK" ({"status":"OK"} if the client names application/json)
 *   GET  /healthcheck                          {"status","checks","outcome"}: 200 all UP, 503 otherwise
 *   GET  /api/v1/eth2/highWatermark            {"epoch","slot"} or {} when none is set
 *   GET  /api/v1/eth2/publicKeys               ["0x..."]: validator (group) public keys served
 *   POST /api/v1/eth2/sign/{identifier}        typed Web3Signer request -> {"signature":"0x..."} or text (api/reply.ts)
 *   GET  /api/v1/eth2/slashing-protection      EIP-3076 v5 interchange export
 *   POST /api/v1/eth2/slashing-protection      EIP-3076 v5 interchange import
 *   GET|POST|DELETE /eth/v1/keystores          key manager API (api/keymanager.ts, service/keymanager.ts)
 *
 * This layer reads requests, authenticates callers and maps error codes to statuses; the signing
 * pipeline itself (validation, root, key, slashing commit, backend) is `service/service.ts`.
 * Authentication: plaintext HTTP only on loopback; anywhere else the server speaks HTTPS and requires a
 * client certificate chaining to the configured CA (mutual TLS). A bearer token, when configured, is
 * required in addition on every route except /upcheck and /healthcheck.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { TLSSocket } from "node:tls";
import { SignerError } from "../errors.js";
import type { KeyManager } from "../service/keymanager.js";
import { SigningService, type SigningServiceOptions } from "../service/service.js";
import { errorBody, httpStatus } from "./errors.js";
import { keyManagerRequest } from "./keymanager.js";
import { sendSignature, sendUpcheck } from "./reply.js";

export type { SignerBackend, SignResult } from "../service/backend.js";

/** How the server is reached; the signing itself is the service's. */
export interface HttpServerOptions {
  host?: string;
  port?: number;
  /** Bearer token required on every route but /upcheck and /healthcheck. */
  token?: string;
  /** Mutual TLS: the server's key and certificate and the CA that client certificates must chain to. */
  tls?: { key: string | Buffer; cert: string | Buffer; ca: string | Buffer };
  /** Largest accepted request body; 4 MiB by default. */
  maxBodyBytes?: number;
  /** Largest accepted slashing-protection interchange import; `maxBodyBytes` by default. */
  maxImportBytes?: number;
  /** Serves `/eth/v1/keystores` (the key manager API) when set. */
  keyManager?: KeyManager;
}

/** Either a ready service, or the parts to build one. */
export type SignerServerOptions = HttpServerOptions & ({ service: SigningService } | SigningServiceOptions);

export interface RunningSignerServer {
  readonly server: Server;
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost", "::ffff:127.0.0.1"]);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith("127.");
}

function digest(s: string): Buffer {
  return createHash("sha256").update(s).digest();
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, err: SignerError): void {
  sendJson(res, httpStatus(err.code), errorBody(err));
}

function asSignerError(e: unknown): SignerError {
  return e instanceof SignerError ? e : new SignerError("SIGNER_INTERNAL", "internal error", { cause: e });
}

/**
 * Reads and parses a JSON body of at most `max` bytes. A declared or actual size above it is refused
 * at once (the connection is closed after the answer rather than drained).
 */
async function readBody(req: IncomingMessage, res: ServerResponse, max: number): Promise<unknown> {
  const tooLarge = () => {
    res.shouldKeepAlive = false;
    return new SignerError("SIGNER_PAYLOAD_TOO_LARGE", `request body above ${max} bytes`, { details: { limit: max } });
  };
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > max) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > max) throw tooLarge();
    chunks.push(buf);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SignerError("SIGNER_BAD_REQUEST", "request body is not valid JSON");
  }
}

/** The path of a request target without its query; never throws, whatever the target is. */
function pathOf(target: string | undefined): string {
  const raw = target ?? "/";
  const q = raw.indexOf("?");
  return q === -1 ? raw : raw.slice(0, q);
}

/**
 * Starts the server and resolves once it listens.
 * @throws SignerError SIGNER_CONFIG_INVALID when asked to listen off loopback without mutual TLS.
 */
export async function startSignerServer(opts: SignerServerOptions): Promise<RunningSignerServer> {
  const host = opts.host ?? "127.0.0.1";
  if (!isLoopback(host) && opts.tls === undefined) {
    throw new SignerError(
      "SIGNER_CONFIG_INVALID",
      `refusing to listen on ${host} in plaintext: off loopback the signer serves only mutual TLS (--tls-cert, --tls-key, --tls-ca)`,
    );
  }
  const tokenDigest = opts.token === undefined ? undefined : digest(opts.token);
  const maxBody = opts.maxBodyBytes ?? 4 * 1024 * 1024;
  const maxImport = opts.maxImportBytes ?? maxBody;
  const service = "service" in opts ? opts.service : new SigningService(opts);
  const log = service.logger;
  const role = service.role;

  const authorized = (req: IncomingMessage): boolean => {
    if (tokenDigest !== undefined) {
      const h = req.headers.authorization ?? "";
      const m = /^Bearer (.+)$/.exec(h);
      return m?.[1] !== undefined && timingSafeEqual(digest(m[1]), tokenDigest);
    }
    if (opts.tls !== undefined && (req.socket as TLSSocket).authorized === true) return true;
    return isLoopback(req.socket.remoteAddress ?? "");
  };

  const handleSign = async (req: IncomingMessage, res: ServerResponse, identifier: string): Promise<void> => {
    try {
      const body = await readBody(req, res, maxBody);
      const { signature, extra } = await service.sign(identifier, body);
      sendSignature(req, res, signature, extra);
    } catch (e) {
      reply(res, asSignerError(e));
    }
  };

  /** Answers an error, unless an answer is already on its way (then the connection is dropped). */
  const reply = (res: ServerResponse, err: SignerError): void => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (err.code === "SIGNER_INTERNAL") log.error("Request failed", { code: err.code, message: String(err.cause) });
    sendError(res, err);
  };

  // No request may end the process: every route runs inside this try, and async ones catch their own.
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    try {
      route(req, res);
    } catch (e) {
      reply(res, asSignerError(e));
    }
  };

  const route = (req: IncomingMessage, res: ServerResponse): void => {
    const path = pathOf(req.url);
    const method = req.method ?? "GET";
    if (method === "GET" && path === "/upcheck") {
      sendUpcheck(req, res);
      return;
    }
    if (method === "GET" && path === "/healthcheck") {
      service.health().then(
        (r) => sendJson(res, r.status === "UP" ? 200 : 503, r),
        (e: unknown) => reply(res, asSignerError(e)),
      );
      return;
    }
    if (!authorized(req)) {
      sendError(res, new SignerError("SIGNER_UNAUTHORIZED", "missing or wrong credentials"));
      return;
    }
    if (method === "GET" && path === "/api/v1/eth2/publicKeys") {
      sendJson(res, 200, service.publicKeys());
      return;
    }
    if (method === "GET" && path === "/api/v1/eth2/highWatermark") {
      const hw = service.highWatermark();
      sendJson(res, 200, hw.epoch === undefined ? {} : { epoch: String(hw.epoch), slot: String(hw.slot) });
      return;
    }
    const sign = /^\/api\/v1\/eth2\/sign\/([^/]+)$/.exec(path);
    if (sign?.[1] !== undefined) {
      if (method !== "POST") {
        sendError(res, new SignerError("SIGNER_NOT_FOUND", "sign requests are POST"));
        return;
      }
      let identifier: string;
      try {
        identifier = decodeURIComponent(sign[1]);
      } catch {
        throw new SignerError("SIGNER_BAD_REQUEST", "identifier is not valid percent-encoding");
      }
      void handleSign(req, res, identifier);
      return;
    }
    if (path === "/eth/v1/keystores" && opts.keyManager !== undefined) {
      const km = opts.keyManager;
      (method === "GET" ? Promise.resolve(undefined) : readBody(req, res, 16 * 1024 * 1024))
        .then((body) => keyManagerRequest(km, method, body))
        .then((answer) => sendJson(res, 200, answer))
        .catch((e: unknown) => {
          const err =
            e instanceof SignerError ? e : new SignerError("SIGNER_INTERNAL", "key manager failed", { cause: e });
          log.warn("Key manager request refused", { method, code: err.code, message: err.message });
          sendError(res, err);
        });
      return;
    }
    if (path === "/api/v1/eth2/slashing-protection") {
      if (method === "GET") {
        sendJson(res, 200, service.exportInterchange());
        return;
      }
      if (method === "POST") {
        readBody(req, res, maxImport)
          .then(async (doc) => {
            sendJson(res, 200, { status: "imported", ...(await service.importInterchange(doc)) });
          })
          .catch((e: unknown) => {
            reply(res, asSignerError(e));
          });
        return;
      }
    }
    sendError(res, new SignerError("SIGNER_NOT_FOUND", `no route ${method} ${path}`));
  };

  const server: Server =
    opts.tls === undefined
      ? createHttpServer(handler)
      : (createHttpsServer(
          { key: opts.tls.key, cert: opts.tls.cert, ca: opts.tls.ca, requestCert: true, rejectUnauthorized: true },
          handler,
        ) as unknown as Server);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === "object" && addr !== null ? addr.port : (opts.port ?? 0);
  const url = `${opts.tls === undefined ? "http" : "https"}://${host.includes(":") ? `[${host}]` : host}:${port}`;
  service.keysLoaded();
  log.info("Signer listening", {
    role,
    url,
    keys: service.publicKeys().length,
    auth: [opts.tls === undefined ? "loopback" : "mtls", ...(tokenDigest ? ["bearer"] : [])].join("+"),
  });
  return {
    server,
    port,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        if (!("service" in opts)) service.close();
      }),
  };
}
