/**
 * Where the batcher's transactions run. In a worker thread with its own connection to the same
 * SQLite file (WAL), so that the fsync of one batch does not stall the event loop: while a batch
 * commits, the main thread goes on parsing, verifying and answering, and the next batch gathers.
 * A signature is still released only once the transaction holding its record has committed (the
 * batcher resolves each item from the worker's answer). In-process databases (`:memory:`, tests) and
 * runs from the TypeScript sources use the same thread.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { SignerError, type SignerErrorCode } from "../errors.js";
import type { SlashingItem, SlashingOutcome, SlashingProtectionDb } from "./db.js";

export interface SlashingWriter {
  /** Checks and records `items` in one transaction (in order); one outcome or refusal per item. */
  write(items: readonly SlashingItem[]): Promise<Array<SlashingOutcome | SignerError>>;
  close(): Promise<void>;
  readonly kind: "thread" | "worker";
}

export function threadWriter(db: SlashingProtectionDb): SlashingWriter {
  return {
    kind: "thread",
    write: async (items) => db.checkAndInsertMany(items),
    close: async () => {},
  };
}

// Plain JS (eval'd); it loads the compiled database module next to this one.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
import(workerData.module).then(({ SlashingProtectionDb }) => {
  const db = new SlashingProtectionDb(workerData.path, { synchronous: workerData.synchronous });
  parentPort.on("message", (m) => {
    try {
      const out = db.checkAndInsertMany(m.items).map((r) =>
        typeof r === "string" ? r : { code: r.code, message: r.shortMessage ?? r.message, details: r.details },
      );
      parentPort.postMessage({ id: m.id, out });
    } catch (e) {
      parentPort.postMessage({ id: m.id, error: String((e && e.message) || e) });
    }
  });
}, (e) => parentPort.postMessage({ fatal: String((e && e.message) || e) }));
`;

type Reply =
  | { id: number; out: Array<SlashingOutcome | { code: string; message: string; details: Record<string, unknown> }> }
  | { id: number; error: string }
  | { fatal: string };

/**
 * A writer on a worker thread for a file database, or undefined when that is not possible (an
 * in-memory database, or no compiled module to load in the worker).
 */
export function workerWriter(db: SlashingProtectionDb): SlashingWriter | undefined {
  const file = db.file();
  const module = new URL("./db.js", import.meta.url);
  if (file === undefined || !existsSync(fileURLToPath(module))) return undefined;
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { module: module.href, path: file.path, synchronous: file.synchronous },
  });
  worker.unref();
  const waiting = new Map<number, { resolve(v: Array<SlashingOutcome | SignerError>): void; reject(e: Error): void }>();
  let nextId = 1;
  let broken: Error | undefined;
  const failAll = (e: Error) => {
    broken = e;
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
  };
  worker.on("message", (m: Reply) => {
    if ("fatal" in m) {
      failAll(new SignerError("SIGNER_INTERNAL", `slashing-protection worker failed: ${m.fatal}`));
      return;
    }
    const w = waiting.get(m.id);
    if (w === undefined) return;
    waiting.delete(m.id);
    if ("error" in m) {
      w.reject(new SignerError("SIGNER_INTERNAL", `slashing-protection write failed: ${m.error}`));
      return;
    }
    w.resolve(
      m.out.map((r) =>
        typeof r === "string" ? r : new SignerError(r.code as SignerErrorCode, r.message, { details: r.details }),
      ),
    );
  });
  worker.on("error", (e) =>
    failAll(new SignerError("SIGNER_INTERNAL", "slashing-protection worker died", { cause: e })),
  );
  worker.on("exit", () => failAll(new SignerError("SIGNER_INTERNAL", "slashing-protection worker exited")));
  return {
    kind: "worker",
    write: (items) =>
      new Promise((resolve, reject) => {
        if (broken !== undefined) {
          reject(broken);
          return;
        }
        const id = nextId++;
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, items });
      }),
    close: async () => {
      await worker.terminate();
    },
  };
}
