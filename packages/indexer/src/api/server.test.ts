// The read API over a database the follower filled from the demo lifecycle on anvil, on SQLite and on
// PostgreSQL: every response is checked against the served OpenAPI document; bad queries get a 400
// naming the parameter; unknown routes 404; a slow request times out with a 503.

import { silentLogger } from "@mzku/log";
import { pricingPolicy } from "@mzku/sdk";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Follower } from "../ingest/follower.js";
import type { Db } from "../store/db.js";
import { startTestChain, type TestChain } from "../test/chain.js";
import { engines, TestDatabases } from "../test/databases.js";
import { bidPrices, resources, runScenario, type ScenarioResult, TYPE } from "../test/scenario.js";
import { lists } from "./resources.js";
import { type ApiServer, startApi } from "./server.js";

type Json = Record<string, unknown>;

describe("read API", () => {
  let chain: TestChain;
  let scenario: ScenarioResult;
  beforeAll(async () => {
    chain = await startTestChain();
    scenario = await runScenario(chain);
  });
  afterAll(async () => chain?.stop());

  describe.each(engines)("%s", (engine) => {
    const dbs = new TestDatabases(engine);
    let writer: Db;
    let reader: Db;
    let api: ApiServer;
    let validate: (path: string, status: string, body: unknown) => void;

    const get = async (path: string, init?: RequestInit) => {
      const res = await fetch(`${api.url}${path}`, init);
      const text = await res.text();
      const body: unknown = res.headers.get("content-type")?.startsWith("application/json") ? JSON.parse(text) : text;
      return { status: res.status, body: body as Json, text };
    };
    /** GET checked against the OpenAPI operation of `route` for its status. */
    const checked = async (path: string, route: string) => {
      const r = await get(path);
      validate(route, String(r.status), r.body);
      return r;
    };

    beforeAll(async () => {
      const url = await dbs.url();
      writer = await dbs.open(url);
      const follower = new Follower({
        rpcUrl: chain.anvil.rpcUrl,
        deployment: chain.deployment,
        db: writer,
        log: silentLogger,
        confirmations: 5,
      });
      await follower.init();
      await follower.catchUp();
      reader = await dbs.open(url, { readonly: true, statementTimeoutMs: 2_000 });
      api = await startApi({ db: reader, log: silentLogger, maxLimit: 50 });
      const doc = (await get("/openapi.json")).body;
      const ajv = new Ajv2020({ strict: false, allErrors: true });
      ajv.addSchema({ ...doc, $id: "openapi" });
      validate = (route, status, body) => {
        const pointer = `openapi#/paths/${route.replace(/~/g, "~0").replace(/\//g, "~1")}/get/responses/${status}/content/application~1json/schema`;
        const check = ajv.compile({ $ref: pointer });
        expect(check(body), `${route} ${status}: ${JSON.stringify(check.errors)}`).toBe(true);
      };
    });
    afterAll(async () => {
      await api?.close();
      await reader?.close();
      await writer?.close();
      await dbs.stop();
    });

    it("serves an OpenAPI 3.1 document with every list", async () => {
      const { body } = await get("/openapi.json");
      expect(body.openapi).toBe("3.1.0");
      for (const l of lists) expect(Object.keys(body.paths as Json), l.path).toContain(l.path);
    });

    it("every list answers with items matching its schema", async () => {
      const bind: Record<string, string> = {
        providerId: "1",
        sidecar: scenario.sidecar,
        projectId: String(scenario.projectId),
        pool: scenario.pool,
        proposalId: "1",
      };
      for (const l of lists) {
        const path = l.path.replace(/\{(\w+)\}/g, (_, p: string) => bind[p] ?? "");
        const r = await checked(path, l.path);
        expect(r.status, path).toBe(200);
        // The demo lifecycle holds no election and no slash (they need weeks of chain time).
        if (l.path !== "/elections" && l.path !== "/governor-slashes") {
          expect((r.body.items as unknown[]).length, `${path} has items`).toBeGreaterThan(0);
        }
      }
    });

    it("providers sort by score and page with nextOffset; amounts are decimal strings", async () => {
      const seen: Json[] = [];
      let offset: number | null = 0;
      while (offset !== null) {
        const r = await checked(`/providers?sort=collateral&order=desc&limit=1&offset=${offset}`, "/providers");
        seen.push(...(r.body.items as Json[]));
        offset = (r.body.page as Json).nextOffset as number | null;
      }
      expect(seen.map((p) => p.providerId).sort()).toEqual([1, 2, 3]);
      expect(typeof seen[0]?.collateral).toBe("string");
      const byScore = (await checked("/providers?sort=score&order=desc&status=qualified", "/providers")).body
        .items as Json[];
      const scores = byScore.map((p) => p.score as number);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
    });

    it("ranks providers by the expected return of a resource ask, as PricingPolicy.listProviders computes it", async () => {
      const duration = 30n * 86_400n;
      const ask = `duration=${duration}&cpuCores=${resources.cpuCores}&ramGb=${resources.ramGb}&storageGb=${resources.storageGb}&bandwidthMbps=${resources.bandwidthMbps}&projectType=${TYPE}`;
      const r = await checked(`/providers/expected-return?${ask}`, "/providers/expected-return");
      expect(r.status).toBe(200);
      const items = r.body.items as Json[];
      const onChain = await pricingPolicy.listProviders(chain.wallet(0), {
        address: chain.deployment.contracts.PricingPolicy,
        args: [0n, 50n, resources, duration, TYPE],
      });
      const [fp] = await pricingPolicy.quote(chain.wallet(0), {
        address: chain.deployment.contracts.PricingPolicy,
        args: [resources, duration, TYPE],
      });
      expect((r.body.quote as Json).fixedPrice).toBe(fp.toString());
      expect(items.map((i) => i.providerId).sort()).toEqual(onChain.map((v) => Number(v.providerId)).sort());
      for (const v of onChain) {
        const item = items.find((i) => i.providerId === Number(v.providerId));
        expect(item?.expectedReturn, `provider ${v.providerId}`).toBe(v.expectedReturn.toString());
        expect(item?.hasCapacity, `provider ${v.providerId}`).toBe(v.hasCapacity);
        const parts = item?.split as Json;
        const sum = ["provider", "rewardPool", "insurancePool", "requester"].reduce(
          (t, k) => t + BigInt(parts[k] as string),
          0n,
        );
        expect(sum, "the split accounts for every wei of X + FP").toBe(
          fp + BigInt((r.body.quote as Json).expectedProfit as string),
        );
      }
      const returns = items.map((i) => BigInt(i.expectedReturn as string));
      expect(returns).toEqual([...returns].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)));
      // the winner of the scenario's auction has a recent price: its estimate uses it
      const winner = items.find((i) => i.recentWinBps !== null);
      expect(winner?.expectedReturnAtRecentPrice).not.toBeNull();
      const asc = await checked(
        `/providers/expected-return?${ask}&sort=score&order=asc&limit=1`,
        "/providers/expected-return",
      );
      expect((asc.body.items as Json[]).length).toBe(1);
      expect((asc.body.page as Json).nextOffset).toBe(1);
    });

    it("ranks sidecars by the expected rewards of their stake", async () => {
      const r = await checked("/sidecars/expected-rewards", "/sidecars/expected-rewards");
      expect(r.status).toBe(200);
      const stream = r.body.stream as Json;
      const items = r.body.items as Json[];
      const mine = items.find((i) => i.sidecar === scenario.sidecar.toLowerCase());
      expect(mine?.stakers).toBe(2);
      // the scenario rolls a Reward Pool period over: a stream is flowing
      expect(BigInt(stream.sidecarClassMzkuPerYear as string)).toBeGreaterThan(0n);
      expect(BigInt(mine?.expectedMzkuPerYear as string)).toBeGreaterThan(0n);
      expect(stream.sidecarClassStake).toBe(items.reduce((t, i) => t + BigInt(i.totalStake as string), 0n).toString());
      // its share of the class stream is its share of the class stake
      const expected =
        (BigInt(stream.sidecarClassMzkuPerYear as string) * BigInt(mine?.totalStake as string)) /
        BigInt(stream.sidecarClassStake as string);
      expect(mine?.expectedMzkuPerYear).toBe(expected.toString());
    });

    it("a project carries every revealed bid and the draw inputs", async () => {
      const r = await checked(`/projects/${scenario.projectId}`, "/projects/{projectId}");
      expect(r.status).toBe(200);
      expect(r.body.status).toBe("completed");
      expect(typeof r.body.seed).toBe("string");
      expect(r.body.maxDrawCandidates).not.toBeNull();
      const prices = (r.body.bids as Json[]).map((b) => b.price);
      expect(prices).toEqual(bidPrices.map(String));
      const wins = await checked("/providers/1/wins", "/providers/{providerId}/wins");
      expect((wins.body.items as Json[])[0]?.price).toBe(bidPrices[0]?.toString());
    });

    it("items, stats, health and metrics", async () => {
      const pool = (await checked(`/micro-pools/${scenario.pool}`, "/micro-pools/{pool}")).body;
      expect(pool).toMatchObject({ holders: 3, stage: "filling", activatedBlock: null, validatorPubkey: null });
      const filling = (await checked("/micro-pools?stage=filling", "/micro-pools")).body.items as Json[];
      expect(filling.map((p) => p.pool)).toContain(scenario.pool.toLowerCase());
      expect((await checked("/micro-pools?stage=awaiting_activation", "/micro-pools")).body.items).toEqual([]);
      expect((await checked(`/sidecars/${scenario.sidecar}`, "/sidecars/{sidecar}")).body.stakers).toBe(2);
      expect((await checked("/governors?seated=true", "/governors")).body.items).toHaveLength(3);
      expect((await checked("/proposals/1", "/proposals/{proposalId}")).body.votes).toHaveLength(3);
      const stats = await checked("/stats", "/stats");
      expect(stats.body.projectsCompleted).toBe(1);
      const health = await checked("/health", "/health");
      expect(health.body.status).toBe("ok");
      expect(health.body.indexedBlock).toBe(Number(await chain.wallet(0).getBlockNumber()));
      const metrics = await get("/metrics");
      expect(metrics.text).toContain("api_request_duration_seconds_bucket");
      expect(metrics.text).toMatch(/api_indexed_block \d+/);
      expect(metrics.text).toMatch(/api_lag_blocks 0/);
    });

    it("any origin may read (the dashboard is served from its own origin)", async () => {
      const res = await fetch(`${api.url}/providers`, { headers: { origin: "http://127.0.0.1:5173" } });
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
      const missing = await fetch(`${api.url}/nope`);
      expect(missing.headers.get("access-control-allow-origin")).toBe("*");
    });

    it("bad queries get a 400 that names the parameter", async () => {
      const cases: [string, string, string][] = [
        ["/providers?limit=0", "/providers", "limit"],
        ["/providers?limit=51", "/providers", "limit"],
        ["/providers?offset=-1", "/providers", "offset"],
        ["/providers?sort=owner", "/providers", "sort"],
        ["/providers?order=up", "/providers", "order"],
        ["/providers?colour=red", "/providers", "colour"],
        ["/providers?owner=0x12", "/providers", "owner"],
        ["/providers?minScore=abc", "/providers", "minScore"],
        ["/projects/abc", "/projects/{projectId}", "projectId"],
        ["/events?fromBlock=1&fromBlock=2", "/events", "fromBlock"],
        ["/governors?seated=yes", "/governors", "seated"],
        ["/providers/expected-return?cpuCores=1", "/providers/expected-return", "duration"],
        ["/providers/expected-return?duration=0", "/providers/expected-return", "duration"],
        ["/providers/expected-return?duration=60&sort=owner", "/providers/expected-return", "sort"],
        ["/providers/expected-return?duration=60&ramGb=-1", "/providers/expected-return", "ramGb"],
        ["/providers/expected-return?duration=60&colour=red", "/providers/expected-return", "colour"],
        ["/sidecars/expected-rewards?limit=51", "/sidecars/expected-rewards", "limit"],
      ];
      for (const [path, route, param] of cases) {
        const r = await checked(path, route);
        expect(r.status, path).toBe(400);
        const error = r.body.error as Json;
        expect(error.code, path).toBe("API_BAD_REQUEST");
        expect((error.details as Json).param, path).toBe(param);
      }
    });

    it("unknown routes and items 404, other methods 405", async () => {
      const unknown = await get("/nope");
      expect(unknown.status).toBe(404);
      expect((unknown.body.error as Json).code).toBe("API_NOT_FOUND");
      const missing = await checked("/providers/999", "/providers/{providerId}");
      expect(missing.status).toBe(404);
      const post = await get("/providers", { method: "POST" });
      expect(post.status).toBe(405);
    });

    it("a request past its deadline gets a 503 and the server keeps serving", async () => {
      const slowDb: Db = {
        ...reader,
        query: async (sql, params, options) => {
          await new Promise((r) => setTimeout(r, 300));
          return reader.query(sql, params, options);
        },
      };
      const slow = await startApi({ db: slowDb, log: silentLogger, requestTimeoutMs: 50 });
      try {
        const r = await fetch(`${slow.url}/providers`);
        expect(r.status).toBe(503);
        expect(((await r.json()) as { error: Json }).error.code).toBe("API_TIMEOUT");
      } finally {
        await slow.close();
      }
      expect((await get("/providers")).status).toBe(200);
    });
  });
});
