import { DashboardError } from "./errors.js";

/**
 * The indexer's read API (docs/indexer.md; `GET /openapi.json` is the full document). Amounts are
 * decimal strings of wei: turned into bigint where they are computed with, never into floats.
 */
export type Page<T> = { items: T[]; page: { limit: number; offset: number; nextOffset: number | null } };

export type Provider = {
  providerId: number;
  owner: string;
  brandName: string;
  cpuCores: number;
  ramGb: number;
  storageGb: number;
  bandwidthMbps: number;
  usedCpuCores: number;
  usedRamGb: number;
  usedStorageGb: number;
  usedBandwidthMbps: number;
  activeNodes: number;
  priceCap: string;
  collateral: string;
  trustTier: number;
  status: string;
  score: number;
  scoreStake: number;
  scorePrice: number;
  scoreRun: number;
  scoreUptime: number;
  failures: number;
  uptimeBps: number | null;
  wins: number;
  lastWinPrice: string | null;
};

export type ProviderWin = {
  projectId: number;
  price: string;
  fixedPrice: string;
  priceBps: number;
  blockTimestamp: number;
};

export type Project = {
  projectId: number;
  requester: string;
  projectType: number;
  cpuCores: number;
  ramGb: number;
  storageGb: number;
  bandwidthMbps: number;
  duration: number;
  fixedPrice: string;
  bidBond: string;
  commitEndBlock: number;
  revealEndBlock: number;
  status: string;
  bandBps: number | null;
  maxDrawCandidates: number | null;
  vickrey: boolean | null;
  drawBlock: number | null;
  drawRearms: number;
  bids: number;
  revealedBids: number;
  seed: string | null;
  entropy: string | null;
  candidates: number | null;
  winner: string | null;
  providerId: number | null;
  price: string | null;
  nodeId: number | null;
  openedBlock: number;
};

export type Bid = {
  bidIndex: number;
  bidder: string;
  commitment: string;
  revealed: boolean;
  price: string | null;
  salt: string | null;
  evaluated: boolean;
  providerId: number | null;
  eligible: boolean | null;
  weight: string | null;
  committedBlock: number;
};

export type ProjectItem = Omit<Project, "bids"> & { bids: Bid[] };

export type MicroPool = {
  pool: string;
  poolId: number;
  providerId: number;
  endTime: number;
  fixedPrice: string;
  minStake: string | null;
  providerEth: string;
  staked: string;
  aethSupply: string;
  holders: number;
  status: string;
  /** `status` with `open` split by fill: filling, awaiting_activation (holds 32 ETH), active, exit_requested, … */
  stage: string;
  validatorPubkey: string | null;
  depositDataBlock: number | null;
  activatedBlock: number | null;
  activatedAt: number | null;
  activationTx: string | null;
  feeToRewardPool: string | null;
  feeToProvider: string | null;
  exitRequestedAt: number | null;
  rewardsDistributed: string;
  claimed: string;
};

export type PoolFlow = {
  blockNumber: number;
  blockTimestamp: number;
  pool: "reward" | "insurance";
  direction: "in" | "out";
  asset: "mzku" | "eth";
  amount: string;
  account: string | null;
  kind: string;
};

export type Sidecar = {
  sidecar: string;
  nodeId: number | null;
  providerId: number | null;
  totalStake: string;
  stakers: number;
  rewardMzku: string;
};

/** `/sidecars/expected-rewards`: a sidecar's expected share of the Reward Pool's sidecar stream. */
export type SidecarRewards = {
  sidecar: string;
  activeProjects: number;
  expectedMzkuPerYear: string;
  mzkuRewardRateBps: string;
};

export type Governor = {
  account: string;
  locked: string;
  pendingWithdrawal: string;
  candidate: boolean;
  seated: boolean;
  delegatedVotes: string;
  votesCast: number;
};

export type Proposal = {
  proposalId: number;
  proposer: string;
  description: string;
  actions: unknown;
  voteEnd: number;
  eta: number;
  executed: boolean;
  votesFor: number;
  votesAgainst: number;
  votesAbstain: number;
  createdAt: number;
};

export type Election = { electionId: number; elected: number; nextElectionAt: number; blockTimestamp: number };

export type ChainEvent = {
  blockNumber: number;
  blockTimestamp: number;
  eventName: string;
  args: Record<string, string>;
};

export type Stats = Record<string, string | number>;

export type Health = { lastIndexedBlock?: number; headBlock?: number } & Record<string, unknown>;

export class Api {
  /** `baseUrl` null: no read API configured; every request fails with NO_API, saying so. */
  constructor(readonly baseUrl: string | null) {}

  async get<T>(path: string, query: Record<string, string | number | boolean | undefined> = {}): Promise<T> {
    if (this.baseUrl === null)
      throw new DashboardError("NO_API", "not available: this dashboard runs without the read API (no apiUrl)");
    const url = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    let response: Response;
    try {
      response = await fetch(url, { cache: "no-store" });
    } catch (cause) {
      throw new DashboardError("API_FAILED", `the read API at ${this.baseUrl} does not answer`, { cause });
    }
    const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
    if (!response.ok) {
      throw new DashboardError("API_FAILED", `${path}: ${body?.error?.message ?? `HTTP ${response.status}`}`, {
        details: { status: response.status, path },
      });
    }
    return body as T;
  }

  list<T>(path: string, query: Record<string, string | number | boolean | undefined> = {}): Promise<Page<T>> {
    return this.get<Page<T>>(path, query);
  }
}
