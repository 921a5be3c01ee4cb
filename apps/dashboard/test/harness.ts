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
import { type Deployment, mzkuToken, projectMarket, reputation } from "@mzku/sdk";
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
import { type Browser, chromium } from "playwright-core";
import { createTestClient, http, type TestClient } from "viem";
import { foundry } from "viem/chains";

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
