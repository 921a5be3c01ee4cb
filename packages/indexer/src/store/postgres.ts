/**
 * PostgreSQL adapter over a `pg` pool. `?` placeholders become `$1…`; BIGINT comes back as a JS
 * number (checked to be a safe integer), NUMERIC and TEXT as strings. Each statement carries a
 * `statement_timeout`, so no query holds a connection for long.
 */
import pg from "pg";
import { IndexerError } from "../errors.js";
import type { Db, DbTx, OpenDbOptions, Row, SqlValue } from "./db.js";

const INT8_OID = 20;

function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) {
    throw new IndexerError("INDEXER_VALUE_OUT_OF_RANGE", `BIGINT ${value} is not a safe integer`, {
      details: { value },
    });
  }
  return n;
}

const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === INT8_OID ? parseInt8 : pg.types.getTypeParser(oid, format ?? "text")) as typeof pg.types.getTypeParser,
};

/** `?` → `$n` (the SQL of this package never has `?` inside string literals). */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

export function openPostgres(options: OpenDbOptions): Db {
  const timeout = options.statementTimeoutMs;
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 4,
    types,
    ...(timeout !== undefined ? { statement_timeout: timeout } : {}),
  });
  // An idle connection dropped by the server (restart, admin shutdown) must not crash the process; the
  // pool replaces it on the next query.
  pool.on("error", () => {});
  const converted = new Map<string, string>();
  const text = (sql: string) => {
    let out = converted.get(sql);
    if (out === undefined) {
      out = numberPlaceholders(sql);
      converted.set(sql, out);
    }
    return out;
  };
  const wrap = (error: unknown, timeoutMs: number | undefined): unknown => {
    if (typeof error === "object" && error !== null && (error as { code?: unknown }).code === "57014") {
      return new IndexerError("DB_QUERY_TIMEOUT", `query took longer than ${timeoutMs ?? timeout} ms`, {
        details: { timeoutMs: timeoutMs ?? timeout },
        cause: error,
      });
    }
    return error;
  };
  const onClient = (client: pg.PoolClient | pg.Pool): DbTx => ({
    dialect: "postgres",
    async query<T extends Row>(sql: string, params: readonly SqlValue[] = []) {
      try {
        return (await client.query(text(sql), [...params])).rows as T[];
      } catch (error) {
        throw wrap(error, undefined);
      }
    },
    async run(sql, params = []) {
      try {
        return (await client.query(text(sql), [...params])).rowCount ?? 0;
      } catch (error) {
        throw wrap(error, undefined);
      }
    },
  });
  const base = onClient(pool);
  const host = (() => {
    try {
      const u = new URL(options.url);
      return `${u.hostname}:${u.port || "5432"}${u.pathname}`;
    } catch {
      return "(unparsable url)";
    }
  })();
  return {
    ...base,
    description: `postgres:${host}`,
    async query<T extends Row>(sql: string, params: readonly SqlValue[] = [], queryOptions?: { timeoutMs?: number }) {
      const timeoutMs = queryOptions?.timeoutMs;
      if (timeoutMs === undefined) return base.query<T>(sql, params);
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
        const rows = (await client.query(text(sql), [...params])).rows as T[];
        await client.query("COMMIT");
        return rows;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw wrap(error, timeoutMs);
      } finally {
        client.release();
      }
    },
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await fn(onClient(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async tableColumns() {
      const rows = await base.query<{ table_name: string; column_name: string }>(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position",
      );
      const out = new Map<string, string[]>();
      for (const row of rows) {
        const list = out.get(row.table_name) ?? [];
        list.push(row.column_name);
        out.set(row.table_name, list);
      }
      return out;
    },
    async close() {
      await pool.end();
    },
  };
}
