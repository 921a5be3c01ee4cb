import type { Logger } from "@mzku/log";

/** `mzku sidecar start --help`: the sidecar's own usage, loaded on use like the command. */
export async function sidecarUsage(): Promise<string> {
  const { sidecarUsage } = await import("@mzku/sidecar");
  return `${sidecarUsage}

Example:
  MZKU_SIDECAR_PRIVATE_KEY=0x… mzku sidecar start --rpc-url http://127.0.0.1:8545 \\
    --node-url http://127.0.0.1:8545 --node-kind evm --data-dir sidecar1 --http-port 9700`;
}

/**
 * `mzku sidecar start ...`: runs the sidecar (packages/sidecar) until SIGTERM/SIGINT. Loaded on use:
 * libp2p and the sidecar's stack stay out of every other command's start-up.
 */
export async function sidecar(argv: string[], log: Logger): Promise<void> {
  const { runSidecar } = await import("@mzku/sidecar");
  return runSidecar(argv, log);
}
