/**
 * TEST-ONLY trusted dealer. `splitSecret` takes a whole validator secret key and Shamir-splits it,
 * which is exactly what production must never do (the key would exist whole on one machine).
 * Production shares come only from the DKG in `src/dkg/`. This exists to test the threshold maths
 * against fixed vectors (known keys split into shares must reproduce known signatures) and to give
 * tests quick shares. It is exported only on the `@mzku/signer/testing` subpath; `src/layers.test.ts`
 * fails if a production module imports it.
 */

import { secretKeyToPublicKey } from "../bls/bls.js";
import { bytesToScalar, scalarToBytes } from "../bls/bytes.js";
import { BlsError } from "../bls/errors.js";
import { CURVE_ORDER, evalPolynomial, randomScalar } from "../bls/field.js";
import { assertThresholdParams, type PublicShare, type SecretShare } from "../bls/types.js";

export interface DealtKey {
  readonly threshold: number;
  readonly shares: SecretShare[];
  readonly publicShares: PublicShare[];
  readonly groupPublicKey: Uint8Array;
}

/**
 * TEST-ONLY: splits `secret` (32-byte big-endian, 0 < s < r) into n shares with threshold t, using
 * random coefficients, or the given `coefficients` a_1..a_{t−1} (for fixed vectors).
 */
export function splitSecret(
  secret: Uint8Array,
  t: number,
  n: number,
  opts: { coefficients?: readonly bigint[] } = {},
): DealtKey {
  assertThresholdParams(t, n);
  const s = bytesToScalar(secret);
  if (secret.length !== 32 || s === 0n || s >= CURVE_ORDER) {
    throw new BlsError("BLS_INVALID_SECRET_KEY", "secret must be 32 bytes, non-zero and below the curve order");
  }
  const rest = opts.coefficients ?? Array.from({ length: t - 1 }, () => randomScalar());
  if (rest.length !== t - 1)
    throw new BlsError("THRESHOLD_INVALID_PARAMS", `need ${t - 1} coefficients, got ${rest.length}`);
  const coefficients = [s, ...rest];
  const shares: SecretShare[] = [];
  const publicShares: PublicShare[] = [];
  for (let i = 1; i <= n; i++) {
    const secretI = scalarToBytes(evalPolynomial(coefficients, BigInt(i)));
    shares.push({ index: i, secret: secretI });
    publicShares.push({ index: i, publicKey: secretKeyToPublicKey(secretI) });
  }
  return { threshold: t, shares, publicShares, groupPublicKey: secretKeyToPublicKey(secret) };
}

/** TEST-ONLY: a random secret key (0 < s < r), for tests and benches that deal keys. */
export function randomSecretKey(): Uint8Array {
  return scalarToBytes(randomScalar());
}
