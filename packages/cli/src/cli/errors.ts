import { CodedError } from "@mzku/errors";

/**
 * A command that cannot do what was asked because of the chain's state or the environment (a window
 * not open, a balance too low, no node at the RPC URL): exit code 1. Bad input is a `UsageError`
 * (exit code 2). Codes are listed in docs/cli.md.
 */
export class CliError extends CodedError<string> {
  override name = "CliError";
}
