/** A CLI failure: printed as one line `mzku: <code>: <message>` with a non-zero exit code. */
export class CliError extends Error {
  override name = "CliError";
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
