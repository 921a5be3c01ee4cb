export { type CliFailure, cliFailure, EXIT_FAILURE, EXIT_USAGE, isUsageFailure } from "./cli.js";
export {
  CodedError,
  type CodedErrorOptions,
  type ErrorDetails,
  errorCode,
  errorFields,
  errorMessage,
  isCodedError,
  UsageError,
} from "./coded.js";
