#!/usr/bin/env node
/**
 * `mzku` — one command line for every role: the devnet and the demo, providers, requesters,
 * investors, stakers, governors, keys and the signer, the indexer and the API. Each subcommand is a
 * `ChainCommand` (global options --rpc, --account, --json ...; see docs/cli.md) or a raw command that
 * parses its own arguments. A failure prints one line `mzku: CODE: reason` on stderr and exits 2 for
 * bad input, 1 otherwise.
 */
import { cliFailure, errorFields, UsageError } from "@mzku/errors";
import { createLogger, type LogLevel, resolveLogLevel } from "@mzku/log";
import { type ChainCommand, chainCommandHelp, runChainCommand } from "../cli/command.js";
import type { RawCommand } from "../commands/keys.js";
import { chainCommands, rawCommands } from "../commandTable.js";
import { takeLogLevelFlag } from "../logLevelFlag.js";

type Entry = { name: string; summary: string } & (
  | { kind: "raw"; command: RawCommand }
  | { kind: "chain"; command: ChainCommand }
);
const entries: Entry[] = [
  ...rawCommands.map((command) => ({ name: command.name, summary: command.summary, kind: "raw" as const, command })),
  ...chainCommands.map((command) => ({
    name: command.name,
    summary: command.summary,
    kind: "chain" as const,
    command,
  })),
];

function listing(list: readonly Entry[]): string {
  const width = Math.max(...list.map((e) => e.name.length)) + 2;
  return list.map((e) => `  mzku ${e.name.padEnd(width)}${e.summary}`).join("\n");
}

const usage = `Usage: mzku <command> [options]     (mzku <command> --help: options and examples)

${listing(entries)}

Chain commands take --rpc, --account/-a | --private-key | --keystore, --deployment and --json.
Logs are JSON lines on stderr (--log-level debug|info|warn|error, else MZKU_LOG_LEVEL, else info).
Exit codes: 0 done, 1 failed (chain state, network), 2 bad input; a failure prints one line
"mzku: CODE: reason" on stderr. See docs/cli.md.
`;

/** The log level once the flags are read (a failure's details are logged at debug level). */
let level: LogLevel | undefined;

async function main(argv: string[]): Promise<number> {
  const { level: flag, rest: args } = takeLogLevelFlag(argv);
  level = resolveLogLevel({ flag, env: process.env });
  const [first, second] = args;
  if (!first || first === "--help" || first === "-h" || first === "help") {
    process.stdout.write(usage);
    return 0;
  }
  const entry = entries.find((e) => e.name === `${first} ${second ?? ""}`) ?? entries.find((e) => e.name === first);
  if (!entry) {
    const group = entries.filter((e) => e.name.startsWith(`${first} `));
    if (group.length > 0) {
      if (second === undefined || second === "--help" || second === "-h") {
        process.stdout.write(`Usage: mzku ${first} <subcommand> [options]\n\n${listing(group)}\n`);
        return 0;
      }
      throw new UsageError("UNKNOWN_COMMAND", `unknown command "${first} ${second}" (try mzku ${first} --help)`);
    }
    throw new UsageError("UNKNOWN_COMMAND", `unknown command "${first}" (try mzku --help)`);
  }
  const rest = args.slice(entry.name.split(" ").length);
  if (rest.includes("--help") || rest.includes("-h")) {
    const { usage } = entry.command as RawCommand;
    process.stdout.write(
      entry.kind === "chain"
        ? chainCommandHelp(entry.command)
        : `${typeof usage === "string" ? usage : await usage()}\n`,
    );
    return 0;
  }
  if (entry.kind === "chain") {
    await runChainCommand(entry.command, rest);
    return 0;
  }
  return (await entry.command.run(rest, level)) ?? 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // What does not fit the one line (a tool's output, the values involved) is logged at debug level.
    if (level === "debug") createLogger({ component: "mzku", level }).debug("Command failed", errorFields(error));
    const failure = cliFailure("mzku", error);
    process.stderr.write(failure.line);
    process.exit(failure.exitCode);
  },
);
