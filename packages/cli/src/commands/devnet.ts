import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, normalize, resolve } from "node:path";
import { parseArgs } from "node:util";
import { UsageError } from "@mzku/errors";
import type { Logger } from "@mzku/log";
import {
  type AnvilInstance,
  advanceTime,
  bootstrapActions,
  contractsDir,
  deployProtocol,
  devAccount,
  devKey,
  devWallet,
  flatPricingActions,
  passProposal,
  qualifyActions,
  seatInvitedGovernors,
  startAnvil,
} from "@mzku/sdk/devnet";
import { createTestClient, http } from "viem";
import { foundry } from "viem/chains";
import { DEVNET_ACCOUNTS } from "../cli/accounts.js";
import { devnetDeploymentFile } from "../cli/context.js";
import { CliError } from "../cli/errors.js";
import { toJson } from "../cli/output.js";
import { parseDuration } from "../cli/units.js";
import {
  applyProviders,
  devGovernors,
  E,
  lockCollateral,
  PROVIDERS,
  shortAuctionsAction,
  startNodes,
} from "../devnetSetup.js";
import type { ChainProgress, DevnetValidators } from "../devnetValidators.js";

export const devnetUsage = `mzku devnet [--port 8545] [--api-port 8550] [--dashboard-port 8560] [--block-time 1]
            [--no-indexer] [--no-sidecars] [--config contracts/config/devnet.json] [--json]
            [--validators [N] [--beacon-port 8565] [--signer-port 8570]]
mzku devnet advance <duration> [--rpc <url>]     move the devnet's clock (e.g. 3d, 12h)
mzku devnet mine <blocks> | --to <block> [--rpc]  mine blocks

Starts a local chain (anvil, a block every --block-time seconds and every transaction mined at once)
on 127.0.0.1, deploys the protocol with the production deploy script, seats the invited governors,
and has governance (one proposal) point the stake observers at the Reward Pool, qualify the four
providers (provider1-4, each with a node run by sidecar1-4), price project type 2 at 100 MZKU a day
and shorten the auction windows to 60 blocks. It starts one sidecar daemon per node (\`mzku sidecar start\`,
attached to this chain; status and metrics on free ports, printed; --no-sidecars: none), which joins
the audit roster (they start with the deploy and get the deployment once the set-up is done), and
the indexer and the read API (beside the set-up transactions). It serves the dashboard's static build (apps/dashboard/dist) when it has
been built, prints the URLs and the named accounts (--json: one JSON document) and stays up until Ctrl-C, which stops everything it started.
A port already taken is refused before anything starts.

--validators [N] (default 4) also runs a consensus chain whose validators sign only through threshold
shares: a 2-of-3 DKG makes N validator keys (mzku keys dkg per party), three co-signers and a combiner
(mzku signer start, Web3Signer API on --signer-port) hold them, a Lodestar beacon node (dev chain, minimal
preset, 2 s slots, genesis = exactly those keys; Beacon API on --beacon-port) and a Lodestar validator
client signing through the combiner. sidecar1 watches the beacon node (attached). The devnet is ready once the
Beacon API shows blocks proposed and attested through the signer. Lodestar is the repository's
e2e/lodestar install (npm ci --prefix e2e/lodestar) or MZKU_LODESTAR_DIR.

Examples:
  mzku devnet
  mzku devnet --port 9545 --api-port 9550 --json
  mzku devnet --validators 4
  mzku devnet advance 5d`;

export async function devnet(argv: string[], log: Logger): Promise<void> {
  const [sub] = argv;
  if (sub === "advance" || sub === "mine") return devnetClock(sub, argv.slice(1), log);
  const started = Date.now();
  const { values } = parseArgs({
    args: optionalValue(argv, "--validators", "4"),
    options: {
      port: { type: "string", default: "8545" },
      "api-port": { type: "string" },
      "dashboard-port": { type: "string" },
      "block-time": { type: "string", default: "1" },
      "no-indexer": { type: "boolean" },
      "no-sidecars": { type: "boolean" },
      config: { type: "string" },
      json: { type: "boolean" },
      validators: { type: "string" },
      "beacon-port": { type: "string" },
      "signer-port": { type: "string" },
    },
    strict: true,
  });
  const port = portOption("--port", values.port);
  const apiPort = portOption("--api-port", values["api-port"] ?? String(port + 5));
  const dashboardPort = portOption("--dashboard-port", values["dashboard-port"] ?? String(port + 15));
  const blockTime = Number(values["block-time"]);
  if (!(blockTime > 0)) throw new UsageError("BAD_BLOCK_TIME", "--block-time must be > 0 seconds");
  const dashboardDir = resolve(contractsDir(), "..", "apps", "dashboard", "dist");
  const serveDashboard = existsSync(join(dashboardDir, "index.html"));
  const indexer = values["no-indexer"] !== true;
  const withSidecars = values["no-sidecars"] !== true;
  const validators = values.validators === undefined ? undefined : validatorCount(values.validators);
  const beaconPort = portOption("--beacon-port", values["beacon-port"] ?? String(port + 20));
  const signerPort = portOption("--signer-port", values["signer-port"] ?? String(port + 25));
  if (validators === undefined && (values["beacon-port"] || values["signer-port"]))
    throw new UsageError("BAD_ARGUMENT", "--beacon-port and --signer-port need --validators");
  await requireFree(port, "--port");
  if (indexer) await requireFree(apiPort, "--api-port");
  if (serveDashboard) await requireFree(dashboardPort, "--dashboard-port");
  if (validators !== undefined) {
    await requireFree(beaconPort, "--beacon-port");
    await requireFree(signerPort, "--signer-port");
    const { requireLodestar } = await import("../devnetValidators.js");
    requireLodestar();
  }

  const stops: (() => Promise<void>)[] = [];
  let stopping: Promise<void> | undefined;
  const stopAll = () =>
    (stopping ??= (async () => {
      for (const stop of [...stops].reverse()) await stop().catch(() => {});
    })());
  // Ctrl-C / SIGTERM: once up, stop everything and return; while starting, stop what started and exit
  let up = false;
  const signalled = new Promise<void>((resolveSignal) => {
    const onSignal = () => {
      if (up) return resolveSignal();
      log.warn("Interrupted while starting: stopping what started");
      void stopAll().finally(() => process.exit(130));
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
  });
  /** Rejects the sidecars' hand-over (their deployment file) when the start fails. */
  let withhold: ((error: unknown) => void) | undefined;
  try {
    log.info("Starting anvil", { host: "127.0.0.1", port, blockTime });
    const anvil: AnvilInstance = await startAnvil({ port, blockTime, mixedMining: true });
    stops.push(async () => {
      log.info("Stopping anvil", { pid: anvil.pid });
      await anvil.stop();
    });
    // the consensus chain needs nothing from anvil: it starts (DKG, signers, Lodestar) while the protocol deploys
    const chain =
      validators === undefined
        ? undefined
        : import("../devnetValidators.js").then((m) =>
            m.startValidators({
              count: validators,
              beaconPort,
              signerPort,
              log: log.child({ component: "validators" }),
            }),
          );
    chain?.catch(() => undefined);
    stops.push(async () => {
      const up = await chain?.catch(() => undefined);
      if (up === undefined) return;
      log.info("Stopping the validator chain", { pids: up.info.processes.map((p) => p.pid) });
      await up.stop();
    });
    const deploymentFile = devnetDeploymentFile(anvil.rpcUrl);
    const name = deploymentFile.replace(/^.*\//, "").replace(/\.json$/, "");
    log.info("Deploying the protocol (compiles the contracts on first use)", { rpcUrl: anvil.rpcUrl });
    const deploying = deployProtocol({
      rpcUrl: anvil.rpcUrl,
      privateKey: devKey(0),
      name,
      ...(values.config ? { configPath: values.config } : {}),
      onOutput: (line) => {
        if (/^\s*(Compiling|Compiler run|##|✅|Total Paid)/.test(line)) log.info("forge", { line: line.trim() });
      },
    });
    deploying.catch(() => {}); // awaited below
    // The sidecars start now: most of a sidecar's start is loading its own code, done while the
    // protocol deploys and the set-up runs; each waits for its deployment file, handed over once the
    // set-up has registered and activated the nodes: a sidecar then joins the roster at its first step
    // (and never announces itself while unregistered, which its peers would score as a bad sender).
    let handOver!: () => void;
    const setUp = new Promise<void>((resolveSetUp, rejectSetUp) => {
      handOver = resolveSetUp;
      withhold = rejectSetUp;
    });
    setUp.catch(() => {}); // followed by the sidecars, if any
    const sidecars = withSidecars
      ? import("../devnetSidecars.js").then(({ startSidecars }) => {
          log.info("Starting a sidecar per provider node (attached to this chain)");
          const firstNode =
            validators === undefined ? undefined : { url: `http://127.0.0.1:${beaconPort}`, kind: "beacon" as const };
          return startSidecars(
            anvil.rpcUrl,
            setUp.then(() => deploymentFile),
            log,
            firstNode,
          );
        })
      : undefined;
    const sidecarsStarting = sidecars?.then((s) => s.up);
    sidecarsStarting?.catch(() => {}); // awaited below; a failure stops its own processes
    stops.push(async () => {
      const started = await sidecars?.catch(() => undefined);
      if (started === undefined) return;
      log.info("Stopping the sidecars");
      await started.stop();
    });
    const deployment = await deploying;
    // From here the indexer and the API start beside the chain set-up's transactions (each needs only
    // the deployment; the sidecars started with the deploy).
    const services = startServices();
    services.catch(() => {}); // awaited below
    stops.push(async () => {
      const up = await services.catch(() => undefined);
      for (const stop of [...(up?.stops ?? [])].reverse()) await stop();
    });
    async function startServices() {
      const stops: (() => Promise<void>)[] = [];
      let apiUrl: string | undefined;
      try {
        if (indexer) {
          const { startService } = await import("@mzku/indexer");
          const dir = mkdtempSync(join(tmpdir(), "mzku-devnet-"));
          const service = await startService({
            mode: "serve",
            databaseUrl: join(dir, "indexer.sqlite"),
            rpcUrl: anvil.rpcUrl,
            deployment,
            confirmations: 1,
            port: apiPort,
            log: log.child({ component: "indexer" }),
          });
          stops.push(async () => {
            log.info("Stopping the indexer and the API");
            await service.stop();
            rmSync(dir, { recursive: true, force: true });
          });
          apiUrl = `http://127.0.0.1:${apiPort}`;
        }
        let dashboardUrl: string | undefined;
        if (serveDashboard) {
          // The dashboard's runtime config (docs/dashboard.md); `devnet` offers anvil's dev accounts in the page.
          const config = {
            apiUrl,
            rpcUrl: anvil.rpcUrl,
            devnet: true,
            deployment: JSON.parse(readFileSync(deploymentFile, "utf8")) as unknown,
          };
          const server = await serveStatic(dashboardDir, dashboardPort, { "/config.json": toJson(config) });
          stops.push(() => new Promise<void>((r) => server.close(() => r())));
          dashboardUrl = `http://127.0.0.1:${dashboardPort}`;
        }
        return { apiUrl, dashboardUrl, stops };
      } catch (error) {
        for (const stop of stops.reverse()) await stop().catch(() => {});
        throw error;
      }
    }

    const configPath = values.config ?? join(contractsDir(), "config", "devnet.json");
    const governors = devGovernors(configPath, anvil.rpcUrl);
    log.info("Seating the invited governors", { count: governors.length });
    await seatInvitedGovernors(deployment, governors);
    const providerIds = await applyProviders(deployment, anvil.rpcUrl, log);
    log.info(
      "Governance: stake observers, qualify the providers, price type 2, 60-block auctions (clock jumps past the timelock)",
    );
    const testClient = createTestClient({ chain: foundry, mode: "anvil", transport: http(anvil.rpcUrl) });
    const proposalId = await passProposal(
      deployment,
      governors,
      testClient,
      [
        ...bootstrapActions(deployment),
        ...qualifyActions(deployment, providerIds),
        ...flatPricingActions(deployment, 2, 100n * E),
        await shortAuctionsAction(deployment, anvil.rpcUrl),
      ],
      "devnet setup",
    );
    log.info("Setup proposal executed", { proposalId });
    await lockCollateral(deployment, anvil.rpcUrl);
    if (withSidecars) await (await import("../devnetSidecars.js")).fundSidecars(anvil.rpcUrl);
    await startNodes(deployment, anvil.rpcUrl, log);
    log.info("Chain set-up done");
    handOver();
    const { apiUrl, dashboardUrl } = await services;
    const sidecarsUp = await sidecarsStarting;
    const validatorChain = await chain;
    let progress: import("../devnetValidators.js").ChainProgress | undefined;
    if (validatorChain) {
      log.info("Waiting for blocks proposed and attested through the threshold signer", {
        beaconUrl: validatorChain.info.beaconUrl,
      });
      progress = await validatorChain.ready(180_000);
    }
    const ready = {
      rpcUrl: anvil.rpcUrl,
      chainId: deployment.chainId,
      startBlock: deployment.startBlock,
      deploymentFile,
      apiUrl: apiUrl ?? null,
      dashboardUrl: dashboardUrl ?? null,
      contracts: deployment.contracts,
      providers: PROVIDERS.map((p, i) => ({
        name: p.name,
        providerId: providerIds[i],
        address: devAccount(p.index).address,
        sidecar: devAccount(p.sidecar).address,
        sidecarStatusUrl: sidecarsUp?.[i]?.statusUrl,
        sidecarMetricsUrl: sidecarsUp?.[i]?.metricsUrl,
        sidecarNode: sidecarsUp?.[i]?.node,
      })),
      validators: validatorChain && progress ? { ...validatorChain.info, ...progress } : null,
      accounts: Object.fromEntries(Object.entries(DEVNET_ACCOUNTS).map(([n, i]) => [n, devAccount(i).address])),
      readySeconds: (Date.now() - started) / 1000,
    };
    if (values.json) process.stdout.write(`${toJson(ready)}\n`);
    else process.stdout.write(summary(ready, indexer, serveDashboard, validatorsSummary(ready.validators)));
    log.info("Devnet up; Ctrl-C stops it", { rpcUrl: anvil.rpcUrl, readySeconds: ready.readySeconds });
  } catch (error) {
    withhold?.(error);
    await stopAll();
    throw error;
  }
  up = true;
  await signalled;
  await stopAll();
}

/** `--validators` takes an optional count: `--validators`, `--validators 8`, `--validators=8`. */
function optionalValue(argv: string[], flag: string, fallback: string): string[] {
  const i = argv.indexOf(flag);
  if (i < 0) return argv;
  const next = argv[i + 1];
  const value = next !== undefined && /^\d+$/.test(next) ? next : fallback;
  return [...argv.slice(0, i), `${flag}=${value}`, ...argv.slice(i + (value === next ? 2 : 1))];
}

function validatorCount(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new UsageError("BAD_VALIDATORS", `--validators must be 1-64 validator keys, got ${raw}`);
  return n;
}

function validatorsSummary(v: (DevnetValidators & ChainProgress) | null): string {
  if (v === null) return "";
  return `  Consensus   ${v.count} validators, keys only as ${v.threshold}-of-${v.cosigners.length} shares; head slot ${v.headSlot}, ${v.signed.blocks} blocks and ${v.signed.attestations} attestations signed so far
  Beacon API  ${v.beaconUrl} (Lodestar, ${v.secondsPerSlot} s slots; metrics ${v.beaconMetricsUrl})
  Signer      ${v.signerUrl} (combiner, Web3Signer API; metrics ${v.signerMetricsUrl})
  Validator   Lodestar validator client (metrics ${v.validatorMetricsUrl})
  Logs        ${v.dataDir}
`;
}

function summary(
  r: {
    rpcUrl: string;
    chainId: number;
    apiUrl: string | null;
    dashboardUrl: string | null;
    deploymentFile: string;
    readySeconds: number;
    providers: { name: string; sidecarStatusUrl?: string | undefined; sidecarNode?: { kind: string } | undefined }[];
  },
  indexer: boolean,
  dashboard: boolean,
  more: string,
): string {
  return `MZKU devnet ready in ${r.readySeconds.toFixed(1)} s
  RPC         ${r.rpcUrl} (chain ${r.chainId})
  API         ${r.apiUrl ? `${r.apiUrl} (OpenAPI at /openapi.json)` : indexer ? "" : "off (--no-indexer)"}
  Dashboard   ${r.dashboardUrl ?? (dashboard ? "" : "not built (npm run build -w @mzku/dashboard, then restart)")}
  Deployment  ${r.deploymentFile}
  Sidecars    ${r.providers[0]?.sidecarStatusUrl === undefined ? "off (--no-sidecars)" : r.providers.map((p) => `${p.name.replace("provider", "sidecar")} ${p.sidecarStatusUrl} (/metrics)${p.sidecarNode?.kind === "beacon" ? " watching the beacon node" : ""}`).join("\n              ")}
  Accounts    gov1-3 governors; provider1-4 qualified, one node each (sidecar1-4); requester;
              investor1-8; candidate; cosigner (the pool co-signer); treasury
  Try         mzku project request -a requester
              mzku provider bid 1 60mzku -a provider1
              mzku gov status
${more}Ctrl-C stops everything.
`;
}

function portOption(name: string, raw: string | undefined): number {
  const port = Number(raw);
  if (!Number.isInteger(port) || port <= 0 || port > 65_535)
    throw new UsageError("BAD_PORT", `${name} must be 1-65535, got ${raw}`);
  return port;
}

/** Refuses a port something already listens on (before anything starts). */
async function requireFree(port: number, option: string): Promise<void> {
  await new Promise<void>((resolvePort, reject) => {
    const probe = createNetServer();
    probe.once("error", (cause: NodeJS.ErrnoException) =>
      reject(
        new CliError(
          "PORT_IN_USE",
          `127.0.0.1:${port} is taken${option === "--port" ? " (another devnet?)" : ""}: stop what listens there or pass ${option}`,
          { cause },
        ),
      ),
    );
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolvePort()));
  });
}

const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".map": "application/json",
};

/** Serves a static build on 127.0.0.1 (unknown paths get index.html: the app routes itself); `extra` adds generated files. */
function serveStatic(dir: string, port: number, extra: Record<string, string>): Promise<Server> {
  const root = resolve(dir);
  const server = createHttpServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const generated = extra[path];
    if (generated !== undefined) {
      res.writeHead(200, { "content-type": MIME[extname(path)] ?? "application/octet-stream" }).end(generated);
      return;
    }
    const file = normalize(join(root, path));
    const target =
      file.startsWith(root) && existsSync(file) && !file.endsWith("/") && extname(file)
        ? file
        : join(root, "index.html");
    try {
      res
        .writeHead(200, { "content-type": MIME[extname(target)] ?? "application/octet-stream" })
        .end(readFileSync(target));
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolveServer, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolveServer(server));
  });
}

/** `mzku devnet advance <duration>` / `mzku devnet mine <blocks> | --to <block>`: a devnet's clock. */
async function devnetClock(sub: "advance" | "mine", argv: string[], log: Logger): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { rpc: { type: "string" }, to: { type: "string" }, json: { type: "boolean" } },
    allowPositionals: true,
    strict: true,
  });
  const rpcUrl = values.rpc ?? process.env.MZKU_RPC ?? "http://127.0.0.1:8545";
  const testClient = createTestClient({ chain: foundry, mode: "anvil", transport: http(rpcUrl, { retryCount: 0 }) });
  const reader = devWallet(rpcUrl, 0);
  let chainId: number;
  try {
    chainId = await reader.getChainId();
  } catch (cause) {
    throw new CliError("RPC_UNREACHABLE", `no node answers at ${rpcUrl} (start one with mzku devnet, or pass --rpc)`, {
      cause,
    });
  }
  if (chainId !== 31337) throw new UsageError("NOT_A_DEVNET", `${rpcUrl} is chain ${chainId}, not a devnet`);
  if (sub === "advance") {
    const seconds = parseDuration(positionals[0] ?? "", "duration");
    const timestamp = await advanceTime(testClient, reader, seconds);
    log.debug("Advanced", { seconds: seconds.toString() });
    process.stdout.write(
      values.json
        ? `${toJson({ advanced: seconds, timestamp })}\n`
        : `Clock moved ${seconds} s: now ${new Date(Number(timestamp) * 1000).toISOString()}\n`,
    );
    return;
  }
  const { mineTo } = await import("@mzku/sdk/devnet");
  const now = await reader.getBlockNumber({ cacheTime: 0 });
  let target: bigint;
  if (values.to !== undefined) {
    if (!/^\d+$/.test(values.to))
      throw new UsageError("BAD_ARGUMENT", `--to must be a block number, got "${values.to}"`);
    target = BigInt(values.to);
  } else {
    const n = positionals[0];
    if (n === undefined || !/^\d+$/.test(n))
      throw new UsageError("BAD_ARGUMENT", "mzku devnet mine <blocks> | --to <block>");
    target = now + BigInt(n);
  }
  const block = await mineTo(testClient, reader, target);
  process.stdout.write(values.json ? `${toJson({ block })}\n` : `At block ${block}\n`);
}
