/**
 * Scalar field Fr of BLS12-381 (order r) for Shamir polynomials and Lagrange coefficients, from
 * `@noble/curves`. Values are bigints in [0, r).
 */
import { randomBytes } from "node:crypto";
import { bls12_381_Fr } from "@noble/curves/bls12-381.js";
import { bytesToScalar } from "./bytes.js";

export const Fr = bls12_381_Fr;
export const CURVE_ORDER: bigint = Fr.ORDER;

/** A uniformly random non-zero scalar (48 random bytes reduced mod r, bias < 2^-128). */
export function randomScalar(): bigint {
  for (;;) {
    const x = bytesToScalar(randomBytes(48)) % CURVE_ORDER;
    if (x !== 0n) return x;
  }
}

/** Evaluates Σ coefficients[k]·x^k mod r (Horner). */
export function evalPolynomial(coefficients: readonly bigint[], x: bigint): bigint {
  let acc = 0n;
  for (let k = coefficients.length - 1; k >= 0; k--) acc = Fr.add(Fr.mul(acc, x), coefficients[k] ?? 0n);
  return acc;
}

/** λ_i(0) = Π_{j≠i} x_j / (x_j − x_i) for each x-coordinate in `indices` (distinct, non-zero). */
export function lagrangeCoefficientsAtZero(indices: readonly number[]): bigint[] {
  return indices.map((i) => {
    let num = 1n;
    let den = 1n;
    for (const j of indices) {
      if (j === i) continue;
      num = Fr.mul(num, BigInt(j));
      den = Fr.mul(den, Fr.sub(BigInt(j), BigInt(i)));
    }
    return Fr.div(num, den);
  });
}
