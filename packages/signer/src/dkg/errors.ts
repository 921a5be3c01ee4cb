import { CodedError } from "../errors.js";

/** Typed errors of the DKG. `code` is stable (logs, metrics, CLI exit messages). */
export type DkgErrorCode =
  | "DKG_INVALID_DEFINITION"
  | "DKG_INVALID_IDENTITY"
  | "DKG_BAD_MESSAGE"
  | "DKG_BAD_SIGNATURE"
  | "DKG_TIMEOUT"
  | "DKG_NOT_ENOUGH_QUALIFIED"
  | "DKG_INCONSISTENT_BROADCAST"
  | "DKG_SELF_DISQUALIFIED"
  | "DKG_OUTPUT_CHECK_FAILED"
  | "DKG_WRONG_STATE";

export class DkgError extends CodedError<DkgErrorCode> {
  override readonly name = "DkgError";
}
