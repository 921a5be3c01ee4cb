/**
 * Conformance, minimal preset (`--network devnet`): a 2-of-3 threshold signer as separate processes
 * (combiner + 3 co-signers, the third holding no share until the key manager API imports it).
 * - every operation in every fork from phase0 to fulu, in the spec's shapes;
 * - the spec's own request examples, verbatim, each on its own validator key;
 * - each major validator client's request shapes and headers (src/testing/clients.ts), replayed;
 * - the key manager API (import with slashing protection, list, delete, persistence, the combiner's
 *   refusal), /upcheck, /healthcheck, /api/v1/eth2/highWatermark and /api/v1/eth2/publicKeys.
 * Statuses, content types and bodies are checked against the spec's schemas; every signature is
 * verified over the root @lodestar/* computes.
 */
import "../signing/testPresetMinimal.js";
import blst from "@chainsafe/blst";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stopKdfWorker } from "../keystore/kdf.js";
import { encryptKeystore, PBKDF2_DEFAULT } from "../keystore/keystore.js";
import { CLIENTS } from "../testing/clients.js";
import { buildSigner, type Cluster, startCluster } from "../testing/cluster.js";
import { call, expectSigned, type Reply, signAll } from "../testing/conformance.js";
import { randomSecretKey } from "../testing/dealer.js";
import { testNetwork } from "../testing/networks.js";
import { hexOf, referenceRoot } from "../testing/reference.js";
import { buildRequests } from "../testing/requests.js";
import { EXAMPLE_CORRECTIONS, SPEC_EXAMPLES } from "../testing/specExamples.js";
import { keyManagerRequestErrors, responseErrors, signRequestErrors } from "../testing/specSchemas.js";

const EXAMPLE_GVR = "0x04700007fabc8282644aed6d1c7c9e21d38a03a0c4ba193f3afe428824b3a673";
// one chain for the whole cluster: the spec examples' genesis validators root
const net = { ...testNetwork("devnet"), genesisValidatorsRoot: EXAMPLE_GVR };
const EXAMPLES = SPEC_EXAMPLES.filter(([n]) => EXAMPLE_CORRECTIONS[n] === undefined);
// key 0: generated requests; 1..examples: one per spec example; then one per client
const KEYS = 1 + EXAMPLES.length + CLIENTS.length;
let cluster: Cluster;

beforeAll(async () => {
  buildSigner();
  cluster = await startCluster({ network: "devnet", keys: KEYS, genesisValidatorsRoot: EXAMPLE_GVR });
}, 120_000);
afterAll(async () => {
  cluster?.stop();
  await stopKdfWorker();
});

const json = (r: Reply) => r.json as Record<string, unknown>;
const signUrl = (pk: string) => `${cluster.combiner.url}/api/v1/eth2/sign/${pk}`;

describe("--network devnet (minimal preset), combiner + co-signers as processes", () => {
  it("signs every operation in every fork from phase0 to fulu; each signature verifies", async () => {
    const requests = buildRequests(net.config, net.genesisValidatorsRoot);
    const forks = new Set(requests.filter((r) => r.body.type === "BLOCK_V2").map((r) => r.name));
    expect([...forks]).toEqual(
      ["PHASE0", "ALTAIR", "BELLATRIX", "CAPELLA", "DENEB", "ELECTRA", "FULU"].map((f) => `BLOCK_V2 (${f})`),
    );
    await signAll(cluster, net, requests);
  }, 120_000);

  it("signs the spec's request examples verbatim (their listed signingRoot included), uint64 above 2^53 too", async () => {
    for (const [k, [name, example]] of EXAMPLES.entries()) {
      expect(signRequestErrors(example), `${name}: the spec's example has the spec's shape`).toEqual([]);
      const pk = cluster.pubkeys[1 + k] as string;
      const r = await call(signUrl(pk), {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: example,
      });
      const root = Buffer.from(String(example.signingRoot).slice(2), "hex");
      expectSigned(r, "application/json", pk, root, `example ${name}`);
    }
  }, 60_000);

  for (const [c, client] of CLIENTS.entries()) {
    it(`replays ${client.client}'s requests (${client.source})`, async () => {
      const pk = cluster.pubkeys[1 + EXAMPLES.length + c] as string;
      const electraForks = ["ELECTRA", "FULU"];
      for (const req of buildRequests(net.config, net.genesisValidatorsRoot)) {
        if (req.body.type === "BLOCK" || req.body.type === "DEPOSIT") continue; // validator clients send neither
        let body: Record<string, unknown> = { ...req.body };
        if (body.type === "AGGREGATE_AND_PROOF_V2") {
          const w = body.aggregate_and_proof as { version: string; data: unknown };
          const v1 = electraForks.includes(w.version) ? client.electraAggregateAsV1 : client.aggregateV1;
          if (v1) body = { ...body, type: "AGGREGATE_AND_PROOF", aggregate_and_proof: w.data };
        }
        const root = referenceRoot(body, { config: net.config, stateSlot: req.stateSlot });
        body.signingRoot = hexOf(root);
        const r = await call(signUrl(pk), { method: "POST", headers: client.headers, body });
        const what = `${client.client} ${String(body.type)} ${req.name}`;
        expectSigned(r, client.headers.accept, pk, root, what);
        if (client.reads === "json")
          expect(r.contentType, `${what}: the client reads JSON only`).toBe("application/json");
      }
      if (client.upcheck === "json" && client.headers.accept === "application/json") {
        const up = await call(`${cluster.combiner.url}/upcheck`, { headers: client.headers });
        expect(up.json, `${client.client} decodes /upcheck as JSON`).toEqual({ status: "OK" });
      }
    }, 60_000);
  }

  it("answers /upcheck, /api/v1/eth2/publicKeys and /api/v1/eth2/highWatermark as the spec declares", async () => {
    const up = await call(`${cluster.combiner.url}/upcheck`);
    expect([up.status, up.contentType, up.text]).toEqual([200, "text/plain; charset=utf-8", "OK"]);
    expect(responseErrors("/upcheck", "get", 200, up.contentType, up.text)).toEqual([]);
    const upJson = await call(`${cluster.combiner.url}/upcheck`, { headers: { accept: "application/json" } });
    expect(upJson.json).toEqual({ status: "OK" });
    const keys = await call(`${cluster.combiner.url}/api/v1/eth2/publicKeys`);
    expect(responseErrors("/api/v1/eth2/publicKeys", "get", 200, keys.contentType, keys.json)).toEqual([]);
    expect(keys.json).toEqual(cluster.pubkeys);
    const hw = await call(`${cluster.combiner.url}/api/v1/eth2/highWatermark`);
    expect([hw.status, hw.json]).toEqual([200, {}]);
    expect(responseErrors("/api/v1/eth2/highWatermark", "get", 200, hw.contentType, hw.json)).toEqual([]);
  });

  it("key manager: a co-signer imports its share (with slashing history), signs with it, keeps it across a restart, and deletes it", async () => {
    const party = cluster.keyManagerParty;
    const dealt = cluster.dealt[0];
    const share = dealt?.shares[party - 1];
    if (dealt === undefined || share === undefined) throw new Error("no share");
    const pk = cluster.pubkey;
    let cos = cluster.cosigners.get(party);
    if (cos === undefined) throw new Error("no co-signer");
    const km = () => `${cos?.url}/eth/v1/keystores`;
    const listed = async (url: string) => {
      const r = await call(url);
      expect(responseErrors("/eth/v1/keystores", "get", r.status, r.contentType, r.json)).toEqual([]);
      return (json(r).data as Array<{ validating_pubkey: string; readonly: boolean }>).map((k) => [
        k.validating_pubkey,
        k.readonly,
      ]);
    };
    expect(await listed(km())).toEqual([]);
    expect(await listed(`${cluster.combiner.url}/eth/v1/keystores`)).toEqual(cluster.pubkeys.map((k) => [k, true]));

    const keystore = JSON.stringify(
      await encryptKeystore({ secret: share.secret, path: "" }, "share pass", PBKDF2_DEFAULT),
    );
    const whole = JSON.stringify(
      await encryptKeystore({ secret: randomSecretKey(), path: "" }, "whole pass", PBKDF2_DEFAULT),
    );
    // history from wherever the share signed before: a block at slot 10_000
    const slashing = JSON.stringify({
      metadata: { interchange_format_version: "5", genesis_validators_root: EXAMPLE_GVR },
      data: [{ pubkey: pk, signed_blocks: [{ slot: "10000" }], signed_attestations: [] }],
    });
    const body = {
      keystores: [keystore, whole, keystore],
      passwords: ["share pass", "whole pass", "wrong"],
      slashing_protection: slashing,
    };
    expect(keyManagerRequestErrors("post", body)).toEqual([]);
    const imported = await call(km(), { method: "POST", headers: { "content-type": "application/json" }, body });
    expect(imported.status, imported.text).toBe(200);
    expect(responseErrors("/eth/v1/keystores", "post", 200, imported.contentType, imported.json)).toEqual([]);
    const statuses = (json(imported).data as Array<{ status: string; message?: string }>).map((d) => d.status);
    expect(statuses).toEqual(["imported", "error", "duplicate"]);
    expect(String((json(imported).data as Array<{ message?: string }>)[1]?.message)).toMatch(/not a share/);
    expect(await listed(km())).toEqual([[pk, false]]);

    // the imported share signs: its partial verifies under its public share
    const randao = buildRequests(net.config, EXAMPLE_GVR).find((r) => r.body.type === "RANDAO_REVEAL");
    if (randao === undefined) throw new Error("no request");
    const root = referenceRoot(randao.body, { config: net.config, stateSlot: randao.stateSlot });
    const partial = await call(`${cos.url}/api/v1/eth2/sign/${pk}`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: randao.body,
    });
    expect(partial.status, partial.text).toBe(200);
    expect(json(partial).share_index).toBe(party);
    const publicShare = dealt.publicShares[party - 1]?.publicKey as Uint8Array;
    expect(
      blst.verify(
        root,
        blst.PublicKey.fromBytes(publicShare),
        blst.Signature.fromBytes(Buffer.from(String(json(partial).signature).slice(2), "hex")),
      ),
    ).toBe(true);
    // the imported slashing history binds it: a block at or below slot 10_000 is refused
    const block = { ...(buildRequests(net.config, EXAMPLE_GVR).find((r) => r.name === "BLOCK_V2 (FULU)")?.body ?? {}) };
    const refused = await call(`${cos.url}/api/v1/eth2/sign/${pk}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: block,
    });
    expect([refused.status, json(refused).reason]).toEqual([412, "BLOCK_SLOT_BELOW_LOWER_BOUND"]);

    // the share rests in the co-signer's keystore directory and is served again after a restart
    cluster.stopParty(party);
    cos = await cluster.restartParty(party);
    expect(await listed(km())).toEqual([[pk, false]]);

    // delete: the key stops signing, its history comes back, and again on a second delete
    const del = await call(km(), {
      method: "DELETE",
      headers: { "content-type": "application/json" },
      body: { pubkeys: [pk, cluster.pubkeys[1]] },
    });
    expect(del.status, del.text).toBe(200);
    expect(responseErrors("/eth/v1/keystores", "delete", 200, del.contentType, del.json)).toEqual([]);
    expect((json(del).data as Array<{ status: string }>).map((d) => d.status)).toEqual(["deleted", "not_found"]);
    const history = JSON.parse(String(json(del).slashing_protection)) as {
      data: Array<{ pubkey: string; signed_blocks: unknown[] }>;
    };
    expect(history.data.map((d) => d.pubkey)).toEqual([pk]);
    expect(history.data[0]?.signed_blocks).toContainEqual({ slot: "10000" });
    const after = await call(`${cos.url}/api/v1/eth2/sign/${pk}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: randao.body,
    });
    expect(after.status).toBe(404);
    expect(await listed(km())).toEqual([]);
    const again = await call(km(), {
      method: "DELETE",
      headers: { "content-type": "application/json" },
      body: { pubkeys: [pk] },
    });
    expect((json(again).data as Array<{ status: string }>)[0]?.status).toBe("not_active");
  }, 60_000);

  it("key manager: the combiner holds no key material, refuses keystores and deletes, imports slashing history; bad requests are 400", async () => {
    const url = `${cluster.combiner.url}/eth/v1/keystores`;
    const other = cluster.pubkeys[2] as string;
    const slashing = JSON.stringify({
      metadata: { interchange_format_version: "5", genesis_validators_root: EXAMPLE_GVR },
      data: [{ pubkey: other, signed_blocks: [], signed_attestations: [{ source_epoch: "900", target_epoch: "901" }] }],
    });
    const r = await call(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: { keystores: ["{}"], passwords: ["x"], slashing_protection: slashing },
    });
    expect(r.status).toBe(200);
    expect(responseErrors("/eth/v1/keystores", "post", 200, r.contentType, r.json)).toEqual([]);
    expect((json(r).data as Array<{ status: string; message: string }>)[0]).toMatchObject({
      status: "error",
      message: expect.stringMatching(/co-signer/),
    });
    const exported = await call(`${cluster.combiner.url}/api/v1/eth2/slashing-protection`);
    const rec = (json(exported).data as Array<{ pubkey: string; signed_attestations: unknown[] }>).find(
      (x) => x.pubkey === other,
    );
    expect(rec?.signed_attestations).toContainEqual({ source_epoch: "900", target_epoch: "901" });
    const d = await call(url, {
      method: "DELETE",
      headers: { "content-type": "application/json" },
      body: { pubkeys: [cluster.pubkey] },
    });
    expect((json(d).data as Array<{ status: string }>)[0]?.status).toBe("error");
    const bad = await call(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: { keystores: ["{}"], passwords: [] },
    });
    expect(bad.status).toBe(400);
    expect(responseErrors("/eth/v1/keystores", "post", 400, bad.contentType, bad.json)).toEqual([]);
  });

  it("/healthcheck: UP with its checks while co-signers answer, 503 DOWN when fewer than the threshold do", async () => {
    const ok = await call(`${cluster.combiner.url}/healthcheck`);
    expect(ok.status).toBe(200);
    expect(responseErrors("/healthcheck", "get", 200, ok.contentType, ok.json)).toEqual([]);
    expect(json(ok)).toMatchObject({ status: "UP", outcome: "UP" });
    expect((json(ok).checks as Array<{ id: string; status: string }>).map((c) => [c.id, c.status])).toEqual([
      ["slashing-protection-db", "UP"],
      ["cosigners-check", "UP"],
    ]);
    cluster.stopParty(1);
    cluster.stopParty(2);
    const down = await call(`${cluster.combiner.url}/healthcheck`);
    expect(down.status).toBe(503);
    expect(responseErrors("/healthcheck", "get", 503, down.contentType, down.json)).toEqual([]);
    expect(json(down)).toMatchObject({ status: "DOWN", outcome: "DOWN" });
  }, 30_000);
});
