#!/usr/bin/env node
/**
 * `mzku-signer` — the signer package's command line until the CLI folds it into `mzku`.
 *
 *   mzku-signer keys dkg ...            run one DKG party (see `keys dkg --help`)
 *   mzku-signer keys deposit-data ...   deposit_data JSON for DKG output
 *   mzku-signer keys tls ...            development CA and certificates for mutual TLS
 *   mzku-signer signer ...              co-signer / combiner / interchange (see `signer --help`)
 *
 * Each subcommand module exports `run(argv): Promise<number>` (the exit code). A failure prints one
 * line `mzku-signer: <CODE>: reason` on stderr and exits 2 for bad input, 1 otherwise.
 */
import { cliFailure, UsageError } from "@mzku/errors";

type Handler = (argv: string[]) => Promise<number>;

/** `group subcommand` → lazy loader; add a line per subcommand. */
const COMMANDS: Record<string, () => Promise<Handler>> = {
  "keys identity": async () => (await import("../cli/keys.js")).runKeysIdentity,
  "keys definition": async () => (await import("../cli/keys.js")).runKeysDefinition,
  "keys dkg": async () => (await import("../cli/keys.js")).runKeysDkg,
  "keys deposit-data": async () => (await import("../cli/keys.js")).runKeysDepositData,
  "keys tls": async () => (await import("../cli/tls.js")).runKeysTls,
  "signer start": async () => (await import("../cli/signer.js")).runSignerStart,
  "signer import-interchange": async () => (await import("../cli/signer.js")).runSignerImportInterchange,
  "signer export-interchange": async () => (await import("../cli/signer.js")).runSignerExportInterchange,
  "signer high-watermark": async () => (await import("../cli/signer.js")).runSignerHighWatermark,
};

function usage(): string {
  return `usage: mzku-signer <command> [options]\ncommands:\n${Object.keys(COMMANDS)
    .map((c) => `  ${c}`)
    .join("\n")}\n`;
}

async function main(argv: string[]): Promise<number> {
  const key = `${argv[0] ?? ""} ${argv[1] ?? ""}`;
  const loader = COMMANDS[key];
  if (loader === undefined) {
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
  const handler = await loader();
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
