import { join } from "node:path";
import { UsageError } from "@mzku/errors";
import type { ServiceMode } from "@mzku/indexer";
import { serviceUsage } from "@mzku/indexer/usage";
import { contractsDir } from "@mzku/sdk/devnet";

export const indexerUsage = `mzku indexer start [options]

Follows every MZKU contract's events from the deployment's start block into SQLite (default) or
PostgreSQL (--database-url), reorg-safe, resuming where it stopped.

${serviceUsage}

Example:
  mzku indexer start --db index.sqlite --confirmations 1 --metrics-port 9464`;

export const apiUsage = `mzku api start [options]

Serves the read API (JSON, OpenAPI 3.1 at /openapi.json, /health, /metrics) over a database an
indexer fills, on 127.0.0.1:8550 by default.

${serviceUsage}

Example:
  mzku api start --db index.sqlite --port 8550`;

export const serveUsage = `mzku serve [options]

The indexer and the read API in one process (the API on its own database connection).

${serviceUsage}

Example:
  mzku serve --db index.sqlite --confirmations 1 --port 8550`;

/** Runs `mode` until Ctrl-C; `start` is required after `indexer` and `api`. */
export async function indexerService(mode: ServiceMode, argv: string[], logLevel: string): Promise<void> {
  let rest = argv;
  if (mode !== "serve") {
    const [sub, ...more] = argv;
    if (sub !== "start") throw new UsageError("USAGE", `usage: mzku ${mode} start [options]`);
    rest = more;
  }
  // Loaded on use: the database drivers and the HTTP stack stay out of every other command's start-up.
  const { parseServiceArgs, runService } = await import("@mzku/indexer");
  await runService(parseServiceArgs(mode, rest, join(contractsDir(), "deployments", "devnet.json"), logLevel));
}
