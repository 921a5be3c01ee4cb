/**
 * Long-term party identity (Ed25519, node:crypto) that signs every DKG message, and the per-session
 * ephemeral X25519 keys that encrypt share payloads (ECDH → HKDF-SHA256 → AES-256-GCM).
 */
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  sign as edSign,
  verify as edVerify,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
  randomBytes,
} from "node:crypto";
import { fromHex, toHex } from "../bls/bytes.js";
import { DkgError } from "./errors.js";

const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");
const ED25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const X25519_SPKI_PREFIX = Buffer.from("302a300506032b656e032100", "hex");

/** An identity as stored on disk: raw 32-byte Ed25519 seed and public key, 0x-hex. */
export interface IdentityFile {
  readonly type: "ed25519";
  readonly publicKey: string;
  readonly secretKey: string;
}

export interface Identity {
  readonly publicKey: Uint8Array;
  readonly privateKey: KeyObject;
}

export function generateIdentity(): IdentityFile {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const pub = publicKey.export({ format: "der", type: "spki" }).subarray(ED25519_SPKI_PREFIX.length);
  const sec = privateKey.export({ format: "der", type: "pkcs8" }).subarray(ED25519_PKCS8_PREFIX.length);
  return { type: "ed25519", publicKey: toHex(pub), secretKey: toHex(sec) };
}

export function loadIdentity(file: IdentityFile): Identity {
  try {
    const seed = fromHex(file.secretKey);
    if (file.type !== "ed25519" || seed.length !== 32) throw new Error("not a 32-byte ed25519 seed");
    const privateKey = createPrivateKey({
      key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
      format: "der",
      type: "pkcs8",
    });
    const pub = createPublicKey(privateKey)
      .export({ format: "der", type: "spki" })
      .subarray(ED25519_SPKI_PREFIX.length);
    if (toHex(pub) !== file.publicKey.toLowerCase()) throw new Error("public key does not match the secret key");
    return { publicKey: new Uint8Array(pub), privateKey };
  } catch (cause) {
    throw new DkgError("DKG_INVALID_IDENTITY", `invalid identity: ${(cause as Error).message}`, { cause });
  }
}

function ed25519PublicKey(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new DkgError("DKG_INVALID_IDENTITY", "Ed25519 public key must be 32 bytes");
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: "der", type: "spki" });
}

export function signBytes(identity: Identity, data: Uint8Array): Uint8Array {
  return new Uint8Array(edSign(null, data, identity.privateKey));
}

const pubCache = new Map<string, KeyObject>();
export function verifyBytes(publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
  const k = toHex(publicKey);
  let key = pubCache.get(k);
  if (key === undefined) {
    key = ed25519PublicKey(publicKey);
    pubCache.set(k, key);
  }
  try {
    return edVerify(null, data, key, signature);
  } catch {
    return false;
  }
}

/** A per-session X25519 key pair; the public half is broadcast (signed) in round 1. */
export interface EphemeralKey {
  readonly publicKey: Uint8Array;
  readonly privateKey: KeyObject;
}

export function generateEphemeral(): EphemeralKey {
  const { publicKey, privateKey } = generateKeyPairSync("x25519");
  const pub = publicKey.export({ format: "der", type: "spki" }).subarray(X25519_SPKI_PREFIX.length);
  return { publicKey: new Uint8Array(pub), privateKey };
}

function channelKey(own: EphemeralKey, peerPublic: Uint8Array, info: string, salt: Uint8Array): Buffer {
  if (peerPublic.length !== 32) throw new DkgError("DKG_BAD_MESSAGE", "X25519 public key must be 32 bytes");
  const peer = createPublicKey({ key: Buffer.concat([X25519_SPKI_PREFIX, peerPublic]), format: "der", type: "spki" });
  const shared = diffieHellman({ privateKey: own.privateKey, publicKey: peer });
  return Buffer.from(hkdfSync("sha256", shared, salt, info, 32));
}

/** AES-256-GCM encryption of `plaintext` to the holder of `peerPublic`; output is iv ‖ ciphertext ‖ tag. */
export function encryptTo(
  own: EphemeralKey,
  peerPublic: Uint8Array,
  plaintext: Uint8Array,
  aad: string,
  salt: Uint8Array,
): Uint8Array {
  const key = channelKey(own, peerPublic, aad, salt);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(aad));
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return new Uint8Array(Buffer.concat([iv, ct, cipher.getAuthTag()]));
}

/** Inverse of {@link encryptTo}; returns `null` if authentication fails. */
export function decryptFrom(
  own: EphemeralKey,
  peerPublic: Uint8Array,
  box: Uint8Array,
  aad: string,
  salt: Uint8Array,
): Uint8Array | null {
  if (box.length < 28) return null;
  try {
    const key = channelKey(own, peerPublic, aad, salt);
    const decipher = createDecipheriv("aes-256-gcm", key, box.subarray(0, 12));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(box.subarray(box.length - 16));
    return new Uint8Array(Buffer.concat([decipher.update(box.subarray(12, box.length - 16)), decipher.final()]));
  } catch {
    return null;
  }
}
