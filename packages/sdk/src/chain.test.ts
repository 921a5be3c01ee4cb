import { createPublicClient, createTestClient, http } from "viem";
import { foundry } from "viem/chains";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { currentBlock, waitForBlock } from "./chain.js";
import { type AnvilInstance, startAnvil } from "./devnet/anvil.js";
import { mineTo } from "./devnet/mine.js";

describe("block numbers without viem's cache", () => {
  let anvil: AnvilInstance;
  beforeAll(async () => {
    anvil = await startAnvil();
  });
  afterAll(async () => anvil?.stop());

  it("currentBlock sees a block mined a moment ago on a reused client; waitForBlock and mineTo reach their target", async () => {
    // A client with viem's default cache (4 s): the pitfall currentBlock avoids.
    const client = createPublicClient({ chain: foundry, transport: http(anvil.rpcUrl) });
    const test = createTestClient({ chain: foundry, mode: "anvil", transport: http(anvil.rpcUrl) });
    const start = await client.getBlockNumber();
    await test.mine({ blocks: 3 });
    expect(await client.getBlockNumber(), "viem's cached value").toBe(start);
    expect(await currentBlock(client)).toBe(start + 3n);

    const progress: bigint[] = [];
    const waiting = waitForBlock(client, start + 5n, {
      pollMs: 20,
      onProgress: ({ current }) => progress.push(current),
    });
    await new Promise((r) => setTimeout(r, 100));
    await test.mine({ blocks: 2 });
    expect(await waiting).toBe(start + 5n);
    expect(progress.length).toBeGreaterThan(0);

    expect(await mineTo(test, client, start + 40n)).toBe(start + 40n);
    expect(await mineTo(test, client, start + 10n), "never goes back").toBe(start + 40n);
    const aborted = new AbortController();
    aborted.abort(new Error("stop"));
    await expect(waitForBlock(client, start + 1_000n, { signal: aborted.signal })).rejects.toThrow("stop");
  });
});
