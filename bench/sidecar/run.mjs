#!/usr/bin/env node
// sidecar.audit_1000_rss_mb / sidecar.audit_1000_period_seconds: one sidecar's auditor (its own
//   process) probes 1,000 simulated EVM nodes (bench/sidecar/targets.mjs, another process; every 10th
//   down) for 4 rounds = one period, each observation stored in SQLite and signed (EIP-712). RSS is
//   the auditor process's peak (VmHWM). No libp2p ping here (the targets are not libp2p peers).
// sidecar.gossip_p99_ms / sidecar.gossip_p50_ms / sidecar.gossip_delivery_ratio: 16 sidecar meshes,
//   each its own process (bench/sidecar/gossip-worker.mjs: libp2p TCP + Noise + Yamux + gossipsub,
//   every message validated with its EIP-712 signature), connected as the daemon connects them (each
//   dials every member it learns of), each publishing a signed observation every 2 s for 20 s;
//   latency = receive time − send time over every delivery. In the same run: the baseline without
//   validation (sidecar.gossip_raw_*; sidecar.gossip_p99_vs_raw is the ratio) and the validated pass
//   over the bootstrap-only topology (raw.json), each pass with its 1-minute load.
// Needs `npm run build`. Writes bench/results/sidecar.json and sidecar.raw.json (machine named).
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..", "..");
const TARGETS = 1_000;
const ROUNDS = 4;
const MESHES = 16;
const PUBLISH_S = Number(process.env.BENCH_GOSSIP_S ?? 20);
const RATE = 0.5; // one signed observation per sidecar every 2 s (k = 3 targets, a probe round every 6 s)
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

function start(script, args) {
  const child = spawn(process.execPath, [join(here, script), ...args], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout });
  const queue = [];
  const waiters = [];
  lines.on("line", (l) => {
    const v = JSON.parse(l);
    const w = waiters.shift();
    if (w) w(v);
    else queue.push(v);
  });
  const next = () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((r) => waiters.push(r)));
  return { child, next };
}

async function audit() {
  const targets = start("targets.mjs", []);
  const { port } = await targets.next();
  try {
    const loadAtStart = os.loadavg()[0];
    const worker = start("audit-worker.mjs", [String(port), String(TARGETS), String(ROUNDS)]);
    const result = await worker.next();
    return { ...result, load1: { atStart: round(loadAtStart), atEnd: round(os.loadavg()[0]) } };
  } finally {
    targets.child.kill("SIGTERM");
  }
}

/**
 * One gossip pass: MESHES worker processes, each bootstrapped from the first and the previous one;
 * with `dialAll` each then dials every other (what the daemon does once announcements arrive); then
 * they publish for PUBLISH_S seconds. `mode`: "validated" (the daemon's check) or "raw" (no check).
 */
async function gossip(mode, dialAll) {
  const workers = [];
  const addrs = [];
  try {
    for (let i = 0; i < MESHES; i++) {
      const boot = i === 0 ? "-" : [addrs[0], addrs[i - 1]].filter((a, j, all) => all.indexOf(a) === j).join(",");
      const w = start("gossip-worker.mjs", [String(i), String(MESHES), boot, String(PUBLISH_S), String(RATE), mode]);
      workers.push(w);
      addrs.push((await w.next()).addr);
    }
    for (const w of workers) w.child.stdin.write(`${JSON.stringify({ dial: dialAll ? addrs : [] })}\n`);
    const connected = await Promise.all(workers.map((w) => w.next()));
    await new Promise((r) => setTimeout(r, 8_000)); // meshes graft over a few heartbeats
    const loadAtStart = os.loadavg()[0];
    for (const w of workers) w.child.stdin.write(`${JSON.stringify({ go: true })}\n`);
    const done = await Promise.all(workers.map((w) => w.next()));
    const latencies = done.flatMap((d) => d.latencies).sort((a, b) => a - b);
    const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
    const published = MESHES * PUBLISH_S * RATE;
    return {
      mode,
      topology: dialAll
        ? "every member dials every other (as after announcements)"
        : "bootstrap only (first + previous)",
      deliveries: latencies.length,
      expected: published * (MESHES - 1),
      deliveryRatio: round(latencies.length / (published * (MESHES - 1)), 4),
      p50: pct(50),
      p90: pct(90),
      p99: pct(99),
      max: latencies.at(-1),
      peersAfterDial: connected.map((c) => c.peers),
      peersAtEnd: done.map((d) => d.peers),
      load1: { atStart: round(loadAtStart), atEnd: round(os.loadavg()[0]) },
    };
  } finally {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill("SIGTERM");
  }
}

const a = await audit();
// The baseline (gossipsub alone), the daemon's validation, and the earlier bootstrap-only topology,
// in the same run, each with the machine's load recorded.
const raw = await gossip("raw", true);
const g = await gossip("validated", true);
const sparse = await gossip("validated", false);
const results = {
  "sidecar.audit_1000_rss_mb": round(a.peakRssMb, 1),
  "sidecar.audit_1000_period_seconds": round(a.seconds, 2),
  "sidecar.gossip_p50_ms": g.p50,
  "sidecar.gossip_p99_ms": g.p99,
  "sidecar.gossip_delivery_ratio": g.deliveryRatio,
  "sidecar.gossip_raw_p50_ms": raw.p50,
  "sidecar.gossip_raw_p99_ms": raw.p99,
  "sidecar.gossip_p99_vs_raw": round(g.p99 / raw.p99),
};
writeFileSync(join(repo, "bench", "results", "sidecar.json"), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(
  join(repo, "bench", "results", "sidecar.raw.json"),
  `${JSON.stringify(
    {
      scenario: `audit: ${TARGETS} simulated JSON-RPC targets × ${ROUNDS} rounds, concurrency 64, SQLite + EIP-712 per observation; gossip: ${MESHES} processes, ${RATE} signed observations/s each for ${PUBLISH_S} s; passes: raw (no validation), validated, validated with the bootstrap-only topology`,
      machine: {
        cpu: os.cpus()[0]?.model,
        cores: os.cpus().length,
        memGb: round(os.totalmem() / 2 ** 30, 1),
        node: process.version,
        loadavgAtEnd: os.loadavg().map((x) => round(x)),
        note: "shared machine: other engineers' jobs run on the same 2 cores",
      },
      date: new Date().toISOString(),
      audit: a,
      gossip: { validated: g, raw, validatedBootstrapOnly: sparse },
    },
    null,
    1,
  )}\n`,
);
console.error(JSON.stringify(results));
process.exit(0);
