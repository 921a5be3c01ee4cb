/**
 * Plain BLS12-381 operations of the Ethereum ciphersuite (G1 public keys, G2 signatures, POP DST
 * `BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_`), backed by the native `@chainsafe/blst`.
 *
 * Every function takes and returns serialized bytes (48-byte compressed pubkeys, 96-byte compressed
 * signatures, 32-byte big-endian secret keys), so callers never hold library objects. Verification
 * functions never throw: malformed, infinity or out-of-subgroup inputs give `false`. Producing
 * functions (`sign`, `aggregateSignatures`, `ethAggregatePubkeys`) throw a {@link BlsError}.
 */
import blst from "@chainsafe/blst";
import { BlsError } from "./errors.js";

export const SECRET_KEY_LENGTH = 32;
export const PUBLIC_KEY_LENGTH = 48;
export const SIGNATURE_LENGTH = 96;
/** Hash-to-curve domain separation tag of the Ethereum (proof-of-possession) ciphersuite. */
export const POP_DST = "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";

/** Compressed encoding of the G2 point at infinity. */
export const G2_POINT_AT_INFINITY: Uint8Array = (() => {
  const b = new Uint8Array(SIGNATURE_LENGTH);
  b[0] = 0xc0;
  return b;
})();

function secretKey(sk: Uint8Array): blst.SecretKey {
  if (sk.length !== SECRET_KEY_LENGTH) {
    throw new BlsError("BLS_INVALID_SECRET_KEY", `secret key must be ${SECRET_KEY_LENGTH} bytes, got ${sk.length}`);
  }
  try {
    return blst.SecretKey.fromBytes(sk);
  } catch (cause) {
    throw new BlsError("BLS_INVALID_SECRET_KEY", "secret key is zero or not below the curve order", { cause });
  }
}

/** Decodes and validates (infinity + subgroup) a public key, or returns `null`. */
/** Every key parsed and checked, or null if any is invalid. */
function tryPublicKeys(pks: readonly Uint8Array[]): blst.PublicKey[] | null {
  const keys: blst.PublicKey[] = [];
  for (const pk of pks) {
    const p = tryPublicKey(pk);
    if (p === null) return null;
    keys.push(p);
  }
  return keys;
}

function tryPublicKey(pk: Uint8Array): blst.PublicKey | null {
  if (pk.length !== PUBLIC_KEY_LENGTH) return null;
  try {
    return blst.PublicKey.fromBytes(pk, true);
  } catch {
    return null;
  }
}

/** Decodes and subgroup-checks a signature (the point at infinity allowed iff `allowInfinity`). */
function trySignature(sig: Uint8Array, allowInfinity = false): blst.Signature | null {
  if (sig.length !== SIGNATURE_LENGTH) return null;
  try {
    return blst.Signature.fromBytes(sig, true, !allowInfinity);
  } catch {
    return null;
  }
}

/** Derives the 48-byte public key of a secret key. */
export function secretKeyToPublicKey(sk: Uint8Array): Uint8Array {
  return secretKey(sk).toPublicKey().toBytes(true);
}

/** `Sign(sk, message)`; throws `BLS_INVALID_SECRET_KEY` for a zero or out-of-range key. */
export function sign(sk: Uint8Array, message: Uint8Array): Uint8Array {
  return secretKey(sk).sign(message).toBytes(true);
}

/** `Verify(pk, message, signature)`; `false` for every malformed or infinity input. */
export function verify(pk: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const p = tryPublicKey(pk);
  const s = trySignature(signature);
  if (p === null || s === null) return false;
  try {
    return blst.verify(message, p, s, false, false);
  } catch {
    return false;
  }
}

/** `Aggregate(signatures)`; throws on an empty list or an undecodable signature. */
export function aggregateSignatures(signatures: readonly Uint8Array[]): Uint8Array {
  if (signatures.length === 0) throw new BlsError("BLS_EMPTY_INPUT", "cannot aggregate an empty list of signatures");
  const sigs = signatures.map((s, i) => {
    const sig = trySignature(s, true);
    if (sig === null) throw new BlsError("BLS_INVALID_SIGNATURE", `signature ${i} is not a valid G2 point`);
    return sig;
  });
  return blst.aggregateSignatures(sigs, false).toBytes(true);
}

/** `FastAggregateVerify(pks, message, signature)`; `false` for an empty key list. */
export function fastAggregateVerify(pks: readonly Uint8Array[], message: Uint8Array, signature: Uint8Array): boolean {
  if (pks.length === 0) return false;
  const keys = tryPublicKeys(pks);
  if (keys === null) return false;
  const s = trySignature(signature);
  if (s === null) return false;
  try {
    return blst.fastAggregateVerify(message, keys, s, false);
  } catch {
    return false;
  }
}

/** `AggregateVerify(pks, messages, signature)`; `false` for empty or mismatched lists. */
export function aggregateVerify(
  pks: readonly Uint8Array[],
  messages: readonly Uint8Array[],
  signature: Uint8Array,
): boolean {
  if (pks.length === 0 || pks.length !== messages.length) return false;
  const keys = tryPublicKeys(pks);
  if (keys === null) return false;
  const s = trySignature(signature);
  if (s === null) return false;
  try {
    return blst.aggregateVerify([...messages], keys, s, false, false);
  } catch {
    return false;
  }
}

/** Altair `eth_aggregate_pubkeys`: throws on an empty list or an invalid/infinity key. */
export function ethAggregatePubkeys(pks: readonly Uint8Array[]): Uint8Array {
  if (pks.length === 0) throw new BlsError("BLS_EMPTY_INPUT", "cannot aggregate an empty list of public keys");
  const keys = pks.map((pk, i) => {
    const p = tryPublicKey(pk);
    if (p === null) throw new BlsError("BLS_INVALID_PUBLIC_KEY", `public key ${i} is invalid or the point at infinity`);
    return p;
  });
  return blst.aggregatePublicKeys(keys, false).toBytes(true);
}

/** Altair `eth_fast_aggregate_verify`: as {@link fastAggregateVerify}, but no keys + infinity signature is valid. */
export function ethFastAggregateVerify(
  pks: readonly Uint8Array[],
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (pks.length === 0) {
    return signature.length === SIGNATURE_LENGTH && signature.every((b, i) => b === (G2_POINT_AT_INFINITY[i] ?? -1));
  }
  return fastAggregateVerify(pks, message, signature);
}

/** `KeyValidate(pk)`: a 48-byte, on-curve, in-subgroup, non-infinity public key. */
export function isValidPublicKey(pk: Uint8Array): boolean {
  return tryPublicKey(pk) !== null;
}

/** A 96-byte, on-curve, in-subgroup, non-infinity signature. */
export function isValidSignature(sig: Uint8Array): boolean {
  return trySignature(sig) !== null;
}

/**
 * Verifies many independent (pk, message, signature) triples at once (blst's randomized batch:
 * `verifyMultipleAggregateSignatures`). True iff every one is valid; on false, verify one by one to
 * find the bad ones. Never throws.
 */
export function verifyBatch(
  sets: readonly { publicKey: Uint8Array; message: Uint8Array; signature: Uint8Array }[],
): boolean {
  if (sets.length === 0) return true;
  const decoded: blst.SignatureSet[] = [];
  for (const s of sets) {
    const pk = tryPublicKey(s.publicKey);
    const sig = trySignature(s.signature);
    if (pk === null || sig === null) return false;
    decoded.push({ msg: s.message, pk, sig });
  }
  try {
    return blst.verifyMultipleAggregateSignatures(decoded, false, false);
  } catch {
    return false;
  }
}
