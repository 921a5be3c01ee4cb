/**
 * Sends the queued reports exactly once. A report row is queued when its period ends and is then
 * driven by what the chain says, never by memory alone:
 *   - the chain already has the slot's report for the period → confirmed (a send whose receipt was
 *     lost to a crash or an RPC outage is found here, and is not sent again);
 *   - a transaction of ours is in flight (pending nonce above the mined one), or the report's own
 *     transaction was sent less than 5 s ago and the node does not list it yet → wait;
 *   - the period's report window has passed → expired (counted as a failure);
 *   - otherwise send it (simulated first: a revert is seen before anything is sent) and store the
 *     hash in the row; the next pass finds it mined, pending, reverted or lost.
 * Any RPC error leaves the row as it was; the next step retries. The contract refuses a second report
 * for the same slot and period, so even two sidecar processes on one key cannot count twice.
 */
import type { Logger } from "@mzku/log";
import { type Chain, revertName } from "../chain.js";
import type { SidecarMetrics } from "../metrics.js";
import type { ReportRow, SidecarStore } from "../store/db.js";

/** A sent report the node does not know is sent again only after this long. */
const RESEND_AFTER_MS = 5_000;

export class Outbox {
  constructor(
    private readonly store: SidecarStore,
    private readonly chain: Chain,
    private readonly metrics: SidecarMetrics,
    private readonly log: Logger,
  ) {}

  /** One pass over the open reports, oldest first; stops at the first RPC failure. */
  async flush(slot: number, current: bigint): Promise<void> {
    const open = this.store.openReports();
    this.metrics.outboxPending.set(open.length);
    for (const row of open) {
      try {
        await this.step(row, slot, current);
      } catch (error) {
        this.metrics.failures.inc({ reason: "rpc" });
        this.log.warn("report not sent yet", { period: row.period, error: String(error) });
        return;
      }
    }
    this.metrics.outboxPending.set(this.store.openReports().length);
  }

  private async step(row: ReportRow, slot: number, current: bigint): Promise<void> {
    const { period } = row;
    if (await this.chain.reported(slot, period)) {
      this.store.setReportStatus(period, "confirmed");
      this.metrics.reportsConfirmed.inc();
      this.log.info("report recorded on-chain", { period, txHash: row.txHash });
      return;
    }
    if (current > period + 1n) {
      this.store.setReportStatus(period, "expired", { error: "report window passed" });
      this.metrics.failures.inc({ reason: "report_expired" });
      this.log.warn("report expired: its window passed before it was recorded", { period });
      return;
    }
    if (row.status === "sent" && row.txHash) {
      const state = await this.chain.txState(row.txHash);
      if (state === "pending") return;
      if (state === "success") return; // mined: `reported` above sees it on the next pass
      // a node may not list a transaction it just accepted: give it time before sending again
      if (state === "unknown" && Date.now() - row.updatedAt < RESEND_AFTER_MS) return;
      if (state === "reverted") this.metrics.failures.inc({ reason: "report_reverted" });
    }
    if (await this.chain.inFlight()) return;
    let hash: `0x${string}`;
    try {
      hash = await this.chain.sendReport(period, row.votes, row.targets.length);
    } catch (error) {
      const name = revertName(error);
      if (name === "UptimeReportsAlreadyReported") return; // confirmed on the next pass
      // the previous period's aggregate is still in its challenge window: send once it is final
      if (name === "UptimeReportsNotFinal") return;
      if (name === "UptimeReportsModeTaken") {
        // an aggregate reported the period for the whole network: this report is not needed
        this.store.setReportStatus(period, "expired", { error: name });
        this.log.info("period reported by an aggregate; own report dropped", { period });
        return;
      }
      if (name === "UptimeReportsWrongPeriod" || name === "UptimeReportsNotAssigned") {
        this.store.setReportStatus(period, "expired", { error: name });
        this.metrics.failures.inc({ reason: "report_expired" });
        this.log.warn("report refused by the contract", { period, error: name });
        return;
      }
      throw error;
    }
    this.store.setReportStatus(period, "sent", { txHash: hash });
    this.metrics.reportsSent.inc();
    this.log.info("report sent", { period, votes: row.votes.toString(2), txHash: hash });
  }
}
