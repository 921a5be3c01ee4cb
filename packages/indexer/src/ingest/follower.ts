/**
 * Follows the chain from the deployment's start block into the database, one batch of blocks per
 * transaction: the batch's derived rows, its block hashes and the new cursor commit together, so a
 * process killed at any point resumes from the last committed batch with nothing lost or doubled.
 *
 * Reorgs: blocks above `final_block` (head − confirmations at the time they were indexed) are written
 * with undo entries and their hashes kept. Before each batch the cursor block's hash is compared with
 * the chain; on a mismatch the stored hashes are walked back to the newest block still on the chain,
 * everything above it is rolled back in one transaction, and indexing goes on from there. When even
 * the final block is no longer on the chain, the fork is deeper than the confirmation depth: the
 * follower stops with `INDEXER_REORG_TOO_DEEP` and writes nothing.
 */

import type { Logger } from "@mzku/log";
import type { Deployment } from "@mzku/sdk";
import { type Block, createPublicClient, type Hex, http, type Log, type PublicClient } from "viem";
import { IndexerError } from "../errors.js";
import type { Db, DbTx } from "../store/db.js";
import { migrate } from "../store/migrations.js";
import { BatchWriter, rollbackTo } from "../store/writer.js";
import { type DecodedEvent, EventDecoder } from "./decode.js";
import type { IndexerMetrics } from "./metrics.js";
import { project } from "./projections.js";

export interface FollowerOptions {
  rpcUrl: string;
  deployment: Deployment;
  db: Db;
  log: Logger;
  metrics?: IndexerMetrics;
  /** Blocks below the head that can still be reorganized (default 64). */
  confirmations?: number;
  /** Most blocks per batch (default 2,000; halved on RPC errors). */
  batchBlocks?: number;
  /** Poll interval when caught up, ms (default 1,000). */
  pollIntervalMs?: number;
}

export type StepResult =
  | { kind: "idle"; head: number; indexed: number }
  | { kind: "batch"; from: number; to: number; events: number; head: number }
  | { kind: "reorg"; from: number; to: number; undone: number };

type State = {
  chain_id: number;
  deployment: string;
  start_block: number;
  last_block: number;
  last_hash: string;
  final_block: number;
  head_block: number;
};

/** The deployment as it is recorded in the database (which chain, which contracts). */
function deploymentKey(deployment: Deployment): string {
  const contracts = Object.fromEntries(
    Object.entries(deployment.contracts)
      .map(([name, address]) => [name, address.toLowerCase()] as const)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  return JSON.stringify({ chainId: deployment.chainId, contracts });
}

export class Follower {
  private readonly client: PublicClient;
  private readonly decoder: EventDecoder;
  private readonly confirmations: number;
  private batchBlocks: number;
  private readonly maxBatchBlocks: number;
  private columns: Map<string, string[]> = new Map();
  private poolsLoaded = false;

  constructor(private readonly options: FollowerOptions) {
    this.client = createPublicClient({ transport: http(options.rpcUrl, { batch: { batchSize: 100 }, retryCount: 2 }) });
    this.decoder = new EventDecoder(options.deployment);
    this.confirmations = options.confirmations ?? 64;
    this.maxBatchBlocks = options.batchBlocks ?? 2_000;
    this.batchBlocks = this.maxBatchBlocks;
  }

  /** Migrates the database and records (or checks) the deployment it follows. */
  async init(): Promise<void> {
    const { db, deployment, log } = this.options;
    const applied = await migrate(db);
    if (applied.length > 0) log.info("Database migrated", { versions: applied, db: db.description });
    this.columns = await db.tableColumns();
    const chainId = await this.rpc("eth_chainId", () => this.client.getChainId());
    if (chainId !== deployment.chainId) {
      throw new IndexerError(
        "INDEXER_DEPLOYMENT_MISMATCH",
        `RPC is chain ${chainId}, deployment is chain ${deployment.chainId}`,
        {
          details: { rpcChainId: chainId, deploymentChainId: deployment.chainId },
        },
      );
    }
    const key = deploymentKey(deployment);
    const state = await this.state(db);
    if (state) {
      if (state.deployment !== key) {
        throw new IndexerError("INDEXER_DEPLOYMENT_MISMATCH", "the database indexes another deployment", {
          details: { db: db.description },
        });
      }
      return;
    }
    const start = Number(deployment.startBlock);
    const anchor = Math.max(0, start - 1);
    const block = await this.block(anchor);
    if (!block)
      throw new IndexerError("INDEXER_RPC_FAILED", `block ${anchor} not found`, { details: { block: anchor } });
    await db.transaction(async (tx) => {
      await tx.run(
        "INSERT INTO indexer_state (id, chain_id, deployment, start_block, last_block, last_hash, final_block, head_block, updated_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)",
        [chainId, key, start, anchor, block.hash, anchor, anchor, new Date().toISOString()],
      );
      await tx.run("INSERT INTO blocks (number, hash, timestamp) VALUES (?, ?, ?)", [
        anchor,
        block.hash,
        Number(block.timestamp),
      ]);
    });
    log.info("Indexer initialized", { chainId, startBlock: start, db: db.description });
  }

  private async state(db: DbTx): Promise<State | undefined> {
    const rows = await db.query<State>(
      "SELECT chain_id, deployment, start_block, last_block, last_hash, final_block, head_block FROM indexer_state WHERE id = 1",
    );
    return rows[0];
  }

  private async rpc<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (cause) {
      throw new IndexerError(
        "INDEXER_RPC_FAILED",
        `${what} failed: ${cause instanceof Error ? cause.message.split("\n")[0] : String(cause)}`,
        {
          details: { call: what },
          cause,
        },
      );
    }
  }

  private async block(number: number): Promise<Block | null> {
    try {
      return await this.client.getBlock({ blockNumber: BigInt(number) });
    } catch (cause) {
      if (cause instanceof Error && /not found|could not be found/i.test(cause.message)) return null;
      throw new IndexerError("INDEXER_RPC_FAILED", `getBlock ${number} failed`, { details: { block: number }, cause });
    }
  }

  private async loadPools(): Promise<void> {
    if (this.poolsLoaded) return;
    const rows = await this.options.db.query<{ pool: string }>("SELECT pool FROM micro_pools");
    for (const { pool } of rows) this.decoder.addMicroPool(pool);
    this.poolsLoaded = true;
  }

  /** Logs of the followed contracts in [from, to], micro-pools opened inside the range included. */
  private async fetchEvents(from: number, to: number): Promise<DecodedEvent[]> {
    await this.loadPools();
    const getLogs = (address: Hex[], fromBlock: number) =>
      this.rpc("eth_getLogs", () =>
        this.client.getLogs({ address, fromBlock: BigInt(fromBlock), toBlock: BigInt(to) }),
      ) as Promise<Log[]>;
    const known = [...this.decoder.staticAddresses(), ...(await this.knownPools())];
    const logs = await getLogs(known, from);
    let events = this.decoder.decodeAll(logs);
    const opened = events.filter((e) => e.contract === "MicroPoolFactory" && e.eventName === "PoolOpened");
    if (opened.length > 0) {
      const fresh = opened.map((e) => String(e.args.pool).toLowerCase()).filter((a) => !this.decoder.isKnown(a));
      for (const a of fresh) this.decoder.addMicroPool(a);
      const first = Math.min(...opened.map((e) => e.blockNumber));
      if (fresh.length > 0) {
        const more = await getLogs(fresh as Hex[], first);
        events = events.concat(this.decoder.decodeAll(more));
        events.sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex);
      }
    }
    return events;
  }

  private async knownPools(): Promise<Hex[]> {
    const rows = await this.options.db.query<{ pool: string }>("SELECT pool FROM micro_pools");
    return rows.map((r) => r.pool as Hex);
  }

  /** Steps until the indexed block reaches the head; returns every step taken (the last is `idle`). */
  async catchUp(): Promise<StepResult[]> {
    const steps: StepResult[] = [];
    for (;;) {
      const result = await this.step();
      steps.push(result);
      if (result.kind === "idle") return steps;
    }
  }

  /** One step: a reorg check and, if the chain has new blocks, one batch. */
  async step(): Promise<StepResult> {
    const { db, log, metrics } = this.options;
    const state = await this.state(db);
    if (!state) throw new Error("indexer not initialized (call init)");
    const head = Number(await this.rpc("eth_blockNumber", () => this.client.getBlockNumber({ cacheTime: 0 })));
    metrics?.headBlock.set(head);
    const cursor = await this.block(state.last_block);
    if (!cursor || cursor.hash !== state.last_hash) return this.handleReorg(state);
    if (state.last_block >= head) {
      metrics?.indexedBlock.set(state.last_block);
      if (head !== state.head_block) {
        await db.run("UPDATE indexer_state SET head_block = ?, updated_at = ? WHERE id = 1", [
          head,
          new Date().toISOString(),
        ]);
      }
      return { kind: "idle", head, indexed: state.last_block };
    }
    const from = state.last_block + 1;
    const started = performance.now();
    // A range whose logs an RPC refuses (too many results, body too large) is halved and fetched again;
    // one block that still fails is an error for `run` to retry.
    let to: number;
    let events: DecodedEvent[];
    let toBefore: Block | null;
    for (;;) {
      to = Math.min(head, state.last_block + this.batchBlocks);
      toBefore = await this.block(to);
      try {
        events = await this.fetchEvents(from, to);
        break;
      } catch (error) {
        if (!(error instanceof IndexerError) || error.code !== "INDEXER_RPC_FAILED" || to === from) throw error;
        this.batchBlocks = Math.max(1, Math.floor((to - from + 1) / 2));
        log.warn("Batch refused by the RPC, retrying with fewer blocks", {
          from,
          to,
          batchBlocks: this.batchBlocks,
          error: error.shortMessage,
        });
      }
    }
    const finalTarget = Math.max(state.final_block, Math.min(to, head - this.confirmations));
    const toAfter = await this.block(to);
    if (!toBefore || !toAfter || toBefore.hash !== toAfter.hash) {
      log.warn("Chain changed while fetching a batch; retrying", { from, to });
      return { kind: "idle", head, indexed: state.last_block };
    }
    for (const e of events) {
      if (e.blockNumber === to && e.blockHash !== toAfter.hash) {
        log.warn("Logs from another fork; retrying", { from, to });
        return { kind: "idle", head, indexed: state.last_block };
      }
    }
    const timestamps = await this.timestamps(events, toAfter);
    const finalBlock =
      finalTarget === to ? toAfter : finalTarget > state.final_block ? await this.block(finalTarget) : undefined;
    if (finalBlock === null) throw new IndexerError("INDEXER_RPC_FAILED", `block ${finalTarget} not found`);
    await db.transaction(async (tx) => {
      const writer = new BatchWriter(tx, this.columns);
      for (const event of events) {
        writer.beginBlock(event.blockNumber, event.blockNumber > finalTarget);
        await project(writer, event, timestamps.get(event.blockNumber) ?? 0);
      }
      await writer.flush(tx);
      const hashes = new Map<number, { hash: string; timestamp: number }>();
      for (const e of events) {
        if (e.blockNumber > finalTarget)
          hashes.set(e.blockNumber, { hash: e.blockHash, timestamp: timestamps.get(e.blockNumber) ?? 0 });
      }
      hashes.set(to, { hash: toAfter.hash ?? "", timestamp: Number(toAfter.timestamp) });
      if (finalBlock) hashes.set(finalTarget, { hash: finalBlock.hash ?? "", timestamp: Number(finalBlock.timestamp) });
      for (const [number, b] of hashes) {
        await tx.run(
          "INSERT INTO blocks (number, hash, timestamp) VALUES (?, ?, ?) ON CONFLICT (number) DO UPDATE SET hash = excluded.hash, timestamp = excluded.timestamp",
          [number, b.hash, b.timestamp],
        );
      }
      await tx.run(
        "UPDATE indexer_state SET last_block = ?, last_hash = ?, final_block = ?, head_block = ?, updated_at = ? WHERE id = 1",
        [to, toAfter.hash, finalTarget, head, new Date().toISOString()],
      );
      if (finalTarget > state.final_block) {
        await tx.run("DELETE FROM undo_log WHERE block_number <= ?", [finalTarget]);
        await tx.run("DELETE FROM blocks WHERE number < ?", [finalTarget]);
      }
    });
    this.batchBlocks = Math.min(this.maxBatchBlocks, this.batchBlocks * 2);
    const seconds = (performance.now() - started) / 1000;
    metrics?.indexedBlock.set(to);
    metrics?.events.inc(events.length);
    metrics?.batchDuration.observe(seconds);
    if (events.length > 0 || to === head)
      log.debug("Batch indexed", { from, to, events: events.length, head, seconds });
    return { kind: "batch", from, to, events: events.length, head };
  }

  private async timestamps(events: readonly DecodedEvent[], to: Block): Promise<Map<number, number>> {
    const out = new Map<number, number>([[Number(to.number), Number(to.timestamp)]]);
    const missing = [...new Set(events.map((e) => e.blockNumber))].filter((n) => !out.has(n));
    for (let i = 0; i < missing.length; i += 50) {
      const blocks = await Promise.all(missing.slice(i, i + 50).map((n) => this.block(n)));
      for (const b of blocks) if (b) out.set(Number(b.number), Number(b.timestamp));
    }
    return out;
  }

  private async handleReorg(state: State): Promise<StepResult> {
    const { db, log, metrics } = this.options;
    const stored = await db.query<{ number: number; hash: string }>(
      "SELECT number, hash FROM blocks WHERE number <= ? AND number >= ? ORDER BY number DESC",
      [state.last_block, state.final_block],
    );
    let ancestor: { number: number; hash: string } | undefined;
    for (const b of stored) {
      const chain = await this.block(b.number);
      if (chain && chain.hash === b.hash) {
        ancestor = b;
        break;
      }
    }
    if (!ancestor) {
      metrics?.reorgs.inc({ outcome: "too_deep" });
      throw new IndexerError(
        "INDEXER_REORG_TOO_DEEP",
        `chain reorganized below the final block ${state.final_block} (confirmations ${this.confirmations}); the database is left at block ${state.last_block} and must be rebuilt`,
        {
          details: { finalBlock: state.final_block, indexedBlock: state.last_block, confirmations: this.confirmations },
        },
      );
    }
    const target = ancestor;
    const undone = await db.transaction(async (tx) => {
      const n = await rollbackTo(tx, target.number, this.columns);
      await tx.run("UPDATE indexer_state SET last_block = ?, last_hash = ?, updated_at = ? WHERE id = 1", [
        target.number,
        target.hash,
        new Date().toISOString(),
      ]);
      return n;
    });
    // Pools opened in rolled-back blocks stay known to the decoder: their logs on the new chain (if any)
    // are still theirs, and a pool address that no longer exists emits nothing.
    this.poolsLoaded = false;
    metrics?.reorgs.inc({ outcome: "rolled_back" });
    metrics?.indexedBlock.set(target.number);
    log.warn("Reorg: rolled back", { from: state.last_block, to: target.number, undone });
    return { kind: "reorg", from: state.last_block, to: target.number, undone };
  }

  /** Steps until `signal` aborts; transient errors are logged and retried, fatal ones thrown. */
  async run(signal: AbortSignal): Promise<void> {
    const { log, pollIntervalMs = 1_000 } = this.options;
    let backoff = pollIntervalMs;
    while (!signal.aborted) {
      try {
        const result = await this.step();
        backoff = pollIntervalMs;
        if (result.kind === "idle") await sleep(pollIntervalMs, signal);
      } catch (error) {
        if (error instanceof IndexerError && error.code !== "INDEXER_RPC_FAILED") throw error;
        log.warn("Indexer step failed; retrying", {
          error: error instanceof Error ? error.message : String(error),
          backoffMs: backoff,
        });
        await sleep(backoff, signal);
        backoff = Math.min(backoff * 2, 30_000);
      }
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

export type { Log };
