/**
 * Node adapters: one health check per kind of node, the same for the sidecar's own node and for the
 * targets it audits.
 *   evm    (JSON-RPC: anvil, geth, reth, nethermind): eth_syncing, eth_getBlockByNumber("latest"), net_peerCount
 *   beacon (Beacon API: Lodestar, ...):               /eth/v1/node/syncing, /eth/v1/node/peer_count, genesis time
 * Healthy = reachable, not syncing, head no older than the allowed lag.
 */
import type { NodeKind } from "../config.js";

export interface NodeHealth {
  readonly reachable: boolean;
  readonly syncing: boolean;
  /** Seconds since the head block (EVM) or slots behind × seconds per slot (beacon); -1 when unknown. */
  readonly headLagSeconds: number;
  readonly head: number;
  /** Connected peers; -1 when the node does not say. */
  readonly peers: number;
  readonly healthy: boolean;
  /** Why it is not healthy (absent when healthy). */
  readonly reason?: string;
}

export interface HealthOptions {
  readonly timeoutMs: number;
  readonly maxHeadLagSeconds: number;
  /** The clock, seconds (tests). */
  readonly nowSeconds?: () => number;
}

/** Checks a node of `kind` at `url`. Never throws: an unreachable node is a health result. */
export async function checkHealth(kind: NodeKind, url: string, options: HealthOptions): Promise<NodeHealth> {
  try {
    return kind === "evm" ? await evmHealth(url, options) : await beaconHealth(url, options);
  } catch (error) {
    return down(error instanceof Error ? error.message : String(error));
  }
}

function down(reason: string): NodeHealth {
  return { reachable: false, syncing: false, headLagSeconds: -1, head: -1, peers: -1, healthy: false, reason };
}

function verdict(h: Omit<NodeHealth, "healthy" | "reason">, maxLag: number): NodeHealth {
  if (h.syncing) return { ...h, healthy: false, reason: "syncing" };
  if (h.headLagSeconds > maxLag) return { ...h, healthy: false, reason: `head ${h.headLagSeconds} s old` };
  return { ...h, healthy: true };
}

async function evmHealth(url: string, o: HealthOptions): Promise<NodeHealth> {
  const answers = await rpcBatch(url, o.timeoutMs, [
    ["eth_syncing", []],
    ["eth_getBlockByNumber", ["latest", false]],
    ["net_peerCount", []],
  ]);
  const [syncing, block, peers] = [0, 1, 2].map((i) => answers[i] ?? { error: "missing" }) as [
    RpcAnswer,
    RpcAnswer,
    RpcAnswer,
  ];
  const b = block.result as { number?: string; timestamp?: string } | null;
  if (!b?.number || !b.timestamp) return down("no latest block");
  const now = o.nowSeconds?.() ?? Math.floor(Date.now() / 1000);
  return verdict(
    {
      reachable: true,
      syncing: syncing.result !== false && syncing.result !== undefined && syncing.error === undefined,
      head: Number(BigInt(b.number)),
      headLagSeconds: Math.max(0, now - Number(BigInt(b.timestamp))),
      // anvil has no p2p: net_peerCount is an error there, reported as unknown
      peers: typeof peers.result === "string" ? Number(BigInt(peers.result)) : -1,
    },
    o.maxHeadLagSeconds,
  );
}

async function beaconHealth(url: string, o: HealthOptions): Promise<NodeHealth> {
  const base = url.replace(/\/$/, "");
  const [sync, peers, spec] = await Promise.all([
    getJson(`${base}/eth/v1/node/syncing`, o.timeoutMs),
    getJson(`${base}/eth/v1/node/peer_count`, o.timeoutMs).catch(() => undefined),
    getJson(`${base}/eth/v1/config/spec`, o.timeoutMs).catch(() => undefined),
  ]);
  const d = (sync as { data?: { head_slot?: string; sync_distance?: string; is_syncing?: boolean } }).data;
  if (!d?.head_slot) return down("no sync status");
  const perSlot = Number((spec as { data?: { SECONDS_PER_SLOT?: string } } | undefined)?.data?.SECONDS_PER_SLOT ?? 12);
  const connected = (peers as { data?: { connected?: string } } | undefined)?.data?.connected;
  return verdict(
    {
      reachable: true,
      syncing: d.is_syncing === true,
      head: Number(d.head_slot),
      headLagSeconds: Number(d.sync_distance ?? 0) * perSlot,
      peers: connected === undefined ? -1 : Number(connected),
    },
    o.maxHeadLagSeconds,
  );
}

type RpcAnswer = { result?: unknown; error?: unknown };

async function rpcBatch(url: string, timeoutMs: number, calls: [string, unknown[]][]): Promise<RpcAnswer[]> {
  const body = calls.map(([method, params], id) => ({ jsonrpc: "2.0", id, method, params }));
  const answers = (await withTimeout(timeoutMs, async (signal) => {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal,
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return res.json();
  })) as (RpcAnswer & { id: number })[];
  if (!Array.isArray(answers)) throw new Error("not a JSON-RPC batch answer");
  return calls.map((_, id) => answers.find((a) => a.id === id) ?? { error: "missing" });
}

async function getJson(url: string, timeoutMs: number): Promise<unknown> {
  return withTimeout(timeoutMs, async (signal) => {
    const res = await fetch(url, { signal });
    if (!res.ok) throw new Error(`HTTP ${res.status} from ${url}`);
    return res.json();
  });
}

/**
 * Runs `fn` (request and body) under a timeout whose timer ends with it. `AbortSignal.timeout` would
 * keep each probe's signal, and the request graph listening to it, alive until the timer fires: an
 * auditor probing hundreds of targets a second would hold seconds' worth of finished requests.
 */
async function withTimeout<T>(timeoutMs: number, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  try {
    return await fn(controller.signal);
  } finally {
    clearTimeout(timer);
  }
}
