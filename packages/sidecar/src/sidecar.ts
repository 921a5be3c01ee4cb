/**
 * The sidecar daemon: supervises (or attaches to) its node, joins the audit roster, opens periods,
 * probes its assigned targets several times per period, gossips signed observations and endpoint
 * announcements over libp2p, and when a period ends queues its k votes in the SQLite outbox, which
 * sends them exactly once. `stop()` ends everything it started (timers, mesh, HTTP, node, database).
 */

import { isCodedError } from "@mzku/errors";
import type { Logger } from "@mzku/log";
import { type AuditPeriod, auditTargets, encodeVotes } from "@mzku/sdk";
import {
  type Address,
  createNonceManager,
  createWalletClient,
  defineChain,
  getAddress,
  http,
  publicActions,
  type TypedDataDomain,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { jsonRpc } from "viem/nonce";
import { blsKeyFromSidecarKey } from "./aggregate/bls.js";
import { AggregateRound } from "./aggregate/round.js";
import { AggregateStore } from "./aggregate/store.js";
import { Auditor } from "./audit/auditor.js";
import {
  type Announce,
  decodeMessage,
  ObservationSigner,
  parseMessage,
  type SignedMessage,
  signAnnounce,
  verifyMessage,
} from "./audit/messages.js";
import { Chain, type Membership, revertName } from "./chain.js";
import type { SidecarConfig } from "./config.js";
import { readDeploymentFile } from "./deploymentFile.js";
import { type HttpServer, startHttp } from "./http.js";
import { Mesh, type Verdict } from "./mesh/mesh.js";
import { createMetrics, type SidecarMetrics } from "./metrics.js";
import { measureCapacity, type Resources, sameResources } from "./node/capacity.js";
import { checkHealth, type NodeHealth } from "./node/health.js";
import { NodeSupervisor } from "./node/supervisor.js";
import { Outbox } from "./report/outbox.js";
import { SidecarStore } from "./store/db.js";

/**
 * Each sidecar refreshes its own provider's score every this many periods (down periods refresh it
 * on-chain at once; this brings up periods in without a transaction per sidecar per period).
 */
const REFRESH_EVERY = 8n;

/** NodeRegistry statuses the sidecar acts on (`NodeStatus` in the contracts). */
const INSTALLING = 1;
const ACTIVE = 2;

export interface SidecarStatus {
  readonly sidecar: Address;
  readonly peerId: string;
  readonly multiaddrs: readonly string[];
  readonly http: string;
  readonly period: string | null;
  readonly membership: { slot: number; nodeId: string; providerId: string } | null;
  readonly node: NodeHealth | null;
  readonly nodePid: number | null;
  readonly nodeRestarts: number;
  readonly targets: readonly Address[];
  /** Connected peers, and peers that sent rejected messages (also once disconnected). */
  readonly peers: readonly { peer: string; connected: boolean; score: number; rejected: number }[];
  readonly knownSidecars: number;
  readonly reports: readonly { period: string; status: string; votes: string; txHash: string | null }[];
}

export class Sidecar {
  readonly metrics: SidecarMetrics = createMetrics();
  private store!: SidecarStore;
  private chain!: Chain;
  private mesh!: Mesh;
  private http!: HttpServer;
  private outbox!: Outbox;
  private auditor!: Auditor;
  /** Aggregate mode only (`report.mode`). */
  private round: AggregateRound | undefined;
  private supervisor: NodeSupervisor | undefined;
  private domain!: TypedDataDomain;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly directory = new Map<Address, Announce>();
  private readonly validated = new Map<Uint8Array, SignedMessage>();
  private roster = new Set<Address>();
  private rosterLoadedAt = 0;
  private membership: Membership | undefined;
  private period: bigint | undefined;
  private queuedFor: bigint | undefined;
  private openWaits = 0;
  private openWaitsFor: bigint | undefined;
  private targets: Address[] = [];
  private rounds = new Map<string, number>();
  private health: NodeHealth | undefined;
  private capacityAt = 0;
  /** The last capacity report the registry refused: not sent again until the measurement changes. */
  private capacityRefused: Resources | undefined;
  private ticking = false;
  private probing = false;
  private stopped = false;
  /** Aborted by `stop()`: what the start still waits for (its deployment file) gives up. */
  private readonly starting = new AbortController();
  private stopping: Promise<void> | undefined;

  constructor(
    readonly config: SidecarConfig,
    private readonly log: Logger,
  ) {}

  get address(): Address {
    return privateKeyToAccount(this.config.privateKey).address;
  }

  async start(): Promise<void> {
    const c = this.config;
    // The file read here (deploymentFile.ts) rather than through `@mzku/sdk/node`, whose exit and DKG tooling would cost
    // the daemon about 40 MB of memory it never uses.
    const deployment = await readDeploymentFile(c.deploymentFile, c.deploymentWaitMs, this.starting.signal);
    // Nonces are counted locally: a report and a refresh sent in the same step must not share one
    // (on a node that reports the mined count as "pending", the second would replace the first).
    const account = privateKeyToAccount(c.privateKey, { nonceManager: createNonceManager({ source: jsonRpc() }) });
    const chain = defineChain({
      id: deployment.chainId,
      name: `mzku-${deployment.chainId}`,
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [c.rpcUrl] } },
    });
    // Receipts are polled at the step interval (viem's default of 4 s would hold a step for seconds).
    const client = createWalletClient({
      account,
      chain,
      transport: http(c.rpcUrl, { retryCount: 0 }),
      pollingInterval: Math.min(c.tickMs, 1_000),
    }).extend(publicActions);
    this.chain = new Chain(client, deployment);
    this.domain = {
      name: "MZKU Sidecar",
      version: "1",
      chainId: deployment.chainId,
      verifyingContract: deployment.contracts.UptimeReports,
    };
    this.store = new SidecarStore(c.dataDir);
    if (c.report.mode === "aggregate") {
      this.round = new AggregateRound({
        chain: this.chain,
        store: new AggregateStore(this.store.db),
        key: blsKeyFromSidecarKey(c.privateKey),
        account,
        domain: this.domain,
        aggregator: c.report.aggregator,
        metrics: this.metrics,
        log: this.log.child({ component: "sidecar.aggregate" }),
        publish: (data) => this.mesh.publish(data),
      });
    }
    const round = this.round;
    this.outbox = new Outbox(
      this.store,
      this.chain,
      this.metrics,
      this.log.child({ component: "sidecar.outbox" }),
      round && ((period) => round.hold(period)),
    );

    if (c.node.command) {
      this.supervisor = new NodeSupervisor(
        {
          command: c.node.command,
          minMs: c.node.restartMinMs,
          maxMs: c.node.restartMaxMs,
          onRestart: () => this.metrics.nodeRestarts.inc(),
        },
        this.log.child({ component: "sidecar.node" }),
      );
      this.supervisor.start();
    }

    this.mesh = await Mesh.start({
      listen: c.listen,
      bootstrap: c.bootstrap,
      sidecarKey: c.privateKey,
      topic: `/mzku/${deployment.chainId}/${deployment.contracts.UptimeReports.toLowerCase()}/audit/1`,
      validate: (data, from, origin) => this.validate(data, from, origin),
      // a handler's failure is logged and counted: the daemon carries on
      onMessage: (data) =>
        void this.onMessage(data).catch((error) => {
          this.metrics.failures.inc({ reason: "gossip" });
          this.log.warn("gossip message not handled", { error: String(error) });
        }),
      log: this.log.child({ component: "sidecar.mesh" }),
    });
    this.auditor = new Auditor({
      signer: new ObservationSigner(c.privateKey, this.domain),
      store: this.store,
      metrics: this.metrics,
      log: this.log.child({ component: "sidecar.auditor" }),
      endpointOf: (t) => this.directory.get(t),
      ping: (peer, timeoutMs) => this.mesh.ping(peer, timeoutMs),
      publish: (data) => this.mesh.publish(data),
      timeoutMs: c.probeTimeoutMs,
      maxHeadLagSeconds: c.node.maxHeadLagSeconds,
    });
    this.http = await startHttp(c.httpPort, this.metrics, {
      status: () => this.status(),
      observations: (period, target) => this.store.observationsOf(period, target),
      ...(this.round ? { verdicts: (period: bigint) => this.round?.heldVerdicts(period) } : {}),
    });
    this.log.info("sidecar started", {
      sidecar: account.address,
      peerId: this.mesh.peerId,
      multiaddrs: this.mesh.multiaddrs(),
      http: this.http.url,
      node: c.node.command ? "supervised" : "attached",
    });

    this.every(c.tickMs, () => this.tick());
    this.every(c.probeIntervalMs, () => this.probeRound());
    this.every(c.announceIntervalMs, () => this.announce());
    await this.tick();
    await this.announce();
  }

  /** Stops timers, mesh, HTTP server and the supervised node, and closes the database. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.stopped = true;
    this.starting.abort(); // a start still waiting for its deployment file gives up
    for (const t of this.timers) clearInterval(t);
    await this.mesh?.stop().catch(() => undefined);
    await this.http?.close().catch(() => undefined);
    await this.supervisor?.stop();
    this.store?.close();
    this.log.info("sidecar stopped");
  }

  status(): SidecarStatus {
    const m = this.membership;
    const connected = new Set(this.mesh.peers());
    return {
      sidecar: this.address,
      peerId: this.mesh.peerId,
      multiaddrs: this.mesh.multiaddrs(),
      http: this.http?.url ?? "",
      period: this.period?.toString() ?? null,
      membership: m ? { slot: m.slot, nodeId: m.nodeId.toString(), providerId: m.providerId.toString() } : null,
      node: this.health ?? null,
      nodePid: this.supervisor?.pid ?? null,
      nodeRestarts: this.supervisor?.restarts ?? 0,
      targets: this.targets,
      peers: [...new Set([...this.mesh.peers(), ...this.mesh.rejectedPeers()])].map((peer) => ({
        peer,
        connected: connected.has(peer),
        score: this.mesh.score(peer),
        rejected: this.mesh.rejectedFrom(peer),
      })),
      knownSidecars: this.directory.size,
      reports: this.store.reports().map((r) => ({
        period: r.period.toString(),
        status: r.status,
        votes: r.votes.toString(2),
        txHash: r.txHash,
      })),
    };
  }

  private every(ms: number, fn: () => Promise<void>): void {
    this.timers.push(
      setInterval(() => {
        if (!this.stopped) void fn();
      }, ms),
    );
  }

  private async tick(): Promise<void> {
    if (this.ticking || this.stopped) return;
    this.ticking = true;
    try {
      await this.checkNode();
      const current = await this.chain.currentPeriod();
      this.metrics.period.set(Number(current));
      if (!this.membership) await this.enrol();
      const m = this.membership;
      // The period that ended (or, at start, the one before) gets its votes queued once.
      const ended = this.period ?? current - 1n;
      if (m && ended >= 0n && ended < current && this.queuedFor !== ended) {
        await this.queueVotes(ended, m.slot);
        this.queuedFor = ended;
      }
      if (current !== this.period) {
        const info = (await this.chain.period(current)) ?? (await this.open(current));
        if (info) await this.enterPeriod(current, info);
      }
      if (m && this.round) await this.aggregateStep(m.slot, current);
      if (m) await this.outbox.flush(m.slot, current);
      if (this.config.node.capacity && Date.now() - this.capacityAt >= this.config.capacityIntervalMs) {
        await this.reportCapacity();
      }
    } catch (error) {
      this.metrics.failures.inc({ reason: "rpc" });
      this.log.warn("period step failed", { error: isCodedError(error) ? error.shortMessage : String(error) });
    } finally {
      this.ticking = false;
    }
  }

  /** Aggregate mode: BLS key, the verdicts of the period that ended, the aggregator's and watcher's step. */
  private async aggregateStep(slot: number, current: bigint): Promise<void> {
    const round = this.round as AggregateRound;
    try {
      await round.register(slot);
      const row = this.store.report(current - 1n);
      const info = row && (await this.chain.period(row.period));
      if (row && info) await round.verdicts(row, slot, info);
      await round.step(current, slot);
    } catch (error) {
      this.metrics.failures.inc({ reason: "aggregate" });
      this.log.warn("aggregate step failed", { error: revertName(error) ?? String(error) });
    }
  }

  /**
   * Opens `period` when it is this sidecar's turn: the slot `period mod roster` at once, everyone else
   * after two steps without an open period (one transaction per period in the normal case).
   */
  private async open(period: bigint): Promise<AuditPeriod | undefined> {
    const size = await this.chain.rosterSize();
    const mine = this.membership !== undefined && size > 0 && BigInt(this.membership.slot) === period % BigInt(size);
    this.openWaits = this.openWaitsFor === period ? this.openWaits + 1 : 0;
    this.openWaitsFor = period;
    if (!mine && this.openWaits < 2) return undefined;
    try {
      await this.chain.openPeriod();
    } catch (error) {
      const opened = await this.chain.period(period);
      if (opened) return opened; // someone else's open was mined first
      this.metrics.failures.inc({ reason: "open_period" });
      this.log.warn("cannot open the period", { period, error: revertName(error) ?? String(error) });
      return undefined;
    }
    return this.chain.period(period);
  }

  private async checkNode(): Promise<void> {
    const n = this.config.node;
    const h = await checkHealth(n.kind, n.url, {
      timeoutMs: this.config.probeTimeoutMs,
      maxHeadLagSeconds: n.maxHeadLagSeconds,
    });
    if (this.health?.healthy !== h.healthy) {
      this.log.info(h.healthy ? "node healthy" : "node not healthy", { reason: h.reason, head: h.head });
    }
    this.health = h;
    this.metrics.nodeUp.set(h.healthy ? 1 : 0);
    this.metrics.nodeHeadLag.set(h.headLagSeconds);
    this.metrics.nodePeers.set(h.peers);
    this.metrics.nodeSyncing.set(h.syncing ? 1 : 0);
    this.metrics.gossipPeers.set(this.mesh.peers().length);
  }

  /** Activates the node once it is healthy (installation done) and joins the audit roster. */
  private async enrol(): Promise<void> {
    this.membership = await this.chain.membership();
    if (this.membership) return;
    const nodeId = await this.chain.nodeIdOfSelf();
    if (nodeId === 0n) {
      this.log.warn("this sidecar's address is not registered with a node", { sidecar: this.chain.address });
      return;
    }
    let status = await this.chain.nodeStatus(nodeId);
    if (status === INSTALLING && this.health?.healthy) {
      await this.chain.activateNode(nodeId);
      this.log.info("node activated in the NodeRegistry", { nodeId });
      status = ACTIVE;
    }
    if (status !== ACTIVE) return;
    await this.chain.join().catch((error) => {
      this.metrics.failures.inc({ reason: "join" });
      this.log.warn("cannot join the audit roster", { error: revertName(error) ?? String(error) });
    });
    this.membership = await this.chain.membership();
    if (this.membership) this.log.info("joined the audit roster", { slot: this.membership.slot, nodeId });
  }

  /**
   * Measures the node's capacity and reports it to the NodeRegistry when it differs from what is
   * registered (a change, not a heartbeat: the registry refuses an unchanged report). A refused report
   * (over the provider's capacity, shrinking under a running project, provider not eligible) is
   * logged, counted and not retried until the measurement changes.
   */
  private async reportCapacity(): Promise<void> {
    const nodeId = this.membership?.nodeId ?? (await this.chain.nodeIdOfSelf());
    if (nodeId === 0n) return;
    this.capacityAt = Date.now();
    const node = await this.chain.node(nodeId);
    const onChain = node.resources;
    if (node.status !== INSTALLING && node.status !== ACTIVE) return;
    const dir = this.config.node.dataDir ?? this.config.dataDir;
    const measured = measureCapacity(this.config.node.capacity ?? {}, dir, onChain);
    let current = onChain;
    if (!sameResources(measured, onChain) && !(this.capacityRefused && sameResources(measured, this.capacityRefused))) {
      try {
        await this.chain.setNodeResources(nodeId, measured);
        this.metrics.capacityReports.inc();
        this.log.info("node capacity reported", { nodeId, from: onChain, to: measured });
        current = measured;
        this.capacityRefused = undefined;
      } catch (error) {
        if (revertName(error) === undefined) throw error; // RPC trouble: the next interval retries
        this.capacityRefused = measured;
        this.metrics.failures.inc({ reason: "capacity" });
        this.log.warn("capacity report refused", { nodeId, measured, error: revertName(error) ?? String(error) });
      }
    }
    this.metrics.nodeCapacity.set({ resource: "cpu_cores" }, current.cpuCores);
    this.metrics.nodeCapacity.set({ resource: "ram_gb" }, current.ramGb);
    this.metrics.nodeCapacity.set({ resource: "storage_gb" }, current.storageGb);
    this.metrics.nodeCapacity.set({ resource: "bandwidth_mbps" }, current.bandwidthMbps);
  }

  /** A new period: load this one's targets and the roster; every REFRESH_EVERY periods refresh the own score. */
  private async enterPeriod(current: bigint, info: AuditPeriod): Promise<void> {
    const m = this.membership;
    this.period = current;
    this.targets = [];
    if (m && m.slot < info.size && info.k > 0) {
      this.targets = await Promise.all(auditTargets(info, m.slot).map((s) => this.chain.sidecarAt(s)));
    }
    await this.loadRoster(info.size);
    this.log.info("period", { period: current, targets: this.targets, k: info.k });
    this.store.prune(current);
    if (
      m &&
      current % REFRESH_EVERY === BigInt(m.slot) % REFRESH_EVERY &&
      this.store.getMeta("refreshedPeriod") !== current.toString()
    ) {
      await this.chain
        .refresh(m.providerId)
        .then(() => this.store.setMeta("refreshedPeriod", current.toString()))
        .catch((error) => {
          this.metrics.failures.inc({ reason: "refresh" });
          this.log.warn("score refresh failed", { error: revertName(error) ?? String(error) });
        });
    }
  }

  /**
   * Votes of `period` from the own probes: a target is up when at least `upThresholdBps` of its probes
   * found it up. A sidecar that probed none of its targets (it was not running) abstains.
   */
  private async queueVotes(period: bigint, slot: number): Promise<void> {
    if (this.store.report(period)) return;
    const info = await this.chain.period(period);
    if (!info || slot >= info.size || info.k === 0) return;
    const targets = await Promise.all(auditTargets(info, slot).map((s) => this.chain.sidecarAt(s)));
    const tally = this.store.tally(period);
    if (!targets.some((t) => tally.has(t))) {
      this.log.warn("no probes in the period: abstaining", { period });
      return;
    }
    const up = targets.map((t) => {
      const r = tally.get(t);
      return r !== undefined && r.probes > 0 && r.up * 10_000 >= this.config.upThresholdBps * r.probes;
    });
    this.store.enqueueReport(period, encodeVotes(up), targets);
    this.log.info("report queued", { period, targets, up });
  }

  private async probeRound(): Promise<void> {
    const period = this.period;
    if (this.probing || this.stopped || period === undefined || this.targets.length === 0) return;
    this.probing = true;
    try {
      const key = period.toString();
      const round = this.rounds.get(key) ?? 0;
      this.rounds.set(key, round + 1);
      const obs = await this.auditor.round(period, round, this.targets);
      this.log.debug("probe round", { period, round, up: obs.filter((o) => o.up).length, of: obs.length });
    } catch (error) {
      this.metrics.failures.inc({ reason: "probe" });
      this.log.warn("probe round failed", { error: String(error) });
    } finally {
      this.probing = false;
    }
  }

  private async announce(): Promise<void> {
    if (this.stopped) return;
    const a: Announce = {
      sidecar: this.address,
      peerId: this.mesh.peerId,
      nodeKind: this.config.node.kind,
      nodeUrl: this.config.node.publicUrl,
      addrs: this.mesh.multiaddrs().join(","),
      at: BigInt(Math.floor(Date.now() / 1000)),
    };
    const data = await signAnnounce(privateKeyToAccount(this.config.privateKey), this.domain, a);
    await this.mesh.publish(data).catch((error) => this.log.debug("announce not sent", { error: String(error) }));
  }

  private async loadRoster(size: number): Promise<void> {
    const all = await Promise.all(Array.from({ length: size }, (_, i) => this.chain.sidecarAt(i)));
    this.roster = new Set(all);
    this.rosterLoadedAt = Date.now();
  }

  /**
   * Only roster members may speak, and an announcement must come from the announced peer. A signer
   * the NodeRegistry knows but the roster does not yet (it joins this period) is ignored, not
   * penalized; anyone else is rejected. The cheap checks (shape, the named sender in the roster) come
   * before the signature recovery, so a stranger's flood costs no elliptic-curve work.
   */
  private async validate(data: Uint8Array, _from: string, origin: string | undefined): Promise<Verdict> {
    let verdict: Verdict;
    let kind = "unknown";
    try {
      const p = parseMessage(data);
      kind = p.kind;
      if (!this.roster.has(p.claimed) && Date.now() - this.rosterLoadedAt > 1_000) {
        await this.loadRoster(await this.chain.rosterSize()).catch(() => undefined);
      }
      if (p.kind === "announce" && p.body.peerId !== origin) verdict = { accept: false, reason: "wrong_peer" };
      else if (!this.roster.has(p.claimed)) {
        const known = (await this.chain.nodeIdOf(p.claimed).catch(() => 0n)) !== 0n;
        verdict = known ? { ignore: true } : { accept: false, reason: "unknown_sender" };
      } else {
        this.remember(data, await verifyMessage(p, this.domain));
        verdict = { accept: true };
      }
    } catch (error) {
      const reason = isCodedError(error, "SIDECAR_BAD_MESSAGE")
        ? String((error.details as { reason?: string }).reason)
        : "malformed";
      verdict = { accept: false, reason };
    }
    const label = "ignore" in verdict ? "ignored" : verdict.accept ? "accepted" : "rejected";
    this.metrics.gossipMessages.inc({ kind, verdict: label });
    if ("reason" in verdict) this.metrics.gossipRejected.inc({ reason: verdict.reason });
    return verdict;
  }

  /** Keeps what `validate` decoded for `onMessage` (signature recovery is the costly part). */
  private remember(data: Uint8Array, m: SignedMessage): void {
    this.validated.set(data, m);
    if (this.validated.size > 1_024) this.validated.delete(this.validated.keys().next().value as Uint8Array);
  }

  private async onMessage(data: Uint8Array): Promise<void> {
    const m = this.validated.get(data) ?? (await decodeMessage(data, this.domain).catch(() => undefined));
    this.validated.delete(data);
    if (!m) return;
    if (m.kind === "announce") {
      const known = this.directory.get(m.body.sidecar);
      if (known && known.at > m.body.at) return;
      this.directory.set(getAddress(m.body.sidecar), m.body);
      const addrs = m.body.addrs.split(",").filter(Boolean);
      // a peer's announcement can arrive while this sidecar's own bootstrap dials are in flight
      // (`Mesh.start` has not returned): then only the directory learns it; the next announcement dials
      await this.mesh?.learn(m.body.peerId, addrs).catch(() => undefined);
    } else if (m.kind === "observation") {
      this.store.recordPeerObservation(m.body, m.signature);
    } else if (this.round) {
      const round = this.round;
      const done =
        m.kind === "verdict"
          ? round.onVerdict(m.body, m.signature)
          : m.kind === "share"
            ? round.onShare(m.body)
            : round.onRequest(m.body, this.membership?.slot);
      await done.catch((error) =>
        this.log.debug("aggregate message not handled", { kind: m.kind, error: String(error) }),
      );
    }
  }
}
