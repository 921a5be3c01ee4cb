/** Shared shapes and parameter checks of the threshold layer. */
import { BlsError } from "./errors.js";

/** Largest number of parties supported (2 ≤ t ≤ n ≤ 16, as issue 5 asks). */
export const MAX_PARTIES = 16;

/** One party's secret share: x-coordinate `index` (1..n) and the 32-byte big-endian f(index). */
export interface SecretShare {
  readonly index: number;
  readonly secret: Uint8Array;
}

/** One party's public share g1^{f(index)} (48-byte compressed G1). */
export interface PublicShare {
  readonly index: number;
  readonly publicKey: Uint8Array;
}

/** A partial signature by the party with x-coordinate `index` (96-byte compressed G2). */
export interface PartialSignature {
  readonly index: number;
  readonly signature: Uint8Array;
}

/** Checks 2 ≤ t ≤ n ≤ MAX_PARTIES. */
export function assertThresholdParams(t: number, n: number): void {
  if (!Number.isInteger(t) || !Number.isInteger(n) || t < 2 || t > n || n > MAX_PARTIES) {
    throw new BlsError("THRESHOLD_INVALID_PARAMS", `need integers 2 <= t <= n <= ${MAX_PARTIES}, got t=${t} n=${n}`);
  }
}
