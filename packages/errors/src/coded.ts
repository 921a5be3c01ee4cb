/**
 * The one error base of every MZKU package. A failure is identified by its `code` — stable, upper
 * snake case, used by logs, metrics, HTTP error bodies and CLI exit messages — and described by a
 * one-line `shortMessage` for humans. `details` carries the values involved as structured,
 * JSON-serializable fields (never secrets): a logger writes them as fields, an HTTP API returns them
 * in its error body. `cause` keeps the underlying error.
 *
 * Each package or area narrows `C` to its own union of codes and names its subclass with a literal
 * `name`, so `error.name` tells the family and `error.code` the failure. No Node import: the sdk
 * uses this in browsers.
 */
export type ErrorDetails = Readonly<Record<string, unknown>>;

export interface CodedErrorOptions {
  /** Values involved in the failure, as fields (never secrets). */
  readonly details?: ErrorDetails;
  /** The error this one wraps. */
  readonly cause?: unknown;
}

export class CodedError<C extends string = string> extends Error {
  override name = "CodedError";
  readonly code: C;
  /** One line for humans; `message` is the same text. */
  readonly shortMessage: string;
  readonly details: ErrorDetails;

  constructor(code: C, shortMessage: string, options: CodedErrorOptions = {}) {
    super(shortMessage, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.shortMessage = shortMessage;
    this.details = options.details ?? {};
  }

  /**
   * The first error in the `cause` chain (this one included) that `predicate` accepts, or the
   * innermost one when no predicate is given.
   */
  walk(predicate?: (error: unknown) => boolean): unknown {
    return walkCauses(this, predicate);
  }
}

/**
 * Bad input from whoever called us (a command-line flag, a config file, a request): the caller can
 * fix it. Command lines exit with code 2 on it; every other failure exits with 1.
 */
export class UsageError<C extends string = string> extends CodedError<C> {
  override name = "UsageError";
}

/** Narrows `error` to a {@link CodedError}, optionally with the given code. */
export function isCodedError(error: unknown, code?: string): error is CodedError {
  return error instanceof CodedError && (code === undefined || error.code === code);
}

/** The stable code of any thrown value: its `code` when it has a string one, else `INTERNAL`. */
export function errorCode(error: unknown): string {
  if (typeof error === "object" && error !== null && "code" in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === "string" && code !== "") return code;
  }
  return "INTERNAL";
}

/** The one-line human text of any thrown value (the first line of its message). */
export function errorMessage(error: unknown): string {
  const text =
    error instanceof CodedError ? error.shortMessage : error instanceof Error ? error.message : String(error);
  return text.split("\n")[0] ?? "";
}

/**
 * Log fields for a failure: `{ code, error, ...details }`. Used as
 * `log.error("Sign failed", { pubkey, ...errorFields(e) })`.
 */
export function errorFields(error: unknown): Record<string, unknown> {
  const details = error instanceof CodedError ? error.details : {};
  return { ...details, code: errorCode(error), error: errorMessage(error) };
}

function walkCauses(error: unknown, predicate?: (error: unknown) => boolean): unknown {
  let current: unknown = error;
  const seen = new Set<unknown>();
  while (current !== undefined && current !== null && !seen.has(current)) {
    seen.add(current);
    if (predicate?.(current)) return current;
    const next: unknown = current instanceof Error ? current.cause : undefined;
    if (next === undefined || next === null) return predicate ? undefined : current;
    current = next;
  }
  return predicate ? undefined : current;
}
