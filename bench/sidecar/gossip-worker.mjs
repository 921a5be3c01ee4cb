#!/usr/bin/env node
// One of the gossip benchmark's sidecar meshes (packages/sidecar Mesh: libp2p TCP + Noise + Yamux +
// gossipsub, every message validated: decoded, EIP-712 signature recovered, signer in the roster).
// Args: index, count, bootstrap multiaddr ("-" for none), publish seconds, rate per second.
// Prints {"event":"listening","addr":...} then, at the end, {"event":"done","latencies":[ms...]}.
// The observation's observedAt carries the send time in ms (the latency probe).
import { silentLogger } from "@mzku/log";
import { decodeMessage, Mesh, sidecarDomain, signObservation } from "@mzku/sidecar";
import { privateKeyToAccount } from "viem/accounts";

const [indexArg, countArg, bootstrap, secondsArg, rateArg] = process.argv.slice(2);
const index = Number(indexArg);
const count = Number(countArg);
const key = (i) => `0x${(1000 + i).toString(16).padStart(64, "0")}`;
const roster = new Set(Array.from({ length: count }, (_, i) => privateKeyToAccount(key(i)).address));
const account = privateKeyToAccount(key(index));
const domain = sidecarDomain(31337, "0x5FbDB2315678afecb367f032d93F642f64180aa3");
const latencies = [];
const mesh = await Mesh.start({
  listen: ["/ip4/127.0.0.1/tcp/0"],
  bootstrap: bootstrap === "-" ? [] : bootstrap.split(","),
  sidecarKey: key(index),
  topic: "/mzku/bench/audit/1",
  validate: async (data) => {
    try {
      const m = await decodeMessage(data, domain);
      return roster.has(m.signer) ? { accept: true } : { accept: false, reason: "unknown_sender" };
    } catch {
      return { accept: false, reason: "malformed" };
    }
  },
  onMessage: (data) => {
    const m = JSON.parse(new TextDecoder().decode(data));
    if (m.kind === "observation") latencies.push(Date.now() - Number(m.body.observedAt));
  },
  log: silentLogger,
});
process.stdout.write(`${JSON.stringify({ event: "listening", addr: `${mesh.multiaddrs()[0]}` })}\n`);
// wait for "go" on stdin (every mesh up and connected), then publish
await new Promise((resolve) => process.stdin.once("data", resolve));
const seconds = Number(secondsArg);
const rate = Number(rateArg);
const until = Date.now() + seconds * 1000;
let round = 0;
while (Date.now() < until) {
  const o = {
    auditor: account.address,
    target: account.address,
    period: 1n,
    round: round++,
    up: true,
    latencyMs: 1,
    observedAt: BigInt(Date.now()),
  };
  await mesh.publish(await signObservation(account, domain, o)).catch(() => undefined);
  await new Promise((r) => setTimeout(r, 1000 / rate));
}
await new Promise((r) => setTimeout(r, 3_000)); // late deliveries
process.stdout.write(`${JSON.stringify({ event: "done", peers: mesh.peers().length, latencies })}\n`);
await mesh.stop();
process.exit(0);
