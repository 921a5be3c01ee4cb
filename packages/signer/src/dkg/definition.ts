/**
 * The ceremony definition every party must hold identically (like a Charon cluster definition):
 * threshold, number of validator keys, and each party's index and Ed25519 identity. Its hash is the
 * session id bound into every signed message and every encryption, so a message of one ceremony
 * can never be replayed in another.
 */
import { createHash } from "node:crypto";
import { fromHex, toHex } from "../bls/bytes.js";
import { assertThresholdParams } from "../bls/types.js";
import { DkgError } from "./errors.js";

export const DKG_VERSION = "mzku-dkg/v1";
/** Largest batch of validator keys in one ceremony. */
export const MAX_VALIDATORS = 10_000;

export interface DkgPartyDefinition {
  /** Shamir x-coordinate, 1..n. */
  readonly index: number;
  /** Raw Ed25519 public key, 0x-hex (32 bytes). */
  readonly identity: string;
  /** Where the party's DKG endpoint listens (HTTP transport), e.g. http://127.0.0.1:9101. */
  readonly url: string;
}

export interface DkgDefinition {
  readonly version: typeof DKG_VERSION;
  readonly name: string;
  /** Unique per ceremony (e.g. 16 random bytes hex); stops cross-ceremony replay. */
  readonly nonce: string;
  readonly threshold: number;
  readonly validators: number;
  readonly parties: readonly DkgPartyDefinition[];
}

function fail(msg: string): never {
  throw new DkgError("DKG_INVALID_DEFINITION", msg);
}

/** Validates an untrusted value as a definition (indices 1..n in order, distinct identities). */
export function parseDefinition(value: unknown): DkgDefinition {
  if (typeof value !== "object" || value === null) fail("definition must be a JSON object");
  const v = value as Record<string, unknown>;
  if (v.version !== DKG_VERSION) fail(`version must be "${DKG_VERSION}"`);
  if (typeof v.name !== "string" || v.name.length === 0 || v.name.length > 200) fail("name must be a non-empty string");
  if (typeof v.nonce !== "string" || v.nonce.length < 8 || v.nonce.length > 200)
    fail("nonce must be a string of 8..200 characters");
  if (!Array.isArray(v.parties)) fail("parties must be an array");
  const n = v.parties.length;
  const t = v.threshold;
  if (typeof t !== "number") fail("threshold must be a number");
  try {
    assertThresholdParams(t, n);
  } catch (e) {
    fail((e as Error).message);
  }
  if (
    typeof v.validators !== "number" ||
    !Number.isInteger(v.validators) ||
    v.validators < 1 ||
    v.validators > MAX_VALIDATORS
  ) {
    fail(`validators must be an integer in 1..${MAX_VALIDATORS}`);
  }
  const seen = new Set<string>();
  const parties = (v.parties as unknown[]).map((p, k): DkgPartyDefinition => {
    if (typeof p !== "object" || p === null) fail(`party ${k} must be an object`);
    const q = p as Record<string, unknown>;
    if (q.index !== k + 1) fail(`party ${k} must have index ${k + 1}`);
    if (typeof q.identity !== "string") fail(`party ${k + 1}: identity must be a hex string`);
    let id: Uint8Array;
    try {
      id = fromHex(q.identity);
    } catch {
      fail(`party ${k + 1}: identity is not hex`);
    }
    if (id.length !== 32) fail(`party ${k + 1}: identity must be a 32-byte Ed25519 key`);
    const idHex = toHex(id);
    if (seen.has(idHex)) fail(`party ${k + 1}: identity used twice`);
    seen.add(idHex);
    if (typeof q.url !== "string" || !/^https?:\/\/[^\s]+$/.test(q.url))
      fail(`party ${k + 1}: url must be http(s)://host:port`);
    return { index: k + 1, identity: idHex, url: q.url.replace(/\/+$/, "") };
  });
  return {
    version: DKG_VERSION,
    name: v.name,
    nonce: v.nonce,
    threshold: t,
    validators: v.validators as number,
    parties,
  };
}

/** sha256 over the canonical ceremony fields (urls excluded: they are transport details). */
export function sessionId(def: DkgDefinition): Uint8Array {
  const canonical = JSON.stringify([
    def.version,
    def.name,
    def.nonce,
    def.threshold,
    def.validators,
    def.parties.map((p) => [p.index, p.identity.toLowerCase()]),
  ]);
  return new Uint8Array(createHash("sha256").update(canonical).digest());
}
