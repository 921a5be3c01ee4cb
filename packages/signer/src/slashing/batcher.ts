/**
 * Group commit for slashing protection: requests that arrive while the event loop is busy are checked
 * and recorded together in one SQLite transaction (one fsync), then each caller gets its own outcome.
 * A signature is still released only after the transaction holding its record has committed.
 */
import type { SignerError } from "../errors.js";
import type { SlashingItem, SlashingOutcome, SlashingProtectionDb } from "./db.js";

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
  /** Keys whose signings wait (an interchange for them is being written in pieces). */
  private readonly held = new Map<string, Pending[]>();
  /** Largest batch committed so far (for metrics and tests). */
  maxBatch = 0;

  constructor(
    private readonly db: SlashingProtectionDb,
    private readonly maxItems = 256,
  ) {}

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
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.scheduled = false;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxItems);
      this.maxBatch = Math.max(this.maxBatch, batch.length);
      let results: Array<SlashingOutcome | SignerError>;
      try {
        results = this.db.checkAndInsertMany(batch.map((p) => p.item));
      } catch (e) {
        for (const p of batch) p.reject(e instanceof Error ? e : new Error(String(e)));
        continue;
      }
      batch.forEach((p, i) => {
        const r = results[i];
        if (typeof r === "string") p.resolve(r);
        else p.reject(r ?? new Error("missing batch result"));
      });
    }
  }
}
