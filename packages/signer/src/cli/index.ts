/**
 * The signer's command handlers, for `mzku keys …` / `mzku signer …` and `mzku-signer`. Each takes the
 * arguments after its subcommand and resolves to the exit code.
 *
 * Every handler loads its module on call, not here: `keys.js` and the signing code import
 * `@lodestar/params`, which fixes Lodestar's preset when first imported, and `signer start --preset`
 * must choose it first. Importing this module loads no Lodestar (`cli/lazy.test.ts` checks it).
 */
export { setCliProgram } from "./program.js";

export type Handler = (argv: string[]) => Promise<number>;

const keys = () => import("./keys.js");
const signer = () => import("./signer.js");

export const runKeysIdentity: Handler = async (argv) => (await keys()).runKeysIdentity(argv);
export const runKeysDefinition: Handler = async (argv) => (await keys()).runKeysDefinition(argv);
export const runKeysDkg: Handler = async (argv) => (await keys()).runKeysDkg(argv);
export const runKeysDepositData: Handler = async (argv) => (await keys()).runKeysDepositData(argv);
export const runKeysTls: Handler = async (argv) => (await import("./tls.js")).runKeysTls(argv);
export const runSignerStart: Handler = async (argv) => (await signer()).runSignerStart(argv);
export const runSignerImportInterchange: Handler = async (argv) => (await signer()).runSignerImportInterchange(argv);
export const runSignerExportInterchange: Handler = async (argv) => (await signer()).runSignerExportInterchange(argv);
export const runSignerHighWatermark: Handler = async (argv) => (await signer()).runSignerHighWatermark(argv);
