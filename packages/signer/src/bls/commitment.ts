/**
 * Feldman commitment vectors [C_0..C_{t−1}], C_k = g1^{a_k}, kept as decoded (subgroup-checked)
 * bls-eth-wasm points so the DKG decodes each point once. `evalAt(x)` = Π C_k^{x^k} = g1^{f(x)}.
 */
import { PUBLIC_KEY_LENGTH } from "./bls.js";
import { BlsError } from "./errors.js";
import { decodeG1, type WasmPublicKey, wasm, wasmId } from "./wasm.js";

export class CommitmentVector {
  private constructor(private readonly points: readonly WasmPublicKey[]) {}

  /** Decodes and subgroup-checks every point; throws `BLS_INVALID_PUBLIC_KEY` otherwise. */
  static fromBytes(commitments: readonly Uint8Array[]): CommitmentVector {
    if (commitments.length === 0) throw new BlsError("BLS_EMPTY_INPUT", "empty commitment vector");
    return new CommitmentVector(
      commitments.map((c, k) => {
        if (c.length !== PUBLIC_KEY_LENGTH)
          throw new BlsError("BLS_INVALID_PUBLIC_KEY", `commitment ${k} must be 48 bytes`);
        try {
          return decodeG1(c);
        } catch (cause) {
          throw new BlsError("BLS_INVALID_PUBLIC_KEY", `commitment ${k} is not a valid G1 point or is infinity`, {
            cause,
          });
        }
      }),
    );
  }

  get degree(): number {
    return this.points.length - 1;
  }

  /** g1^{f(x)} as 48 bytes. */
  evalAt(x: number): Uint8Array {
    const out = new wasm.PublicKey();
    out.share([...this.points], wasmId(x));
    return out.serialize();
  }

  /** C_0 = g1^{f(0)}: the dealer's contribution to the group key. */
  constant(): Uint8Array {
    return (this.points[0] as WasmPublicKey).serialize();
  }

  /** Coefficient-wise sum (commitment to the sum of the polynomials); lengths must match. */
  static sum(vectors: readonly CommitmentVector[]): CommitmentVector {
    const first = vectors[0];
    if (first === undefined) throw new BlsError("BLS_EMPTY_INPUT", "no commitment vectors to add");
    const acc = first.points.map((p) => p.clone());
    for (const v of vectors.slice(1)) {
      if (v.points.length !== acc.length)
        throw new BlsError("BLS_INVALID_INPUT", "commitment vectors differ in length");
      v.points.forEach((p, k) => {
        (acc[k] as WasmPublicKey).add(p);
      });
    }
    return new CommitmentVector(acc);
  }
}
