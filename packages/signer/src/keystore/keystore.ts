/**
 * EIP-2335 (version 4) BLS keystores: how a party's secret shares rest on disk.
 *
 * - `decryptKeystore` reads any standard keystore (scrypt or PBKDF2, AES-128-CTR, SHA-256 checksum).
 * - `encryptKeystores` writes a batch (one keystore per secret). The KDF is run ONCE per batch with
 *   one random salt, then each keystore gets its own random IV and UUID. Every keystore stays a
 *   standard, independently decryptable EIP-2335 file; sharing the salt inside a batch that shares
 *   one password costs nothing (whoever guesses the password opens all of them either way) and makes
 *   100 keys cost one scrypt (~0.5 s) instead of a hundred. `decryptKeystores` caches the derived
 *   key by (params, salt) the same way.
 * All KDF work runs in a worker thread (./kdf.ts).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { secretKeyToPublicKey } from "../bls/bls.js";
import { fromHex, toHexBare } from "../bls/bytes.js";
import { KeystoreError } from "./errors.js";
import { deriveKey, type KdfParams } from "./kdf.js";

export interface Keystore {
  readonly crypto: {
    readonly kdf: {
      readonly function: "scrypt" | "pbkdf2";
      readonly params: Record<string, unknown>;
      readonly message: string;
    };
    readonly checksum: {
      readonly function: "sha256";
      readonly params: Record<string, never>;
      readonly message: string;
    };
    readonly cipher: {
      readonly function: "aes-128-ctr";
      readonly params: { readonly iv: string };
      readonly message: string;
    };
  };
  readonly description?: string;
  readonly pubkey: string;
  readonly path: string;
  readonly uuid: string;
  readonly version: 4;
}

/** Standard EIP-2335 parameters. */
export const SCRYPT_DEFAULT = { function: "scrypt", n: 262144, r: 8, p: 1 } as const;
export const PBKDF2_DEFAULT = { function: "pbkdf2", c: 262144 } as const;
export type KdfChoice =
  | { readonly function: "scrypt"; readonly n: number; readonly r: number; readonly p: number }
  | { readonly function: "pbkdf2"; readonly c: number };

/** EIP-2335 password processing: NFKD, strip C0, C1 and DEL control codes, UTF-8. */
export function processPassword(password: string): Uint8Array {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control codes is the point
  const cleaned = password.normalize("NFKD").replace(/[\u0000-\u001F\u007F-\u009F]/g, "");
  return new Uint8Array(Buffer.from(cleaned, "utf8"));
}

function kdfParamsOf(ks: Keystore): KdfParams {
  const k = ks.crypto?.kdf;
  const p = (k?.params ?? {}) as Record<string, unknown>;
  const salt = typeof p.salt === "string" ? fromHex(p.salt) : null;
  if (salt === null) throw new KeystoreError("KEYSTORE_INVALID", "kdf salt missing");
  const dklen = Number(p.dklen);
  if (k?.function === "scrypt")
    return { function: "scrypt", dklen, n: Number(p.n), r: Number(p.r), p: Number(p.p), salt };
  if (k?.function === "pbkdf2") {
    if (p.prf !== "hmac-sha256") throw new KeystoreError("KEYSTORE_UNSUPPORTED", `unsupported prf ${String(p.prf)}`);
    return { function: "pbkdf2", dklen, c: Number(p.c), prf: "hmac-sha256", salt };
  }
  throw new KeystoreError("KEYSTORE_UNSUPPORTED", `unsupported kdf ${String(k?.function)}`);
}

function checksum(dk: Uint8Array, cipherMessage: Uint8Array): Buffer {
  return createHash("sha256").update(dk.subarray(16, 32)).update(cipherMessage).digest();
}

/** Validates the shape of an untrusted keystore object. */
export function parseKeystore(value: unknown): Keystore {
  const ks = value as Keystore;
  if (
    typeof ks !== "object" ||
    ks === null ||
    ks.version !== 4 ||
    typeof ks.pubkey !== "string" ||
    typeof ks.crypto?.cipher?.message !== "string" ||
    typeof ks.crypto?.cipher?.params?.iv !== "string" ||
    typeof ks.crypto?.checksum?.message !== "string"
  ) {
    throw new KeystoreError("KEYSTORE_INVALID", "not an EIP-2335 version 4 keystore");
  }
  if (ks.crypto.cipher.function !== "aes-128-ctr" || ks.crypto.checksum.function !== "sha256") {
    throw new KeystoreError("KEYSTORE_UNSUPPORTED", "only aes-128-ctr with a sha256 checksum is supported");
  }
  return ks;
}

function decryptWithKey(ks: Keystore, dk: Uint8Array): Uint8Array {
  const message = fromHex(ks.crypto.cipher.message);
  const expected = fromHex(ks.crypto.checksum.message);
  const actual = checksum(dk, message);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    throw new KeystoreError("KEYSTORE_WRONG_PASSWORD", "checksum mismatch (wrong password or corrupted keystore)");
  }
  const decipher = createDecipheriv("aes-128-ctr", dk.subarray(0, 16), fromHex(ks.crypto.cipher.params.iv));
  const secret = new Uint8Array(Buffer.concat([decipher.update(message), decipher.final()]));
  if (ks.pubkey !== "" && secret.length === 32) {
    const pk = toHexBare(secretKeyToPublicKey(secret));
    if (pk !== ks.pubkey.toLowerCase().replace(/^0x/, ""))
      throw new KeystoreError("KEYSTORE_INVALID", "decrypted secret does not match pubkey");
  }
  return secret;
}

/** Decrypts one keystore (KDF in the worker). Throws `KEYSTORE_WRONG_PASSWORD` on a bad password. */
export async function decryptKeystore(keystore: unknown, password: string | Uint8Array): Promise<Uint8Array> {
  const ks = parseKeystore(keystore);
  const pw = typeof password === "string" ? processPassword(password) : password;
  const dk = await deriveKey(pw, kdfParamsOf(ks));
  try {
    return decryptWithKey(ks, dk);
  } finally {
    dk.fill(0);
  }
}

/** Decrypts many keystores sharing one password; the KDF runs once per distinct (params, salt). */
export async function decryptKeystores(
  keystores: readonly unknown[],
  password: string | Uint8Array,
): Promise<Uint8Array[]> {
  const pw = typeof password === "string" ? processPassword(password) : password;
  const cache = new Map<string, Promise<Uint8Array>>();
  const out: Uint8Array[] = [];
  for (const raw of keystores) {
    const ks = parseKeystore(raw);
    const params = kdfParamsOf(ks);
    const key = JSON.stringify({ ...ks.crypto.kdf.params, function: ks.crypto.kdf.function });
    let dk = cache.get(key);
    if (dk === undefined) {
      dk = deriveKey(pw, params);
      cache.set(key, dk);
    }
    out.push(decryptWithKey(ks, await dk));
  }
  for (const dk of cache.values()) (await dk).fill(0);
  return out;
}

export interface KeystoreInput {
  readonly secret: Uint8Array;
  readonly path?: string;
  readonly description?: string;
}

/** A derived keystore key with its KDF description: start it early, use it for a whole batch. */
export interface PreparedKeystoreKey {
  readonly key: Uint8Array;
  readonly kdf: Keystore["crypto"]["kdf"];
}

/**
 * Runs the KDF (in the worker) for a fresh random salt. A DKG party starts this before the
 * ceremony so the scrypt cost overlaps the network rounds instead of following them.
 */
export async function prepareKeystoreKey(
  password: string | Uint8Array,
  kdf: KdfChoice = SCRYPT_DEFAULT,
): Promise<PreparedKeystoreKey> {
  const pw = typeof password === "string" ? processPassword(password) : password;
  const salt = randomBytes(32);
  const params: KdfParams =
    kdf.function === "scrypt"
      ? { function: "scrypt", dklen: 32, n: kdf.n, r: kdf.r, p: kdf.p, salt }
      : { function: "pbkdf2", dklen: 32, c: kdf.c, prf: "hmac-sha256", salt };
  const key = await deriveKey(pw, params);
  return {
    key,
    kdf:
      kdf.function === "scrypt"
        ? {
            function: "scrypt",
            params: { dklen: 32, n: kdf.n, r: kdf.r, p: kdf.p, salt: toHexBare(salt) },
            message: "",
          }
        : {
            function: "pbkdf2",
            params: { dklen: 32, c: kdf.c, prf: "hmac-sha256", salt: toHexBare(salt) },
            message: "",
          },
  };
}

/** Encrypts a batch with a prepared key (each keystore: own IV and UUID). Wipes nothing: call `wipe`. */
export function encryptKeystoresWith(prepared: PreparedKeystoreKey, inputs: readonly KeystoreInput[]): Keystore[] {
  const dk = prepared.key;
  return inputs.map((input) => {
    const iv = randomBytes(16);
    const cipher = createCipheriv("aes-128-ctr", dk.subarray(0, 16), iv);
    const message = new Uint8Array(Buffer.concat([cipher.update(input.secret), cipher.final()]));
    return {
      crypto: {
        kdf: prepared.kdf,
        checksum: { function: "sha256", params: {}, message: toHexBare(checksum(dk, message)) },
        cipher: { function: "aes-128-ctr", params: { iv: toHexBare(iv) }, message: toHexBare(message) },
      },
      ...(input.description !== undefined ? { description: input.description } : {}),
      pubkey: toHexBare(secretKeyToPublicKey(input.secret)),
      path: input.path ?? "",
      uuid: randomUUID(),
      version: 4,
    };
  });
}

/** Encrypts a batch of secrets under one password (one KDF run; see the module comment). */
export async function encryptKeystores(
  inputs: readonly KeystoreInput[],
  password: string | Uint8Array,
  kdf: KdfChoice = SCRYPT_DEFAULT,
): Promise<Keystore[]> {
  const prepared = await prepareKeystoreKey(password, kdf);
  try {
    return encryptKeystoresWith(prepared, inputs);
  } finally {
    prepared.key.fill(0);
  }
}

/** One keystore (its own salt). */
export async function encryptKeystore(
  input: KeystoreInput,
  password: string | Uint8Array,
  kdf: KdfChoice = SCRYPT_DEFAULT,
): Promise<Keystore> {
  const [ks] = await encryptKeystores([input], password, kdf);
  return ks as Keystore;
}
