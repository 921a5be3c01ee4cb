import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Logger } from "@mzku/log";
import { devAccount, devKey, devWallet, freePorts, stopProcess } from "@mzku/sdk/devnet";
import { sidecarPeerId } from "@mzku/sidecar/identity";
import { CliError } from "./cli/errors.js";
import { E, PROVIDERS } from "./devnetSetup.js";

// `mzku devnet`'s sidecars: one sidecar daemon per provider node (`mzku-sidecar start`, the daemon
// `mzku sidecar start` runs, without the CLI's command table to load), attached to the devnet's anvil
// (the node it supervises is the devnet chain itself), each with its status and metrics endpoint on a
// free 127.0.0.1 port. All four start at once: each listens for libp2p on a port chosen here and has
// the other three as bootstrap peers (a peer id follows from the sidecar key), so whichever comes up
// last dials the others and the four are connected without one waiting for another.

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

const SIDECAR_BIN = fileURLToPath(import.meta.resolve("@mzku/sidecar/bin"));
/** How long a sidecar waits for the deployment (forge compiles the contracts on first use). */
const DEPLOYMENT_WAIT_MS = 600_000;
/** What each provider sends its sidecar for the gas of joining, opening periods and reporting. */
const GAS_FUNDS = E;

/**
 * Starts the four sidecar processes at once; `deploymentFile` resolves once the protocol is deployed.
 * Meanwhile they load their code (most of their start) and wait for their copy of the deployment,
 * written whole (by rename) when it resolves; then each has 60 s for its status endpoint to answer
 * (`up`). `stop()` ends them whenever it is called, also while they start.
 */
export function startSidecars(
  rpcUrl: string,
  deploymentFile: Promise<string>,
  log: Logger,
  firstNode?: SidecarNode,
): { up: Promise<DevnetSidecar[]>; stop: () => Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), "mzku-devnet-sidecars-"));
  const children: ChildProcess[] = [];
  let stopped = false;
  const stop = async () => {
    stopped = true;
    await Promise.all(children.map((child) => stopProcess(child).catch(() => undefined)));
    rmSync(dir, { recursive: true, force: true });
  };
  const up = (async () => {
    try {
      const devnetNode: SidecarNode = { url: rpcUrl, kind: "evm" };
      const ports = await freePorts(2 * PROVIDERS.length);
      const plan = await Promise.all(
        PROVIDERS.map(async (p, i) => {
          const key = devKey(p.sidecar);
          const p2pPort = ports[2 * i] as number;
          return {
            p,
            key,
            name: `sidecar${p.name.slice(-1)}`,
            httpPort: ports[2 * i + 1] as number,
            listen: `/ip4/127.0.0.1/tcp/${p2pPort}`,
            multiaddr: `/ip4/127.0.0.1/tcp/${p2pPort}/p2p/${await sidecarPeerId(key)}`,
            node: i === 0 && firstNode ? firstNode : devnetNode,
          };
        }),
      );
      if (stopped) throw new CliError("SIDECAR_FAILED", "the sidecars were stopped while starting");
      const deployment = join(dir, "deployment.json");
      const spawned = plan.map((s) => {
        // the daemon's config file: the listen address and the bootstrap peers have no environment variable
        const configFile = join(dir, `${s.name}.json`);
        writeFileSync(
          configFile,
          JSON.stringify({
            listen: [s.listen],
            bootstrap: plan.filter((o) => o !== s).map((o) => o.multiaddr),
          }),
        );
        const child = spawn(process.execPath, [SIDECAR_BIN, "start"], {
          stdio: ["ignore", "ignore", "pipe"],
          env: {
            ...process.env,
            MZKU_SIDECAR_CONFIG: configFile,
            MZKU_SIDECAR_PRIVATE_KEY: s.key,
            MZKU_SIDECAR_RPC_URL: rpcUrl,
            MZKU_SIDECAR_DEPLOYMENT: deployment,
            MZKU_SIDECAR_DEPLOYMENT_WAIT_MS: String(DEPLOYMENT_WAIT_MS),
            MZKU_SIDECAR_DATA_DIR: join(dir, s.name),
            MZKU_SIDECAR_NODE_URL: s.node.url,
            MZKU_SIDECAR_NODE_KIND: s.node.kind,
            MZKU_SIDECAR_HTTP_PORT: String(s.httpPort),
          },
        });
        child.stderr?.on("data", (b: Buffer) => {
          for (const line of b.toString().split("\n").filter(Boolean)) log.debug("sidecar", { name: s.name, line });
        });
        children.push(child);
        return { s, child };
      });
      const source = await deploymentFile;
      if (stopped) throw new CliError("SIDECAR_FAILED", "the sidecars were stopped while starting");
      writeFileSync(`${deployment}.tmp`, readFileSync(source));
      renameSync(`${deployment}.tmp`, deployment);
      const settled = await Promise.allSettled(
        spawned.map(async ({ s, child }) => {
          const statusUrl = `http://127.0.0.1:${s.httpPort}/status`;
          await waitForStatus(statusUrl, child, s.name);
          log.info("Sidecar up", { name: s.name, statusUrl, node: s.node.url, kind: s.node.kind });
          return {
            name: s.name,
            address: devAccount(s.p.sidecar).address,
            statusUrl,
            metricsUrl: `http://127.0.0.1:${s.httpPort}/metrics`,
            node: s.node,
          } satisfies DevnetSidecar;
        }),
      );
      const failed = settled.find((r) => r.status === "rejected");
      if (failed) throw failed.reason;
      return settled.map((r) => (r as PromiseFulfilledResult<DevnetSidecar>).value);
    } catch (error) {
      await stop();
      throw error;
    }
  })();
  return { up, stop };
}

/**
 * Each provider sends its sidecar ETH for the gas of joining, opening periods and reporting (distinct
 * accounts: the four transfers go out together). Before the nodes are registered, so that a sidecar
 * finding its node active can pay for joining at once.
 */
export async function fundSidecars(rpcUrl: string): Promise<void> {
  await Promise.all(
    PROVIDERS.map(async (p) => {
      const provider = devWallet(rpcUrl, p.index);
      const hash = await provider.sendTransaction({ to: devAccount(p.sidecar).address, value: GAS_FUNDS });
      await provider.waitForTransactionReceipt({ hash });
    }),
  );
}

async function waitForStatus(url: string, child: ChildProcess, name: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new CliError("SIDECAR_FAILED", `${name} exited with ${child.exitCode} (run with -v to see its log)`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new CliError("SIDECAR_FAILED", `${name}'s status endpoint ${url} did not answer within 60 s`);
}
