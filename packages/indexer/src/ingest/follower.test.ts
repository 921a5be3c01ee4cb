// The follower on a real anvil (protocol deployed by the production deploy script), on SQLite and on
// PostgreSQL: the demo lifecycle lands in the derived tables as the contracts' own views report it.

import { silentLogger } from "@mzku/log";
import { microPool, projectMarket, providerRegistry, sidecarStaking } from "@mzku/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../store/db.js";
import { startTestChain, type TestChain } from "../test/chain.js";
import { engines, TestDatabases } from "../test/databases.js";
import { bidPrices, E, runScenario, type ScenarioResult } from "../test/scenario.js";
import { Follower } from "./follower.js";

describe("follower on the demo lifecycle", () => {
  let chain: TestChain;
  let scenario: ScenarioResult;
  beforeAll(async () => {
    chain = await startTestChain();
    scenario = await runScenario(chain);
  });
  afterAll(async () => chain?.stop());

  describe.each(engines)("%s", (engine) => {
    const dbs = new TestDatabases(engine);
    let db: Db;
    beforeAll(async () => {
      db = await dbs.open(await dbs.url());
      const follower = new Follower({
        rpcUrl: chain.anvil.rpcUrl,
        deployment: chain.deployment,
        db,
        log: silentLogger,
        batchBlocks: 50,
        confirmations: 5,
      });
      await follower.init();
      await follower.catchUp();
    });
    afterAll(async () => {
      await db?.close();
      await dbs.stop();
    });

    it("providers carry the registry's collateral, trust tier and status, and the winner its win", async () => {
      const reader = chain.wallet(0);
      const c = chain.deployment.contracts;
      const rows = await db.query("SELECT * FROM providers ORDER BY provider_id");
      expect(rows).toHaveLength(3);
      for (const [i, id] of scenario.providerIds.entries()) {
        const row = rows[i];
        const onChain = await providerRegistry.getProvider(reader, { address: c.ProviderRegistry, args: [id] });
        expect(row?.provider_id, `provider ${id}`).toBe(Number(id));
        expect(row?.collateral, `provider ${id} collateral`).toBe(onChain.collateral.toString());
        expect(row?.status, `provider ${id} status`).toBe("qualified");
        expect(row?.brand_name).toBe(`P${i + 1}`);
      }
      expect(rows[0]?.trust_tier).toBe(2);
      expect(rows[0]?.wins).toBe(1);
      expect(rows[0]?.last_win_price).toBe(bidPrices[0]?.toString());
    });

    it("the project, its revealed bids and the draw inputs", async () => {
      const project = (await db.query("SELECT * FROM projects WHERE project_id = ?", [Number(scenario.projectId)]))[0];
      const onChain = await projectMarket.getProject(chain.wallet(0), {
        address: chain.deployment.contracts.ProjectMarket,
        args: [scenario.projectId],
      });
      expect(project?.status).toBe("completed");
      expect(project?.fixed_price).toBe((100n * E).toString());
      expect(project?.price).toBe(onChain.price.toString());
      expect(project?.winner).toBe(onChain.winner.toLowerCase());
      expect(project?.to_provider).toBe((60n * E).toString());
      expect(project?.to_reward_pool).toBe((40n * E).toString());
      expect(project?.to_requester).toBe((260n * E).toString());
      expect(typeof project?.seed).toBe("string");
      const bids = await db.query("SELECT * FROM bids WHERE project_id = ? ORDER BY bid_index", [
        Number(scenario.projectId),
      ]);
      expect(bids.map((b) => b.price)).toEqual(bidPrices.map(String));
      expect(bids.every((b) => b.revealed === 1 && typeof b.salt === "string")).toBe(true);
      expect(bids.some((b) => b.evaluated === 1)).toBe(true);
    });

    it("sidecar stakes and micro-pool aETH balances match the contracts", async () => {
      const c = chain.deployment.contracts;
      const reader = chain.wallet(0);
      const sc = (await db.query("SELECT * FROM sidecars WHERE sidecar = ?", [scenario.sidecar.toLowerCase()]))[0];
      expect(sc?.stakers).toBe(2);
      expect(sc?.total_stake).toBe(
        (
          await sidecarStaking.totalStakedTo(reader, { address: c.SidecarStaking, args: [scenario.sidecar] })
        ).toString(),
      );
      const pool = (await db.query("SELECT * FROM micro_pools WHERE pool = ?", [scenario.pool.toLowerCase()]))[0];
      expect(pool?.staked).toBe((8n * E).toString());
      expect(pool?.aeth_supply).toBe((await microPool.totalSupply(reader, { address: scenario.pool })).toString());
      expect(pool?.holders).toBe(3);
      expect(pool?.stage).toBe("filling");
      const balances = await db.query("SELECT holder, balance FROM aeth_balances WHERE pool = ? ORDER BY holder", [
        scenario.pool.toLowerCase(),
      ]);
      for (const b of balances) {
        const onChain = await microPool.balanceOf(reader, {
          address: scenario.pool,
          args: [b.holder as `0x${string}`],
        });
        expect(b.balance, `aETH of ${b.holder}`).toBe(onChain.toString());
      }
    });

    it("governance, pool flows and statistics", async () => {
      const governors = await db.query("SELECT * FROM governors WHERE seated = 1");
      expect(governors).toHaveLength(3);
      const proposals = await db.query("SELECT * FROM proposals ORDER BY proposal_id");
      expect(proposals.length).toBe(3);
      expect(proposals.every((p) => p.executed === 1 && p.votes_for === 3)).toBe(true);
      const inflow = await db.query("SELECT * FROM pool_flows WHERE pool = 'reward' AND direction = 'in'");
      expect(inflow.some((f) => f.amount === (40n * E).toString())).toBe(true);
      const total = (await db.query("SELECT * FROM platform_stats WHERE day = 'total'"))[0];
      const events = await db.query<{ n: number }>("SELECT COUNT(*) AS n FROM events");
      expect(Number(total?.events)).toBe(Number(events[0]?.n));
      expect(total?.providers).toBe(3);
      expect(total?.qualified_providers).toBe(3);
      expect(total?.projects_completed).toBe(1);
      expect(total?.micro_pools).toBe(1);
    });
  });
});
