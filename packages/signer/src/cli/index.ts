/**
 * The signer's command handlers, for `mzku keys …` / `mzku signer …` (and `mzku-signer`). Each takes
 * the arguments after its subcommand and resolves to the exit code.
 */
export { runKeysDefinition, runKeysDepositData, runKeysDkg, runKeysIdentity } from "./keys.js";
export { setCliProgram } from "./program.js";
export {
  runSignerExportInterchange,
  runSignerHighWatermark,
  runSignerImportInterchange,
  runSignerStart,
} from "./signer.js";
export { runKeysTls } from "./tls.js";
