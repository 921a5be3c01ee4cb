/**
 * HTTP transport for DKG parties in separate processes: each party serves
 * `POST /dkg/v1/message` (one signed envelope per request) and posts to its peers' URLs from the
 * definition, retrying with backoff until the peer is up or the deadline passes. Envelopes that
 * fail verification are answered 401 and dropped. Envelopes that arrive before the runner registers
 * its handler are verified first (session, recipient, the sender's signature) and only then kept,
 * at most `MAX_EARLY` of them; beyond that the sender is told to retry (503). The server listens on 127.0.0.1 unless told
 * otherwise; messages are signed and share payloads encrypted, so the channel itself need not be
 * trusted, but a deployment across hosts should still put TLS in front.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type DkgDefinition, sessionId } from "./definition.js";
import { type Envelope, open } from "./envelope.js";
import type { DkgTransport } from "./transport.js";

const MAX_BODY = 32 * 1024 * 1024;
/** Early envelopes kept per sender: one per round of the ceremony (six), with room for a resend. */
const EARLY_PER_PARTY = 8;
const PATH = "/dkg/v1/message";

export interface HttpTransportOptions {
  readonly definition: DkgDefinition;
  readonly index: number;
  /** Interface to bind (default 127.0.0.1). */
  readonly host?: string;
  /** Port to bind (default: the port of this party's URL in the definition). */
  readonly port?: number;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error("body too large"));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export class HttpTransport implements DkgTransport {
  private readonly server: Server;
  private handler: ((env: unknown) => boolean) | null = null;
  private readonly early: unknown[] = [];
  private maxEarly = 0;
  private readonly urls: ReadonlyMap<number, string>;

  private constructor(server: Server, urls: ReadonlyMap<number, string>) {
    this.server = server;
    this.urls = urls;
  }

  /** Starts listening; resolves once bound. */
  static async start(opts: HttpTransportOptions): Promise<HttpTransport> {
    const me = opts.definition.parties.find((p) => p.index === opts.index);
    if (me === undefined) throw new Error(`index ${opts.index} is not in the definition`);
    const port = opts.port ?? Number(new URL(me.url).port);
    const urls = new Map(opts.definition.parties.map((p) => [p.index, `${p.url}${PATH}`]));
    const server = createServer();
    const t = new HttpTransport(server, urls);
    t.maxEarly = EARLY_PER_PARTY * (opts.definition.parties.length - 1);
    const session = sessionId(opts.definition);
    const authentic = (env: unknown): boolean => {
      try {
        open(opts.definition, session, opts.index, env);
        return true;
      } catch {
        return false;
      }
    };
    server.on("request", (req, res) => {
      if (req.method !== "POST" || req.url !== PATH) {
        res.writeHead(404).end();
        return;
      }
      readBody(req).then(
        (body) => {
          let env: unknown;
          try {
            env = JSON.parse(body);
          } catch {
            res.writeHead(400, { "content-type": "application/json" }).end('{"error":"invalid JSON"}');
            return;
          }
          if (t.handler === null) {
            if (!authentic(env)) {
              res.writeHead(401, { "content-type": "application/json" }).end('{"error":"rejected"}');
              return;
            }
            if (t.early.length >= t.maxEarly) {
              res.writeHead(503, { "content-type": "application/json" }).end('{"error":"not ready, retry"}');
              return;
            }
            t.early.push(env);
            res.writeHead(202).end();
            return;
          }
          const ok = t.handler(env);
          res.writeHead(ok ? 202 : 401, { "content-type": "application/json" }).end(ok ? "" : '{"error":"rejected"}');
        },
        () => res.writeHead(413).end(),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, opts.host ?? "127.0.0.1", () => resolve());
    });
    return t;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  onMessage(handler: (env: unknown) => boolean): void {
    this.handler = handler;
    for (const env of this.early.splice(0)) handler(env);
  }

  async send(to: number, env: Envelope, deadline: number): Promise<void> {
    const url = this.urls.get(to);
    if (url === undefined) throw new Error(`unknown party ${to}`);
    const body = JSON.stringify(env);
    let delay = 25;
    for (;;) {
      try {
        const res = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
          signal: AbortSignal.timeout(Math.max(1000, Math.min(10_000, deadline - Date.now()))),
        });
        await res.arrayBuffer();
        if (res.status === 202) return;
        if (res.status >= 400 && res.status < 500)
          throw new Error(`party ${to} rejected the message (HTTP ${res.status})`);
      } catch (e) {
        if ((e as Error).message.startsWith(`party ${to} rejected`)) throw e;
        // connection refused / reset / timeout: the peer may not be up yet, retry
      }
      if (Date.now() + delay > deadline) throw new Error(`party ${to} unreachable at ${url}`);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 500);
    }
  }

  /** Stops serving after `graceMs` (peers retrying a last delivery get it through). */
  async close(graceMs = 200): Promise<void> {
    await new Promise((r) => setTimeout(r, graceMs));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
