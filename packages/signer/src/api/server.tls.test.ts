import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "@mzku/log";
import { afterAll, describe, expect, it } from "vitest";
import { CoSigner } from "../cosigner/cosigner.js";
import { createSignerMetrics } from "../metrics.js";
import { SlashingProtectionDb } from "../slashing/db.js";
import { startSignerServer } from "./server.js";

const dir = mkdtempSync(join(tmpdir(), "mtls-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });

function makePki(): { ca: Buffer; key: Buffer; cert: Buffer; clientKey: Buffer; clientCert: Buffer } {
  ssl(
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "1",
    "-subj",
    "/CN=test-ca",
  );
  writeFileSync(join(dir, "san.cnf"), "subjectAltName=IP:127.0.0.1\n");
  for (const who of ["server", "client"]) {
    ssl(
      "req",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      `${who}.key`,
      "-out",
      `${who}.csr`,
      "-subj",
      `/CN=${who}`,
    );
    ssl(
      "x509",
      "-req",
      "-in",
      `${who}.csr`,
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      `${who}.pem`,
      "-days",
      "1",
      "-extfile",
      "san.cnf",
    );
  }
  const r = (f: string) => readFileSync(join(dir, f));
  return {
    ca: r("ca.pem"),
    key: r("server.key"),
    cert: r("server.pem"),
    clientKey: r("client.key"),
    clientCert: r("client.pem"),
  };
}

function get(port: number, ca: Buffer, client?: { key: Buffer; cert: Buffer }): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/api/v1/eth2/publicKeys", ca, ...(client ?? {}) }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

describe("mutual TLS", () => {
  it("serves only clients holding a certificate from the configured CA", async () => {
    const pki = makePki();
    const slashing = new SlashingProtectionDb(":memory:");
    const s = await startSignerServer({
      backend: new CoSigner([]),
      slashing,
      signing: { slotsPerEpoch: 32, genesisForkVersion: new Uint8Array(4) },
      logger: silentLogger,
      metrics: createSignerMetrics(),
      tls: { key: pki.key, cert: pki.cert, ca: pki.ca },
    });
    try {
      expect(s.url).toMatch(/^https:/);
      expect(await get(s.port, pki.ca, { key: pki.clientKey, cert: pki.clientCert })).toBe(200);
      await expect(get(s.port, pki.ca)).rejects.toThrow();
    } finally {
      await s.close();
      slashing.close();
    }
  });
});
