import { createTestClient, http, publicActions } from "viem";
import type { DashboardConfig } from "./config.js";
import { chainOf } from "./wallet.js";

/** Devnet mode only: mines `blocks` empty blocks on anvil, to move an auction to its next window. */
export async function mineBlocks(config: DashboardConfig, blocks: bigint): Promise<void> {
  if (!config.devnet || blocks <= 0n) return;
  const client = createTestClient({ chain: chainOf(config), mode: "anvil", transport: http(config.rpcUrl) });
  await client.mine({ blocks: Number(blocks) });
}

/**
 * Devnet mode only: mines a block `seconds` after the latest one, so anvil's clock passes a voting
 * period or a delay (a next-block timestamp also works when anvil runs with a block-time interval).
 */
export async function advanceClock(config: DashboardConfig, seconds: bigint): Promise<void> {
  if (!config.devnet || seconds <= 0n) return;
  const client = createTestClient({ chain: chainOf(config), mode: "anvil", transport: http(config.rpcUrl) }).extend(
    publicActions,
  );
  const { timestamp } = await client.getBlock();
  await client.setNextBlockTimestamp({ timestamp: timestamp + seconds });
  await client.mine({ blocks: 1 });
}
