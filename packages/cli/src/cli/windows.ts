import { currentBlock, waitForBlock } from "@mzku/sdk";
import type { Client } from "viem";
import { CliError } from "./errors.js";
import type { Output } from "./output.js";

/**
 * Waits until the chain is at block `opensAt` (a window that opens there is open): returns at once
 * when it is, else waits (printing progress) or, with `noWait`, fails with WRONG_PHASE saying when the
 * window opens. A write is simulated against the latest block, so the window must be open there, not
 * only in the block the transaction will be mined in.
 */
export async function waitForWindow(
  client: Client,
  out: Output,
  what: string,
  opensAt: bigint,
  noWait: boolean,
): Promise<void> {
  const now = await currentBlock(client);
  if (now >= opensAt) return;
  const blocks = opensAt - now;
  if (noWait) {
    throw new CliError("WRONG_PHASE", `${what} opens at block ${opensAt} (now ${now}, ${blocks} blocks to go)`);
  }
  out.say(`${what} opens at block ${opensAt} (now ${now}): waiting for ${blocks} blocks`);
  let last = 0;
  await waitForBlock(client, opensAt, {
    pollMs: 1_000,
    onProgress: ({ current }) => {
      if (Date.now() - last < 10_000) return;
      last = Date.now();
      out.progress(`  block ${current}, ${opensAt - current} to go`);
    },
  });
}

/** Fails with WRONG_PHASE unless a transaction sent now is mined before block `closesAt` (where the window closes). */
export async function requireBefore(client: Client, what: string, closesAt: bigint): Promise<void> {
  const now = await currentBlock(client);
  if (now + 1n >= closesAt) throw new CliError("WRONG_PHASE", `${what} closed at block ${closesAt} (now ${now})`);
}
