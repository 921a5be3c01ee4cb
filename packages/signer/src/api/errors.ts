/**
 * Typed errors of the co-signer / combiner / slashing-protection layer. `code` is stable (logs, metrics,
 * CLI exit messages and the JSON error body use it); `status` is the HTTP status the API answers with.
 */
import { CodedError, type CodedErrorOptions } from "@mzku/errors";

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
  | "SIGNER_CONFIG_INVALID"
  | "SIGNER_INTERNAL";

const STATUS: Record<SignerErrorCode, number> = {
  SIGNER_BAD_REQUEST: 400,
  SIGNER_SIGNING_ROOT_MISMATCH: 400,
  SIGNER_UNAUTHORIZED: 401,
  SIGNER_UNKNOWN_KEY: 404,
  SIGNER_NOT_FOUND: 404,
  SIGNER_PAYLOAD_TOO_LARGE: 413,
  SIGNER_SLASHABLE: 412,
  SIGNER_INTERCHANGE_INVALID: 400,
  SIGNER_NOT_ENOUGH_PARTIALS: 503,
  SIGNER_COMBINED_SIGNATURE_INVALID: 502,
  SIGNER_CONFIG_INVALID: 500,
  SIGNER_INTERNAL: 500,
};

/** `details` holds extra machine-readable fields for the JSON error body (never secrets). */
export class SignerError extends CodedError<SignerErrorCode> {
  override readonly name = "SignerError";
  readonly status: number;
  constructor(code: SignerErrorCode, message: string, options?: CodedErrorOptions) {
    super(code, message, options);
    this.status = STATUS[code];
  }
}

export function isSignerError(e: unknown): e is SignerError {
  return e instanceof SignerError;
}
