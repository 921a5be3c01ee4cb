/**
 * Co-signers on other hosts, as separate processes: `keys tls` makes a CA and certificates, three
 * co-signers serve HTTPS with mutual TLS, and a combiner reaches them with its client certificate.
 * Runs the built bin (built by test-setup/build.ts).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verify } from "../bls/bls.js";
import { prepareSigning } from "../signing/prepare.js";
import { attestationRequest, TEST_GVR as GVR } from "../testing/attestation.js";
import { splitSecret } from "../testing/index.js";
import { SIGNER_BIN, startSignerBin } from "../testing/processes.js";

const children = new Set<ChildProcess>();
let dir = "";
const hex = (b: Uint8Array) => `0x${Buffer.from(b).toString("hex")}`;
const SIGNING = { slotsPerEpoch: 32, genesisForkVersion: new Uint8Array(4) };

beforeAll(() => {
  // dist/ is built once by vitest's global setup (test-setup/build.ts)
  if (!existsSync(SIGNER_BIN)) throw new Error("build failed: dist/bin/mzku-signer.js missing");
  dir = mkdtempSync(join(tmpdir(), "mzku-mtls-"));
}, 120_000);

afterAll(() => {
  for (const c of children) if (c.pid !== undefined && c.exitCode === null) process.kill(c.pid, "SIGKILL");
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function run(args: string[]): { code: number; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(process.execPath, [SIGNER_BIN, ...args], { cwd: dir, stdio: "pipe" }).toString();
    return { code: 0, stdout, stderr: "" };
  } catch (e) {
    const err = e as { status: number; stdout: Buffer; stderr: Buffer };
    return { code: err.status, stdout: String(err.stdout), stderr: String(err.stderr) };
  }
}

/** Starts `signer start …` and resolves with its URL once it prints the listening line. */
const startSigner = (args: string[]) => startSignerBin(args, { cwd: dir, children, logLevel: "warn" });

function httpsPost(
  url: string,
  body: unknown,
  tls: { ca: Buffer; key?: Buffer; cert?: Buffer },
): Promise<{ status: number; json: Record<string, unknown> }> {
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json",
          "content-length": Buffer.byteLength(text),
        },
        ...tls,
      },
      (res) => {
        let data = "";
        res.on("data", (d) => {
          data += d;
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(data) as Record<string, unknown> }),
        );
      },
    );
    req.on("error", reject);
    req.end(text);
  });
}

const attestation = attestationRequest(64, 1, 2);

describe("co-signers behind mutual TLS (separate processes)", () => {
  it("keys tls makes a CA and certificates; the combiner signs through three mTLS co-signers; strangers are refused", async () => {
    const tls = run([
      "keys",
      "tls",
      "--out",
      "pki",
      "--party",
      "combiner",
      "--party",
      "cosigner-1=127.0.0.1",
      "--party",
      "cosigner-2=127.0.0.1",
      "--party",
      "cosigner-3=127.0.0.1",
      "--party",
      "validator-client",
    ]);
    expect(tls.code, tls.stderr).toBe(0);
    expect(JSON.parse(tls.stdout)).toMatchObject({ event: "tls", parties: [{ name: "combiner" }, {}, {}, {}, {}] });
    expect(statSync(join(dir, "pki/cosigner-1.key")).mode & 0o777).toBe(0o600);
    // nothing is overwritten
    expect(run(["keys", "tls", "--out", "pki", "--party", "combiner"]).code).toBe(2);
    const other = run(["keys", "tls", "--out", "other-pki", "--party", "intruder"]);
    expect(other.code).toBe(0);

    const secret = new Uint8Array(32).fill(9);
    const dealt = splitSecret(secret, 2, 3);
    const publicShares = Object.fromEntries(dealt.publicShares.map((p) => [String(p.index), hex(p.publicKey)]));
    const pubkey = hex(dealt.groupPublicKey);
    const cosigners = await Promise.all(
      dealt.shares.map((s) => {
        const f = join(dir, `share-${s.index}.json`);
        const share = {
          groupPublicKey: pubkey,
          threshold: 2,
          index: s.index,
          secretShare: hex(s.secret),
          publicShares,
        };
        writeFileSync(f, JSON.stringify(share), { mode: 0o600 });
        const p = `pki/cosigner-${s.index}`;
        return startSigner([
          "--role",
          "cosigner",
          "--shares",
          f,
          "--db",
          `cosigner-${s.index}.sqlite`,
          "--tls-cert",
          `${p}.pem`,
          "--tls-key",
          `${p}.key`,
          "--tls-ca",
          "pki/ca.pem",
        ]);
      }),
    );
    for (const c of cosigners) expect(c.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    writeFileSync(
      join(dir, "combiner.json"),
      JSON.stringify({
        validators: [{ groupPublicKey: pubkey, threshold: 2, publicShares }],
        cosigners: cosigners.map((c, i) => ({ index: i + 1, url: c.url })),
        timeoutMs: 3000,
      }),
    );
    const combiner = await startSigner([
      "--role",
      "combiner",
      "--config",
      "combiner.json",
      "--db",
      "combiner.sqlite",
      "--genesis-validators-root",
      GVR,
      "--tls-cert",
      "pki/combiner.pem",
      "--tls-key",
      "pki/combiner.key",
      "--tls-ca",
      "pki/ca.pem",
    ]);
    const pki = (f: string) => readFileSync(join(dir, f));
    const vc = { ca: pki("pki/ca.pem"), key: pki("pki/validator-client.key"), cert: pki("pki/validator-client.pem") };
    const signed = await httpsPost(`${combiner.url}/api/v1/eth2/sign/${pubkey}`, attestation, vc);
    expect(signed.status, JSON.stringify(signed.json)).toBe(200);
    const root = prepareSigning(attestation, SIGNING).signingRoot;
    expect(verify(dealt.groupPublicKey, root, Buffer.from(String(signed.json.signature).slice(2), "hex"))).toBe(true);

    // a client without a certificate, or with one from another CA, does not get through the handshake
    const url = `${combiner.url}/api/v1/eth2/sign/${pubkey}`;
    await expect(httpsPost(url, attestation, { ca: vc.ca })).rejects.toThrow();
    await expect(
      httpsPost(url, attestation, {
        ca: vc.ca,
        key: pki("other-pki/intruder.key"),
        cert: pki("other-pki/intruder.pem"),
      }),
    ).rejects.toThrow();
    // nor straight to a co-signer
    const direct = `${cosigners[0]?.url}/api/v1/eth2/sign/${pubkey}`;
    await expect(
      httpsPost(direct, attestation, {
        ca: vc.ca,
        key: pki("other-pki/intruder.key"),
        cert: pki("other-pki/intruder.pem"),
      }),
    ).rejects.toThrow();

    // a combiner whose client certificate is not from the co-signers' CA gets no partials and fails closed
    // (the co-signers reset the connection after the handshake, so the combiner sees them unreachable)
    writeFileSync(
      join(dir, "combiner-bad.json"),
      JSON.stringify({
        validators: [{ groupPublicKey: pubkey, threshold: 2, publicShares }],
        cosigners: cosigners.map((c, i) => ({ index: i + 1, url: c.url })),
        timeoutMs: 3000,
        tls: { cert: "other-pki/intruder.pem", key: "other-pki/intruder.key", ca: "pki/ca.pem" },
      }),
    );
    const bad = await startSigner([
      "--role",
      "combiner",
      "--config",
      "combiner-bad.json",
      "--db",
      "combiner-bad.sqlite",
      "--genesis-validators-root",
      GVR,
    ]);
    expect(bad.url).toMatch(/^http:\/\/127\.0\.0\.1/);
    const res = await fetch(`${bad.url}/api/v1/eth2/sign/${pubkey}`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ ...attestation, attestation: { ...attestation.attestation, slot: "96" } }),
    });
    const refused = (await res.json()) as Record<string, unknown>;
    expect(res.status, JSON.stringify(refused)).toBe(503);
    expect(refused).toMatchObject({ code: "SIGNER_NOT_ENOUGH_PARTIALS", valid: 0 });
    expect(Number(refused.unreachable)).toBeGreaterThanOrEqual(2);

    // off loopback, plaintext is refused at start
    const plain = spawn(
      process.execPath,
      [
        SIGNER_BIN,
        "signer",
        "start",
        "--role",
        "cosigner",
        "--shares",
        join(dir, "share-1.json"),
        "--db",
        "x.sqlite",
      ].concat(["--host", "0.0.0.0", "--port", "0"]),
      { cwd: dir, stdio: ["ignore", "pipe", "pipe"] },
    );
    children.add(plain);
    let err = "";
    plain.stderr?.on("data", (d) => {
      err += d;
    });
    const code = await new Promise<number | null>((r) => plain.once("exit", r));
    expect(code).not.toBe(0);
    expect(err).toMatch(/SIGNER_CONFIG_INVALID.*plaintext/);
  }, 120_000);
});
