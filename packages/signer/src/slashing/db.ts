/**
 * EIP-3076 slashing protection on SQLite (better-sqlite3, WAL, synchronous=FULL).
 *
 * Strategy: "complete". Every signed block and attestation is kept (own signings and imported
 * interchange records alike) and a new message is checked against all of it:
 * - block: refused if a block at the same slot exists with a different (or unknown) signing root, or if
 *   the slot is at or below the lowest recorded slot (the EIP's lower bound, which also covers
 *   imported history that was pruned by the exporter);
 * - attestation: refused if source > target, if an attestation with the same target exists with a
 *   different (or unknown) signing root (double vote), if it surrounds or is surrounded by a recorded
 *   one, or if source < lowest recorded source or target <= lowest recorded target.
 * A re-request of exactly what was already signed (same slot/target and same known root) is allowed.
 * Check and insert run in one IMMEDIATE transaction and the transaction is committed (fsynced) before
 * the method returns, i.e. before any signature can leave the process.
 */
import Database from "better-sqlite3";
import { SignerError } from "../errors.js";
import { type Interchange, type ParsedRecord, parseHex, parseInterchange } from "./interchange.js";

export type SlashingOutcome = "new" | "repeat";

export type SlashingRefusalReason =
  | "GENESIS_VALIDATORS_ROOT_MISMATCH"
  | "DOUBLE_BLOCK_PROPOSAL"
  | "BLOCK_SLOT_BELOW_LOWER_BOUND"
  | "ATTESTATION_SOURCE_AFTER_TARGET"
  | "DOUBLE_VOTE"
  | "SURROUNDING_VOTE"
  | "SURROUNDED_VOTE"
  | "ATTESTATION_SOURCE_BELOW_LOWER_BOUND"
  | "ATTESTATION_TARGET_BELOW_LOWER_BOUND"
  | "ABOVE_HIGH_WATERMARK";

const ZERO_ROOT = `0x${"00".repeat(32)}`;

function refuse(reason: SlashingRefusalReason, message: string, details: Record<string, unknown>): SignerError {
  return new SignerError("SIGNER_SLASHABLE", `slashing protection refused: ${message}`, {
    details: { reason, ...details },
  });
}

/** Lower-case 0x hex of a root given as hex or bytes (null stays null: unknown root). */
function normRoot(root: string | Uint8Array | null | undefined): string | null {
  if (root === null || root === undefined) return null;
  return typeof root === "string" ? parseHex(root, 32, "signing root") : `0x${Buffer.from(root).toString("hex")}`;
}

function normKey(pubkey: string | Uint8Array): string {
  return typeof pubkey === "string" ? parseHex(pubkey, 48, "pubkey") : `0x${Buffer.from(pubkey).toString("hex")}`;
}

/** One message for `checkAndInsertMany`. */
export type SlashingItem = {
  pubkey: string | Uint8Array;
  genesisValidatorsRoot: string | Uint8Array;
  signingRoot: string | Uint8Array | null;
} & ({ kind: "block"; slot: Uint } | { kind: "attestation"; sourceEpoch: Uint; targetEpoch: Uint });

/** A slot or epoch: uint64 as bigint (numbers are accepted from callers that only have small ones). */
export type Uint = bigint | number;

/** SQLite stores signed 64-bit integers: a uint64 above 2^63 - 1 cannot be recorded, so it is refused. */
const DB_INT_MAX = (1n << 63n) - 1n;

function dbInt(n: Uint, what: string): bigint {
  const b = BigInt(n);
  if (b < 0n || b > DB_INT_MAX) {
    throw new SignerError(
      "SIGNER_BAD_REQUEST",
      `${what} ${b} is above 2^63-1, the largest slashing protection records`,
    );
  }
  return b;
}

export interface SlashingProtectionDbOptions {
  /**
   * Binds a new database to this genesis validators root (0x hex). Without it the first import or
   * signing binds it. A database bound to another root refuses everything.
   */
  genesisValidatorsRoot?: string;
  /**
   * SQLite `synchronous` level. FULL (default) fsyncs every commit, so a record is on disk before the
   * signature it guards is released. NORMAL is for tests only.
   */
  synchronous?: "FULL" | "NORMAL";
}

interface BlockRow {
  slot: bigint;
  signing_root: string | null;
}
interface AttRow {
  source_epoch: bigint;
  target_epoch: bigint;
  signing_root: string | null;
}

/** A durable EIP-3076 slashing-protection database. One instance per process and file. */
export class SlashingProtectionDb {
  private readonly db: Database.Database;
  private readonly stmts;

  private readonly path: string;
  private readonly synchronous: "FULL" | "NORMAL";

  constructor(path: string, opts: SlashingProtectionDbOptions = {}) {
    this.path = path;
    this.synchronous = opts.synchronous ?? "FULL";
    this.db = new Database(path);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma(`synchronous = ${opts.synchronous ?? "FULL"}`);
    this.db.pragma("foreign_keys = ON");
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS validators (id INTEGER PRIMARY KEY, pubkey TEXT NOT NULL UNIQUE);
      CREATE TABLE IF NOT EXISTS signed_blocks (
        validator_id INTEGER NOT NULL REFERENCES validators(id),
        slot INTEGER NOT NULL,
        signing_root TEXT
      );
      CREATE INDEX IF NOT EXISTS signed_blocks_slot ON signed_blocks(validator_id, slot);
      CREATE TABLE IF NOT EXISTS signed_attestations (
        validator_id INTEGER NOT NULL REFERENCES validators(id),
        source_epoch INTEGER NOT NULL,
        target_epoch INTEGER NOT NULL,
        signing_root TEXT
      );
      CREATE INDEX IF NOT EXISTS signed_attestations_target ON signed_attestations(validator_id, target_epoch);
      CREATE INDEX IF NOT EXISTS signed_attestations_source ON signed_attestations(validator_id, source_epoch);
    `);
    const db = this.db;
    this.stmts = {
      getMeta: db.prepare<[string], { value: string }>("SELECT value FROM meta WHERE key = ?"),
      setMeta: db.prepare<[string, string]>("INSERT INTO meta (key, value) VALUES (?, ?)"),
      putMeta: db.prepare<[string, string]>("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)"),
      deleteMeta: db.prepare<[string]>("DELETE FROM meta WHERE key = ?"),
      getValidator: db.prepare<[string], { id: number }>("SELECT id FROM validators WHERE pubkey = ?"),
      addValidator: db.prepare<[string]>("INSERT INTO validators (pubkey) VALUES (?)"),
      blocksAtSlot: db
        .prepare<[number, bigint], BlockRow>(
          "SELECT slot, signing_root FROM signed_blocks WHERE validator_id = ? AND slot = ?",
        )
        .safeIntegers(true),
      minBlockSlot: db
        .prepare<[number], { m: bigint | null }>("SELECT MIN(slot) AS m FROM signed_blocks WHERE validator_id = ?")
        .safeIntegers(true),
      sameBlock: db.prepare<[number, bigint, string | null], { c: number }>(
        "SELECT COUNT(*) AS c FROM signed_blocks WHERE validator_id = ? AND slot = ? AND signing_root IS ?",
      ),
      insertBlock: db.prepare<[number, bigint, string | null]>(
        "INSERT INTO signed_blocks (validator_id, slot, signing_root) VALUES (?, ?, ?)",
      ),
      attsAtTarget: db
        .prepare<[number, bigint], AttRow>(
          "SELECT source_epoch, target_epoch, signing_root FROM signed_attestations WHERE validator_id = ? AND target_epoch = ?",
        )
        .safeIntegers(true),
      surrounding: db
        .prepare<[number, bigint, bigint], AttRow>(
          "SELECT source_epoch, target_epoch, signing_root FROM signed_attestations WHERE validator_id = ? AND source_epoch < ? AND target_epoch > ? LIMIT 1",
        )
        .safeIntegers(true),
      surrounded: db
        .prepare<[number, bigint, bigint], AttRow>(
          "SELECT source_epoch, target_epoch, signing_root FROM signed_attestations WHERE validator_id = ? AND source_epoch > ? AND target_epoch < ? LIMIT 1",
        )
        .safeIntegers(true),
      minAtt: db
        .prepare<[number], { s: bigint | null; t: bigint | null }>(
          "SELECT MIN(source_epoch) AS s, MIN(target_epoch) AS t FROM signed_attestations WHERE validator_id = ?",
        )
        .safeIntegers(true),
      sameAtt: db.prepare<[number, bigint, bigint, string | null], { c: number }>(
        "SELECT COUNT(*) AS c FROM signed_attestations WHERE validator_id = ? AND source_epoch = ? AND target_epoch = ? AND signing_root IS ?",
      ),
      insertAtt: db.prepare<[number, bigint, bigint, string | null]>(
        "INSERT INTO signed_attestations (validator_id, source_epoch, target_epoch, signing_root) VALUES (?, ?, ?, ?)",
      ),
      allValidators: db.prepare<[], { id: number; pubkey: string }>("SELECT id, pubkey FROM validators ORDER BY id"),
      blocksOf: db
        .prepare<[number], BlockRow>(
          "SELECT slot, signing_root FROM signed_blocks WHERE validator_id = ? ORDER BY slot",
        )
        .safeIntegers(true),
      attsOf: db
        .prepare<[number], AttRow>(
          "SELECT source_epoch, target_epoch, signing_root FROM signed_attestations WHERE validator_id = ? ORDER BY target_epoch, source_epoch",
        )
        .safeIntegers(true),
      countBlocks: db.prepare<[], { c: number }>("SELECT COUNT(*) AS c FROM signed_blocks"),
      countAtts: db.prepare<[], { c: number }>("SELECT COUNT(*) AS c FROM signed_attestations"),
    };
    this.init(opts);
  }

  private init(opts: SlashingProtectionDbOptions): void {
    if (opts.genesisValidatorsRoot !== undefined) {
      const gvr = parseHex(opts.genesisValidatorsRoot, 32, "genesisValidatorsRoot");
      this.db.transaction(() => this.bindGenesis(gvr)).immediate();
    }
  }

  /** The genesis validators root this database is bound to (set by the first import or signing). */
  genesisValidatorsRoot(): string | undefined {
    return this.stmts.getMeta.get("genesis_validators_root")?.value;
  }

  private bindGenesis(gvr: string): void {
    const have = this.genesisValidatorsRoot();
    if (have === undefined) this.stmts.setMeta.run("genesis_validators_root", gvr);
    else if (have !== gvr) {
      throw refuse(
        "GENESIS_VALIDATORS_ROOT_MISMATCH",
        `genesis validators root ${gvr} differs from this database's ${have}`,
        { have, got: gvr },
      );
    }
  }

  private validatorId(pubkey: string): number {
    const row = this.stmts.getValidator.get(pubkey);
    if (row !== undefined) return row.id;
    return Number(this.stmts.addValidator.run(pubkey).lastInsertRowid);
  }

  /** The database file and its durability setting; undefined for an in-memory database. */
  file(): { path: string; synchronous: "FULL" | "NORMAL" } | undefined {
    return this.path === ":memory:" || this.path === ""
      ? undefined
      : { path: this.path, synchronous: this.synchronous };
  }

  /**
   * The high watermark: when set, no block at or above `slot` and no attestation whose source or target
   * is at or above `epoch` is signed (an operator sets it before moving keys, as Web3Signer does).
   */
  highWatermark(): { epoch?: bigint; slot?: bigint } {
    const epoch = this.stmts.getMeta.get("high_watermark_epoch")?.value;
    const slot = this.stmts.getMeta.get("high_watermark_slot")?.value;
    return {
      ...(epoch === undefined ? {} : { epoch: BigInt(epoch) }),
      ...(slot === undefined ? {} : { slot: BigInt(slot) }),
    };
  }

  /** Sets (or, with null, removes) the high watermark. */
  setHighWatermark(w: { epoch: Uint; slot: Uint } | null): void {
    this.db
      .transaction(() => {
        if (w === null) {
          this.stmts.deleteMeta.run("high_watermark_epoch");
          this.stmts.deleteMeta.run("high_watermark_slot");
          return;
        }
        this.stmts.putMeta.run("high_watermark_epoch", String(dbInt(w.epoch, "epoch")));
        this.stmts.putMeta.run("high_watermark_slot", String(dbInt(w.slot, "slot")));
      })
      .immediate();
  }

  private checkBlock(id: number, slot: bigint, root: string | null): SlashingOutcome {
    const hw = this.highWatermark().slot;
    if (hw !== undefined && slot >= hw) {
      throw refuse("ABOVE_HIGH_WATERMARK", `slot ${slot} is at or above the high watermark ${hw}`, {
        slot: String(slot),
        highWatermark: String(hw),
      });
    }
    const same = this.stmts.blocksAtSlot.all(id, slot);
    if (same.length > 0) {
      if (root !== null && same.every((r) => r.signing_root === root)) return "repeat";
      throw refuse("DOUBLE_BLOCK_PROPOSAL", `a different block was already signed at slot ${slot}`, {
        slot: String(slot),
      });
    }
    const min = this.stmts.minBlockSlot.get(id)?.m ?? null;
    if (min !== null && slot <= min) {
      throw refuse("BLOCK_SLOT_BELOW_LOWER_BOUND", `slot ${slot} is at or below the lower bound ${min}`, {
        slot: String(slot),
        lowerBound: String(min),
      });
    }
    return "new";
  }

  private checkAttestation(id: number, source: bigint, target: bigint, root: string | null): SlashingOutcome {
    if (source > target) {
      throw refuse("ATTESTATION_SOURCE_AFTER_TARGET", `source ${source} is after target ${target}`, {
        source: String(source),
        target: String(target),
      });
    }
    const hw = this.highWatermark().epoch;
    if (hw !== undefined && (source >= hw || target >= hw)) {
      throw refuse("ABOVE_HIGH_WATERMARK", `(${source}, ${target}) reaches the high watermark epoch ${hw}`, {
        source: String(source),
        target: String(target),
        highWatermark: String(hw),
      });
    }
    const same = this.stmts.attsAtTarget.all(id, target);
    if (same.length > 0) {
      if (root !== null && same.every((r) => r.signing_root === root && r.source_epoch === source)) return "repeat";
      throw refuse("DOUBLE_VOTE", `a different attestation was already signed for target ${target}`, {
        source: String(source),
        target: String(target),
      });
    }
    const surrounding = this.stmts.surrounding.get(id, source, target);
    if (surrounding !== undefined) {
      throw refuse(
        "SURROUNDED_VOTE",
        `(${source}, ${target}) is surrounded by (${surrounding.source_epoch}, ${surrounding.target_epoch})`,
        { source: String(source), target: String(target) },
      );
    }
    const surrounded = this.stmts.surrounded.get(id, source, target);
    if (surrounded !== undefined) {
      throw refuse(
        "SURROUNDING_VOTE",
        `(${source}, ${target}) surrounds (${surrounded.source_epoch}, ${surrounded.target_epoch})`,
        { source: String(source), target: String(target) },
      );
    }
    const min = this.stmts.minAtt.get(id);
    if (min?.s !== null && min?.s !== undefined && source < min.s) {
      throw refuse("ATTESTATION_SOURCE_BELOW_LOWER_BOUND", `source ${source} is below the lower bound ${min.s}`, {
        source: String(source),
        lowerBound: String(min.s),
      });
    }
    if (min?.t !== null && min?.t !== undefined && target <= min.t) {
      throw refuse("ATTESTATION_TARGET_BELOW_LOWER_BOUND", `target ${target} is at or below the lower bound ${min.t}`, {
        target: String(target),
        lowerBound: String(min.t),
      });
    }
    return "new";
  }

  /**
   * Checks a block proposal and records it (durably) when allowed.
   * @throws SignerError SIGNER_SLASHABLE with `details.reason`.
   */
  checkAndInsertBlock(
    pubkey: string | Uint8Array,
    genesisValidatorsRoot: string | Uint8Array,
    slot: Uint,
    signingRoot: string | Uint8Array | null,
  ): SlashingOutcome {
    const key = normKey(pubkey);
    const gvr = normRoot(genesisValidatorsRoot) ?? ZERO_ROOT;
    const root = normRoot(signingRoot);
    return this.db
      .transaction(() => {
        this.bindGenesis(gvr);
        const id = this.validatorId(key);
        const s = dbInt(slot, "slot");
        const outcome = this.checkBlock(id, s, root);
        if (outcome === "new") this.stmts.insertBlock.run(id, s, root);
        return outcome;
      })
      .immediate();
  }

  /**
   * Checks an attestation and records it (durably) when allowed.
   * @throws SignerError SIGNER_SLASHABLE with `details.reason`.
   */
  checkAndInsertAttestation(
    pubkey: string | Uint8Array,
    genesisValidatorsRoot: string | Uint8Array,
    sourceEpoch: Uint,
    targetEpoch: Uint,
    signingRoot: string | Uint8Array | null,
  ): SlashingOutcome {
    const key = normKey(pubkey);
    const gvr = normRoot(genesisValidatorsRoot) ?? ZERO_ROOT;
    const root = normRoot(signingRoot);
    return this.db
      .transaction(() => {
        this.bindGenesis(gvr);
        const id = this.validatorId(key);
        const [source, target] = [dbInt(sourceEpoch, "source epoch"), dbInt(targetEpoch, "target epoch")];
        const outcome = this.checkAttestation(id, source, target, root);
        if (outcome === "new") this.stmts.insertAtt.run(id, source, target, root);
        return outcome;
      })
      .immediate();
  }

  /**
   * Group commit: runs several checks in ONE immediate transaction, so that a single fsync makes all of
   * them durable. Each item gets its own outcome or refusal (a refused item writes nothing; the others
   * are unaffected). Items are applied in order, so two conflicting items in one batch behave exactly as
   * if they had come one after the other.
   */
  checkAndInsertMany(items: readonly SlashingItem[]): Array<SlashingOutcome | SignerError> {
    return this.db
      .transaction(() =>
        items.map((it): SlashingOutcome | SignerError => {
          try {
            const key = normKey(it.pubkey);
            const gvr = normRoot(it.genesisValidatorsRoot) ?? ZERO_ROOT;
            const root = normRoot(it.signingRoot);
            this.bindGenesis(gvr);
            const id = this.validatorId(key);
            if (it.kind === "block") {
              const slot = dbInt(it.slot, "slot");
              const outcome = this.checkBlock(id, slot, root);
              if (outcome === "new") this.stmts.insertBlock.run(id, slot, root);
              return outcome;
            }
            const source = dbInt(it.sourceEpoch, "source epoch");
            const target = dbInt(it.targetEpoch, "target epoch");
            const outcome = this.checkAttestation(id, source, target, root);
            if (outcome === "new") this.stmts.insertAtt.run(id, source, target, root);
            return outcome;
          } catch (e) {
            if (e instanceof SignerError) return e;
            throw e;
          }
        }),
      )
      .immediate();
  }

  /**
   * Imports an EIP-3076 v5 interchange atomically: either every record is added or none. Records are
   * added as history (identical rows are not duplicated); nothing already recorded is removed.
   * With `expectedGenesisValidatorsRoot`, an interchange for another chain is refused even when the
   * database is not bound yet.
   * @throws SignerError SIGNER_INTERCHANGE_INVALID (bad document) or SIGNER_SLASHABLE (other genesis).
   */
  importInterchange(
    json: unknown,
    opts: { expectedGenesisValidatorsRoot?: string } = {},
  ): { validators: number; blocks: number; attestations: number } {
    const { genesisValidatorsRoot, records } = parseInterchange(json);
    this.checkImportChain(genesisValidatorsRoot, opts.expectedGenesisValidatorsRoot);
    const counts = this.db
      .transaction(() => {
        this.bindGenesis(genesisValidatorsRoot);
        return this.insertRecords(records);
      })
      .immediate();
    return { validators: new Set(records.map((r) => r.pubkey)).size, ...counts };
  }

  /**
   * Refuses an interchange whose genesis validators root is not `expected` (when given) or not the
   * one this database is bound to.
   * @throws SignerError SIGNER_SLASHABLE, reason GENESIS_VALIDATORS_ROOT_MISMATCH.
   */
  checkImportChain(genesisValidatorsRoot: string, expected?: string): void {
    const gvr = parseHex(genesisValidatorsRoot, 32, "genesis validators root");
    for (const want of [
      expected === undefined ? undefined : parseHex(expected, 32, "expected root"),
      this.genesisValidatorsRoot(),
    ]) {
      if (want !== undefined && want !== gvr) {
        throw refuse(
          "GENESIS_VALIDATORS_ROOT_MISMATCH",
          `interchange genesis validators root ${gvr} differs from this signer's ${want}`,
          { have: want, got: gvr },
        );
      }
    }
  }

  /**
   * Adds already validated records (a piece of an interchange) in one transaction, binding the
   * database to `genesisValidatorsRoot`. Callers that import in pieces validate the whole document
   * and check its chain first.
   */
  importRecords(
    genesisValidatorsRoot: string,
    records: readonly ParsedRecord[],
  ): { blocks: number; attestations: number } {
    return this.db
      .transaction(() => {
        this.bindGenesis(genesisValidatorsRoot);
        return this.insertRecords(records);
      })
      .immediate();
  }

  private insertRecords(records: readonly ParsedRecord[]): { blocks: number; attestations: number } {
    const counts = { blocks: 0, attestations: 0 };
    for (const rec of records) {
      const id = this.validatorId(rec.pubkey);
      for (const b of rec.blocks) {
        const slot = dbInt(b.slot, "slot");
        if (this.stmts.sameBlock.get(id, slot, b.signingRoot)?.c) continue;
        this.stmts.insertBlock.run(id, slot, b.signingRoot);
        counts.blocks++;
      }
      for (const a of rec.attestations) {
        const [source, target] = [dbInt(a.sourceEpoch, "source epoch"), dbInt(a.targetEpoch, "target epoch")];
        if (this.stmts.sameAtt.get(id, source, target, a.signingRoot)?.c) continue;
        this.stmts.insertAtt.run(id, source, target, a.signingRoot);
        counts.attestations++;
      }
    }
    return counts;
  }

  /** Exports every record (or those of `pubkeys`) as an EIP-3076 v5 interchange (complete history). */
  exportInterchange(genesisValidatorsRoot?: string, pubkeys?: readonly string[]): Interchange {
    const gvr = this.genesisValidatorsRoot() ?? genesisValidatorsRoot;
    if (gvr === undefined) {
      throw new SignerError("SIGNER_INTERCHANGE_INVALID", "database is empty and no genesis validators root was given");
    }
    const only = pubkeys === undefined ? undefined : new Set(pubkeys.map((k) => k.toLowerCase()));
    const validators = this.stmts.allValidators.all().filter((v) => only === undefined || only.has(v.pubkey));
    const data = validators.map((v) => ({
      pubkey: v.pubkey,
      signed_blocks: this.stmts.blocksOf.all(v.id).map((b) => ({
        slot: String(b.slot),
        ...(b.signing_root === null ? {} : { signing_root: b.signing_root }),
      })),
      signed_attestations: this.stmts.attsOf.all(v.id).map((a) => ({
        source_epoch: String(a.source_epoch),
        target_epoch: String(a.target_epoch),
        ...(a.signing_root === null ? {} : { signing_root: a.signing_root }),
      })),
    }));
    return { metadata: { interchange_format_version: "5", genesis_validators_root: gvr }, data };
  }

  /** Whether any block or attestation is recorded for this validator. */
  hasRecords(pubkey: string): boolean {
    const id = this.stmts.getValidator.get(normKey(pubkey))?.id;
    if (id === undefined) return false;
    return this.stmts.blocksOf.all(id).length + this.stmts.attsOf.all(id).length > 0;
  }

  /** Row counts (for metrics and tests). */
  counts(): { blocks: number; attestations: number } {
    return { blocks: this.stmts.countBlocks.get()?.c ?? 0, attestations: this.stmts.countAtts.get()?.c ?? 0 };
  }

  close(): void {
    this.db.close();
  }
}
