/**
 * The combiner's connection to one co-signer: keep-alive HTTP on loopback, or HTTPS with mutual TLS
 * (the combiner presents its client certificate and checks the co-signer's against the CA) for a
 * co-signer on another host. Plaintext is refused for anything but a loopback address.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { SignerError } from "../errors.js";

/** PEM material for mutual TLS: this side's key and certificate, and the CA the peer must chain to. */
export interface MutualTls {
  key: string | Buffer;
  cert: string | Buffer;
  ca: string | Buffer;
}

export interface CosignerReply {
  status: number;
  text: string;
}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "[::1]", "localhost"]);

/** Largest co-signer answer read (a partial signature is about 250 bytes). */
const MAX_REPLY = 64 * 1024;

export class CosignerClient {
  private readonly url: URL;
  private readonly agent: HttpAgent;
  private readonly send: typeof httpRequest;

  /**
   * @throws SignerError SIGNER_CONFIG_INVALID for plaintext off loopback, or https without TLS material.
   */
  constructor(
    url: string,
    private readonly token: string | undefined,
    tls: MutualTls | undefined,
  ) {
    this.url = new URL(url);
    if (this.url.protocol === "http:") {
      if (!LOOPBACK_HOSTS.has(this.url.hostname) && !this.url.hostname.startsWith("127.")) {
        throw new SignerError(
          "SIGNER_CONFIG_INVALID",
          `co-signer ${url}: plaintext HTTP is only for 127.0.0.1; use https with mutual TLS`,
        );
      }
      this.agent = new HttpAgent({ keepAlive: true, maxSockets: 64 });
      this.send = httpRequest;
    } else if (this.url.protocol === "https:") {
      if (tls === undefined) {
        throw new SignerError(
          "SIGNER_CONFIG_INVALID",
          `co-signer ${url}: https needs the combiner's TLS key, cert and CA`,
        );
      }
      this.agent = new HttpsAgent({ keepAlive: true, maxSockets: 64, key: tls.key, cert: tls.cert, ca: tls.ca });
      this.send = httpsRequest;
    } else {
      throw new SignerError("SIGNER_CONFIG_INVALID", `co-signer ${url}: http or https URL needed`);
    }
  }

  /** POSTs a JSON body; rejects on a network error, an oversize reply or `signal`. */
  post(path: string, body: string, signal: AbortSignal): Promise<CosignerReply> {
    return this.request("POST", path, body, signal);
  }

  /** One request on the keep-alive connections; rejects on a network error, an oversize reply or `signal`. */
  request(method: "GET" | "POST", path: string, body: string | undefined, signal: AbortSignal): Promise<CosignerReply> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { accept: "application/json" };
      if (body !== undefined) {
        headers["content-type"] = "application/json";
        headers["content-length"] = Buffer.byteLength(body);
      }
      if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
      const req = this.send(
        {
          protocol: this.url.protocol,
          hostname: this.url.hostname.replace(/^\[|\]$/g, ""),
          port: this.url.port,
          path: `${this.url.pathname.replace(/\/+$/, "")}${path}`,
          method,
          headers,
          agent: this.agent,
          signal,
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (c: Buffer) => {
            size += c.length;
            if (size > MAX_REPLY) {
              res.destroy(new Error("co-signer reply too large"));
              return;
            }
            chunks.push(c);
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
