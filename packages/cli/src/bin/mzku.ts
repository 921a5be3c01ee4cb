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
import { demo, demoUsage } from "../commands/demo.js";
import { devnet, devnetUsage } from "../commands/devnet.js";
import { govCommands } from "../commands/gov.js";
import { apiUsage, indexerService, indexerUsage, serveUsage } from "../commands/indexer.js";
import { keysCommands, type RawCommand } from "../commands/keys.js";
import { poolCommands } from "../commands/pool.js";
import { pool as poolExit, poolUsage as poolExitUsage } from "../commands/poolExit.js";
import { projectCommands } from "../commands/project.js";
import { providerCommands } from "../commands/provider.js";
import { rewardsCommands } from "../commands/rewards.js";
import { sidecar, sidecarUsage } from "../commands/sidecar.js";
import { stakeCommands } from "../commands/stake.js";
import { takeLogLevelFlag } from "../logLevelFlag.js";

const raw: RawCommand[] = [
  {
    name: "devnet",
    summary: "a local chain with the whole system (npm start)",
    usage: devnetUsage,
    run: (argv, level) => devnet(argv, createLogger({ component: "devnet", level: level as LogLevel })).then(() => 0),
  },
  {
    name: "demo",
    summary: "the seed's lifecycle on a fresh devnet, reconciled to the wei",
    usage: demoUsage,
    run: (argv, level) => demo(argv, level as LogLevel),
  },
  ...keysCommands,
  {
    name: "pool exit",
    summary: "exit a micro-pool's validator after its end time (threshold signer, EIP-7002 fallback)",
    usage: poolExitUsage,
    run: (argv, level) =>
      poolExit(["exit", ...argv], createLogger({ component: "pool", level: level as LogLevel })).then(() => 0),
  },
  {
    name: "indexer start",
    summary: "follow the protocol's events into a database",
    usage: indexerUsage,
    run: (argv, level) => indexerService("indexer", ["start", ...argv], level).then(() => 0),
  },
  {
    name: "api start",
    summary: "serve the read API over an indexer's database",
    usage: apiUsage,
    run: (argv, level) => indexerService("api", ["start", ...argv], level).then(() => 0),
  },
  {
    name: "sidecar start",
    summary: "the daemon beside a node: supervision, peer audits, libp2p mesh, uptime reports",
    usage: sidecarUsage,
    run: (argv, level) =>
      sidecar(["start", ...argv], createLogger({ component: "sidecar", level: level as LogLevel })).then(() => 0),
  },
  {
    name: "serve",
    summary: "the indexer and the read API in one process",
    usage: serveUsage,
    run: (argv, level) => indexerService("serve", argv, level).then(() => 0),
  },
];

const chain: ChainCommand[] = [
  ...providerCommands,
  ...projectCommands,
  ...poolCommands,
  ...stakeCommands,
  ...rewardsCommands,
  ...govCommands,
];

type Entry = { name: string; summary: string } & (
  | { kind: "raw"; command: RawCommand }
  | { kind: "chain"; command: ChainCommand }
);
const entries: Entry[] = [
  ...raw.map((command) => ({ name: command.name, summary: command.summary, kind: "raw" as const, command })),
  ...chain.map((command) => ({ name: command.name, summary: command.summary, kind: "chain" as const, command })),
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
