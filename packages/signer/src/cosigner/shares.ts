/**
 * Key-share files of a co-signer. Plain JSON (tests and the e2e; keep the file 0600):
 *   {"version":1,"groupPublicKey":"0x..48B","threshold":2,"index":1,"secretShare":"0x..32B",
 *    "publicShares":{"1":"0x..","2":"0x..","3":"0x.."}}
 * Production shares at rest are EIP-2335 keystores (src/keystore) decrypted at start-up.
 */
import { readFileSync } from "node:fs";
import { secretKeyToPublicKey } from "../bls/bls.js";
import { SignerError } from "../errors.js";

export interface KeyShare {
  /** The validator (group) public key, lower-case 0x hex. */
  groupPublicKey: string;
  threshold: number;
  /** This party's x-coordinate (1..n). */
  index: number;
  secret: Uint8Array;
  /** Every party's public share by index (lower-case 0x hex). */
  publicShares: Record<string, string>;
}

function hex(v: unknown, bytes: number, where: string): string {
  if (typeof v !== "string" || !new RegExp(`^0x[0-9a-fA-F]{${bytes * 2}}$`).test(v)) {
    throw new SignerError("SIGNER_CONFIG_INVALID", `${where} must be 0x-prefixed hex of ${bytes} bytes`);
  }
  return v.toLowerCase();
}

/** Parses and checks one share (its secret must match its own public share). */
export function parseKeyShare(json: unknown, where = "share"): KeyShare {
  if (typeof json !== "object" || json === null)
    throw new SignerError("SIGNER_CONFIG_INVALID", `${where}: not an object`);
  const o = json as Record<string, unknown>;
  const index = o.index;
  const threshold = o.threshold;
  if (typeof index !== "number" || !Number.isInteger(index) || index < 1 || index > 16) {
    throw new SignerError("SIGNER_CONFIG_INVALID", `${where}: index must be an integer 1..16`);
  }
  if (typeof threshold !== "number" || !Number.isInteger(threshold) || threshold < 2 || threshold > 16) {
    throw new SignerError("SIGNER_CONFIG_INVALID", `${where}: threshold must be an integer 2..16`);
  }
  const groupPublicKey = hex(o.groupPublicKey, 48, `${where}.groupPublicKey`);
  const secret = new Uint8Array(Buffer.from(hex(o.secretShare, 32, `${where}.secretShare`).slice(2), "hex"));
  const ps = o.publicShares;
  if (typeof ps !== "object" || ps === null) {
    throw new SignerError("SIGNER_CONFIG_INVALID", `${where}.publicShares must be an object`);
  }
  const publicShares: Record<string, string> = {};
  for (const [k, v] of Object.entries(ps)) publicShares[k] = hex(v, 48, `${where}.publicShares.${k}`);
  const own = `0x${Buffer.from(secretKeyToPublicKey(secret)).toString("hex")}`;
  if (publicShares[String(index)] !== own) {
    throw new SignerError("SIGNER_CONFIG_INVALID", `${where}: secret share does not match public share ${index}`);
  }
  if (Object.keys(publicShares).length < threshold) {
    throw new SignerError("SIGNER_CONFIG_INVALID", `${where}: fewer public shares than the threshold`);
  }
  return { groupPublicKey, threshold, index, secret, publicShares };
}

/** Reads share files (each holds one share object or an array of them). */
export function loadKeyShareFiles(paths: readonly string[]): KeyShare[] {
  const out: KeyShare[] = [];
  for (const p of paths) {
    const json = JSON.parse(readFileSync(p, "utf8")) as unknown;
    const list = Array.isArray(json) ? json : [json];
    list.forEach((s, i) => {
      out.push(parseKeyShare(s, `${p}[${i}]`));
    });
  }
  return out;
}
