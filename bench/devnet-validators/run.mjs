#!/usr/bin/env node
// devnet.validators_ready_seconds — `mzku devnet --validators 4` from spawning until its ready document:
// everything `mzku devnet` does plus a 2-of-3 DKG of 4 validator keys, 3 co-signers and a combiner,
// Lodestar's beacon node and validator client, until the Beacon API shows blocks proposed and attested
// through the threshold signer (docs/cli.md). Baseline in the same run: devnet.ready_seconds, the same
// devnet without --validators; the ratio is reported. Median of RUNS (default 3) each, alternated.
// Needs the built packages (npm run build) and Lodestar (npm ci --prefix e2e/lodestar).
// Writes bench/results/devnet-validators.json and devnet-validators.raw.json.
import { spawn } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, loadavg, platform, release, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "../..");
const BIN = join(root, "packages/cli/dist/bin/mzku.js");
const RUNS = Number(process.env.RUNS ?? 3);

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** Starts `mzku devnet [extra]` on free ports, returns seconds until ready, then stops it with SIGTERM. */
async function devnetStart(extra) {
  const ports = {
    "--port": await freePort(),
    "--api-port": await freePort(),
    ...(extra.length ? { "--beacon-port": await freePort(), "--signer-port": await freePort() } : {}),
  };
  const args = [BIN, "devnet", ...Object.entries(ports).flatMap(([k, v]) => [k, String(v)]), "--json", ...extra];
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    env: { ...process.env, MZKU_LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (c) => (out += c));
  child.stderr.on("data", (c) => (err += c));
  const load = loadavg()[0];
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
  const stopStarted = performance.now();
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
  rmSync(join(root, "contracts/deployments", `devnet-${ports["--port"]}.json`), { force: true });
  return {
    seconds,
    reportedSeconds: ready.readySeconds,
    stopSeconds: (performance.now() - stopStarted) / 1000,
    load,
    ...(ready.validators ? { headSlot: ready.validators.headSlot, signed: ready.validators.signed } : {}),
  };
}

const raw = {
  machine: {
    cpus: cpus().length,
    model: cpus()[0]?.model,
    memGiB: Math.round(totalmem() / 2 ** 30),
    platform: platform(),
    release: release(),
  },
  validators: [],
  plain: [],
};
for (let i = 0; i < RUNS; i++) {
  raw.validators.push(await devnetStart(["--validators", "4"]));
  raw.plain.push(await devnetStart([]));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x) => Math.round(x * 10) / 10;
const withValidators = median(raw.validators.map((r) => r.seconds));
const plain = median(raw.plain.map((r) => r.seconds));
const results = { "devnet.validators_ready_seconds": round(withValidators) };
Object.assign(raw, {
  baselineReadySeconds: round(plain),
  ratio: Math.round((withValidators / plain) * 100) / 100,
  results,
  at: new Date().toISOString(),
});
writeFileSync(join(root, "bench/results/devnet-validators.json"), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(root, "bench/results/devnet-validators.raw.json"), `${JSON.stringify(raw, null, 2)}\n`);
console.error(JSON.stringify({ ...results, baselineReadySeconds: raw.baselineReadySeconds, ratio: raw.ratio }));
