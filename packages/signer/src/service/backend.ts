/** What actually signs behind the signing service: a co-signer (a partial) or the combiner (a full signature). */
import type { Logger } from "@mzku/log";
import type { PreparedSigning } from "../signing/types.js";
import type { HealthSource } from "./health.js";

export interface SignResult {
  signature: Uint8Array;
  /** Extra fields of the answer (the co-signer adds its share index). */
  extra?: Record<string, string | number>;
}

export interface SignerBackend extends HealthSource {
  readonly role: "cosigner" | "combiner";
  /** Validator (group) public keys served, lower-case 0x hex. */
  publicKeys(): string[];
  /**
   * Produces the signature for a request whose root was recomputed and whose slashing check passed.
   * `body` is the validated request as received (the combiner forwards it).
   */
  sign(pubkey: string, prepared: PreparedSigning, body: Record<string, unknown>, log: Logger): Promise<SignResult>;
  /** Releases held resources (connections); optional. */
  close?(): void;
}
