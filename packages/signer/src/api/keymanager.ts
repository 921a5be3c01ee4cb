/**
 * HTTP face of the key manager API (`GET|POST|DELETE /eth/v1/keystores`): checks the request shapes of
 * the spec (vectors/apis/web3signer/eth2/keymanager) and answers `{"data":[…]}` (and, for DELETE, the
 * `slashing_protection` text). What import and delete mean for a co-signer and a combiner is
 * `service/keymanager.ts`.
 */
import { SignerError } from "../errors.js";
import type { KeyManager } from "../service/keymanager.js";

const PUBKEY = /^0x[0-9a-fA-F]{96}$/;

function bad(message: string): SignerError {
  return new SignerError("SIGNER_BAD_REQUEST", message);
}

function stringArray(v: unknown, where: string): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) throw bad(`${where} must be an array of strings`);
  return v as string[];
}

/** The JSON answer of one key manager request. @throws SignerError for a malformed request (400). */
export async function keyManagerRequest(km: KeyManager, method: string, body: unknown): Promise<unknown> {
  if (method === "GET") return { data: km.list() };
  const o = body as Record<string, unknown> | null;
  if (typeof o !== "object" || o === null || Array.isArray(o)) throw bad("request body must be a JSON object");
  if (method === "POST") {
    const keystores = stringArray(o.keystores, "keystores");
    const passwords = stringArray(o.passwords, "passwords");
    if (passwords.length !== keystores.length) throw bad("passwords[i] must unlock keystores[i]: lengths differ");
    const sp = o.slashing_protection;
    if (sp !== undefined && typeof sp !== "string") throw bad("slashing_protection must be a JSON string");
    return { data: await km.import(keystores, passwords, sp) };
  }
  if (method === "DELETE") {
    const pubkeys = stringArray(o.pubkeys, "pubkeys");
    const wrong = pubkeys.find((k) => !PUBKEY.test(k));
    if (wrong !== undefined) throw bad(`pubkeys: ${wrong.slice(0, 20)} is not a 0x 48-byte public key`);
    return await km.delete(pubkeys);
  }
  throw new SignerError("SIGNER_NOT_FOUND", `no route ${method} /eth/v1/keystores`);
}
