import type { Client, TestClient } from "viem";
import { currentBlock } from "../chain.js";

/** Devnet only: mines blocks until the chain is at block `target` (nothing when it is already there). Returns the block then. */
export async function mineTo(testClient: TestClient, reader: Client, target: bigint): Promise<bigint> {
  const now = await currentBlock(reader);
  if (target > now) await testClient.mine({ blocks: Number(target - now) });
  return currentBlock(reader);
}
