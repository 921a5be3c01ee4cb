// Five real sidecar processes on loopback, each supervising its own anvil as "its node", auditing each
// other over a real libp2p mesh and reporting to the UptimeReports contract on a devnet deployed by the
// production deploy script (20-block periods, a block a second). A sixth roster member is driven by the
// test and lies. What a user would check: the node is restarted and the gap is seen; a stopped sidecar
// is reported down, its uptime and score fall, and after two periods its project fails and its
// collateral is slashed; an RPC outage loses and doubles no report; garbage and forgeries are dropped,
// counted and the sender scored down; the liar is outvoted.

import { spawn } from "node:child_process";
import { statfsSync } from "node:fs";
import { availableParallelism, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  auditTargets,
  NodeStatus,
  nodeRegistry,
  ProjectMarketStatus,
  projectMarket,
  providerRegistry,
  reputation,
  uptimeReports,
  uptimeReportsAbi,
} from "@mzku/sdk";
import { devWallet, stopProcess } from "@mzku/sdk/devnet";
import type { Address } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addMembers,
  CuttableProxy,
  type Devnet,
  joinDirectly,
  type KeyWallet,
  type Member,
  RESOURCES,
  SidecarProcess,
  sidecarPorts,
  startDevnet,
  waitFor,
  winProject,
} from "./test/network.js";

const ATTACKER = join(dirname(fileURLToPath(import.meta.url)), "test", "attacker.mjs");
const TYPE = 2;
const PERIOD_BLOCKS = 20;
const FAIL_LIMIT = 2;

describe("sidecars on loopback", () => {
  let net: Devnet;
  let members: Member[];
  const sidecars: SidecarProcess[] = [];
  let liar: KeyWallet;
  let liarMember: Member;
  let proxy: CuttableProxy;
  let projectId: bigint;

  beforeAll(async () => {
    // k = 5 with six members: everyone audits everyone, so the liar audits the node that goes down.
    net = await startDevnet({ periodBlocks: PERIOD_BLOCKS, auditorsPerNode: 5, failLimit: FAIL_LIMIT });
    members = await addMembers(net, [9, 10, 11, 12, 13, 14], TYPE);
    // Sidecar B (index 1) wins a project before the clock starts (the auction's blocks are mined ahead).
    projectId = await winProject(net, devWallet(net.anvil.rpcUrl, 15), members[1] as Member, TYPE);
    liarMember = members[5] as Member;
    liar = await joinDirectly(net, liarMember);
    await net.testClient.setIntervalMining({ interval: 1 });

    proxy = new CuttableProxy({ host: "127.0.0.1", port: net.anvil.port });
    const proxied = await proxy.start();
    for (const [i, m] of members.slice(0, 5).entries()) {
      // Sidecar C (index 2) reaches the chain through the proxy the test cuts.
      const rpc = i === 2 ? proxied : net.anvil.rpcUrl;
      // Sidecar E (index 4) reports its node's capacity: measured, with the bandwidth declared.
      const capacity = i === 4 ? { bandwidthMbps: 50 } : undefined;
      sidecars.push(
        new SidecarProcess(m, "ABCDE"[i] as string, net.dir, await sidecarPorts(), rpc, net.deploymentFile, capacity),
      );
    }
    // A's peer id is known once it runs: start it, then the others with A as their bootstrap peer.
    const a = sidecars[0] as SidecarProcess;
    a.start();
    const aStatus = await waitFor("sidecar A's status", () => a.status(), 60_000);
    const bootstrap = [`/ip4/127.0.0.1/tcp/${a.ports.p2p}/p2p/${aStatus.peerId}`];
    for (const s of sidecars.slice(1)) s.start(bootstrap);
    // Every sidecar activates its node once healthy and joins; then B's owner starts the project on it.
    await waitFor(
      "six roster members",
      async () =>
        Number(await uptimeReports.rosterSize(net.reader, { address: net.deployment.contracts.UptimeReports })) === 6,
      90_000,
    );
    const b = members[1] as Member;
    await projectMarket.startProject(b.owner, {
      address: net.deployment.contracts.ProjectMarket,
      args: [projectId, b.nodeId],
    });
  }, 300_000);

  afterAll(async () => {
    for (const s of sidecars) await s.stop().catch(() => undefined);
    await proxy?.stop();
    await net?.anvil.stop();
  });

  it("the sdk's assignment is the contract's", async () => {
    const c = net.deployment.contracts.UptimeReports;
    const period = await waitFor(
      "a period with all six members",
      async () => {
        const p = await uptimeReports.currentPeriod(net.reader, { address: c });
        const info = await uptimeReports.periodInfo(net.reader, { address: c, args: [p] });
        return info.size === 6 ? { p, info } : undefined;
      },
      30_000,
    );
    const info = { seed: period.info.seed, size: 6, k: Number(period.info.k), stride: Number(period.info.stride) };
    expect(info.k).toBe(5);
    for (let slot = 0; slot < 6; slot++) {
      const onChain = await uptimeReports.targetsOf(net.reader, { address: c, args: [period.p, BigInt(slot)] });
      expect(auditTargets(info, slot)).toEqual(onChain.map(Number));
    }
  });

  it("reports its node's measured capacity to the NodeRegistry once, when it differs", async () => {
    const e = sidecars[4] as SidecarProcess;
    const disk = statfsSync(join(net.dir, "E"));
    const measured = {
      cpuCores: availableParallelism(),
      ramGb: Math.round(totalmem() / 2 ** 30),
      storageGb: Math.floor((disk.blocks * disk.bsize) / 1e9),
      bandwidthMbps: 50,
    };
    expect(measured).not.toEqual(RESOURCES);
    const node = await waitFor(
      "E's capacity on-chain",
      async () => {
        const n = await nodeRegistry.getNode(net.reader, {
          address: net.deployment.contracts.NodeRegistry,
          args: [e.member.nodeId],
        });
        return n.resources.cpuCores !== RESOURCES.cpuCores ? n : undefined;
      },
      60_000,
    );
    expect(node.resources).toEqual(measured);
    // E re-measures every second (capacityIntervalMs): an unchanged capacity sends nothing more.
    await new Promise((r) => setTimeout(r, 5_000));
    expect(await e.metric("mzku_sidecar_capacity_reports_total")).toBe(1);
    expect(await e.metric("mzku_sidecar_node_capacity", 'resource="bandwidth_mbps"')).toBe(50);
    expect(await e.metric("mzku_sidecar_failures_total", 'reason="capacity"')).toBe(0);
  });

  it("restarts a killed node, and its auditors record the gap", async () => {
    const a = sidecars[0] as SidecarProcess;
    const before = await a.status();
    expect(before.nodePid).toBeGreaterThan(0);
    const killedAt = await currentPeriod();
    process.kill(before.nodePid as number, "SIGKILL");
    const after = await waitFor(
      "A's node restarted and healthy",
      async () => {
        const s = await a.status();
        return s.nodeRestarts >= 1 && s.nodePid !== before.nodePid && s.node?.healthy ? s : undefined;
      },
      90_000,
    );
    expect(await a.metric("mzku_sidecar_node_restarts_total")).toBeGreaterThanOrEqual(1);
    // An auditor of A saw it down in a round, and up again after the restart (the gap may straddle a
    // period boundary: the rounds of the kill's period and the next two, in order).
    const auditor = sidecars[3] as SidecarProcess;
    const seen = await waitFor(
      "an auditor's down then up observations of A",
      async () => {
        const obs = [];
        for (const p of [killedAt, killedAt + 1n, killedAt + 2n]) {
          obs.push(...(await auditor.observations(p, a.member.sidecar)));
        }
        const down = obs.findIndex((o) => !o.up);
        return down >= 0 && obs.slice(down).some((o) => o.up) ? obs : undefined;
      },
      90_000,
    );
    expect(seen.some((o) => !o.up)).toBe(true);
    expect(after.node?.healthy).toBe(true);
  }, 240_000);

  it("drops garbage and forged gossip, counts it, and scores the sender down", async () => {
    const d = sidecars[3] as SidecarProcess;
    const dStatus = await d.status();
    const c = net.deployment.contracts;
    const kinds = ["garbage", "unsigned", "forged", "stranger"] as const;
    const attackers = kinds.map((kind) =>
      spawn(
        process.execPath,
        [
          ATTACKER,
          kind,
          dStatus.multiaddrs[0] as string,
          dStatus.peerId,
          `/mzku/${net.deployment.chainId}/${c.UptimeReports.toLowerCase()}/audit/1`,
          String(net.deployment.chainId),
          c.UptimeReports,
          d.member.sidecar,
          (sidecars[0] as SidecarProcess).member.sidecar,
        ],
        { stdio: ["ignore", "pipe", "inherit"] },
      ),
    );
    try {
      const peerIds = await Promise.all(
        attackers.map(
          (attacker) =>
            new Promise<string>((resolve, reject) => {
              attacker.stdout.once("data", (b: Buffer) =>
                resolve((JSON.parse(b.toString()) as { peerId: string }).peerId),
              );
              attacker.once("exit", (code) => reject(new Error(`attacker exited with ${code}`)));
            }),
        ),
      );
      const counted = await waitFor(
        "D counting every rejection",
        async () => {
          const r = {
            malformed: await d.metric("mzku_sidecar_gossip_rejected_total", 'reason="malformed"'),
            unsigned: await d.metric("mzku_sidecar_gossip_rejected_total", 'reason="unsigned"'),
            forged: await d.metric("mzku_sidecar_gossip_rejected_total", 'reason="forged"'),
            unknown: await d.metric("mzku_sidecar_gossip_rejected_total", 'reason="unknown_sender"'),
          };
          if (!Object.values(r).every((n) => n >= 1)) throw new Error(`counted so far ${JSON.stringify(r)}`);
          return r;
        },
        90_000,
      );
      expect(counted.forged).toBeGreaterThanOrEqual(1);
      // gossipsub caches scores for a heartbeat: the fall shows within a few seconds
      const status = await waitFor(
        "every attacker scored below zero",
        async () => {
          const st = await d.status();
          const attackers = st.peers.filter((p) => peerIds.includes(p.peer));
          return attackers.length === peerIds.length && attackers.every((p) => p.score < 0) ? st : undefined;
        },
        60_000,
      );
      for (const peerId of peerIds) {
        const p = status.peers.find((x) => x.peer === peerId);
        expect(p?.rejected).toBe(1);
        expect(p?.score).toBeLessThan(0);
      }
      // D keeps working with its honest peers, whose scores stay non-negative.
      const honest = status.peers.filter((p) => !peerIds.includes(p.peer) && p.connected);
      expect(honest.length).toBeGreaterThan(0);
      expect(honest.every((p) => p.score >= 0)).toBe(true);
    } finally {
      for (const attacker of attackers) await stopProcess(attacker);
    }
  }, 240_000);

  it("reports a stopped sidecar down within a period, outvotes the liar, lowers uptime and score, then penalizes; an RPC outage loses and doubles nothing", async () => {
    const c = net.deployment.contracts;
    const b = sidecars[1] as SidecarProcess;
    const cSide = sidecars[2] as SidecarProcess;
    const pidB = b.member.providerId;
    const scoreBefore = await reputation.scoreOf(net.reader, { address: c.Reputation, args: [pidB] });
    const collateralBefore = (
      await providerRegistry.getProvider(net.reader, { address: c.ProviderRegistry, args: [pidB] })
    ).collateral;

    // B stops cleanly (SIGTERM → exit 0, its supervised node stopped with it).
    const stoppedIn = await currentPeriod();
    expect(await b.stop()).toBe(0);
    await waitFor("B's node port closed", async () => !(await reachable(b.ports.node)), 30_000);

    // Meanwhile C loses its RPC for a third of a period.
    proxy.setCut(true);
    setTimeout(() => proxy.setCut(false), (PERIOD_BLOCKS * 1000) / 3);

    // The liar votes every target up, every period, from its own key.
    const lies = lieEveryPeriod();

    // The first whole period B is down: decided down by the majority despite the liar.
    const downPeriod = stoppedIn + 1n;
    const decided = await waitFor(
      "B decided down",
      () => decidedFor(b.member.nodeId, downPeriod),
      PERIOD_BLOCKS * 6 * 1000,
    );
    expect(decided.up).toBe(false);
    const liarVoted = await liarReported(downPeriod);
    expect(liarVoted).toBe(true);
    const [uptime] = await uptimeReports.uptimeOf(net.reader, { address: c.UptimeReports, args: [pidB] });
    expect(uptime).toBeLessThan(10_000);
    expect(await reputation.scoreOf(net.reader, { address: c.Reputation, args: [pidB] })).toBeLessThan(scoreBefore);

    // FAIL_LIMIT periods down in a row: the project fails, the reserved collateral is slashed, the node fails.
    await waitFor(
      "the downtime penalty",
      async () => {
        const p = await projectMarket.getProject(net.reader, { address: c.ProjectMarket, args: [projectId] });
        return p.status === ProjectMarketStatus.Failed ? p : undefined;
      },
      PERIOD_BLOCKS * (FAIL_LIMIT + 4) * 1000,
    );
    const collateralAfter = (
      await providerRegistry.getProvider(net.reader, { address: c.ProviderRegistry, args: [pidB] })
    ).collateral;
    expect(collateralAfter).toBeLessThan(collateralBefore);
    const node = await nodeRegistry.getNode(net.reader, { address: c.NodeRegistry, args: [b.member.nodeId] });
    expect(node.status).toBe(NodeStatus.Failed);
    lies.stop();

    // C: every period it audited from its first report to the last closed window has exactly one
    // Reported event of C's, and every report transaction C sent was recorded once. A send is counted
    // when the transaction leaves and mined with a later block, and C may lag the chain on a loaded
    // machine: wait until every counted send and every closed period shows as mined.
    const lastClosed = (await currentPeriod()) - 2n;
    const reported = await waitFor(
      "C's reports of every closed period mined",
      async () => {
        const sent = await cSide.metric("mzku_sidecar_reports_sent_total");
        const r = await reportsOf(cSide.member.sidecar);
        const ps = r.map((x) => x.period);
        const first = ps[0];
        if (first === undefined || r.length < sent) return undefined;
        for (let p = first; p <= lastClosed; p++) if (!ps.includes(p)) return undefined;
        return r;
      },
      PERIOD_BLOCKS * 3 * 1000,
    );
    const periods = reported.map((r) => r.period);
    expect(new Set(periods).size).toBe(periods.length);
    const first = periods[0] as bigint;
    for (let p = first; p <= lastClosed; p++) expect(periods).toContain(p);
    expect(periods.length).toBeLessThanOrEqual(await cSide.metric("mzku_sidecar_reports_sent_total"));
    expect(await cSide.metric("mzku_sidecar_failures_total", 'reason="rpc"')).toBeGreaterThan(0);
  }, 480_000);

  // ---- helpers ----

  async function currentPeriod(): Promise<bigint> {
    return uptimeReports.currentPeriod(net.reader, { address: net.deployment.contracts.UptimeReports });
  }

  async function decidedFor(nodeId: bigint, period: bigint) {
    const logs = await net.reader.getContractEvents({
      address: net.deployment.contracts.UptimeReports,
      abi: uptimeReportsAbi,
      eventName: "NodePeriodDecided",
      fromBlock: 0n,
    });
    return logs.find((l) => l.args.nodeId === nodeId && l.args.period === period)?.args;
  }

  async function reportsOf(sidecar: Address) {
    const logs = await net.reader.getContractEvents({
      address: net.deployment.contracts.UptimeReports,
      abi: uptimeReportsAbi,
      eventName: "Reported",
      fromBlock: 0n,
    });
    return logs.filter((l) => l.args.sidecar === sidecar).map((l) => ({ period: l.args.period as bigint }));
  }

  async function liarReported(period: bigint): Promise<boolean> {
    return (await reportsOf(liarMember.sidecar)).some((r) => r.period === period);
  }

  function lieEveryPeriod() {
    let stopped = false;
    const done = new Set<bigint>();
    const loop = async () => {
      while (!stopped) {
        const p = await currentPeriod().catch(() => undefined);
        if (p !== undefined && p > 0n && !done.has(p - 1n)) {
          done.add(p - 1n);
          await uptimeReports
            .report(liar, { address: net.deployment.contracts.UptimeReports, args: [p - 1n, (1n << 256n) - 1n] })
            .catch(() => undefined);
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    void loop();
    return { stop: () => (stopped = true) };
  }

  async function reachable(port: number): Promise<boolean> {
    try {
      await fetch(`http://127.0.0.1:${port}`, { method: "POST", body: "{}", signal: AbortSignal.timeout(500) });
      return true;
    } catch {
      return false;
    }
  }
});
