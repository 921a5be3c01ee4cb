/**
 * EIP-2333 key tree and EIP-2334 paths (blst's `deriveMasterEip2333` / `deriveChildEip2333`), and
 * the BIP-39 seed of a mnemonic. Threshold keys themselves come from the DKG and are never
 * derived; derivation is for keys a single owner holds whole: the BLS withdrawal key behind 0x00
 * withdrawal credentials, and the test keys that reproduce the deposit vectors.
 */
import { createHash, pbkdf2Sync } from "node:crypto";
import blst from "@chainsafe/blst";
import { KeystoreError } from "./errors.js";

/** BIP-39 seed: PBKDF2-HMAC-SHA512(NFKD(mnemonic), "mnemonic" ‖ NFKD(passphrase), 2048), 64 bytes. The word list checksum is not checked. */
export function mnemonicToSeed(mnemonic: string, passphrase = ""): Uint8Array {
  const words = mnemonic.normalize("NFKD").trim().split(/\s+/);
  if (![12, 15, 18, 21, 24].includes(words.length))
    throw new KeystoreError("DERIVATION_INVALID_SEED", `a mnemonic has 12..24 words, got ${words.length}`);
  return new Uint8Array(pbkdf2Sync(words.join(" "), `mnemonic${passphrase.normalize("NFKD")}`, 2048, 64, "sha512"));
}

/** EIP-2333 `derive_master_SK(seed)`; the seed must be at least 32 bytes. */
export function deriveMasterSK(seed: Uint8Array): Uint8Array {
  if (seed.length < 32) throw new KeystoreError("DERIVATION_INVALID_SEED", "seed must be at least 32 bytes");
  return blst.SecretKey.deriveMasterEip2333(seed).toBytes();
}

/** EIP-2333 `derive_child_SK(parent, index)`. */
export function deriveChildSK(parent: Uint8Array, index: number): Uint8Array {
  if (!Number.isInteger(index) || index < 0 || index > 0xffffffff)
    throw new KeystoreError("DERIVATION_INVALID_PATH", `bad child index ${index}`);
  return blst.SecretKey.fromBytes(parent).deriveChildEip2333(index).toBytes();
}

/** Parses an EIP-2334 path `m/12381/3600/i/0/0` into indices. */
export function parsePath(path: string): number[] {
  const parts = path.trim().split("/");
  if (parts[0] !== "m") throw new KeystoreError("DERIVATION_INVALID_PATH", `path must start with "m": ${path}`);
  return parts.slice(1).map((p) => {
    if (!/^\d+$/.test(p) || Number(p) > 0xffffffff)
      throw new KeystoreError("DERIVATION_INVALID_PATH", `bad path component "${p}" in ${path}`);
    return Number(p);
  });
}

/** Walks `path` from the master key of `seed`. */
export function deriveKeyFromSeed(seed: Uint8Array, path: string): Uint8Array {
  return parsePath(path).reduce((sk, i) => deriveChildSK(sk, i), deriveMasterSK(seed));
}

/** EIP-2334 validator paths. */
export function validatorPaths(index: number): { signing: string; withdrawal: string } {
  return { signing: `m/12381/3600/${index}/0/0`, withdrawal: `m/12381/3600/${index}/0` };
}

/** 0x00 withdrawal credentials: 0x00 ‖ sha256(withdrawal pubkey)[1:]. */
export function blsWithdrawalCredentials(withdrawalPubkey: Uint8Array): Uint8Array {
  const h = new Uint8Array(createHash("sha256").update(withdrawalPubkey).digest());
  h[0] = 0;
  return h;
}
