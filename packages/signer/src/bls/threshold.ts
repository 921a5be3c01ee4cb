/**
 * Threshold BLS (t-of-n) over BLS12-381 for Ethereum validator keys.
 *
 * A validator's secret s is shared with a polynomial f of degree t−1, f(0) = s; party i (1-based
 * `index`) holds the share f(i) and publishes the public share g1^{f(i)}. A party's partial
 * signature on a message is a plain BLS signature with its share (blst). Any t partials combine by
 * Lagrange interpolation at x = 0 in G2 into exactly the signature the whole key would have made
 * (BLS is deterministic), so the result verifies under the group public key g1^{s}.
 *
 * Who calls what:
 * - a co-signer holding one share: {@link partialSign};
 * - the combiner the validator client talks to: {@link verifyPartial} on every partial (a bad one is
 *   identified by its index and left out), then {@link combinePartials}, then {@link verify} against
 *   the group key before answering — or all of it at once with {@link combineVerifiedPartials}.
 * Shares come from the DKG (`src/dkg/`); the dealer in `src/testing/` is for tests only.
 */
import { BlsError } from "./errors.js";
import { MAX_PARTIES, type PartialSignature, type PublicShare, type SecretShare } from "./types.js";

export {
  assertThresholdParams,
  MAX_PARTIES,
  type PartialSignature,
  type PublicShare,
  type SecretShare,
} from "./types.js";

import { verify as blsVerify, isValidPublicKey, PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH, sign } from "./bls.js";
import { decodeG1, decodeG2, type WasmPublicKey, type WasmSignature, wasm, wasmId } from "./wasm.js";

function assertIndex(index: number): void {
  if (!Number.isInteger(index) || index < 1 || index > MAX_PARTIES) {
    throw new BlsError("THRESHOLD_INVALID_PARAMS", `share index must be an integer in 1..${MAX_PARTIES}, got ${index}`);
  }
}

function assertDistinct(indices: readonly number[]): void {
  const seen = new Set<number>();
  for (const i of indices) {
    assertIndex(i);
    if (seen.has(i)) throw new BlsError("THRESHOLD_DUPLICATE_INDEX", `index ${i} appears twice`);
    seen.add(i);
  }
}

/** The partial signature of `share` on `message` (a plain BLS signature with the share). */
export function partialSign(share: SecretShare, message: Uint8Array): Uint8Array {
  assertIndex(share.index);
  return sign(share.secret, message);
}

/** Whether `partial` is a valid signature of `message` under the party's `publicShare`. Never throws. */
export function verifyPartial(publicShare: Uint8Array, message: Uint8Array, partial: Uint8Array): boolean {
  return blsVerify(publicShare, message, partial);
}

/** Verifies a (combined) signature under a (group) public key; the plain BLS `Verify`. */
export function verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  return blsVerify(publicKey, message, signature);
}

/**
 * Σ λ_i(0)·σ_i over the given partials (Lagrange interpolation at 0 in G2). It does NOT verify the
 * partials: pass only verified ones, and at least t of them — fewer gives a signature that does not
 * verify under the group key. Throws on an empty list, a duplicate index or an undecodable point.
 */
export function combinePartials(partials: readonly PartialSignature[]): Uint8Array {
  if (partials.length === 0) throw new BlsError("THRESHOLD_NOT_ENOUGH_PARTIALS", "no partial signatures to combine");
  assertDistinct(partials.map((p) => p.index));
  const sigs: WasmSignature[] = partials.map((p) => {
    if (p.signature.length !== SIGNATURE_LENGTH) {
      throw new BlsError("BLS_INVALID_SIGNATURE", `partial ${p.index} must be ${SIGNATURE_LENGTH} bytes`);
    }
    try {
      return decodeG2(p.signature);
    } catch (cause) {
      throw new BlsError("BLS_INVALID_SIGNATURE", `partial ${p.index} is not a valid G2 point`, { cause });
    }
  });
  const out = new wasm.Signature();
  out.recover(
    sigs,
    partials.map((p) => wasmId(p.index)),
  );
  return out.serialize();
}

/**
 * Σ λ_i(0)·P_i over public shares: recovers the group public key from any t public shares (used by
 * the DKG to cross-check its output and by tests).
 */
export function combinePublicShares(shares: readonly PublicShare[]): Uint8Array {
  if (shares.length === 0) throw new BlsError("THRESHOLD_NOT_ENOUGH_PARTIALS", "no public shares to combine");
  assertDistinct(shares.map((s) => s.index));
  const pks: WasmPublicKey[] = shares.map((s) => {
    if (s.publicKey.length !== PUBLIC_KEY_LENGTH) {
      throw new BlsError("BLS_INVALID_PUBLIC_KEY", `public share ${s.index} must be ${PUBLIC_KEY_LENGTH} bytes`);
    }
    try {
      return decodeG1(s.publicKey);
    } catch (cause) {
      throw new BlsError("BLS_INVALID_PUBLIC_KEY", `public share ${s.index} is not a valid G1 point`, { cause });
    }
  });
  const out = new wasm.PublicKey();
  out.recover(
    pks,
    shares.map((s) => wasmId(s.index)),
  );
  return out.serialize();
}

/**
 * Evaluates a polynomial commitment [C_0..C_{t−1}] (C_k = g1^{a_k}, 48-byte each) at x = index:
 * Π C_k^{index^k} = g1^{f(index)}. This is the public share of `index` for a Feldman-committed
 * polynomial; the DKG sums it over dealers.
 */
export function evalCommitment(commitments: readonly Uint8Array[], index: number): Uint8Array {
  assertIndex(index);
  if (commitments.length === 0) throw new BlsError("BLS_EMPTY_INPUT", "empty commitment vector");
  const pks = commitments.map((c, k) => {
    try {
      return decodeG1(c);
    } catch (cause) {
      throw new BlsError("BLS_INVALID_PUBLIC_KEY", `commitment ${k} is not a valid G1 point`, { cause });
    }
  });
  const out = new wasm.PublicKey();
  out.share(pks, wasmId(index));
  return out.serialize();
}

/** Sum of G1 points (48-byte compressed each); used to add dealers' commitments in the DKG. */
export function addPublicKeys(pks: readonly Uint8Array[]): Uint8Array {
  if (pks.length === 0) throw new BlsError("BLS_EMPTY_INPUT", "no public keys to add");
  const acc = decodeG1(pks[0] as Uint8Array);
  for (let i = 1; i < pks.length; i++) acc.add(decodeG1(pks[i] as Uint8Array));
  return acc.serialize();
}

export interface CombineVerifiedParams {
  /** Group public key the combined signature must verify under. */
  readonly groupPublicKey: Uint8Array;
  /** Public share of every party, by index. */
  readonly publicShares: ReadonlyMap<number, Uint8Array>;
  readonly threshold: number;
  readonly message: Uint8Array;
  readonly partials: readonly PartialSignature[];
  /**
   * Combine the first `threshold` partials with known, distinct indices and verify only the result
   * (one pairing check instead of t + 1); verify each partial only if that fails, to find and drop
   * the bad ones. Sound because a BLS signature is unique: a combined signature that verifies
   * under the group key is THE signature. Default false (verify every partial first).
   */
  readonly optimistic?: boolean;
}

export interface CombineVerifiedResult {
  readonly signature: Uint8Array;
  /** Indices of the partials that were used (the first `threshold` valid ones, in input order). */
  readonly used: readonly number[];
  /** Indices whose partial failed verification (or whose index is unknown / duplicated) and were left out. */
  readonly rejected: readonly number[];
}

/**
 * Verifies each partial against its party's public share, leaves out the bad ones, combines the
 * first `threshold` good ones and checks the result against the group key. Throws
 * `THRESHOLD_NOT_ENOUGH_PARTIALS` (with the rejected indices in the message) when fewer than
 * `threshold` valid partials remain, and `THRESHOLD_COMBINED_SIGNATURE_INVALID` if the combined
 * signature does not verify (public shares inconsistent with the group key).
 */
export function combineVerifiedPartials(params: CombineVerifiedParams): CombineVerifiedResult {
  const { groupPublicKey, publicShares, threshold, message, partials } = params;
  if (params.optimistic === true) {
    const first: PartialSignature[] = [];
    for (const p of partials) {
      if (first.length < threshold && publicShares.has(p.index) && !first.some((q) => q.index === p.index))
        first.push(p);
    }
    if (first.length === threshold) {
      try {
        const signature = combinePartials(first);
        if (verify(groupPublicKey, message, signature))
          return { signature, used: first.map((p) => p.index), rejected: [] };
      } catch {
        // an undecodable partial: fall through to the per-partial path, which names it
      }
    }
  }
  const used: PartialSignature[] = [];
  const rejected: number[] = [];
  const seen = new Set<number>();
  for (const p of partials) {
    if (used.length >= threshold) break;
    const share = publicShares.get(p.index);
    if (share === undefined || seen.has(p.index) || !verifyPartial(share, message, p.signature)) {
      rejected.push(p.index);
      continue;
    }
    seen.add(p.index);
    used.push(p);
  }
  if (used.length < threshold) {
    throw new BlsError(
      "THRESHOLD_NOT_ENOUGH_PARTIALS",
      `${used.length} valid partial(s), need ${threshold}; rejected indices [${rejected.join(",")}]`,
    );
  }
  const signature = combinePartials(used);
  if (!verify(groupPublicKey, message, signature)) {
    throw new BlsError(
      "THRESHOLD_COMBINED_SIGNATURE_INVALID",
      "combined signature does not verify under the group key",
    );
  }
  return { signature, used: used.map((p) => p.index), rejected };
}

export { isValidPublicKey };
