// The aggregated report end to end against the deployed contracts on anvil (deploy script, real
// registries): sidecar keys join the roster, register BLS keys derived from their sidecar keys, sign
// EIP-712 verdicts; co-signers sign only the aggregate they recompute; the aggregator posts with its
// bond; after the window anyone finalizes and uptime moves. Then a lying aggregator with a colluding
// quorum is challenged by a watcher: the decision turns and the bond goes to the watcher.
import { type AuditPeriod, auditPeriod, buildAggregate, packDecisions, uptimeReports } from "@mzku/sdk";
import { devWallet } from "@mzku/sdk/devnet";
import type { Address } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sidecarDomain } from "../audit/messages.js";
import type { SidecarClient } from "../chain.js";
import { addMembers, type Devnet, joinDirectly, type Member, startDevnet } from "../test/network.js";
import { challengeWrong, coSign, postAggregate, registerBls, type SignedVerdict, signVerdict } from "./aggregator.js";
import { type BlsKey, blsKeyFromSidecarKey } from "./bls.js";

const PERIOD_BLOCKS = 20;
const N = 5;
const TYPE = 7;
const CHAIN_ID = 31337;

describe("aggregated report on anvil", () => {
  let net: Devnet;
  let members: Member[];
  let wallets: SidecarClient[];
  let keys: BlsKey[];
  let reports: Address;

  beforeAll(async () => {
    net = await startDevnet({ periodBlocks: PERIOD_BLOCKS, auditorsPerNode: 3, failLimit: 3 });
    reports = net.deployment.contracts.UptimeReports;
    members = await addMembers(net, [4, 5, 6, 7, 8], TYPE);
    wallets = [];
    for (const m of members) wallets.push(await joinDirectly(net, m));
    keys = members.map((m) => blsKeyFromSidecarKey(m.sidecarKey));
  });

  afterAll(async () => {
    if (net) await net.anvil.stop();
  });

  /** Mines to the start of the next period and opens it; returns it (block numbers read uncached: a
   *  stale one would mine past the period). */
  async function nextPeriod(): Promise<bigint> {
    const current = await uptimeReports.currentPeriod(net.reader, { address: reports });
    const start = await uptimeReports.periodStartBlock(net.reader, { address: reports, args: [current + 1n] });
    const now = await net.reader.getBlockNumber({ cacheTime: 0 });
    await net.testClient.mine({ blocks: Number(start - now) });
    await uptimeReports.openPeriod(net.reader, { address: reports });
    return current + 1n;
  }

  async function assignment(period: bigint): Promise<AuditPeriod> {
    const info = await uptimeReports.periodInfo(net.reader, { address: reports, args: [period] });
    const a = auditPeriod(info.seed, info.size, info.k);
    expect(a.stride).toBe(info.stride);
    return a;
  }

  /** Every auditor's signed verdicts for `period`, slots in `down` seen down. */
  async function verdicts(period: bigint, a: AuditPeriod, down: number[]): Promise<SignedVerdict[]> {
    const domain = sidecarDomain(CHAIN_ID, reports);
    const out: SignedVerdict[] = [];
    for (let target = 0; target < a.size; target++) {
      for (let j = 1; j <= a.k; j++) {
        const auditor = (((target - a.stride * j) % a.size) + a.size) % a.size;
        out.push(
          await signVerdict(wallets[auditor] as SidecarClient, domain, {
            auditor,
            target,
            targetAddress: (members[target] as Member).sidecar,
            period,
            up: !down.includes(target),
          }),
        );
      }
    }
    return out;
  }

  async function finalize(period: bigint) {
    const agg = await uptimeReports.aggregateOf(net.reader, { address: reports, args: [period] });
    const window = await uptimeReports.challengeBlocks(net.reader, { address: reports });
    const now = await net.reader.getBlockNumber({ cacheTime: 0 });
    const closes = agg.postedBlock + BigInt(window);
    if (now < closes) await net.testClient.mine({ blocks: Number(closes - now) });
    await uptimeReports.finalize(net.reader, { address: reports, args: [period, 1000n] });
  }

  it("registers BLS keys with proofs of possession, once", async () => {
    for (const [slot, w] of wallets.entries()) {
      expect(await registerBls(w, reports, slot, keys[slot] as BlsKey)).toBe(true);
    }
    expect(await registerBls(wallets[0] as SidecarClient, reports, 0, keys[0] as BlsKey)).toBe(false);
    expect(await uptimeReports.blsMembers(net.reader, { address: reports })).toBe(N);
  });

  it("posts a co-signed aggregate that becomes uptime after the window", async () => {
    const period = await nextPeriod();
    const a = await assignment(period);
    await nextPeriod();
    const all = await verdicts(period, a, [2]);
    const report = buildAggregate(a, all);
    const shares = new Map();
    for (const [slot, w] of wallets.entries()) {
      shares.set(slot, await coSign(w, reports, keys[slot] as BlsKey, period, report, buildAggregate(a, all)));
    }
    // a co-signer whose verdicts differ refuses
    const other = buildAggregate(
      a,
      all.filter((v) => v.target !== 0),
    );
    await expect(
      coSign(wallets[0] as SidecarClient, reports, keys[0] as BlsKey, period, report, other),
    ).rejects.toThrow(/differs/);
    // a bad share is left out rather than spoiling the aggregate
    shares.set(4, shares.get(3));
    const aggregator = wallets[0] as SidecarClient;
    await postAggregate(aggregator, reports, period, report, shares);
    const posted = await uptimeReports.aggregateOf(net.reader, { address: reports, args: [period] });
    expect(posted.root).toBe(report.root);
    const watcher = devWallet(net.anvil.rpcUrl, 9) as unknown as SidecarClient;
    expect(await challengeWrong(watcher, reports, sidecarDomain(CHAIN_ID, reports), period, a, all)).toEqual({
      won: [],
      lost: [],
      contested: [],
    });
    const [before] = await uptimeReports.uptimeOf(net.reader, {
      address: reports,
      args: [(members[2] as Member).providerId],
    });
    await finalize(period);
    const [up2, periods2] = await uptimeReports.uptimeOf(net.reader, {
      address: reports,
      args: [(members[2] as Member).providerId],
    });
    expect(periods2).toBeGreaterThan(0);
    expect(up2).toBeLessThan(before === 0 ? 10_001 : before);
    const [up0] = await uptimeReports.uptimeOf(net.reader, {
      address: reports,
      args: [(members[0] as Member).providerId],
    });
    expect(up0).toBe(10_000);
    expect(await uptimeReports.credits(net.reader, { address: reports, args: [aggregator.account.address] })).toBe(
      await uptimeReports.aggregatorBond(net.reader, { address: reports }),
    );
  });

  it("a watcher challenges a lying aggregator and wins its bond", async () => {
    const period = await nextPeriod();
    const a = await assignment(period);
    await nextPeriod();
    const all = await verdicts(period, a, [3]);
    const honest = buildAggregate(a, all);
    // the liar says slot 3 was up; its colluding quorum signs the lie
    const decisions = [...honest.decisions];
    decisions[3] = 1;
    const lie = { ...honest, decisions, decisionBytes: packDecisions(decisions) };
    const shares = new Map();
    for (const [slot, w] of wallets.entries()) {
      shares.set(slot, await coSign(w, reports, keys[slot] as BlsKey, period, lie, lie));
    }
    await postAggregate(wallets[1] as SidecarClient, reports, period, lie, shares);
    expect(await uptimeReports.decisionOf(net.reader, { address: reports, args: [period, 3n] })).toBe(1n);
    const watcher = devWallet(net.anvil.rpcUrl, 9) as unknown as SidecarClient;
    const challenged = await challengeWrong(watcher, reports, sidecarDomain(CHAIN_ID, reports), period, a, all);
    expect(challenged).toEqual({ won: [3], lost: [], contested: [] });
    expect(await uptimeReports.decisionOf(net.reader, { address: reports, args: [period, 3n] })).toBe(2n);
    expect(await uptimeReports.credits(net.reader, { address: reports, args: [watcher.account.address] })).toBe(
      await uptimeReports.aggregatorBond(net.reader, { address: reports }),
    );
    await finalize(period);
    expect(
      await uptimeReports.credits(net.reader, {
        address: reports,
        args: [(wallets[1] as SidecarClient).account.address],
      }),
    ).toBe(0n);
  });

  it("two watchers racing on the same decision: one wins the bond, the other counts it lost", async () => {
    const period = await nextPeriod();
    const a = await assignment(period);
    await nextPeriod();
    const all = await verdicts(period, a, [1]);
    const honest = buildAggregate(a, all);
    const decisions = [...honest.decisions];
    decisions[1] = 1;
    const lie = { ...honest, decisions, decisionBytes: packDecisions(decisions) };
    const shares = new Map();
    for (const [slot, w] of wallets.entries()) {
      shares.set(slot, await coSign(w, reports, keys[slot] as BlsKey, period, lie, lie));
    }
    await postAggregate(wallets[2] as SidecarClient, reports, period, lie, shares);
    const domain = sidecarDomain(CHAIN_ID, reports);
    const watchers = [10, 11].map((i) => devWallet(net.anvil.rpcUrl, i) as unknown as SidecarClient);
    // both read the wrong decision and send before either is mined: the second is mined reverted
    await net.testClient.setAutomine(false);
    try {
      const races = watchers.map((w) => challengeWrong(w, reports, domain, period, a, all));
      const sent = async () => (await net.testClient.getTxpoolStatus()).pending === 2;
      for (let i = 0; i < 400 && !(await sent()); i++) await new Promise((r) => setTimeout(r, 25));
      expect(await sent()).toBe(true);
      await net.testClient.mine({ blocks: 1 });
      const outcomes = await Promise.all(races);
      expect(outcomes.map((o) => o.won.length + o.lost.length)).toEqual([1, 1]);
      expect(outcomes.flatMap((o) => o.won)).toEqual([1]);
      expect(outcomes.flatMap((o) => o.lost)).toEqual([1]);
    } finally {
      await net.testClient.setAutomine(true);
    }
    expect(await uptimeReports.decisionOf(net.reader, { address: reports, args: [period, 1n] })).toBe(2n);
    const bond = await uptimeReports.aggregatorBond(net.reader, { address: reports });
    const credits = await Promise.all(
      watchers.map((w) => uptimeReports.credits(net.reader, { address: reports, args: [w.account.address] })),
    );
    expect(credits.sort()).toEqual([0n, bond]);
    // a later pass of the loser finds nothing left to challenge
    const loser = watchers[credits.indexOf(0n)] as SidecarClient;
    expect(await challengeWrong(loser, reports, domain, period, a, all)).toEqual({
      won: [],
      lost: [],
      contested: [],
    });
    await finalize(period);
  });

  it("a watcher whose challenge another pending one pre-empts looks again and counts it lost", async () => {
    const period = await nextPeriod();
    const a = await assignment(period);
    await nextPeriod();
    const all = await verdicts(period, a, [4]);
    const honest = buildAggregate(a, all);
    const decisions = [...honest.decisions];
    decisions[4] = 1;
    const lie = { ...honest, decisions, decisionBytes: packDecisions(decisions) };
    const shares = new Map();
    for (const [slot, w] of wallets.entries()) {
      shares.set(slot, await coSign(w, reports, keys[slot] as BlsKey, period, lie, lie));
    }
    await postAggregate(wallets[3] as SidecarClient, reports, period, lie, shares);
    const domain = sidecarDomain(CHAIN_ID, reports);
    const [first, second] = [13, 14].map((i) => devWallet(net.anvil.rpcUrl, i) as unknown as SidecarClient);
    await net.testClient.setAutomine(false);
    try {
      const winning = challengeWrong(first as SidecarClient, reports, domain, period, a, all);
      for (let i = 0; i < 400 && (await net.testClient.getTxpoolStatus()).pending === 0; i++) {
        await new Promise((r) => setTimeout(r, 25));
      }
      // the mined state still says up, but the node estimates against the pending challenge
      const pass = await challengeWrong(second as SidecarClient, reports, domain, period, a, all);
      expect(pass).toEqual({ won: [], lost: [], contested: [4] });
      await net.testClient.mine({ blocks: 1 });
      expect(await winning).toEqual({ won: [4], lost: [], contested: [] });
      const again = await challengeWrong(second as SidecarClient, reports, domain, period, a, all, new Set([4]));
      expect(again).toEqual({ won: [], lost: [4], contested: [] });
    } finally {
      await net.testClient.setAutomine(true);
    }
    await finalize(period);
  });
});
