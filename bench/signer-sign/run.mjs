#!/usr/bin/env node
// signer.sign_p50_ms / signer.sign_p99_ms / signer.signs_per_second
// Scenario: attestation signing through the Web3Signer HTTP API of the combiner, 2-of-3, with the three
// co-signers and the combiner each in its own process on 127.0.0.1 (slashing DBs on disk, WAL,
// synchronous=FULL: every co-signer and the combiner fsync their record before answering).
// Latency: sequential requests (one in flight), client-side round trip. Throughput: sustained with
// CONCURRENCY requests in flight for DURATION_S seconds. Needs `npm run build -w @mzku/signer`.
// Writes bench/results/signer-sign.json and bench/results/signer-sign.raw.json (machine named).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..", "..");
const dist = join(repo, "packages", "signer", "dist");
const bin = join(dist, "bin", "mzku-signer.js");
const { randomSecretKey, splitSecret } = await import("@mzku/signer/testing");

const T = 2;
const N = 3;
const VALIDATORS = 16;
const WARMUP = 100;
const LATENCY_RUNS = Number(process.env.BENCH_LATENCY_RUNS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 15);
const hex = (b) => `0x${Buffer.from(b).toString("hex")}`;
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

const dir = mkdtempSync(join(os.tmpdir(), "mzku-bench-sign-"));
const procs = [];
function start(name, args) {
  const prof =
    process.env.BENCH_PROFILE === name ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR ?? dir}`] : [];
  const child = spawn(
    process.execPath,
    [...prof, bin, "signer", "start", ...args, "--port", "0", "--log-level", "error"],
    {
      cwd: dir,
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  procs.push(child);
  return new Promise((res, rej) => {
    const rl = createInterface({ input: child.stdout });
    rl.on("line", (l) => {
      try {
        const j = JSON.parse(l);
        if (j.event === "listening") res(j.url);
      } catch {}
    });
    child.once("exit", (c) => rej(new Error(`${name} exited ${c}`)));
  });
}
function stopAll() {
  for (const c of procs.splice(0)) {
    try {
      process.kill(c.pid, process.env.BENCH_PROFILE ? "SIGTERM" : "SIGKILL");
    } catch {}
  }
}
process.on("exit", stopAll);

const perParty = Array.from({ length: N }, () => []);
const validators = [];
for (let i = 0; i < VALIDATORS; i++) {
  const sk = randomSecretKey();
  const dealt = splitSecret(sk, T, N);
  const groupPublicKey = hex(dealt.groupPublicKey);
  const publicShares = Object.fromEntries(dealt.publicShares.map((p) => [String(p.index), hex(p.publicKey)]));
  validators.push({ groupPublicKey, threshold: T, publicShares });
  for (const s of dealt.shares) {
    perParty[s.index - 1].push({
      version: 1,
      groupPublicKey,
      threshold: T,
      index: s.index,
      secretShare: hex(s.secret),
      publicShares,
    });
  }
}
const urls = await Promise.all(
  perParty.map((shares, k) => {
    const f = join(dir, `party-${k + 1}.json`);
    writeFileSync(f, JSON.stringify(shares), { mode: 0o600 });
    return start(`cosigner-${k + 1}`, [
      "--role",
      "cosigner",
      "--shares",
      f,
      "--db",
      join(dir, `party-${k + 1}.sqlite`),
    ]);
  }),
);
const cfg = join(dir, "combiner.json");
writeFileSync(
  cfg,
  JSON.stringify({ validators, cosigners: urls.map((url, k) => ({ index: k + 1, url })), timeoutMs: 2000 }),
);
// two combiners over the same three co-signers: the default (--verify each) gives the metrics, the
// optimistic one (--verify optimistic) is recorded beside it in the raw file
const MODES = ["each", "optimistic"];
const combiners = {};
for (const mode of MODES) {
  combiners[mode] = await start(`combiner-${mode}`, [
    "--role",
    "combiner",
    "--config",
    cfg,
    "--db",
    join(dir, `combiner-${mode}.sqlite`),
    "--verify",
    mode,
  ]);
}

const GVR = `0x${"4a".repeat(32)}`;
const nextTarget = new Array(VALIDATORS).fill(1);
let rr = 0;
function nextRequest() {
  const v = rr++ % VALIDATORS;
  const target = nextTarget[v]++;
  return {
    pubkey: validators[v].groupPublicKey,
    body: JSON.stringify({
      type: "ATTESTATION",
      fork_info: {
        fork: { previous_version: "0x00000000", current_version: "0x04000000", epoch: "0" },
        genesis_validators_root: GVR,
      },
      attestation: {
        slot: String(target * 32 + 3),
        index: "1",
        beacon_block_root: hex(randomBytes(32)),
        source: { epoch: String(target - 1), root: hex(randomBytes(32)) },
        target: { epoch: String(target), root: hex(randomBytes(32)) },
      },
    }),
  };
}
async function signOnce(combiner) {
  const { pubkey, body } = nextRequest();
  const t0 = performance.now();
  const res = await fetch(`${combiner}/api/v1/eth2/sign/${pubkey}`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body,
  });
  const text = await res.text();
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`sign failed: ${res.status} ${text}`);
  return ms;
}

const TICK_MS = 10; // USER_HZ = 100 on Linux
// CPU time (user+sys) each process spends, read from /proc: the per-sign cost independent of how busy
// the shared machine is.
function cpuMs(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8");
    const parts = f.slice(f.lastIndexOf(")") + 2).split(" ");
    return (Number(parts[11]) + Number(parts[12])) * TICK_MS;
  } catch {
    return Number.NaN;
  }
}

async function measure(mode) {
  const combiner = combiners[mode];
  for (let i = 0; i < WARMUP; i++) await signOnce(combiner);
  const latencies = [];
  for (let i = 0; i < LATENCY_RUNS; i++) latencies.push(await signOnce(combiner));
  const sorted = [...latencies].sort((a, b) => a - b);
  const pct = (p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  const names = procs.map((_, i) => (i < N ? `cosigner-${i + 1}` : `combiner-${MODES[i - N]}`));
  const cpuBefore = procs.map((c) => cpuMs(c.pid));
  const selfBefore = process.cpuUsage();
  let done = 0;
  const tStart = performance.now();
  const deadline = tStart + DURATION_S * 1000;
  const perSecond = [];
  let lastMark = tStart;
  let lastDone = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    perSecond.push(Math.round(((done - lastDone) * 1000) / (now - lastMark)));
    lastMark = now;
    lastDone = done;
  }, 1000);
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        await signOnce(combiner);
        done++;
      }
    }),
  );
  clearInterval(ticker);
  const elapsed = (performance.now() - tStart) / 1000;
  const cpuPerSignMs = {};
  procs.forEach((c, i) => {
    const used = cpuMs(c.pid) - (cpuBefore[i] ?? 0);
    if (used > 0) cpuPerSignMs[names[i]] = round(used / done, 3);
  });
  const self = process.cpuUsage(selfBefore);
  cpuPerSignMs.client = round((self.user + self.system) / 1000 / done, 3);
  return {
    mode,
    results: {
      "signer.sign_p50_ms": round(pct(50)),
      "signer.sign_p99_ms": round(pct(99)),
      "signer.signs_per_second": round(done / elapsed, 1),
    },
    latency: {
      warmup: WARMUP,
      runs: LATENCY_RUNS,
      p50: pct(50),
      p90: pct(90),
      p99: pct(99),
      max: sorted.at(-1),
      samplesMs: latencies.map((x) => round(x, 3)),
    },
    throughput: { concurrency: CONCURRENCY, durationS: round(elapsed, 2), completed: done, perSecond, cpuPerSignMs },
  };
}

const runs = [];
for (const mode of MODES) runs.push(await measure(mode));
stopAll();
rmSync(dir, { recursive: true, force: true });
const results = runs[0].results;
const machine = {
  cpu: os.cpus()[0]?.model ?? "unknown",
  cores: os.cpus().length,
  memGb: round(os.totalmem() / 2 ** 30, 1),
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
  loadavgAtEnd: os.loadavg().map((x) => round(x)),
  note: "shared machine: other agents' jobs run on the same cores",
};
const raw = {
  scenario:
    "ATTESTATION via POST /api/v1/eth2/sign/{pubkey} to the combiner; 2-of-3; 3 co-signer processes + 1 combiner process on 127.0.0.1; SQLite WAL synchronous=FULL everywhere; 16 validators round-robin. Latency: sequential, client round trip. Throughput: sustained, CONCURRENCY in flight. Metrics = the default combiner (--verify each); the optimistic combiner is recorded beside it.",
  machine,
  date: new Date().toISOString(),
  runs,
  results,
};
const out = join(repo, "bench", "results");
writeFileSync(join(out, "signer-sign.json"), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(out, "signer-sign.raw.json"), `${JSON.stringify(raw, null, 1)}\n`);
console.log(
  JSON.stringify(
    { runs: runs.map((r) => ({ mode: r.mode, ...r.results, cpuPerSignMs: r.throughput.cpuPerSignMs })), machine },
    null,
    2,
  ),
);
process.exit(0);
