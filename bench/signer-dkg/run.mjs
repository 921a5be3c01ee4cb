#!/usr/bin/env node
// signer.dkg_100_validators_seconds — 4 parties, threshold 3, 100 validator keys, each party a
// separate `mzku-signer keys dkg` process talking HTTP on 127.0.0.1 (signed + encrypted messages).
// One run = wall time from spawning the 4 processes until all have exited 0, which covers process
// start-up, the whole DKG (rounds 1-5), the threshold-signed deposit data for all 100 validators
// (round 6) and writing 100 EIP-2335 scrypt keystores per party. Median over RUNS runs (default 5).
// Needs the built package: npm run build -w @mzku/signer.
// Writes bench/results/signer-dkg.json and bench/results/signer-dkg.raw.json.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, platform, release, tmpdir, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "../..");
const pkg = join(root, "packages/signer/dist");
const BIN = join(pkg, "bin/mzku-signer.js");
if (!existsSync(BIN)) {
  console.error("signer-dkg: build first (npm run build -w @mzku/signer)");
  process.exit(1);
}
const { generateIdentity, parseDefinition, DKG_VERSION, toHex } = await import("@mzku/signer");
const { freePorts, keysDkgArgs } = await import("@mzku/signer/testing");

const RUNS = Number(process.env.RUNS ?? 5);
const PARTIES = 4;
const THRESHOLD = 3;
const VALIDATORS = 100;
const TIMEOUT_MS = 180_000;

async function oneRun(run) {
  const dir = mkdtempSync(join(tmpdir(), "mzku-bench-dkg-"));
  const ids = Array.from({ length: PARTIES }, () => generateIdentity());
  const ports = await freePorts(PARTIES);
  const def = parseDefinition({
    version: DKG_VERSION,
    name: `bench-${run}`,
    nonce: toHex(crypto.getRandomValues(new Uint8Array(16))),
    threshold: THRESHOLD,
    validators: VALIDATORS,
    parties: ids.map((id, k) => ({ index: k + 1, identity: id.publicKey, url: `http://127.0.0.1:${ports[k]}` })),
  });
  writeFileSync(join(dir, "def.json"), JSON.stringify(def));
  writeFileSync(join(dir, "pw"), "bench-password\n");
  for (const [k, id] of ids.entries()) writeFileSync(join(dir, `id${k + 1}.json`), JSON.stringify(id), { mode: 0o600 });

  const started = performance.now();
  const children = [];
  const exits = ids.map(
    (_, k) =>
      new Promise((resolve) => {
        const i = k + 1;
        const child = spawn(
          process.execPath,
          [
            BIN,
            ...keysDkgArgs(i, {
              withdrawalAddress: "0x0f51bb10119727a7e5eA3538074fb341F56B09Ad",
              forkVersion: "0x00000000",
            }),
          ],
          { cwd: dir, stdio: ["ignore", "ignore", "pipe"] },
        );
        children.push(child);
        let log = "";
        child.stderr.on("data", (d) => {
          log += d;
        });
        child.on("exit", (code) => resolve({ party: i, code, ms: performance.now() - started, log }));
      }),
  );
  const timer = setTimeout(() => {
    for (const c of children) if (c.exitCode === null && c.pid) process.kill(c.pid, "SIGKILL");
  }, TIMEOUT_MS);
  const done = await Promise.all(exits);
  clearTimeout(timer);
  const seconds = (performance.now() - started) / 1000;
  rmSync(dir, { recursive: true, force: true });
  const failed = done.filter((d) => d.code !== 0);
  if (failed.length > 0)
    throw new Error(`run ${run}: party ${failed[0].party} exited ${failed[0].code}: ${failed[0].log.slice(-500)}`);
  const phases = done.map((d) => {
    const line = d.log
      .trim()
      .split("\n")
      .map((l) => {
        try {
          return JSON.parse(l);
        } catch {
          return {};
        }
      })
      .find((l) => l.message === "DKG output written");
    return { party: d.party, exitSeconds: +(d.ms / 1000).toFixed(3), timingsMs: line?.timings ?? null };
  });
  return { run, seconds: +seconds.toFixed(3), parties: phases };
}

const runs = [];
for (let r = 1; r <= RUNS; r++) {
  const res = await oneRun(r);
  console.error(`signer-dkg: run ${r}/${RUNS}: ${res.seconds.toFixed(2)} s`);
  runs.push(res);
}
const sorted = runs.map((r) => r.seconds).sort((a, b) => a - b);
const median =
  sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
mkdirResults();
writeFileSync(
  join(root, "bench/results/signer-dkg.json"),
  `${JSON.stringify({ "signer.dkg_100_validators_seconds": +median.toFixed(3) }, null, 2)}\n`,
);
writeFileSync(
  join(root, "bench/results/signer-dkg.raw.json"),
  `${JSON.stringify(
    {
      metric: "signer.dkg_100_validators_seconds",
      target: "<= 30",
      scenario: `${PARTIES} parties, threshold ${THRESHOLD}, ${VALIDATORS} validator keys, separate processes over HTTP on 127.0.0.1; wall time from spawn to all exited, incl. deposit co-signing and 100 scrypt (n=262144) keystores per party`,
      machine: {
        cpu: cpus()[0]?.model,
        cores: cpus().length,
        memoryGb: +(totalmem() / 2 ** 30).toFixed(1),
        os: `${platform()} ${release()}`,
        node: process.version,
      },
      date: new Date().toISOString(),
      median,
      runs,
    },
    null,
    2,
  )}\n`,
);
console.error(`signer-dkg: median ${median.toFixed(2)} s over ${RUNS} runs`);

function mkdirResults() {
  // bench/results exists in the repo; nothing to do unless it was removed
  if (!existsSync(join(root, "bench/results"))) throw new Error("bench/results missing");
}
