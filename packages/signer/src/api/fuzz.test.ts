/**
 * Property test over the HTTP API of real signer processes (a combiner and two co-signers, built bin):
 * random methods, request targets, headers and bodies — raw bytes as well as mutations of valid sign
 * requests — never get a 5xx, and never end a process. Seeded, so a failure can be replayed.
 */
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attestationRequest, TEST_GVR as GVR } from "../testing/attestation.js";
import { splitSecret } from "../testing/index.js";
import { SIGNER_BIN, startSignerBin } from "../testing/processes.js";

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);
const RUNS = Number(process.env.FUZZ_RUNS ?? 1500);
const TOKEN = "fuzz-token";
const hex = (b: Uint8Array) => `0x${Buffer.from(b).toString("hex")}`;
const children = new Set<ChildProcess>();
let dir = "";

beforeAll(() => {
  // dist/ is built once by vitest's global setup (test-setup/build.ts)
  if (!existsSync(SIGNER_BIN)) throw new Error("build failed: dist/bin/mzku-signer.js missing");
  dir = mkdtempSync(join(tmpdir(), "mzku-fuzz-"));
}, 120_000);

afterAll(() => {
  for (const c of children) if (c.pid !== undefined && c.exitCode === null) process.kill(c.pid, "SIGKILL");
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const startSigner = (args: string[]) =>
  startSignerBin(args, { cwd: dir, children, logLevel: "error", stderr: "inherit" });

/** Sends raw bytes; resolves with the status of the first response (0 if the server closed without one). */
function raw(port: number, bytes: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, "127.0.0.1");
    let data = "";
    const timer = setTimeout(() => sock.destroy(), 5000);
    sock.on("data", (d) => {
      data += d.toString("latin1");
      if (/^HTTP\/1\.1 \d{3}/.test(data)) sock.destroy();
    });
    sock.on("error", (e) => {
      if ((e as { code?: string }).code === "ECONNRESET") return;
      reject(e);
    });
    sock.on("close", () => {
      clearTimeout(timer);
      resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0));
    });
    sock.end(bytes);
  });
}

const validSign = (target: number) => attestationRequest(target * 32, target - 1, target);

describe("HTTP API property: no request gets a 5xx or ends a process", () => {
  it(`${RUNS} random requests (seed ${SEED}) against a combiner and its co-signers`, async () => {
    const dealt = splitSecret(new Uint8Array(32).fill(8), 2, 2);
    const publicShares = Object.fromEntries(dealt.publicShares.map((p) => [String(p.index), hex(p.publicKey)]));
    const pubkey = hex(dealt.groupPublicKey);
    writeFileSync(join(dir, "token"), TOKEN);
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
        writeFileSync(f, JSON.stringify(share));
        return startSigner([
          "--role",
          "cosigner",
          "--shares",
          f,
          "--db",
          `c${s.index}.sqlite`,
          "--token-file",
          "token",
        ]);
      }),
    );
    writeFileSync(
      join(dir, "combiner.json"),
      JSON.stringify({
        validators: [{ groupPublicKey: pubkey, threshold: 2, publicShares }],
        cosigners: cosigners.map((c, i) => ({ index: i + 1, url: `http://127.0.0.1:${c.port}`, tokenFile: "token" })),
        timeoutMs: 2000,
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
    ]);
    const targets = [combiner, ...cosigners];

    const rnd = prng(SEED);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
    const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(rnd() * 256)));
    const methods = ["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "POST", "POST", "BREW", "get"];
    const paths = [
      "/upcheck",
      "/healthcheck",
      "/api/v1/eth2/publicKeys",
      "/api/v1/eth2/highWatermark",
      "/api/v1/eth2/slashing-protection",
      `/api/v1/eth2/sign/${pubkey}`,
      `/api/v1/eth2/sign/${pubkey.toUpperCase()}`,
      "/api/v1/eth2/sign/%",
      "/api/v1/eth2/sign/%zz",
      "/api/v1/eth2/sign/0x12",
      "//[",
      "http://[::1",
      "*",
      "/%00",
      "/api/v1/eth2/sign/",
      `/api/v1/eth2/sign/${pubkey}/extra`,
      `/${"a".repeat(5000)}`,
      "/?x=%",
    ];
    let nextTarget = 10;
    const leaves = () =>
      pick<unknown>([
        null,
        true,
        -1,
        1.5,
        1e308,
        "",
        "0x",
        "0xzz",
        `0x${"ab".repeat(32)}`,
        "18446744073709551616",
        "12abc",
        [],
        {},
        { a: [1, { b: null }] },
        "x".repeat(10_000),
      ]);
    /** A valid request with one leaf replaced, one key dropped, or wrapped in deep nesting. */
    const mutated = (): unknown => {
      const body = validSign(nextTarget++) as unknown as Record<string, unknown>;
      const paths: Array<[Record<string, unknown>, string]> = [];
      const walk = (o: Record<string, unknown>) => {
        for (const [k, v] of Object.entries(o)) {
          paths.push([o, k]);
          if (typeof v === "object" && v !== null) walk(v as Record<string, unknown>);
        }
      };
      walk(body);
      const [holder, key] = pick(paths);
      const r = rnd();
      if (r < 0.6) holder[key] = leaves();
      else if (r < 0.8) delete holder[key];
      else {
        let deep: unknown = 1;
        for (let i = 0; i < 1 + Math.floor(rnd() * 100_000); i++) deep = [deep];
        holder[key] = deep;
      }
      return body;
    };

    const statuses = new Map<number, number>();
    const failures: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = pick(targets);
      const method = pick(methods);
      const path = pick(paths);
      const kind = rnd();
      let body: Buffer;
      if (kind < 0.4) body = Buffer.from(JSON.stringify(mutated()));
      else if (kind < 0.55) body = Buffer.from(JSON.stringify(validSign(nextTarget++)));
      else if (kind < 0.7) body = bytes(Math.floor(rnd() * 512));
      else if (kind < 0.8) body = Buffer.from(pick(["{", "[]", "null", '"x"', "{}", "1e999", "\u0000"]));
      else body = Buffer.alloc(0);
      const headers = [`Host: ${pick(["x", "127.0.0.1", "[::1", ""])}`];
      if (rnd() < 0.7)
        headers.push(`Authorization: ${pick([`Bearer ${TOKEN}`, "Bearer nope", "Basic x", "Bearer", ""])}`);
      if (rnd() < 0.5) headers.push(`Accept: ${pick(["application/json", "text/plain", "*/*", "x/y;q=abc", ",,;"])}`);
      if (rnd() < 0.3) headers.push(`Content-Type: ${pick(["application/json", "text/plain", "\u00ff"])}`);
      const len = rnd();
      if (len < 0.7) headers.push(`Content-Length: ${body.length}`);
      else if (len < 0.8)
        headers.push(`Content-Length: ${pick(["-1", "abc", "99999999999", String(body.length + 10)])}`);
      else if (len < 0.9) headers.push("Transfer-Encoding: chunked");
      if (rnd() < 0.1) headers.push(`X-${"h".repeat(100)}: ${bytes(20).toString("latin1")}`);
      const chunked = headers.includes("Transfer-Encoding: chunked");
      const payload = chunked
        ? Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from("\r\n0\r\n\r\n")])
        : body;
      const head = Buffer.from(`${method} ${path} HTTP/1.1\r\n${headers.join("\r\n")}\r\n\r\n`, "latin1");
      const status = await raw(t.port, rnd() < 0.05 ? bytes(200) : Buffer.concat([head, payload]));
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status >= 500) failures.push(`#${i} ${method} ${path} -> ${status}`);
      for (const [k, s] of targets.entries()) {
        if (s.child.exitCode !== null) throw new Error(`process ${k} exited (${s.child.exitCode}) after request #${i}`);
      }
    }
    expect(failures).toEqual([]);
    // the property is not vacuous: signings, refusals and protocol errors all happened
    expect(statuses.get(200) ?? 0).toBeGreaterThan(10);
    expect([...statuses.keys()].filter((s) => s >= 400 && s < 500).length).toBeGreaterThanOrEqual(3);
    for (const t of targets) expect(t.child.exitCode).toBeNull();
    // and the combiner still signs
    const res = await fetch(`http://127.0.0.1:${combiner.port}/api/v1/eth2/sign/${pubkey}`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(validSign(nextTarget++)),
    });
    expect(res.status).toBe(200);
  }, 300_000);
});
