// Query plans of the read API on the tables that grow with use, on SQLite and on PostgreSQL: every
// declared sort (both orders) and every declared filter is answered from an index in the order asked,
// so a page reads about a page of rows — no sort of every matching row, no scan of the whole table for
// a rare match (better-sqlite3 runs statements on the event loop: a long one delays every request).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db, SqlValue } from "../store/db.js";
import { migrate } from "../store/migrations.js";
import { engines, TestDatabases } from "../test/databases.js";
import { listStatement, parseList } from "./query.js";
import {
  aethHolders,
  events,
  type FieldType,
  type ListResource,
  poolFlows,
  projects,
  providerWins,
  sidecarStakes,
} from "./resources.js";

const growing: readonly ListResource[] = [events, poolFlows, sidecarStakes, aethHolders, providerWins, projects];

/** Requests answered by a sort of few rows, or not indexed on purpose (docs/indexer.md). */
const exempt = new Set([
  "/events?txHash", // a transaction's events
  "/projects?microPool", // one project per micro-pool
  "/projects?sort=price&order=asc", // nullable amount: unknown prices last in both orders (not indexed)
  "/projects?sort=price&order=desc",
]);

/** Filters of a few distinct values: the scan in the page's order stops after about a page of rows. */
const fewValues = new Set(["/pool-flows?direction", "/pool-flows?asset", "/projects?projectType"]);

const sample: Record<FieldType, string> = {
  int: "1",
  amount: "1",
  address: `0x${"1".repeat(40)}`,
  hash: `0x${"1".repeat(64)}`,
  string: "x",
  bool: "true",
  json: "x",
};

/** Every sort in both orders, and every filter alone (default sort), of a list. */
function requests(resource: ListResource): { name: string; sql: string; params: SqlValue[]; searchBy?: string }[] {
  const pathValues = Object.fromEntries(resource.pathParams.map((p) => [p.param, sample[p.type]]));
  const queries: Record<string, string>[] = [];
  for (const sort of Object.keys(resource.sorts)) for (const order of ["asc", "desc"]) queries.push({ sort, order });
  for (const f of resource.filters) queries.push({ [f.param]: sample[f.type] });
  return queries
    .map((q) => {
      const keys = Object.keys(q);
      const name = `${resource.path.replace(/\/\{\w+\}/, "/{}")}?${keys.includes("sort") ? `sort=${q.sort}&order=${q.order}` : keys[0]}`;
      const filter = resource.filters.find((f) => f.param === keys[0]);
      return {
        name,
        ...listStatement(resource, parseList(resource, new URLSearchParams(q), pathValues, 100, 20)),
        // the filter (or the path parameter) bounds the index search itself
        ...(filter && !fewValues.has(name)
          ? { searchBy: filter.column }
          : resource.pathParams[0]
            ? { searchBy: resource.pathParams[0].column }
            : {}),
      };
    })
    .filter((r) => !exempted.add(r.name) || !exempt.has(r.name));
}
const exempted = new Set<string>();

const statements = [
  ...growing.flatMap(requests),
  // views.ts: chain time
  {
    name: "latest event",
    sql: "SELECT block_timestamp FROM events ORDER BY block_number DESC, log_index DESC LIMIT 1",
    params: [],
  },
];

describe.each(engines)("read API query plans on %s", (engine) => {
  const dbs = new TestDatabases(engine);
  let db: Db;
  beforeAll(async () => {
    db = await dbs.open(await dbs.url());
    await migrate(db);
  });
  afterAll(async () => {
    await db?.close();
    await dbs.stop();
  });

  it("exempts only requests the API declares", () => {
    for (const name of exempt) expect(exempted.has(name), name).toBe(true);
  });

  it.each(statements.map((s) => [s.name, s] as const))("%s", async (_, { sql, params, searchBy }) => {
    if (engine === "sqlite") {
      const plan = (await db.query<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params)).map((r) => r.detail);
      expect(plan.join(" | ")).not.toMatch(/TEMP B-TREE/);
      for (const step of plan) expect(step).not.toMatch(/^SCAN \w+$/); // a scan outside any index
      if (searchBy) expect(plan.join(" | ")).toMatch(new RegExp(`SEARCH .*\\(.*\\b${searchBy}[=<>]`));
    } else {
      // the planner may not sort or read the heap in full, whatever it thinks of an empty table
      const plan = await db.transaction(async (tx) => {
        await tx.query("SET LOCAL enable_seqscan = off");
        await tx.query("SET LOCAL enable_sort = off");
        await tx.query("SET LOCAL enable_incremental_sort = off");
        await tx.query("SET LOCAL enable_bitmapscan = off");
        return (await tx.query<{ "QUERY PLAN": string }>(`EXPLAIN ${sql}`, params)).map((r) => r["QUERY PLAN"]);
      });
      expect(plan.join("\n")).not.toMatch(/Sort|Seq Scan/);
      if (searchBy) expect(plan.join("\n")).toMatch(new RegExp(`Index Cond: .*\\b${searchBy}\\b`));
    }
  });
});
