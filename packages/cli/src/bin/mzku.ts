#!/usr/bin/env node
import { MzkuError } from "@mzku/sdk";
import { devnet, devnetUsage } from "../commands/devnet.js";
import { apiUsage, indexerService, indexerUsage, serveUsage } from "../commands/indexer.js";
import { CliError } from "../errors.js";
import { createLogger } from "../log.js";

const commands: Record<string, { usage: string; run: (argv: string[]) => Promise<void> }> = {
  devnet: { usage: devnetUsage, run: (argv) => devnet(argv, createLogger("devnet")) },
  indexer: { usage: indexerUsage, run: (argv) => indexerService("indexer", argv) },
  api: { usage: apiUsage, run: (argv) => indexerService("api", argv) },
  serve: { usage: serveUsage, run: (argv) => indexerService("serve", argv) },
};

const usage = `Usage: mzku <command> [options]\n\nCommands:\n${Object.values(commands)
  .map((c) => `  ${c.usage.split("\n")[0]}`)
  .join("\n")}\n`;

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h") {
    process.stdout.write(usage);
    return;
  }
  const command = commands[name];
  if (!command) throw new CliError("UNKNOWN_COMMAND", `unknown command "${name}" (try mzku --help)`, 2);
  if (rest.includes("--help")) {
    process.stdout.write(`${command.usage}\n`);
    return;
  }
  await command.run(rest);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof CliError) {
    process.stderr.write(`mzku: ${error.code}: ${error.message}\n`);
    process.exit(error.exitCode);
  }
  if (error instanceof MzkuError) {
    process.stderr.write(`mzku: ${error.code}: ${error.shortMessage}\n`);
    process.exit(1);
  }
  if (error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS")) {
    process.stderr.write(`mzku: BAD_ARGUMENTS: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`mzku: INTERNAL: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
