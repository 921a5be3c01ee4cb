import type { Logger } from "@mzku/log";
import { runSidecar, sidecarUsage as usage } from "@mzku/sidecar";

export const sidecarUsage = usage;

/** `mzku sidecar start ...`: runs the sidecar (packages/sidecar) until SIGTERM/SIGINT. */
export function sidecar(argv: string[], log: Logger): Promise<void> {
  return runSidecar(argv, log);
}
