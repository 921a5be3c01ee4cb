#!/usr/bin/env node
// Dashboard: initial bundle size and first render in headless Chromium on loopback.
//
// dashboard.js_gzip_kb: the JavaScript a first visit loads before anything renders — the entry
// script and the chunks index.html preloads (`modulepreload`) — each gzipped at level 9, summed, in
// KiB. Pages other than the marketplace are separate chunks loaded on first visit (reported as
// dashboard.js_gzip_kb_all for every chunk).
//
// dashboard.first_render_ms: Debian's Chromium (playwright-core, executablePath /usr/bin/chromium,
// headless), a fresh browser context per run (cold cache), loads the built dist/ from a static server
// on 127.0.0.1 with its config.json, against anvil (protocol deployed by the production deploy script,
// governors seated, three qualified providers) and the indexer + read API on SQLite, all on loopback.
// Measured by the page itself: performance.now() (ms since navigation start) when the provider table
// first shows its rows (config fetched, marketplace rendered with API data). Median of 5 runs; the
// first-contentful-paint of each run is in the raw file.
//
// Usage: npm run build && node bench/dashboard/run.mjs
import {
  createReadStream,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:http";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { startService } from "@mzku/indexer";
import { silentLogger } from "@mzku/log";
import {
  bootstrapActions,
  contractsDir,
  deployProtocol,
  devKey,
  devWallet,
  passProposal,
  qualifyActions,
  registerProvider,
  seatInvitedGovernors,
  startAnvil,
} from "@mzku/sdk/devnet";
import { chromium } from "playwright-core";
import { createTestClient, http } from "viem";
import { foundry } from "viem/chains";

const here = dirname(fileURLToPath(import.meta.url));
const dist = resolve(here, "..", "..", "apps", "dashboard", "dist");
const RUNS = 5;
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

if (!existsSync(join(dist, "index.html"))) throw new Error("no apps/dashboard/dist: run npm run build first");

// --- bundle size -------------------------------------------------------------------------------------
const html = readFileSync(join(dist, "index.html"), "utf8");
const initial = [
  ...html.matchAll(/<script[^>]+src="\.\/([^"]+\.js)"|<link[^>]+rel="modulepreload"[^>]+href="\.\/([^"]+\.js)"/g),
].map((m) => m[1] ?? m[2]);
const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
const initialBytes = Object.fromEntries(initial.map((f) => [f, gz(f)]));
const allJs = readdirSync(join(dist, "assets")).filter((f) => f.endsWith(".js"));
const allBytes = allJs.reduce((sum, f) => sum + gz(join("assets", f)), 0);
const kib = (n) => Math.round((n / 1024) * 10) / 10;

// --- first render ------------------------------------------------------------------------------------
const machine = {
  cpu: cpus()[0]?.model,
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  loadAverageAtStart: loadavg(),
};
const E = 10n ** 18n;
const anvil = await startAnvil();
const name = `bench-dashboard-${anvil.port}`;
const dir = mkdtempSync(join(tmpdir(), "mzku-bench-dashboard-"));
let service;
let server;
let browser;
const runs = [];
try {
  const deployment = await deployProtocol({ rpcUrl: anvil.rpcUrl, privateKey: devKey(0), name });
  const testClient = createTestClient({ chain: foundry, mode: "anvil", transport: http(anvil.rpcUrl) });
  const wallet = (i) => devWallet(anvil.rpcUrl, i);
  const governors = [wallet(1), wallet(2), wallet(3)];
  await seatInvitedGovernors(deployment, governors);
  await passProposal(deployment, governors, testClient, bootstrapActions(deployment), "bootstrap");
  const ids = [];
  for (const i of [9, 10, 11])
    ids.push(await registerProvider(deployment, wallet(i), { brandName: `Provider ${i - 8}`, priceCap: 10_000n * E }));
  await passProposal(deployment, governors, testClient, qualifyActions(deployment, ids), "qualify");
  service = await startService({
    mode: "serve",
    databaseUrl: join(dir, "index.sqlite"),
    rpcUrl: anvil.rpcUrl,
    deployment,
    confirmations: 1,
    pollIntervalMs: 200,
    host: "127.0.0.1",
    port: 0,
    log: silentLogger,
  });
  const head = await wallet(0).getBlockNumber({ cacheTime: 0 });
  while ((await (await fetch(`${service.api.url}/health`)).json()).indexedBlock < Number(head))
    await new Promise((r) => setTimeout(r, 200));
  const config = JSON.stringify({
    apiUrl: service.api.url,
    rpcUrl: anvil.rpcUrl,
    devnet: true,
    deployment: { chainId: deployment.chainId, startBlock: deployment.startBlock.toString(), ...deployment.contracts },
  });
  const types = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css" };
  server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path === "/config.json") return res.writeHead(200, { "content-type": "application/json" }).end(config);
    const file = resolve(dist, `.${path === "/" ? "/index.html" : path}`);
    if (!file.startsWith(dist) || !existsSync(file) || !statSync(file).isFile()) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(res);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${server.address().port}/`;
  browser = await chromium.launch({
    executablePath: process.env.MZKU_CHROMIUM ?? "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
  });
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(url, { waitUntil: "commit" });
    const rendered = await page.waitForFunction(
      () => (document.querySelectorAll("table.providers tbody tr").length === 3 ? performance.now() : false),
      null,
      { polling: "raf", timeout: 30_000 },
    );
    const ms = await rendered.jsonValue();
    const fcp = await page.evaluate(() => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? null);
    runs.push({ firstRenderMs: Math.round(ms), firstContentfulPaintMs: fcp === null ? null : Math.round(fcp) });
    await context.close();
  }
} finally {
  await browser?.close();
  await new Promise((r) => (server ? server.close(r) : r()));
  await service?.stop();
  await anvil.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(join(contractsDir(), "deployments", `${name}.json`), { force: true });
}
const sorted = runs.map((r) => r.firstRenderMs).sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)];
machine.loadAverageAtEnd = loadavg();
const results = {
  "dashboard.js_gzip_kb": kib(Object.values(initialBytes).reduce((a, b) => a + b, 0)),
  "dashboard.js_gzip_kb_all": kib(allBytes),
  "dashboard.first_render_ms": median,
};
const raw = { machine, initialChunksGzipBytes: initialBytes, allJsGzipBytes: allBytes, runs, results };
writeFileSync(join(here, "..", "results", "dashboard.json"), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(here, "..", "results", "dashboard.raw.json"), `${JSON.stringify(raw, null, 2)}\n`);
console.error(`bench dashboard: ${JSON.stringify(results)}`);
