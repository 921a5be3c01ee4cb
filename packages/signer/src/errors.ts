/**
 * The package's typed errors all extend the one MZKU error base (`@mzku/errors`): `code` is stable
 * (logs, metrics and CLI exit messages use it); `message` is for humans. Each area narrows `C` to its
 * own codes and names its subclass.
 */
import { CodedError, type CodedErrorOptions } from "@mzku/errors";

export { CodedError, type CodedErrorOptions };

/**
 * Codes of the co-signer / combiner / slashing-protection layer. The HTTP layer (`api/errors.ts`) maps
 * each to a status; domain code only picks the code.
 */
export type SignerErrorCode =
  | "SIGNER_BAD_REQUEST"
  | "SIGNER_SIGNING_ROOT_MISMATCH"
  | "SIGNER_UNAUTHORIZED"
  | "SIGNER_UNKNOWN_KEY"
  | "SIGNER_NOT_FOUND"
  | "SIGNER_PAYLOAD_TOO_LARGE"
  | "SIGNER_SLASHABLE"
  | "SIGNER_INTERCHANGE_INVALID"
  | "SIGNER_NOT_ENOUGH_PARTIALS"
  | "SIGNER_COMBINED_SIGNATURE_INVALID"
  | "SIGNER_COSIGNER_UNAUTHORIZED"
  | "SIGNER_CONFIG_INVALID"
  | "SIGNER_INTERNAL";

/** An error of the signing pipeline: a stable `code` and machine-readable `details` (never secrets). */
export class SignerError extends CodedError<SignerErrorCode> {
  override readonly name = "SignerError";
}

export function isSignerError(e: unknown): e is SignerError {
  return e instanceof SignerError;
}
