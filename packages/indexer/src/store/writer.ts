/**
 * The write side of one batch of blocks. Projections read and write rows through an in-memory overlay;
 * `flush` writes the final state of every touched row, the appended rows and the undo log inside the
 * batch's transaction, with a few multi-row statements per table.
 *
 * Undo: the first time a key is touched in a non-final block N, its state before N (or "absent") is
 * recorded as undo entry (N, seq). Rolling back to block B replays the entries above B newest first,
 * so every row ends as it was after B. Final blocks (at or below the reorg window) record nothing.
 */
import type { DbTx, Row, SqlValue } from "./db.js";
import { type AppendTable, appendTables, keyColumns, type StateTable, stateTables } from "./tables.js";

type Entry = { row: Row | null; dirty: boolean; touchedIn: number };

export type UndoEntry = { block: number; seq: number; table: StateTable; key: string; before: Row | null };

const MAX_PARAMS = 30_000;

export class BatchWriter {
  private readonly overlay = new Map<StateTable, Map<string, Entry>>();
  private readonly appended = new Map<AppendTable, Row[]>();
  private readonly undo: UndoEntry[] = [];
  private block = -1;
  private undoEnabled = false;
  private seq = 0;

  constructor(
    private readonly reader: DbTx,
    private readonly columns: ReadonlyMap<string, readonly string[]>,
  ) {}

  /** Subsequent writes belong to block `number`; `undo` records their before-images. */
  beginBlock(number: number, undo: boolean): void {
    if (number !== this.block) this.seq = 0;
    this.block = number;
    this.undoEnabled = undo;
  }

  get currentBlock(): number {
    return this.block;
  }

  private tableMap(table: StateTable): Map<string, Entry> {
    let map = this.overlay.get(table);
    if (!map) {
      map = new Map();
      this.overlay.set(table, map);
    }
    return map;
  }

  private async load(table: StateTable, key: readonly SqlValue[]): Promise<Entry> {
    const map = this.tableMap(table);
    const k = JSON.stringify(key);
    let entry = map.get(k);
    if (!entry) {
      const where = stateTables[table].map((c) => `${c} = ?`).join(" AND ");
      const rows = await this.reader.query(`SELECT * FROM ${table} WHERE ${where}`, key);
      entry = { row: rows[0] ?? null, dirty: false, touchedIn: -1 };
      map.set(k, entry);
    }
    return entry;
  }

  /** The current row of `table` with primary key `key` (values in key-column order). */
  async get(table: StateTable, key: readonly SqlValue[]): Promise<Row | undefined> {
    const entry = await this.load(table, key);
    return entry.row ? { ...entry.row } : undefined;
  }

  private recordUndo(table: StateTable, key: readonly SqlValue[], entry: Entry): void {
    if (entry.touchedIn === this.block) return;
    entry.touchedIn = this.block;
    if (!this.undoEnabled) return;
    this.undo.push({
      block: this.block,
      seq: this.seq++,
      table,
      key: JSON.stringify(key),
      before: entry.row ? { ...entry.row } : null,
    });
  }

  /** Inserts or replaces a whole row of a state table. */
  async put(table: StateTable, row: Row): Promise<void> {
    const expected = this.columns.get(table);
    if (!expected) throw new Error(`unknown table ${table}`);
    for (const column of expected) {
      if (!(column in row)) throw new Error(`${table}.${column} missing from row`);
    }
    const key = stateTables[table].map((c) => row[c] ?? null);
    const entry = await this.load(table, key);
    this.recordUndo(table, key, entry);
    entry.row = { ...row };
    entry.dirty = true;
  }

  /** Deletes a row of a state table. */
  async delete(table: StateTable, key: readonly SqlValue[]): Promise<void> {
    const entry = await this.load(table, key);
    if (!entry.row) return;
    this.recordUndo(table, key, entry);
    entry.row = null;
    entry.dirty = true;
  }

  /** Appends a row to an append table (rolled back by its `block_number`). */
  append(table: AppendTable, row: Row): void {
    let rows = this.appended.get(table);
    if (!rows) {
      rows = [];
      this.appended.set(table, rows);
    }
    rows.push(row);
  }

  /** Writes everything to `tx`. */
  async flush(tx: DbTx): Promise<{ rows: number; undo: number }> {
    let rows = 0;
    for (const [table, list] of this.appended) {
      const columns = this.columns.get(table) ?? [];
      await insertMany(tx, table, columns, list, undefined);
      rows += list.length;
    }
    for (const [table, map] of this.overlay) {
      const columns = this.columns.get(table) ?? [];
      const upserts: Row[] = [];
      for (const [k, entry] of map) {
        if (!entry.dirty) continue;
        if (entry.row) upserts.push(entry.row);
        else await deleteByKey(tx, table, JSON.parse(k) as SqlValue[]);
        rows++;
      }
      await insertMany(tx, table, columns, upserts, stateTables[table]);
    }
    await insertMany(
      tx,
      "undo_log",
      ["block_number", "seq", "table_name", "row_key", "before_row"],
      this.undo.map((u) => ({
        block_number: u.block,
        seq: u.seq,
        table_name: u.table,
        row_key: u.key,
        before_row: u.before ? JSON.stringify(u.before) : null,
      })),
      undefined,
    );
    return { rows, undo: this.undo.length };
  }
}

async function deleteByKey(tx: DbTx, table: StateTable, key: readonly SqlValue[]): Promise<void> {
  const where = stateTables[table].map((c) => `${c} = ?`).join(" AND ");
  await tx.run(`DELETE FROM ${table} WHERE ${where}`, key);
}

/** Multi-row INSERT (an upsert on `conflictKey` when given), chunked under the engines' parameter limits. */
export async function insertMany(
  tx: DbTx,
  table: string,
  columns: readonly string[],
  rows: readonly Row[],
  conflictKey: readonly string[] | undefined,
): Promise<void> {
  if (rows.length === 0 || columns.length === 0) return;
  const perChunk = Math.max(1, Math.min(500, Math.floor(MAX_PARAMS / columns.length)));
  const tuple = `(${columns.map(() => "?").join(", ")})`;
  const update = conflictKey
    ? ` ON CONFLICT (${conflictKey.join(", ")}) DO UPDATE SET ${columns
        .filter((c) => !conflictKey.includes(c))
        .map((c) => `${c} = excluded.${c}`)
        .join(", ")}`
    : "";
  for (let i = 0; i < rows.length; i += perChunk) {
    const chunk = rows.slice(i, i + perChunk);
    const params: SqlValue[] = [];
    for (const row of chunk) for (const c of columns) params.push(row[c] ?? null);
    await tx.run(
      `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${chunk.map(() => tuple).join(", ")}${update}`,
      params,
    );
  }
}

/**
 * Undoes every block above `block`: state rows from the undo log (newest first), append rows and
 * block hashes by block number.
 */
export async function rollbackTo(
  tx: DbTx,
  block: number,
  columns: ReadonlyMap<string, readonly string[]>,
): Promise<number> {
  const entries = await tx.query<{ table_name: string; row_key: string; before_row: string | null }>(
    "SELECT table_name, row_key, before_row FROM undo_log WHERE block_number > ? ORDER BY block_number DESC, seq DESC",
    [block],
  );
  for (const entry of entries) {
    const table = entry.table_name as StateTable;
    if (!(table in stateTables)) throw new Error(`undo log names unknown table ${entry.table_name}`);
    const key = JSON.parse(entry.row_key) as SqlValue[];
    if (entry.before_row === null) {
      await deleteByKey(tx, table, key);
    } else {
      const row = JSON.parse(entry.before_row) as Row;
      await insertMany(tx, table, columns.get(table) ?? Object.keys(row), [row], stateTables[table]);
    }
  }
  await tx.run("DELETE FROM undo_log WHERE block_number > ?", [block]);
  for (const table of Object.keys(appendTables) as AppendTable[]) {
    await tx.run(`DELETE FROM ${table} WHERE block_number > ?`, [block]);
  }
  await tx.run("DELETE FROM blocks WHERE number > ?", [block]);
  return entries.length;
}

export { keyColumns };
