/**
 * Base of the package's typed errors: `code` is stable (logs, metrics and CLI exit messages use it);
 * `message` is for humans. Each area narrows `C` to its own codes and names its subclass.
 */
export class CodedError<C extends string> extends Error {
  readonly code: C;
  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
