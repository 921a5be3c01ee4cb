import type { Client } from "viem";
import { getBlockNumber } from "viem/actions";

/**
 * The chain's block number now. viem caches `getBlockNumber` on a client for `cacheTime` (4 s by
 * default on a reused client), so a loop that mines or waits and then reads it sees an old block:
 * every sdk helper reads through this instead.
 */
export function currentBlock(client: Client): Promise<bigint> {
  return getBlockNumber(client, { cacheTime: 0 });
}

export type WaitForBlockOptions = {
  /** Milliseconds between polls (default 500). */
  pollMs?: number;
  /** Called after each poll that is still short of the target. */
  onProgress?: (progress: { current: bigint; target: bigint }) => void;
  /** Stops waiting (the promise rejects with the signal's reason). */
  signal?: AbortSignal;
};

/**
 * Waits until the chain has reached block `target` (the current block is ≥ `target`) and returns the
 * block number then. Writes are simulated against the latest block, so for a window that opens at
 * block N wait for N itself.
 */
export async function waitForBlock(client: Client, target: bigint, options: WaitForBlockOptions = {}): Promise<bigint> {
  const pollMs = options.pollMs ?? 500;
  for (;;) {
    options.signal?.throwIfAborted();
    const current = await currentBlock(client);
    if (current >= target) return current;
    options.onProgress?.({ current, target });
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
