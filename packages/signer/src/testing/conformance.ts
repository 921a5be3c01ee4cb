/**
 * Test-only: the conformance checks shared by the per-preset conformance test files. One network's
 * cluster (combiner + co-signers, separate processes) is driven through its HTTP API with the spec's
 * request shapes; every answer's status and content type are checked against the spec, its body
 * against the spec's schema, and every signature is verified (blst) under the group key over the root
 * the reference (@lodestar/*, not src/signing) computes.
 */

import { request as httpRequest } from "node:http";
import blst from "@chainsafe/blst";
import { expect } from "vitest";
import type { Cluster } from "./cluster.js";
import type { TestNetwork } from "./networks.js";
import { referenceRoot } from "./reference.js";
import { responseErrors, signRequestErrors } from "./specSchemas.js";

export interface Reply {
  status: number;
  contentType: string;
  text: string;
  json?: unknown;
}

/**
 * One HTTP request with exactly the given headers (node:http: unlike fetch, it adds no Accept header,
 * so "no Accept", as some validator clients send, can be tested).
 */
export function call(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<Reply> {
  const payload =
    init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: init.method ?? "GET",
        headers: {
          ...(init.headers ?? {}),
          ...(payload === undefined ? {} : { "content-length": Buffer.byteLength(payload) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const contentType = String(res.headers["content-type"] ?? "");
          try {
            const json = contentType.startsWith("application/json") ? (JSON.parse(text) as unknown) : undefined;
            resolve({ status: res.statusCode ?? 0, contentType, text, ...(json === undefined ? {} : { json }) });
          } catch (e) {
            reject(e);
          }
        });
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

/** The signature a client reads from a 200 answer, by the answer's content type (as Teku and Prysm do). */
export function signatureOf(r: Reply): string {
  return r.contentType.startsWith("application/json") ? String((r.json as { signature?: unknown }).signature) : r.text;
}

/** Checks a 200 sign answer against the spec, in the format `accept` asks for, and verifies it. */
export function expectSigned(
  r: Reply,
  accept: string | undefined,
  pubkey: string,
  root: Uint8Array,
  what: string,
): void {
  expect(r.status, `${what}: ${r.text}`).toBe(200);
  const wantJson = accept === "application/json" || accept === "*/*";
  expect(r.contentType, what).toBe(wantJson ? "application/json" : "text/plain; charset=utf-8");
  const body = wantJson ? r.json : r.text;
  expect(
    responseErrors("/api/v1/eth2/sign/{identifier}", "post", 200, wantJson ? "application/json" : "text/plain", body),
    what,
  ).toEqual([]);
  const sig = signatureOf(r);
  expect(sig, what).toMatch(/^0x[0-9a-f]{192}$/);
  const ok = blst.verify(
    root,
    blst.PublicKey.fromBytes(Buffer.from(pubkey.slice(2), "hex"), true),
    blst.Signature.fromBytes(Buffer.from(sig.slice(2), "hex"), true),
  );
  expect(ok, `${what}: the signature verifies under the group key over the reference root`).toBe(true);
}

const ACCEPTS = ["application/json", undefined, "*/*"] as const;

/**
 * Signs every request through the combiner, rotating the Accept header (JSON, none, any), half of
 * them with the reference `signingRoot` as clients send it; returns the names signed.
 */
export async function signAll(
  cluster: Cluster,
  net: TestNetwork,
  requests: ReadonlyArray<{ name: string; body: Record<string, unknown>; stateSlot: number }>,
): Promise<string[]> {
  const done: string[] = [];
  for (const [i, req] of requests.entries()) {
    const root = referenceRoot(req.body, { config: net.config, stateSlot: req.stateSlot });
    const body = i % 2 === 0 ? { ...req.body, signingRoot: `0x${Buffer.from(root).toString("hex")}` } : req.body;
    expect(signRequestErrors(body), `${net.name} ${req.name}: the request has the spec's shape`).toEqual([]);
    const accept = ACCEPTS[i % ACCEPTS.length];
    const r = await call(`${cluster.combiner.url}/api/v1/eth2/sign/${cluster.pubkey}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(accept === undefined ? {} : { accept }) },
      body,
    });
    expectSigned(r, accept, cluster.pubkey, root, `${net.name} ${req.name}`);
    done.push(req.name);
  }
  return done;
}
