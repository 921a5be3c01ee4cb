// Migrations and adapters on SQLite and PostgreSQL: versions recorded, re-running is a no-op, a
// failing migration leaves nothing behind, a newer database is refused, statements time out.
import { afterAll, describe, expect, it } from "vitest";
import { IndexerError } from "../errors.js";
import { engines, TestDatabases } from "../test/databases.js";
import type { Db } from "./db.js";
import { latestVersion, type Migration, migrate, migrations, schemaVersion } from "./migrations.js";
import { stateTables } from "./tables.js";

describe.each(engines)("migrations on %s", (engine) => {
  const dbs = new TestDatabases(engine);
  const open: Db[] = [];
  const fresh = async () => {
    const db = await dbs.open(await dbs.url());
    open.push(db);
    return db;
  };
  afterAll(async () => {
    for (const db of open) await db.close();
    await dbs.stop();
  });

  it("applies every version once and records it", async () => {
    const db = await fresh();
    expect(await schemaVersion(db)).toBe(0);
    expect(await migrate(db)).toEqual(migrations.map((m) => m.version));
    expect(await migrate(db)).toEqual([]);
    expect(await schemaVersion(db)).toBe(latestVersion);
    const columns = await db.tableColumns();
    for (const table of Object.keys(stateTables)) expect(columns.has(table), table).toBe(true);
  });

  it("brings a version-1 database with rows to the latest version, new columns at their defaults", async () => {
    const db = await fresh();
    expect(await migrate(db, migrations.slice(0, 1))).toEqual([1]);
    await db.run(
      "INSERT INTO sidecars (sidecar, node_id, provider_id, total_stake, stakers, reward_mzku, reward_eth, updated_block) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      ["0xs", null, null, "5", 1, "0", "0", 1],
    );
    expect(await migrate(db)).toEqual(migrations.slice(1).map((m) => m.version));
    const [row] = await db.query("SELECT total_stake, active_projects, forfeits_mzku FROM sidecars");
    expect(row).toEqual({ total_stake: "5", active_projects: 0, forfeits_mzku: "0" });
  });

  it("brings a version-4 database with rows to version 5: every row kept, the read API's indexes in place", async () => {
    const db = await fresh();
    expect(await migrate(db, migrations.slice(0, 4))).toEqual([1, 2, 3, 4]);
    const rows: [string, Record<string, string | number | null>][] = [
      [
        "events",
        {
          block_number: 7,
          log_index: 2,
          block_timestamp: 1_700_000_000,
          tx_hash: `0x${"ab".repeat(32)}`,
          address: "0xpool",
          contract: "RewardPool",
          event_name: "RewardPoolDeposited",
          args: '{"amount":"5"}',
        },
      ],
      [
        "pool_flows",
        {
          block_number: 7,
          log_index: 2,
          block_timestamp: 1_700_000_000,
          pool: "reward",
          direction: "in",
          asset: "mzku",
          amount: "5",
          period_index: 3,
          account: "0xa",
          kind: "deposit",
        },
      ],
      ["sidecar_stakes", { staker: "0xa", sidecar: "0xs", amount: "18446744073709551617", updated_block: 7 }],
      ["aeth_balances", { pool: "0xp", holder: "0xa", balance: "9", updated_block: 7 }],
      [
        "provider_wins",
        {
          project_id: 1,
          provider_id: 2,
          price: "100",
          fixed_price: "120",
          price_bps: 8_333,
          block_number: 7,
          block_timestamp: 1_700_000_000,
        },
      ],
    ];
    for (const [table, row] of rows) {
      const columns = Object.keys(row);
      await db.run(
        `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
        Object.values(row),
      );
    }
    expect(await migrate(db, migrations.slice(0, 5))).toEqual([5]);
    for (const [table, row] of rows) expect(await db.query(`SELECT * FROM ${table}`), table).toEqual([row]);
    const indexes = (
      db.dialect === "sqlite"
        ? await db.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'index'")
        : await db.query<{ name: string }>(
            "SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema()",
          )
    ).map((r) => r.name);
    expect(indexes).toEqual(
      expect.arrayContaining([
        "events_by_address",
        "pool_flows_by_pool_block",
        "pool_flows_by_account",
        "pool_flows_by_period",
        "pool_flows_by_amount",
        "sidecar_stakes_by_amount",
        "aeth_balances_by_balance",
        "projects_by_fixed_price",
        "provider_wins_by_provider_block",
        "provider_wins_by_price",
      ]),
    );
    expect(indexes).not.toContain("pool_flows_by_pool");
    expect(indexes).not.toContain("provider_wins_by_provider");
    // the new index answers: a sidecar's stakes by amount, and events by address
    expect(
      await db.query("SELECT staker FROM sidecar_stakes WHERE sidecar = ? ORDER BY LENGTH(amount) DESC, amount DESC", [
        "0xs",
      ]),
    ).toEqual([{ staker: "0xa" }]);
    expect(await db.query("SELECT log_index FROM events WHERE address = ?", ["0xpool"])).toEqual([{ log_index: 2 }]);
  });

  it("brings a version-5 database's micro-pools to version 6: a stage from the status, no deposit yet", async () => {
    const db = await fresh();
    expect(await migrate(db, migrations.slice(0, 5))).toEqual([1, 2, 3, 4, 5]);
    const pool = (address: string, status: string) => [
      address,
      1,
      1,
      "0xop",
      100,
      "5",
      "1",
      "31",
      "31",
      1,
      status,
      "0",
      "0",
      "0",
      1,
      1,
    ];
    for (const [address, status] of [
      ["0xa", "open"],
      ["0xb", "active"],
      ["0xc", "cancelled"],
    ] as const) {
      await db.run(
        "INSERT INTO micro_pools (pool, pool_id, provider_id, operator, end_time, fixed_price, provider_eth, staked, aeth_supply, holders, status, rewards_distributed, rewards_to_holders, claimed, opened_block, updated_block) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        pool(address, status),
      );
    }
    expect(await migrate(db)).toEqual(migrations.slice(5).map((m) => m.version));
    expect(
      await db.query("SELECT pool, status, stage, activated_block, activation_tx FROM micro_pools ORDER BY pool"),
    ).toEqual([
      { pool: "0xa", status: "open", stage: "filling", activated_block: null, activation_tx: null },
      { pool: "0xb", status: "active", stage: "active", activated_block: null, activation_tx: null },
      { pool: "0xc", status: "cancelled", stage: "cancelled", activated_block: null, activation_tx: null },
    ]);
  });

  it("rolls a failing migration back whole", async () => {
    const db = await fresh();
    await migrate(db);
    const broken: Migration = {
      version: latestVersion + 1,
      name: "broken",
      statements: ["CREATE TABLE half_done (x INTEGER)", "CREATE TABLE providers (x INTEGER)"],
    };
    const error = await migrate(db, [...migrations, broken]).catch((e: unknown) => e);
    expect((error as IndexerError).code).toBe("DB_MIGRATION_FAILED");
    expect(await schemaVersion(db)).toBe(latestVersion);
    expect((await db.tableColumns()).has("half_done")).toBe(false);
  });

  it("refuses a database newer than the code", async () => {
    const db = await fresh();
    await migrate(db);
    await db.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", [
      latestVersion + 5,
      "future",
      "later",
    ]);
    const error = await migrate(db).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IndexerError);
    expect((error as IndexerError).code).toBe("DB_NEWER_THAN_CODE");
  });

  it("keeps amounts exact beyond 2^64 and sorts them numerically", async () => {
    const db = await fresh();
    await migrate(db);
    const amounts = [
      "115792089237316195423570985008687907853269984665640564039457584007913129639935",
      "9",
      "10",
      "18446744073709551617",
    ];
    for (const [i, a] of amounts.entries()) {
      await db.run("INSERT INTO sidecar_stakes (sidecar, staker, amount, updated_block) VALUES (?, ?, ?, ?)", [
        "0xs",
        `0x${i}`,
        a,
        1,
      ]);
    }
    const rows = await db.query<{ amount: string }>(
      "SELECT amount FROM sidecar_stakes ORDER BY LENGTH(amount) DESC, amount DESC",
    );
    expect(rows.map((r) => r.amount)).toEqual([amounts[0], amounts[3], amounts[2], amounts[1]]);
  });

  it.runIf(engine === "postgres")("times a slow statement out with DB_QUERY_TIMEOUT", async () => {
    const db = await fresh();
    const error = await db.query("SELECT pg_sleep(2)", [], { timeoutMs: 100 }).catch((e: unknown) => e);
    expect((error as IndexerError).code).toBe("DB_QUERY_TIMEOUT");
    expect(await db.query("SELECT 1 AS one")).toEqual([{ one: 1 }]);
  });
});
