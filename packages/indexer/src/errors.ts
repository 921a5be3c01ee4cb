/**
 * Errors of the indexer and its API: a stable `code` (logs, metrics, HTTP error bodies, CLI exit
 * lines), a one-line `shortMessage` and the values involved as `details`.
 */
export type IndexerErrorCode =
  | "CONFIG_INVALID"
  | "DB_NEWER_THAN_CODE"
  | "DB_MIGRATION_FAILED"
  | "DB_QUERY_TIMEOUT"
  | "DB_UNSUPPORTED_URL"
  | "INDEXER_DEPLOYMENT_MISMATCH"
  | "INDEXER_REORG_TOO_DEEP"
  | "INDEXER_RPC_FAILED"
  | "INDEXER_DECODE_FAILED"
  | "INDEXER_AMOUNT_OUT_OF_RANGE"
  | "API_BAD_REQUEST"
  | "API_NOT_FOUND"
  | "API_METHOD_NOT_ALLOWED"
  | "API_TIMEOUT"
  | "API_INTERNAL";

export class IndexerError extends Error {
  override name = "IndexerError";
  readonly code: IndexerErrorCode;
  readonly shortMessage: string;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: IndexerErrorCode,
    shortMessage: string,
    options: { details?: Readonly<Record<string, unknown>>; cause?: unknown } = {},
  ) {
    super(shortMessage, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.shortMessage = shortMessage;
    this.details = options.details ?? {};
  }
}
