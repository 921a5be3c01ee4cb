/**
 * Signed DKG messages. Every message is an envelope whose Ed25519 signature (by the sender's
 * long-term identity from the definition) covers the session id, round, sender, recipient and the
 * exact payload string, so a message cannot be forged, replayed into another ceremony or round, or
 * redirected to another recipient. Share payloads are additionally encrypted (see identity.ts).
 */
import { createHash } from "node:crypto";
import { bytesEqual, fromHex, toHex } from "../bls/bytes.js";
import type { DkgDefinition } from "./definition.js";
import { DkgError } from "./errors.js";
import { type Identity, signBytes, verifyBytes } from "./identity.js";

/** `to` = 0 marks a broadcast (the same signed message goes to every party). */
export const BROADCAST = 0;

export interface Envelope {
  readonly v: 1;
  readonly session: string;
  readonly round: number;
  readonly from: number;
  readonly to: number;
  /** JSON text of the round payload (signed as-is). */
  readonly payload: string;
  readonly sig: string;
}

function signedBytes(session: string, round: number, from: number, to: number, payload: string): Uint8Array {
  return new Uint8Array(
    createHash("sha256")
      .update(`mzku-dkg/v1 msg\n${session.toLowerCase()}\n${round}\n${from}\n${to}\n`)
      .update(payload)
      .digest(),
  );
}

export function seal(
  identity: Identity,
  session: Uint8Array,
  round: number,
  from: number,
  to: number,
  payload: unknown,
): Envelope {
  const text = JSON.stringify(payload);
  const s = toHex(session);
  return {
    v: 1,
    session: s,
    round,
    from,
    to,
    payload: text,
    sig: toHex(signBytes(identity, signedBytes(s, round, from, to, text))),
  };
}

/**
 * Checks shape, session, recipient and the sender's signature; returns the parsed payload.
 * Throws `DKG_BAD_MESSAGE` or `DKG_BAD_SIGNATURE`.
 */
export function open(
  def: DkgDefinition,
  session: Uint8Array,
  me: number,
  value: unknown,
): { env: Envelope; payload: unknown } {
  const e = value as Envelope;
  if (
    typeof e !== "object" ||
    e === null ||
    e.v !== 1 ||
    typeof e.session !== "string" ||
    typeof e.payload !== "string" ||
    typeof e.sig !== "string" ||
    !Number.isInteger(e.round) ||
    !Number.isInteger(e.from) ||
    !Number.isInteger(e.to)
  ) {
    throw new DkgError("DKG_BAD_MESSAGE", "malformed envelope");
  }
  let sessionBytes: Uint8Array;
  let sig: Uint8Array;
  try {
    sessionBytes = fromHex(e.session);
    sig = fromHex(e.sig);
  } catch {
    throw new DkgError("DKG_BAD_MESSAGE", "malformed hex in envelope");
  }
  if (!bytesEqual(sessionBytes, session)) throw new DkgError("DKG_BAD_MESSAGE", "message for another session");
  if (e.to !== BROADCAST && e.to !== me) throw new DkgError("DKG_BAD_MESSAGE", `message addressed to party ${e.to}`);
  const sender = def.parties.find((p) => p.index === e.from);
  if (sender === undefined || e.from === me) throw new DkgError("DKG_BAD_MESSAGE", `unknown sender ${e.from}`);
  if (!verifyBytes(fromHex(sender.identity), signedBytes(e.session, e.round, e.from, e.to, e.payload), sig)) {
    throw new DkgError("DKG_BAD_SIGNATURE", `bad signature on a message claiming to be from party ${e.from}`);
  }
  let payload: unknown;
  try {
    payload = JSON.parse(e.payload);
  } catch {
    throw new DkgError("DKG_BAD_MESSAGE", "payload is not JSON");
  }
  return { env: e, payload };
}
