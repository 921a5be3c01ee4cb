// The beacon adapter (node/health.ts) and a sidecar's auditor against a real consensus client: a
// `lodestar dev` (e2e/lodestar, minimal preset, 1 s slots, one validator with its interop key) on
// 127.0.0.1, started and stopped by PID through the signer e2e's harness. What an operator would
// check: a running beacon node is reachable, synced, with a head lag of a few slots, and an auditor
// probing it records it up; once it is stopped the same probe records it down.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "@mzku/log";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getJson, type Lodestar, startLodestar, stop, waitFor } from "../../signer/test-e2e/harness.js";
import { Auditor } from "../src/audit/auditor.js";
import { ObservationSigner, sidecarDomain } from "../src/audit/messages.js";
import { createMetrics } from "../src/metrics.js";
import { checkHealth } from "../src/node/health.js";
import { SidecarStore } from "../src/store/db.js";

describe("the beacon adapter against Lodestar", () => {
  let dir: string;
  let lodestar: Lodestar;
  let store: SidecarStore;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "mzku-sidecar-beacon-"));
    lodestar = await startLodestar(dir, 1, undefined);
    // the chain moves: a few slots proposed by the dev validator
    await waitFor(
      "Lodestar head slot ≥ 3",
      async () =>
        Number(
          (await getJson<{ data: { head_slot: string } }>(`${lodestar.rest}/eth/v1/node/syncing`))?.data.head_slot,
        ) >= 3,
      90_000,
    );
    store = new SidecarStore(join(dir, "sidecar"));
  });

  afterAll(async () => {
    store?.close();
    if (lodestar) await stop(lodestar.proc);
    rmSync(dir, { recursive: true, force: true });
  });

  it("reads sync status, head lag and peers of a running beacon node", async () => {
    const h = await checkHealth("beacon", lodestar.rest, { timeoutMs: 5_000, maxHeadLagSeconds: 12 });
    expect(h).toMatchObject({ reachable: true, syncing: false, healthy: true });
    expect(h.head).toBeGreaterThanOrEqual(3);
    expect(h.headLagSeconds).toBeGreaterThanOrEqual(0);
    expect(h.headLagSeconds).toBeLessThanOrEqual(12);
    expect(h.peers).toBe(0); // a lone dev node: the count is read, and it is zero
  });

  it("an auditor probing a beacon target records it up, then down once it is stopped", async () => {
    const target = privateKeyToAccount(`0x${"43".repeat(32)}`).address;
    const published: Uint8Array[] = [];
    const a = new Auditor({
      signer: new ObservationSigner(
        `0x${"42".repeat(32)}`,
        sidecarDomain(31337, "0x5FbDB2315678afecb367f032d93F642f64180aa3"),
      ),
      store,
      metrics: createMetrics(),
      log: silentLogger,
      endpointOf: () => ({
        sidecar: target,
        peerId: "",
        nodeKind: "beacon",
        nodeUrl: lodestar.rest,
        addrs: "",
        at: 0n,
      }),
      publish: async (data) => published.push(data),
      timeoutMs: 5_000,
      maxHeadLagSeconds: 12,
    });
    const [up] = await a.round(1n, 0, [target]);
    expect(up?.up).toBe(true);
    await stop(lodestar.proc);
    const [down] = await a.round(1n, 1, [target]);
    expect(down?.up).toBe(false);
    expect(store.observationsOf(1n, target).map((o) => o.up)).toEqual([true, false]);
    expect(published).toHaveLength(2);
  });
});
