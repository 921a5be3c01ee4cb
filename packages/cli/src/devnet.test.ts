import { type AddressInfo, createServer } from "node:net";
import { governance, nodeRegistry, providerRegistry, uptimeReports } from "@mzku/sdk";
import { devWallet, freePort } from "@mzku/sdk/devnet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mzku, startDevnet, type TestDevnet } from "./test/cli.js";

describe("mzku devnet", () => {
  let d: TestDevnet;
  beforeAll(async () => {
    d = await startDevnet();
  }, 300_000);
  afterAll(async () => {
    await d?.stop();
  });

  it("seats the governors, qualifies four providers each with an active node, serves the API", async () => {
    const reader = devWallet(d.rpcUrl, 0);
    const c = d.ready.contracts;
    expect(await governance.governorCount(reader, { address: c.Governance as `0x${string}` })).toBe(3n);
    expect(await governance.stakeObserver(reader, { address: c.Governance as `0x${string}` })).toBe(c.RewardPool);
    const qualified = await providerRegistry.qualifiedCount(reader, { address: c.ProviderRegistry as `0x${string}` });
    expect(qualified).toBe(4n);
    for (const p of d.ready.providers) {
      const info = await providerRegistry.getProvider(reader, {
        address: c.ProviderRegistry as `0x${string}`,
        args: [BigInt(p.providerId)],
      });
      expect(info.qualified && info.activeNodes === 1 && info.collateral === 10_000n * 10n ** 18n, p.name).toBe(true);
      expect(
        await nodeRegistry.nodeIdOfSidecar(reader, {
          address: c.NodeRegistry as `0x${string}`,
          args: [p.sidecar as `0x${string}`],
        }),
      ).not.toBe(0n);
    }
    const health = await fetch(`${d.ready.apiUrl}/health`);
    expect(health.status).toBe(200);
  });

  it("runs a sidecar per provider node: each serves status and metrics and joins the audit roster", async () => {
    const reader = devWallet(d.rpcUrl, 0);
    const reports = d.ready.contracts.UptimeReports as `0x${string}`;
    const deadline = Date.now() + 60_000;
    while (Number(await uptimeReports.rosterSize(reader, { address: reports })) < 4 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 500));
    for (const p of d.ready.providers) {
      const [, joined] = await uptimeReports.slotOf(reader, { address: reports, args: [p.sidecar as `0x${string}`] });
      expect(joined, `${p.name}'s sidecar joined`).toBe(true);
      const status = (await (await fetch(p.sidecarStatusUrl)).json()) as { sidecar: string; peerId: string };
      expect(status.peerId).toMatch(/^12D3/);
      const metrics = await (await fetch(p.sidecarMetricsUrl)).text();
      expect(metrics).toContain("mzku_sidecar_");
    }
  }, 90_000);

  it("refuses a second devnet on a taken port, before deploying anything", async () => {
    const blockBefore = await devWallet(d.rpcUrl, 0).getBlockNumber({ cacheTime: 0 });
    const port = new URL(d.rpcUrl).port;
    const r = await mzku(["devnet", "--port", port]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n").at(-1)).toBe(
      `mzku: PORT_IN_USE: 127.0.0.1:${port} is taken (another devnet?): stop what listens there or pass --port`,
    );
    // Blocks come every second on the devnet: nothing more than those (no deploy transactions).
    const txs = [];
    const blockAfter = await devWallet(d.rpcUrl, 0).getBlockNumber({ cacheTime: 0 });
    for (let b = blockBefore + 1n; b <= blockAfter; b++)
      txs.push(...(await devWallet(d.rpcUrl, 0).getBlock({ blockNumber: b })).transactions);
    expect(txs).toEqual([]);
  }, 60_000);

  it("moves the clock and mines on request, and refuses a chain that is not a devnet's", async () => {
    const to = (await devWallet(d.rpcUrl, 0).getBlockNumber({ cacheTime: 0 })) + 50n;
    const mined = await mzku(["devnet", "mine", "--to", String(to), "--json"], d.env);
    expect(BigInt(mined.json<{ block: string }>().block)).toBeGreaterThanOrEqual(to);
    const before = (await devWallet(d.rpcUrl, 0).getBlock()).timestamp;
    const advanced = await mzku(["devnet", "advance", "2d", "--json"], d.env);
    expect(BigInt(advanced.json<{ timestamp: string }>().timestamp) - before).toBeGreaterThanOrEqual(172_800n);
    const bad = await mzku(["devnet", "advance", "soon"], d.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('mzku: BAD_DURATION: duration: "soon" is not a duration (e.g. 90s, 12h, 1d, 2w)');
  }, 60_000);

  it("Ctrl-C stops everything it started", async () => {
    expect(await d.stop()).toBe(0);
    await expect(fetch(d.rpcUrl, { method: "POST" })).rejects.toThrow();
    await expect(fetch(`${d.ready.apiUrl}/health`)).rejects.toThrow();
    for (const p of d.ready.providers) await expect(fetch(p.sidecarStatusUrl)).rejects.toThrow();
  }, 60_000);

  it("refuses a bad port with exit code 2 and a one-line reason", async () => {
    const r = await mzku(["devnet", "--port", "99999"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("mzku: BAD_PORT: --port must be 1-65535, got 99999");
  });
});

describe("mzku devnet --no-sidecars", () => {
  it("sets up the same chain without sidecar daemons, and says so", async () => {
    const d = await startDevnet(["--no-sidecars", "--no-indexer"]);
    try {
      const reader = devWallet(d.rpcUrl, 0);
      const c = d.ready.contracts;
      expect(await providerRegistry.qualifiedCount(reader, { address: c.ProviderRegistry as `0x${string}` })).toBe(4n);
      for (const p of d.ready.providers) {
        expect(p.sidecarStatusUrl, p.name).toBeUndefined();
        // no sidecar runs, so none is funded for gas
        expect(await reader.getBalance({ address: p.sidecar as `0x${string}` }), p.name).toBe(0n);
      }
      expect(d.ready.apiUrl).toBeNull();
    } finally {
      expect(await d.stop()).toBe(0);
    }
  }, 300_000);
});

describe("mzku devnet --validators refuses before starting anything", () => {
  // every port the refusals check before the one under test is free (the defaults are --port + n,
  // which another process on a shared machine may hold)
  const ports = async () => [
    ...["--port", String(await freePort()), "--api-port", String(await freePort())],
    ...["--dashboard-port", String(await freePort())],
  ];

  it("names the missing Lodestar install and how to install it", async () => {
    const r = await mzku(["devnet", "--validators", ...(await ports())], {
      MZKU_LODESTAR_DIR: "/nonexistent/lodestar",
    });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      "mzku: LODESTAR_MISSING: --validators needs Lodestar, not installed in /nonexistent/lodestar: run npm ci --prefix /nonexistent/lodestar (about a minute), then retry",
    );
  }, 60_000);

  it("refuses a taken beacon or signer port", async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, "127.0.0.1", () => r()));
    const port = (taken.address() as AddressInfo).port;
    try {
      for (const [flag, other] of [
        ["--beacon-port", "--signer-port"],
        ["--signer-port", "--beacon-port"],
      ] as const) {
        const args = [...(await ports()), other, String(await freePort()), flag, String(port)];
        const r = await mzku(["devnet", "--validators", "2", ...args]);
        expect(r.code, r.stderr).toBe(1);
        expect(r.stderr.trim().split("\n").at(-1)).toBe(
          `mzku: PORT_IN_USE: 127.0.0.1:${port} is taken: stop what listens there or pass ${flag}`,
        );
      }
    } finally {
      taken.close();
    }
  }, 60_000);

  it("refuses a bad count, and the consensus ports without --validators", async () => {
    const zero = await mzku(["devnet", "--validators", "0", ...(await ports())]);
    expect(zero.code).toBe(2);
    expect(zero.stderr.trim()).toBe("mzku: BAD_VALIDATORS: --validators must be 1-64 validator keys, got 0");
    const lone = await mzku(["devnet", "--beacon-port", "9999", ...(await ports())]);
    expect(lone.code).toBe(2);
    expect(lone.stderr.trim()).toBe("mzku: BAD_ARGUMENT: --beacon-port and --signer-port need --validators");
  }, 60_000);
});
