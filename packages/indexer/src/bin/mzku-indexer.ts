#!/usr/bin/env node
// `mzku-indexer <indexer|api|serve> [options]`: the service without the rest of the CLI (containers,
// tests). `mzku indexer start`, `mzku api start` and `mzku serve` run the same code.
import { join } from "node:path";
import { contractsDir } from "@mzku/sdk/devnet";
import { IndexerError } from "../errors.js";
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
  const code = error instanceof IndexerError ? error.code : "INTERNAL";
  const message =
    error instanceof IndexerError ? error.shortMessage : error instanceof Error ? error.message : String(error);
  process.stderr.write(`mzku-indexer: ${code}: ${message}\n`);
  process.exit(code === "CONFIG_INVALID" ? 2 : 1);
});
