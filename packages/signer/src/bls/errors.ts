import { CodedError } from "../errors.js";

/**
 * Typed errors of the BLS / threshold layer. `code` is stable and is what logs, metrics and CLI exit
 * messages use; `message` is for humans.
 */
export type BlsErrorCode =
  | "BLS_INVALID_SECRET_KEY"
  | "BLS_INVALID_PUBLIC_KEY"
  | "BLS_INVALID_SIGNATURE"
  | "BLS_EMPTY_INPUT"
  | "BLS_INVALID_INPUT"
  | "THRESHOLD_INVALID_PARAMS"
  | "THRESHOLD_DUPLICATE_INDEX"
  | "THRESHOLD_NOT_ENOUGH_PARTIALS"
  | "THRESHOLD_COMBINED_SIGNATURE_INVALID";

export class BlsError extends CodedError<BlsErrorCode> {
  override readonly name = "BlsError";
}
