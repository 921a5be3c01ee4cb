#!/usr/bin/env node
// Indexer catch-up and read-API latency on one machine.
//
// Chain: anvil with the protocol deployed by the production deploy script, governors seated, the
// bootstrap proposal passed (stakes reach the Reward Pool), one qualified provider with one node and
// its sidecar. Load: 16 dev accounts stake MZKU to that sidecar again and again (each stake emits the
// token transfer, SidecarStaking.Staked and RewardPool.RewardPoolStakeChanged), sent unsigned to
// anvil's unlocked accounts, 150 transactions per mined block, until at least MIN_EVENTS events exist.
//
// indexer.events_per_second: a fresh database catches up from the deployment's start block to the
// head (Follower.init + steps until idle, default batch 2,000 blocks, confirmations 64); events / wall
// seconds. SQLite (a file) and PostgreSQL (a throwaway cluster on 127.0.0.1, fsync off as in tests).
//
// api.p99_ms: `mzku-indexer api` in its own process over the SQLite database; autocannon at a fixed
// 200 requests/s for 20 s over 10 connections, cycling a mixed set of reads (lists with sorts and
// filters, items, stats, health); median of 3 rounds, each followed by the natural baseline: the same
// server answering only /health at the same rate (api.p99_ms_health, ratio api.p99_vs_health), load
// average recorded per pass. api.requests_per_second_max: the same mix, 20 connections, no rate limit,
// 10 s, mean requests/s (and /health alone). Then a few reads outside the mix timed one by one
// (raw perPath). BENCH_INDEXER_API_DB=<file> keeps the SQLite database there and, when it exists, runs
// the API part alone over it; BENCH_INDEXER_API_BIN=<mzku-indexer.js> serves it with another build.
//
// indexer.decode_us_per_log: the sdk's decodeEvents over every log of that chain, and, in the same run,
// the per-log parseEventLogs it used before (indexer.decode_us_per_log_baseline).
//
// Usage: npm run build && node bench/indexer/run.mjs   (MIN_EVENTS=50000 by default)
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Follower, openDb } from "@mzku/indexer";
import { silentLogger } from "@mzku/log";
import { contractAbis, decodeEvents, mzkuTokenAbi, nodeRegistry, sidecarStakingAbi } from "@mzku/sdk";
import {
  bootstrapActions,
  deployProtocol,
  devKey,
  devWallet,
  freePort,
  passProposal,
  qualifyActions,
  registerProvider,
  seatInvitedGovernors,
  startAnvil,
} from "@mzku/sdk/devnet";
import autocannon from "autocannon";
import { createPublicClient, createTestClient, encodeFunctionData, http, maxUint256, parseEventLogs } from "viem";
import { foundry } from "viem/chains";
import { startPostgres } from "./postgres.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const MIN_EVENTS = Number(process.env.MIN_EVENTS ?? 50_000);
const PER_BLOCK = 150;
const E = 10n ** 18n;

async function rpc(url, body) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  for (const r of Array.isArray(json) ? json : [json]) if (r.error) throw new Error(`${r.error.message}`);
  return json;
}

async function buildChain() {
  // Prague, as the devnet runs (the deploy's `forge script --slow` no longer leaves a transaction pending).
  const anvil = await startAnvil({ accounts: 20 });
  const deployment = await deployProtocol({
    rpcUrl: anvil.rpcUrl,
    privateKey: devKey(0),
    name: `bench-indexer-${anvil.port}`,
  });
  const wallet = (i) => devWallet(anvil.rpcUrl, i);
  const testClient = createTestClient({ chain: foundry, mode: "anvil", transport: http(anvil.rpcUrl) });
  const governors = [wallet(1), wallet(2), wallet(3)];
  await seatInvitedGovernors(deployment, governors);
  await passProposal(deployment, governors, testClient, bootstrapActions(deployment), "bootstrap");
  const provider = wallet(9);
  const id = await registerProvider(deployment, provider, { brandName: "Bench" });
  await passProposal(deployment, governors, testClient, qualifyActions(deployment, [id]), "qualify");
  const sidecar = wallet(19).account.address;
  const resources = { cpuCores: 1, ramGb: 1, storageGb: 1, bandwidthMbps: 1 };
  await nodeRegistry.registerNode(provider, { address: deployment.contracts.NodeRegistry, args: [sidecar, resources] });

  const c = deployment.contracts;
  const stakers = [4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16, 17, 18, 1, 2].map((i) => wallet(i).account.address);
  const nonces = new Map();
  for (const s of stakers) {
    const [r] = await rpc(anvil.rpcUrl, [
      { jsonrpc: "2.0", id: 1, method: "eth_getTransactionCount", params: [s, "latest"] },
    ]);
    nonces.set(s, BigInt(r.result));
  }
  await rpc(anvil.rpcUrl, { jsonrpc: "2.0", id: 1, method: "evm_setAutomine", params: [false] });
  const send = async (txs) => {
    await rpc(
      anvil.rpcUrl,
      txs.map((tx, i) => ({ jsonrpc: "2.0", id: i, method: "eth_sendTransaction", params: [tx] })),
    );
    await rpc(anvil.rpcUrl, { jsonrpc: "2.0", id: 1, method: "evm_mine", params: [] });
  };
  const tx = (from, to, data, gas) => {
    const nonce = nonces.get(from);
    nonces.set(from, nonce + 1n);
    return { from, to, data, gas: `0x${gas.toString(16)}`, nonce: `0x${nonce.toString(16)}` };
  };
  await send(
    stakers.map((s) =>
      tx(
        s,
        c.MzkuToken,
        encodeFunctionData({ abi: mzkuTokenAbi, functionName: "approve", args: [c.SidecarStaking, maxUint256] }),
        100_000n,
      ),
    ),
  );
  const stake = encodeFunctionData({ abi: sidecarStakingAbi, functionName: "stake", args: [sidecar, 1n * E] });
  const started = Date.now();
  let events = 0;
  let txs = 0;
  // Events per stake, from the first block of stakes.
  let perTx = 0;
  while (events < MIN_EVENTS) {
    const block = Array.from({ length: PER_BLOCK }, (_, i) =>
      tx(stakers[i % stakers.length], c.SidecarStaking, stake, 400_000n),
    );
    await send(block);
    txs += block.length;
    if (perTx === 0) {
      const head = await rpc(anvil.rpcUrl, {
        jsonrpc: "2.0",
        id: 1,
        method: "eth_getBlockByNumber",
        params: ["latest", false],
      });
      const logs = await rpc(anvil.rpcUrl, {
        jsonrpc: "2.0",
        id: 1,
        method: "eth_getLogs",
        params: [{ fromBlock: head.result.number, toBlock: head.result.number }],
      });
      perTx = logs.result.length / block.length;
      if (head.result.transactions.length !== block.length)
        throw new Error(`block holds ${head.result.transactions.length} of ${block.length} stakes`);
    }
    events += Math.round(perTx * block.length);
  }
  await rpc(anvil.rpcUrl, { jsonrpc: "2.0", id: 1, method: "evm_setAutomine", params: [true] });
  return { anvil, deployment, txs, loadSeconds: (Date.now() - started) / 1000, perTx };
}

async function catchUp(url, anvil, deployment) {
  const db = await openDb({ url });
  const follower = new Follower({ rpcUrl: anvil.rpcUrl, deployment, db, log: silentLogger });
  const started = performance.now();
  await follower.init();
  const batchSteps = (await follower.catchUp()).filter((r) => r.kind === "batch");
  const events = batchSteps.reduce((sum, r) => sum + r.events, 0);
  const batches = batchSteps.length;
  const seconds = (performance.now() - started) / 1000;
  const [{ n }] = await db.query("SELECT COUNT(*) AS n FROM events");
  await db.close();
  if (Number(n) !== events) throw new Error(`indexed ${events} events but the table holds ${n}`);
  return { events, batches, seconds, eventsPerSecond: events / seconds };
}

// decodeEvents over every log of the chain, against the way it decoded before (viem's parseEventLogs
// per log, which hashes every event signature of the ABI each time), in the same run.
async function decodeBench(anvil, deployment) {
  const client = createPublicClient({ transport: http(anvil.rpcUrl) });
  const head = await client.getBlockNumber();
  const addresses = Object.values(deployment.contracts);
  const logs = [];
  // small ranges: a block of the load holds 450 logs, and viem refuses answers above 10 MB
  for (let from = deployment.startBlock; from <= head; from += 10n) {
    const to = from + 9n < head ? from + 9n : head;
    logs.push(...(await client.getLogs({ address: addresses, fromBlock: from, toBlock: to })));
  }
  const book = new Map(Object.entries(deployment.contracts).map(([n, a]) => [a.toLowerCase(), n]));
  const baseline = (list) => {
    const out = [];
    for (const log of list) {
      const name = book.get(log.address.toLowerCase());
      if (name === undefined) continue;
      const [d] = parseEventLogs({ abi: contractAbis[name], logs: [log] });
      if (d) out.push(d);
    }
    return out;
  };
  const pass = (fn) => {
    const started = performance.now();
    const n = fn(logs).length;
    return { decoded: n, usPerLog: ((performance.now() - started) * 1000) / logs.length };
  };
  const ours = (l) => decodeEvents(l, deployment.contracts);
  ours(logs.slice(0, 2000)); // warm-up
  baseline(logs.slice(0, 2000));
  // rounds alternate, medians reported: the machine is shared and its load moves during a pass
  const rounds = { current: [], baseline: [] };
  for (let i = 0; i < 3; i++) {
    rounds.current.push(pass(ours));
    rounds.baseline.push(pass(baseline));
  }
  const median = (list) => list.map((r) => r.usPerLog).sort((a, b) => a - b)[1];
  const current = { decoded: rounds.current[0].decoded, usPerLog: median(rounds.current) };
  const before = { decoded: rounds.baseline[0].decoded, usPerLog: median(rounds.baseline) };
  if (current.decoded !== before.decoded) throw new Error(`decoded ${current.decoded} vs ${before.decoded} logs`);
  return {
    logs: logs.length,
    usPerLog: current.usPerLog,
    baselineUsPerLog: before.usPerLog,
    rounds: { current: rounds.current.map((r) => r.usPerLog), baseline: rounds.baseline.map((r) => r.usPerLog) },
  };
}

const mix = [
  "/providers/expected-return?duration=2592000&cpuCores=4&ramGb=16&storageGb=100&bandwidthMbps=25",
  "/sidecars/expected-rewards",
  "/providers?sort=score&order=desc&limit=20",
  "/providers/1",
  "/sidecars?sort=totalStake&order=desc",
  "/events?limit=50",
  "/events?contract=SidecarStaking&eventName=Staked&limit=20",
  "/stats",
  "/governors?seated=true",
  "/nodes?providerId=1",
  "/stats/daily?limit=7",
  "/health",
];

// Reads outside the mix, each timed alone (sequential requests): filters and sorts that read a growing
// table through its index (before migration 5 these scanned or sorted it).
const probes = (governance, sidecar) => [
  `/events?address=${governance}&limit=20`,
  "/events?contract=Governance&limit=20",
  "/pool-flows?pool=reward&limit=100",
  "/pool-flows?sort=amount&order=desc&limit=20",
  `/sidecars/${sidecar}/stakes?sort=amount&order=desc&limit=10`,
  "/events?limit=100",
  "/health",
];

const ROUNDS = 3;

async function apiBench(dbFile) {
  const port = await freePort();
  // BENCH_INDEXER_API_BIN: another build's mzku-indexer.js (a before/after on the same database)
  const bin = process.env.BENCH_INDEXER_API_BIN ?? join(root, "packages/indexer/dist/bin/mzku-indexer.js");
  const flags = process.env.BENCH_INDEXER_API_NODE_FLAGS?.split(" ").filter(Boolean) ?? [];
  const child = spawn(
    process.execPath,
    [...flags, bin, "api", "--db", dbFile, "--port", String(port), "--log-level", "warn"],
    {
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${url}/health`)).ok) break;
      } catch {}
      if (i > 200) throw new Error("API did not start");
      await new Promise((r) => setTimeout(r, 100));
    }
    const sidecars = await (await fetch(`${url}/sidecars`)).json();
    const sidecar = sidecars.items[0]?.sidecar;
    const governance = (await (await fetch(`${url}/events?contract=Governance&limit=1`)).json()).items[0]?.address;
    const paths = [...mix, `/sidecars/${sidecar}`, `/sidecars/${sidecar}/stakes?sort=amount&order=desc&limit=10`];
    for (const path of [...paths, ...probes(governance, sidecar)]) {
      const res = await fetch(`${url}${path}`);
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
    }
    const run = (list, opts) =>
      new Promise((resolve, reject) =>
        autocannon({ url, requests: list.map((path) => ({ method: "GET", path })), ...opts }, (err, result) =>
          err ? reject(err) : resolve(result),
        ),
      );
    const summary = (r, loadBefore) => ({
      requestsPerSecond: r.requests.average,
      latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
      non2xx: r.non2xx,
      errors: r.errors,
      timeouts: r.timeouts,
      total: r.requests.total,
      load1: [loadBefore, loadavg()[0]],
    });
    // the server's own view (api_request_duration_seconds): handler time, without the queueing and
    // scheduling before it; buckets summed over routes
    const buckets = async () => {
      const text = await (await fetch(`${url}/metrics`)).text();
      const out = new Map();
      for (const m of text.matchAll(/^api_request_duration_seconds_bucket\{le="([^"]+)",route="([^"]+)"\} (\d+)$/gm))
        if (m[2] !== "/metrics") out.set(m[1], (out.get(m[1]) ?? 0) + Number(m[3]));
      return out;
    };
    const timed = async (list, opts) => {
      const load = loadavg()[0];
      const before = await buckets();
      const result = summary(await run(list, opts), load);
      const after = await buckets();
      const count = (le) => (after.get(le) ?? 0) - (before.get(le) ?? 0);
      const total = count("+Inf");
      // the smallest bucket bound holding 99% of the requests, ms
      const p99 = [...after.keys()].find((le) => count(le) >= 0.99 * total);
      result.server = { requests: total, p99AtMostMs: p99 === "+Inf" ? null : Number(p99) * 1000 };
      return result;
    };
    await run(paths, { connections: 5, duration: 3 }); // warm-up
    // The natural baseline: the same server answering /health (two small reads of its database) at the
    // same rate, in rounds alternating with the mix, so both see the same machine.
    const rounds = [];
    for (let i = 0; i < ROUNDS; i++) {
      const mixed = await timed(paths, { connections: 10, duration: 20, overallRate: 200 });
      const health = await timed(["/health"], { connections: 10, duration: 20, overallRate: 200 });
      console.error(
        `api round ${i + 1}: p99 ${mixed.latencyMs.p99} ms (server ≤ ${mixed.server.p99AtMostMs} ms, load ${mixed.load1[0]}), /health p99 ${health.latencyMs.p99} ms (server ≤ ${health.server.p99AtMostMs} ms, load ${health.load1[0]})`,
      );
      rounds.push({ mix: mixed, health });
    }
    const max = await timed(paths, { connections: 20, duration: 10 });
    const maxHealth = await timed(["/health"], { connections: 20, duration: 10 });
    const perPath = {};
    for (const path of probes(governance, sidecar)) {
      const ms = [];
      for (let i = 0; i < 100; i++) {
        const started = performance.now();
        await (await fetch(`${url}${path}`)).arrayBuffer();
        ms.push(performance.now() - started);
      }
      ms.sort((a, b) => a - b);
      perPath[path] = { medianMs: Number(ms[50].toFixed(2)), p99Ms: Number(ms[98].toFixed(2)) };
    }
    return { paths, rounds, max, maxHealth, perPath };
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
}

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const apiResults = (api) => {
  const p99 = median(api.rounds.map((r) => r.mix.latencyMs.p99));
  const health = median(api.rounds.map((r) => r.health.latencyMs.p99));
  return {
    "api.p99_ms": p99,
    "api.p50_ms": median(api.rounds.map((r) => r.mix.latencyMs.p50)),
    "api.p99_ms_health": health,
    "api.p99_vs_health": Number((p99 / health).toFixed(2)),
    "api.requests_per_second_max": Math.round(api.max.requestsPerSecond),
    "api.requests_per_second_max_health": Math.round(api.maxHealth.requestsPerSecond),
  };
};

const machine = {
  cpu: cpus()[0]?.model,
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  loadAverageAtStart: loadavg(),
};
// BENCH_INDEXER_API_DB=<file>: the API part alone over a database kept from an earlier run (the
// catch-up keeps its SQLite file there when the file does not exist yet).
const keptDb = process.env.BENCH_INDEXER_API_DB;
if (keptDb && existsSync(keptDb)) {
  const api = await apiBench(keptDb);
  console.error(JSON.stringify({ machine: { ...machine, loadAverageAtEnd: loadavg() }, api }, null, 2));
  console.error(JSON.stringify(apiResults(api)));
  process.exit(0);
}
const { anvil, deployment, txs, loadSeconds, perTx } = await buildChain();
const dir = mkdtempSync(join(tmpdir(), "mzku-bench-indexer-"));
const raw = { machine, chain: { stakeTransactions: txs, eventsPerStake: perTx, loadSeconds } };
try {
  const sqliteFile = keptDb ?? join(dir, "bench.sqlite");
  raw.decode = await decodeBench(anvil, deployment);
  console.error(
    `decode: ${raw.decode.usPerLog.toFixed(2)} µs/log (parseEventLogs per log: ${raw.decode.baselineUsPerLog.toFixed(2)})`,
  );
  raw.sqlite = await catchUp(sqliteFile, anvil, deployment);
  console.error(`indexer sqlite: ${raw.sqlite.events} events in ${raw.sqlite.seconds.toFixed(1)} s`);
  const pg = await startPostgres();
  try {
    raw.postgres = await catchUp(await pg.createDatabase("bench"), anvil, deployment);
    console.error(`indexer postgres: ${raw.postgres.events} events in ${raw.postgres.seconds.toFixed(1)} s`);
  } finally {
    await pg.stop();
  }
  raw.api = await apiBench(sqliteFile);
  console.error(`api: ${JSON.stringify(apiResults(raw.api))}`);
} finally {
  await anvil.stop();
  rmSync(dir, { recursive: true, force: true });
}
raw.machine.loadAverageAtEnd = loadavg();
const results = {
  "indexer.events_per_second": Math.round(raw.sqlite.eventsPerSecond),
  "indexer.events_per_second_postgres": Math.round(raw.postgres.eventsPerSecond),
  "indexer.catch_up_events": raw.sqlite.events,
  "indexer.decode_us_per_log": Number(raw.decode.usPerLog.toFixed(2)),
  "indexer.decode_us_per_log_baseline": Number(raw.decode.baselineUsPerLog.toFixed(2)),
  ...apiResults(raw.api),
};
writeFileSync(join(here, "..", "results", "indexer.json"), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(here, "..", "results", "indexer.raw.json"), `${JSON.stringify(raw, null, 2)}\n`);
console.error(JSON.stringify(results));
