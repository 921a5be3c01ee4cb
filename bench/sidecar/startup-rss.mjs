#!/usr/bin/env node
// What the sidecar daemon holds before its first probe: RSS and V8 heap after each import, in the
// order the daemon (`mzku sidecar start` → runSidecar → Sidecar) loads them. Prints one JSON line.
// `node bench/sidecar/startup-rss.mjs` (needs `npm run build`).
const mb = (x) => Math.round((x / 2 ** 20) * 10) / 10;
const steps = [];
let last = process.memoryUsage();
const note = (name) => {
  globalThis.gc?.();
  const m = process.memoryUsage();
  steps.push({ name, rssMb: mb(m.rss), deltaMb: mb(m.rss - last.rss), heapUsedMb: mb(m.heapUsed) });
  last = m;
};
note("node");
for (const name of [
  "viem",
  "viem/accounts",
  "prom-client",
  "better-sqlite3",
  "tiny-secp256k1",
  "@mzku/sdk",
  "libp2p",
  "@libp2p/gossipsub",
  "@chainsafe/libp2p-noise",
  "@chainsafe/libp2p-yamux",
  "@libp2p/tcp",
  "@libp2p/identify",
  "@libp2p/ping",
  "@mzku/sidecar",
]) {
  await import(name);
  note(name);
}
process.stdout.write(`${JSON.stringify({ node: process.version, steps })}\n`);
