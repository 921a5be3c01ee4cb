// The aggregated report run by the daemon: three real sidecar processes in aggregate mode on loopback
// (one of them the aggregator), each supervising its own anvil, on a devnet deployed by the production
// deploy script (20-block periods, a block a second); a fourth roster member joins but runs nothing, so
// its auditors see it down. What a user would check on-chain: the sidecars registered BLS keys, an
// aggregate was posted for a period (not individual reports), finalized into `uptimeOf`, and the silent
// node was decided down while the running ones were decided up. Then the aggregator stops: the next
// periods are reported individually (the fallback), so no period is lost.

import { uptimeReports } from "@mzku/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addMembers,
  type Devnet,
  joinDirectly,
  type Member,
  SidecarProcess,
  sidecarPorts,
  startDevnet,
  waitFor,
} from "../test/network.js";

const TYPE = 2;

describe("aggregated report by sidecar processes", () => {
  let net: Devnet;
  let members: Member[];
  const sidecars: SidecarProcess[] = [];

  beforeAll(async () => {
    // k = 3 with four members: everyone audits everyone else.
    net = await startDevnet({ periodBlocks: 20, auditorsPerNode: 3, failLimit: 50 });
    members = await addMembers(net, [16, 17, 18, 19], TYPE);
    await joinDirectly(net, members[3] as Member);
    await net.testClient.setIntervalMining({ interval: 1 });
    for (const [i, m] of members.slice(0, 3).entries()) {
      const report = { mode: "aggregate" as const, aggregator: i === 0 };
      sidecars.push(
        new SidecarProcess(
          m,
          "ABC"[i] as string,
          net.dir,
          await sidecarPorts(),
          net.anvil.rpcUrl,
          net.deploymentFile,
          undefined,
          report,
        ),
      );
    }
    const a = sidecars[0] as SidecarProcess;
    a.start();
    const aStatus = await waitFor("sidecar A's status", () => a.status(), 60_000);
    for (const s of sidecars.slice(1)) s.start([`/ip4/127.0.0.1/tcp/${a.ports.p2p}/p2p/${aStatus.peerId}`]);
    await waitFor(
      "four roster members",
      async () =>
        Number(await uptimeReports.rosterSize(net.reader, { address: net.deployment.contracts.UptimeReports })) === 4,
      90_000,
    );
  }, 240_000);

  afterAll(async () => {
    for (const s of sidecars) await s.stop().catch(() => undefined);
    await net?.anvil.stop();
  });

  it("posts one aggregate per period, finalized into uptime, the silent node decided down", async () => {
    const c = net.deployment.contracts.UptimeReports;
    await waitFor(
      "three BLS keys",
      async () => (await uptimeReports.blsMembers(net.reader, { address: c })) === 3,
      60_000,
    );
    const slotOf = async (m: Member) => {
      for (let s = 0; s < 4; s++) {
        if ((await uptimeReports.sidecarAt(net.reader, { address: c, args: [BigInt(s)] })) === m.sidecar) return s;
      }
      throw new Error(`${m.sidecar} not in the roster`);
    };
    const silent = await slotOf(members[3] as Member);
    const running = await slotOf(members[1] as Member);
    // a period of the full roster whose aggregate is final
    const period = await waitFor(
      "a finalized aggregate",
      async () => {
        const current = await uptimeReports.currentPeriod(net.reader, { address: c });
        for (let p = current; p >= 1n && p + 6n > current; p--) {
          const info = await uptimeReports.periodInfo(net.reader, { address: c, args: [p] });
          const agg = await uptimeReports.aggregateOf(net.reader, { address: c, args: [p] });
          if (info.size === 4 && agg.done) return p;
        }
        return undefined;
      },
      150_000,
    );
    const agg = await uptimeReports.aggregateOf(net.reader, { address: c, args: [period] });
    expect(agg.aggregator).toBe((members[0] as Member).sidecar);
    expect(await uptimeReports.decisionOf(net.reader, { address: c, args: [period, BigInt(silent)] })).toBe(2n);
    expect(await uptimeReports.decisionOf(net.reader, { address: c, args: [period, BigInt(running)] })).toBe(1n);
    // the aggregate's decisions reached the uptime feed
    const [silentBps, silentPeriods] = await uptimeReports.uptimeOf(net.reader, {
      address: c,
      args: [(members[3] as Member).providerId],
    });
    expect(silentPeriods).toBeGreaterThan(0);
    expect(silentBps).toBeLessThan(10_000);
    const [, runningPeriods] = await uptimeReports.uptimeOf(net.reader, {
      address: c,
      args: [(members[1] as Member).providerId],
    });
    expect(runningPeriods).toBeGreaterThan(0);
    const [a, b] = sidecars as [SidecarProcess, SidecarProcess];
    expect(await a.metric("mzku_sidecar_aggregates_posted_total")).toBeGreaterThanOrEqual(1);
    expect(await b.metric("mzku_sidecar_aggregate_shares_total", 'result="sent"')).toBeGreaterThanOrEqual(1);
    expect(await b.metric("mzku_sidecar_aggregate_verdicts_total", 'result="accepted"')).toBeGreaterThanOrEqual(1);
    // the individual report of an aggregated period is dropped, not sent
    const status = await b.status();
    const own = status.reports.find((r) => r.period === period.toString());
    expect(own?.txHash ?? null).toBeNull();
  }, 200_000);

  it("falls back to individual reports when the aggregator is gone", async () => {
    const c = net.deployment.contracts.UptimeReports;
    const [a, b] = sidecars as [SidecarProcess, SidecarProcess];
    expect(await a.stop()).toBe(0);
    const stoppedIn = await uptimeReports.currentPeriod(net.reader, { address: c });
    const slot = BigInt((await b.status()).membership?.slot ?? -1);
    // B's last recorded individual report is of a period A could not aggregate
    const period = await waitFor(
      "an individual report of B after the aggregator stopped",
      async () => {
        const m = await uptimeReports.memberAt(net.reader, { address: c, args: [slot] });
        const p = BigInt(m.reportedPeriod) - 1n;
        return p >= stoppedIn ? p : undefined;
      },
      120_000,
    );
    const agg = await uptimeReports.aggregateOf(net.reader, { address: c, args: [period] });
    expect(agg.postedBlock).toBe(0n);
    expect(await b.metric("mzku_sidecar_aggregate_fallbacks_total")).toBeGreaterThanOrEqual(1);
    // the report is mined; B counts it confirmed once it has read the receipt (its own next poll)
    await waitFor(
      "B counting its fallback report confirmed",
      async () => (await b.metric("mzku_sidecar_reports_confirmed_total")) >= 1,
      60_000,
    );
  }, 210_000);
});
