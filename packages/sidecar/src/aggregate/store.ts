/**
 * The aggregate round's state in the sidecar's SQLite (the same database as the outbox): the period
 * verdicts (own and gossiped, only correctly signed ones by assigned auditors reach here), the BLS
 * shares the aggregator collected, and per period what this sidecar did (requested, posted, watched,
 * finalized). Everything the round decides is re-read from here and from the chain, so a restart
 * resumes it, and the chain's refusals (`UptimeReportsModeTaken`, `UptimeReportsNoAggregate`) keep every
 * transaction to once.
 */
import type Database from "better-sqlite3";
import type { Hex } from "viem";
import type { SignedVerdict } from "./aggregator.js";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS agg_verdicts (
  period INTEGER NOT NULL, auditor_slot INTEGER NOT NULL, target_slot INTEGER NOT NULL,
  auditor TEXT NOT NULL, target TEXT NOT NULL, up INTEGER NOT NULL, signature TEXT NOT NULL,
  PRIMARY KEY (period, auditor_slot, target_slot)
);
CREATE TABLE IF NOT EXISTS agg_shares (
  period INTEGER NOT NULL, root TEXT NOT NULL, slot INTEGER NOT NULL, share TEXT NOT NULL,
  PRIMARY KEY (period, root, slot)
);
CREATE TABLE IF NOT EXISTS agg_steps (
  period INTEGER NOT NULL, step TEXT NOT NULL, detail TEXT, at INTEGER NOT NULL,
  PRIMARY KEY (period, step)
);
`;

/** What this sidecar did for a period's aggregate (each at most once). */
export type AggregateStep = "verdicts" | "posted" | "watched" | "finalized" | "fallback";

export class AggregateStore {
  private readonly insertVerdict: Database.Statement;
  private readonly insertShare: Database.Statement;

  constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA);
    this.insertVerdict = db.prepare(
      "INSERT OR IGNORE INTO agg_verdicts (period, auditor_slot, target_slot, auditor, target, up, signature) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
    this.insertShare = db.prepare("INSERT OR IGNORE INTO agg_shares (period, root, slot, share) VALUES (?, ?, ?, ?)");
  }

  /** Adds a verdict; false when the period already has one of this auditor on this target. */
  addVerdict(v: SignedVerdict & { period: bigint }): boolean {
    return (
      this.insertVerdict.run(
        v.period,
        v.auditor,
        v.target,
        v.auditorAddress,
        v.targetAddress,
        v.up ? 1 : 0,
        v.signature,
      ).changes === 1
    );
  }

  verdicts(period: bigint): SignedVerdict[] {
    const rows = this.db
      .prepare("SELECT * FROM agg_verdicts WHERE period = ? ORDER BY target_slot, auditor_slot")
      .all(period) as {
      auditor_slot: number;
      target_slot: number;
      auditor: Hex;
      target: Hex;
      up: number;
      signature: Hex;
    }[];
    return rows.map((r) => ({
      auditor: r.auditor_slot,
      target: r.target_slot,
      auditorAddress: r.auditor,
      targetAddress: r.target,
      up: r.up === 1,
      signature: r.signature,
    }));
  }

  addShare(period: bigint, root: Hex, slot: number, share: Hex): boolean {
    return this.insertShare.run(period, root, slot, share).changes === 1;
  }

  shares(period: bigint, root: Hex): Map<number, Hex> {
    const rows = this.db
      .prepare("SELECT slot, share FROM agg_shares WHERE period = ? AND root = ?")
      .all(period, root) as { slot: number; share: Hex }[];
    return new Map(rows.map((r) => [r.slot, r.share]));
  }

  done(period: bigint, step: AggregateStep): boolean {
    return this.db.prepare("SELECT 1 FROM agg_steps WHERE period = ? AND step = ?").get(period, step) !== undefined;
  }

  /** Records `step` for `period`; false when it was already recorded. */
  mark(period: bigint, step: AggregateStep, detail?: string): boolean {
    return (
      this.db
        .prepare("INSERT OR IGNORE INTO agg_steps (period, step, detail, at) VALUES (?, ?, ?, ?)")
        .run(period, step, detail ?? null, Date.now()).changes === 1
    );
  }

  /** Drops what is older than `before`. */
  prune(before: bigint): void {
    for (const t of ["agg_verdicts", "agg_shares", "agg_steps"]) {
      this.db.prepare(`DELETE FROM ${t} WHERE period < ?`).run(before);
    }
  }
}
