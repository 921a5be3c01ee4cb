// Test-only: everything the dashboard's end-to-end tests run against, started on 127.0.0.1 and
// stopped by whoever started it: anvil with the protocol deployed by the production deploy script and
// a small market (governors seated, three qualified providers, project type 2 priced), the indexer and
// read API (SQLite), a static server for the built dashboard (dist/ + config.json), and Debian's
// headless Chromium driven by playwright-core (never a downloaded browser).
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type RunningService, startService } from "@mzku/indexer";
import { createLogger } from "@mzku/log";
import {
  bidCommitment,
  type Deployment,
  governance,
  microPool,
  microPoolFactory,
  mzkuToken,
  nodeRegistry,
  ProjectMarketStatus,
  pricingPolicy,
  projectMarket,
  proposalCalls,
  reputation,
  rewardPool,
  sidecarStaking,
} from "@mzku/sdk";
import {
  type AnvilInstance,
  bootstrapActions,
  contractsDir,
  type DevWallet,
  deployProtocol,
  devKey,
  devWallet,
  flatPricingActions,
  passProposal,
  qualifyActions,
  registerProvider,
  seatInvitedGovernors,
  startAnvil,
  trustTierAction,
} from "@mzku/sdk/devnet";
import { type Browser, chromium, type Page } from "playwright-core";
import { type Address, createTestClient, http, keccak256, type TestClient, toHex } from "viem";
import { foundry } from "viem/chains";
import { afterAll, beforeAll } from "vitest";

export const E = 10n ** 18n;
/** The project type the test market prices (flat 100 MZKU a day). */
export const TYPE = 2;
export const DIST = resolve(fileURLToPath(new URL("../dist", import.meta.url)));

export const CHROMIUM = process.env.MZKU_CHROMIUM ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export type Devnet = {
  anvil: AnvilInstance;
  deployment: Deployment;
  wallet: (index: number) => DevWallet;
  testClient: TestClient;
  providerIds: bigint[];
  stop: () => Promise<void>;
};

/** anvil + the protocol + a market: governors 1-3 seated, providers (dev accounts 9-11) qualified, P1 trusted. */
export async function startDevnet(): Promise<Devnet> {
  const anvil = await startAnvil();
  const name = `dashboard-test-${anvil.port}`;
  const stop = async () => {
    await anvil.stop();
    rmSync(join(contractsDir(), "deployments", `${name}.json`), { force: true });
  };
  try {
    const deployment = await deployProtocol({ rpcUrl: anvil.rpcUrl, privateKey: devKey(0), name });
    const testClient = createTestClient({ chain: foundry, mode: "anvil", transport: http(anvil.rpcUrl) });
    const wallet = (i: number) => devWallet(anvil.rpcUrl, i);
    const c = deployment.contracts;
    const governors = [wallet(1), wallet(2), wallet(3)];
    await seatInvitedGovernors(deployment, governors);
    await passProposal(deployment, governors, testClient, bootstrapActions(deployment), "bootstrap");
    const providerIds: bigint[] = [];
    for (const [i, w] of [wallet(9), wallet(10), wallet(11)].entries()) {
      providerIds.push(
        await registerProvider(deployment, w, { brandName: `Provider ${i + 1}`, priceCap: 10_000n * E }),
      );
      await mzkuToken.approve(w, { address: c.MzkuToken, args: [c.ProjectMarket, 10_000n * E] });
      await projectMarket.depositBond(w, { address: c.ProjectMarket, args: [100n * E] });
    }
    await passProposal(
      deployment,
      governors,
      testClient,
      [
        ...qualifyActions(deployment, providerIds),
        ...flatPricingActions(deployment, TYPE, 100n * E),
        trustTierAction(deployment, providerIds[0] ?? 1n, 2, 0n),
      ],
      "qualify three providers; price type 2; Provider 1 trusted",
    );
    for (const id of providerIds) await reputation.refresh(wallet(0), { address: c.Reputation, args: [id] });
    return { anvil, deployment, wallet, testClient, providerIds, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The indexer following `devnet` and the read API, in this process, on a throwaway SQLite file. */
export async function startIndexer(
  devnet: Devnet,
): Promise<{ service: RunningService; apiUrl: string; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "mzku-dashboard-"));
  const service = await startService({
    mode: "serve",
    databaseUrl: join(dir, "index.sqlite"),
    rpcUrl: devnet.anvil.rpcUrl,
    deployment: devnet.deployment,
    confirmations: 1,
    pollIntervalMs: 200,
    host: "127.0.0.1",
    port: 0,
    log: createLogger({ component: "dashboard-test", level: "warn" }),
  });
  const apiUrl = service.api?.url ?? "";
  return {
    service,
    apiUrl,
    stop: async () => {
      await service.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".svg": "image/svg+xml",
};

/** Serves the built dashboard and a `config.json` (what any static host does). */
export async function serveDashboard(
  config: unknown,
  dist = DIST,
): Promise<{ url: string; stop: () => Promise<void> }> {
  if (!existsSync(join(dist, "index.html")))
    throw new Error(`no build at ${dist}: run npm run build -w @mzku/dashboard`);
  const body = JSON.stringify(config);
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    if (path === "/config.json") {
      res.writeHead(200, { "content-type": "application/json" }).end(body);
      return;
    }
    const file = resolve(dist, `.${path === "/" ? "/index.html" : path}`);
    if (!file.startsWith(dist) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** The config a devnet page gets: the deployment in the deploy script's file format. */
export function devnetConfig(devnet: Devnet, apiUrl: string): unknown {
  const { chainId, startBlock, contracts } = devnet.deployment;
  return {
    apiUrl,
    rpcUrl: devnet.anvil.rpcUrl,
    devnet: true,
    deployment: { chainId, startBlock: startBlock.toString(), ...contracts },
  };
}

/**
 * Debian's Chromium, headless. playwright-core gives every launch a fresh temporary profile
 * (`--user-data-dir`, removed on close), so no state leaks between runs.
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Picks dev account `index` in the account menu and waits until the page shows it. */
export async function chooseAccount(page: Page, index: number, address: string): Promise<void> {
  await page.getByLabel("Account", { exact: true }).selectOption(String(index));
  await page
    .getByTestId("account")
    .filter({ hasText: address.slice(0, 8) })
    .waitFor();
}

/**
 * Waits for the newest transaction whose description matches `what` to be confirmed; a failure
 * throws the page's own words (the decoded revert).
 */
export async function confirmed(page: Page, what: RegExp, timeout = 60_000): Promise<void> {
  const entry = page.locator(".txlog li", { hasText: what }).first();
  await entry.waitFor({ timeout });
  const deadline = Date.now() + timeout;
  for (;;) {
    const state = await entry.getAttribute("data-state");
    if (state === "confirmed") return;
    if (state === "failed") throw new Error(`transaction failed in the page: ${await entry.textContent()}`);
    if (Date.now() > deadline) throw new Error(`transaction still ${state}: ${await entry.textContent()}`);
    await page.waitForTimeout(100);
  }
}

/** Provider 1 (dev account 9, trusted) opens a micro-pool for a year; returns its address. */
export async function openMicroPool(devnet: Devnet): Promise<Address> {
  const c = devnet.deployment.contracts;
  const reader = devnet.wallet(0);
  const { timestamp } = await reader.getBlock();
  await microPoolFactory.openPool(devnet.wallet(9), {
    address: c.MicroPoolFactory,
    args: [Number(timestamp + 365n * 86_400n)],
  });
  const count = await microPoolFactory.poolCount(reader, { address: c.MicroPoolFactory });
  const [pool] = await microPoolFactory.getPools(reader, { address: c.MicroPoolFactory, args: [count - 1n, 1n] });
  if (!pool) throw new Error("no pool listed");
  return pool;
}

/** Provider 1 registers and activates a node whose sidecar is dev account `sidecarIndex`; returns the sidecar. */
export async function startSidecarNode(devnet: Devnet, sidecarIndex: number): Promise<Address> {
  const c = devnet.deployment.contracts;
  const sidecar = devnet.wallet(sidecarIndex).account.address;
  const provider = devnet.wallet(9);
  const resources = { cpuCores: 2, ramGb: 4, storageGb: 50, bandwidthMbps: 50 };
  await nodeRegistry.registerNode(provider, { address: c.NodeRegistry, args: [sidecar, resources] });
  const nodeId = await nodeRegistry.nodeCount(devnet.wallet(0), { address: c.NodeRegistry });
  await nodeRegistry.activateNode(provider, { address: c.NodeRegistry, args: [nodeId] });
  return sidecar;
}

/**
 * A lived-in market for the tour: a settled auction (three sealed bids), a second auction open for
 * bids, a micro-pool with two stakers, a sidecar with stakers and a Reward Pool deposit, and a
 * proposal open for votes.
 */
export async function runDemo(
  devnet: Devnet,
): Promise<{ settled: bigint; open: bigint; pool: Address; sidecar: Address }> {
  const c = devnet.deployment.contracts;
  const reader = devnet.wallet(0);
  const requester = devnet.wallet(12);
  const resources = { cpuCores: 4, ramGb: 16, storageGb: 100, bandwidthMbps: 100 };
  const openProject = async () => {
    const [fp] = await pricingPolicy.quote(reader, { address: c.PricingPolicy, args: [resources, 86_400n, TYPE] });
    await mzkuToken.approve(requester, { address: c.MzkuToken, args: [c.ProjectMarket, fp] });
    const { projectId } = await projectMarket.openProject(requester, {
      address: c.ProjectMarket,
      args: [resources, 86_400n, TYPE, fp],
    });
    return projectId;
  };
  const settled = await openProject();
  const prices = [60n * E, 64n * E, 75n * E];
  const salts = [9, 10, 11].map((i) => keccak256(toHex(`tour salt ${i}`)));
  for (const [n, i] of [9, 10, 11].entries()) {
    const w = devnet.wallet(i);
    const commitment = bidCommitment(prices[n] ?? 0n, salts[n] ?? "0x", w.account.address, settled);
    await projectMarket.commit(w, { address: c.ProjectMarket, args: [settled, commitment] });
  }
  const project = await projectMarket.getProject(reader, { address: c.ProjectMarket, args: [settled] });
  await devnet.testClient.mine({
    blocks: Number(project.commitEndBlock - (await reader.getBlockNumber({ cacheTime: 0 }))),
  });
  for (const [n, i] of [9, 10, 11].entries()) {
    await projectMarket.reveal(devnet.wallet(i), {
      address: c.ProjectMarket,
      args: [settled, BigInt(n), prices[n] ?? 0n, salts[n] ?? "0x"],
    });
  }
  await devnet.testClient.mine({
    blocks: Number(project.revealEndBlock - (await reader.getBlockNumber({ cacheTime: 0 }))),
  });
  await projectMarket.settle(reader, { address: c.ProjectMarket, args: [settled] });
  const after = await projectMarket.getProject(reader, { address: c.ProjectMarket, args: [settled] });
  if (after.status !== ProjectMarketStatus.Assigned) {
    throw new Error(
      `demo: project ${settled} not assigned after settle (status ${after.status}, block ${await reader.getBlockNumber()}, draw block ${after.drawBlock})`,
    );
  }
  const open = await openProject();
  const pool = await openMicroPool(devnet);
  const fp = await microPool.fixedPrice(reader, { address: pool });
  for (const [i, eth] of [
    [4, 8n],
    [5, 5n],
  ] as const) {
    await mzkuToken.approve(devnet.wallet(i), { address: c.MzkuToken, args: [pool, fp] });
    await microPool.stake(devnet.wallet(i), { address: pool, value: eth * E });
  }
  const sidecar = await startSidecarNode(devnet, 15);
  for (const i of [13, 14]) {
    await mzkuToken.approve(devnet.wallet(i), { address: c.MzkuToken, args: [c.SidecarStaking, 500n * E] });
    await sidecarStaking.stake(devnet.wallet(i), {
      address: c.SidecarStaking,
      args: [sidecar, BigInt(i - 10) * 100n * E],
    });
  }
  await mzkuToken.approve(reader, { address: c.MzkuToken, args: [c.RewardPool, 2_000n * E] });
  await rewardPool.depositMzku(reader, { address: c.RewardPool, args: [2_000n * E] });
  const { targets, values, calldatas } = proposalCalls(flatPricingActions(devnet.deployment, 1, 80n * E));
  await governance.propose(devnet.wallet(1), {
    address: c.Governance,
    args: [targets, values, calldatas, "Enable execution nodes (type 1) at 80 MZKU a day"],
  });
  return { settled, open, pool, sidecar };
}

/** What a browser test file runs against (see {@link startStack}). */
export type Stack<T> = {
  devnet: Devnet;
  indexer: Awaited<ReturnType<typeof startIndexer>>;
  site: Awaited<ReturnType<typeof serveDashboard>>;
  browser: Browser;
  /** One page for the file's tests (a test may open more with `browser.newPage`). */
  page: Page;
  /** What `setup` returned. */
  setup: T;
};

/**
 * The stack of a browser test file, started before its tests and stopped after them (in reverse
 * order, whatever part started): a devnet; `setup(devnet)`, what the file needs on chain first; the
 * indexer and read API, caught up with the chain's head; the dashboard served with a config for both;
 * Chromium and a page. Call it at the top of the file; the fields are there once its tests run.
 */
export function startStack<T = undefined>(setup?: (devnet: Devnet) => Promise<T>): Stack<T> {
  const stack = {} as Stack<T>;
  beforeAll(async () => {
    stack.devnet = await startDevnet();
    stack.setup = (await setup?.(stack.devnet)) as T;
    stack.indexer = await startIndexer(stack.devnet);
    const head = Number(await stack.devnet.wallet(0).getBlockNumber({ cacheTime: 0 }));
    for (;;) {
      const health = (await (await fetch(`${stack.indexer.apiUrl}/health`)).json()) as { indexedBlock: number };
      if (health.indexedBlock >= head) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    stack.site = await serveDashboard(devnetConfig(stack.devnet, stack.indexer.apiUrl));
    stack.browser = await launchChromium();
    stack.page = await stack.browser.newPage();
  });
  afterAll(async () => {
    await stack.browser?.close();
    await stack.site?.stop();
    await stack.indexer?.stop();
    await stack.devnet?.stop();
  });
  return stack;
}
