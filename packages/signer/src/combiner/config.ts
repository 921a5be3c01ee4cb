/**
 * Combiner configuration file (JSON):
 *   {"validators":[{"groupPublicKey":"0x..","threshold":2,"publicShares":{"1":"0x..","2":"0x..","3":"0x.."}}],
 *    "cosigners":[{"index":1,"url":"http://127.0.0.1:9101","tokenFile":"/path/optional"}],
 *    "timeoutMs":2000,"verify":"each","fastPath":true,
 *    "tls":{"cert":"combiner.pem","key":"combiner.key","ca":"ca.pem"}}
 * `tls` is the combiner's client certificate for https co-signers (mutual TLS); without it the
 * certificate the combiner serves with (`--tls-*`) is used. Plaintext URLs must be loopback.
 */
import { readFileSync } from "node:fs";
import { SignerError } from "../errors.js";
import type { MutualTls } from "./client.js";
import type { CombinerValidator, CosignerEndpoint } from "./combiner.js";

export interface CombinerConfig {
  validators: CombinerValidator[];
  cosigners: CosignerEndpoint[];
  timeoutMs?: number;
  verify?: "each" | "optimistic";
  fastPath?: boolean;
  tls?: MutualTls;
}

function invalid(msg: string): SignerError {
  return new SignerError("SIGNER_CONFIG_INVALID", `combiner config: ${msg}`);
}

function hexBytes(v: unknown, n: number, where: string): Uint8Array {
  if (typeof v !== "string" || !new RegExp(`^0x[0-9a-fA-F]{${n * 2}}$`).test(v)) {
    throw invalid(`${where} must be 0x hex of ${n} bytes`);
  }
  return new Uint8Array(Buffer.from(v.slice(2), "hex"));
}

export function parseCombinerConfig(json: unknown): CombinerConfig {
  if (typeof json !== "object" || json === null) throw invalid("not an object");
  const o = json as Record<string, unknown>;
  if (!Array.isArray(o.validators) || !Array.isArray(o.cosigners))
    throw invalid("validators and cosigners arrays needed");
  const validators = o.validators.map((v: unknown, i): CombinerValidator => {
    const r = v as Record<string, unknown>;
    const t = r.threshold;
    if (typeof t !== "number" || !Number.isInteger(t) || t < 2 || t > 16) throw invalid(`validators[${i}].threshold`);
    hexBytes(r.groupPublicKey, 48, `validators[${i}].groupPublicKey`);
    const shares = new Map<number, Uint8Array>();
    for (const [k, pk] of Object.entries((r.publicShares ?? {}) as Record<string, unknown>)) {
      shares.set(Number(k), hexBytes(pk, 48, `validators[${i}].publicShares.${k}`));
    }
    return { groupPublicKey: String(r.groupPublicKey).toLowerCase(), threshold: t, publicShares: shares };
  });
  const cosigners = o.cosigners.map((c: unknown, i): CosignerEndpoint => {
    const r = c as Record<string, unknown>;
    if (typeof r.index !== "number" || !Number.isInteger(r.index)) throw invalid(`cosigners[${i}].index`);
    if (typeof r.url !== "string" || !/^https?:\/\//.test(r.url)) throw invalid(`cosigners[${i}].url`);
    const out: CosignerEndpoint = { index: r.index, url: r.url.replace(/\/+$/, "") };
    if (typeof r.tokenFile === "string") out.token = readFileSync(r.tokenFile, "utf8").trim();
    return out;
  });
  const cfg: CombinerConfig = { validators, cosigners };
  if (typeof o.fastPath === "boolean") cfg.fastPath = o.fastPath;
  else if (o.fastPath !== undefined) throw invalid("fastPath must be true or false");
  if (o.tls !== undefined) {
    const t = o.tls as Record<string, unknown>;
    if (typeof t.cert !== "string" || typeof t.key !== "string" || typeof t.ca !== "string") {
      throw invalid("tls needs cert, key and ca file paths");
    }
    cfg.tls = { cert: readFileSync(t.cert), key: readFileSync(t.key), ca: readFileSync(t.ca) };
  }
  if (typeof o.timeoutMs === "number") cfg.timeoutMs = o.timeoutMs;
  if (o.verify === "each" || o.verify === "optimistic") cfg.verify = o.verify;
  else if (o.verify !== undefined) throw invalid('verify must be "each" or "optimistic"');
  return cfg;
}

export function loadCombinerConfig(path: string): CombinerConfig {
  return parseCombinerConfig(JSON.parse(readFileSync(path, "utf8")) as unknown);
}
