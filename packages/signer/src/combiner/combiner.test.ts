import { createLogger, silentLogger } from "@mzku/log";
import { afterEach, describe, expect, it } from "vitest";
import { type RunningSignerServer, startSignerServer } from "../api/server.js";
import { sign as blsSign, secretKeyToPublicKey } from "../bls/bls.js";
import { verify } from "../bls/threshold.js";
import { CoSigner } from "../cosigner/cosigner.js";
import type { KeyShare } from "../cosigner/shares.js";
import { SignerError } from "../errors.js";
import { createSignerMetrics } from "../metrics.js";
import { prepareSigning } from "../signing/prepare.js";
import { SlashingProtectionDb } from "../slashing/db.js";
import { attestationRequest, TEST_GVR as GVR } from "../testing/attestation.js";
import { type DealtKey, splitSecret } from "../testing/index.js";
import { Combiner } from "./combiner.js";

const hex = (b: Uint8Array) => `0x${Buffer.from(b).toString("hex")}`;
const SIGNING = { slotsPerEpoch: 32, genesisForkVersion: new Uint8Array(4) };
const servers: RunningSignerServer[] = [];
const dbs: SlashingProtectionDb[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  for (const d of dbs.splice(0)) d.close();
});

const attestation = (slot: number, source: number, target: number, blockRoot = "11") =>
  attestationRequest(slot, source, target, `0x${blockRoot.repeat(32)}`);

function keyShares(dealt: DealtKey, overrideSecret?: Map<number, Uint8Array>): KeyShare[] {
  const publicShares = Object.fromEntries(dealt.publicShares.map((p) => [String(p.index), hex(p.publicKey)]));
  return dealt.shares.map((s) => ({
    groupPublicKey: hex(dealt.groupPublicKey),
    threshold: dealt.threshold,
    index: s.index,
    secret: overrideSecret?.get(s.index) ?? s.secret,
    publicShares,
  }));
}

async function cosigner(share: KeyShare, token?: string): Promise<RunningSignerServer> {
  const slashing = new SlashingProtectionDb(":memory:", { synchronous: "NORMAL" });
  dbs.push(slashing);
  const s = await startSignerServer({
    backend: new CoSigner([share]),
    slashing,
    signing: SIGNING,
    logger: silentLogger,
    metrics: createSignerMetrics(),
    ...(token === undefined ? {} : { token }),
  });
  servers.push(s);
  return s;
}

async function setup(
  t: number,
  n: number,
  opts: { badParty?: number; timeoutMs?: number; verify?: "each" | "optimistic" } = {},
) {
  const secret = new Uint8Array(32);
  secret[31] = 7;
  secret[0] = 0x12;
  const dealt = splitSecret(secret, t, n);
  const override = new Map<number, Uint8Array>();
  if (opts.badParty !== undefined) {
    const wrong = new Uint8Array(32);
    wrong[31] = 99;
    override.set(opts.badParty, wrong);
  }
  const shares = keyShares(dealt, override);
  const cos = await Promise.all(shares.map((s) => cosigner(s)));
  const metrics = createSignerMetrics();
  const combinerDb = new SlashingProtectionDb(":memory:", { synchronous: "NORMAL" });
  dbs.push(combinerDb);
  const combiner = await startSignerServer({
    backend: new Combiner({
      validators: [
        {
          groupPublicKey: hex(dealt.groupPublicKey),
          threshold: t,
          publicShares: new Map(dealt.publicShares.map((p) => [p.index, p.publicKey])),
        },
      ],
      cosigners: cos.map((c, i) => ({ index: i + 1, url: c.url })),
      timeoutMs: opts.timeoutMs ?? 1000,
      metrics,
      ...(opts.verify === undefined ? {} : { verify: opts.verify }),
    }),
    slashing: combinerDb,
    signing: SIGNING,
    logger: silentLogger,
    metrics,
  });
  servers.push(combiner);
  return { secret, dealt, cos, combiner, metrics, combinerDb, pubkey: hex(dealt.groupPublicKey) };
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe("combiner over co-signers (HTTP, in-process)", () => {
  it("2-of-3: answers the signature the whole key would give, verified under the group key", async () => {
    const { secret, combiner, pubkey, dealt } = await setup(2, 3);
    const body = attestation(64, 1, 2);
    const r = await post(`${combiner.url}/api/v1/eth2/sign/${pubkey}`, body);
    expect(r.status).toBe(200);
    const root = prepareSigning(body, SIGNING).signingRoot;
    expect(r.json.signature).toBe(hex(blsSign(secret, root)));
    expect(verify(dealt.groupPublicKey, root, Buffer.from(String(r.json.signature).slice(2), "hex"))).toBe(true);
    const keys = await (await fetch(`${combiner.url}/api/v1/eth2/publicKeys`)).json();
    expect(keys).toEqual([pubkey]);
    expect(hex(secretKeyToPublicKey(secret))).toBe(pubkey);
  });

  it("asks only t co-signers for weighted partials in the normal case, rotating among them", async () => {
    const { combiner, cos, pubkey, secret, metrics } = await setup(2, 3);
    const body = attestation(64, 1, 2);
    const r = await post(`${combiner.url}/api/v1/eth2/sign/${pubkey}`, body);
    expect(r.status).toBe(200);
    expect(r.json.signature).toBe(hex(blsSign(secret, prepareSigning(body, SIGNING).signingRoot)));
    // exactly two co-signers recorded the message; the third was not asked
    const recorded = await Promise.all(
      cos.map(async (c) => {
        const e = (await (await fetch(`${c.url}/api/v1/eth2/slashing-protection`)).json()) as { data?: unknown[] };
        return (e.data ?? []).length;
      }),
    );
    expect(recorded.filter((n) => n === 1)).toHaveLength(2);
    expect(recorded.filter((n) => n === 0)).toHaveLength(1);
    // the next requests go to other pairs: after three, every co-signer has signed
    for (let i = 1; i <= 3; i++) {
      expect(
        (await post(`${combiner.url}/api/v1/eth2/sign/${pubkey}`, attestation(64 + 32 * i, 1 + i, 2 + i))).status,
      ).toBe(200);
    }
    const text = await metrics.registry.getSingleMetricAsString("signer_partials_total");
    for (const party of ["1", "2", "3"]) expect(text).toMatch(new RegExp(`party="${party}",result="valid"} [1-4]`));
    expect(text).not.toMatch(/result="(invalid|late|error|timeout)"/);
  });

  it("a co-signer refuses a signing set it is not in, or of the wrong size (400)", async () => {
    const { cos, pubkey } = await setup(2, 3);
    for (const set of [[2, 3], [1], [1, 1], [1, 2, 3], "1,2"]) {
      const r = await post(`${cos[0]?.url}/api/v1/eth2/sign/${pubkey}`, {
        ...attestation(64, 1, 2),
        mzku_signing_set: set,
      });
      expect(r.status, JSON.stringify(set)).toBe(400);
      expect(r.json.code).toBe("SIGNER_BAD_REQUEST");
    }
  });

  it("3-of-4 keeps signing with one co-signer down, fails closed (503) with two down", async () => {
    const { combiner, cos, pubkey } = await setup(3, 4, { timeoutMs: 500 });
    await cos[3]?.close();
    const ok = await post(`${combiner.url}/api/v1/eth2/sign/${pubkey}`, attestation(64, 1, 2));
    expect(ok.status).toBe(200);
    await cos[2]?.close();
    const down = await post(`${combiner.url}/api/v1/eth2/sign/${pubkey}`, attestation(96, 2, 3));
    expect(down.status).toBe(503);
    expect(down.json.code).toBe("SIGNER_NOT_ENOUGH_PARTIALS");
    // two refused connections make 3 impossible: it fails at once instead of waiting for the timeout
    expect(down.json).toMatchObject({ needed: 3, cosigners: 4, unreachable: 2 });
    expect(String(down.json.message)).toMatch(/valid partial\(s\) of 3 needed .* 2 unreachable/);
  });

  for (const verify of ["each", "optimistic"] as const) {
    it(`leaves out a bad partial and counts it (verify: ${verify})`, async () => {
      const { combiner, pubkey, metrics, secret } = await setup(2, 3, { badParty: 1, verify });
      for (let i = 0; i < 4; i++) {
        const body = attestation(64 + 32 * i, i, i + 1);
        const r = await post(`${combiner.url}/api/v1/eth2/sign/${pubkey}`, body);
        expect(r.status, `signing ${i}`).toBe(200);
        expect(r.json.signature, `signing ${i}`).toBe(hex(blsSign(secret, prepareSigning(body, SIGNING).signingRoot)));
      }
      await new Promise((r) => setTimeout(r, 50));
      const text = await metrics.registry.getSingleMetricAsString("signer_partials_total");
      // party 1's partial is either checked and refused, or arrives after 2 and 3 were combined
      expect(text).toMatch(/party="1",result="(invalid|late)"} [1-4]/);
      expect(text).not.toMatch(/party="1",result="valid"/);
    });
  }

  it("optimistic mode: one co-signer down and one bad partial fails closed, naming the bad one", async () => {
    const { combiner, cos, pubkey } = await setup(2, 3, { badParty: 2, verify: "optimistic", timeoutMs: 500 });
    await cos[2]?.close();
    const r = await post(`${combiner.url}/api/v1/eth2/sign/${pubkey}`, attestation(64, 1, 2));
    expect(r.status).toBe(503);
    expect(r.json).toMatchObject({ code: "SIGNER_NOT_ENOUGH_PARTIALS", invalid: 1, valid: 1 });
  });

  it("refuses to start when the public shares do not interpolate to the group key or the threshold is wrong", () => {
    const dealt = splitSecret(new Uint8Array(32).fill(3), 2, 3);
    const other = secretKeyToPublicKey(new Uint8Array(32).fill(4));
    const publicShares = new Map(dealt.publicShares.map((p) => [p.index, p.publicKey]));
    const cosigners = [1, 2, 3].map((index) => ({ index, url: `http://127.0.0.1:${9000 + index}` }));
    const make = (groupPublicKey: string, threshold: number, shares = publicShares) =>
      new Combiner({
        validators: [{ groupPublicKey, threshold, publicShares: shares }],
        cosigners,
        metrics: createSignerMetrics(),
      });
    expect(() => make(hex(dealt.groupPublicKey), 2)).not.toThrow();
    // another key's group key
    expect(() => make(hex(other), 2)).toThrow(
      expect.objectContaining({ code: "SIGNER_CONFIG_INVALID", message: expect.stringMatching(/interpolate to/) }),
    );
    // a 3-of-4 key configured as 2-of-4 (a threshold below the key's: pairs do not interpolate to it)
    const three = splitSecret(new Uint8Array(32).fill(5), 3, 4);
    const threeShares = new Map(three.publicShares.map((p) => [p.index, p.publicKey]));
    expect(() => make(hex(three.groupPublicKey), 3, threeShares)).not.toThrow();
    expect(() => make(hex(three.groupPublicKey), 2, threeShares)).toThrow(
      expect.objectContaining({ code: "SIGNER_CONFIG_INVALID" }),
    );
    // one public share swapped for another key's: the first two still interpolate, the third does not
    const swapped = new Map(publicShares);
    swapped.set(3, other);
    expect(() => make(hex(dealt.groupPublicKey), 2, swapped)).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/public shares 1,3 interpolate/) }),
    );
  });

  it("plaintext to a co-signer off loopback, or https without a client certificate, is refused at start", () => {
    const dealt = splitSecret(new Uint8Array(32).fill(3), 2, 3);
    const validators = [
      {
        groupPublicKey: hex(dealt.groupPublicKey),
        threshold: 2,
        publicShares: new Map(dealt.publicShares.map((p) => [p.index, p.publicKey])),
      },
    ];
    const with1 = (url: string) => () =>
      new Combiner({
        validators,
        cosigners: [
          { index: 1, url },
          { index: 2, url: "http://127.0.0.1:9002" },
        ],
        metrics: createSignerMetrics(),
      });
    expect(with1("http://10.0.0.5:9001")).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/only for 127/) }),
    );
    expect(with1("https://10.0.0.5:9001")).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/TLS key/) }),
    );
    expect(with1("http://[::1]:9001")).not.toThrow();
  });

  it("412 COSIGNER_REFUSED when co-signers refuse on slashing grounds, with the counts", async () => {
    const { combiner, cos, pubkey } = await setup(2, 3, { timeoutMs: 2000 });
    // co-signers 1 and 2 signed another attestation for target 2 directly (the combiner did not)
    for (const c of cos.slice(0, 2)) {
      expect((await post(`${c.url}/api/v1/eth2/sign/${pubkey}`, attestation(64, 1, 2, "aa"))).status).toBe(200);
    }
    const started = performance.now();
    const r = await post(`${combiner.url}/api/v1/eth2/sign/${pubkey}`, attestation(64, 1, 2, "bb"));
    expect(r.status).toBe(412);
    expect(r.json).toMatchObject({
      code: "SIGNER_SLASHABLE",
      reason: "COSIGNER_REFUSED",
      needed: 2,
      cosigners: 3,
      refused: 2,
    });
    // decided as soon as the refusals made the threshold unreachable, not at the timeout
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it("503 counts a valid partial in hand: one valid, one refused, one unreachable", async () => {
    const { combiner, cos, pubkey } = await setup(2, 3, { timeoutMs: 2000 });
    expect((await post(`${cos[1]?.url}/api/v1/eth2/sign/${pubkey}`, attestation(64, 1, 2, "aa"))).status).toBe(200);
    await cos[2]?.close();
    const r = await post(`${combiner.url}/api/v1/eth2/sign/${pubkey}`, attestation(64, 1, 2, "bb"));
    expect(r.status).toBe(503);
    expect(r.json).toMatchObject({
      code: "SIGNER_NOT_ENOUGH_PARTIALS",
      needed: 2,
      cosigners: 3,
      answered: 2,
      valid: 1,
      refused: 1,
      unreachable: 1,
      timedOut: 0,
    });
    expect(String(r.json.message)).toMatch(
      /^threshold not met: 1 valid partial\(s\) of 2 needed \(2 of 3 co-signers answered/,
    );
  });

  it("a co-signer's 401 is a configuration error: its own code (502), log and metric", async () => {
    const secret = new Uint8Array(32).fill(6);
    const dealt = splitSecret(secret, 2, 3);
    const cos = await Promise.all(keyShares(dealt).map((s) => cosigner(s, "right-token")));
    const metrics = createSignerMetrics();
    const lines: string[] = [];
    const db = new SlashingProtectionDb(":memory:", { synchronous: "NORMAL" });
    dbs.push(db);
    const combiner = await startSignerServer({
      backend: new Combiner({
        validators: [
          {
            groupPublicKey: hex(dealt.groupPublicKey),
            threshold: 2,
            publicShares: new Map(dealt.publicShares.map((p) => [p.index, p.publicKey])),
          },
        ],
        cosigners: cos.map((c, i) => ({ index: i + 1, url: c.url, token: "wrong-token" })),
        metrics,
      }),
      slashing: db,
      signing: SIGNING,
      logger: createLogger({ component: "combiner", level: "warn", write: (l) => lines.push(l) }),
      metrics,
    });
    servers.push(combiner);
    const r = await post(`${combiner.url}/api/v1/eth2/sign/${hex(dealt.groupPublicKey)}`, attestation(64, 1, 2));
    expect(r.status).toBe(502);
    // decided once two 401s left the threshold out of reach
    expect(r.json).toMatchObject({ code: "SIGNER_COSIGNER_UNAUTHORIZED", refused: 0, valid: 0 });
    expect(Number(r.json.unauthorized)).toBeGreaterThanOrEqual(2);
    expect(await metrics.registry.getSingleMetricAsString("signer_partials_total")).toMatch(
      /party="1",result="unauthorized"} 1/,
    );
    expect(lines.some((l) => /"level":"error".*refused the combiner's credentials/.test(l))).toBe(true);
    expect(lines.join("")).not.toMatch(/wrong-token|right-token/);
  });

  it("a message the combiner's own database refuses never reaches a co-signer", async () => {
    const { combiner, cos, pubkey, combinerDb } = await setup(2, 3);
    combinerDb.checkAndInsertAttestation(pubkey, GVR, 1, 2, `0x${"77".repeat(32)}`);
    const r = await post(`${combiner.url}/api/v1/eth2/sign/${pubkey}`, attestation(64, 1, 2));
    expect(r.status).toBe(412);
    expect(r.json).toMatchObject({ reason: "DOUBLE_VOTE" });
    // no co-signer recorded (or was asked for) anything
    for (const c of cos) {
      const exported = (await (await fetch(`${c.url}/api/v1/eth2/slashing-protection`)).json()) as { data?: unknown[] };
      expect(exported.data ?? []).toEqual([]);
    }
  });

  it("a co-signer refuses a double vote sent straight to it (412), and a root it did not compute (400)", async () => {
    const { cos, pubkey, combiner } = await setup(2, 3);
    const first = await post(`${combiner.url}/api/v1/eth2/sign/${pubkey}`, attestation(64, 1, 2, "11"));
    expect(first.status).toBe(200);
    const direct = await post(`${cos[0]?.url}/api/v1/eth2/sign/${pubkey}`, attestation(64, 1, 2, "aa"));
    expect(direct.status).toBe(412);
    expect(direct.json).toMatchObject({ code: "SIGNER_SLASHABLE", reason: "DOUBLE_VOTE" });
    const lie = { ...attestation(65, 1, 3), signingRoot: `0x${"99".repeat(32)}` };
    const mismatch = await post(`${cos[1]?.url}/api/v1/eth2/sign/${pubkey}`, lie);
    expect(mismatch.status).toBe(400);
    expect(mismatch.json.code).toBe("SIGNER_SIGNING_ROOT_MISMATCH");
    // the combiner's own database refuses too
    const again = await post(`${combiner.url}/api/v1/eth2/sign/${pubkey}`, attestation(64, 1, 2, "bb"));
    expect(again.status).toBe(412);
  });

  it("answers 400 / 404 with a code for bad requests and unknown keys", async () => {
    const { combiner, pubkey } = await setup(2, 3);
    const bad = await post(`${combiner.url}/api/v1/eth2/sign/${pubkey}`, { type: "ATTESTATION" });
    expect(bad.status).toBe(400);
    expect(bad.json.code).toBe("SIGNER_BAD_REQUEST");
    const unknown = await post(`${combiner.url}/api/v1/eth2/sign/0x${"ab".repeat(48)}`, attestation(1, 0, 0));
    expect(unknown.status).toBe(404);
    const badId = await post(`${combiner.url}/api/v1/eth2/sign/0x12`, attestation(1, 0, 0));
    expect(badId.status).toBe(400);
    const up = await fetch(`${combiner.url}/upcheck`);
    expect(up.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await up.text()).toBe("OK");
    const upJson = await fetch(`${combiner.url}/upcheck`, { headers: { accept: "application/json" } });
    expect(await upJson.json()).toEqual({ status: "OK" });
  });

  it("requires the bearer token when one is set, and refuses to bind off loopback without auth", async () => {
    const dealt = splitSecret(new Uint8Array(32).fill(1), 2, 3);
    const [share] = keyShares(dealt);
    if (share === undefined) throw new Error("no share");
    const s = await cosigner(share, "s3cret");
    const pk = hex(dealt.groupPublicKey);
    expect((await post(`${s.url}/api/v1/eth2/sign/${pk}`, attestation(1, 0, 0))).status).toBe(401);
    expect(
      (await post(`${s.url}/api/v1/eth2/sign/${pk}`, attestation(1, 0, 0), { authorization: "Bearer nope" })).status,
    ).toBe(401);
    const ok = await post(`${s.url}/api/v1/eth2/sign/${pk}`, attestation(1, 0, 0), { authorization: "Bearer s3cret" });
    expect(ok.status).toBe(200);
    expect(ok.json.share_index).toBe(1);
    await expect(
      startSignerServer({
        backend: new CoSigner([share]),
        slashing: new SlashingProtectionDb(":memory:"),
        signing: SIGNING,
        logger: silentLogger,
        metrics: createSignerMetrics(),
        host: "0.0.0.0",
      }),
    ).rejects.toThrowError(SignerError);
  });

  it("imports and exports the interchange over HTTP", async () => {
    const { combiner, pubkey } = await setup(2, 3);
    await post(`${combiner.url}/api/v1/eth2/sign/${pubkey}`, attestation(64, 1, 2));
    const exported = (await (await fetch(`${combiner.url}/api/v1/eth2/slashing-protection`)).json()) as {
      data: Array<{ pubkey: string; signed_attestations: unknown[] }>;
    };
    expect(exported.data[0]?.pubkey).toBe(pubkey);
    expect(exported.data[0]?.signed_attestations).toHaveLength(1);
    const imported = await post(`${combiner.url}/api/v1/eth2/slashing-protection`, {
      metadata: { interchange_format_version: "5", genesis_validators_root: GVR },
      data: [{ pubkey, signed_blocks: [{ slot: "1000" }], signed_attestations: [] }],
    });
    expect(imported.json).toMatchObject({ status: "imported", blocks: 1 });
    const wrongChain = await post(`${combiner.url}/api/v1/eth2/slashing-protection`, {
      metadata: { interchange_format_version: "5", genesis_validators_root: `0x${"00".repeat(32)}` },
      data: [],
    });
    expect(wrongChain.status).toBe(412);
  });
});
