/**
 * The co-signer backend: holds key SHARES, never a whole key. The server has already recomputed the
 * signing root and committed the message to this process's slashing-protection database; the
 * co-signer then returns its partial signature (a BLS signature with its share) and its index.
 *
 * Weighted partials: when the request names the signing set (`mzku_signing_set`, the t indices the
 * combiner asked, this one among them), the co-signer signs with λ_i·s_i instead of s_i, λ_i being
 * its Lagrange coefficient at 0 for that set. The combiner then only adds the t answers (no
 * interpolation in G2). λ_i·σ_i reveals nothing σ_i does not (either is the other times a public
 * scalar), and the slashing record is the same: it is the same message.
 */

import type { Logger } from "@mzku/log";
import { bytesToScalar, scalarToBytes } from "../bls/bytes.js";
import { Fr, lagrangeCoefficientsAtZero } from "../bls/field.js";
import { partialSign } from "../bls/threshold.js";
import { SignerError } from "../errors.js";
import type { SignerBackend, SignResult } from "../service/backend.js";
import type { PreparedSigning } from "../signing/types.js";
import type { KeyShare } from "./shares.js";

export class CoSigner implements SignerBackend {
  readonly role = "cosigner" as const;
  private readonly shares: Map<string, KeyShare>;
  private keys: string[];
  /** λ_i·s_i per validator and signing set (a handful of sets per validator in practice). */
  private readonly weighted = new Map<string, Uint8Array>();

  constructor(shares: readonly KeyShare[]) {
    this.shares = new Map();
    for (const s of shares) {
      if (this.shares.has(s.groupPublicKey)) {
        throw new SignerError("SIGNER_CONFIG_INVALID", `two shares for validator ${s.groupPublicKey}`);
      }
      this.shares.set(s.groupPublicKey, s);
    }
    this.keys = [...this.shares.keys()];
  }

  publicKeys(): string[] {
    return this.keys;
  }

  /** Starts serving a share (the key manager's import). False if a share of that validator is served. */
  add(share: KeyShare): boolean {
    if (this.shares.has(share.groupPublicKey)) return false;
    this.shares.set(share.groupPublicKey, share);
    this.keys = [...this.shares.keys()];
    return true;
  }

  /**
   * Stops serving a validator's share (the key manager's delete): from now on no partial is computed
   * with it, even for a request whose slashing record is already committed. False if it was not served.
   */
  remove(groupPublicKey: string): boolean {
    const share = this.shares.get(groupPublicKey);
    if (share === undefined) return false;
    this.shares.delete(groupPublicKey);
    for (const k of [...this.weighted.keys()]) if (k.startsWith(`${groupPublicKey}/`)) this.weighted.delete(k);
    share.secret.fill(0);
    this.keys = [...this.shares.keys()];
    return true;
  }

  async sign(
    pubkey: string,
    prepared: PreparedSigning,
    _body: Record<string, unknown>,
    log: Logger,
  ): Promise<SignResult> {
    const share = this.shares.get(pubkey);
    if (share === undefined) throw new SignerError("SIGNER_UNKNOWN_KEY", `no share for ${pubkey}`);
    const set = signingSet(_body.mzku_signing_set, share);
    if (set === undefined) {
      const signature = partialSign({ index: share.index, secret: share.secret }, prepared.signingRoot);
      log.debug("Cosigned", { shareIndex: share.index });
      return { signature, extra: { share_index: share.index } };
    }
    const key = set.join(",");
    let weighted = this.weighted.get(`${pubkey}/${key}`);
    if (weighted === undefined) {
      const lambda = lagrangeCoefficientsAtZero(set)[set.indexOf(share.index)] as bigint;
      weighted = scalarToBytes(Fr.mul(lambda, bytesToScalar(share.secret)));
      if (this.weighted.size > 4096) this.weighted.clear();
      this.weighted.set(`${pubkey}/${key}`, weighted);
    }
    const signature = partialSign({ index: share.index, secret: weighted }, prepared.signingRoot);
    log.debug("Cosigned (weighted)", { shareIndex: share.index, set: key });
    return { signature, extra: { share_index: share.index, signing_set: key } };
  }
}

/**
 * The signing set of a request, when it names one: exactly `threshold` distinct indices in 1..16,
 * sorted, this share's among them. Anything else is refused (400), so that a partial is never
 * weighted for a set the combiner did not mean.
 */
function signingSet(v: unknown, share: KeyShare): number[] | undefined {
  if (v === undefined || v === null) return undefined;
  const ok =
    Array.isArray(v) &&
    v.length === share.threshold &&
    v.every((x) => Number.isInteger(x) && x >= 1 && x <= 16) &&
    new Set(v).size === v.length &&
    v.includes(share.index);
  if (!ok) {
    throw new SignerError(
      "SIGNER_BAD_REQUEST",
      `mzku_signing_set must list ${share.threshold} distinct share indices including ${share.index}`,
    );
  }
  return [...(v as number[])].sort((a, b) => a - b);
}
