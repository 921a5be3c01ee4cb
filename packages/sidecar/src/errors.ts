/**
 * Errors of the sidecar, on the shared base (`@mzku/errors`): a stable `code` for logs, metrics and
 * the CLI exit line. Bad configuration is a `UsageError` with code `CONFIG_INVALID` (exit code 2).
 */
import { CodedError } from "@mzku/errors";

export type SidecarErrorCode =
  | "SIDECAR_NOT_REGISTERED"
  | "SIDECAR_NODE_FAILED"
  | "SIDECAR_DB_FAILED"
  | "SIDECAR_BAD_MESSAGE"
  | "SIDECAR_AGGREGATE_MISMATCH"
  | "SIDECAR_AGGREGATE_NO_QUORUM";

export class SidecarError extends CodedError<SidecarErrorCode> {
  override name = "SidecarError";
}
