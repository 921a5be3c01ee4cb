#!/usr/bin/env node
// One of the gossip benchmark's sidecar meshes (packages/sidecar Mesh: libp2p TCP + Noise + Yamux +
// gossipsub with the daemon's options). Mode "validated": every message goes through the daemon's
// check (decoded, signer in the roster before the EIP-712 signature is recovered, then recovered);
// mode "raw": accepted unread (the baseline: gossipsub delivery alone).
// Args: index, count, bootstrap multiaddrs ("-" for none), publish seconds, rate per second, mode.
// Protocol on stdio (one JSON line each): prints {"event":"listening","addr"}; reads {"dial":[addrs]}
// (the other members, as announcements make the daemon dial them), prints {"event":"connected"};
// reads {"go":true}, publishes, prints {"event":"done","latencies":[ms...],"peers":n}.
// The observation's observedAt carries the send time in ms (the latency probe).
import { createInterface } from "node:readline";
import { silentLogger } from "@mzku/log";
import { Mesh, parseMessage, sidecarDomain, signObservation, verifyMessage } from "@mzku/sidecar";
import { privateKeyToAccount } from "viem/accounts";

const [indexArg, countArg, bootstrap, secondsArg, rateArg, mode] = process.argv.slice(2);
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
  validate:
    mode === "raw"
      ? async () => ({ accept: true })
      : async (data) => {
          try {
            const m = parseMessage(data);
            if (!roster.has(m.claimed)) return { accept: false, reason: "unknown_sender" };
            await verifyMessage(m, domain);
            return { accept: true };
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
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const read = async () => JSON.parse((await lines.next()).value);
process.stdout.write(`${JSON.stringify({ event: "listening", addr: `${mesh.multiaddrs()[0]}` })}\n`);
const { dial } = await read();
await Promise.all(dial.filter((a) => a !== `${mesh.multiaddrs()[0]}`).map((a) => mesh.dial(a).catch(() => undefined)));
process.stdout.write(`${JSON.stringify({ event: "connected", peers: mesh.peers().length })}\n`);
await read(); // go: every mesh up, connected and grafted
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
