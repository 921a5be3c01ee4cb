// Reorgs on a real anvil (evm_snapshot / evm_revert), on SQLite and on PostgreSQL: a reorg inside the
// confirmation window is rolled back and re-applied, ending exactly where a fresh index of the new
// chain ends; a reorg deeper than the window stops the follower with INDEXER_REORG_TOO_DEEP and
// leaves the database untouched.

import { silentLogger } from "@mzku/log";
import { mzkuToken } from "@mzku/sdk";
import { registerProvider } from "@mzku/sdk/devnet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IndexerError } from "../errors.js";
import type { Db } from "../store/db.js";
import { appendTables, stateTables } from "../store/tables.js";
import { startTestChain, type TestChain } from "../test/chain.js";
import { dumpTables, engines, TestDatabases } from "../test/databases.js";
import { E, runAuction, setupMarket } from "../test/scenario.js";
import { Follower } from "./follower.js";

const derived = [...Object.keys(stateTables), ...Object.keys(appendTables)];

/** Other transactions on the new branch: a new provider applies, and a token transfer. */
async function otherBranch(chain: TestChain, wallet: number): Promise<void> {
  const c = chain.deployment.contracts;
  await registerProvider(chain.deployment, chain.wallet(wallet), { brandName: `Other branch ${wallet}` });
  await mzkuToken.transfer(chain.wallet(18), {
    address: c.MzkuToken,
    args: [chain.wallet(19).account.address, 5n * E],
  });
}

describe.each(engines)("reorgs on %s", (engine) => {
  const dbs = new TestDatabases(engine);
  let chain: TestChain;
  const open: Db[] = [];
  const follower = async (confirmations: number) => {
    const db = await dbs.open(await dbs.url());
    open.push(db);
    const f = new Follower({
      rpcUrl: chain.anvil.rpcUrl,
      deployment: chain.deployment,
      db,
      log: silentLogger,
      confirmations,
      batchBlocks: 7,
    });
    await f.init();
    return { db, f };
  };

  beforeAll(async () => {
    chain = await startTestChain();
    await setupMarket(chain);
  });
  afterAll(async () => {
    for (const db of open) await db.close();
    await chain?.stop();
    await dbs.stop();
  });

  it("rolls back a reorg inside the window and re-applies the new branch", async () => {
    const { db, f } = await follower(500);
    await f.catchUp();
    const snapshot = await chain.testClient.snapshot();
    await runAuction(chain); // commit, reveal and settle blocks on the branch that will vanish
    await f.catchUp();
    const projectsBefore = await db.query("SELECT project_id FROM projects");
    expect(projectsBefore.length).toBe(1);

    await chain.testClient.revert({ id: snapshot });
    await otherBranch(chain, 16);
    const steps = await f.catchUp();
    const reorg = steps.find((s) => s.kind === "reorg");
    expect(reorg, "a reorg was detected").toBeDefined();
    expect(await db.query("SELECT project_id FROM projects")).toEqual([]);
    expect(
      await db.query("SELECT * FROM undo_log WHERE block_number > (SELECT last_block FROM indexer_state)"),
    ).toEqual([]);

    const fresh = await follower(500);
    await fresh.f.catchUp();
    expect(await dumpTables(db, derived)).toEqual(await dumpTables(fresh.db, derived));
  });

  it("refuses a reorg deeper than the confirmation depth and writes nothing", async () => {
    const { db, f } = await follower(3);
    await f.catchUp();
    const snapshot = await chain.testClient.snapshot();
    await runAuction(chain); // more than 3 blocks: the snapshot's block becomes final
    await f.catchUp();
    const before = await dumpTables(db, [...derived, "indexer_state", "blocks", "undo_log"]);

    await chain.testClient.revert({ id: snapshot });
    await otherBranch(chain, 17);
    await chain.testClient.mine({ blocks: 30 });
    const error = await f.step().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(IndexerError);
    expect((error as IndexerError).code).toBe("INDEXER_REORG_TOO_DEEP");
    expect(await dumpTables(db, [...derived, "indexer_state", "blocks", "undo_log"])).toEqual(before);
  });
});
