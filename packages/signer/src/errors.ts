/**
 * Base of the package's typed errors: `code` is stable (logs, metrics and CLI exit messages use it);
 * `message` is for humans. Each area narrows `C` to its own codes and names its subclass.
 */
export class CodedError<C extends string> extends Error {
  readonly code: C;
  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

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
  /** Extra machine-readable fields (the HTTP layer puts them in the JSON error body). */
  readonly details: Readonly<Record<string, unknown>>;
  constructor(
    code: SignerErrorCode,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(code, message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.details = options?.details ?? {};
  }
}

export function isSignerError(e: unknown): e is SignerError {
  return e instanceof SignerError;
}
