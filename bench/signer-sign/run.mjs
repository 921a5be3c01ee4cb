#!/usr/bin/env node
// signer.signs_per_second / signer.sign_p50_ms / signer.sign_p99_ms / signer.combiner_cpu_ms_per_sign,
// signer.baseline_signs_per_second / signer.threshold_vs_baseline_throughput
// Scenario: ATTESTATION signing through the Web3Signer HTTP API, CONCURRENCY (8) clients each with one
// request in flight, keep-alive connections. Threshold: the combiner and three co-signers (2-of-3), each
// its own process on 127.0.0.1. Baseline, in the same run: a plain single-key remote signer in its own
// process with the same HTTP server, signing service and slashing record (bench/signer-sign/baseline.mjs).
// Every process fsyncs its slashing record (SQLite WAL, synchronous=FULL) before it answers.
// Rounds alternate baseline / threshold (ROUNDS × ROUND_S seconds each) so that both see the same
// machine; the metrics are the medians over rounds. Latency percentiles are over every request of the
// threshold rounds (8 in flight). CPU per sign is read from /proc (user+sys ticks) over the rounds.
// Needs `npm run build`. Writes bench/results/signer-sign.json and signer-sign.raw.json (machine named).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { secretKeyToPublicKey } from "@mzku/signer";
import { randomSecretKey, splitSecret } from "@mzku/signer/testing";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..", "..");
// BENCH_SIGNER_BIN: another build of mzku-signer (an earlier commit) for before/after comparisons;
// BENCH_COMBINER: extra combiner config as JSON, e.g. {"fastPath":false,"verify":"optimistic"}
const bin = process.env.BENCH_SIGNER_BIN ?? join(repo, "packages", "signer", "dist", "bin", "mzku-signer.js");
const combinerExtra = JSON.parse(process.env.BENCH_COMBINER ?? "{}");

const T = 2;
const N = 3;
const VALIDATORS = 16;
const WARMUP = 200;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ROUND_S = Number(process.env.BENCH_ROUND_S ?? 8);
const hex = (b) => `0x${Buffer.from(b).toString("hex")}`;
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

const dir = mkdtempSync(join(os.tmpdir(), "mzku-bench-sign-"));
const procs = [];
const names = [];
function start(name, argv) {
  const prof =
    process.env.BENCH_PROFILE === name ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR ?? dir}`] : [];
  const child = spawn(process.execPath, [...prof, ...argv], { cwd: dir, stdio: ["ignore", "pipe", "inherit"] });
  procs.push(child);
  names.push(name);
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
const baselineKeys = Array.from({ length: VALIDATORS }, () => randomSecretKey());
const baselinePubkeys = baselineKeys.map((sk) => hex(secretKeyToPublicKey(sk)));
const signer = (args) => [bin, "signer", "start", ...args, "--port", "0", "--log-level", "error"];
const urls = await Promise.all(
  perParty.map((shares, k) => {
    const f = join(dir, `party-${k + 1}.json`);
    writeFileSync(f, JSON.stringify(shares), { mode: 0o600 });
    return start(
      `cosigner-${k + 1}`,
      signer(["--role", "cosigner", "--shares", f, "--db", join(dir, `party-${k + 1}.sqlite`)]),
    );
  }),
);
const cfg = join(dir, "combiner.json");
writeFileSync(
  cfg,
  JSON.stringify({
    validators,
    cosigners: urls.map((url, k) => ({ index: k + 1, url })),
    timeoutMs: 2000,
    ...combinerExtra,
  }),
);
const combinerUrl = await start(
  "combiner",
  signer(["--role", "combiner", "--config", cfg, "--db", join(dir, "combiner.sqlite")]),
);
const secretsFile = join(dir, "baseline-keys.json");
writeFileSync(secretsFile, JSON.stringify(baselineKeys.map(hex)), { mode: 0o600 });
const baselineUrl = await start("baseline", [join(here, "baseline.mjs"), secretsFile, join(dir, "baseline.sqlite")]);

const GVR = `0x${"4a".repeat(32)}`;
const rand32 = () => hex(Buffer.from(Array.from({ length: 32 }, () => Math.floor(Math.random() * 256))));
function requester(pubkeys) {
  const nextTarget = new Array(pubkeys.length).fill(1);
  let rr = 0;
  return () => {
    const v = rr++ % pubkeys.length;
    const target = nextTarget[v]++;
    return {
      pubkey: pubkeys[v],
      body: JSON.stringify({
        type: "ATTESTATION",
        fork_info: {
          fork: { previous_version: "0x00000000", current_version: "0x04000000", epoch: "0" },
          genesis_validators_root: GVR,
        },
        attestation: {
          slot: String(target * 32 + 3),
          index: "1",
          beacon_block_root: rand32(),
          source: { epoch: String(target - 1), root: rand32() },
          target: { epoch: String(target), root: rand32() },
        },
      }),
    };
  };
}

// one keep-alive agent per target, CONCURRENCY sockets: what a validator client holds open
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
function post(url, path, body) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path,
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          accept: "application/json",
          "content-length": Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d) => {
          text += d;
        });
        res.on("end", () => resolve({ status: res.statusCode, text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
const targets = {
  threshold: { url: combinerUrl, next: requester(validators.map((v) => v.groupPublicKey)), proc: "combiner" },
  baseline: { url: baselineUrl, next: requester(baselinePubkeys), proc: "baseline" },
};
async function signOnce(t) {
  const { pubkey, body } = t.next();
  const t0 = performance.now();
  const res = await post(t.url, `/api/v1/eth2/sign/${pubkey}`, body);
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`sign failed: ${res.status} ${res.text}`);
  return ms;
}

const TICK_MS = 10; // USER_HZ = 100 on Linux
// CPU time (user+sys, every thread) a process spent, from /proc: the per-sign cost whatever the load
function cpuMs(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8");
    const parts = f.slice(f.lastIndexOf(")") + 2).split(" ");
    return (Number(parts[11]) + Number(parts[12])) * TICK_MS;
  } catch {
    return Number.NaN;
  }
}
function loadavg1() {
  return round(os.loadavg()[0] ?? 0);
}

/** CONCURRENCY clients for ROUND_S seconds against one target. */
async function roundOf(kind) {
  const t = targets[kind];
  const cpuBefore = procs.map((c) => cpuMs(c.pid));
  const selfBefore = process.cpuUsage();
  const latencies = [];
  const loadBefore = loadavg1();
  const tStart = performance.now();
  const deadline = tStart + ROUND_S * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) latencies.push(await signOnce(t));
    }),
  );
  const elapsed = (performance.now() - tStart) / 1000;
  const done = latencies.length;
  const cpuPerSignMs = {};
  procs.forEach((c, i) => {
    const used = cpuMs(c.pid) - (cpuBefore[i] ?? 0);
    if (used > 0) cpuPerSignMs[names[i]] = round(used / done, 3);
  });
  const self = process.cpuUsage(selfBefore);
  cpuPerSignMs.client = round((self.user + self.system) / 1000 / done, 3);
  return {
    kind,
    signsPerSecond: round(done / elapsed, 1),
    completed: done,
    seconds: round(elapsed, 2),
    loadavg1: [loadBefore, loadavg1()],
    cpuPerSignMs,
    latencies,
  };
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

for (const kind of ["baseline", "threshold"]) for (let i = 0; i < WARMUP; i++) await signOnce(targets[kind]);
const rounds = [];
for (let r = 0; r < ROUNDS; r++) {
  for (const kind of r % 2 === 0 ? ["baseline", "threshold"] : ["threshold", "baseline"]) {
    const res = await roundOf(kind);
    console.error(`round ${r + 1} ${kind}: ${res.signsPerSecond}/s, load ${res.loadavg1.join("→")}`);
    rounds.push(res);
  }
}
stopAll();
rmSync(dir, { recursive: true, force: true });

const of = (kind) => rounds.filter((x) => x.kind === kind);
const lat = of("threshold")
  .flatMap((x) => x.latencies)
  .sort((a, b) => a - b);
const baseLat = of("baseline")
  .flatMap((x) => x.latencies)
  .sort((a, b) => a - b);
const thr = median(of("threshold").map((x) => x.signsPerSecond));
const base = median(of("baseline").map((x) => x.signsPerSecond));
const results = {
  "signer.signs_per_second": round(thr, 1),
  "signer.sign_p50_ms": round(pct(lat, 50)),
  "signer.sign_p99_ms": round(pct(lat, 99)),
  "signer.combiner_cpu_ms_per_sign": round(median(of("threshold").map((x) => x.cpuPerSignMs.combiner)), 3),
  "signer.baseline_signs_per_second": round(base, 1),
  "signer.threshold_vs_baseline_throughput": round(thr / base, 3),
};
const machine = {
  cpu: os.cpus()[0]?.model ?? "unknown",
  cores: os.cpus().length,
  memGb: round(os.totalmem() / 2 ** 30, 1),
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
  loadavgAtEnd: os.loadavg().map((x) => round(x)),
  note: "shared machine: other engineers' jobs run on the same 2 cores; compare baseline and threshold of the same run",
};
const raw = {
  scenario:
    "ATTESTATION via POST /api/v1/eth2/sign/{pubkey}; CONCURRENCY clients with one request in flight each, keep-alive; threshold = combiner + 3 co-signer processes (2-of-3); baseline = single-key signer process, same HTTP stack and slashing record; SQLite WAL synchronous=FULL everywhere; 16 validators round-robin; alternating rounds, medians over rounds.",
  machine,
  date: new Date().toISOString(),
  signerBin: process.env.BENCH_SIGNER_BIN ?? "this commit",
  combinerConfig: combinerExtra,
  concurrency: CONCURRENCY,
  roundSeconds: ROUND_S,
  rounds: rounds.map(({ latencies, ...r }) => {
    const s = [...latencies].sort((a, b) => a - b);
    return {
      ...r,
      p50: round(pct(s, 50), 3),
      p90: round(pct(s, 90), 3),
      p99: round(pct(s, 99), 3),
      max: round(s.at(-1), 3),
    };
  }),
  baselineLatency: { p50: round(pct(baseLat, 50), 3), p99: round(pct(baseLat, 99), 3) },
  results,
};
const out = join(repo, "bench", "results");
if (process.env.BENCH_NO_WRITE === undefined) {
  writeFileSync(join(out, "signer-sign.json"), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(out, "signer-sign.raw.json"), `${JSON.stringify(raw, null, 1)}\n`);
}
console.log(JSON.stringify({ results, rounds: raw.rounds, machine }, null, 2));
process.exit(0);
