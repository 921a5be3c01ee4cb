/**
 * The sidecar's state in SQLite (better-sqlite3, WAL, synchronous=FULL): its own probe results, the
 * observations peers gossiped, and the outbox of reports. A report row is written before its
 * transaction is sent and moves pending → sent (with its hash) → confirmed, so a crash or an RPC
 * outage at any point loses nothing and the next start resumes from the row (see `report/outbox.ts`).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { Address, Hash } from "viem";
import type { Observation } from "../audit/messages.js";
import { SidecarError } from "../errors.js";

export type ReportStatus = "pending" | "sent" | "confirmed" | "expired";

export interface ReportRow {
  readonly period: bigint;
  readonly votes: bigint;
  readonly targets: readonly Address[];
  readonly status: ReportStatus;
  readonly txHash: Hash | null;
  readonly attempts: number;
  readonly lastError: string | null;
  /** When the row last changed (ms). */
  readonly updatedAt: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS observations (
  period INTEGER NOT NULL, target TEXT NOT NULL, round INTEGER NOT NULL,
  up INTEGER NOT NULL, latency_ms INTEGER NOT NULL, observed_at INTEGER NOT NULL,
  PRIMARY KEY (period, target, round)
);
CREATE TABLE IF NOT EXISTS peer_observations (
  auditor TEXT NOT NULL, target TEXT NOT NULL, period INTEGER NOT NULL, round INTEGER NOT NULL,
  up INTEGER NOT NULL, observed_at INTEGER NOT NULL, signature TEXT NOT NULL,
  PRIMARY KEY (auditor, target, period, round)
);
CREATE TABLE IF NOT EXISTS reports (
  period INTEGER PRIMARY KEY, votes TEXT NOT NULL, targets TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'confirmed', 'expired')),
  tx_hash TEXT, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

/** Observations older than this many periods are pruned. */
const KEEP_PERIODS = 64n;

export class SidecarStore {
  private readonly db: Database.Database;
  // The statements of every probe and every gossiped observation, prepared once: a statement
  // prepared per call holds native memory the JavaScript heap does not see until a GC finalizes it.
  private readonly insertObservation: Database.Statement;
  private readonly insertPeerObservation: Database.Statement;

  constructor(dataDir: string) {
    try {
      mkdirSync(dataDir, { recursive: true });
      this.db = new Database(join(dataDir, "sidecar.sqlite"));
      this.db.pragma("journal_mode = WAL");
      this.db.pragma("synchronous = FULL");
      this.db.exec(SCHEMA);
      this.insertObservation = this.db.prepare(
        "INSERT OR REPLACE INTO observations (period, target, round, up, latency_ms, observed_at) VALUES (?, ?, ?, ?, ?, ?)",
      );
      this.insertPeerObservation = this.db.prepare(
        "INSERT OR IGNORE INTO peer_observations (auditor, target, period, round, up, observed_at, signature) VALUES (?, ?, ?, ?, ?, ?, ?)",
      );
    } catch (cause) {
      throw new SidecarError("SIDECAR_DB_FAILED", `cannot open the sidecar database in ${dataDir}`, { cause });
    }
  }

  close(): void {
    this.db.close();
  }

  recordObservation(o: Observation): void {
    this.insertObservation.run(o.period, o.target, o.round, o.up ? 1 : 0, o.latencyMs, o.observedAt);
  }

  recordPeerObservation(o: Observation, signature: string): void {
    this.insertPeerObservation.run(o.auditor, o.target, o.period, o.round, o.up ? 1 : 0, o.observedAt, signature);
  }

  /** Per target: probes taken and probes that found it up, in `period`. */
  tally(period: bigint): Map<Address, { probes: number; up: number }> {
    const rows = this.db
      .prepare("SELECT target, COUNT(*) AS probes, SUM(up) AS up FROM observations WHERE period = ? GROUP BY target")
      .all(period) as { target: Address; probes: number; up: number }[];
    return new Map(rows.map((r) => [r.target, { probes: r.probes, up: r.up }]));
  }

  /** Own observations of `target` in `period`, by round (the gap a restart leaves shows here). */
  observationsOf(period: bigint, target: Address): { round: number; up: boolean; observedAt: number }[] {
    return (
      this.db
        .prepare("SELECT round, up, observed_at FROM observations WHERE period = ? AND target = ? ORDER BY round")
        .all(period, target) as { round: number; up: number; observed_at: number }[]
    ).map((r) => ({ round: r.round, up: r.up === 1, observedAt: r.observed_at }));
  }

  peerObservationCount(period: bigint): number {
    return (
      this.db.prepare("SELECT COUNT(*) AS n FROM peer_observations WHERE period = ?").get(period) as { n: number }
    ).n;
  }

  /** Adds the report of `period` once; a second call for the same period changes nothing. */
  enqueueReport(period: bigint, votes: bigint, targets: readonly Address[]): boolean {
    const r = this.db
      .prepare(
        "INSERT OR IGNORE INTO reports (period, votes, targets, status, updated_at) VALUES (?, ?, ?, 'pending', ?)",
      )
      .run(period, votes.toString(), JSON.stringify(targets), Date.now());
    return r.changes === 1;
  }

  /** Reports not yet confirmed or expired, oldest first. */
  openReports(): ReportRow[] {
    return (
      this.db.prepare("SELECT * FROM reports WHERE status IN ('pending', 'sent') ORDER BY period").all() as RawReport[]
    ).map(toRow);
  }

  report(period: bigint): ReportRow | undefined {
    const r = this.db.prepare("SELECT * FROM reports WHERE period = ?").get(period) as RawReport | undefined;
    return r && toRow(r);
  }

  reports(limit = 16): ReportRow[] {
    return (this.db.prepare("SELECT * FROM reports ORDER BY period DESC LIMIT ?").all(limit) as RawReport[]).map(toRow);
  }

  setReportStatus(period: bigint, status: ReportStatus, fields: { txHash?: Hash | null; error?: string | null } = {}) {
    this.db
      .prepare(
        `UPDATE reports SET status = ?, tx_hash = COALESCE(?, tx_hash), last_error = ?,
         attempts = attempts + CASE WHEN ? = 'sent' THEN 1 ELSE 0 END, updated_at = ? WHERE period = ?`,
      )
      .run(status, fields.txHash ?? null, fields.error ?? null, status, Date.now(), period);
  }

  getMeta(key: string): string | undefined {
    return (this.db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | undefined)?.value;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)").run(key, value);
  }

  /** Drops observations older than {@link KEEP_PERIODS} before `period`. */
  prune(period: bigint): void {
    if (period <= KEEP_PERIODS) return;
    const before = period - KEEP_PERIODS;
    this.db.prepare("DELETE FROM observations WHERE period < ?").run(before);
    this.db.prepare("DELETE FROM peer_observations WHERE period < ?").run(before);
  }
}

type RawReport = {
  period: number | bigint;
  votes: string;
  targets: string;
  status: ReportStatus;
  tx_hash: string | null;
  attempts: number;
  last_error: string | null;
  updated_at: number;
};

function toRow(r: RawReport): ReportRow {
  return {
    period: BigInt(r.period),
    votes: BigInt(r.votes),
    targets: JSON.parse(r.targets) as Address[],
    status: r.status,
    txHash: r.tx_hash as Hash | null,
    attempts: r.attempts,
    lastError: r.last_error,
    updatedAt: r.updated_at,
  };
}
