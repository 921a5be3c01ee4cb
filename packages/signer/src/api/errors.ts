/**
 * The HTTP face of the signer's error codes: each stable `code` (src/errors.ts) answers with one status
 * and a JSON body `{"code","message",...details}`.
 */
import type { SignerError, SignerErrorCode } from "../errors.js";

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
  SIGNER_COSIGNER_UNAUTHORIZED: 502,
  SIGNER_CONFIG_INVALID: 500,
  SIGNER_INTERNAL: 500,
};

/** The HTTP status a signer error code answers with. */
export function httpStatus(code: SignerErrorCode): number {
  return STATUS[code];
}

/** The JSON error body: the code, the message and the error's details. */
export function errorBody(err: SignerError): Record<string, unknown> {
  return { code: err.code, message: err.message, ...err.details };
}
