/**
 * The sidecars' libp2p mesh: TCP + Noise + Yamux, identify, ping, and one gossipsub topic per
 * deployment carrying signed observations and announcements. Every message passes `validate` before
 * it is delivered or forwarded: a message it refuses is rejected (gossipsub's invalid-delivery
 * penalty, P4) and counts against the peer that sent it in the application score, so a peer sending
 * garbage or forgeries falls under the gossip, publish and graylist thresholds and is cut off.
 * The peer key is derived from the sidecar key, so a sidecar keeps its peer id across restarts.
 */
import "../polyfill.js";
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { type GossipSub, gossipsub, TopicValidatorResult } from "@libp2p/gossipsub";
import { createPeerScoreParams, createTopicScoreParams } from "@libp2p/gossipsub/score";
import { identify } from "@libp2p/identify";
import { peerIdFromString } from "@libp2p/peer-id";
import { ping } from "@libp2p/ping";
import { tcp } from "@libp2p/tcp";
import { multiaddr } from "@multiformats/multiaddr";
import type { Logger } from "@mzku/log";
import { createLibp2p, type Libp2p } from "libp2p";
import { meshKey } from "./identity.js";

/**
 * What `validate` answers: deliver; drop without blame (`ignore`: e.g. a sender not yet known); or
 * reject with a reason (the metric label), which counts against the peer that sent it.
 */
export type Verdict =
  | { readonly accept: true }
  | { readonly ignore: true }
  | { readonly accept: false; readonly reason: string };

export interface MeshOptions {
  readonly listen: readonly string[];
  readonly bootstrap: readonly string[];
  /** The sidecar key: the peer key is derived from it. */
  readonly sidecarKey: `0x${string}`;
  readonly topic: string;
  /** Checks a message before it is delivered or forwarded (`from`: the peer that sent it to us). */
  readonly validate: (data: Uint8Array, from: string, origin: string | undefined) => Promise<Verdict>;
  /** Called with every accepted message. */
  readonly onMessage: (data: Uint8Array, origin: string | undefined) => void;
  readonly log: Logger;
}

/** Penalty in the application score per message a peer sent that was rejected. */
const APP_PENALTY_PER_REJECT = 10;

type Services = { pubsub: GossipSub; ping: ReturnType<ReturnType<typeof ping>>; identify: unknown };

export class Mesh {
  private readonly rejects = new Map<string, number>();

  private constructor(
    private readonly node: Libp2p<Services>,
    private readonly options: MeshOptions,
  ) {}

  static async start(options: MeshOptions): Promise<Mesh> {
    const privateKey = await meshKey(options.sidecarKey);
    const holder: { mesh?: Mesh } = {};
    const node = await createLibp2p({
      privateKey,
      addresses: { listen: [...options.listen] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: {
        identify: identify(),
        ping: ping(),
        pubsub: gossipsub({
          emitSelf: false,
          allowPublishToZeroTopicPeers: true,
          scoreParams: createPeerScoreParams({
            topics: {
              [options.topic]: createTopicScoreParams({
                topicWeight: 1,
                timeInMeshWeight: 0.01,
                timeInMeshQuantum: 1_000,
                timeInMeshCap: 100,
                firstMessageDeliveriesWeight: 0.1,
                firstMessageDeliveriesCap: 100,
                meshMessageDeliveriesWeight: 0,
                meshFailurePenaltyWeight: 0,
                invalidMessageDeliveriesWeight: -100,
                invalidMessageDeliveriesDecay: 0.99,
              }),
            },
            appSpecificScore: (peer) => -(holder.mesh?.rejects.get(peer) ?? 0) * APP_PENALTY_PER_REJECT,
            appSpecificWeight: 1,
            // Sidecars on one host (tests, small operators) share an IP; membership in the
            // NodeRegistry, not the IP, is what limits Sybils here.
            IPColocationFactorWeight: 0,
          }),
        }),
      },
    });
    const mesh = new Mesh(node as unknown as Libp2p<Services>, options);
    holder.mesh = mesh;
    mesh.wire();
    await node.start();
    // the bootstrap peers are dialled together: one that does not answer holds the start for one timeout, not one each
    await Promise.all(
      options.bootstrap.map((addr) =>
        mesh.dial(addr).catch((error) => options.log.warn("bootstrap dial failed", { addr, error: String(error) })),
      ),
    );
    return mesh;
  }

  get peerId(): string {
    return this.node.peerId.toString();
  }

  multiaddrs(): string[] {
    return this.node.getMultiaddrs().map((m) => m.toString());
  }

  peers(): string[] {
    return this.node.getPeers().map((p) => p.toString());
  }

  /** Gossipsub's score of `peer` (negative once it sent rejected messages). */
  score(peer: string): number {
    return (this.node.services.pubsub as unknown as { getScore(p: string): number }).getScore(peer);
  }

  /** Peers known to subscribe to the topic. */
  topicPeers(): string[] {
    return this.node.services.pubsub.getSubscribers(this.options.topic).map((p) => p.toString());
  }

  /** Peers that sent rejected messages (connected or not: gossipsub keeps their score for an hour). */
  rejectedPeers(): string[] {
    return [...this.rejects.keys()];
  }

  rejectedFrom(peer: string): number {
    return this.rejects.get(peer) ?? 0;
  }

  async dial(addr: string): Promise<void> {
    await this.node.dial(multiaddr(addr), { signal: AbortSignal.timeout(10_000) });
  }

  /** Remembers where `peer` listens, and dials it if not connected (mesh growth from announcements). */
  async learn(peer: string, addrs: readonly string[]): Promise<void> {
    if (peer === this.peerId) return;
    const id = peerIdFromString(peer);
    await this.node.peerStore.merge(id, { multiaddrs: addrs.map((a) => multiaddr(a)) });
    if (this.node.getConnections(id).length === 0) {
      await this.node.dial(id, { signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
    }
  }

  /** Round-trip time of a libp2p ping to `peer`, in ms. */
  async ping(peer: string, timeoutMs: number): Promise<number> {
    return this.node.services.ping.ping(peerIdFromString(peer), { signal: AbortSignal.timeout(timeoutMs) });
  }

  async publish(data: Uint8Array): Promise<number> {
    const r = await this.node.services.pubsub.publish(this.options.topic, data);
    return r.recipients.length;
  }

  async stop(): Promise<void> {
    await this.node.stop();
  }

  private wire(): void {
    const pubsub = this.node.services.pubsub;
    const { topic, validate, onMessage, log } = this.options;
    pubsub.topicValidators.set(topic, async (from, message) => {
      const origin = message.type === "signed" ? message.from.toString() : undefined;
      const verdict = await validate(message.data, from.toString(), origin);
      if ("ignore" in verdict) return TopicValidatorResult.Ignore;
      if (verdict.accept) return TopicValidatorResult.Accept;
      const peer = from.toString();
      this.rejects.set(peer, (this.rejects.get(peer) ?? 0) + 1);
      log.warn("gossip message rejected", { peer, reason: verdict.reason });
      return TopicValidatorResult.Reject;
    });
    pubsub.addEventListener("message", (event) => {
      const m = event.detail;
      if (m.topic !== topic) return;
      onMessage(m.data, m.type === "signed" ? m.from.toString() : undefined);
    });
    pubsub.subscribe(topic);
  }
}
