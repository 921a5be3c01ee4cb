import { readFileSync } from "node:fs";
import { join } from "node:path";
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { describe, expect, it } from "vitest";
import { splitSecret } from "../testing/index.js";
import { POP_DST, secretKeyToPublicKey, sign } from "./bls.js";
import { fromHex, scalarToBytes, toHex } from "./bytes.js";
import { lagrangeCoefficientsAtZero, randomScalar } from "./field.js";
import {
  combinePartials,
  combinePublicShares,
  combineVerifiedPartials,
  evalCommitment,
  partialSign,
  verify,
  verifyPartial,
} from "./threshold.js";

const VECTORS = join(import.meta.dirname, "../../../../vectors");

interface ThresholdVector {
  threshold: string;
  polynomial_coefficients: string[];
  signing_root: string;
  composite_public_key: string;
  participants: { id: string; secret_key: string; public_key: string; signature: string }[];
  recovered_signature: string;
}
const vector = JSON.parse(readFileSync(join(VECTORS, "threshold/threshold-signing.json"), "utf8")) as ThresholdVector;
const msg = fromHex(vector.signing_root);

function subsets<T>(items: readonly T[], k: number): T[][] {
  if (k === 0) return [[]];
  if (items.length < k) return [];
  const [first, ...rest] = items as [T, ...T[]];
  return [...subsets(rest, k - 1).map((s) => [first, ...s]), ...subsets(rest, k)];
}

describe("threshold vector (remote-signing-api 2-of-3)", () => {
  it("the test dealer reproduces the participants' keys from f(x) = 1 + 2x", () => {
    const dealt = splitSecret(scalarToBytes(1n), 2, 3, { coefficients: [2n] });
    expect(toHex(dealt.groupPublicKey)).toBe(vector.composite_public_key);
    for (const p of vector.participants) {
      const share = dealt.shares.find((s) => s.index === Number(p.id));
      expect(share && toHex(share.secret)).toBe(p.secret_key);
      expect(toHex(dealt.publicShares[Number(p.id) - 1]?.publicKey ?? new Uint8Array())).toBe(p.public_key);
    }
  });

  it("each participant's partial matches and verifies against its public share", () => {
    for (const p of vector.participants) {
      const partial = partialSign({ index: Number(p.id), secret: fromHex(p.secret_key) }, msg);
      expect(toHex(partial)).toBe(p.signature);
      expect(verifyPartial(fromHex(p.public_key), msg, partial)).toBe(true);
    }
  });

  it.each(subsets(vector.participants, 2).map((s) => [s.map((p) => p.id).join("+"), s] as const))(
    "partials %s combine to the recovered signature",
    (_ids, pair) => {
      const sig = combinePartials(pair.map((p) => ({ index: Number(p.id), signature: fromHex(p.signature) })));
      expect(toHex(sig)).toBe(vector.recovered_signature);
      expect(verify(fromHex(vector.composite_public_key), msg, sig)).toBe(true);
    },
  );

  it("all three partials also combine to the same signature", () => {
    const sig = combinePartials(
      vector.participants.map((p) => ({ index: Number(p.id), signature: fromHex(p.signature) })),
    );
    expect(toHex(sig)).toBe(vector.recovered_signature);
  });

  it("public shares combine to the composite public key", () => {
    const pk = combinePublicShares(
      vector.participants.slice(1).map((p) => ({ index: Number(p.id), publicKey: fromHex(p.public_key) })),
    );
    expect(toHex(pk)).toBe(vector.composite_public_key);
  });
});

describe("threshold signing with dealt keys", () => {
  const secret = scalarToBytes(randomScalar());
  const message = new Uint8Array(32).fill(7);

  it.each([
    [2, 3],
    [3, 4],
    [5, 7],
    [16, 16],
  ])("t=%i n=%i: every t-subset reproduces the whole key's signature", (t, n) => {
    const dealt = splitSecret(secret, t, n);
    const expected = sign(secret, message);
    const partials = dealt.shares.map((s) => ({ index: s.index, signature: partialSign(s, message) }));
    const sets = n <= 7 ? subsets(partials, t) : [partials.slice(0, t), partials.slice(n - t)];
    for (const set of sets) expect(toHex(combinePartials(set))).toBe(toHex(expected));
  });

  it("t − 1 partials cannot produce a valid signature (every (t−1)-subset, any interpolation)", () => {
    const t = 3;
    const dealt = splitSecret(secret, t, 5);
    const partials = dealt.shares.map((s) => ({ index: s.index, signature: partialSign(s, message) }));
    for (const set of subsets(partials, t - 1)) {
      const sig = combinePartials(set);
      expect(verify(dealt.groupPublicKey, message, sig)).toBe(false);
    }
    expect(() =>
      combineVerifiedPartials({
        groupPublicKey: dealt.groupPublicKey,
        publicShares: new Map(dealt.publicShares.map((p) => [p.index, p.publicKey])),
        threshold: t,
        message,
        partials: partials.slice(0, t - 1),
      }),
    ).toThrow(expect.objectContaining({ code: "THRESHOLD_NOT_ENOUGH_PARTIALS" }));
  });

  it("a bad partial is identified by verifyPartial and left out", () => {
    const dealt = splitSecret(secret, 2, 3);
    const good = dealt.shares.map((s) => ({ index: s.index, signature: partialSign(s, message) }));
    // Party 1 signs another message (a well-formed but wrong partial).
    const bad = { index: 1, signature: partialSign(dealt.shares[0] as never, new Uint8Array(32).fill(9)) };
    const pub = new Map(dealt.publicShares.map((p) => [p.index, p.publicKey]));
    expect(verifyPartial(pub.get(1) as Uint8Array, message, bad.signature)).toBe(false);
    // Combining it blindly gives a wrong signature...
    expect(verify(dealt.groupPublicKey, message, combinePartials([bad, good[1] as never]))).toBe(false);
    // ...while the verified path rejects index 1 and uses 2 and 3.
    const res = combineVerifiedPartials({
      groupPublicKey: dealt.groupPublicKey,
      publicShares: pub,
      threshold: 2,
      message,
      partials: [bad, good[1] as never, good[2] as never],
    });
    expect(res.rejected).toEqual([1]);
    expect(res.used).toEqual([2, 3]);
    expect(toHex(res.signature)).toBe(toHex(sign(secret, message)));
  });

  it("rejects duplicate indices, malformed points and bad parameters", () => {
    const dealt = splitSecret(secret, 2, 3);
    const p = { index: 1, signature: partialSign(dealt.shares[0] as never, message) };
    expect(() => combinePartials([p, p])).toThrow(expect.objectContaining({ code: "THRESHOLD_DUPLICATE_INDEX" }));
    expect(() => combinePartials([])).toThrow(expect.objectContaining({ code: "THRESHOLD_NOT_ENOUGH_PARTIALS" }));
    expect(() => combinePartials([{ index: 1, signature: new Uint8Array(96).fill(0xff) }])).toThrow(
      expect.objectContaining({ code: "BLS_INVALID_SIGNATURE" }),
    );
    expect(() => combinePartials([{ index: 0, signature: p.signature }])).toThrow(
      expect.objectContaining({ code: "THRESHOLD_INVALID_PARAMS" }),
    );
    expect(() => splitSecret(secret, 1, 3)).toThrow(expect.objectContaining({ code: "THRESHOLD_INVALID_PARAMS" }));
    expect(() => splitSecret(secret, 4, 3)).toThrow(expect.objectContaining({ code: "THRESHOLD_INVALID_PARAMS" }));
    expect(() => splitSecret(secret, 2, 17)).toThrow(expect.objectContaining({ code: "THRESHOLD_INVALID_PARAMS" }));
    expect(() => splitSecret(new Uint8Array(32), 2, 3)).toThrow(
      expect.objectContaining({ code: "BLS_INVALID_SECRET_KEY" }),
    );
  });

  it("wasm interpolation equals an independent @noble/curves Lagrange combination (POP DST)", () => {
    const dealt = splitSecret(secret, 3, 4);
    const set = [dealt.shares[0], dealt.shares[2], dealt.shares[3]] as { index: number; secret: Uint8Array }[];
    const lambdas = lagrangeCoefficientsAtZero(set.map((s) => s.index));
    const G2 = bls12_381.G2.Point;
    const hm = bls12_381.longSignatures.hash(message, POP_DST);
    let acc = G2.ZERO;
    set.forEach((s, k) => {
      const partial = G2.fromBytes(partialSign(s, message));
      expect(partial.equals(bls12_381.longSignatures.sign(hm, s.secret))).toBe(true);
      acc = acc.add(partial.multiply(lambdas[k] as bigint));
    });
    const ours = combinePartials(set.map((s) => ({ index: s.index, signature: partialSign(s, message) })));
    expect(toHex(acc.toBytes(true))).toBe(toHex(ours));
  });

  it("evalCommitment gives g1^f(i) from Feldman commitments", () => {
    const coeffs = [randomScalar(), randomScalar(), randomScalar()];
    const commitments = coeffs.map((c) => secretKeyToPublicKey(scalarToBytes(c)));
    const dealt = splitSecret(scalarToBytes(coeffs[0] as bigint), 3, 4, { coefficients: coeffs.slice(1) });
    for (const ps of dealt.publicShares) expect(toHex(evalCommitment(commitments, ps.index))).toBe(toHex(ps.publicKey));
  });
});

describe("optimistic combining", () => {
  const secret = scalarToBytes(randomScalar());
  const message = new Uint8Array(32).fill(3);
  const dealt = splitSecret(secret, 3, 5);
  const pub = new Map(dealt.publicShares.map((p) => [p.index, p.publicKey]));
  const partials = dealt.shares.map((s) => ({ index: s.index, signature: partialSign(s, message) }));
  const base = {
    groupPublicKey: dealt.groupPublicKey,
    publicShares: pub,
    threshold: 3,
    message,
    optimistic: true,
  } as const;

  it("uses the first t partials when they combine to a valid signature", () => {
    const res = combineVerifiedPartials({ ...base, partials });
    expect(res.used).toEqual([1, 2, 3]);
    expect(res.rejected).toEqual([]);
    expect(toHex(res.signature)).toBe(toHex(sign(secret, message)));
  });

  it("falls back to per-partial checks, names the bad partial and still succeeds", () => {
    const bad = { index: 2, signature: partialSign(dealt.shares[1] as never, new Uint8Array(32)) };
    const garbage = { index: 1, signature: new Uint8Array(96).fill(0xaa) };
    const res = combineVerifiedPartials({ ...base, partials: [garbage, bad, ...partials.slice(2)] });
    expect(res.rejected).toEqual([1, 2]);
    expect(res.used).toEqual([3, 4, 5]);
    expect(toHex(res.signature)).toBe(toHex(sign(secret, message)));
    expect(() => combineVerifiedPartials({ ...base, partials: [bad, ...partials.slice(2, 4)] })).toThrow(
      expect.objectContaining({ code: "THRESHOLD_NOT_ENOUGH_PARTIALS" }),
    );
  });
});

describe("verifyBatch", () => {
  it("accepts a batch of valid triples and rejects one bad member or a malformed point", async () => {
    const { verifyBatch } = await import("./bls.js");
    const sets = [1n, 2n, 3n].map((k) => {
      const sk = scalarToBytes(k * 1234567n);
      const message = new Uint8Array(40).fill(Number(k));
      return { publicKey: secretKeyToPublicKey(sk), message, signature: sign(sk, message) };
    });
    expect(verifyBatch(sets)).toBe(true);
    expect(verifyBatch([])).toBe(true);
    expect(
      verifyBatch([sets[0], { ...(sets[1] as (typeof sets)[number]), message: new Uint8Array(40) }, sets[2]] as never),
    ).toBe(false);
    expect(verifyBatch([{ ...(sets[0] as (typeof sets)[number]), publicKey: new Uint8Array(48) }])).toBe(false);
  });
});
