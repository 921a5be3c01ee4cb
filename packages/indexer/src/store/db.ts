/**
 * One database interface over SQLite (better-sqlite3) and PostgreSQL (pg). SQL is written once with
 * `?` placeholders and the subset both engines share; the PostgreSQL adapter numbers the
 * placeholders. Values are strings, numbers or null: amounts are TEXT (decimal wei), block numbers,
 * ids and timestamps BIGINT (read back as JS numbers, checked to be safe integers).
 */
export type SqlValue = string | number | null;
export type Row = Record<string, SqlValue>;

export type Dialect = "sqlite" | "postgres";

export interface QueryOptions {
  /** Aborts the statement after this many milliseconds (`DB_QUERY_TIMEOUT`). */
  timeoutMs?: number;
}

/** Statements run inside one transaction. */
export interface DbTx {
  readonly dialect: Dialect;
  query<T extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** Runs a statement and returns how many rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

export interface Db extends DbTx {
  /** Where the data lives, without credentials (logs). */
  readonly description: string;
  query<T extends Row = Row>(sql: string, params?: readonly SqlValue[], options?: QueryOptions): Promise<T[]>;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: DbTx) => Promise<T>): Promise<T>;
  /** Names and columns of the user tables (after migrations). */
  tableColumns(): Promise<Map<string, string[]>>;
  close(): Promise<void>;
}

export interface OpenDbOptions {
  /** `postgres://…` / `postgresql://…` for PostgreSQL; otherwise a SQLite file path (`:memory:` for tests). */
  url: string;
  /** Opens read-only where the engine allows it (the API's connection). */
  readonly?: boolean;
  /** Default statement timeout, ms (PostgreSQL `statement_timeout`). */
  statementTimeoutMs?: number;
  /** PostgreSQL pool size (default 4). */
  poolSize?: number;
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** Opens SQLite or PostgreSQL by URL. */
export async function openDb(options: OpenDbOptions): Promise<Db> {
  if (isPostgresUrl(options.url)) {
    const { openPostgres } = await import("./postgres.js");
    return openPostgres(options);
  }
  const { openSqlite } = await import("./sqlite.js");
  return openSqlite(options);
}
