/**
 * EIP-2335 key derivation (scrypt or PBKDF2-HMAC-SHA256) run in a worker_thread, so the ~0.5 s of
 * scrypt at the standard parameters never blocks the event loop of a co-signer or a DKG party.
 * The worker is one long-lived thread started on first use and `unref`ed (it never keeps a process
 * alive); requests are queued and served in order.
 */
import { Worker } from "node:worker_threads";
import { KeystoreError } from "./errors.js";

export type KdfParams =
  | {
      readonly function: "scrypt";
      readonly dklen: number;
      readonly n: number;
      readonly r: number;
      readonly p: number;
      readonly salt: Uint8Array;
    }
  | {
      readonly function: "pbkdf2";
      readonly dklen: number;
      readonly c: number;
      readonly prf: "hmac-sha256";
      readonly salt: Uint8Array;
    };

// Plain JS (eval'd) so it runs the same from dist/ and from vitest's TypeScript sources.
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const crypto = require("node:crypto");
parentPort.on("message", (m) => {
  try {
    const pw = Buffer.from(m.password);
    const salt = Buffer.from(m.salt);
    let dk;
    if (m.fn === "scrypt") {
      dk = crypto.scryptSync(pw, salt, m.dklen, { N: m.n, r: m.r, p: m.p, maxmem: 256 * m.n * m.r + 16 * 1024 * 1024 });
    } else {
      dk = crypto.pbkdf2Sync(pw, salt, m.c, m.dklen, "sha256");
    }
    parentPort.postMessage({ id: m.id, key: new Uint8Array(dk) });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String(e && e.message || e) });
  }
});
`;

let worker: Worker | null = null;
let nextId = 1;
let runs = 0;

/** How many KDF runs this process has started (tests check batching with it). */
export function kdfRunCount(): number {
  return runs;
}
const waiting = new Map<number, { resolve: (k: Uint8Array) => void; reject: (e: Error) => void }>();

function getWorker(): Worker {
  if (worker !== null) return worker;
  const w = new Worker(WORKER_SOURCE, { eval: true });
  w.unref();
  w.on("message", (m: { id: number; key?: Uint8Array; error?: string }) => {
    const job = waiting.get(m.id);
    if (job === undefined) return;
    waiting.delete(m.id);
    if (m.key !== undefined) job.resolve(m.key);
    else job.reject(new KeystoreError("KEYSTORE_KDF_FAILED", m.error ?? "kdf failed"));
    if (waiting.size === 0) w.unref();
  });
  w.on("error", (e) => {
    for (const job of waiting.values()) job.reject(new KeystoreError("KEYSTORE_KDF_FAILED", e.message, { cause: e }));
    waiting.clear();
    worker = null;
  });
  worker = w;
  return w;
}

/** Limits that keep a hostile keystore from exhausting memory or time. */
const MAX_SCRYPT_N = 1 << 20;
const MAX_PBKDF2_C = 10_000_000;

/** Derives the EIP-2335 decryption key off the main thread. */
export function deriveKey(password: Uint8Array, params: KdfParams): Promise<Uint8Array> {
  if (params.dklen !== 32) return Promise.reject(new KeystoreError("KEYSTORE_UNSUPPORTED", "dklen must be 32"));
  if (params.function === "scrypt") {
    const { n, r, p } = params;
    if (
      !Number.isInteger(n) ||
      n < 2 ||
      n > MAX_SCRYPT_N ||
      (n & (n - 1)) !== 0 ||
      r < 1 ||
      r > 32 ||
      p < 1 ||
      p > 16
    ) {
      return Promise.reject(
        new KeystoreError("KEYSTORE_UNSUPPORTED", `unsupported scrypt parameters n=${n} r=${r} p=${p}`),
      );
    }
  } else if (!Number.isInteger(params.c) || params.c < 1 || params.c > MAX_PBKDF2_C || params.prf !== "hmac-sha256") {
    return Promise.reject(new KeystoreError("KEYSTORE_UNSUPPORTED", "unsupported pbkdf2 parameters"));
  }
  const w = getWorker();
  w.ref();
  const id = nextId++;
  runs++;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    w.postMessage({
      id,
      fn: params.function,
      password,
      salt: params.salt,
      dklen: params.dklen,
      ...(params.function === "scrypt" ? { n: params.n, r: params.r, p: params.p } : { c: params.c }),
    });
  });
}

/** Stops the worker (tests and short-lived CLIs may call it; it is unref'ed anyway). */
export async function stopKdfWorker(): Promise<void> {
  const w = worker;
  worker = null;
  if (w !== null) await w.terminate();
}
