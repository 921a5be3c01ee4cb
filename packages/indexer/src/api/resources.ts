/**
 * The read API's resources, declared once: the table, each column's JSON type, the filters and the
 * sort keys a list accepts. The SQL, the request validation and the OpenAPI document are all derived
 * from these declarations, so they cannot disagree.
 */
export type FieldType = "int" | "amount" | "address" | "hash" | "string" | "bool" | "json";

export interface Field {
  /** Column in the table. */
  column: string;
  /** Name in JSON (camelCase of the column). */
  name: string;
  type: FieldType;
  nullable: boolean;
}

export interface Filter {
  /** Query parameter. */
  param: string;
  column: string;
  type: FieldType;
  op: "=" | ">=" | "<=";
  description: string;
}

export interface ListResource {
  /** Path of the list (`/providers`); `{name}` segments are path parameters bound to `pathParams`. */
  path: string;
  summary: string;
  table: string;
  fields: Field[];
  filters: Filter[];
  /** Sort key → column (amount columns sort numerically). */
  sorts: Record<string, string>;
  defaultSort: string;
  defaultOrder: "asc" | "desc";
  /** Columns that make the order total (appended to every sort). */
  tiebreak: string[];
  /** Path parameters → column (for nested lists such as `/projects/{projectId}/bids`). */
  pathParams: { param: string; column: string; type: FieldType }[];
  /** Schema name in the OpenAPI document. */
  schema: string;
}

export interface ItemResource {
  path: string;
  summary: string;
  list: ListResource;
  key: { param: string; column: string; type: FieldType }[];
  /** Related lists embedded in the item (first page, default sort). */
  embed: { name: string; list: ListResource; bind: Record<string, string>; limit: number }[];
}

function camel(column: string): string {
  return column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** `"provider_id:int owner:address last_win_price:amount?"` → fields. */
function fields(spec: string): Field[] {
  return spec
    .trim()
    .split(/\s+/)
    .map((item) => {
      const [column = "", rawType = ""] = item.split(":");
      const nullable = rawType.endsWith("?");
      const type = (nullable ? rawType.slice(0, -1) : rawType) as FieldType;
      return { column, name: camel(column), type, nullable };
    });
}

function eq(param: string, column: string, type: FieldType, description: string): Filter {
  return { param, column, type, op: "=", description };
}

function list(
  resource: Omit<ListResource, "pathParams" | "defaultOrder"> & {
    pathParams?: ListResource["pathParams"];
    defaultOrder?: "asc" | "desc";
  },
): ListResource {
  return { pathParams: [], defaultOrder: "asc", ...resource };
}

const blockRange = (column: string): Filter[] => [
  { param: "fromBlock", column, type: "int", op: ">=", description: "Only rows at or after this block" },
  { param: "toBlock", column, type: "int", op: "<=", description: "Only rows at or before this block" },
];

export const providers = list({
  path: "/providers",
  summary: "Providers: capacity and use, price cap, collateral, trust tier, score and its components, recent wins",
  table: "providers",
  schema: "Provider",
  fields: fields(`provider_id:int owner:address brand_name:string metadata_uri:string cpu_cores:int ram_gb:int
    storage_gb:int bandwidth_mbps:int used_cpu_cores:int used_ram_gb:int used_storage_gb:int used_bandwidth_mbps:int
    active_nodes:int price_cap:amount collateral:amount unbonding:amount withdrawal_ready_at:int? slashed_total:amount
    trust_tier:int k:amount eth_share:amount status:string disqualified_until:int? score:int score_stake:int
    score_price:int score_run:int score_uptime:int failures:int uptime_bps:int? wins:int last_win_price:amount?
    prev_win_price:amount? registered_block:int updated_block:int`),
  filters: [
    eq("status", "status", "string", "applied, qualified or unqualified"),
    eq("owner", "owner", "address", "Owner address"),
    eq("trustTier", "trust_tier", "int", "0 untrusted, 1 semi-trusted, 2 trusted"),
    { param: "minScore", column: "score", type: "int", op: ">=", description: "Lowest score" },
  ],
  sorts: {
    providerId: "provider_id",
    score: "score",
    priceCap: "price_cap",
    collateral: "collateral",
    lastWinPrice: "last_win_price",
    wins: "wins",
  },
  defaultSort: "providerId",
  tiebreak: ["provider_id"],
});

export const providerWins = list({
  path: "/providers/{providerId}/wins",
  summary: "Auctions a provider won, with the price paid and the fixed price",
  table: "provider_wins",
  schema: "ProviderWin",
  fields: fields(
    "project_id:int provider_id:int price:amount fixed_price:amount price_bps:int block_number:int block_timestamp:int",
  ),
  filters: [],
  sorts: { blockNumber: "block_number", price: "price" },
  defaultSort: "blockNumber",
  defaultOrder: "desc",
  tiebreak: ["project_id"],
  pathParams: [{ param: "providerId", column: "provider_id", type: "int" }],
});

export const nodes = list({
  path: "/nodes",
  summary: "Nodes and their sidecars",
  table: "nodes",
  schema: "Node",
  fields: fields(`node_id:int provider_id:int sidecar:address cpu_cores:int ram_gb:int storage_gb:int bandwidth_mbps:int
    status:string started_at:int? finished_at:int? staked_mzku:amount staked_eth:amount collected_rewards:amount
    registered_block:int resources_block:int?`),
  filters: [
    eq("providerId", "provider_id", "int", "Provider id"),
    eq("status", "status", "string", "installing, active, stopped or failed"),
    eq("sidecar", "sidecar", "address", "Sidecar address"),
  ],
  sorts: { nodeId: "node_id", stakedMzku: "staked_mzku" },
  defaultSort: "nodeId",
  tiebreak: ["node_id"],
});

export const sidecars = list({
  path: "/sidecars",
  summary:
    "Sidecars: MZKU staked to them, stakers, running projects, rewards their stakers claimed, forfeits re-credited to them",
  table: "sidecars",
  schema: "Sidecar",
  fields: fields(
    "sidecar:address node_id:int? provider_id:int? total_stake:amount stakers:int active_projects:int reward_mzku:amount reward_eth:amount forfeits_mzku:amount forfeits_eth:amount updated_block:int",
  ),
  filters: [eq("providerId", "provider_id", "int", "Provider id")],
  sorts: {
    sidecar: "sidecar",
    totalStake: "total_stake",
    stakers: "stakers",
    rewardMzku: "reward_mzku",
    forfeitsMzku: "forfeits_mzku",
    activeProjects: "active_projects",
  },
  defaultSort: "totalStake",
  defaultOrder: "desc",
  tiebreak: ["sidecar"],
});

export const sidecarStakes = list({
  path: "/sidecars/{sidecar}/stakes",
  summary: "Who stakes how much to a sidecar",
  table: "sidecar_stakes",
  schema: "SidecarStake",
  fields: fields("sidecar:address staker:address amount:amount updated_block:int"),
  filters: [],
  sorts: { amount: "amount", staker: "staker" },
  defaultSort: "amount",
  defaultOrder: "desc",
  tiebreak: ["staker"],
  pathParams: [{ param: "sidecar", column: "sidecar", type: "address" }],
});

export const projects = list({
  path: "/projects",
  summary:
    "Projects: the ask, the auction's terms and outcome (seed, entropy, winner, price), the lifecycle and the split",
  table: "projects",
  schema: "Project",
  fields: fields(`project_id:int requester:address project_type:int cpu_cores:int ram_gb:int storage_gb:int
    bandwidth_mbps:int duration:int fixed_price:amount bid_bond:amount commit_end_block:int reveal_end_block:int
    status:string fee_rate_bps:int? band_bps:int? score_threshold:int? start_penalty_bps:int? max_draw_candidates:int?
    vickrey:bool? draw_block:int? draw_rearms:int start_window:int? reserve_bps:int? loss_cap_bps:int? bids:int revealed_bids:int seed:hash? entropy:amount?
    candidates:int? winner:address? provider_id:int? winning_bid:amount? price:amount? forfeited_bonds:amount?
    settled_block:int? node_id:int? started_at:int? profit:amount? to_provider:amount? to_reward_pool:amount?
    to_insurance_pool:amount? to_requester:amount? refund:amount? loss:amount? slashed:amount? compensated:amount?
    micro_pool:address? validator_eth_rewards:amount? validator_eth_loss:amount? validator_penalty:amount?
    opened_block:int updated_block:int`),
  filters: [
    eq("status", "status", "string", "bidding, no_winner, assigned, running, completed, failed or cancelled"),
    eq("requester", "requester", "address", "Requester address"),
    eq("providerId", "provider_id", "int", "Winning provider id"),
    eq("projectType", "project_type", "int", "Project type"),
    eq("microPool", "micro_pool", "address", "The micro-pool of a validator project"),
  ],
  sorts: { projectId: "project_id", fixedPrice: "fixed_price", price: "price" },
  defaultSort: "projectId",
  defaultOrder: "desc",
  tiebreak: ["project_id"],
});

export const bids = list({
  path: "/projects/{projectId}/bids",
  summary: "Every bid of an auction: commitment, then price and salt once revealed, then how settlement judged it",
  table: "bids",
  schema: "Bid",
  fields: fields(`project_id:int bid_index:int bidder:address commitment:hash revealed:bool price:amount? salt:hash?
    evaluated:bool provider_id:int? eligible:bool? weight:amount? forfeited_bond:amount? committed_block:int`),
  filters: [eq("bidder", "bidder", "address", "Bidder address")],
  sorts: { bidIndex: "bid_index", price: "price" },
  defaultSort: "bidIndex",
  tiebreak: ["bid_index"],
  pathParams: [{ param: "projectId", column: "project_id", type: "int" }],
});

export const microPools = list({
  path: "/micro-pools",
  summary:
    "ETH micro-pools: fill, aETH supply and holders, state and activation stage, validator key and deposit, rewards distributed and held back, redemptions",
  table: "micro_pools",
  schema: "MicroPool",
  fields: fields(`pool:address pool_id:int provider_id:int operator:address end_time:int fixed_price:amount
    min_stake:amount? provider_eth:amount staked:amount aeth_supply:amount holders:int status:string stage:string
    deposit_data_root:hash? validator_pubkey:string? deposit_data_block:int? activated_block:int? activated_at:int?
    activation_tx:hash? fee_to_reward_pool:amount? fee_to_provider:amount? exit_requested_at:int? rewards_distributed:amount rewards_to_holders:amount
    rewards_pending:amount claimed:amount provider_rewards_claimed:amount redeemed_eth:amount collateral_withdrawn:amount
    swept:amount opened_block:int updated_block:int`),
  filters: [
    eq("providerId", "provider_id", "int", "Provider id"),
    eq("status", "status", "string", "open, active, exit_requested, completed or cancelled"),
    eq(
      "stage",
      "stage",
      "string",
      "filling, awaiting_activation (holds 32 ETH: the operator's DKG key and deposit are due), active, exit_requested, completed or cancelled",
    ),
  ],
  sorts: { poolId: "pool_id", staked: "staked", holders: "holders" },
  defaultSort: "poolId",
  tiebreak: ["pool"],
});

export const aethHolders = list({
  path: "/micro-pools/{pool}/holders",
  summary: "aETH holders of a micro-pool",
  table: "aeth_balances",
  schema: "AethBalance",
  fields: fields("pool:address holder:address balance:amount updated_block:int"),
  filters: [],
  sorts: { balance: "balance", holder: "holder" },
  defaultSort: "balance",
  defaultOrder: "desc",
  tiebreak: ["holder"],
  pathParams: [{ param: "pool", column: "pool", type: "address" }],
});

export const rewardPeriods = list({
  path: "/reward-periods",
  summary: "Reward Pool periods: the streams set at each start, what was deposited and claimed in each",
  table: "reward_periods",
  schema: "RewardPeriod",
  fields: fields(`period_index:int start_time:int? length:int? stream_mzku:amount? stream_eth:amount?
    treasury_mzku:amount? treasury_eth:amount? deposited_mzku:amount deposited_eth:amount claimed_mzku:amount
    claimed_eth:amount updated_block:int`),
  filters: [],
  sorts: { periodIndex: "period_index" },
  defaultSort: "periodIndex",
  defaultOrder: "desc",
  tiebreak: ["period_index"],
});

export const poolFlows = list({
  path: "/pool-flows",
  summary:
    "Every Reward Pool and Insurance Pool inflow and outflow, and the credits, forfeits, ETH recipients and credited withdrawals",
  table: "pool_flows",
  schema: "PoolFlow",
  fields: fields(`block_number:int log_index:int block_timestamp:int pool:string direction:string asset:string
    amount:amount period_index:int? account:address? kind:string`),
  filters: [
    eq("pool", "pool", "string", "reward or insurance"),
    eq("direction", "direction", "string", "in, out (change the pool's holdings); credit, forfeit, sent, withdrawn"),
    eq("asset", "asset", "string", "mzku or eth"),
    eq("periodIndex", "period_index", "int", "Reward Pool period"),
    eq("account", "account", "address", "Payer or receiver"),
    ...blockRange("block_number"),
  ],
  sorts: { blockNumber: "block_number", amount: "amount" },
  defaultSort: "blockNumber",
  defaultOrder: "desc",
  tiebreak: ["block_number", "log_index", "asset"],
});

export const governors = list({
  path: "/governors",
  summary: "Governors and candidates: locked stake, delegated votes, seat, slashes, votes cast",
  table: "governors",
  schema: "Governor",
  fields: fields(`account:address locked:amount pending_withdrawal:amount invited:bool candidate:bool seated:bool
    seat_nonce:int? delegated_votes:amount slashed_total:amount votes_cast:int updated_block:int`),
  filters: [
    eq("seated", "seated", "bool", "Seated governors only (true) or others (false)"),
    eq("candidate", "candidate", "bool", "Candidates"),
  ],
  sorts: { account: "account", locked: "locked", delegatedVotes: "delegated_votes" },
  defaultSort: "locked",
  defaultOrder: "desc",
  tiebreak: ["account"],
});

export const proposals = list({
  path: "/proposals",
  summary: "Governance proposals with their actions, windows and vote counts",
  table: "proposals",
  schema: "Proposal",
  fields: fields(`proposal_id:int proposer:address description:string actions:json vote_end:int eta:int expires_at:int
    executed:bool votes_for:int votes_against:int votes_abstain:int created_block:int created_at:int`),
  filters: [eq("proposer", "proposer", "address", "Proposer"), eq("executed", "executed", "bool", "Executed or not")],
  sorts: { proposalId: "proposal_id" },
  defaultSort: "proposalId",
  defaultOrder: "desc",
  tiebreak: ["proposal_id"],
});

export const votes = list({
  path: "/proposals/{proposalId}/votes",
  summary: "Votes on a proposal (support: 0 against, 1 for, 2 abstain)",
  table: "votes",
  schema: "Vote",
  fields: fields("proposal_id:int governor:address support:int block_number:int log_index:int"),
  filters: [],
  sorts: { blockNumber: "block_number" },
  defaultSort: "blockNumber",
  tiebreak: ["log_index", "governor"],
  pathParams: [{ param: "proposalId", column: "proposal_id", type: "int" }],
});

export const elections = list({
  path: "/elections",
  summary: "Governor elections",
  table: "elections",
  schema: "Election",
  fields: fields(
    "election_id:int snapshot:amount elected:int next_election_at:int block_number:int block_timestamp:int",
  ),
  filters: [],
  sorts: { electionId: "election_id" },
  defaultSort: "electionId",
  defaultOrder: "desc",
  tiebreak: ["election_id"],
});

export const governorSlashes = list({
  path: "/governor-slashes",
  summary: "Governors slashed for missed votes",
  table: "governor_slashes",
  schema: "GovernorSlash",
  fields: fields(
    "block_number:int log_index:int governor:address amount:amount first_proposal_id:int receiver:address",
  ),
  filters: [eq("governor", "governor", "address", "Governor")],
  sorts: { blockNumber: "block_number" },
  defaultSort: "blockNumber",
  defaultOrder: "desc",
  tiebreak: ["log_index"],
});

export const params = list({
  path: "/params",
  summary:
    "Governance-set parameters of every contract (value: a number, or the setter event's arguments as JSON text)",
  table: "params",
  schema: "Param",
  fields: fields("contract:string name:string value:string updated_block:int"),
  filters: [eq("contract", "contract", "string", "Contract name")],
  sorts: { contract: "contract" },
  defaultSort: "contract",
  tiebreak: ["name"],
});

export const statsDaily = list({
  path: "/stats/daily",
  summary: "Platform statistics at the end of each UTC day (day 'total' is the running total)",
  table: "platform_stats",
  schema: "PlatformStats",
  fields: fields(`day:string providers:int qualified_providers:int total_collateral:amount nodes:int projects_opened:int
    projects_completed:int projects_failed:int fixed_price_total:amount sidecar_stake_total:amount governors_seated:int
    micro_pools:int micro_pool_eth_staked:amount reward_pool_in_mzku:amount reward_pool_in_eth:amount
    insurance_in_mzku:amount insurance_in_eth:amount insurance_paid_mzku:amount insurance_paid_eth:amount events:int
    block_number:int`),
  filters: [
    { param: "fromDay", column: "day", type: "string", op: ">=", description: "First day (YYYY-MM-DD)" },
    { param: "toDay", column: "day", type: "string", op: "<=", description: "Last day (YYYY-MM-DD)" },
  ],
  sorts: { day: "day" },
  defaultSort: "day",
  defaultOrder: "desc",
  tiebreak: [],
});

export const events = list({
  path: "/events",
  summary: "Every decoded protocol event (args: the event's arguments, integers as decimal strings)",
  table: "events",
  schema: "Event",
  fields: fields(
    "block_number:int log_index:int block_timestamp:int tx_hash:hash address:address contract:string event_name:string args:json",
  ),
  filters: [
    eq("contract", "contract", "string", "Contract name (MicroPool for the pools)"),
    eq("eventName", "event_name", "string", "Event name"),
    eq("txHash", "tx_hash", "hash", "Transaction hash"),
    eq("address", "address", "address", "Emitting address"),
    ...blockRange("block_number"),
  ],
  sorts: { blockNumber: "block_number" },
  defaultSort: "blockNumber",
  defaultOrder: "desc",
  tiebreak: ["log_index"],
});

export const lists: readonly ListResource[] = [
  providers,
  providerWins,
  nodes,
  sidecars,
  sidecarStakes,
  projects,
  bids,
  microPools,
  aethHolders,
  rewardPeriods,
  poolFlows,
  governors,
  proposals,
  votes,
  elections,
  governorSlashes,
  params,
  statsDaily,
  events,
];

const intKey = (param: string, column: string) => ({ param, column, type: "int" as const });
const addressKey = (param: string, column: string) => ({ param, column, type: "address" as const });

export const items: readonly ItemResource[] = [
  {
    path: "/providers/{providerId}",
    summary: "One provider with its latest wins and nodes",
    list: providers,
    key: [intKey("providerId", "provider_id")],
    embed: [{ name: "recentWins", list: providerWins, bind: { providerId: "provider_id" }, limit: 5 }],
  },
  { path: "/nodes/{nodeId}", summary: "One node", list: nodes, key: [intKey("nodeId", "node_id")], embed: [] },
  {
    path: "/sidecars/{sidecar}",
    summary: "One sidecar with its largest stakers",
    list: sidecars,
    key: [addressKey("sidecar", "sidecar")],
    embed: [{ name: "topStakes", list: sidecarStakes, bind: { sidecar: "sidecar" }, limit: 10 }],
  },
  {
    path: "/projects/{projectId}",
    summary: "One project with every bid: the inputs to recompute the draw (see docs/indexer.md)",
    list: projects,
    key: [intKey("projectId", "project_id")],
    embed: [{ name: "bids", list: bids, bind: { projectId: "project_id" }, limit: 32 }],
  },
  {
    path: "/micro-pools/{pool}",
    summary: "One micro-pool with its largest aETH holders",
    list: microPools,
    key: [addressKey("pool", "pool")],
    embed: [{ name: "topHolders", list: aethHolders, bind: { pool: "pool" }, limit: 10 }],
  },
  {
    path: "/governors/{account}",
    summary: "One governor or candidate",
    list: governors,
    key: [addressKey("account", "account")],
    embed: [],
  },
  {
    path: "/proposals/{proposalId}",
    summary: "One proposal with its votes",
    list: proposals,
    key: [intKey("proposalId", "proposal_id")],
    embed: [{ name: "votes", list: votes, bind: { proposalId: "proposal_id" }, limit: 100 }],
  },
  {
    path: "/reward-periods/{periodIndex}",
    summary: "One Reward Pool period",
    list: rewardPeriods,
    key: [intKey("periodIndex", "period_index")],
    embed: [],
  },
];
