/**
 * Proof under a real client: `lodestar dev` (1.5.1, minimal preset, 1 s slots, Altair at epoch 0) whose
 * validator client signs only through our combiner, while every validator key exists only as t-of-n
 * shares held by separate co-signer processes. Runs 2-of-3 and 3-of-4:
 *   1. the chain produces blocks and finalizes;
 *   2. one co-signer stopped: it keeps finalizing;
 *   3. a second co-signer stopped: signing stops cleanly (503 naming how many answered), no block after;
 *   4. a double vote and a double proposal sent straight to a live co-signer are refused (412);
 *   5. no slashing-protection database (every co-signer's and the combiner's) holds a slashable pair.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SlashingProtectionDb } from "../src/slashing/db.js";
import type { Interchange } from "../src/slashing/interchange.js";
import { waitFor } from "../src/testing/waitFor.js";
import {
  type Cluster,
  finalizedEpoch,
  getJson,
  headSlot,
  type Lodestar,
  startCluster,
  startLodestar,
  stop,
  stopAll,
} from "./harness.js";

// a few interop validators: with Altair at genesis every validator sits in the 32-seat sync committee, so
// each one costs ~5 signatures per 1 s slot; 4 keep the load sane on a shared 2-core machine
const VALIDATORS = 4;
afterAll(stopAll);
const DUTY_TYPES = [
  "BLOCK_V2",
  "ATTESTATION",
  "RANDAO_REVEAL",
  "AGGREGATION_SLOT",
  "AGGREGATE_AND_PROOF",
  "SYNC_COMMITTEE_MESSAGE",
  "SYNC_COMMITTEE_SELECTION_PROOF",
  "SYNC_COMMITTEE_CONTRIBUTION_AND_PROOF",
];

/** Every pair of records that EIP-3076 / the slashing conditions forbid. */
function slashablePairs(ic: Interchange): string[] {
  const out: string[] = [];
  for (const v of ic.data) {
    const blocks = new Map<string, Set<string>>();
    for (const b of v.signed_blocks) {
      const s = blocks.get(b.slot) ?? new Set();
      s.add(b.signing_root ?? "unknown");
      blocks.set(b.slot, s);
    }
    for (const [slot, roots] of blocks) if (roots.size > 1) out.push(`${v.pubkey} double proposal at slot ${slot}`);
    const atts = v.signed_attestations.map((a) => ({
      s: Number(a.source_epoch),
      t: Number(a.target_epoch),
      r: a.signing_root,
    }));
    for (const [i, a] of atts.entries()) {
      for (const b of atts.slice(i + 1)) {
        if (a.t === b.t && a.r !== b.r) out.push(`${v.pubkey} double vote target ${a.t}`);
        if ((a.s < b.s && b.t < a.t) || (b.s < a.s && a.t < b.t))
          out.push(`${v.pubkey} surround (${a.s},${a.t}) (${b.s},${b.t})`);
      }
    }
  }
  return out;
}

async function combinerMetric(c: Cluster, name: string, match: RegExp): Promise<number> {
  const r = await fetch(`http://127.0.0.1:${c.combiner.metricsPort}/metrics`);
  const text = await r.text();
  return text
    .split("\n")
    .filter((l) => l.startsWith(name) && match.test(l))
    .reduce((sum, l) => sum + Number(l.split(" ").pop()), 0);
}

async function scenario(t: number, n: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), `mzku-e2e-${t}of${n}-`));
  const log = (msg: string) =>
    process.stdout.write(`[e2e ${t}-of-${n} ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
  log(`dir ${dir}`);
  const cluster = await startCluster(dir, t, n, VALIDATORS);
  const keys = await getJson<string[]>(`${cluster.combiner.url}/api/v1/eth2/publicKeys`);
  expect(keys).toEqual(cluster.pubkeys);
  let lodestar: Lodestar | undefined;
  try {
    lodestar = await startLodestar(dir, VALIDATORS, cluster.combiner.url);
    const rest = lodestar.rest;

    // 1. blocks and finality with all co-signers
    const started = Date.now();
    await waitFor("finalized epoch >= 2", async () => (await finalizedEpoch(rest)) >= 2, 150_000, 1000);
    const ms = Date.now() - started;
    log(`finalized epoch ${await finalizedEpoch(rest)} after ${ms} ms, head slot ${await headSlot(rest)}`);
    expect(await headSlot(rest)).toBeGreaterThan(16);
    // every duty type Lodestar signs went through the combiner with a root it accepted (its own
    // recomputation matched the client's) and a signature the chain accepted
    const okByType: Record<string, number> = {};
    for (const type of DUTY_TYPES) {
      okByType[type] = await combinerMetric(
        cluster,
        "signer_sign_requests_total",
        new RegExp(`type="${type}",outcome="ok"`),
      );
    }
    log(`signed through the combiner by type: ${JSON.stringify(okByType)}`);
    for (const type of DUTY_TYPES) expect(okByType[type], `${type} signed`).toBeGreaterThan(0);

    // 2. one co-signer down: still finalizing
    const last = cluster.cosigners[n - 1];
    if (last === undefined) throw new Error("no co-signer");
    await stop(last.proc, "SIGTERM");
    const f1 = await finalizedEpoch(rest);
    const downAt = Date.now();
    await waitFor(
      `finalized epoch >= ${f1 + 2} with co-signer ${last.index} down`,
      async () => (await finalizedEpoch(rest)) >= f1 + 2,
      90_000,
      1000,
    );
    const ms2 = Date.now() - downAt;
    log(`co-signer ${last.index} down: finalized ${f1} -> ${await finalizedEpoch(rest)} in ${ms2} ms`);

    // 3. two down: fewer than t partials, signing stops cleanly
    const second = cluster.cosigners[n - 2];
    if (second === undefined) throw new Error("no co-signer");
    const failedBefore = await combinerMetric(cluster, "signer_sign_requests_total", /outcome="not_enough_partials"/);
    await stop(second.proc, "SIGTERM");
    await new Promise((r) => setTimeout(r, 1500));
    const headAtStop = await headSlot(rest);
    const finAtStop = await finalizedEpoch(rest);
    await new Promise((r) => setTimeout(r, 10_000));
    const headAfter = await headSlot(rest);
    const failedAfter = await combinerMetric(cluster, "signer_sign_requests_total", /outcome="not_enough_partials"/);
    log(
      `two down: head ${headAtStop} -> ${headAfter}, finalized ${finAtStop} -> ${await finalizedEpoch(rest)}, fail-closed answers ${failedBefore} -> ${failedAfter}`,
    );
    expect(headAfter - headAtStop, "no block is signed with fewer than t co-signers").toBeLessThanOrEqual(1);
    expect(failedAfter).toBeGreaterThan(failedBefore);
    expect(await finalizedEpoch(rest)).toBe(finAtStop);
    const up = await fetch(`${cluster.combiner.url}/upcheck`);
    expect(await up.text(), "the combiner is still up, it just refuses").toBe("OK");
    const pk = cluster.pubkeys[0] ?? "";
    // a request answered now names how many co-signers answered
    const direct = await fetch(`${cluster.combiner.url}/api/v1/eth2/sign/${pk}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        type: "RANDAO_REVEAL",
        fork_info: {
          fork: { previous_version: "0x00000001", current_version: "0x01000001", epoch: "0" },
          genesis_validators_root: `0x${"00".repeat(32)}`,
        },
        randao_reveal: { epoch: "100000" },
      }),
    });
    const body = (await direct.json()) as { code: string; message: string; answered: number; needed: number };
    log(`combiner answer with ${n - 2} co-signers: HTTP ${direct.status} ${body.message}`);
    expect(direct.status).toBe(503);
    expect(body).toMatchObject({ code: "SIGNER_NOT_ENOUGH_PARTIALS", needed: t });

    // 4. double signing straight at a live co-signer is refused
    const first = cluster.cosigners[0];
    if (first === undefined) throw new Error("no co-signer");
    const ic = (await getJson<Interchange>(`${first.url}/api/v1/eth2/slashing-protection`)) as Interchange;
    const gvr = ic.metadata.genesis_validators_root;
    const mine = ic.data.find((d) => d.pubkey === pk);
    const lastAtt = mine?.signed_attestations.at(-1);
    const lastBlock = ic.data.flatMap((d) => d.signed_blocks.map((b) => ({ pubkey: d.pubkey, ...b }))).at(-1);
    expect(lastAtt, "co-signer 1 signed attestations").toBeDefined();
    expect(lastBlock, "co-signer 1 signed blocks").toBeDefined();
    const forkInfo = {
      fork: { previous_version: "0x00000001", current_version: "0x01000001", epoch: "0" },
      genesis_validators_root: gvr,
    };
    const post = (key: string, b: unknown) =>
      fetch(`${first.url}/api/v1/eth2/sign/${key}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(b),
      });
    const dv = await post(pk, {
      type: "ATTESTATION",
      fork_info: forkInfo,
      attestation: {
        slot: String(Number(lastAtt?.target_epoch) * 8),
        index: "0",
        beacon_block_root: `0x${"ee".repeat(32)}`,
        source: { epoch: lastAtt?.source_epoch, root: `0x${"00".repeat(32)}` },
        target: { epoch: lastAtt?.target_epoch, root: `0x${"ee".repeat(32)}` },
      },
    });
    const dvBody = (await dv.json()) as { code: string; reason: string };
    log(`double vote at co-signer 1: HTTP ${dv.status} ${dvBody.reason}`);
    expect(dv.status).toBe(412);
    expect(dvBody.reason).toBe("DOUBLE_VOTE");
    const dp = await post(lastBlock?.pubkey ?? "", {
      type: "BLOCK_V2",
      fork_info: forkInfo,
      beacon_block: {
        version: "BELLATRIX",
        block_header: {
          slot: lastBlock?.slot,
          proposer_index: "0",
          parent_root: `0x${"ee".repeat(32)}`,
          state_root: `0x${"ee".repeat(32)}`,
          body_root: `0x${"ee".repeat(32)}`,
        },
      },
    });
    const dpBody = (await dp.json()) as { code: string; reason: string };
    log(`double proposal at co-signer 1 (slot ${lastBlock?.slot}): HTTP ${dp.status} ${dpBody.reason}`);
    expect(dp.status).toBe(412);
    expect(dpBody.reason).toBe("DOUBLE_BLOCK_PROPOSAL");
  } finally {
    if (lodestar !== undefined) await stop(lodestar.proc, "SIGKILL");
    await stopAll();
  }

  // 5. no slashable pair in any slashing-protection database
  for (const [name, file] of [
    ["combiner", cluster.combiner.db],
    ...cluster.cosigners.map((c) => [`co-signer ${c.index}`, c.db] as const),
  ] as const) {
    const db = new SlashingProtectionDb(file);
    const ic = db.exportInterchange();
    const counts = db.counts();
    db.close();
    log(`${name}: ${counts.blocks} blocks, ${counts.attestations} attestations recorded`);
    expect(counts.attestations, `${name} recorded attestations`).toBeGreaterThan(0);
    expect(slashablePairs(ic), `${name} slashable pairs`).toEqual([]);
  }
}

describe("threshold signer under lodestar dev", () => {
  it("2-of-3: finalizes, survives one co-signer down, stops cleanly with two down, never slashable", async () => {
    await scenario(2, 3);
  });
  it("3-of-4: finalizes, survives one co-signer down, stops cleanly with two down, never slashable", async () => {
    await scenario(3, 4);
  });
});
