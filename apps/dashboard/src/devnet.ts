import { createTestClient, http } from "viem";
import type { DashboardConfig } from "./config.js";
import { chainOf } from "./wallet.js";

/** Devnet mode only: mines `blocks` empty blocks on anvil, to move an auction to its next window. */
export async function mineBlocks(config: DashboardConfig, blocks: bigint): Promise<void> {
  if (!config.devnet || blocks <= 0n) return;
  const client = createTestClient({ chain: chainOf(config), mode: "anvil", transport: http(config.rpcUrl) });
  await client.mine({ blocks: Number(blocks) });
}

/** Devnet mode only: moves anvil's clock forward (reward periods, vesting, voting windows). */
export async function advanceClock(config: DashboardConfig, seconds: bigint): Promise<void> {
  if (!config.devnet) return;
  const client = createTestClient({ chain: chainOf(config), mode: "anvil", transport: http(config.rpcUrl) });
  await client.increaseTime({ seconds: Number(seconds) });
  await client.mine({ blocks: 1 });
}
