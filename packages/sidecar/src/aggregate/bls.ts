/**
 * A sidecar's BLS12-381 key for co-signing aggregated uptime reports (docs/sidecar.md, "Aggregated
 * report"): public keys in G1, signatures in G2 over messages hashed with the standard suite
 * `BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_NUL_` (@noble/curves' `longSignatures`, the same suite as
 * solady's `BLS.hashToG2` in the contract), points in the EIP-2537 encoding the contract takes (each
 * field element as 64 big-endian bytes, split into two 32-byte words).
 *
 * The secret key is derived from the sidecar's ECDSA key (HKDF-SHA256 to 48 bytes, then noble's
 * `randomSecretKey`, which reduces it to a scalar without bias): nothing new to keep, and the same key
 * after a restart.
 */
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { type Hex, hexToBytes, numberToHex, stringToBytes } from "viem";

const bls = bls12_381.longSignatures;
const G1 = bls12_381.G1.Point;
const G2 = bls12_381.G2.Point;
type G2Affine = ReturnType<InstanceType<typeof G2>["toAffine"]>;

/** A G1 point as the contract's `BLS.G1Point`. */
export interface G1Words {
  readonly x_a: Hex;
  readonly x_b: Hex;
  readonly y_a: Hex;
  readonly y_b: Hex;
}

/** A G2 point as the contract's `BLS.G2Point`. */
export interface G2Words {
  readonly x_c0_a: Hex;
  readonly x_c0_b: Hex;
  readonly x_c1_a: Hex;
  readonly x_c1_b: Hex;
  readonly y_c0_a: Hex;
  readonly y_c0_b: Hex;
  readonly y_c1_a: Hex;
  readonly y_c1_b: Hex;
}

export class BlsKey {
  readonly publicKey: G1Words;

  constructor(private readonly secretKey: Uint8Array) {
    const p = bls.getPublicKey(secretKey).toAffine();
    const [x_a, x_b] = fpWords(p.x);
    const [y_a, y_b] = fpWords(p.y);
    this.publicKey = { x_a, x_b, y_a, y_b };
  }

  /** The signature of `message` (the bytes the contract hashes to G2). */
  sign(message: Hex): G2Words {
    return g2Words(bls.sign(bls.hash(hexToBytes(message)), this.secretKey).toAffine());
  }
}

/** The BLS key of the sidecar whose ECDSA key is `sidecarKey`. */
export function blsKeyFromSidecarKey(sidecarKey: Hex): BlsKey {
  const seed = hkdf(sha256, hexToBytes(sidecarKey), stringToBytes("MZKU sidecar BLS key v1"), new Uint8Array(0), 48);
  return new BlsKey(bls12_381.utils.randomSecretKey(seed));
}

/** Whether `signature` is `publicKey`'s over `message` (an aggregator checks each share before adding it). */
export function verifyShare(publicKey: G1Words, message: Hex, signature: G2Words): boolean {
  try {
    return bls.verify(g2Point(signature), bls.hash(hexToBytes(message)), g1Point(publicKey));
  } catch {
    return false; // not a point on the curve
  }
}

/** The sum of the signatures (the aggregate the contract checks against the signers' keys). */
export function aggregateSignatures(signatures: readonly G2Words[]): G2Words {
  return g2Words(bls.aggregateSignatures(signatures.map(g2Point)).toAffine());
}

function fpWords(v: bigint): [Hex, Hex] {
  const hex = numberToHex(v, { size: 64 }).slice(2);
  return [`0x${hex.slice(0, 64)}`, `0x${hex.slice(64)}`];
}

function fromWords(a: Hex, b: Hex): bigint {
  return BigInt(`0x${a.slice(2)}${b.slice(2)}`);
}

function g1Point(w: G1Words) {
  return G1.fromAffine({ x: fromWords(w.x_a, w.x_b), y: fromWords(w.y_a, w.y_b) });
}

function g2Point(w: G2Words) {
  return G2.fromAffine({
    x: { c0: fromWords(w.x_c0_a, w.x_c0_b), c1: fromWords(w.x_c1_a, w.x_c1_b) },
    y: { c0: fromWords(w.y_c0_a, w.y_c0_b), c1: fromWords(w.y_c1_a, w.y_c1_b) },
  });
}

function g2Words(p: G2Affine): G2Words {
  const [x_c0_a, x_c0_b] = fpWords(p.x.c0);
  const [x_c1_a, x_c1_b] = fpWords(p.x.c1);
  const [y_c0_a, y_c0_b] = fpWords(p.y.c0);
  const [y_c1_a, y_c1_b] = fpWords(p.y.c1);
  return { x_c0_a, x_c0_b, x_c1_a, x_c1_b, y_c0_a, y_c0_b, y_c1_a, y_c1_b };
}
