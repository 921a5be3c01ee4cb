// Crash safety, on SQLite and on PostgreSQL: the indexer process (`mzku-indexer indexer`, built) is
// SIGKILLed three times in the middle of catching up, restarted each time, and ends with exactly the
// rows a clean run produces — nothing lost, nothing doubled.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { silentLogger } from "@mzku/log";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../store/db.js";
import { appendTables, stateTables } from "../store/tables.js";
import { startTestChain, type TestChain } from "../test/chain.js";
import { dumpTables, engines, TestDatabases } from "../test/databases.js";
import { runScenario } from "../test/scenario.js";
import { Follower } from "./follower.js";

const bin = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "dist", "bin", "mzku-indexer.js");
const derived = [...Object.keys(stateTables), ...Object.keys(appendTables)];

function startIndexer(
  chain: TestChain,
  dbArgs: string[],
): { child: ChildProcess; batches: () => number; stderr: () => string } {
  const child = spawn(
    process.execPath,
    [
      bin,
      "indexer",
      ...dbArgs,
      "--rpc-url",
      chain.anvil.rpcUrl,
      "--deployment",
      chain.deploymentFile,
      "--batch-blocks",
      "2",
      "--confirmations",
      "5",
      "--log-level",
      "debug",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  return {
    child,
    batches: () => stderr.split("\n").filter((l) => l.includes('"Batch indexed"')).length,
    stderr: () => stderr,
  };
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 240_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((r) => child.once("exit", () => r()));
}

describe.each(engines)("restart after SIGKILL on %s", (engine) => {
  const dbs = new TestDatabases(engine);
  let chain: TestChain;
  const open: Db[] = [];
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    if (!existsSync(bin)) throw new Error(`${bin} missing: run npm run build first`);
    chain = await startTestChain();
    await runScenario(chain);
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    for (const db of open) await db.close();
    await chain?.stop();
    await dbs.stop();
  });

  it("loses and doubles nothing", async () => {
    const url = await dbs.url();
    const dbArgs = engine === "sqlite" ? ["--db", url] : ["--database-url", url];
    const head = Number(await chain.wallet(0).getBlockNumber());
    for (const killAfter of [2, 5, 9]) {
      const run = startIndexer(chain, dbArgs);
      children.push(run.child);
      await until(() => run.batches() >= killAfter || run.child.exitCode !== null, `${killAfter} batches`);
      expect(run.child.exitCode, run.stderr()).toBeNull();
      run.child.kill("SIGKILL");
      await exited(run.child);
    }
    const db = await dbs.open(url);
    open.push(db);
    const killedAt =
      (await db.query<{ last_block: number }>("SELECT last_block FROM indexer_state"))[0]?.last_block ?? 0;
    expect(killedAt, "the kills happened before the end").toBeLessThan(head);

    const last = startIndexer(chain, dbArgs);
    children.push(last.child);
    await until(
      async () =>
        (await db.query<{ last_block: number }>("SELECT last_block FROM indexer_state"))[0]?.last_block === head,
      "the restarted indexer to reach the head",
    );
    last.child.kill("SIGTERM");
    await exited(last.child);
    expect(last.child.exitCode, last.stderr()).toBe(0);

    const clean = await dbs.open(await dbs.url());
    open.push(clean);
    const follower = new Follower({
      rpcUrl: chain.anvil.rpcUrl,
      deployment: chain.deployment,
      db: clean,
      log: silentLogger,
      confirmations: 5,
    });
    await follower.init();
    await follower.catchUp();
    expect(await dumpTables(db, derived)).toEqual(await dumpTables(clean, derived));
  }, 600_000);
});
