/**
 * TEST-ONLY: a backend that signs with a whole validator key — what a plain (non-threshold) remote
 * signer does. It exists as the baseline of the signing benchmark (same HTTP stack, same slashing
 * record, one key instead of t shares) and must never serve a real validator: MZKU keys never exist
 * whole on one machine.
 */
import { secretKeyToPublicKey, sign } from "../bls/bls.js";
import { SignerError } from "../errors.js";
import type { SignerBackend, SignResult } from "../service/backend.js";
import type { PreparedSigning } from "../signing/types.js";

export class SingleKeyBackend implements SignerBackend {
  readonly role = "combiner" as const;
  private readonly keys: Map<string, Uint8Array>;

  constructor(secrets: readonly Uint8Array[]) {
    this.keys = new Map(secrets.map((sk) => [`0x${Buffer.from(secretKeyToPublicKey(sk)).toString("hex")}`, sk]));
  }

  publicKeys(): string[] {
    return [...this.keys.keys()];
  }

  async sign(pubkey: string, prepared: PreparedSigning): Promise<SignResult> {
    const sk = this.keys.get(pubkey);
    if (sk === undefined) throw new SignerError("SIGNER_UNKNOWN_KEY", `no key for ${pubkey}`);
    return { signature: sign(sk, prepared.signingRoot) };
  }
}
