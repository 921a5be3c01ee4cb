/**
 * `mzku devnet --validators 4` as a user runs it: the real command as a process, which starts anvil and
 * the protocol, a 2-of-3 DKG, co-signer and combiner processes, and a Lodestar beacon node and validator
 * client. Checked from outside, as a user would: the Beacon API shows the chain finalizing with blocks
 * proposed by the DKG's keys, the combiner's metrics and the co-signers' slashing-protection records show
 * the signatures went through the threshold signer, sidecar1 watches the beacon node; then SIGTERM stops
 * every process the devnet started.
 */
import { readdirSync, readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { startDevnet, type TestDevnet } from "../src/test/cli.js";

type Validators = {
  count: number;
  threshold: number;
  pubkeys: string[];
  beaconUrl: string;
  signerUrl: string;
  signerMetricsUrl: string;
  cosigners: { index: number; url: string }[];
  processes: { name: string; pid: number }[];
  headSlot: number;
  signed: { blocks: number; attestations: number };
};

const getJson = async <T>(url: string): Promise<T> => (await (await fetch(url)).json()) as T;

/** Every process under `pid` (Linux /proc): what the devnet started, and what those started. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function signed(metricsUrl: string, type: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  return text
    .split("\n")
    .filter((l) => l.startsWith("signer_sign_requests_total{") && l.includes(`type="${type}"`))
    .filter((l) => l.includes('outcome="ok"'))
    .reduce((sum, l) => sum + Number(l.split(" ").pop()), 0);
}

let d: TestDevnet | undefined;
afterAll(async () => {
  await d?.stop();
});

describe("mzku devnet --validators", () => {
  it("runs a Lodestar chain signing through threshold shares, and SIGTERM stops every process", async () => {
    d = await startDevnet(["--validators", "4"], 360_000);
    const v = (d.ready as unknown as { validators: Validators }).validators;
    expect(v.count).toBe(4);
    expect(v.threshold).toBe(2);
    expect(v.cosigners).toHaveLength(3);
    expect(v.headSlot).toBeGreaterThan(0);
    expect(v.signed.blocks).toBeGreaterThan(0);

    // the signer serves exactly the DKG's keys, and they are the chain's validators
    const served = await getJson<string[]>(`${v.signerUrl}/api/v1/eth2/publicKeys`);
    expect(served.map((k) => k.toLowerCase()).sort()).toEqual([...v.pubkeys].sort());
    const onChain = await getJson<{ data: { index: string; status: string; validator: { pubkey: string } }[] }>(
      `${v.beaconUrl}/eth/v1/beacon/states/head/validators`,
    );
    expect(onChain.data.map((x) => x.validator.pubkey).sort()).toEqual([...v.pubkeys].sort());
    const pubkeyOf = new Map(onChain.data.map((x) => [x.index, x.validator.pubkey]));

    // the chain finalizes: two thirds of the stake attested two epochs in a row, through the signer
    const deadline = Date.now() + 150_000;
    let finalized = 0;
    while (Date.now() < deadline) {
      const f = await getJson<{ data: { finalized: { epoch: string } } }>(
        `${v.beaconUrl}/eth/v1/beacon/states/head/finality_checkpoints`,
      );
      finalized = Number(f.data.finalized.epoch);
      if (finalized >= 1) break;
      await new Promise((r) => setTimeout(r, 2_000));
    }
    expect(finalized, "finalized epoch").toBeGreaterThanOrEqual(1);

    // every block on the chain was proposed by a DKG key (graffiti: the devnet's validator client)
    const head = await getJson<{ data: { header: { message: { slot: string } } } }>(
      `${v.beaconUrl}/eth/v1/beacon/headers/head`,
    );
    const headSlot = Number(head.data.header.message.slot);
    let blocks = 0;
    for (let slot = 1; slot <= headSlot; slot++) {
      const r = await fetch(`${v.beaconUrl}/eth/v2/beacon/blocks/${slot}`);
      if (r.status === 404) continue; // a skipped slot
      const b = (await r.json()) as { data: { message: { proposer_index: string; body: { graffiti: string } } } };
      expect(v.pubkeys).toContain(pubkeyOf.get(b.data.message.proposer_index));
      expect(Buffer.from(b.data.message.body.graffiti.slice(2), "hex").toString().replace(/\0+$/, "")).toBe(
        "mzku-devnet",
      );
      blocks++;
    }
    expect(blocks, `blocks up to slot ${headSlot}`).toBeGreaterThan(8);

    // the combiner signed them, and each co-signer's slashing protection recorded its partial signatures
    expect(await signed(v.signerMetricsUrl, "BLOCK_V2")).toBeGreaterThanOrEqual(blocks);
    expect(await signed(v.signerMetricsUrl, "ATTESTATION")).toBeGreaterThan(8);
    for (const c of v.cosigners) {
      const ic = await getJson<{
        data: { pubkey: string; signed_blocks: unknown[]; signed_attestations: unknown[] }[];
      }>(`${c.url}/api/v1/eth2/slashing-protection`);
      const recorded = ic.data.filter((x) => v.pubkeys.includes(x.pubkey.toLowerCase()));
      const [blocksSigned, attestationsSigned] = [
        recorded.reduce((n, x) => n + x.signed_blocks.length, 0),
        recorded.reduce((n, x) => n + x.signed_attestations.length, 0),
      ];
      // with 2 of 3 needed, each co-signer takes part in most signatures, not necessarily all
      expect(blocksSigned, `co-signer ${c.index} blocks`).toBeGreaterThan(0);
      expect(attestationsSigned, `co-signer ${c.index} attestations`).toBeGreaterThan(0);
    }

    // sidecar1 supervises the beacon node and finds it healthy
    const p1 = d.ready.providers[0] as TestDevnet["ready"]["providers"][number] & {
      sidecarNode: { url: string; kind: string };
    };
    expect(p1.sidecarNode).toEqual({ url: v.beaconUrl, kind: "beacon" });
    const status = await getJson<{ node: { reachable: boolean; healthy: boolean; head: number } }>(p1.sidecarStatusUrl);
    expect(status.node).toMatchObject({ reachable: true, healthy: true });
    expect(status.node.head, "sidecar1 sees the beacon head (a slot, not an anvil block)").toBeGreaterThan(8);

    // SIGTERM: every process the devnet started (and theirs) is gone, and it exits 0
    const pids = descendants(d.child.pid ?? -1);
    for (const p of v.processes) expect(pids, p.name).toContain(p.pid);
    expect(pids.length).toBeGreaterThanOrEqual(v.processes.length + 5); // + anvil and 4 sidecars
    d.child.kill("SIGTERM");
    const code = await new Promise<number | null>((r) => d?.child.once("exit", (c) => r(c)));
    expect(code).toBe(0);
    expect(pids.filter(alive), "processes left running").toEqual([]);
  }, 600_000);
});
