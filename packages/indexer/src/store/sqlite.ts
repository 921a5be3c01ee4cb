/**
 * SQLite adapter: one better-sqlite3 connection in WAL mode (readers in other processes see
 * committed batches only). Statements are cached by text. better-sqlite3 runs statements
 * synchronously and cannot interrupt one, so `timeoutMs` is enforced after the fact: a statement that
 * ran longer fails with `DB_QUERY_TIMEOUT` instead of returning. Every API query is bounded (indexed
 * filters and sorts, bounded pages), so none runs long in the first place.
 */
import Database from "better-sqlite3";
import { IndexerError } from "../errors.js";
import type { Db, DbTx, OpenDbOptions, Row, SqlValue } from "./db.js";

export function openSqlite(options: OpenDbOptions): Db {
  const db = new Database(options.url, {
    readonly: options.readonly ?? false,
    fileMustExist: options.readonly ?? false,
  });
  if (!options.readonly) {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
  }
  db.pragma("busy_timeout = 5000");
  db.pragma("foreign_keys = OFF");
  const cache = new Map<string, Database.Statement>();
  const prepare = (sql: string) => {
    let statement = cache.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  };
  const defaultTimeout = options.statementTimeoutMs;
  const query = <T extends Row>(sql: string, params: readonly SqlValue[] = [], timeoutMs = defaultTimeout): T[] => {
    const statement = prepare(sql);
    if (!statement.reader) {
      statement.run(...params);
      return [];
    }
    const started = performance.now();
    const rows = statement.all(...params) as T[];
    if (timeoutMs !== undefined && performance.now() - started > timeoutMs) {
      throw new IndexerError("DB_QUERY_TIMEOUT", `query took longer than ${timeoutMs} ms`, { details: { timeoutMs } });
    }
    return rows;
  };
  const run = (sql: string, params: readonly SqlValue[] = []): number => prepare(sql).run(...params).changes;
  const tx: DbTx = {
    dialect: "sqlite",
    query: async (sql, params) => query(sql, params),
    run: async (sql, params) => run(sql, params),
  };
  let inTransaction = false;
  return {
    dialect: "sqlite",
    description: `sqlite:${options.url}`,
    query: async (sql, params, queryOptions) => query(sql, params, queryOptions?.timeoutMs ?? defaultTimeout),
    run: async (sql, params) => run(sql, params),
    async transaction(fn) {
      if (inTransaction) throw new Error("nested transaction");
      inTransaction = true;
      db.exec("BEGIN IMMEDIATE");
      try {
        const result = await fn(tx);
        db.exec("COMMIT");
        return result;
      } catch (error) {
        db.exec("ROLLBACK");
        throw error;
      } finally {
        inTransaction = false;
      }
    },
    async tableColumns() {
      const tables = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .all() as { name: string }[];
      const out = new Map<string, string[]>();
      for (const { name } of tables) {
        const columns = db.prepare(`PRAGMA table_info("${name}")`).all() as { name: string }[];
        out.set(
          name,
          columns.map((c) => c.name),
        );
      }
      return out;
    },
    async close() {
      db.close();
    },
  };
}
