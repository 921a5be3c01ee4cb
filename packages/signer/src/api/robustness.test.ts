import { connect } from "node:net";
import { createLogger, type Logger, silentLogger } from "@mzku/log";
import { afterEach, describe, expect, it } from "vitest";
import { CoSigner } from "../cosigner/cosigner.js";
import type { KeyShare } from "../cosigner/shares.js";
import { createSignerMetrics } from "../metrics.js";
import { SlashingProtectionDb } from "../slashing/db.js";
import { attestationRequest, TEST_GVR as GVR } from "../testing/attestation.js";
import { eip3076Case, eip3076Cases, expectStepChecks } from "../testing/eip3076.js";
import { splitSecret } from "../testing/index.js";
import { type RunningSignerServer, startSignerServer } from "./server.js";

const hex = (b: Uint8Array) => `0x${Buffer.from(b).toString("hex")}`;
const TOKEN = "t0ken";
const SIGNING = { slotsPerEpoch: 32, genesisForkVersion: new Uint8Array(4) };
const running: Array<{ server: RunningSignerServer; db: SlashingProtectionDb }> = [];
afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.server.close();
    r.db.close();
  }
});

function shares(n = 1): KeyShare[] {
  return Array.from({ length: n }, (_, k) => {
    const secret = new Uint8Array(32);
    secret[31] = 5 + k;
    const dealt = splitSecret(secret, 2, 3);
    const publicShares = Object.fromEntries(dealt.publicShares.map((p) => [String(p.index), hex(p.publicKey)]));
    const s = dealt.shares[0];
    if (s === undefined) throw new Error("no share");
    return { groupPublicKey: hex(dealt.groupPublicKey), threshold: 2, index: 1, secret: s.secret, publicShares };
  });
}

async function start(
  opts: { token?: string; gvr?: string | null; keys?: number; maxBodyBytes?: number; logger?: Logger } = {},
) {
  const gvr = opts.gvr === undefined ? GVR : opts.gvr;
  const db = new SlashingProtectionDb(":memory:", {
    synchronous: "NORMAL",
    ...(gvr === null ? {} : { genesisValidatorsRoot: gvr }),
  });
  const ks = shares(opts.keys ?? 1);
  const server = await startSignerServer({
    backend: new CoSigner(ks),
    slashing: db,
    signing: SIGNING,
    logger: opts.logger ?? silentLogger,
    metrics: createSignerMetrics(),
    ...(gvr === null ? {} : { genesisValidatorsRoot: gvr }),
    ...(opts.token === undefined ? {} : { token: opts.token }),
    ...(opts.maxBodyBytes === undefined ? {} : { maxBodyBytes: opts.maxBodyBytes }),
  });
  running.push({ server, db });
  return { server, db, pubkeys: ks.map((k) => k.groupPublicKey) };
}

/** Sends raw bytes and returns the status line's code and the body (the connection is closed after). */
function raw(port: number, text: string | Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, "127.0.0.1");
    let data = "";
    sock.on("data", (d) => {
      data += d.toString("latin1");
    });
    sock.on("error", reject);
    sock.on("close", () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0);
      resolve({ status, body: data.slice(data.indexOf("\r\n\r\n") + 4) });
    });
    sock.end(text);
  });
}

const attestation = (target: number, blockRoot?: string) =>
  attestationRequest(target * 32, target - 1, target, blockRoot);

async function post(url: string, body: unknown, token?: string) {
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text) as Record<string, unknown> };
}

async function stillUp(server: RunningSignerServer) {
  const r = await fetch(`${server.url}/upcheck`);
  expect(r.status).toBe(200);
}

describe("the signer HTTP server under malformed requests", () => {
  it("answers malformed request targets with 4xx, before and after authentication, and stays up", async () => {
    const { server } = await start({ token: TOKEN });
    const auth = `Authorization: Bearer ${TOKEN}\r\n`;
    const cases = [
      "GET //[ HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET http://[::1 HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET //[/upcheck HTTP/1.1\r\nHost: x\r\n\r\n",
      `POST /api/v1/eth2/sign/% HTTP/1.1\r\nHost: x\r\n${auth}Content-Length: 2\r\n\r\n{}`,
      `POST /api/v1/eth2/sign/%E0%A4%A HTTP/1.1\r\nHost: x\r\n${auth}Content-Length: 2\r\n\r\n{}`,
      `GET http://[::1 HTTP/1.1\r\nHost: x\r\n${auth}\r\n`,
      "GARBAGE\r\n\r\n",
    ];
    for (const c of cases) {
      const r = await raw(server.port, c);
      expect(r.status, c).toBeGreaterThanOrEqual(400);
      expect(r.status, c).toBeLessThan(500);
    }
    const pct = await raw(server.port, cases[3] as string);
    expect(JSON.parse(pct.body)).toMatchObject({ code: "SIGNER_BAD_REQUEST" });
    await stillUp(server);
  });

  it("refuses a 200,000-deep JSON body with 400 and records nothing", async () => {
    const { server, db, pubkeys } = await start();
    const deep = `{"type":"ATTESTATION","x":${"[".repeat(200_000)}${"]".repeat(200_000)}}`;
    const r = await post(`${server.url}/api/v1/eth2/sign/${pubkeys[0]}`, deep);
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ code: "SIGNER_BAD_REQUEST" });
    expect(String(r.json.message)).toMatch(/nested deeper/);
    expect(db.counts()).toEqual({ blocks: 0, attestations: 0 });
    await stillUp(server);
  });

  it("refuses non-hex roots with 400 before anything is signed or recorded", async () => {
    const { server, db, pubkeys } = await start();
    const url = `${server.url}/api/v1/eth2/sign/${pubkeys[0]}`;
    for (const bad of [`0x${"zz".repeat(32)}`, "ab".repeat(32), `0x${"1".repeat(63)}`]) {
      const r = await post(url, attestation(3, bad));
      expect(r.status, bad).toBe(400);
      expect(r.json.code).toBe("SIGNER_BAD_REQUEST");
    }
    const badSource = attestation(3);
    badSource.attestation.source.root = `0x${"zz".repeat(32)}`;
    expect((await post(url, badSource)).status).toBe(400);
    expect(db.counts()).toEqual({ blocks: 0, attestations: 0 });
    const ok = await post(url, attestation(3));
    expect(ok.status).toBe(200);
    expect(db.counts()).toEqual({ blocks: 0, attestations: 1 });
  });

  it("answers 400 to bodies that are not JSON objects and 413 above the limit", async () => {
    const { server, pubkeys } = await start({ maxBodyBytes: 64 * 1024 });
    const url = `${server.url}/api/v1/eth2/sign/${pubkeys[0]}`;
    for (const body of ["", "not json", "null", "[]", '"x"', "1e999", '{"type":1}', '{"type":"ATTESTATION"}']) {
      const r = await post(url, body);
      expect(r.status, body).toBe(400);
      expect(r.json.code, body).toBe("SIGNER_BAD_REQUEST");
    }
    const big = await post(url, `{"pad":"${"x".repeat(70 * 1024)}"}`);
    expect(big.status).toBe(413);
    expect(big.json).toMatchObject({ code: "SIGNER_PAYLOAD_TOO_LARGE", limit: 64 * 1024 });
    await stillUp(server);
  });
});

/** An interchange with `n` attestations (targets 1..n) for each key. */
function interchange(pubkeys: readonly string[], n: number, gvr = GVR) {
  return {
    metadata: { interchange_format_version: "5", genesis_validators_root: gvr },
    data: pubkeys.map((pubkey) => ({
      pubkey,
      signed_blocks: [],
      signed_attestations: Array.from({ length: n }, (_, i) => ({
        source_epoch: String(i),
        target_epoch: String(i + 1),
        signing_root: `0x${(i + 1).toString(16).padStart(64, "0")}`,
      })),
    })),
  };
}

describe("slashing-protection import over HTTP", () => {
  it("refuses an import above 4 MiB with 413 (the documented limit)", async () => {
    const { server } = await start();
    const doc = JSON.stringify(interchange([`0x${"ab".repeat(48)}`], 45_000));
    expect(Buffer.byteLength(doc)).toBeGreaterThan(4 * 1024 * 1024);
    const r = await post(`${server.url}/api/v1/eth2/slashing-protection`, doc);
    expect(r.status).toBe(413);
    expect(r.json.code).toBe("SIGNER_PAYLOAD_TOO_LARGE");
  });

  it("keeps signing other keys while importing, and holds signings for the imported keys until the import is in", async () => {
    let holding = () => {};
    const held0 = new Promise<void>((r) => {
      holding = r;
    });
    const logger = createLogger({
      component: "signer-cosigner",
      level: "info",
      write: (line) => {
        if (line.includes("Importing slashing-protection interchange")) holding();
      },
    });
    const { server, pubkeys } = await start({ keys: 2, logger });
    const [imported, other] = pubkeys as [string, string];
    const doc = JSON.stringify(interchange([imported], 30_000));
    expect(Buffer.byteLength(doc)).toBeLessThan(4 * 1024 * 1024);
    const events: string[] = [];
    const importing = post(`${server.url}/api/v1/eth2/slashing-protection`, doc).then((r) => {
      events.push("import");
      return r;
    });
    // a double vote against the LAST imported attestation (target 30,000), sent once the import is under
    // way: it must be checked against the complete history, so it is refused
    await held0;
    const held = post(`${server.url}/api/v1/eth2/sign/${imported}`, attestation(30_000));
    const others = Array.from({ length: 5 }, (_, i) =>
      post(`${server.url}/api/v1/eth2/sign/${other}`, attestation(i + 1)).then((r) => {
        events.push(`other ${r.status}`);
        return r;
      }),
    );
    const [imp, h] = await Promise.all([importing, held, ...others]);
    expect(imp.status).toBe(200);
    expect(imp.json).toMatchObject({ status: "imported", validators: 1, attestations: 30_000 });
    expect(h.status).toBe(412);
    expect(h.json).toMatchObject({ code: "SIGNER_SLASHABLE", reason: "DOUBLE_VOTE" });
    // every signing for the other key completed, and at least one before the import finished
    expect(events.filter((e) => e === "other 200")).toHaveLength(5);
    expect(events.indexOf("other 200")).toBeLessThan(events.indexOf("import"));
  });

  it("a fresh signer refuses an interchange for another chain (EIP-3076 wrong_genesis_validators_root)", async () => {
    const vector = eip3076Case("wrong_genesis_validators_root.json");
    const { server, db } = await start({ gvr: vector.genesis_validators_root });
    const r = await post(`${server.url}/api/v1/eth2/slashing-protection`, vector.steps[0]?.interchange);
    expect(vector.steps[0]?.should_succeed).toBe(false);
    expect(r.status).toBe(412);
    expect(r.json).toMatchObject({ code: "SIGNER_SLASHABLE", reason: "GENESIS_VALIDATORS_ROOT_MISMATCH" });
    expect(db.genesisValidatorsRoot()).toBe(vector.genesis_validators_root);
  });

  it("a signer not bound to a chain refuses imports instead of binding to the interchange's chain", async () => {
    const { server, db } = await start({ gvr: null });
    const r = await post(`${server.url}/api/v1/eth2/slashing-protection`, interchange([`0x${"ab".repeat(48)}`], 1));
    expect(r.status).toBe(400);
    expect(r.json.code).toBe("SIGNER_INTERCHANGE_INVALID");
    expect(String(r.json.message)).toMatch(/--genesis-validators-root/);
    expect(db.genesisValidatorsRoot()).toBeUndefined();
  });
});

describe("EIP-3076 interchange vectors through the HTTP import", () => {
  const cases = eip3076Cases();
  it("has all 38 vectors", () => expect(cases).toHaveLength(38));
  for (const tc of cases) {
    it(tc.name, async () => {
      // the server is started for the vector's chain, as `signer start --genesis-validators-root` does;
      // imports go through POST /api/v1/eth2/slashing-protection, checks through the database it serves
      const { server, db } = await start({ gvr: tc.genesis_validators_root, keys: 0 });
      for (const [i, step] of tc.steps.entries()) {
        const r = await post(`${server.url}/api/v1/eth2/slashing-protection`, step.interchange);
        const imported = r.status === 200;
        if (!imported) expect(r.status, `${tc.name} step ${i}`).toBeGreaterThanOrEqual(400);
        if (!imported && step.contains_slashable_data && step.should_succeed) return;
        expect(imported, `${tc.name} step ${i} import (${r.status} ${JSON.stringify(r.json)})`).toBe(
          step.should_succeed,
        );
        expectStepChecks(db, tc, i);
      }
    });
  }
});
