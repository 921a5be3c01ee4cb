#!/usr/bin/env node
// devnet.first_start_seconds — what a user waits for after `npm ci` when typing `npm start`: a fresh
// `git clone` of HEAD, `npm ci --offline` (npm's cache; timed apart, devnet.npm_ci_seconds), then
// `npm start -- --json …` timed from its spawn until `mzku devnet` prints its ready document. It
// includes everything npm start does: the build (scripts/build-devnet.mjs: forge compiles the sources
// and the deploy script while TypeScript emits the packages' JavaScript) and the devnet's start.
// Breakdown: devnet.first_start_build_seconds = total − the devnet's own readySeconds.
// Baseline in the same run and the same clone (out/, cache/ and every dist/ removed between runs,
// which is the state npm ci leaves): the build npm start did before, `forge build --skip test` then
// `tsc` of the seven packages one after another (`npm run build -w …`), then `mzku devnet`.
// FIRST_RUNS (default 2) rounds alternate the two, so both see the same load; the noise is the spread.
// devnet.ready_seconds — `mzku devnet` with everything built (the clone, after the baseline's tsc):
// from its spawn until ready, median of RUNS (default 3). Baseline in the same run, alternating:
// `mzku devnet --no-sidecars` (the chain, the deploy, the set-up, the indexer; no sidecar daemons),
// devnet.ready_no_sidecars_seconds and the ratio devnet.ready_vs_no_sidecars.
// BENCH_DEVNET=ready measures only these, in this working tree as built (npm run build), and keeps
// the other keys of the last results.
// Load: the 1-minute load average sampled every second during each measurement (mean and max).
// Measures the committed HEAD. Writes bench/results/devnet.json and devnet.raw.json.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, platform, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { devnetArgs, machine, median, round, untilReady } from "../lib/devnet.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "../..");
const RUNS = Number(process.env.RUNS ?? 3);
const FIRST_RUNS = Number(process.env.FIRST_RUNS ?? 2);
// forge's platform binary: the npm wrapper in node_modules/.bin exits 0 whatever forge returns.
const FORGE = `node_modules/@foundry-rs/forge-${platform()}-${process.arch === "x64" ? "amd64" : process.arch}/bin/forge`;
const PACKAGES = ["errors", "log", "signer", "sdk", "sidecar", "indexer", "cli"];

/** Runs `fn` while sampling the load average each second; returns its result with `load: {mean, max}`. */
async function underLoad(fn) {
  const samples = [loadavg()[0]];
  const timer = setInterval(() => samples.push(loadavg()[0]), 1000);
  try {
    const result = await fn();
    return {
      ...result,
      load: { mean: round(samples.reduce((a, b) => a + b) / samples.length), max: Math.max(...samples) },
    };
  } finally {
    clearInterval(timer);
  }
}

/** `untilReady` of an `npm start` or `mzku devnet`: stopped with SIGINT (Ctrl-C) to its process group. */
async function devnetReady(command, args, cwd, port) {
  const { seconds, ready } = await untilReady(command, args, { cwd, port, signal: "SIGINT", group: true });
  return { seconds, devnetSeconds: ready.readySeconds };
}

/** Runs `command` to completion (asynchronously, so the load keeps being sampled); returns its seconds. */
function timed(command, args, options) {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "ignore", "inherit"], ...options });
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0
        ? resolve((performance.now() - started) / 1000)
        : reject(new Error(`${command} ${args.join(" ")} exited ${code}`)),
    );
  });
}

const raw = { machine: machine() };

const readyOnly = process.env.BENCH_DEVNET === "ready";
const resultsFile = join(root, "bench/results/devnet.json");
const rawFile = join(root, "bench/results/devnet.raw.json");
const results = readyOnly && existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, "utf8")) : {};
if (readyOnly && existsSync(rawFile))
  Object.assign(raw, JSON.parse(readFileSync(rawFile, "utf8")), { machine: raw.machine });
raw.commit = spawnSync("git", ["rev-parse", "HEAD"], { cwd: root, encoding: "utf8" }).stdout.trim();

/** The built start, RUNS rounds alternating with the baseline without sidecars (same load). */
async function readyRuns(cwd, mzku) {
  raw.ready = [];
  raw.readyNoSidecars = [];
  for (let i = 0; i < RUNS; i++) {
    for (const [runs, extra] of [
      [raw.ready, []],
      [raw.readyNoSidecars, ["--no-sidecars"]],
    ]) {
      const { port, args } = await devnetArgs();
      runs.push(await underLoad(() => devnetReady(process.execPath, [mzku, "devnet", ...args, ...extra], cwd, port)));
    }
  }
  const ready = median(raw.ready.map((r) => r.seconds));
  const baseline = median(raw.readyNoSidecars.map((r) => r.seconds));
  Object.assign(results, {
    "devnet.ready_seconds": round(ready),
    "devnet.ready_no_sidecars_seconds": round(baseline),
    "devnet.ready_vs_no_sidecars": Math.round((ready / baseline) * 100) / 100,
  });
}

if (readyOnly) {
  await readyRuns(root, join(root, "packages/cli/dist/bin/mzku.js"));
} else {
  // A fresh clone of HEAD and npm ci, as a user gets it.
  const dir = mkdtempSync(join(tmpdir(), "mzku-bench-devnet-"));
  const clone = join(dir, "mzku");
  await timed("git", ["clone", "--quiet", "--no-hardlinks", root, clone], {});
  raw.npmCi = await underLoad(async () => ({
    seconds: await timed("npm", ["ci", "--offline", "--no-audit", "--no-fund"], { cwd: clone }),
  }));

  /** Back to what npm ci leaves: no contracts build, no dist/. */
  const unbuild = () => {
    for (const p of ["contracts/out", "contracts/cache", ...PACKAGES.map((p) => `packages/${p}/dist`)])
      rmSync(join(clone, p), { recursive: true, force: true });
  };
  const mzku = join(clone, "packages/cli/dist/bin/mzku.js");

  raw.firstStart = [];
  raw.baseline = [];
  for (let i = 0; i < FIRST_RUNS; i++) {
    unbuild();
    const { port, args } = await devnetArgs();
    raw.firstStart.push(await underLoad(() => devnetReady("npm", ["--silent", "start", "--", ...args], clone, port)));
    unbuild();
    raw.baseline.push(
      await underLoad(async () => {
        const forgeSeconds = await timed(join(clone, FORGE), ["build", "--skip", "test"], {
          cwd: join(clone, "contracts"),
        });
        const tscSeconds = await timed("npm", ["run", "build", ...PACKAGES.flatMap((p) => ["-w", `@mzku/${p}`])], {
          cwd: clone,
        });
        const b = await devnetArgs();
        const devnet = await devnetReady(process.execPath, [mzku, "devnet", ...b.args], clone, b.port);
        return { seconds: forgeSeconds + tscSeconds + devnet.seconds, forgeSeconds, tscSeconds, devnet };
      }),
    );
  }

  // Built: the start itself.
  await readyRuns(clone, mzku);
  rmSync(dir, { recursive: true, force: true });

  const first = median(raw.firstStart.map((r) => r.seconds));
  const firstRun = raw.firstStart.find((r) => r.seconds === first);
  const baseline = median(raw.baseline.map((r) => r.seconds));
  Object.assign(results, {
    "devnet.first_start_seconds": round(first),
    "devnet.first_start_build_seconds": round(firstRun.seconds - firstRun.devnetSeconds),
    "devnet.first_start_baseline_seconds": round(baseline),
    "devnet.first_start_vs_baseline": Math.round((first / baseline) * 100) / 100,
    "devnet.npm_ci_seconds": round(raw.npmCi.seconds),
  });
}
Object.assign(raw, { results, at: new Date().toISOString() });
writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(rawFile, `${JSON.stringify(raw, null, 2)}\n`);
console.error(JSON.stringify(results));
