#!/usr/bin/env node
/**
 * `mzku-signer` — the signer package's command line until the CLI folds it into `mzku`.
 *
 *   mzku-signer keys dkg ...            run one DKG party (see `keys dkg --help`)
 *   mzku-signer keys deposit-data ...   deposit_data JSON for DKG output
 *   mzku-signer keys tls ...            development CA and certificates for mutual TLS
 *   mzku-signer signer ...              co-signer / combiner / interchange (see `signer --help`)
 *
 * Each handler (`../cli/index.js`) takes the arguments after its subcommand and resolves to the exit
 * code. A failure prints one line `mzku-signer: <CODE>: reason` on stderr and exits 2 for bad input, 1
 * otherwise.
 */
import { cliFailure, UsageError } from "@mzku/errors";
import {
  type Handler,
  runKeysDefinition,
  runKeysDepositData,
  runKeysDkg,
  runKeysIdentity,
  runKeysTls,
  runSignerExportInterchange,
  runSignerHighWatermark,
  runSignerImportInterchange,
  runSignerStart,
} from "../cli/index.js";

/** `group subcommand` → handler (each loads its module on call, after `--preset` is read); add a line per subcommand. */
const COMMANDS: Record<string, Handler> = {
  "keys identity": runKeysIdentity,
  "keys definition": runKeysDefinition,
  "keys dkg": runKeysDkg,
  "keys deposit-data": runKeysDepositData,
  "keys tls": runKeysTls,
  "signer start": runSignerStart,
  "signer import-interchange": runSignerImportInterchange,
  "signer export-interchange": runSignerExportInterchange,
  "signer high-watermark": runSignerHighWatermark,
};

function usage(): string {
  return `usage: mzku-signer <command> [options]\ncommands:\n${Object.keys(COMMANDS)
    .map((c) => `  ${c}`)
    .join("\n")}\n`;
}

async function main(argv: string[]): Promise<number> {
  const key = `${argv[0] ?? ""} ${argv[1] ?? ""}`;
  const handler = COMMANDS[key];
  if (handler === undefined) {
    if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h") {
      process.stdout.write(usage());
      return argv.length === 0 ? 2 : 0;
    }
    const failure = cliFailure(
      "mzku-signer",
      new UsageError("USAGE", `unknown command "${argv.slice(0, 2).join(" ")}"`),
    );
    process.stderr.write(`${failure.line}${usage()}`);
    return failure.exitCode;
  }
  return handler(argv.slice(2));
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const failure = cliFailure("mzku-signer", err);
    process.stderr.write(failure.line);
    process.exitCode = failure.exitCode;
  },
);
