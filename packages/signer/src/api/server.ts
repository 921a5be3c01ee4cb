/**
 * Web3Signer-compatible HTTP server (node:http / node:https) shared by the co-signer and the combiner.
 *
 *   GET  /upcheck                              text/plain "OK" ({"status":"OK"} if the client names application/json)
 *   GET  /healthcheck                          {"status":"UP", ...}
 *   GET  /api/v1/eth2/publicKeys               ["0x..."]: validator (group) public keys served
 *   POST /api/v1/eth2/sign/{identifier}        typed Web3Signer request -> {"signature":"0x..."}
 *   GET  /api/v1/eth2/slashing-protection      EIP-3076 v5 interchange export
 *   POST /api/v1/eth2/slashing-protection      EIP-3076 v5 interchange import
 *
 * Every sign request is validated and its signing root recomputed here (src/signing), then checked
 * against this process's own slashing-protection database (committed before anything is returned),
 * and only then handed to the backend (partial signing or combining).
 * Authentication: with a bearer token configured, every route except /upcheck and /healthcheck needs
 * `Authorization: Bearer <token>`; without one the server only binds and answers on loopback (or
 * behind mutual TLS, where the client certificate is the credential).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { TLSSocket } from "node:tls";
import type { SignerMetrics } from "../metrics.js";
import { prepareSigning } from "../signing/prepare.js";
import type { PreparedSigning, SigningParams } from "../signing/types.js";
import { SlashingBatcher } from "../slashing/batcher.js";
import type { SlashingProtectionDb } from "../slashing/db.js";
import { SignerError } from "./errors.js";
import { type HealthSource, healthReport } from "./health.js";
import type { Logger } from "./logger.js";
import { sendSignature, sendUpcheck } from "./reply.js";

export interface SignResult {
  signature: Uint8Array;
  /** Extra JSON fields of the answer (the co-signer adds its share index). */
  extra?: Record<string, string | number>;
}

/** What actually signs: the co-signer (a partial with its share) or the combiner (a full signature). */
export interface SignerBackend extends HealthSource {
  readonly role: "cosigner" | "combiner";
  /** Validator (group) public keys served, lower-case 0x hex. */
  publicKeys(): string[];
  /**
   * Produces the signature for a request whose root was recomputed and whose slashing check passed.
   * `body` is the validated request as received (the combiner forwards it).
   */
  sign(pubkey: string, prepared: PreparedSigning, body: Record<string, unknown>, log: Logger): Promise<SignResult>;
}

export interface SignerServerOptions {
  backend: SignerBackend;
  slashing: SlashingProtectionDb;
  signing: SigningParams;
  logger: Logger;
  metrics: SignerMetrics;
  host?: string;
  port?: number;
  /** Bearer token required on every route but /upcheck and /healthcheck (required off loopback). */
  token?: string;
  /** Mutual TLS: the server's key and certificate and the CA that client certificates must chain to. */
  tls?: { key: string | Buffer; cert: string | Buffer; ca: string | Buffer };
  /** Largest accepted request body; 4 MiB by default. */
  maxBodyBytes?: number;
}

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
  sendJson(res, err.status, { code: err.code, message: err.message, ...err.details });
}

async function readBody(req: IncomingMessage, max: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > max) throw new SignerError("SIGNER_PAYLOAD_TOO_LARGE", `request body above ${max} bytes`);
    chunks.push(buf);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SignerError("SIGNER_BAD_REQUEST", "request body is not valid JSON");
  }
}

async function slashingCheck(batcher: SlashingBatcher, pubkey: string, p: PreparedSigning): Promise<string> {
  const base = {
    pubkey,
    genesisValidatorsRoot: p.genesisValidatorsRoot ?? new Uint8Array(32),
    signingRoot: p.signingRoot,
  };
  switch (p.slashing.kind) {
    case "block":
      return batcher.submit({ ...base, kind: "block", slot: p.slashing.slot });
    case "attestation":
      return batcher.submit({
        ...base,
        kind: "attestation",
        sourceEpoch: p.slashing.sourceEpoch,
        targetEpoch: p.slashing.targetEpoch,
      });
    case "none":
      return "not_slashable";
  }
}

/**
 * Starts the server and resolves once it listens.
 * @throws SignerError SIGNER_CONFIG_INVALID when asked to listen off loopback without a token or mTLS.
 */
export async function startSignerServer(opts: SignerServerOptions): Promise<RunningSignerServer> {
  const host = opts.host ?? "127.0.0.1";
  if (!isLoopback(host) && opts.token === undefined && opts.tls === undefined) {
    throw new SignerError(
      "SIGNER_CONFIG_INVALID",
      `refusing to listen on ${host} without authentication: set a bearer token or mutual TLS`,
    );
  }
  const tokenDigest = opts.token === undefined ? undefined : digest(opts.token);
  const maxBody = opts.maxBodyBytes ?? 4 * 1024 * 1024;
  const { backend, logger: log, metrics } = opts;
  const role = backend.role;
  const batcher = new SlashingBatcher(opts.slashing);

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
    const started = process.hrtime.bigint();
    let type = "unknown";
    try {
      if (!/^0x[0-9a-fA-F]{96}$/.test(identifier)) {
        throw new SignerError("SIGNER_BAD_REQUEST", "identifier must be a 0x-prefixed 48-byte BLS public key");
      }
      const pubkey = identifier.toLowerCase();
      const body = await readBody(req, maxBody);
      const prepared = prepareSigning(body, opts.signing);
      type = prepared.type;
      if (!backend.publicKeys().includes(pubkey)) {
        throw new SignerError("SIGNER_UNKNOWN_KEY", `public key ${pubkey} is not served here`);
      }
      const reqLog = log.child({ type, pubkey: pubkey.slice(0, 18), ...prepared.logFields });
      const recorded = slashingCheck(batcher, pubkey, prepared);
      // A co-signer computes its partial only once its own record is committed. The combiner commits its
      // record while the co-signers work (their partials never leave this process) and answers only
      // when both the record is committed and the combined signature is verified.
      const signing =
        role === "cosigner"
          ? recorded.then(() => backend.sign(pubkey, prepared, body as Record<string, unknown>, reqLog))
          : backend.sign(pubkey, prepared, body as Record<string, unknown>, reqLog);
      signing.catch(() => {}); // if the record is refused first, this outcome is dropped
      const [outcome, result] = await Promise.all([recorded, signing]);
      const signature = `0x${Buffer.from(result.signature).toString("hex")}`;
      metrics.signRequests.inc({ role, type, outcome: "ok" });
      reqLog.debug("Signed", { slashing: outcome });
      sendSignature(req, res, signature, result.extra);
    } catch (e) {
      const err = e instanceof SignerError ? e : new SignerError("SIGNER_INTERNAL", "internal error", { cause: e });
      const outcome =
        err.code === "SIGNER_SLASHABLE"
          ? "slashable"
          : err.status === 400
            ? "bad_request"
            : err.code === "SIGNER_UNKNOWN_KEY"
              ? "unknown_key"
              : err.code === "SIGNER_NOT_ENOUGH_PARTIALS"
                ? "not_enough_partials"
                : "error";
      metrics.signRequests.inc({ role, type, outcome });
      if (err.code === "SIGNER_SLASHABLE") {
        metrics.slashingRefusals.inc({ role, reason: String(err.details.reason ?? "unknown") });
      }
      const level = err.status >= 500 ? "error" : "warn";
      log[level]("Sign request refused", {
        type,
        code: err.code,
        reason: typeof err.details.reason === "string" ? err.details.reason : undefined,
        message: err.message,
        cause: err.code === "SIGNER_INTERNAL" && e instanceof Error ? e.message : undefined,
      });
      sendError(res, err);
    } finally {
      metrics.signDuration.observe({ role, type }, Number(process.hrtime.bigint() - started) / 1e9);
    }
  };

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? "/", "http://x");
    const path = url.pathname;
    const method = req.method ?? "GET";
    if (method === "GET" && path === "/upcheck") {
      sendUpcheck(req, res);
      return;
    }
    if (method === "GET" && path === "/healthcheck") {
      void healthReport(opts.slashing, backend).then((r) => sendJson(res, r.status === "UP" ? 200 : 503, r));
      return;
    }
    if (!authorized(req)) {
      sendError(res, new SignerError("SIGNER_UNAUTHORIZED", "missing or wrong credentials"));
      return;
    }
    if (method === "GET" && path === "/api/v1/eth2/highWatermark") {
      const hw = opts.slashing.highWatermark();
      sendJson(res, 200, hw.epoch === undefined ? {} : { epoch: String(hw.epoch), slot: String(hw.slot) });
      return;
    }
    if (method === "GET" && path === "/api/v1/eth2/publicKeys") {
      sendJson(res, 200, backend.publicKeys());
      return;
    }
    const sign = /^\/api\/v1\/eth2\/sign\/([^/]+)$/.exec(path);
    if (sign?.[1] !== undefined) {
      if (method !== "POST") {
        sendError(res, new SignerError("SIGNER_NOT_FOUND", "sign requests are POST"));
        return;
      }
      void handleSign(req, res, decodeURIComponent(sign[1]));
      return;
    }
    if (path === "/api/v1/eth2/slashing-protection") {
      if (method === "GET") {
        try {
          sendJson(res, 200, opts.slashing.exportInterchange());
        } catch (e) {
          sendError(res, e instanceof SignerError ? e : new SignerError("SIGNER_INTERNAL", "export failed"));
        }
        return;
      }
      if (method === "POST") {
        readBody(req, 256 * 1024 * 1024)
          .then((doc) => {
            const counts = opts.slashing.importInterchange(doc);
            log.info("Imported slashing-protection interchange", counts);
            sendJson(res, 200, { status: "imported", ...counts });
          })
          .catch((e: unknown) => {
            const err = e instanceof SignerError ? e : new SignerError("SIGNER_INTERNAL", "import failed");
            log.warn("Interchange import refused", { code: err.code, message: err.message });
            sendError(res, err);
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
  metrics.keysLoaded.set(backend.publicKeys().length);
  log.info("Signer listening", {
    role,
    url,
    keys: backend.publicKeys().length,
    auth: tokenDigest ? "bearer" : "loopback",
  });
  return {
    server,
    port,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
