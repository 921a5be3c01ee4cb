#!/usr/bin/env node
// devnet.validators_ready_seconds — `mzku devnet --validators 4` from spawning until its ready document:
// everything `mzku devnet` does plus a 2-of-3 DKG of 4 validator keys, 3 co-signers and a combiner,
// Lodestar's beacon node and validator client, until the Beacon API shows blocks proposed and attested
// through the threshold signer (docs/cli.md). Baseline in the same run: devnet.ready_seconds, the same
// devnet without --validators; the ratio is reported. Median of RUNS (default 3) each, alternated.
// Needs the built packages (npm run build) and Lodestar (npm ci --prefix e2e/lodestar).
// Writes bench/results/devnet-validators.json and devnet-validators.raw.json.
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { devnetArgs, machine, median, round, untilReady } from "../lib/devnet.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "../..");
const BIN = join(root, "packages/cli/dist/bin/mzku.js");
const RUNS = Number(process.env.RUNS ?? 3);

/** Starts `mzku devnet [extra]` on free ports, returns seconds until ready, then stops it with SIGTERM. */
async function devnetStart(extra) {
  const { port, args } = await devnetArgs({ beacon: extra.length > 0 });
  const load = loadavg()[0];
  const { seconds, ready, stopSeconds } = await untilReady(process.execPath, [BIN, "devnet", ...args, ...extra], {
    cwd: root,
    port,
    signal: "SIGTERM",
  });
  return {
    seconds,
    reportedSeconds: ready.readySeconds,
    stopSeconds,
    load,
    ...(ready.validators ? { headSlot: ready.validators.headSlot, signed: ready.validators.signed } : {}),
  };
}

const raw = {
  machine: machine(),
  validators: [],
  plain: [],
};
for (let i = 0; i < RUNS; i++) {
  raw.validators.push(await devnetStart(["--validators", "4"]));
  raw.plain.push(await devnetStart([]));
}
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
