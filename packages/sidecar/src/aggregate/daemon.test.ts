// The aggregated report run by the daemon: three real sidecar processes in aggregate mode on loopback
// (one of them the aggregator), each supervising its own anvil, on a devnet deployed by the production
// deploy script (20-block periods, a block a second); a fourth roster member joins but runs nothing, so
// its auditors see it down. What a user would check on-chain: the sidecars registered BLS keys, an
// aggregate was posted for a period (not individual reports), finalized into `uptimeOf`, and the silent
// node was decided down while the running ones were decided up. Then the aggregator stops: the next
// periods are reported individually (the fallback), so no period is lost. Last, with B and C left as
// watchers, the test itself plays a lying aggregator: it takes the verdicts B holds (`GET /verdicts`),
// builds their tree with the silent node decided up, has it signed by a colluding quorum (the BLS keys
// of A, B and C, derived from the sidecar keys the test made) and posts it with its own bond. The
// running watchers must see it on chain, challenge within the window (B and C race: one wins, the other
// must count the loss and carry on), so the finalized decision is "down"; the winner withdraws the bond
// (its balance moves by the bond minus its own gas, to the wei) and counts the challenge. Then the
// aggregator is killed mid-round: with C stopped there is no quorum, A is restarted, sends its
// signature requests and holds B's share when it gets SIGKILL; A and C are restarted on their data
// directories and the period is still reported exactly once (aggregate or fallback), with at most one
// `postAggregate` from A.

import { auditPeriod, buildAggregate, packDecisions, uptimeReports, uptimeReportsAbi } from "@mzku/sdk";
import { devWallet } from "@mzku/sdk/devnet";
import { type Address, decodeFunctionData } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SidecarClient } from "../chain.js";
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
import { coSign, postAggregate, type SignedVerdict } from "./aggregator.js";
import { blsKeyFromSidecarKey } from "./bls.js";

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

  it("the watchers overturn a lying aggregate and the winner takes its bond", async () => {
    const c = net.deployment.contracts.UptimeReports;
    const [, b, cc] = sidecars as [SidecarProcess, SidecarProcess, SidecarProcess];
    const watchers = [b, cc];
    const liar = devWallet(net.anvil.rpcUrl, 12) as unknown as SidecarClient;
    const bond = await uptimeReports.aggregatorBond(net.reader, { address: c });
    const slots = new Map<Address, number>();
    for (let s = 0; s < 4; s++)
      slots.set(await uptimeReports.sidecarAt(net.reader, { address: c, args: [BigInt(s)] }), s);
    const silentSlot = slots.get((members[3] as Member).sidecar) as number;
    const held = async (w: SidecarProcess, period: bigint) =>
      (await (await fetch(`http://127.0.0.1:${w.ports.http}/verdicts?period=${period}`)).json()) as SignedVerdict[];

    const failures = async () =>
      Promise.all(watchers.map((w) => w.metric("mzku_sidecar_failures_total", 'reason="aggregate"')));
    const failedBefore = await failures();

    // The period that just ended, once both watchers hold the same six verdicts (B's and C's on their
    // three targets each), posted with the silent node decided up while it is still open to an aggregate.
    const { period, postedBlock } = await waitFor(
      "a lying aggregate posted",
      async () => {
        const period = (await uptimeReports.currentPeriod(net.reader, { address: c })) - 1n;
        const agg = await uptimeReports.aggregateOf(net.reader, { address: c, args: [period] });
        if (agg.postedBlock !== 0n) {
          return agg.aggregator === liar.account.address ? { period, postedBlock: agg.postedBlock } : undefined;
        }
        const info = await uptimeReports.periodInfo(net.reader, { address: c, args: [period] });
        if (info.size !== 4) return undefined;
        const [mine, theirs] = await Promise.all(watchers.map((w) => held(w, period)));
        if (mine?.length !== 6 || JSON.stringify(mine) !== JSON.stringify(theirs)) return undefined;
        const honest = buildAggregate(auditPeriod(info.seed, info.size, info.k), mine);
        if (honest.decisions[silentSlot] !== 2)
          throw new Error(`the silent slot decided ${honest.decisions[silentSlot]}`);
        const decisions = [...honest.decisions];
        decisions[silentSlot] = 1;
        const lie = { ...honest, decisions, decisionBytes: packDecisions(decisions) };
        const shares = new Map();
        for (const m of members.slice(0, 3)) {
          const key = blsKeyFromSidecarKey(m.sidecarKey);
          shares.set(slots.get(m.sidecar), await coSign(liar, c, key, period, lie, lie));
        }
        // refused when too late for this period (a watcher reported it individually, or it ended):
        // waitFor tries the next one
        await postAggregate(liar, c, period, lie, shares);
        return undefined; // read back at the next poll
      },
      90_000,
    );
    expect(
      await uptimeReports.decisionOf(net.reader, {
        address: c,
        args: [period, BigInt(silentSlot)],
        blockNumber: postedBlock,
      }),
    ).toBe(1n);

    // a watcher challenged within the window and won the bond
    const window = BigInt(await uptimeReports.challengeBlocks(net.reader, { address: c }));
    const [challenge] = await waitFor(
      "a challenge of the lie",
      async () => {
        const logs = await net.reader.getContractEvents({
          address: c,
          abi: uptimeReportsAbi,
          eventName: "AggregateChallenged",
          args: { period },
          fromBlock: postedBlock,
        });
        return logs.length > 0 ? logs : undefined;
      },
      60_000,
    );
    const { challenger, slot, posted, corrected } = challenge?.args ?? {};
    expect([slot, posted, corrected, challenge?.args.bond]).toEqual([BigInt(silentSlot), 1n, 2n, bond]);
    expect(challenge?.blockNumber).toBeLessThan(postedBlock + window);
    const winner = watchers.find((w) => w.member.sidecar === challenger) as SidecarProcess;
    expect(winner).toBeDefined();
    const loser = watchers.find((w) => w !== winner) as SidecarProcess;
    expect(await uptimeReports.decisionOf(net.reader, { address: c, args: [period, BigInt(silentSlot)] })).toBe(2n);

    // finalized by the watchers: the silent node's period counts down in its uptime
    const [finalized] = await waitFor(
      "the challenged aggregate finalized",
      async () => {
        const logs = await net.reader.getContractEvents({
          address: c,
          abi: uptimeReportsAbi,
          eventName: "AggregateFinalized",
          args: { period },
          fromBlock: postedBlock,
        });
        return logs.length > 0 ? logs : undefined;
      },
      60_000,
    );
    const finalBlock = finalized?.blockNumber as bigint;
    const provider = (members[3] as Member).providerId;
    const [bpsBefore, periodsBefore] = await uptimeReports.uptimeOf(net.reader, {
      address: c,
      args: [provider],
      blockNumber: finalBlock - 1n,
    });
    const [bpsAfter, periodsAfter] = await uptimeReports.uptimeOf(net.reader, {
      address: c,
      args: [provider],
      blockNumber: finalBlock,
    });
    expect(periodsAfter).toBe(periodsBefore + 1);
    expect(bpsAfter).toBeLessThanOrEqual(bpsBefore);
    const decided = await net.reader.getContractEvents({
      address: c,
      abi: uptimeReportsAbi,
      eventName: "NodePeriodDecided",
      args: { period, nodeId: (members[3] as Member).nodeId },
      fromBlock: finalBlock,
      toBlock: finalBlock,
    });
    expect(decided.map((l) => l.args.up)).toEqual([false]);
    expect(await uptimeReports.credits(net.reader, { address: c, args: [liar.account.address] })).toBe(0n);

    // the winner withdrew the bond: its balance moved by the bond less the gas of everything it sent
    const paidBlock = await waitFor(
      "the winner withdrawing its credits",
      async () => {
        const block = await net.reader.getBlockNumber({ cacheTime: 0 });
        const owed = await uptimeReports.credits(net.reader, {
          address: c,
          args: [winner.member.sidecar],
          blockNumber: block,
        });
        return owed === 0n && block > (challenge?.blockNumber as bigint) ? block : undefined;
      },
      60_000,
    );
    let spent = 0n;
    for (let n = postedBlock + 1n; n <= paidBlock; n++) {
      const block = await net.reader.getBlock({ blockNumber: n, includeTransactions: true });
      for (const tx of block.transactions) {
        if (tx.from.toLowerCase() !== winner.member.sidecar.toLowerCase()) continue;
        const receipt = await net.reader.getTransactionReceipt({ hash: tx.hash });
        spent += receipt.gasUsed * receipt.effectiveGasPrice + tx.value;
      }
    }
    const balance = (blockNumber: bigint) => net.reader.getBalance({ address: winner.member.sidecar, blockNumber });
    expect((await balance(paidBlock)) - (await balance(postedBlock))).toBe(bond - spent);

    // the daemons counted it: the winner won one, the loser (if it tried) lost it, and both carry on
    await waitFor(
      "the winner counting its withdrawal",
      async () => (await winner.metric("mzku_sidecar_aggregate_withdrawals_total")) >= 1,
      30_000,
    );
    expect(await winner.metric("mzku_sidecar_aggregates_challenged_total", 'result="won"')).toBe(1);
    expect(await loser.metric("mzku_sidecar_aggregates_challenged_total", 'result="won"')).toBe(0);
    expect(await loser.metric("mzku_sidecar_aggregates_challenged_total", 'result="lost"')).toBeLessThanOrEqual(1);
    // racing was no failure for either, and the loser is still running its steps
    expect(await failures()).toEqual(failedBefore);
    expect(loser.child?.exitCode).toBeNull();
    const now = await uptimeReports.currentPeriod(net.reader, { address: c });
    await waitFor(
      "the loser stepping the current period",
      async () => BigInt((await loser.status()).period ?? -1) >= now,
      30_000,
    );
  }, 240_000);

  it("an aggregator killed between its signature requests and its post loses no period and posts nothing twice", async () => {
    const c = net.deployment.contracts.UptimeReports;
    const [a, b, cc] = sidecars as [SidecarProcess, SidecarProcess, SidecarProcess];
    // without C, A and B are 2 of 4 roster members: under the quorum, so A keeps requesting
    expect(await cc.stop()).toBe(0);
    const boot = [`/ip4/127.0.0.1/tcp/${b.ports.p2p}/p2p/${(await b.status()).peerId}`];
    const fromBlock = await net.reader.getBlockNumber({ cacheTime: 0 });
    a.start(boot);
    const fallbackOf = async (p: bigint) => {
      const [next, after] = await Promise.all(
        [p + 1n, p + 2n].map((q) => uptimeReports.periodStartBlock(net.reader, { address: c, args: [q] })),
      );
      return (next as bigint) + ((after as bigint) - (next as bigint)) / 2n;
    };
    // a period A is aggregating: it has sent requests, holds B's share, nothing is posted or reported
    const period = await waitFor(
      "the restarted aggregator holding B's share mid-round",
      async () => {
        if ((await a.metric("mzku_sidecar_aggregate_shares_total", 'result="received"')) < 1) return undefined;
        const p = (await uptimeReports.currentPeriod(net.reader, { address: c })) - 1n;
        const info = await uptimeReports.periodInfo(net.reader, { address: c, args: [p] });
        const block = await net.reader.getBlockNumber({ cacheTime: 0 });
        return info.mode === 0 && block + 2n < (await fallbackOf(p)) ? p : undefined;
      },
      90_000,
    );
    const nodePid = (await a.status()).nodePid;
    const exited = new Promise((resolve) => a.child?.once("exit", resolve));
    a.child?.kill("SIGKILL");
    await exited;
    // its supervised node outlives a SIGKILL: stop it by its pid, as the sidecar would have
    if (nodePid) {
      try {
        process.kill(nodePid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    a.start(boot);
    cc.start(boot);

    const mode = await waitFor(
      `period ${period} reported`,
      async () => (await uptimeReports.periodInfo(net.reader, { address: c, args: [period] })).mode || undefined,
      90_000,
    );
    const posts = await net.reader.getContractEvents({
      address: c,
      abi: uptimeReportsAbi,
      eventName: "AggregatePosted",
      args: { period },
      fromBlock,
    });
    expect(posts.length).toBe(mode === 2 ? 1 : 0);
    // every postAggregate A sent (before or after the kill) for the period: at most one, mined
    const toBlock = await net.reader.getBlockNumber({ cacheTime: 0 });
    const sent: boolean[] = [];
    for (let n = fromBlock + 1n; n <= toBlock; n++) {
      const block = await net.reader.getBlock({ blockNumber: n, includeTransactions: true });
      for (const tx of block.transactions) {
        if (tx.from.toLowerCase() !== a.member.sidecar.toLowerCase() || tx.to?.toLowerCase() !== c.toLowerCase()) {
          continue;
        }
        const call = decodeFunctionData({ abi: uptimeReportsAbi, data: tx.input });
        if (call.functionName !== "postAggregate" || call.args[0] !== period) continue;
        sent.push((await net.reader.getTransactionReceipt({ hash: tx.hash })).status === "success");
      }
    }
    // (a post racing the fallback's first report into the same block would be mined reverted: not a post)
    expect(sent.length).toBeLessThanOrEqual(1);
    expect(sent.filter((ok) => ok)).toEqual(mode === 2 ? [true] : []);
    if (mode === 1) {
      // the fallback: individual reports, each auditor's once
      const reported = await net.reader.getContractEvents({
        address: c,
        abi: uptimeReportsAbi,
        eventName: "Reported",
        args: { period },
        fromBlock,
      });
      const slots = reported.map((l) => l.args.slot);
      expect(slots.length).toBeGreaterThan(0);
      expect(new Set(slots).size).toBe(slots.length);
    }
  }, 240_000);
});
