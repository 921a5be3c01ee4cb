/**
 * The aggregated report in the daemon (`report.mode: "aggregate"`, docs/sidecar.md "Aggregated report
 * in the daemon"). Every sidecar: registers its BLS key once it is in the roster; when a period ends
 * signs its verdicts and gossips them; co-signs an aggregate it is asked to sign only when it recomputes
 * the same root and decisions from the verdicts it holds; watches every posted aggregate and challenges
 * wrong decisions (a challenge another watcher won first is counted `lost`, not an error); finalizes an
 * aggregate nobody finalized; withdraws what the contract owes it (a won bond, its own bond back). The aggregator (`report.aggregator`)
 * additionally builds the aggregate of the period that ended, gossips signature requests (and the
 * verdicts it holds, so the co-signers converge on the same tree), and posts once a quorum of valid
 * shares is in. Until the fallback block of a period (half of the next period) the outbox holds the
 * sidecar's individual report; a period without an aggregate by then is reported individually.
 *
 * Each step is re-derived from the chain and the SQLite state (`store.ts`), so a restart resumes where
 * the process stopped, and the contract's refusals keep every transaction to once.
 */
import type { Logger } from "@mzku/log";
import { type AuditPeriod, auditTargets, buildAggregate, uptimeReports } from "@mzku/sdk";
import type { Address, Hex, LocalAccount, TypedDataDomain } from "viem";
import type { AggregateRequest, Share, VerdictBody } from "../audit/messages.js";
import { encodeSigned, signAggregateMessage } from "../audit/messages.js";
import { type Chain, revertName } from "../chain.js";
import type { SidecarMetrics } from "../metrics.js";
import type { ReportRow } from "../store/db.js";
import {
  challengeWrong,
  coSign,
  postAggregate,
  registerBls,
  type SignedVerdict,
  signVerdict,
  withdrawCredits,
} from "./aggregator.js";
import { type BlsKey, g2FromHex, g2ToHex } from "./bls.js";
import type { AggregateStore } from "./store.js";

/** Slots a single `finalize` applies (the next step continues a larger roster). */
const FINALIZE_SLOTS = 500n;
/** The aggregator re-sends the verdicts it holds with every this many requests. */
const VERDICTS_EVERY = 4;
/** Aggregate state older than this many periods is pruned. */
const KEEP_PERIODS = 64n;

export interface AggregateRoundOptions {
  readonly chain: Chain;
  readonly store: AggregateStore;
  readonly key: BlsKey;
  readonly account: LocalAccount;
  readonly domain: TypedDataDomain;
  readonly aggregator: boolean;
  readonly metrics: SidecarMetrics;
  readonly log: Logger;
  readonly publish: (data: Uint8Array) => Promise<unknown>;
}

/** What the outbox does with an individual report in aggregate mode. */
export type Hold = "hold" | "drop" | "send";

export class AggregateRound {
  private registered = false;
  private requests = 0;
  /** Requests co-signed (id → period), kept for the last few periods. */
  private readonly signed = new Map<string, bigint>();
  private readonly resent = new Map<bigint, number>();
  /** Per period, the slots whose challenge another watcher's pending one pre-empted (`ChallengeOutcome`). */
  private readonly contested = new Map<bigint, Set<number>>();
  /** The contract owes this sidecar something (a won bond, its bond back): withdraw at this step. */
  private owed = false;
  private creditsCheckedFor: bigint | undefined;

  constructor(private readonly o: AggregateRoundOptions) {}

  private get reports(): Address {
    return this.o.chain.deployment.contracts.UptimeReports;
  }

  private get client() {
    return this.o.chain.client;
  }

  /** Registers the BLS key for `slot` unless the contract has one (once per process, retried on failure). */
  async register(slot: number): Promise<void> {
    if (this.registered) return;
    const sent = await registerBls(this.client, this.reports, slot, this.o.key);
    this.registered = true;
    this.o.log.info(sent ? "BLS key registered" : "BLS key already registered", { slot });
  }

  /** Signs, stores and gossips the verdicts of the report queued for `row.period` (once). */
  async verdicts(row: ReportRow, slot: number, info: AuditPeriod): Promise<void> {
    const { period } = row;
    if (this.o.store.done(period, "verdicts")) return;
    const targets = auditTargets(info, slot);
    for (const [j, target] of targets.entries()) {
      const targetAddress = row.targets[j];
      if (targetAddress === undefined) continue;
      const v = await signVerdict(this.client, this.o.domain, {
        auditor: slot,
        target,
        targetAddress,
        period,
        up: ((row.votes >> BigInt(j)) & 1n) === 1n,
      });
      this.o.store.addVerdict({ ...v, period });
    }
    this.o.store.mark(period, "verdicts");
    await this.publishVerdicts(period, slot);
    this.o.log.info("verdicts signed", { period, targets: row.targets, votes: row.votes.toString(2) });
  }

  /** The signed verdicts held for `period` (own and gossiped), for `GET /verdicts`. */
  heldVerdicts(period: bigint): SignedVerdict[] {
    return this.o.store.verdicts(period);
  }

  /** A verdict from gossip (its signature already checked against its auditor): kept if assigned. */
  async onVerdict(v: VerdictBody, signature: Hex): Promise<void> {
    const info = await this.o.chain.period(v.period);
    const auditor = info && (await this.slotOf(v.auditor, info.size));
    const target = info && (await this.slotOf(v.target, info.size));
    if (!info || auditor === undefined || target === undefined || !auditTargets(info, auditor).includes(target)) {
      this.o.metrics.aggregateVerdicts.inc({ result: "unassigned" });
      return;
    }
    const added = this.o.store.addVerdict({
      auditor,
      target,
      auditorAddress: v.auditor,
      targetAddress: v.target,
      period: v.period,
      up: v.up,
      signature,
    });
    this.o.metrics.aggregateVerdicts.inc({ result: added ? "accepted" : "duplicate" });
  }

  /** A request to co-sign: signed only when this sidecar's own tree of the period is the same. */
  async onRequest(r: AggregateRequest, mySlot: number | undefined): Promise<void> {
    if (mySlot === undefined) return;
    const id = `${r.period}:${r.root}:${r.decisions}`;
    if (this.signed.has(id)) return;
    const info = await this.o.chain.period(r.period);
    if (!info) return;
    const posted = await uptimeReports.aggregateOf(this.client, { address: this.reports, args: [r.period] });
    if (posted.postedBlock !== 0n) return;
    const mine = buildAggregate(info, this.o.store.verdicts(r.period));
    let share: Hex;
    try {
      share = g2ToHex(
        await coSign(
          this.client,
          this.reports,
          this.o.key,
          r.period,
          { root: r.root, decisionBytes: r.decisions },
          mine,
        ),
      );
    } catch (error) {
      this.o.metrics.aggregateShares.inc({ result: "mismatch" });
      this.o.log.debug("aggregate not co-signed", { period: r.period, error: String(error) });
      // the trees differ: the aggregator (or this sidecar) misses verdicts; re-send ours, throttled
      if (Date.now() - (this.resent.get(r.period) ?? 0) > 2_000) {
        this.resent.set(r.period, Date.now());
        await this.publishVerdicts(r.period);
      }
      return;
    }
    const body: Share = { signer: this.o.account.address, period: r.period, root: r.root, share };
    await this.o.publish(await signAggregateMessage(this.o.account, this.o.domain, "share", body));
    this.signed.set(id, r.period);
    this.o.metrics.aggregateShares.inc({ result: "sent" });
    this.o.log.info("aggregate co-signed", { period: r.period, root: r.root });
  }

  /** A share from gossip: the aggregator keeps it (it is checked against the signer's key when posting). */
  async onShare(s: Share): Promise<void> {
    if (!this.o.aggregator) return;
    const info = await this.o.chain.period(s.period);
    const slot = info && (await this.slotOf(s.signer, info.size));
    if (slot === undefined) return;
    if (this.o.store.addShare(s.period, s.root, slot, s.share)) {
      this.o.metrics.aggregateShares.inc({ result: "received" });
    }
  }

  /**
   * One step at `current`: the aggregator builds, requests and posts the aggregate of the period
   * that ended; everyone watches and finalizes posted aggregates.
   */
  async step(current: bigint, slot: number): Promise<void> {
    const block = await this.client.getBlockNumber({ cacheTime: 0 });
    if (this.o.aggregator && current >= 1n) await this.aggregate(current - 1n, slot, block);
    for (let back = 1n; back <= 3n && current >= back; back++) await this.watch(current - back, block);
    await this.withdraw(current);
    for (const [id, p] of this.signed) if (p + 3n < current) this.signed.delete(id);
    for (const p of this.resent.keys()) if (p + 3n < current) this.resent.delete(p);
    for (const p of this.contested.keys()) if (p + 3n < current) this.contested.delete(p);
    if (current > KEEP_PERIODS) this.o.store.prune(current - KEEP_PERIODS);
  }

  /** Whether the outbox holds, drops or sends the individual report of `period`. */
  async hold(period: bigint): Promise<Hold> {
    const posted = await uptimeReports.aggregateOf(this.client, { address: this.reports, args: [period] });
    if (posted.postedBlock !== 0n) return "drop";
    const block = await this.client.getBlockNumber({ cacheTime: 0 });
    if (block < (await this.fallbackBlock(period))) return "hold";
    if (this.o.store.mark(period, "fallback")) {
      this.o.metrics.aggregateFallbacks.inc();
      this.o.log.warn("no aggregate by the fallback block: reporting individually", { period });
    }
    return "send";
  }

  /** Half-way through the period after `period`: the aggregate must be posted by then. */
  private async fallbackBlock(period: bigint): Promise<bigint> {
    const [next, after] = await Promise.all([
      uptimeReports.periodStartBlock(this.client, { address: this.reports, args: [period + 1n] }),
      uptimeReports.periodStartBlock(this.client, { address: this.reports, args: [period + 2n] }),
    ]);
    return next + (after - next) / 2n;
  }

  private async aggregate(period: bigint, slot: number, block: bigint): Promise<void> {
    if (this.o.store.done(period, "posted") || this.o.store.done(period, "fallback")) return;
    const info = await this.o.chain.period(period);
    if (!info) return;
    const posted = await uptimeReports.aggregateOf(this.client, { address: this.reports, args: [period] });
    if (posted.postedBlock !== 0n) {
      this.o.store.mark(period, "posted", posted.aggregator);
      return;
    }
    if (block >= (await this.fallbackBlock(period))) return;
    const verdicts = this.o.store.verdicts(period);
    if (verdicts.length === 0) return;
    const report = buildAggregate(info, verdicts);
    const own = await coSign(this.client, this.reports, this.o.key, period, report, report);
    this.o.store.addShare(period, report.root, slot, g2ToHex(own));
    const shares = this.o.store.shares(period, report.root);
    const [members, quorumBps] = await Promise.all([
      uptimeReports.rosterMembers(this.client, { address: this.reports }),
      uptimeReports.quorumBps(this.client, { address: this.reports }),
    ]);
    if (shares.size * 10_000 >= Number(quorumBps) * Number(members)) {
      try {
        const tx = await postAggregate(
          this.client,
          this.reports,
          period,
          report,
          new Map([...shares].map(([s, h]) => [s, g2FromHex(h as Hex)])),
        );
        this.o.store.mark(period, "posted", tx);
        this.o.metrics.aggregatesPosted.inc();
        this.o.log.info("aggregate posted", { period, root: report.root, signers: shares.size, txHash: tx });
        return;
      } catch (error) {
        const name = revertName(error);
        if (name === "UptimeReportsModeTaken") {
          this.o.store.mark(period, "fallback", name);
          this.o.log.info("period already reported another way", { period });
          return;
        }
        // NotFinal (the previous aggregate is in its window), too few valid shares: the next step retries
        this.o.log.debug("aggregate not posted yet", { period, error: name ?? String(error) });
      }
    }
    const body: AggregateRequest = {
      aggregator: this.o.account.address,
      period,
      root: report.root,
      decisions: report.decisionBytes,
    };
    await this.o.publish(await signAggregateMessage(this.o.account, this.o.domain, "aggregate_request", body));
    if (this.requests++ % VERDICTS_EVERY === 0) await this.publishVerdicts(period);
  }

  /** Challenges a wrong posted aggregate once this sidecar's tree has its root; finalizes it after the window. */
  private async watch(period: bigint, block: bigint): Promise<void> {
    if (this.o.store.done(period, "finalized")) return;
    const posted = await uptimeReports.aggregateOf(this.client, { address: this.reports, args: [period] });
    if (posted.postedBlock === 0n) return;
    if (posted.done) {
      this.o.store.mark(period, "finalized", "by another");
      if (posted.aggregator === this.o.account.address) this.owed = true; // its bond back, unless challenged
      return;
    }
    const window = BigInt(await uptimeReports.challengeBlocks(this.client, { address: this.reports }));
    const closes = posted.postedBlock + window;
    if (block < closes && !this.o.store.done(period, "watched")) {
      const info = await this.o.chain.period(period);
      const verdicts = this.o.store.verdicts(period);
      if (!info || buildAggregate(info, verdicts).root !== posted.root) return; // not (yet) the same tree
      const { won, lost, contested } = await challengeWrong(
        this.client,
        this.reports,
        this.o.domain,
        period,
        info,
        verdicts,
        this.contested.get(period),
      );
      if (contested.length > 0) {
        // another watcher's challenge is pending: look again at the next step
        this.contested.set(period, new Set(contested));
        this.o.log.info("aggregate decisions being challenged by another watcher", { period, slots: contested });
      } else {
        this.contested.delete(period);
        this.o.store.mark(period, "watched", JSON.stringify({ won, lost }));
      }
      if (won.length > 0) {
        this.o.metrics.aggregatesChallenged.inc({ result: "won" }, won.length);
        this.o.log.warn("aggregate challenged", { period, slots: won, aggregator: posted.aggregator });
        this.owed = true;
      }
      if (lost.length > 0) {
        this.o.metrics.aggregatesChallenged.inc({ result: "lost" }, lost.length);
        this.o.log.info("aggregate decisions overturned by another watcher first", { period, slots: lost });
      }
      return;
    }
    if (block < closes) return;
    // The aggregator finalizes at once; anyone else a quarter period later, if it is still not done.
    const grace = this.o.aggregator && posted.aggregator === this.o.account.address ? 0n : window / 2n;
    if (block < closes + grace) return;
    try {
      await uptimeReports.finalize(this.client, { address: this.reports, args: [period, FINALIZE_SLOTS] });
    } catch (error) {
      if (revertName(error) === "UptimeReportsNoAggregate") return; // someone finalized first
      throw error;
    }
    const after = await uptimeReports.aggregateOf(this.client, { address: this.reports, args: [period] });
    if (after.done && this.o.store.mark(period, "finalized")) {
      this.o.metrics.aggregatesFinalized.inc();
      this.o.log.info("aggregate finalized", { period, root: posted.root });
      if (posted.aggregator === this.o.account.address) this.owed = true;
    }
  }

  /** Takes what the contract owes this sidecar: after a won challenge or its own aggregate's
   *  finalization, and once a period (what a restart left owed). */
  private async withdraw(current: bigint): Promise<void> {
    if (!this.owed && this.creditsCheckedFor === current) return;
    const amount = await withdrawCredits(this.client, this.reports);
    this.owed = false;
    this.creditsCheckedFor = current;
    if (amount > 0n) {
      this.o.metrics.aggregateWithdrawals.inc();
      this.o.log.info("credits withdrawn", { wei: amount });
    }
  }

  /** Gossips the verdicts held for `period` (only this auditor's when `onlySlot` is given). */
  private async publishVerdicts(period: bigint, onlySlot?: number): Promise<void> {
    for (const v of this.o.store.verdicts(period)) {
      if (onlySlot !== undefined && v.auditor !== onlySlot) continue;
      const body: VerdictBody = { auditor: v.auditorAddress, target: v.targetAddress, period, up: v.up };
      await this.o.publish(encodeSigned("verdict", body, v.signature)).catch(() => undefined);
    }
  }

  private async slotOf(address: Address, size: number): Promise<number | undefined> {
    for (let s = 0; s < size; s++) if ((await this.o.chain.sidecarAt(s)) === address) return s;
    return undefined;
  }
}
