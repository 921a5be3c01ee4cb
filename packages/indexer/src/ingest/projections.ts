/**
 * Derived tables from decoded events. Each handler reads the rows it changes through the batch
 * writer and writes them back whole; amounts stay bigint until they are written as decimal strings.
 * Every event also lands in `events` and counts in the platform statistics.
 */
import type { Row, SqlValue } from "../store/db.js";
import type { BatchWriter } from "../store/writer.js";
import { paramEvents } from "./coverage.js";
import { argsJson, type DecodedEvent } from "./decode.js";

type Args = Record<string, unknown>;

function big(args: Args, name: string): bigint {
  const v = args[name];
  if (typeof v === "bigint") return v;
  if (typeof v === "number" && Number.isInteger(v)) return BigInt(v);
  if (typeof v === "boolean") return v ? 1n : 0n;
  throw new Error(`argument ${name} is not an integer`);
}

function int(args: Args, name: string): number {
  const v = big(args, name);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`argument ${name} = ${v} does not fit a BIGINT column`);
  return Number(v);
}

function amount(args: Args, name: string): string {
  return big(args, name).toString();
}

function addr(args: Args, name: string): string {
  const v = args[name];
  if (typeof v !== "string") throw new Error(`argument ${name} is not an address`);
  return v.toLowerCase();
}

function text(args: Args, name: string): string {
  const v = args[name];
  if (typeof v !== "string") throw new Error(`argument ${name} is not a string`);
  return v;
}

function flag(args: Args, name: string): number {
  return args[name] === true ? 1 : 0;
}

function struct(args: Args, name: string): Args {
  const v = args[name];
  if (typeof v !== "object" || v === null) throw new Error(`argument ${name} is not a struct`);
  return v as Args;
}

function plus(current: SqlValue | undefined, delta: bigint): string {
  return (BigInt(typeof current === "string" && current !== "" ? current : "0") + delta).toString();
}

function num(current: SqlValue | undefined): number {
  return typeof current === "number" ? current : Number(current ?? 0);
}

const ZERO = "0x0000000000000000000000000000000000000000";

const STAT_COLUMNS_COUNT = [
  "providers",
  "qualified_providers",
  "nodes",
  "projects_opened",
  "projects_completed",
  "projects_failed",
  "governors_seated",
  "micro_pools",
  "events",
] as const;
const STAT_COLUMNS_AMOUNT = [
  "total_collateral",
  "fixed_price_total",
  "sidecar_stake_total",
  "micro_pool_eth_staked",
  "reward_pool_in_mzku",
  "reward_pool_in_eth",
  "insurance_in_mzku",
  "insurance_in_eth",
  "insurance_paid_mzku",
  "insurance_paid_eth",
] as const;
type CountStat = (typeof STAT_COLUMNS_COUNT)[number];
type AmountStat = (typeof STAT_COLUMNS_AMOUNT)[number];

/** Context of one event inside a batch. */
class Ctx {
  private statDelta = new Map<string, bigint>();
  constructor(
    readonly w: BatchWriter,
    readonly e: DecodedEvent,
    readonly timestamp: number,
  ) {}
  get block(): number {
    return this.e.blockNumber;
  }
  count(stat: CountStat, delta = 1): void {
    this.statDelta.set(stat, (this.statDelta.get(stat) ?? 0n) + BigInt(delta));
  }
  add(stat: AmountStat, delta: bigint): void {
    this.statDelta.set(stat, (this.statDelta.get(stat) ?? 0n) + delta);
  }
  /** Applies the statistics changes to the running total and to the event's UTC day. */
  async commitStats(): Promise<void> {
    this.count("events");
    const total = (await this.w.get("platform_stats", ["total"])) ?? emptyStats("total");
    for (const [column, delta] of this.statDelta) {
      total[column] = (STAT_COLUMNS_COUNT as readonly string[]).includes(column)
        ? num(total[column]) + Number(delta)
        : plus(total[column], delta);
    }
    total.block_number = this.block;
    await this.w.put("platform_stats", total);
    const day = new Date(this.timestamp * 1000).toISOString().slice(0, 10);
    await this.w.put("platform_stats", { ...total, day });
  }
}

function emptyStats(day: string): Row {
  const row: Row = { day, block_number: 0 };
  for (const c of STAT_COLUMNS_COUNT) row[c] = 0;
  for (const c of STAT_COLUMNS_AMOUNT) row[c] = "0";
  return row;
}

type Handler = (ctx: Ctx, args: Args) => Promise<void>;

async function updateProvider(ctx: Ctx, id: number, change: (row: Row) => void): Promise<void> {
  const row = await ctx.w.get("providers", [id]);
  if (!row) throw new Error(`provider ${id} changed before ProviderApplied`);
  change(row);
  row.updated_block = ctx.block;
  await ctx.w.put("providers", row);
}

async function updateProject(ctx: Ctx, id: number, change: (row: Row) => void): Promise<void> {
  const row = await ctx.w.get("projects", [id]);
  if (!row) throw new Error(`project ${id} changed before ProjectOpened`);
  change(row);
  row.updated_block = ctx.block;
  await ctx.w.put("projects", row);
}

async function updateNode(ctx: Ctx, id: number, change: (row: Row) => void): Promise<void> {
  const row = await ctx.w.get("nodes", [id]);
  if (!row) throw new Error(`node ${id} changed before NodeRegistered`);
  change(row);
  await ctx.w.put("nodes", row);
}

async function governor(ctx: Ctx, account: string): Promise<Row> {
  return (
    (await ctx.w.get("governors", [account])) ?? {
      account,
      locked: "0",
      pending_withdrawal: "0",
      invited: 0,
      candidate: 0,
      seated: 0,
      seat_nonce: null,
      delegated_votes: "0",
      slashed_total: "0",
      votes_cast: 0,
      updated_block: ctx.block,
    }
  );
}

async function updateGovernor(ctx: Ctx, account: string, change: (row: Row) => void): Promise<void> {
  const row = await governor(ctx, account);
  change(row);
  row.updated_block = ctx.block;
  await ctx.w.put("governors", row);
}

async function sidecar(ctx: Ctx, address: string): Promise<Row> {
  return (
    (await ctx.w.get("sidecars", [address])) ?? {
      sidecar: address,
      node_id: null,
      provider_id: null,
      total_stake: "0",
      stakers: 0,
      reward_mzku: "0",
      reward_eth: "0",
      active_projects: 0,
      forfeits_mzku: "0",
      forfeits_eth: "0",
      updated_block: ctx.block,
    }
  );
}

async function sidecarStake(ctx: Ctx, args: Args, sign: 1n | -1n): Promise<void> {
  const staker = addr(args, "staker");
  const address = addr(args, "sidecar");
  const delta = big(args, "amount") * sign;
  const position = amount(args, "position");
  const sc = await sidecar(ctx, address);
  const before = await ctx.w.get("sidecar_stakes", [address, staker]);
  const wasStaker = before !== undefined && before.amount !== "0";
  const isStaker = position !== "0";
  sc.total_stake = plus(sc.total_stake, delta);
  sc.stakers = num(sc.stakers) + (isStaker ? 1 : 0) - (wasStaker ? 1 : 0);
  sc.updated_block = ctx.block;
  await ctx.w.put("sidecars", sc);
  if (isStaker) {
    await ctx.w.put("sidecar_stakes", { sidecar: address, staker, amount: position, updated_block: ctx.block });
  } else {
    await ctx.w.delete("sidecar_stakes", [address, staker]);
  }
  ctx.add("sidecar_stake_total", delta);
}

const VALIDATOR_ETH = 32n * 10n ** 18n;

/**
 * A pool's stage: its status, with `open` split by its fill — `awaiting_activation` once the provider's
 * ETH and the stakes make the validator's 32 ETH (the operator's DKG key and deposit are due), else `filling`.
 */
function poolStage(row: Row): string {
  if (row.status !== "open") return String(row.status);
  return plus(row.staked, BigInt(String(row.provider_eth))) === VALIDATOR_ETH.toString()
    ? "awaiting_activation"
    : "filling";
}

async function updatePool(ctx: Ctx, change: (row: Row) => void): Promise<void> {
  const row = await ctx.w.get("micro_pools", [ctx.e.address]);
  if (!row) throw new Error(`micro-pool ${ctx.e.address} changed before PoolOpened`);
  change(row);
  row.stage = poolStage(row);
  row.updated_block = ctx.block;
  await ctx.w.put("micro_pools", row);
}

async function aethMove(ctx: Ctx, holder: string, delta: bigint): Promise<number> {
  const before = await ctx.w.get("aeth_balances", [ctx.e.address, holder]);
  const old = BigInt((before?.balance as string | undefined) ?? "0");
  const next = old + delta;
  if (next === 0n) await ctx.w.delete("aeth_balances", [ctx.e.address, holder]);
  else
    await ctx.w.put("aeth_balances", {
      pool: ctx.e.address,
      holder,
      balance: next.toString(),
      updated_block: ctx.block,
    });
  return (next !== 0n ? 1 : 0) - (old !== 0n ? 1 : 0);
}

async function rewardPeriod(ctx: Ctx, index: number): Promise<Row> {
  return (
    (await ctx.w.get("reward_periods", [index])) ?? {
      period_index: index,
      start_time: null,
      length: null,
      stream_mzku: null,
      stream_eth: null,
      treasury_mzku: null,
      treasury_eth: null,
      deposited_mzku: "0",
      deposited_eth: "0",
      claimed_mzku: "0",
      claimed_eth: "0",
      updated_block: ctx.block,
    }
  );
}

/**
 * `in`/`out` change what the pool holds; `credit` (owed to an account, still in the pool), `forfeit`
 * (moved from a leaving staker to the sidecar's others), `sent` (a claimed amount's recipient) and
 * `withdrawn` (credited compensation paid) annotate flows already counted.
 */
type FlowDirection = "in" | "out" | "credit" | "forfeit" | "sent" | "withdrawn";

function flow(
  ctx: Ctx,
  pool: "reward" | "insurance",
  direction: FlowDirection,
  asset: number,
  value: bigint,
  extra: { period?: number; account?: string },
): void {
  if (value === 0n) return;
  ctx.w.append("pool_flows", {
    block_number: ctx.block,
    log_index: ctx.e.logIndex,
    block_timestamp: ctx.timestamp,
    pool,
    direction,
    asset: asset === 1 ? "eth" : "mzku",
    amount: value.toString(),
    period_index: extra.period ?? null,
    account: extra.account ?? null,
    kind: ctx.e.eventName,
  });
}

const PROJECT_STATUS = {
  opened: "bidding",
  noWinner: "no_winner",
  assigned: "assigned",
  running: "running",
  completed: "completed",
  failed: "failed",
  cancelled: "cancelled",
} as const;

const handlers: Record<string, Handler> = {
  // ProviderRegistry
  "ProviderRegistry.ProviderApplied": async (ctx, a) => {
    const capacity = struct(a, "capacity");
    await ctx.w.put("providers", {
      provider_id: int(a, "providerId"),
      owner: addr(a, "owner"),
      brand_name: text(a, "brandName"),
      metadata_uri: text(a, "metadataURI"),
      cpu_cores: int(capacity, "cpuCores"),
      ram_gb: int(capacity, "ramGb"),
      storage_gb: int(capacity, "storageGb"),
      bandwidth_mbps: int(capacity, "bandwidthMbps"),
      used_cpu_cores: 0,
      used_ram_gb: 0,
      used_storage_gb: 0,
      used_bandwidth_mbps: 0,
      active_nodes: 0,
      price_cap: amount(a, "priceCap"),
      collateral: "0",
      unbonding: "0",
      withdrawal_ready_at: null,
      slashed_total: "0",
      trust_tier: 0,
      k: "0",
      eth_share: "0",
      status: "applied",
      disqualified_until: null,
      score: 0,
      score_stake: 0,
      score_price: 0,
      score_run: 0,
      score_uptime: 0,
      failures: 0,
      uptime_bps: null,
      wins: 0,
      last_win_price: null,
      prev_win_price: null,
      registered_block: ctx.block,
      updated_block: ctx.block,
    });
    ctx.count("providers");
  },
  "ProviderRegistry.CollateralDeposited": async (ctx, a) => {
    let delta = 0n;
    await updateProvider(ctx, int(a, "providerId"), (p) => {
      delta = big(a, "collateral") - BigInt(p.collateral as string);
      p.collateral = amount(a, "collateral");
    });
    ctx.add("total_collateral", delta);
  },
  "ProviderRegistry.CollateralSlashed": async (ctx, a) => {
    let delta = 0n;
    await updateProvider(ctx, int(a, "providerId"), (p) => {
      delta = big(a, "collateral") - BigInt(p.collateral as string);
      p.collateral = amount(a, "collateral");
      p.unbonding = amount(a, "unbonding");
      p.slashed_total = plus(p.slashed_total, big(a, "amount"));
    });
    ctx.add("total_collateral", delta);
  },
  "ProviderRegistry.WithdrawalRequested": async (ctx, a) => {
    await updateProvider(ctx, int(a, "providerId"), (p) => {
      p.collateral = plus(p.collateral, -big(a, "amount"));
      p.unbonding = amount(a, "unbonding");
      p.withdrawal_ready_at = int(a, "readyAt");
    });
    ctx.add("total_collateral", -big(a, "amount"));
  },
  "ProviderRegistry.WithdrawalCancelled": async (ctx, a) => {
    await updateProvider(ctx, int(a, "providerId"), (p) => {
      p.collateral = amount(a, "collateral");
      p.unbonding = "0";
      p.withdrawal_ready_at = null;
    });
    ctx.add("total_collateral", big(a, "amount"));
  },
  "ProviderRegistry.CollateralWithdrawn": async (ctx, a) => {
    await updateProvider(ctx, int(a, "providerId"), (p) => {
      p.unbonding = "0";
      p.withdrawal_ready_at = null;
    });
  },
  "ProviderRegistry.CapacityBooked": async (ctx, a) => capacity(ctx, a),
  "ProviderRegistry.CapacityReleased": async (ctx, a) => capacity(ctx, a),
  "ProviderRegistry.MetadataUpdated": async (ctx, a) =>
    updateProvider(ctx, int(a, "providerId"), (p) => {
      p.brand_name = text(a, "brandName");
      p.metadata_uri = text(a, "metadataURI");
    }),
  "ProviderRegistry.PriceCapUpdated": async (ctx, a) =>
    updateProvider(ctx, int(a, "providerId"), (p) => {
      p.price_cap = amount(a, "priceCap");
    }),
  "ProviderRegistry.TrustTierSet": async (ctx, a) =>
    updateProvider(ctx, int(a, "providerId"), (p) => {
      p.trust_tier = int(a, "tier");
      p.k = amount(a, "k");
      p.eth_share = amount(a, "ethShare");
    }),
  "ProviderRegistry.ProviderQualified": async (ctx, a) => {
    await updateProvider(ctx, int(a, "providerId"), (p) => {
      p.status = "qualified";
    });
    ctx.count("qualified_providers");
  },
  "ProviderRegistry.ProviderUnqualified": async (ctx, a) => {
    await updateProvider(ctx, int(a, "providerId"), (p) => {
      p.status = "unqualified";
    });
    ctx.count("qualified_providers", -1);
  },
  "ProviderRegistry.ProviderDisqualified": async (ctx, a) =>
    updateProvider(ctx, int(a, "providerId"), (p) => {
      p.disqualified_until = int(a, "until");
    }),
  "ProviderRegistry.DisqualificationLifted": async (ctx, a) =>
    updateProvider(ctx, int(a, "providerId"), (p) => {
      p.disqualified_until = null;
    }),
  "ProviderRegistry.ScoreReported": async (ctx, a) =>
    updateProvider(ctx, int(a, "providerId"), (p) => {
      p.score = int(a, "score");
    }),
  // Reputation and uptime
  "Reputation.ScoreUpdated": async (ctx, a) =>
    updateProvider(ctx, int(a, "providerId"), (p) => {
      p.score = int(a, "score");
      p.score_stake = int(a, "sStake");
      p.score_price = int(a, "sPrice");
      p.score_run = int(a, "sRun");
      p.score_uptime = int(a, "sUptime");
      p.failures = int(a, "failures");
    }),
  "UptimeReports.NodePeriodDecided": async (ctx, a) => {
    const id = int(a, "providerId");
    if (!(await ctx.w.get("providers", [id]))) return;
    await updateProvider(ctx, id, (p) => {
      p.uptime_bps = int(a, "uptimeBps");
    });
  },
  // NodeRegistry
  "NodeRegistry.NodeRegistered": async (ctx, a) => {
    const resources = struct(a, "resources");
    const nodeId = int(a, "nodeId");
    const providerId = int(a, "providerId");
    const sidecarAddress = addr(a, "sidecar");
    await ctx.w.put("nodes", {
      node_id: nodeId,
      provider_id: providerId,
      sidecar: sidecarAddress,
      cpu_cores: int(resources, "cpuCores"),
      ram_gb: int(resources, "ramGb"),
      storage_gb: int(resources, "storageGb"),
      bandwidth_mbps: int(resources, "bandwidthMbps"),
      status: "installing",
      started_at: null,
      finished_at: null,
      staked_mzku: "0",
      staked_eth: "0",
      collected_rewards: "0",
      registered_block: ctx.block,
      resources_block: null,
    });
    const sc = await sidecar(ctx, sidecarAddress);
    sc.node_id = nodeId;
    sc.provider_id = providerId;
    sc.updated_block = ctx.block;
    await ctx.w.put("sidecars", sc);
    ctx.count("nodes");
  },
  "NodeRegistry.NodeActivated": async (ctx, a) =>
    updateNode(ctx, int(a, "nodeId"), (n) => {
      n.status = "active";
      n.started_at = int(a, "startedAt");
    }),
  "NodeRegistry.NodeStopped": async (ctx, a) =>
    updateNode(ctx, int(a, "nodeId"), (n) => {
      n.status = "stopped";
      n.finished_at = int(a, "finishedAt");
    }),
  "NodeRegistry.NodeFailed": async (ctx, a) =>
    updateNode(ctx, int(a, "nodeId"), (n) => {
      n.status = "failed";
      n.finished_at = int(a, "finishedAt");
    }),
  "NodeRegistry.NodeResourcesSet": async (ctx, a) => {
    const resources = struct(a, "resources");
    await updateNode(ctx, int(a, "nodeId"), (n) => {
      n.cpu_cores = int(resources, "cpuCores");
      n.ram_gb = int(resources, "ramGb");
      n.storage_gb = int(resources, "storageGb");
      n.bandwidth_mbps = int(resources, "bandwidthMbps");
      n.resources_block = ctx.block;
    });
  },
  "NodeRegistry.NodeStakedMzkuSet": async (ctx, a) =>
    updateNode(ctx, int(a, "nodeId"), (n) => {
      n.staked_mzku = amount(a, "amount");
    }),
  "NodeRegistry.NodeStakedEthSet": async (ctx, a) =>
    updateNode(ctx, int(a, "nodeId"), (n) => {
      n.staked_eth = amount(a, "amount");
    }),
  "NodeRegistry.NodeCollectedRewardsSet": async (ctx, a) =>
    updateNode(ctx, int(a, "nodeId"), (n) => {
      n.collected_rewards = amount(a, "amount");
    }),
  // SidecarStaking
  "SidecarStaking.Staked": async (ctx, a) => sidecarStake(ctx, a, 1n),
  "SidecarStaking.Unstaked": async (ctx, a) => sidecarStake(ctx, a, -1n),
  "SidecarStaking.DelegatedVotesChanged": async (ctx, a) =>
    updateGovernor(ctx, addr(a, "candidate"), (g) => {
      g.delegated_votes = amount(a, "newVotes");
    }),
  // ProjectMarket
  "ProjectMarket.ProjectOpened": async (ctx, a) => {
    const resources = struct(a, "resources");
    await ctx.w.put("projects", {
      project_id: int(a, "projectId"),
      requester: addr(a, "requester"),
      project_type: int(a, "projectType"),
      cpu_cores: int(resources, "cpuCores"),
      ram_gb: int(resources, "ramGb"),
      storage_gb: int(resources, "storageGb"),
      bandwidth_mbps: int(resources, "bandwidthMbps"),
      duration: int(a, "duration"),
      fixed_price: amount(a, "fixedPrice"),
      bid_bond: amount(a, "bidBond"),
      commit_end_block: int(a, "commitEndBlock"),
      reveal_end_block: int(a, "revealEndBlock"),
      status: PROJECT_STATUS.opened,
      fee_rate_bps: null,
      band_bps: null,
      score_threshold: null,
      start_penalty_bps: null,
      max_draw_candidates: null,
      vickrey: null,
      draw_block: null,
      draw_rearms: 0,
      start_window: null,
      reserve_bps: null,
      loss_cap_bps: null,
      bids: 0,
      revealed_bids: 0,
      seed: null,
      entropy: null,
      candidates: null,
      winner: null,
      provider_id: null,
      winning_bid: null,
      price: null,
      forfeited_bonds: null,
      settled_block: null,
      node_id: null,
      started_at: null,
      profit: null,
      to_provider: null,
      to_reward_pool: null,
      to_insurance_pool: null,
      to_requester: null,
      refund: null,
      loss: null,
      slashed: null,
      compensated: null,
      micro_pool: null,
      validator_eth_rewards: null,
      validator_eth_loss: null,
      validator_penalty: null,
      opened_block: ctx.block,
      updated_block: ctx.block,
    });
    ctx.count("projects_opened");
    ctx.add("fixed_price_total", big(a, "fixedPrice"));
  },
  "ProjectMarket.ValidatorPoolAttached": async (ctx, a) =>
    updateProject(ctx, int(a, "projectId"), (p) => {
      p.micro_pool = addr(a, "pool");
    }),
  "ProjectMarket.ValidatorProjectSettled": async (ctx, a) =>
    updateProject(ctx, int(a, "projectId"), (p) => {
      p.micro_pool = addr(a, "pool");
      p.validator_eth_rewards = amount(a, "ethRewards");
      p.validator_eth_loss = amount(a, "ethLoss");
      p.validator_penalty = amount(a, "penalty");
    }),
  "ProjectMarket.ProjectTermsSet": async (ctx, a) =>
    updateProject(ctx, int(a, "projectId"), (p) => {
      p.fee_rate_bps = int(a, "feeRateBps");
      p.band_bps = int(a, "bandBps");
      p.score_threshold = int(a, "scoreThreshold");
      p.start_penalty_bps = int(a, "startPenaltyBps");
      p.max_draw_candidates = int(a, "maxDrawCandidates");
      p.vickrey = flag(a, "vickrey");
      p.draw_block = int(a, "drawBlock");
      p.start_window = int(a, "startWindow");
      p.reserve_bps = int(a, "reserveBps");
      p.loss_cap_bps = int(a, "lossCapBps");
    }),
  "ProjectMarket.BidCommitted": async (ctx, a) => {
    const projectId = int(a, "projectId");
    await ctx.w.put("bids", {
      project_id: projectId,
      bid_index: int(a, "index"),
      bidder: addr(a, "bidder"),
      commitment: text(a, "commitment"),
      revealed: 0,
      price: null,
      salt: null,
      evaluated: 0,
      provider_id: null,
      eligible: null,
      weight: null,
      forfeited_bond: null,
      committed_block: ctx.block,
    });
    await updateProject(ctx, projectId, (p) => {
      p.bids = num(p.bids) + 1;
    });
  },
  "ProjectMarket.BidRevealed": async (ctx, a) => {
    const projectId = int(a, "projectId");
    const bid = await ctx.w.get("bids", [projectId, int(a, "index")]);
    if (!bid) throw new Error(`bid ${projectId}/${int(a, "index")} revealed before it was committed`);
    bid.revealed = 1;
    bid.price = amount(a, "price");
    bid.salt = text(a, "salt");
    await ctx.w.put("bids", bid);
    await updateProject(ctx, projectId, (p) => {
      p.revealed_bids = num(p.revealed_bids) + 1;
    });
  },
  "ProjectMarket.BidEvaluated": async (ctx, a) => {
    const projectId = int(a, "projectId");
    const bid = await ctx.w.get("bids", [projectId, int(a, "index")]);
    if (!bid) throw new Error(`bid ${projectId}/${int(a, "index")} evaluated before it was committed`);
    bid.evaluated = 1;
    bid.provider_id = int(a, "providerId");
    bid.eligible = flag(a, "eligible");
    bid.weight = amount(a, "weight");
    await ctx.w.put("bids", bid);
  },
  "ProjectMarket.DrawRearmed": async (ctx, a) =>
    updateProject(ctx, int(a, "projectId"), (p) => {
      p.draw_block = int(a, "drawBlock");
      p.draw_rearms = num(p.draw_rearms) + 1;
    }),
  "ProjectMarket.BondForfeited": async (ctx, a) => {
    const projectId = int(a, "projectId");
    const bid = await ctx.w.get("bids", [projectId, int(a, "index")]);
    if (!bid) throw new Error(`bond of bid ${projectId}/${int(a, "index")} forfeited before it was committed`);
    bid.forfeited_bond = plus(bid.forfeited_bond, big(a, "amount"));
    await ctx.w.put("bids", bid);
  },
  "ProjectMarket.AuctionSettled": async (ctx, a) => {
    const projectId = int(a, "projectId");
    const winner = addr(a, "winner");
    const providerId = int(a, "providerId");
    let fixedPrice = "0";
    await updateProject(ctx, projectId, (p) => {
      fixedPrice = p.fixed_price as string;
      p.seed = text(a, "seed");
      p.entropy = amount(a, "entropy");
      p.candidates = int(a, "candidates");
      p.winner = winner === ZERO ? null : winner;
      p.provider_id = winner === ZERO ? null : providerId;
      p.winning_bid = amount(a, "winningBid");
      p.price = amount(a, "price");
      p.forfeited_bonds = amount(a, "forfeitedBonds");
      p.settled_block = ctx.block;
      p.status = winner === ZERO ? PROJECT_STATUS.noWinner : PROJECT_STATUS.assigned;
    });
    if (winner === ZERO) return;
    const price = big(a, "price");
    const fp = BigInt(fixedPrice);
    ctx.w.append("provider_wins", {
      project_id: projectId,
      provider_id: providerId,
      price: price.toString(),
      fixed_price: fixedPrice,
      price_bps: Number(fp === 0n ? 0n : (price * 10_000n) / fp),
      block_number: ctx.block,
      block_timestamp: ctx.timestamp,
    });
    await updateProvider(ctx, providerId, (p) => {
      p.wins = num(p.wins) + 1;
      p.prev_win_price = p.last_win_price ?? null;
      p.last_win_price = price.toString();
    });
  },
  "ProjectMarket.ProjectStarted": async (ctx, a) =>
    updateProject(ctx, int(a, "projectId"), (p) => {
      p.status = PROJECT_STATUS.running;
      p.node_id = int(a, "nodeId");
      p.started_at = int(a, "startedAt");
    }),
  "ProjectMarket.CompletionSubmitted": async (ctx, a) =>
    updateProject(ctx, int(a, "projectId"), (p) => {
      p.profit = amount(a, "profit");
    }),
  "ProjectMarket.CompletionRejected": async (ctx, a) =>
    updateProject(ctx, int(a, "projectId"), (p) => {
      p.profit = null;
    }),
  "ProjectMarket.ProjectCompleted": async (ctx, a) => {
    await updateProject(ctx, int(a, "projectId"), (p) => {
      p.status = PROJECT_STATUS.completed;
      p.profit = amount(a, "profit");
      p.to_provider = amount(a, "toProvider");
      p.to_reward_pool = amount(a, "toRewardPool");
      p.to_insurance_pool = amount(a, "toInsurancePool");
      p.to_requester = amount(a, "toRequester");
    });
    ctx.count("projects_completed");
  },
  "ProjectMarket.ProjectFailed": async (ctx, a) => {
    await updateProject(ctx, int(a, "projectId"), (p) => {
      p.status = PROJECT_STATUS.failed;
      p.refund = amount(a, "refund");
      p.loss = amount(a, "loss");
      p.slashed = amount(a, "slashed");
      p.compensated = amount(a, "compensated");
    });
    ctx.count("projects_failed");
  },
  "ProjectMarket.ProjectCancelled": async (ctx, a) =>
    updateProject(ctx, int(a, "projectId"), (p) => {
      p.status = PROJECT_STATUS.cancelled;
      p.refund = amount(a, "refund");
    }),
  // RewardPool
  "RewardPool.RewardPoolDeposited": async (ctx, a) => {
    const period = int(a, "periodIndex");
    const asset = int(a, "asset");
    const value = big(a, "amount");
    const row = await rewardPeriod(ctx, period);
    if (asset === 1) row.deposited_eth = plus(row.deposited_eth, value);
    else row.deposited_mzku = plus(row.deposited_mzku, value);
    row.updated_block = ctx.block;
    await ctx.w.put("reward_periods", row);
    flow(ctx, "reward", "in", asset, value, { period, account: addr(a, "from") });
    ctx.add(asset === 1 ? "reward_pool_in_eth" : "reward_pool_in_mzku", value);
  },
  "RewardPool.RewardPoolPeriodStarted": async (ctx, a) => {
    const row = await rewardPeriod(ctx, int(a, "index"));
    row.start_time = int(a, "start");
    row.length = int(a, "length");
    row.stream_mzku = amount(a, "mzku");
    row.stream_eth = amount(a, "eth");
    row.treasury_mzku = amount(a, "treasuryMzku");
    row.treasury_eth = amount(a, "treasuryEth");
    row.updated_block = ctx.block;
    await ctx.w.put("reward_periods", row);
  },
  "RewardPool.RewardPoolClaimed": async (ctx, a) => {
    const mzku = big(a, "mzku");
    const eth = big(a, "eth");
    const latest = await latestPeriod(ctx);
    if (latest !== undefined) {
      const row = await rewardPeriod(ctx, latest);
      row.claimed_mzku = plus(row.claimed_mzku, mzku);
      row.claimed_eth = plus(row.claimed_eth, eth);
      row.updated_block = ctx.block;
      await ctx.w.put("reward_periods", row);
    }
    const account = addr(a, "account");
    flowPair(ctx, "reward", "out", mzku, eth, { ...(latest !== undefined ? { period: latest } : {}), account });
    if (int(a, "class") === 2) {
      const sc = await sidecar(ctx, addr(a, "key"));
      sc.reward_mzku = plus(sc.reward_mzku, mzku);
      sc.reward_eth = plus(sc.reward_eth, eth);
      sc.updated_block = ctx.block;
      await ctx.w.put("sidecars", sc);
    }
  },
  "RewardPool.RewardPoolCredited": async (ctx, a) => {
    flowPair(ctx, "reward", "credit", big(a, "mzku"), big(a, "eth"), { account: addr(a, "account") });
  },
  "RewardPool.RewardPoolForfeited": async (ctx, a) => {
    const mzku = big(a, "mzku");
    const eth = big(a, "eth");
    flowPair(ctx, "reward", "forfeit", mzku, eth, { account: addr(a, "account") });
    const sc = await sidecar(ctx, addr(a, "sidecar"));
    sc.forfeits_mzku = plus(sc.forfeits_mzku, mzku);
    sc.forfeits_eth = plus(sc.forfeits_eth, eth);
    sc.updated_block = ctx.block;
    await ctx.w.put("sidecars", sc);
  },
  "RewardPool.RewardPoolEthSentTo": async (ctx, a) => {
    flow(ctx, "reward", "sent", 1, big(a, "amount"), { account: addr(a, "to") });
  },
  "RewardPool.RewardPoolProjectMarked": async (ctx, a) => {
    const sc = await sidecar(ctx, addr(a, "sidecar"));
    sc.active_projects = int(a, "activeProjects");
    sc.updated_block = ctx.block;
    await ctx.w.put("sidecars", sc);
  },
  // InsurancePool
  "InsurancePool.InsurancePoolWithdrawn": async (ctx, a) => {
    flow(ctx, "insurance", "withdrawn", 1, big(a, "amount"), { account: addr(a, "account") });
  },
  "InsurancePool.InsurancePoolDeposited": async (ctx, a) => {
    const asset = int(a, "asset");
    const value = big(a, "amount");
    flow(ctx, "insurance", "in", asset, value, { account: addr(a, "from") });
    ctx.add(asset === 1 ? "insurance_in_eth" : "insurance_in_mzku", value);
  },
  "InsurancePool.InsurancePoolCompensated": async (ctx, a) => {
    const asset = int(a, "asset");
    const value = big(a, "paid");
    flow(ctx, "insurance", "out", asset, value, { account: addr(a, "to") });
    ctx.add(asset === 1 ? "insurance_paid_eth" : "insurance_paid_mzku", value);
  },
  "InsurancePool.InsurancePoolExcessBurned": async (ctx, a) => {
    flow(ctx, "insurance", "out", 0, big(a, "amount"), {});
  },
  "InsurancePool.InsurancePoolExcessMoved": async (ctx, a) => {
    flowPair(ctx, "insurance", "out", big(a, "mzku"), big(a, "eth"), {});
  },
  // Governance
  "Governance.GovernorInvited": async (ctx, a) =>
    updateGovernor(ctx, addr(a, "account"), (g) => {
      g.invited = 1;
    }),
  "Governance.StakeLocked": async (ctx, a) =>
    updateGovernor(ctx, addr(a, "account"), (g) => {
      g.locked = amount(a, "locked");
    }),
  "Governance.WithdrawalRequested": async (ctx, a) =>
    updateGovernor(ctx, addr(a, "account"), (g) => {
      g.locked = plus(g.locked, -big(a, "amount"));
      g.pending_withdrawal = amount(a, "pending");
    }),
  "Governance.Withdrawn": async (ctx, a) =>
    updateGovernor(ctx, addr(a, "account"), (g) => {
      g.pending_withdrawal = "0";
    }),
  "Governance.CandidateApplied": async (ctx, a) =>
    updateGovernor(ctx, addr(a, "candidate"), (g) => {
      g.candidate = 1;
      g.locked = amount(a, "locked");
    }),
  "Governance.CandidateRemoved": async (ctx, a) =>
    updateGovernor(ctx, addr(a, "candidate"), (g) => {
      g.candidate = 0;
    }),
  "Governance.GovernorSeated": async (ctx, a) => {
    let was = 0;
    await updateGovernor(ctx, addr(a, "governor"), (g) => {
      was = num(g.seated);
      g.seated = 1;
      g.seat_nonce = int(a, "seatNonce");
    });
    ctx.count("governors_seated", 1 - was);
  },
  "Governance.GovernorUnseated": async (ctx, a) => {
    let was = 0;
    await updateGovernor(ctx, addr(a, "governor"), (g) => {
      was = num(g.seated);
      g.seated = 0;
    });
    ctx.count("governors_seated", -was);
  },
  "Governance.GovernorSlashed": async (ctx, a) => {
    const governorAddress = addr(a, "governor");
    await updateGovernor(ctx, governorAddress, (g) => {
      g.locked = plus(g.locked, -big(a, "amount"));
      g.slashed_total = plus(g.slashed_total, big(a, "amount"));
    });
    ctx.w.append("governor_slashes", {
      block_number: ctx.block,
      log_index: ctx.e.logIndex,
      governor: governorAddress,
      amount: amount(a, "amount"),
      first_proposal_id: int(a, "firstProposalId"),
      receiver: addr(a, "receiver"),
    });
  },
  "Governance.ElectionHeld": async (ctx, a) => {
    ctx.w.append("elections", {
      election_id: int(a, "electionId"),
      snapshot: amount(a, "snapshot"),
      elected: int(a, "elected"),
      next_election_at: int(a, "nextElectionAt"),
      block_number: ctx.block,
      block_timestamp: ctx.timestamp,
    });
  },
  "Governance.ProposalCreated": async (ctx, a) => {
    const targets = a.targets as readonly string[];
    const values = a.values as readonly bigint[];
    const calldatas = a.calldatas as readonly string[];
    await ctx.w.put("proposals", {
      proposal_id: int(a, "proposalId"),
      proposer: addr(a, "proposer"),
      description: text(a, "description"),
      actions: JSON.stringify(
        targets.map((target, i) => ({
          target: target.toLowerCase(),
          value: (values[i] ?? 0n).toString(),
          data: calldatas[i] ?? "0x",
        })),
      ),
      vote_end: int(a, "voteEnd"),
      eta: int(a, "eta"),
      expires_at: int(a, "expiresAt"),
      executed: 0,
      votes_for: 0,
      votes_against: 0,
      votes_abstain: 0,
      created_block: ctx.block,
      created_at: ctx.timestamp,
    });
  },
  "Governance.VoteCast": async (ctx, a) => {
    const proposalId = int(a, "proposalId");
    const support = int(a, "support");
    const governorAddress = addr(a, "governor");
    const proposal = await ctx.w.get("proposals", [proposalId]);
    if (!proposal) throw new Error(`vote on unknown proposal ${proposalId}`);
    const column = support === 1 ? "votes_for" : support === 0 ? "votes_against" : "votes_abstain";
    proposal[column] = num(proposal[column]) + 1;
    await ctx.w.put("proposals", proposal);
    ctx.w.append("votes", {
      proposal_id: proposalId,
      governor: governorAddress,
      support,
      block_number: ctx.block,
      log_index: ctx.e.logIndex,
    });
    await updateGovernor(ctx, governorAddress, (g) => {
      g.votes_cast = num(g.votes_cast) + 1;
    });
  },
  "Governance.ProposalExecuted": async (ctx, a) => {
    const proposal = await ctx.w.get("proposals", [int(a, "proposalId")]);
    if (!proposal) throw new Error(`execution of unknown proposal ${int(a, "proposalId")}`);
    proposal.executed = 1;
    await ctx.w.put("proposals", proposal);
  },
  "Governance.ParamChanged": async (ctx, a) =>
    putParam(ctx, "Governance", GOVERNANCE_PARAMS[int(a, "param")] ?? `param${int(a, "param")}`, amount(a, "newValue")),
  // MicroPoolFactory and the pools
  "MicroPoolFactory.PoolOpened": async (ctx, a) => {
    const row: Row = {
      pool: addr(a, "pool"),
      pool_id: int(a, "poolId"),
      provider_id: int(a, "providerId"),
      operator: addr(a, "operator"),
      end_time: int(a, "endTime"),
      fixed_price: amount(a, "fixedPrice"),
      min_stake: null,
      provider_eth: amount(a, "providerEth"),
      staked: "0",
      aeth_supply: "0",
      holders: 0,
      status: "open",
      stage: "filling",
      deposit_data_root: null,
      validator_pubkey: null,
      deposit_data_block: null,
      activated_block: null,
      activated_at: null,
      activation_tx: null,
      fee_to_reward_pool: null,
      fee_to_provider: null,
      exit_requested_at: null,
      rewards_distributed: "0",
      rewards_to_holders: "0",
      rewards_pending: "0",
      claimed: "0",
      provider_rewards_claimed: "0",
      redeemed_eth: "0",
      collateral_withdrawn: "0",
      swept: "0",
      opened_block: ctx.block,
      updated_block: ctx.block,
    };
    row.stage = poolStage(row);
    await ctx.w.put("micro_pools", row);
    ctx.count("micro_pools");
  },
  "MicroPoolFactory.CoSignerChangeScheduled": async (ctx, a) =>
    putParam(ctx, "MicroPoolFactory", "CoSignerChangeScheduled", argsJson(a)),
  "MicroPoolFactory.PoolMigrated": async (ctx, a) => {
    const pool = await ctx.w.get("micro_pools", [addr(a, "pool")]);
    if (!pool) throw new Error(`migration of unknown pool ${addr(a, "pool")}`);
    pool.provider_id = int(a, "newProviderId");
    pool.operator = addr(a, "newOperator");
    pool.updated_block = ctx.block;
    await ctx.w.put("micro_pools", pool);
  },
  "MicroPool.PoolInitialized": async (ctx, a) =>
    updatePool(ctx, (p) => {
      p.min_stake = amount(a, "minStake");
      p.provider_eth = amount(a, "providerEth");
    }),
  "MicroPool.ProviderEthAdded": async (ctx, a) =>
    updatePool(ctx, (p) => {
      p.provider_eth = amount(a, "providerEth");
    }),
  "MicroPool.Staked": async (ctx, a) => {
    await updatePool(ctx, (p) => {
      p.staked = plus(p.staked, big(a, "amount"));
    });
    ctx.add("micro_pool_eth_staked", big(a, "amount"));
  },
  "MicroPool.Withdrawn": async (ctx, a) => {
    await updatePool(ctx, (p) => {
      p.staked = plus(p.staked, -big(a, "amount"));
    });
    ctx.add("micro_pool_eth_staked", -big(a, "amount"));
  },
  "MicroPool.Transfer": async (ctx, a) => {
    const from = addr(a, "from");
    const to = addr(a, "to");
    const value = big(a, "value");
    let holders = 0;
    let supply = 0n;
    if (from === ZERO) supply += value;
    else holders += await aethMove(ctx, from, -value);
    if (to === ZERO) supply -= value;
    else holders += await aethMove(ctx, to, value);
    await updatePool(ctx, (p) => {
      p.aeth_supply = plus(p.aeth_supply, supply);
      p.holders = num(p.holders) + holders;
    });
  },
  "MicroPool.Activated": async (ctx, a) =>
    updatePool(ctx, (p) => {
      p.status = "active";
      p.deposit_data_root = text(a, "depositDataRoot");
      p.activated_block = ctx.block;
      p.activated_at = ctx.timestamp;
      p.activation_tx = ctx.e.txHash;
      p.fee_to_reward_pool = amount(a, "mzkuToRewardPool");
      p.fee_to_provider = amount(a, "mzkuToProvider");
    }),
  "MicroPool.Cancelled": async (ctx) =>
    updatePool(ctx, (p) => {
      p.status = "cancelled";
    }),
  "MicroPool.Completed": async (ctx) =>
    updatePool(ctx, (p) => {
      p.status = "completed";
    }),
  "MicroPool.ExitRequested": async (ctx) =>
    updatePool(ctx, (p) => {
      p.status = "exit_requested";
      p.exit_requested_at ??= ctx.timestamp;
    }),
  "MicroPool.RewardsDistributed": async (ctx, a) =>
    updatePool(ctx, (p) => {
      p.rewards_distributed = plus(p.rewards_distributed, big(a, "amount"));
      p.rewards_to_holders = plus(p.rewards_to_holders, big(a, "toHolders"));
    }),
  "MicroPool.Claimed": async (ctx, a) =>
    updatePool(ctx, (p) => {
      p.claimed = plus(p.claimed, big(a, "amount"));
    }),
  "MicroPool.DepositDataSet": async (ctx, a) =>
    updatePool(ctx, (p) => {
      p.validator_pubkey = text(a, "pubkey").toLowerCase();
      p.deposit_data_root = text(a, "depositDataRoot");
      p.deposit_data_block = ctx.block;
    }),
  "MicroPool.RewardsReleased": async (ctx, a) =>
    updatePool(ctx, (p) => {
      p.rewards_pending = amount(a, "pending");
    }),
  "MicroPool.ProviderRewardsClaimed": async (ctx, a) =>
    updatePool(ctx, (p) => {
      p.provider_rewards_claimed = plus(p.provider_rewards_claimed, big(a, "amount"));
    }),
  "MicroPool.Redeemed": async (ctx, a) =>
    updatePool(ctx, (p) => {
      p.redeemed_eth = plus(p.redeemed_eth, big(a, "eth"));
    }),
  "MicroPool.CollateralWithdrawn": async (ctx, a) =>
    updatePool(ctx, (p) => {
      p.collateral_withdrawn = plus(p.collateral_withdrawn, big(a, "amount"));
    }),
  "MicroPool.Swept": async (ctx, a) =>
    updatePool(ctx, (p) => {
      p.swept = plus(p.swept, big(a, "amount"));
    }),
  "MicroPool.OperatorMigrated": async (ctx, a) =>
    updatePool(ctx, (p) => {
      p.provider_id = int(a, "newProviderId");
      p.operator = addr(a, "newOperator");
    }),
};

const GOVERNANCE_PARAMS = [
  "seatsN",
  "minGovernorStake",
  "missedVoteSlash",
  "votingPeriod",
  "executionDelay",
  "executionWindow",
  "quorumBps",
  "electionPeriod",
  "maxCandidates",
  "withdrawalDelay",
];

async function putParam(ctx: Ctx, contract: string, name: string, value: string): Promise<void> {
  await ctx.w.put("params", { contract, name, value, updated_block: ctx.block });
}

async function latestPeriod(ctx: Ctx): Promise<number | undefined> {
  const marker = await ctx.w.get("params", ["RewardPool", "currentPeriod"]);
  return marker ? Number(marker.value) : undefined;
}

function flowPair(
  ctx: Ctx,
  pool: "reward" | "insurance",
  direction: FlowDirection,
  mzku: bigint,
  eth: bigint,
  extra: { period?: number; account?: string },
): void {
  flow(ctx, pool, direction, 0, mzku, extra);
  flow(ctx, pool, direction, 1, eth, extra);
}

async function capacity(ctx: Ctx, a: Args): Promise<void> {
  const used = struct(a, "used");
  await updateProvider(ctx, int(a, "providerId"), (p) => {
    p.used_cpu_cores = int(used, "cpuCores");
    p.used_ram_gb = int(used, "ramGb");
    p.used_storage_gb = int(used, "storageGb");
    p.used_bandwidth_mbps = int(used, "bandwidthMbps");
    p.active_nodes = int(a, "activeNodes");
  });
}

/** Applies one decoded event to the derived tables. */
export async function project(w: BatchWriter, event: DecodedEvent, timestamp: number): Promise<void> {
  const ctx = new Ctx(w, event, timestamp);
  w.append("events", {
    block_number: event.blockNumber,
    log_index: event.logIndex,
    block_timestamp: timestamp,
    tx_hash: event.txHash,
    address: event.address,
    contract: event.contract,
    event_name: event.eventName,
    args: argsJson(event.args),
  });
  const handler = handlers[`${event.contract}.${event.eventName}`];
  if (handler) {
    await handler(ctx, event.args);
  } else if (paramEvents.has(`${event.contract}.${event.eventName}`)) {
    // Governance-set parameters of every contract (thresholds, prices, splits, authorized callers).
    const name =
      event.eventName === "AuthorizedCallerSet"
        ? `AuthorizedCallerSet:${String(event.args.caller).toLowerCase()}`
        : event.eventName === "PricingPolicyUnitPricesSet" || event.eventName === "PricingPolicyTypeTermsSet"
          ? `${event.eventName}:${String(event.args.projectType)}`
          : event.eventName;
    await putParam(ctx, event.contract, name, argsJson(event.args));
  }
  if (event.contract === "RewardPool" && event.eventName === "RewardPoolPeriodStarted") {
    await putParam(ctx, "RewardPool", "currentPeriod", String(event.args.index));
  }
  await ctx.commitStats();
}

/** Every `Contract.Event` with a dedicated projection (docs and tests). */
export const projectedEvents: readonly string[] = Object.keys(handlers);
