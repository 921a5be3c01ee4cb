#!/usr/bin/env node
// Test-only: a libp2p peer (its own process, the package's Mesh accepting everything) that connects to
// a sidecar and publishes, on the deployment's topic: garbage, an unsigned observation, a forgery in
// the victim's name, and a correctly signed observation of a stranger. Usage:
//   attacker.mjs <victim multiaddr> <victim peer id> <topic> <chainId> <UptimeReports> <victim sidecar> <target>
// Prints {"peerId":...,"published":4} once done, then stays connected until SIGTERM.
import { createLogger } from "@mzku/log";
import { Mesh, sidecarDomain, signObservation } from "@mzku/sidecar";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

const [addr, victimPeer, topic, chainId, reports, victim, target] = process.argv.slice(2);
const mesh = await Mesh.start({
  listen: ["/ip4/127.0.0.1/tcp/0"],
  bootstrap: [addr],
  sidecarKey: generatePrivateKey(),
  topic,
  validate: async () => ({ accept: true }),
  onMessage: () => undefined,
  log: createLogger({ component: "attacker", level: "warn" }),
});
// The victim may be slow to answer on a loaded machine: dial again until it is a topic peer.
const deadline = Date.now() + 60_000;
while (!mesh.topicPeers().includes(victimPeer)) {
  if (Date.now() > deadline) throw new Error("the victim never showed up on the topic");
  if (!mesh.peers().includes(victimPeer)) await mesh.dial(addr).catch(() => undefined);
  await new Promise((r) => setTimeout(r, 500));
}
const domain = sidecarDomain(Number(chainId), reports);
const stranger = privateKeyToAccount(generatePrivateKey());
const obs = (auditor) => ({
  auditor,
  target,
  period: 1n,
  round: 0,
  up: false,
  latencyMs: 1,
  observedAt: BigInt(Math.floor(Date.now() / 1000)),
});
const text = (s) => new TextEncoder().encode(s);
await mesh.publish(text("\u0000garbage{"));
await mesh.publish(
  text(JSON.stringify({ kind: "observation", body: { ...obs(victim), period: "1", observedAt: "1" } })),
);
const forged = JSON.parse(new TextDecoder().decode(await signObservation(stranger, domain, obs(stranger.address))));
forged.body.auditor = victim;
await mesh.publish(text(JSON.stringify(forged)));
await mesh.publish(await signObservation(stranger, domain, obs(stranger.address)));
process.stdout.write(`${JSON.stringify({ peerId: mesh.peerId, published: 4 })}\n`);
process.once("SIGTERM", () => mesh.stop().then(() => process.exit(0)));
