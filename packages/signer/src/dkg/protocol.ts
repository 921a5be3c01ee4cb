/**
 * One party of a t-of-n Joint-Feldman DKG (Pedersen's DKG with Feldman commitments, plus the
 * complaint round of Gennaro–Jarecki–Krawczyk–Rabin) for a batch of validator keys.
 *
 * Rounds (payloads are plain JSON; the runner wraps each in a signed envelope):
 *  1. broadcast — per validator v: commitments C_{i,v,k} = g1^{a_{i,v,k}} (k < t) and a proof of
 *     possession of a_{i,v,0} (a BLS signature with it over session ‖ dealer ‖ v ‖ C_{i,v,0}); plus
 *     this session's ephemeral X25519 key. A dealer whose round 1 is missing or invalid is out.
 *  2. point-to-point — to each party j: s_{i,j,v} = f_{i,v}(j) for every v, AES-256-GCM-encrypted
 *     to j's ephemeral key. j checks g1^{s} = Π_k C_{i,v,k}^{j^k} for every v.
 *  3. broadcast — complaints (dealers whose shares were missing, undecryptable or failed the check)
 *     and a digest of every round-1 message received; differing digests (an equivocating dealer or
 *     a lying party) abort the ceremony.
 *  4. broadcast — each accused dealer reveals the complainer's shares in the clear; everyone checks
 *     them against the commitments. A dealer that does not answer or reveals a bad share is
 *     disqualified; a valid reveal settles the complaint (the complainer adopts the shares).
 * Output for every v: group key Σ_{i∈QUAL} C_{i,v,0}; own share x_{j,v} = Σ_{i∈QUAL} s_{i,j,v};
 * public shares g1^{x_{m,v}} for every m from the summed commitments. Nobody ever computes Σ a_{i,v,0}.
 */
import { createHash } from "node:crypto";
import { sign as blsSign, verify as blsVerify, secretKeyToPublicKey, verifyBatch } from "../bls/bls.js";
import { bytesEqual, bytesToScalar, fromHex, scalarToBytes, toHex } from "../bls/bytes.js";
import { CommitmentVector } from "../bls/commitment.js";
import { CURVE_ORDER, evalPolynomial, Fr, randomScalar } from "../bls/field.js";
import { combinePublicShares } from "../bls/threshold.js";
import { type DkgDefinition, sessionId } from "./definition.js";
import { DkgError } from "./errors.js";
import { decryptFrom, type EphemeralKey, encryptTo, generateEphemeral } from "./identity.js";

export interface Round1Payload {
  readonly ephemeral: string;
  readonly validators: readonly { readonly commitments: readonly string[]; readonly pop: string }[];
}
export interface Round2Payload {
  readonly box: string;
}
export interface Round3Payload {
  readonly complaints: readonly { readonly dealer: number; readonly reason: string }[];
  /** dealer index → sha256 of the round-1 payload received from it ("missing" if none). */
  readonly round1Digests: Readonly<Record<string, string>>;
}
export interface Round4Payload {
  readonly reveals: readonly { readonly complainer: number; readonly shares: readonly string[] }[];
}

export interface DkgValidatorKey {
  readonly groupPublicKey: Uint8Array;
  /** Public share of party m at index m − 1. */
  readonly publicShares: readonly Uint8Array[];
  /** This party's secret share (32 bytes). */
  readonly secretShare: Uint8Array;
}

export interface DkgResult {
  readonly sessionId: Uint8Array;
  readonly index: number;
  readonly threshold: number;
  readonly parties: number;
  readonly qualified: readonly number[];
  readonly disqualified: readonly { readonly index: number; readonly reason: string }[];
  readonly validators: readonly DkgValidatorKey[];
}

const SHARE_BYTES = 32;

/** Canonical digest of a round-1 payload (what round 3 compares). */
export function round1Digest(p: Round1Payload): string {
  return toHex(createHash("sha256").update(JSON.stringify(p)).digest());
}

function popMessage(session: Uint8Array, dealer: number, v: number, c0: Uint8Array): Uint8Array {
  const head = Buffer.from("mzku-dkg/v1 pop");
  const idx = Buffer.alloc(8);
  idx.writeUInt32BE(dealer, 0);
  idx.writeUInt32BE(v, 4);
  return new Uint8Array(Buffer.concat([head, session, idx, c0]));
}

function shareAad(from: number, to: number): string {
  return `mzku-dkg/v1 share ${from}->${to}`;
}

function isHexString(x: unknown): x is string {
  return typeof x === "string" && /^0x[0-9a-f]*$/i.test(x);
}

export class DkgParty {
  readonly def: DkgDefinition;
  readonly index: number;
  readonly session: Uint8Array;
  readonly t: number;
  readonly n: number;
  readonly m: number;
  private readonly coefficients: bigint[][];
  private readonly ephemeral: EphemeralKey;
  private readonly round1 = new Map<number, { payload: Round1Payload; commitments: CommitmentVector[] }>();
  private readonly round1Digests = new Map<number, string>();
  private readonly disqualified = new Map<number, string>();
  private readonly received = new Map<number, bigint[]>();
  private readonly myComplaints = new Map<number, string>();
  private readonly complaintsAgainst = new Map<number, Set<number>>();
  private stage = 0;

  constructor(def: DkgDefinition, index: number) {
    if (!def.parties.some((p) => p.index === index))
      throw new DkgError("DKG_INVALID_DEFINITION", `index ${index} is not a party`);
    this.def = def;
    this.index = index;
    this.session = sessionId(def);
    this.t = def.threshold;
    this.n = def.parties.length;
    this.m = def.validators;
    this.coefficients = Array.from({ length: this.m }, () => Array.from({ length: this.t }, () => randomScalar()));
    this.ephemeral = generateEphemeral();
  }

  private step(expected: number, next: number): void {
    if (this.stage !== expected) throw new DkgError("DKG_WRONG_STATE", `expected stage ${expected}, at ${this.stage}`);
    this.stage = next;
  }

  /** Share f_{me,v}(j); overridable by tests that simulate a cheating dealer. */
  protected shareFor(v: number, j: number): bigint {
    return evalPolynomial(this.coefficients[v] as bigint[], BigInt(j));
  }

  /** Coefficients of validator v's polynomial (tests override to misbehave). */
  protected coefficientsOf(v: number): readonly bigint[] {
    return this.coefficients[v] as bigint[];
  }

  // ---- round 1 -------------------------------------------------------------------------------

  makeRound1(): Round1Payload {
    this.step(0, 1);
    const validators = Array.from({ length: this.m }, (_, v) => {
      const coeffs = this.coefficientsOf(v);
      const commitments = coeffs.map((a) => secretKeyToPublicKey(scalarToBytes(a)));
      const c0 = commitments[0] as Uint8Array;
      const pop = blsSign(scalarToBytes(coeffs[0] as bigint), popMessage(this.session, this.index, v, c0));
      return { commitments: commitments.map(toHex), pop: toHex(pop) };
    });
    return { ephemeral: toHex(this.ephemeral.publicKey), validators };
  }

  /** Records dealer `from`'s round 1; an invalid one disqualifies the dealer (it is a broadcast, so everyone sees the same). */
  handleRound1(from: number, payload: unknown): void {
    if (this.stage !== 1) throw new DkgError("DKG_WRONG_STATE", "round 1 messages are accepted only in round 1");
    if (this.round1.has(from) || this.disqualified.has(from)) return;
    try {
      const p = payload as Round1Payload;
      if (!isHexString(p?.ephemeral) || fromHex(p.ephemeral).length !== 32) throw new Error("bad ephemeral key");
      if (!Array.isArray(p.validators) || p.validators.length !== this.m)
        throw new Error(`expected ${this.m} validators`);
      const pops: { publicKey: Uint8Array; message: Uint8Array; signature: Uint8Array }[] = [];
      const commitments = p.validators.map((val, v) => {
        if (!Array.isArray(val?.commitments) || val.commitments.length !== this.t) {
          throw new Error(`validator ${v}: expected ${this.t} commitments`);
        }
        if (!val.commitments.every(isHexString) || !isHexString(val.pop))
          throw new Error(`validator ${v}: malformed hex`);
        const bytes = val.commitments.map(fromHex);
        const c0 = bytes[0] as Uint8Array;
        pops.push({ publicKey: c0, message: popMessage(this.session, from, v, c0), signature: fromHex(val.pop) });
        return CommitmentVector.fromBytes(bytes);
      });
      // One randomized batch check for all proofs of possession (our own are made, not checked);
      // name the bad one if it fails.
      if (from !== this.index && !verifyBatch(pops)) {
        const bad = pops.findIndex((q) => !blsVerify(q.publicKey, q.message, q.signature));
        throw new Error(`validator ${bad}: bad proof of possession`);
      }
      this.round1.set(from, { payload: p, commitments });
      this.round1Digests.set(from, round1Digest(p));
    } catch (e) {
      this.disqualified.set(from, `round 1: ${(e as Error).message}`);
      this.round1Digests.set(from, "invalid");
    }
  }

  /** Ends round 1: dealers that sent nothing are out. */
  closeRound1(): void {
    this.step(1, 2);
    for (const p of this.def.parties) {
      if (!this.round1.has(p.index) && !this.disqualified.has(p.index)) {
        this.disqualified.set(p.index, "round 1: no message");
        this.round1Digests.set(p.index, "missing");
      }
    }
    if (!this.round1.has(this.index)) throw new DkgError("DKG_SELF_DISQUALIFIED", "own round 1 was not accepted");
  }

  // ---- round 2 -------------------------------------------------------------------------------

  /** Encrypted shares for every other party that has a valid round 1 (their ephemeral key). */
  makeRound2(): Map<number, Round2Payload> {
    this.step(2, 3);
    const out = new Map<number, Round2Payload>();
    for (const [j, r1] of this.round1) {
      const plain = new Uint8Array(this.m * SHARE_BYTES);
      for (let v = 0; v < this.m; v++) plain.set(scalarToBytes(this.shareFor(v, j)), v * SHARE_BYTES);
      if (j === this.index) {
        this.acceptShares(j, plain);
        continue;
      }
      const box = encryptTo(
        this.ephemeral,
        fromHex(r1.payload.ephemeral),
        plain,
        shareAad(this.index, j),
        this.session,
      );
      plain.fill(0);
      out.set(j, { box: toHex(box) });
    }
    return out;
  }

  private acceptShares(dealer: number, plain: Uint8Array): string | null {
    const r1 = this.round1.get(dealer);
    if (r1 === undefined) return "dealer has no valid round 1";
    if (plain.length !== this.m * SHARE_BYTES) return "wrong share payload length";
    const shares: bigint[] = [];
    for (let v = 0; v < this.m; v++) {
      const s = bytesToScalar(plain.subarray(v * SHARE_BYTES, (v + 1) * SHARE_BYTES));
      if (s === 0n || s >= CURVE_ORDER) return `validator ${v}: share out of range`;
      const expected = (r1.commitments[v] as CommitmentVector).evalAt(this.index);
      if (!bytesEqual(secretKeyToPublicKey(scalarToBytes(s)), expected))
        return `validator ${v}: share does not match the commitments`;
      shares.push(s);
    }
    this.received.set(dealer, shares);
    return null;
  }

  handleRound2(from: number, payload: unknown): void {
    if (this.stage !== 3) throw new DkgError("DKG_WRONG_STATE", "round 2 messages are accepted only in round 2");
    if (this.received.has(from) || this.myComplaints.has(from) || !this.round1.has(from)) return;
    const r1 = this.round1.get(from);
    const p = payload as Round2Payload;
    if (r1 === undefined || !isHexString(p?.box)) {
      this.myComplaints.set(from, "malformed share message");
      return;
    }
    const plain = decryptFrom(
      this.ephemeral,
      fromHex(r1.payload.ephemeral),
      fromHex(p.box),
      shareAad(from, this.index),
      this.session,
    );
    if (plain === null) {
      this.myComplaints.set(from, "share message does not decrypt");
      return;
    }
    const err = this.acceptShares(from, plain);
    plain.fill(0);
    if (err !== null) this.myComplaints.set(from, err);
  }

  // ---- round 3 -------------------------------------------------------------------------------

  makeRound3(): Round3Payload {
    this.step(3, 4);
    for (const dealer of this.round1.keys()) {
      if (!this.received.has(dealer) && !this.myComplaints.has(dealer))
        this.myComplaints.set(dealer, "no share message");
    }
    const round1Digests: Record<string, string> = {};
    for (const p of this.def.parties) round1Digests[String(p.index)] = this.round1Digests.get(p.index) ?? "missing";
    const complaints = [...this.myComplaints].map(([dealer, reason]) => ({ dealer, reason }));
    for (const c of complaints) this.noteComplaint(this.index, c.dealer);
    return { complaints, round1Digests };
  }

  private noteComplaint(complainer: number, dealer: number): void {
    let set = this.complaintsAgainst.get(dealer);
    if (set === undefined) {
      set = new Set();
      this.complaintsAgainst.set(dealer, set);
    }
    set.add(complainer);
  }

  handleRound3(from: number, payload: unknown): void {
    if (this.stage !== 4) throw new DkgError("DKG_WRONG_STATE", "round 3 messages are accepted only in round 3");
    const p = payload as Round3Payload;
    if (!Array.isArray(p?.complaints) || typeof p.round1Digests !== "object" || p.round1Digests === null) {
      throw new DkgError("DKG_BAD_MESSAGE", `party ${from}: malformed round 3`);
    }
    for (const party of this.def.parties) {
      const theirs = p.round1Digests[String(party.index)];
      const mine = this.round1Digests.get(party.index) ?? "missing";
      if (theirs !== mine) {
        throw new DkgError(
          "DKG_INCONSISTENT_BROADCAST",
          `party ${from} saw a different round 1 from dealer ${party.index} (${String(theirs).slice(0, 12)} vs ${mine.slice(0, 12)})`,
        );
      }
    }
    for (const c of p.complaints) {
      if (typeof c?.dealer === "number" && this.round1.has(c.dealer) && c.dealer !== from)
        this.noteComplaint(from, c.dealer);
    }
  }

  // ---- round 4 -------------------------------------------------------------------------------

  makeRound4(): Round4Payload {
    this.step(4, 5);
    const against = this.complaintsAgainst.get(this.index) ?? new Set<number>();
    return {
      reveals: [...against].map((j) => ({
        complainer: j,
        shares: Array.from({ length: this.m }, (_, v) => toHex(scalarToBytes(this.shareFor(v, j)))),
      })),
    };
  }

  handleRound4(from: number, payload: unknown): void {
    if (this.stage !== 5) throw new DkgError("DKG_WRONG_STATE", "round 4 messages are accepted only in round 4");
    const against = this.complaintsAgainst.get(from);
    if (against === undefined || this.disqualified.has(from)) return;
    const p = payload as Round4Payload;
    const reveals = Array.isArray(p?.reveals) ? p.reveals : [];
    const r1 = this.round1.get(from);
    for (const j of against) {
      const rev = reveals.find((r) => r?.complainer === j);
      if (rev === undefined || r1 === undefined) {
        this.disqualified.set(from, `round 4: no reveal for the complaint of party ${j}`);
        return;
      }
      const plain = new Uint8Array(this.m * SHARE_BYTES);
      try {
        if (!Array.isArray(rev.shares) || rev.shares.length !== this.m) throw new Error("wrong count");
        (rev.shares as readonly unknown[]).forEach((s, v) => {
          if (!isHexString(s)) throw new Error("not hex");
          const b = fromHex(s);
          if (b.length !== SHARE_BYTES) throw new Error("wrong length");
          plain.set(b, v * SHARE_BYTES);
        });
      } catch {
        this.disqualified.set(from, `round 4: malformed reveal for party ${j}`);
        return;
      }
      if (j === this.index) {
        this.received.delete(from);
        const err = this.acceptShares(from, plain);
        if (err !== null) {
          this.disqualified.set(from, `round 4: revealed share for party ${j} is invalid (${err})`);
          return;
        }
      } else {
        // Check the revealed shares of another complainer against the public commitments.
        for (let v = 0; v < this.m; v++) {
          const s = bytesToScalar(plain.subarray(v * SHARE_BYTES, (v + 1) * SHARE_BYTES));
          const ok =
            s !== 0n &&
            s < CURVE_ORDER &&
            bytesEqual(secretKeyToPublicKey(scalarToBytes(s)), (r1.commitments[v] as CommitmentVector).evalAt(j));
          if (!ok) {
            this.disqualified.set(from, `round 4: revealed share for party ${j} is invalid`);
            return;
          }
        }
      }
    }
  }

  /** Ends round 4: accused dealers whose round-4 message never arrived (not in `answered`) are disqualified. */
  closeRound4(answered: ReadonlySet<number>): void {
    this.step(5, 6);
    for (const dealer of this.complaintsAgainst.keys()) {
      if (!answered.has(dealer) && !this.disqualified.has(dealer))
        this.disqualified.set(dealer, "round 4: no answer to complaints");
    }
  }

  /** Dealers that must answer in round 4. */
  accused(): number[] {
    return [...this.complaintsAgainst.keys()].filter((d) => !this.disqualified.has(d));
  }

  // ---- output --------------------------------------------------------------------------------

  finish(): DkgResult {
    this.step(6, 7);
    const qualified = this.def.parties
      .map((p) => p.index)
      .filter((i) => this.round1.has(i) && !this.disqualified.has(i));
    if (qualified.length < this.t) {
      throw new DkgError(
        "DKG_NOT_ENOUGH_QUALIFIED",
        `${qualified.length} qualified dealer(s), need at least ${this.t}`,
      );
    }
    const validators: DkgValidatorKey[] = [];
    for (let v = 0; v < this.m; v++) {
      let x = 0n;
      for (const i of qualified) {
        const s = this.received.get(i)?.[v];
        if (s === undefined) throw new DkgError("DKG_OUTPUT_CHECK_FAILED", `missing share from qualified dealer ${i}`);
        x = Fr.add(x, s);
      }
      const summed = CommitmentVector.sum(qualified.map((i) => this.round1.get(i)?.commitments[v] as CommitmentVector));
      const groupPublicKey = summed.constant();
      const publicShares = this.def.parties.map((p) => summed.evalAt(p.index));
      const secretShare = scalarToBytes(x);
      if (x === 0n || !bytesEqual(secretKeyToPublicKey(secretShare), publicShares[this.index - 1] as Uint8Array)) {
        throw new DkgError("DKG_OUTPUT_CHECK_FAILED", `validator ${v}: own share does not match its public share`);
      }
      const check = combinePublicShares(
        publicShares.slice(0, this.t).map((publicKey, k) => ({ index: k + 1, publicKey })),
      );
      if (!bytesEqual(check, groupPublicKey))
        throw new DkgError(
          "DKG_OUTPUT_CHECK_FAILED",
          `validator ${v}: public shares do not interpolate to the group key`,
        );
      validators.push({ groupPublicKey, publicShares, secretShare });
    }
    for (const row of this.coefficients) row.fill(0n);
    this.received.clear();
    return {
      sessionId: this.session,
      index: this.index,
      threshold: this.t,
      parties: this.n,
      qualified,
      disqualified: [...this.disqualified]
        .map(([index, reason]) => ({ index, reason }))
        .sort((a, b) => a.index - b.index),
      validators,
    };
  }
}

/** Digest of what the ceremony produced (qualified set and every group key + public share); round 5 compares it. */
export function resultDigest(r: DkgResult): string {
  const h = createHash("sha256");
  h.update(r.sessionId);
  h.update(JSON.stringify(r.qualified));
  for (const v of r.validators) {
    h.update(v.groupPublicKey);
    for (const p of v.publicShares) h.update(p);
  }
  return toHex(h.digest());
}
