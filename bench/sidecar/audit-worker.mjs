#!/usr/bin/env node
// One sidecar's auditor (packages/sidecar Auditor, its SQLite store and metrics) probing TARGETS
// simulated nodes for ROUNDS rounds (one period), every observation signed (EIP-712, libsecp256k1 as
// in the daemon) and handed to the publisher. Its own process, so its peak RSS is the auditor's alone. It loads the whole
// `@mzku/sidecar` (libp2p, sdk) as the daemon does. Prints one JSON line.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "@mzku/log";
import { Auditor, createMetrics, ObservationSigner, SidecarStore, sidecarDomain, tuneDaemonHeap } from "@mzku/sidecar";
import { privateKeyToAccount } from "viem/accounts";

const [port, targetsArg, roundsArg, heap] = process.argv.slice(2);
// "daemon": the V8 heap policy `mzku sidecar start` sets (packages/sidecar/src/heap.ts), applied as
// the daemon applies it, after its code is loaded; "default": V8's defaults (the baseline).
if (heap === "daemon") tuneDaemonHeap();
const TARGETS = Number(targetsArg);
const ROUNDS = Number(roundsArg);
const dir = mkdtempSync(join(tmpdir(), "mzku-bench-audit-"));
const store = new SidecarStore(dir);
const targets = Array.from(
  { length: TARGETS },
  (_, i) => privateKeyToAccount(`0x${(i + 1).toString(16).padStart(64, "0")}`).address,
);
const endpoints = new Map(
  targets.map((t, i) => [
    t,
    { sidecar: t, peerId: "", nodeKind: "evm", nodeUrl: `http://127.0.0.1:${port}/t/${i}`, addrs: "", at: 0n },
  ]),
);
let signed = 0;
const auditor = new Auditor({
  signer: new ObservationSigner(
    `0x${"42".repeat(32)}`,
    sidecarDomain(31337, "0x5FbDB2315678afecb367f032d93F642f64180aa3"),
  ),
  store,
  metrics: createMetrics(),
  log: silentLogger,
  endpointOf: (t) => endpoints.get(t),
  publish: async () => {
    signed++;
  },
  timeoutMs: 5_000,
  maxHeadLagSeconds: 60,
  concurrency: 64,
});
// What holds the memory: RSS once everything is loaded (libraries), and the peaks of the V8 heap and
// of native memory while probing, sampled every 50 ms.
const mb = (x) => Math.round(x / 2 ** 20);
const loadedRssMb = mb(process.memoryUsage().rss);
const peak = { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  for (const k of Object.keys(peak)) peak[k] = Math.max(peak[k], mb(m[k]));
}, 50);
const started = performance.now();
let up = 0;
for (let r = 0; r < ROUNDS; r++) {
  const obs = await auditor.round(1n, r, targets);
  up += obs.filter((o) => o.up).length;
}
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? 0) / 1024;
const tally = store.tally(1n);
store.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({ seconds, peakRssMb: hwm, loadedRssMb, peakMb: peak, probes: TARGETS * ROUNDS, up, signed, targetsTallied: tally.size })}\n`,
);
