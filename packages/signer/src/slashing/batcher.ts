/**
 * Group commit for slashing protection: requests that arrive while the event loop is busy, or while
 * the previous transaction commits, are checked and recorded together in one SQLite transaction (one
 * fsync), then each caller gets its own outcome. One transaction is in flight at a time, so items are
 * applied strictly in arrival order. A signature is still released only after the transaction
 * holding its record has committed. The transaction runs where the writer runs (`writer.ts`: a worker
 * thread for a file database).
 */
import type { SignerError } from "../errors.js";
import type { SlashingItem, SlashingOutcome, SlashingProtectionDb } from "./db.js";
import { type SlashingWriter, threadWriter } from "./writer.js";

interface Pending {
  item: SlashingItem;
  resolve(o: SlashingOutcome): void;
  reject(e: SignerError | Error): void;
}

function keyOf(pubkey: string | Uint8Array): string {
  return typeof pubkey === "string" ? pubkey.toLowerCase() : `0x${Buffer.from(pubkey).toString("hex")}`;
}

export class SlashingBatcher {
  private queue: Pending[] = [];
  private scheduled = false;
  private inFlight = false;
  private readonly writer: SlashingWriter;
  /** Keys whose signings wait (an interchange for them is being written in pieces). */
  private readonly held = new Map<string, Pending[]>();
  /** Largest batch committed so far (for metrics and tests). */
  maxBatch = 0;

  constructor(db: SlashingProtectionDb, opts: { writer?: SlashingWriter; maxItems?: number } = {}) {
    this.writer = opts.writer ?? threadWriter(db);
    this.maxItems = opts.maxItems ?? 256;
  }

  private readonly maxItems: number;

  /** Where transactions run: "worker" (a worker thread) or "thread" (this one). */
  get writerKind(): "thread" | "worker" {
    return this.writer.kind;
  }

  /** Stops the writer (the worker thread, if any). */
  close(): Promise<void> {
    return this.writer.close();
  }

  /** Resolves once the item's record is committed; rejects with SIGNER_SLASHABLE when refused. */
  submit(item: SlashingItem): Promise<SlashingOutcome> {
    return new Promise((resolve, reject) => {
      const waiting = this.held.get(keyOf(item.pubkey));
      if (waiting !== undefined) waiting.push({ item, resolve, reject });
      else this.enqueue([{ item, resolve, reject }]);
    });
  }

  /**
   * Holds back checks for `pubkeys` until the returned release is called, so that they are checked
   * against the complete history once it is written (an interchange imported in pieces).
   */
  hold(pubkeys: Iterable<string>): () => void {
    const keys = [...new Set([...pubkeys].map(keyOf))].filter((k) => !this.held.has(k));
    for (const k of keys) this.held.set(k, []);
    return () => {
      const released = keys.flatMap((k) => {
        const waiting = this.held.get(k) ?? [];
        this.held.delete(k);
        return waiting;
      });
      if (released.length > 0) this.enqueue(released);
    };
  }

  private enqueue(items: Pending[]): void {
    this.queue.push(...items);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight) return;
    this.scheduled = true;
    setImmediate(() => {
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    if (this.inFlight || this.queue.length === 0) return;
    this.inFlight = true;
    const batch = this.queue.splice(0, this.maxItems);
    this.maxBatch = Math.max(this.maxBatch, batch.length);
    try {
      const results = await this.writer.write(batch.map((p) => p.item));
      batch.forEach((p, i) => {
        const r = results[i];
        if (typeof r === "string") p.resolve(r);
        else p.reject(r ?? new Error("missing batch result"));
      });
    } catch (e) {
      for (const p of batch) p.reject(e instanceof Error ? e : new Error(String(e)));
    } finally {
      this.inFlight = false;
      if (this.queue.length > 0) this.schedule();
    }
  }
}
