#!/usr/bin/env node
// Test-only: a libp2p peer (its own process, the package's Mesh accepting everything) that connects to
// a sidecar and publishes one bad message on the deployment's topic: `garbage`, `unsigned` (an
// observation without signature), `forged` (signed by a stranger, claiming to be the victim) or
// `stranger` (correctly signed by a key no node has). One kind per process: after its first rejected
// message a peer is graylisted and the victim reads nothing more from it. Usage:
//   attacker.mjs <kind> <victim multiaddr> <victim peer id> <topic> <chainId> <UptimeReports> <victim sidecar> <target>
// Prints {"peerId":...} once published, then stays connected until SIGTERM.
import { createLogger } from "@mzku/log";
import { Mesh, sidecarDomain, signObservation } from "@mzku/sidecar";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

const [kind, addr, victimPeer, topic, chainId, reports, victim, target] = process.argv.slice(2);
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
const forged = () =>
  signObservation(stranger, domain, obs(stranger.address)).then((m) => {
    const j = JSON.parse(new TextDecoder().decode(m));
    j.body.auditor = victim;
    return text(JSON.stringify(j));
  });
const message = {
  garbage: async () => text("\u0000garbage{"),
  unsigned: async () =>
    text(JSON.stringify({ kind: "observation", body: { ...obs(victim), period: "1", observedAt: "1" } })),
  forged,
  stranger: () => signObservation(stranger, domain, obs(stranger.address)),
}[kind];
if (!message) throw new Error(`unknown kind ${kind}`);
// The victim listed as a topic peer does not mean our stream to it is open yet: gossipsub drops a
// publication to a peer without one (no recipient). Publish until the victim was a recipient, so it
// gets exactly one bad message.
while ((await mesh.publish(await message())) === 0) {
  if (Date.now() > deadline) throw new Error("could not send to the victim");
  await new Promise((r) => setTimeout(r, 250));
}
process.stdout.write(`${JSON.stringify({ peerId: mesh.peerId })}\n`);
process.once("SIGTERM", () => mesh.stop().then(() => process.exit(0)));
