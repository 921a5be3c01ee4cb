#!/usr/bin/env node
// devnet.first_start_seconds — what `npm start` costs right after `npm ci` for the contracts: forge
// compiles the sources and the deploy script (not the tests) into an empty out/ and cache/ (temporary
// ones, FOUNDRY_OUT / FOUNDRY_CACHE_PATH, so the working tree's build is left alone), then `mzku devnet`
// runs until it prints its ready document. devnet.ready_seconds — the same start with the contracts
// built: from spawning `mzku devnet` until ready (anvil, deploy script, governors, 4 providers with
// nodes, the setup proposal, indexer + API). The TypeScript build (tsc of six packages, which `npm start`
// also runs after `npm ci`) is measured on its own: devnet.ts_build_seconds. Baseline in the same run:
// devnet.full_contracts_build_seconds, forge build of everything (tests included) into an empty out/,
// which is what the first start compiled before. Median of RUNS (default 3) for ready_seconds.
// Needs the built packages (npm run build). Writes bench/results/devnet.json and devnet.raw.json.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, loadavg, platform, release, tmpdir, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "../..");
const BIN = join(root, "packages/cli/dist/bin/mzku.js");
const FORGE = join(root, "node_modules/.bin/forge");
const RUNS = Number(process.env.RUNS ?? 3);

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** Starts `mzku devnet` with `env`, returns seconds until its ready document, then stops it with SIGINT. */
async function devnetStart(env) {
  const port = await freePort();
  const apiPort = await freePort();
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [BIN, "devnet", "--port", String(port), "--api-port", String(apiPort), "--json"],
    {
      env: { ...process.env, ...env, MZKU_LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  let err = "";
  child.stdout.on("data", (c) => (out += c));
  child.stderr.on("data", (c) => (err += c));
  const seconds = await new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (out.trim().endsWith("}")) {
        clearInterval(timer);
        resolve((performance.now() - started) / 1000);
      } else if (child.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`mzku devnet exited ${child.exitCode}: ${err.slice(-2000)}`));
      }
    }, 50);
  });
  const ready = JSON.parse(out);
  child.kill("SIGINT");
  await new Promise((r) => child.once("exit", r));
  rmSync(join(root, "contracts/deployments", `devnet-${port}.json`), { force: true });
  return { seconds, reportedSeconds: ready.readySeconds };
}

function timed(command, args, options) {
  const started = performance.now();
  const r = spawnSync(command, args, { stdio: ["ignore", "ignore", "inherit"], ...options });
  if (r.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${r.status}`);
  return (performance.now() - started) / 1000;
}

const raw = {
  machine: {
    cpus: cpus().length,
    model: cpus()[0]?.model,
    memGiB: Math.round(totalmem() / 2 ** 30),
    platform: platform(),
    release: release(),
  },
  load: [],
};

// Baseline: everything, tests included, from nothing.
const full = mkdtempSync(join(tmpdir(), "mzku-bench-forge-full-"));
raw.load.push(loadavg()[0]);
const fullSeconds = timed(FORGE, ["build"], {
  cwd: join(root, "contracts"),
  env: { ...process.env, FOUNDRY_OUT: join(full, "out"), FOUNDRY_CACHE_PATH: join(full, "cache") },
});
rmSync(full, { recursive: true, force: true });

// First start: sources + script from nothing, then the devnet (its forge script finds them built).
const fresh = mkdtempSync(join(tmpdir(), "mzku-bench-forge-"));
const forgeEnv = { FOUNDRY_OUT: join(fresh, "out"), FOUNDRY_CACHE_PATH: join(fresh, "cache") };
raw.load.push(loadavg()[0]);
const compileSeconds = timed(FORGE, ["build", "--skip", "test"], {
  cwd: join(root, "contracts"),
  env: { ...process.env, ...forgeEnv },
});
const first = await devnetStart(forgeEnv);
rmSync(fresh, { recursive: true, force: true });

// TypeScript build of what the devnet runs (what npm start's build:devnet does after the contracts).
raw.load.push(loadavg()[0]);
const tsSeconds = timed(
  "npm",
  [
    "run",
    "build",
    "-w",
    "@mzku/errors",
    "-w",
    "@mzku/log",
    "-w",
    "@mzku/signer",
    "-w",
    "@mzku/sdk",
    "-w",
    "@mzku/indexer",
    "-w",
    "@mzku/cli",
  ],
  { cwd: root },
);

// Built: the start itself.
const ready = [];
for (let i = 0; i < RUNS; i++) {
  raw.load.push(loadavg()[0]);
  ready.push(await devnetStart({}));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x) => Math.round(x * 10) / 10;
const results = {
  "devnet.first_start_seconds": round(compileSeconds + first.seconds),
  "devnet.ready_seconds": round(median(ready.map((r) => r.seconds))),
  "devnet.ts_build_seconds": round(tsSeconds),
  "devnet.full_contracts_build_seconds": round(fullSeconds),
};
Object.assign(raw, {
  compileSeconds,
  firstStart: first,
  ready,
  tsSeconds,
  fullSeconds,
  results,
  at: new Date().toISOString(),
});
writeFileSync(join(root, "bench/results/devnet.json"), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(root, "bench/results/devnet.raw.json"), `${JSON.stringify(raw, null, 2)}\n`);
console.error(JSON.stringify(results));
