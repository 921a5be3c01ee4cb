/**
 * How DKG envelopes move between parties. `MemoryHub` is for in-process tests; `HttpTransport`
 * (http.ts) is what separate processes use. A transport only moves bytes: authentication is the
 * runner's job (every envelope is verified by `open` before it is used).
 */
import type { Envelope } from "./envelope.js";

export interface DkgTransport {
  /** Delivers `env` to party `to`; resolves once accepted, rejects when the peer is unreachable past `deadline` (ms epoch). */
  send(to: number, env: Envelope, deadline: number): Promise<void>;
  /** Registers the handler for incoming envelopes (unverified); it returns false to reject one. */
  onMessage(handler: (env: unknown) => boolean): void;
  close(): Promise<void>;
}

/** In-process delivery between parties of one test. */
export class MemoryHub {
  private readonly handlers = new Map<number, (env: unknown) => boolean>();
  private readonly pending = new Map<number, unknown[]>();
  /** Envelopes that tests may tamper with before delivery (return null to drop). */
  intercept: ((to: number, env: Envelope) => Envelope | null) | null = null;

  transport(index: number): DkgTransport {
    return {
      send: async (to, env) => {
        const out = this.intercept ? this.intercept(to, env) : env;
        if (out === null) return;
        // Deliver asynchronously, as a network would; a copy so no object is shared. Parties
        // that have not connected yet get it on connect (like a retrying sender).
        const copy: unknown = JSON.parse(JSON.stringify(out));
        const h = this.handlers.get(to);
        if (h === undefined) {
          this.pending.set(to, [...(this.pending.get(to) ?? []), copy]);
          return;
        }
        setImmediate(() => h(copy));
      },
      onMessage: (handler) => {
        this.handlers.set(index, handler);
        const queued = this.pending.get(index) ?? [];
        this.pending.delete(index);
        for (const env of queued) setImmediate(() => handler(env));
      },
      close: async () => {
        this.handlers.delete(index);
      },
    };
  }
}
