import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Logger } from "@mzku/log";
import { devAccount, devKey, devWallet, freePort, stopProcess } from "@mzku/sdk/devnet";
import { CliError } from "./cli/errors.js";
import { E, PROVIDERS } from "./devnetSetup.js";

// `mzku devnet`'s sidecars: one `mzku sidecar start` process per provider node, attached to the
// devnet's anvil (the node it supervises is the devnet chain itself), each with its status and metrics
// endpoint on a free 127.0.0.1 port. The first is the others' bootstrap peer.

export interface DevnetSidecar {
  name: string;
  address: string;
  statusUrl: string;
  metricsUrl: string;
  /** The node it supervises: the devnet's anvil, or (sidecar1 with --validators) the Lodestar beacon node. */
  node: SidecarNode;
}

export interface SidecarNode {
  url: string;
  kind: "evm" | "beacon";
}

const MZKU_BIN = fileURLToPath(new URL("./bin/mzku.js", import.meta.url));
/** What each provider sends its sidecar for the gas of joining, opening periods and reporting. */
const GAS_FUNDS = E;

export async function startSidecars(
  rpcUrl: string,
  deploymentFile: string,
  log: Logger,
  firstNode?: SidecarNode,
): Promise<{ sidecars: DevnetSidecar[]; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "mzku-devnet-sidecars-"));
  const children: ChildProcess[] = [];
  const stop = async () => {
    for (const child of children) await stopProcess(child).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  const startOne = async (p: (typeof PROVIDERS)[number], node: SidecarNode, bootstrap?: string) => {
    const provider = devWallet(rpcUrl, p.index);
    const address = devAccount(p.sidecar).address;
    await provider.waitForTransactionReceipt({
      hash: await provider.sendTransaction({ to: address, value: GAS_FUNDS }),
    });
    const port = await freePort();
    const name = `sidecar${p.name.slice(-1)}`;
    const child = spawn(process.execPath, [MZKU_BIN, "sidecar", "start"], {
      stdio: ["ignore", "ignore", "pipe"],
      env: {
        ...process.env,
        MZKU_SIDECAR_PRIVATE_KEY: devKey(p.sidecar),
        MZKU_SIDECAR_RPC_URL: rpcUrl,
        MZKU_SIDECAR_DEPLOYMENT: deploymentFile,
        MZKU_SIDECAR_DATA_DIR: join(dir, name),
        MZKU_SIDECAR_NODE_URL: node.url,
        MZKU_SIDECAR_NODE_KIND: node.kind,
        MZKU_SIDECAR_HTTP_PORT: String(port),
        ...(bootstrap ? { MZKU_SIDECAR_BOOTSTRAP: bootstrap } : {}),
      },
    });
    child.stderr?.on("data", (b: Buffer) => {
      for (const line of b.toString().split("\n").filter(Boolean)) log.debug("sidecar", { name, line });
    });
    children.push(child);
    const statusUrl = `http://127.0.0.1:${port}/status`;
    const status = await waitForStatus(statusUrl, child, name);
    log.info("Sidecar up", { name, statusUrl, node: node.url, kind: node.kind });
    const sidecar: DevnetSidecar = { name, address, statusUrl, metricsUrl: `http://127.0.0.1:${port}/metrics`, node };
    return {
      sidecar,
      multiaddr: `${status.multiaddrs[0]}/p2p/${status.peerId}`.replace(/\/p2p\/[^/]+\/p2p\//, "/p2p/"),
    };
  };
  try {
    // The first is the others' bootstrap peer; the others start together once it is up (most of a
    // sidecar's start is its own process's work, which overlaps on the cores).
    const [first, ...others] = PROVIDERS;
    if (!first) return { sidecars: [], stop };
    const devnetNode: SidecarNode = { url: rpcUrl, kind: "evm" };
    const bootstrap = await startOne(first, firstNode ?? devnetNode);
    const rest = await Promise.allSettled(others.map((p) => startOne(p, devnetNode, bootstrap.multiaddr)));
    const failed = rest.find((r) => r.status === "rejected");
    if (failed) throw failed.reason;
    const sidecars = [bootstrap, ...rest.map((r) => (r as PromiseFulfilledResult<typeof bootstrap>).value)].map(
      (r) => r.sidecar,
    );
    return { sidecars, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function waitForStatus(
  url: string,
  child: ChildProcess,
  name: string,
): Promise<{ peerId: string; multiaddrs: string[] }> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new CliError("SIDECAR_FAILED", `${name} exited with ${child.exitCode} (run with -v to see its log)`);
    try {
      const res = await fetch(url);
      if (res.ok) return (await res.json()) as { peerId: string; multiaddrs: string[] };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new CliError("SIDECAR_FAILED", `${name}'s status endpoint ${url} did not answer within 60 s`);
}
