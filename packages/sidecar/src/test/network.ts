// Test-only: a devnet with the protocol deployed by the production deploy script (short audit
// periods), providers with nodes, and real sidecar processes (`dist/bin/mzku-sidecar.js`), each
// supervising its own anvil as "its node". Production code never imports this.
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { connect, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Deployment, mzkuToken, nodeRegistry, projectMarket, uptimeReports } from "@mzku/sdk";
import {
  type AnvilInstance,
  contractsDir,
  type DevWallet,
  deployProtocol,
  devKey,
  devWallet,
  flatPricingActions,
  foundryBinary,
  freePort,
  passProposal,
  qualifyActions,
  registerProvider,
  seatInvitedGovernors,
  startAnvil,
  stopProcess,
} from "@mzku/sdk/devnet";
import {
  type Address,
  createTestClient,
  createWalletClient,
  type Hex,
  http,
  parseEther,
  publicActions,
  type TestClient,
} from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";

import type { SidecarClient } from "../chain.js";

/** The sidecar's tests poll with the signer's test helper (one implementation for every package). */
export { waitFor } from "@mzku/signer/testing";

const here = dirname(fileURLToPath(import.meta.url));
const BIN = join(here, "../../dist/bin/mzku-sidecar.js");
export const E = 10n ** 18n;
export const RESOURCES = { cpuCores: 4, ramGb: 16, storageGb: 100, bandwidthMbps: 100 } as const;

export interface Devnet {
  anvil: AnvilInstance;
  deployment: Deployment;
  deploymentFile: string;
  testClient: TestClient;
  reader: DevWallet;
  governors: DevWallet[];
  dir: string;
}

/** anvil + the protocol with `periodBlocks`-block periods, k and failLimit as given. */
export async function startDevnet(reports: { periodBlocks: number; auditorsPerNode: number; failLimit: number }) {
  const dir = mkdtempSync(join(tmpdir(), "mzku-sidecar-"));
  const config = JSON.parse(readFileSync(join(contractsDir(), "config", "devnet.json"), "utf8"));
  config.reports = { ...config.reports, ...reports };
  const configPath = join(dir, "deploy.json");
  writeFileSync(configPath, JSON.stringify(config));
  const anvil = await startAnvil();
  try {
    const name = `sidecar-test-${anvil.port}`;
    const deployment = await deployProtocol({ rpcUrl: anvil.rpcUrl, privateKey: devKey(0), configPath, name });
    const testClient = createTestClient({ chain: foundry, mode: "anvil", transport: http(anvil.rpcUrl) });
    const governors = [1, 2, 3].map((i) => devWallet(anvil.rpcUrl, i));
    await seatInvitedGovernors(deployment, governors);
    const net: Devnet = {
      anvil,
      deployment,
      deploymentFile: join(contractsDir(), "deployments", `${name}.json`),
      testClient,
      reader: devWallet(anvil.rpcUrl, 0),
      governors,
      dir,
    };
    return net;
  } catch (error) {
    await anvil.stop();
    throw error;
  }
}

export interface Member {
  owner: DevWallet;
  providerId: bigint;
  nodeId: bigint;
  sidecarKey: Hex;
  sidecar: Address;
}

/**
 * Providers (dev wallets `indexes`) with collateral, qualified by governance (which also prices project
 * type `type` at 100 MZKU per day), each with one Installing node whose sidecar key is fresh and funded.
 */
export async function addMembers(net: Devnet, indexes: number[], type: number): Promise<Member[]> {
  const providers: { owner: DevWallet; providerId: bigint }[] = [];
  for (const [i, index] of indexes.entries()) {
    const owner = devWallet(net.anvil.rpcUrl, index);
    providers.push({ owner, providerId: await registerProvider(net.deployment, owner, { brandName: `S${i}` }) });
  }
  await passProposal(
    net.deployment,
    net.governors,
    net.testClient,
    [
      ...qualifyActions(
        net.deployment,
        providers.map((p) => p.providerId),
      ),
      ...flatPricingActions(net.deployment, type, 100n * E),
    ],
    "qualify sidecar test providers",
  );
  const members: Member[] = [];
  for (const { owner, providerId } of providers) {
    const sidecarKey = generatePrivateKey();
    const sidecar = privateKeyToAccount(sidecarKey).address;
    await net.reader.sendTransaction({ to: sidecar, value: parseEther("10") });
    const { nodeId } = await nodeRegistry.registerNode(owner, {
      address: net.deployment.contracts.NodeRegistry,
      args: [sidecar, RESOURCES],
    });
    members.push({ owner, providerId, nodeId, sidecarKey, sidecar });
  }
  return members;
}

/** A one-bidder auction that `winner` wins (blocks mined ahead); returns the project id. */
export async function winProject(net: Devnet, requester: DevWallet, winner: Member, type: number): Promise<bigint> {
  const c = net.deployment.contracts;
  await mzkuToken.approve(winner.owner, { address: c.MzkuToken, args: [c.ProjectMarket, 1_000n * E] });
  await projectMarket.depositBond(winner.owner, { address: c.ProjectMarket, args: [100n * E] });
  await mzkuToken.approve(requester, { address: c.MzkuToken, args: [c.ProjectMarket, 100n * E] });
  const { projectId } = await projectMarket.openProject(requester, {
    address: c.ProjectMarket,
    args: [RESOURCES, 86_400n, type, 100n * E],
  });
  const price = 60n * E;
  const salt = `0x${"11".repeat(32)}` as Hex;
  const commitment = await projectMarket.commitmentOf(net.reader, {
    address: c.ProjectMarket,
    args: [price, salt, winner.owner.account.address, projectId],
  });
  await projectMarket.commit(winner.owner, { address: c.ProjectMarket, args: [projectId, commitment] });
  const p = await projectMarket.getProject(net.reader, { address: c.ProjectMarket, args: [projectId] });
  await mineTo(net, p.commitEndBlock);
  await projectMarket.reveal(winner.owner, { address: c.ProjectMarket, args: [projectId, 0n, price, salt] });
  await mineTo(net, p.revealEndBlock + 1n);
  await projectMarket.settle(net.reader, { address: c.ProjectMarket, args: [projectId] });
  const settled = await projectMarket.getProject(net.reader, { address: c.ProjectMarket, args: [projectId] });
  if (settled.winner !== winner.owner.account.address) {
    throw new Error(
      `project ${projectId} not won: status ${settled.status}, draw block ${settled.drawBlock}, block ${await net.reader.getBlockNumber({ cacheTime: 0 })}`,
    );
  }
  return projectId;
}

async function mineTo(net: Devnet, block: bigint | number): Promise<void> {
  const now = await net.reader.getBlockNumber({ cacheTime: 0 });
  if (BigInt(block) > now) await net.testClient.mine({ blocks: Number(BigInt(block) - now) });
}

/** A sidecar process and what the test needs to drive it. */
export class SidecarProcess {
  child: ChildProcess | undefined;
  readonly configFile: string;
  readonly logFile: string;

  constructor(
    readonly member: Member,
    readonly name: string,
    private readonly dir: string,
    readonly ports: { http: number; node: number; p2p: number },
    private readonly rpcUrl: string,
    private readonly deploymentFile: string,
    /** `node.capacity` (absent: the sidecar does not report capacity). */
    private readonly capacity?: Record<string, number>,
    /** `report` of the config (absent: individual reports). */
    private readonly report?: { mode: "individual" | "aggregate"; aggregator?: boolean },
  ) {
    this.configFile = join(dir, `${name}.json`);
    this.logFile = join(dir, `${name}.log`);
  }

  /** Writes its config (a supervised anvil as its node, short intervals) and starts the process. */
  start(bootstrap: string[] = []): void {
    writeFileSync(join(this.dir, `${this.name}.key`), this.member.sidecarKey);
    writeFileSync(
      this.configFile,
      JSON.stringify({
        rpcUrl: this.rpcUrl,
        deployment: this.deploymentFile,
        keyFile: `${this.name}.key`,
        dataDir: join(this.dir, this.name),
        node: {
          kind: "evm",
          url: `http://127.0.0.1:${this.ports.node}`,
          command: [
            foundryBinary("anvil"),
            "--host",
            "127.0.0.1",
            "--port",
            String(this.ports.node),
            "--block-time",
            "1",
          ],
          maxHeadLagSeconds: 5,
          restartMinMs: 2_000,
          ...(this.capacity ? { capacity: this.capacity } : {}),
        },
        listen: [`/ip4/127.0.0.1/tcp/${this.ports.p2p}`],
        bootstrap,
        httpPort: this.ports.http,
        probeIntervalMs: 2_000,
        announceIntervalMs: 2_000,
        tickMs: 500,
        probeTimeoutMs: 1_000,
        capacityIntervalMs: 1_000,
        ...(this.report ? { report: this.report } : {}),
      }),
    );
    const out = createWriteStream(this.logFile, { flags: "a" });
    this.child = spawn(process.execPath, [BIN, "start", "--config", this.configFile], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, MZKU_LOG_LEVEL: "info" },
    });
    this.child.stdout?.pipe(out);
    this.child.stderr?.pipe(out);
  }

  async stop(): Promise<number | null> {
    const child = this.child;
    if (!child) return null;
    const code = new Promise<number | null>((resolve) => {
      if (child.exitCode !== null) resolve(child.exitCode);
      else child.once("exit", (c) => resolve(c));
    });
    await stopProcess(child, 10_000);
    return code;
  }

  async status(): Promise<Status> {
    const res = await fetch(`http://127.0.0.1:${this.ports.http}/status`);
    return (await res.json()) as Status;
  }

  async metric(name: string, labels = ""): Promise<number> {
    const text = await (await fetch(`http://127.0.0.1:${this.ports.http}/metrics`)).text();
    const line = text.split("\n").find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ""} `));
    return line ? Number(line.split(" ").pop()) : 0;
  }

  async observations(period: bigint, target: Address): Promise<{ round: number; up: boolean }[]> {
    const res = await fetch(`http://127.0.0.1:${this.ports.http}/observations?period=${period}&target=${target}`);
    return (await res.json()) as { round: number; up: boolean }[];
  }
}

export interface Status {
  sidecar: Address;
  peerId: string;
  multiaddrs: string[];
  period: string | null;
  membership: { slot: number; nodeId: string; providerId: string } | null;
  node: { healthy: boolean } | null;
  nodePid: number | null;
  nodeRestarts: number;
  targets: Address[];
  peers: { peer: string; connected: boolean; score: number; rejected: number }[];
  knownSidecars: number;
  reports: { period: string; status: string; votes: string; txHash: string | null }[];
}

/** Free ports for a sidecar: HTTP, its node, libp2p. */
export async function sidecarPorts(): Promise<{ http: number; node: number; p2p: number }> {
  return { http: await freePort(), node: await freePort(), p2p: await freePort() };
}

/** A TCP proxy to `target` that the test can cut (refuse and drop connections) and restore. */
export class CuttableProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  cut = false;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<string> {
    this.server = createServer((client) => {
      if (this.cut) {
        client.destroy();
        return;
      }
      const upstream = connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.once("close", () => this.sockets.delete(s));
        s.on("error", () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", () => resolve()));
    const address = this.server.address();
    this.port = typeof address === "object" && address ? address.port : 0;
    return `http://127.0.0.1:${this.port}`;
  }

  setCut(cut: boolean): void {
    this.cut = cut;
    if (cut) for (const s of this.sockets) s.destroy();
  }

  async stop(): Promise<void> {
    this.setCut(true);
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

/** Joins `member`'s sidecar key to the roster directly (a sidecar driven by the test, not a daemon). */
export async function joinDirectly(net: Devnet, member: Member): Promise<KeyWallet> {
  const wallet = keyWallet(net.anvil.rpcUrl, member.sidecarKey);
  await nodeRegistry.activateNode(member.owner, {
    address: net.deployment.contracts.NodeRegistry,
    args: [member.nodeId],
  });
  await uptimeReports.join(wallet, { address: net.deployment.contracts.UptimeReports });
  return wallet;
}

export type KeyWallet = SidecarClient;

/** A wallet client (with public actions) for a private key. */
export function keyWallet(rpcUrl: string, key: Hex): SidecarClient {
  return createWalletClient({ account: privateKeyToAccount(key), chain: foundry, transport: http(rpcUrl) }).extend(
    publicActions,
  );
}
