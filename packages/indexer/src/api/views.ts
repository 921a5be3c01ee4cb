/**
 * Views computed per request from the derived tables, for what depends on the caller's question or on
 * protocol-wide state that changes with every event:
 *
 * - `/providers/expected-return`: every qualified provider ranked by the requester's expected return
 *   for a resource ask. FP and the expected profit X come from the sdk's mirror of
 *   `PricingPolicy.quote` over the pricing parameters the indexer keeps (`params`), the split from the
 *   sdk's mirror of the 3.4.7 split. `expectedReturn` is what `PricingPolicy.listProviders` computes on
 *   chain (the provider bids its price cap, at most the largest bid the split can pay);
 *   `expectedReturnAtRecentPrice` assumes it bids as it recently won (the mean price/FP of its last
 *   wins, at most its cap), when it has won before.
 * - `/sidecars/expected-rewards`: each sidecar's share of the Reward Pool's current sidecar stream
 *   (20% of the period's inflow, streamed over the period, shared pro rata to stake across all
 *   sidecars), per year, with its stakers, running projects (while one runs, rewards vest only at its
 *   end) and the forfeits re-credited to its remaining stakers.
 *
 * Both read every candidate row (qualified providers; sidecars by stake) — bounded by the number of
 * providers, and by the page for sidecars, whose order by expected rewards is their order by stake.
 */
import { expectedSplit, quote, type ResourceAsk } from "@mzku/sdk";
import { IndexerError } from "../errors.js";
import type { Db, Row } from "../store/db.js";
import { badRequest, MAX_OFFSET, type Page } from "./query.js";

const YEAR = 365n * 86_400n;
/** Sidecar stakers' share of every Reward Pool period stream (seed 3.4.6: 20%). */
export const SIDECAR_CLASS_BPS = 2_000n;
/** Wins whose price/FP the recent-price estimate averages. */
const RECENT_WINS = 5;

type Query = URLSearchParams;

function checkParams(query: Query, allowed: readonly string[]): void {
  for (const name of query.keys()) {
    if (!allowed.includes(name))
      throw badRequest(`unknown query parameter ${name}`, { param: name, allowed: [...allowed].sort() });
    if (query.getAll(name).length > 1)
      throw badRequest(`query parameter ${name} given more than once`, { param: name });
  }
}

function bigParam(query: Query, name: string, fallback: bigint | undefined, max: bigint): bigint {
  const raw = query.get(name);
  if (raw === null) {
    if (fallback === undefined) throw badRequest(`${name} is required`, { param: name });
    return fallback;
  }
  if (!/^\d{1,20}$/.test(raw) || BigInt(raw) > max)
    throw badRequest(`${name} must be an integer from 0 to ${max}`, {
      param: name,
      value: raw.slice(0, 100),
      max: String(max),
    });
  return BigInt(raw);
}

function boolParam(query: Query, name: string): boolean | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  if (raw !== "true" && raw !== "false")
    throw badRequest(`${name} must be true or false`, { param: name, value: raw.slice(0, 100) });
  return raw === "true";
}

function choice<T extends string>(query: Query, name: string, allowed: readonly T[], fallback: T): T {
  const raw = query.get(name) ?? fallback;
  if (!(allowed as readonly string[]).includes(raw))
    throw badRequest(`${name} must be one of ${allowed.join(", ")}`, {
      param: name,
      value: raw.slice(0, 100),
      allowed,
    });
  return raw as T;
}

function paging(query: Query, maxLimit: number, defaultLimit: number): { limit: number; offset: number } {
  const limit = Number(bigParam(query, "limit", BigInt(defaultLimit), BigInt(maxLimit)));
  if (limit < 1) throw badRequest(`limit must be an integer from 1 to ${maxLimit}`, { param: "limit", value: "0" });
  return { limit, offset: Number(bigParam(query, "offset", 0n, BigInt(MAX_OFFSET))) };
}

/** A `params` row's JSON (arguments as decoded, integers as decimal strings or numbers). */
async function param(db: Db, contract: string, name: string): Promise<Record<string, unknown> | undefined> {
  const rows = await db.query<{ value: string }>("SELECT value FROM params WHERE contract = ? AND name = ?", [
    contract,
    name,
  ]);
  return rows[0] ? (JSON.parse(rows[0].value) as Record<string, unknown>) : undefined;
}

const b = (v: unknown) => BigInt(v as string | number | bigint);

async function pricing(db: Db, projectType: number) {
  const prices = (await param(db, "PricingPolicy", `PricingPolicyUnitPricesSet:${projectType}`))?.prices as
    | Record<string, unknown>
    | undefined;
  const terms = (await param(db, "PricingPolicy", `PricingPolicyTypeTermsSet:${projectType}`))?.terms as
    | Record<string, unknown>
    | undefined;
  const market = (await param(db, "PricingPolicy", "PricingPolicyMarketParamsSet"))?.params as
    | Record<string, unknown>
    | undefined;
  const rate = await param(db, "PricingPolicy", "PricingPolicyMzkuPerEthSet");
  if (!prices || !terms || !market || !rate) {
    throw new IndexerError("API_NOT_FOUND", `no pricing indexed for project type ${projectType}`, {
      details: { projectType },
    });
  }
  return {
    prices: {
      basePerDay: b(prices.basePerDay),
      perCpuCoreDay: b(prices.perCpuCoreDay),
      perRamGbDay: b(prices.perRamGbDay),
      perStorageGbDay: b(prices.perStorageGbDay),
      perBandwidthMbpsDay: b(prices.perBandwidthMbpsDay),
    },
    terms: {
      enabled: terms.enabled === true,
      expectedAprBps: b(terms.expectedAprBps),
      principalWei: b(terms.principalWei),
    },
    feeRateBps: b(market.feeRateBps),
    scoreThreshold: Number(market.scoreThreshold),
    mzkuPerEth: b(rate.mzkuPerEth),
  };
}

export const EXPECTED_RETURN_SORTS = [
  "expectedReturn",
  "expectedReturnAtRecentPrice",
  "score",
  "priceCap",
  "providerId",
] as const;
type ExpectedReturnSort = (typeof EXPECTED_RETURN_SORTS)[number];
const ASK = ["cpuCores", "ramGb", "storageGb", "bandwidthMbps"] as const;
const MAX_DURATION = 5n * YEAR;
const MAX_RESOURCE = 2n ** 32n - 1n;

/** `GET /providers/expected-return`. */
export async function providersByExpectedReturn(db: Db, query: Query, maxLimit: number, defaultLimit: number) {
  checkParams(query, [
    ...ASK,
    "duration",
    "projectType",
    "eligible",
    "hasCapacity",
    "sort",
    "order",
    "limit",
    "offset",
  ]);
  const resources = Object.fromEntries(
    ASK.map((k) => [k, bigParam(query, k, 0n, MAX_RESOURCE)]),
  ) as unknown as ResourceAsk;
  const duration = bigParam(query, "duration", undefined, MAX_DURATION);
  if (duration === 0n) throw badRequest("duration must be > 0 seconds", { param: "duration", value: "0" });
  const projectType = Number(bigParam(query, "projectType", 0n, 255n));
  const eligibleOnly = boolParam(query, "eligible");
  const capacityOnly = boolParam(query, "hasCapacity");
  const sort = choice<ExpectedReturnSort>(query, "sort", EXPECTED_RETURN_SORTS, "expectedReturn");
  const order = choice(query, "order", ["asc", "desc"] as const, "desc");
  const page = paging(query, maxLimit, defaultLimit);

  const p = await pricing(db, projectType);
  if (!p.terms.enabled) {
    throw badRequest(`projects of type ${projectType} are disabled`, {
      param: "projectType",
      value: String(projectType),
    });
  }
  const { fp, expectedProfit } = quote({
    resources,
    duration,
    prices: p.prices,
    terms: p.terms,
    mzkuPerEth: p.mzkuPerEth,
  });
  const split = (bid: bigint) => expectedSplit({ fp, expectedProfit, feeRateBps: p.feeRateBps, bid });

  const providers = await db.query(
    `SELECT provider_id, owner, brand_name, status, disqualified_until, score, price_cap, cpu_cores, ram_gb, storage_gb,
       bandwidth_mbps, used_cpu_cores, used_ram_gb, used_storage_gb, used_bandwidth_mbps, wins
     FROM providers WHERE status = 'qualified'`,
  );
  // the latest RECENT_WINS wins of each provider (a window per provider: both engines have them)
  const wins = await db.query<{ provider_id: number; price_bps: number }>(
    `SELECT provider_id, price_bps FROM (
       SELECT provider_id, price_bps,
         ROW_NUMBER() OVER (PARTITION BY provider_id ORDER BY block_number DESC, project_id DESC) AS rn
       FROM provider_wins) latest
     WHERE rn <= ?`,
    [RECENT_WINS],
  );
  const recent = new Map<number, number[]>();
  for (const w of wins) {
    const list = recent.get(Number(w.provider_id)) ?? [];
    list.push(Number(w.price_bps));
    recent.set(Number(w.provider_id), list);
  }
  // chain time: the latest indexed event's block (a devnet's clock runs ahead of the wall clock)
  const latest = await db.query<{ block_timestamp: number }>(
    "SELECT block_timestamp FROM events ORDER BY block_number DESC, log_index DESC LIMIT 1",
  );
  const now = Number(latest[0]?.block_timestamp ?? 0);
  const free = (row: Row, total: string, used: string, ask: bigint) =>
    BigInt(Number(row[total]) - Number(row[used])) >= ask;
  let rows = providers.map((row) => {
    const id = Number(row.provider_id);
    const priceCap = BigInt(String(row.price_cap));
    const atCap = split(priceCap);
    const bps = recent.get(id);
    const recentWinBps = bps?.length ? Math.floor(bps.reduce((s, x) => s + x, 0) / bps.length) : null;
    const recentBid = recentWinBps === null ? null : (fp * BigInt(recentWinBps)) / 10_000n;
    const atRecent = recentBid === null ? null : split(recentBid < priceCap ? recentBid : priceCap);
    const disqualified = row.disqualified_until !== null && Number(row.disqualified_until) > now;
    return {
      providerId: id,
      owner: String(row.owner),
      brandName: String(row.brand_name),
      score: Number(row.score),
      eligible: !disqualified && Number(row.score) >= p.scoreThreshold,
      hasCapacity:
        free(row, "cpu_cores", "used_cpu_cores", resources.cpuCores) &&
        free(row, "ram_gb", "used_ram_gb", resources.ramGb) &&
        free(row, "storage_gb", "used_storage_gb", resources.storageGb) &&
        free(row, "bandwidth_mbps", "used_bandwidth_mbps", resources.bandwidthMbps),
      priceCap: priceCap.toString(),
      wins: Number(row.wins),
      recentWinBps,
      expectedPrice: atCap.provider.toString(),
      expectedReturn: atCap.requester.toString(),
      split: {
        provider: atCap.provider.toString(),
        rewardPool: atCap.rewardPool.toString(),
        insurancePool: atCap.insurancePool.toString(),
        requester: atCap.requester.toString(),
      },
      expectedPriceAtRecentPrice: atRecent?.provider.toString() ?? null,
      expectedReturnAtRecentPrice: atRecent?.requester.toString() ?? null,
    };
  });
  if (eligibleOnly !== undefined) rows = rows.filter((r) => r.eligible === eligibleOnly);
  if (capacityOnly !== undefined) rows = rows.filter((r) => r.hasCapacity === capacityOnly);
  const key = (r: (typeof rows)[number]): bigint | null =>
    sort === "providerId"
      ? BigInt(r.providerId)
      : sort === "score"
        ? BigInt(r.score)
        : r[sort] === null
          ? null
          : BigInt(r[sort] as string);
  rows.sort((x, y) => {
    const a = key(x);
    const c = key(y);
    if (a === null || c === null) return a === c ? x.providerId - y.providerId : a === null ? 1 : -1; // nulls last
    const cmp = a < c ? -1 : a > c ? 1 : x.providerId - y.providerId;
    return order === "asc" ? cmp : -cmp;
  });
  const items = rows.slice(page.offset, page.offset + page.limit);
  const next: Page = {
    ...page,
    nextOffset: page.offset + page.limit < rows.length ? page.offset + page.limit : null,
  };
  return {
    ask: { ...Object.fromEntries(ASK.map((k) => [k, Number(resources[k])])), duration: Number(duration), projectType },
    quote: {
      fixedPrice: fp.toString(),
      expectedProfit: expectedProfit.toString(),
      feeRateBps: Number(p.feeRateBps),
      scoreThreshold: p.scoreThreshold,
    },
    items,
    page: next,
  };
}

export const SIDECAR_REWARD_SORTS = ["expectedMzkuPerYear", "stakers", "forfeitsMzku", "activeProjects"] as const;
type SidecarSort = (typeof SIDECAR_REWARD_SORTS)[number];
const SIDECAR_SORT_COLUMN: Record<SidecarSort, { column: string; amount: boolean }> = {
  // the stream is shared pro rata to stake: ordering by expected rewards is ordering by stake
  expectedMzkuPerYear: { column: "total_stake", amount: true },
  stakers: { column: "stakers", amount: false },
  forfeitsMzku: { column: "forfeits_mzku", amount: true },
  activeProjects: { column: "active_projects", amount: false },
};

/** `GET /sidecars/expected-rewards`. */
export async function sidecarsByExpectedRewards(db: Db, query: Query, maxLimit: number, defaultLimit: number) {
  checkParams(query, ["sort", "order", "limit", "offset"]);
  const sort = choice<SidecarSort>(query, "sort", SIDECAR_REWARD_SORTS, "expectedMzkuPerYear");
  const order = choice(query, "order", ["asc", "desc"] as const, "desc");
  const page = paging(query, maxLimit, defaultLimit);
  const periods = await db.query(
    "SELECT period_index, start_time, length, stream_mzku, stream_eth FROM reward_periods WHERE start_time IS NOT NULL ORDER BY period_index DESC LIMIT 1",
  );
  const period = periods[0];
  const total = await db.query<{ total_stake: string }>("SELECT total_stake FROM sidecars");
  const classTotal = total.reduce((s, r) => s + BigInt(r.total_stake), 0n);
  const perYear = (stream: unknown) => {
    if (!period || stream === null || stream === undefined || Number(period.length) === 0) return 0n;
    return (((BigInt(String(stream)) * SIDECAR_CLASS_BPS) / 10_000n) * YEAR) / BigInt(Number(period.length));
  };
  const classMzku = perYear(period?.stream_mzku);
  const classEth = perYear(period?.stream_eth);
  const { column, amount } = SIDECAR_SORT_COLUMN[sort];
  const dir = order === "asc" ? "ASC" : "DESC";
  const rows = await db.query(
    `SELECT sidecar, node_id, provider_id, total_stake, stakers, active_projects, reward_mzku, reward_eth, forfeits_mzku, forfeits_eth
     FROM sidecars ORDER BY ${amount ? `LENGTH(${column}) ${dir}, ` : ""}${column} ${dir}, sidecar ${dir} LIMIT ? OFFSET ?`,
    [page.limit + 1, page.offset],
  );
  const share = (perYearClass: bigint, stake: bigint) => (classTotal === 0n ? 0n : (perYearClass * stake) / classTotal);
  const items = rows.slice(0, page.limit).map((r) => {
    const stake = BigInt(String(r.total_stake));
    return {
      sidecar: String(r.sidecar),
      nodeId: r.node_id === null ? null : Number(r.node_id),
      providerId: r.provider_id === null ? null : Number(r.provider_id),
      totalStake: stake.toString(),
      stakers: Number(r.stakers),
      activeProjects: Number(r.active_projects),
      expectedMzkuPerYear: share(classMzku, stake).toString(),
      expectedEthPerYear: share(classEth, stake).toString(),
      // MZKU a year per MZKU staked, in basis points: the same at every sidecar with stake
      mzkuRewardRateBps: (stake === 0n || classTotal === 0n ? 0n : (classMzku * 10_000n) / classTotal).toString(),
      rewardMzkuClaimed: String(r.reward_mzku),
      rewardEthClaimed: String(r.reward_eth),
      forfeitsMzku: String(r.forfeits_mzku),
      forfeitsEth: String(r.forfeits_eth),
    };
  });
  return {
    stream: {
      periodIndex: period ? Number(period.period_index) : null,
      sidecarClassMzkuPerYear: classMzku.toString(),
      sidecarClassEthPerYear: classEth.toString(),
      sidecarClassStake: classTotal.toString(),
    },
    items,
    page: { ...page, nextOffset: rows.length > page.limit ? page.offset + page.limit : null },
  };
}
