import { type ChildProcess, spawn } from "node:child_process";
import { freePort } from "@mzku/signer/ports";
import { MzkuError } from "../errors.js";
import { foundryBinary } from "./foundry.js";
import { installEip7002 } from "./systemContracts.js";

/** A running anvil started by us; `stop()` ends exactly that process. */
export type AnvilInstance = { rpcUrl: string; port: number; pid: number; stop: () => Promise<void> };

export type StartAnvilOptions = {
  /** 0 (default) picks a free port. */
  port?: number;
  chainId?: number;
  /** Seconds between blocks; default: mine on every transaction. */
  blockTime?: number;
  /** With `blockTime`: also mine each transaction at once (blocks come on both; anvil's --mixed-mining). */
  mixedMining?: boolean;
  /** Print anvil's own output. */
  verbose?: boolean;
  /** Funded dev accounts (default 20: the devnet config hands MZKU to all of them). */
  accounts?: number;
  /** EVM hardfork (default `prague`: EIP-7002 exits; its system contract is installed if anvil lacks it). */
  hardfork?: string;
  /** Genesis block timestamp (seconds); default: now. With a fixed one and a block timestamp interval,
   *  a chain built by the same transactions has the same block hashes run to run (benchmarks). */
  timestamp?: number;
};

/** Starts anvil on 127.0.0.1 (Prague by default) and waits until its RPC answers. */
export async function startAnvil(options: StartAnvilOptions = {}): Promise<AnvilInstance> {
  const port = options.port || (await freePort());
  const args = ["--host", "127.0.0.1", "--port", String(port), "--chain-id", String(options.chainId ?? 31337)];
  args.push("--accounts", String(options.accounts ?? 20), "--balance", "10000");
  const hardfork = options.hardfork ?? "prague";
  args.push("--hardfork", hardfork);
  if (options.blockTime) args.push("--block-time", String(options.blockTime));
  if (options.blockTime && options.mixedMining) args.push("--mixed-mining");
  if (options.timestamp !== undefined) args.push("--timestamp", String(options.timestamp));
  const child = spawn(foundryBinary("anvil"), args, {
    stdio: ["ignore", options.verbose ? "inherit" : "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const rpcUrl = `http://127.0.0.1:${port}`;
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) =>
      reject(
        new MzkuError("DEVNET_FAILED", `anvil exited with code ${code}`, {
          details: { exitCode: code, output: stderr.trim() },
        }),
      ),
    ),
  );
  await Promise.race([waitForRpc(rpcUrl), exited]);
  const instance = { rpcUrl, port, pid: child.pid ?? -1, stop: () => stopProcess(child) };
  if (hardfork === "prague" || hardfork === "osaka") {
    try {
      await installEip7002(rpcUrl);
    } catch (cause) {
      await instance.stop();
      throw cause;
    }
  }
  return instance;
}

async function waitForRpc(rpcUrl: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(rpcUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new MzkuError("DEVNET_FAILED", `anvil did not answer on ${rpcUrl} within ${timeoutMs} ms`);
}

/** Sends SIGTERM to a child we started, then SIGKILL if it has not exited after `graceMs`. */
export async function stopProcess(child: ChildProcess, graceMs = 3_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await done;
  clearTimeout(timer);
}

/** Free TCP ports on 127.0.0.1: the one helper of every package (`@mzku/signer/ports`). */
export { freePort, freePorts } from "@mzku/signer/ports";
