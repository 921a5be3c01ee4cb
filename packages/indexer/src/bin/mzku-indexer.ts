#!/usr/bin/env node
// `mzku-indexer <indexer|api|serve> [options]`: the service without the rest of the CLI (containers,
// tests). `mzku indexer start`, `mzku api start` and `mzku serve` run the same code.
import { join } from "node:path";
import { cliFailure } from "@mzku/errors";
import { contractsDir } from "@mzku/sdk/devnet";
import { parseServiceArgs, runService, serviceUsage } from "../service.js";

const usage = `Usage: mzku-indexer <indexer|api|serve> [options]\n\n${serviceUsage}\n`;

async function main(argv: string[]): Promise<void> {
  const [mode, ...rest] = argv;
  if (mode !== "indexer" && mode !== "api" && mode !== "serve") {
    process.stdout.write(usage);
    if (mode !== undefined && mode !== "--help") process.exitCode = 2;
    return;
  }
  await runService(parseServiceArgs(mode, rest, join(contractsDir(), "deployments", "devnet.json")));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const failure = cliFailure("mzku-indexer", error);
  process.stderr.write(failure.line);
  process.exit(failure.exitCode);
});
