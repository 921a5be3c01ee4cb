/**
 * The package's typed errors all extend the one MZKU error base: `code` is stable (logs, metrics and
 * CLI exit messages use it); `message` is for humans. Each area narrows `C` to its own codes and
 * names its subclass.
 */
export { CodedError, type CodedErrorOptions } from "@mzku/errors";
