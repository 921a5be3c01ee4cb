/**
 * How every MZKU command line reports a failure: one line on stderr, `<program>: <CODE>: <message>`,
 * and exit code 2 for bad input (a {@link UsageError} or a rejected flag) or 1 for anything else.
 */
import { errorCode, errorMessage, UsageError } from "./coded.js";

export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export interface CliFailure {
  /** The line to print on stderr, newline included. */
  readonly line: string;
  readonly exitCode: typeof EXIT_FAILURE | typeof EXIT_USAGE;
}

/** True for bad input: a {@link UsageError}, or a flag `node:util`'s `parseArgs` rejected. */
export function isUsageFailure(error: unknown): boolean {
  return error instanceof UsageError || isParseArgsError(error);
}

/** The stderr line and exit code for a failure of `program`. */
export function cliFailure(program: string, error: unknown): CliFailure {
  const usage = isUsageFailure(error);
  const code = isParseArgsError(error) ? "USAGE" : errorCode(error);
  return { line: `${program}: ${code}: ${errorMessage(error)}\n`, exitCode: usage ? EXIT_USAGE : EXIT_FAILURE };
}

function isParseArgsError(error: unknown): boolean {
  return error instanceof TypeError && errorCode(error).startsWith("ERR_PARSE_ARGS");
}
