/**
 * The sidecar's deployment file, read at start. With `deploymentWaitMs` the start waits for the file
 * to appear (a launcher deploying the protocol itself starts the daemon meanwhile and writes the file
 * whole, by rename, once the deployment is done); without, it must exist.
 */
import { readFileSync } from "node:fs";
import { UsageError } from "@mzku/errors";
import { type Deployment, parseDeployment } from "@mzku/sdk";

const POLL_MS = 100;

/** Reads and checks the deployment; waits up to `waitMs` for it to appear, unless `signal` aborts first. */
export async function readDeploymentFile(file: string, waitMs = 0, signal?: AbortSignal): Promise<Deployment> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    signal?.throwIfAborted();
    try {
      return parseDeployment(readFileSync(file, "utf8"), file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      if (Date.now() >= deadline)
        throw new UsageError(
          "CONFIG_INVALID",
          `deployment: ${file} does not exist${waitMs > 0 ? ` (waited ${waitMs} ms for it)` : ""}`,
          { cause: error },
        );
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
