#!/usr/bin/env node
import { cliFailure, errorFields, UsageError } from "@mzku/errors";
import { createLogger, type LogLevel, resolveLogLevel } from "@mzku/log";
import { devnet, devnetUsage } from "../commands/devnet.js";
import { apiUsage, indexerService, indexerUsage, serveUsage } from "../commands/indexer.js";
import { pool, poolUsage } from "../commands/pool.js";
import { sidecar, sidecarUsage } from "../commands/sidecar.js";
import { takeLogLevelFlag } from "../logLevelFlag.js";

const commands: Record<string, { usage: string; run: (argv: string[], level: LogLevel) => Promise<void> }> = {
  devnet: { usage: devnetUsage, run: (argv, level) => devnet(argv, createLogger({ component: "devnet", level })) },
  indexer: { usage: indexerUsage, run: (argv, level) => indexerService("indexer", argv, level) },
  api: { usage: apiUsage, run: (argv, level) => indexerService("api", argv, level) },
  serve: { usage: serveUsage, run: (argv, level) => indexerService("serve", argv, level) },
  pool: { usage: poolUsage, run: (argv, level) => pool(argv, createLogger({ component: "pool", level })) },
  sidecar: { usage: sidecarUsage, run: (argv, level) => sidecar(argv, createLogger({ component: "sidecar", level })) },
};

const usage = `Usage: mzku <command> [options] [--log-level debug|info|warn|error]

Logs are JSON lines on stderr; the level comes from --log-level, else MZKU_LOG_LEVEL, else info.

Commands:
${Object.values(commands)
  .map((c) => `  ${c.usage.split("\n")[0]}`)
  .join("\n")}\n`;

/** The log level once the flags are read (a failure's details are logged at debug level). */
let level: LogLevel | undefined;

async function main(argv: string[]): Promise<void> {
  const { level: flag, rest: args } = takeLogLevelFlag(argv);
  level = resolveLogLevel({ flag, env: process.env });
  const [name, ...rest] = args;
  if (!name || name === "--help" || name === "-h") {
    process.stdout.write(usage);
    return;
  }
  const command = commands[name];
  if (!command) throw new UsageError("UNKNOWN_COMMAND", `unknown command "${name}" (try mzku --help)`);
  if (rest.includes("--help")) {
    process.stdout.write(`${command.usage}\n`);
    return;
  }
  await command.run(rest, level);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  // What does not fit the one line (a tool's output, the values involved) is logged at debug level.
  if (level === "debug") createLogger({ component: "mzku", level }).debug("Command failed", errorFields(error));
  const failure = cliFailure("mzku", error);
  process.stderr.write(failure.line);
  process.exit(failure.exitCode);
});
