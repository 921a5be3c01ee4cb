/**
 * Errors of the indexer and its API, on the shared base (`@mzku/errors`): a stable `code` (logs,
 * metrics, HTTP error bodies, CLI exit lines), a one-line `shortMessage` and the values involved as
 * `details`. Bad configuration is a `UsageError` with code `CONFIG_INVALID` (exit code 2).
 */
import { CodedError, type CodedErrorOptions } from "@mzku/errors";

export type IndexerErrorCode =
  | "DB_NEWER_THAN_CODE"
  | "DB_MIGRATION_FAILED"
  | "DB_QUERY_TIMEOUT"
  | "INDEXER_DEPLOYMENT_MISMATCH"
  | "INDEXER_REORG_TOO_DEEP"
  | "INDEXER_RPC_FAILED"
  | "INDEXER_DECODE_FAILED"
  | "INDEXER_VALUE_OUT_OF_RANGE"
  | "API_BAD_REQUEST"
  | "API_NOT_FOUND"
  | "API_METHOD_NOT_ALLOWED"
  | "API_TIMEOUT"
  | "API_INTERNAL";

export class IndexerError extends CodedError<IndexerErrorCode> {
  override name = "IndexerError";
}

export type { CodedErrorOptions };
