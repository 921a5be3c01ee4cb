// Test-only: the same suite runs on SQLite and on PostgreSQL. `engines` lists both; each test file
// starts one PostgreSQL cluster (stopped in afterAll) and creates a database per use.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Db, type OpenDbOptions, openDb } from "../store/db.js";
import { startTestPostgres, type TestPostgres } from "./postgres.js";

export type Engine = "sqlite" | "postgres";
export const engines: readonly Engine[] = ["sqlite", "postgres"];

export class TestDatabases {
  private pg: TestPostgres | undefined;
  private readonly dir = mkdtempSync(join(tmpdir(), "mzku-indexer-"));
  private n = 0;

  constructor(private readonly engine: Engine) {}

  /** A new, empty database's URL. */
  async url(): Promise<string> {
    const name = `db${++this.n}`;
    if (this.engine === "sqlite") return join(this.dir, `${name}.sqlite`);
    this.pg ??= await startTestPostgres();
    return this.pg.createDatabase(name);
  }

  async open(url: string, options: Omit<OpenDbOptions, "url"> = {}): Promise<Db> {
    return openDb({ url, ...options });
  }

  async stop(): Promise<void> {
    await this.pg?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Every row of every derived table, in key order (compares two databases). */
export async function dumpTables(db: Db, tables: readonly string[]): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  const columns = await db.tableColumns();
  for (const table of tables) {
    const cols = columns.get(table);
    if (!cols) throw new Error(`no table ${table}`);
    out[table] = await db.query(`SELECT * FROM ${table} ORDER BY ${cols.join(", ")}`);
  }
  return out;
}
