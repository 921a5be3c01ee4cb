/**
 * The co-signer backend: holds key SHARES, never a whole key. The server has already recomputed the
 * signing root and committed the message to this process's slashing-protection database; the
 * co-signer then returns its partial signature (a BLS signature with its share) and its index.
 */

import type { Logger } from "@mzku/log";
import { partialSign } from "../bls/threshold.js";
import { SignerError } from "../errors.js";
import type { SignerBackend, SignResult } from "../service/backend.js";
import type { PreparedSigning } from "../signing/types.js";
import type { KeyShare } from "./shares.js";

export class CoSigner implements SignerBackend {
  readonly role = "cosigner" as const;
  private readonly shares: Map<string, KeyShare>;
  private keys: string[];

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
    const signature = partialSign({ index: share.index, secret: share.secret }, prepared.signingRoot);
    log.debug("Cosigned", { shareIndex: share.index });
    return { signature, extra: { share_index: share.index } };
  }
}
