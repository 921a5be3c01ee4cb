/**
 * `mzku sidecar start` and `mzku-sidecar start`: parse flags, load the configuration, run the sidecar
 * until SIGTERM or SIGINT, then stop everything it started and resolve.
 */
import { parseArgs } from "node:util";
import { UsageError } from "@mzku/errors";
import type { Logger } from "@mzku/log";
import { loadConfig } from "./config.js";
import { DAEMON_V8_FLAGS, tuneDaemonHeap } from "./heap.js";
import { Sidecar } from "./sidecar.js";

export const sidecarUsage = `mzku sidecar start [--config sidecar.json] [--rpc-url URL] [--deployment FILE]
                   [--data-dir DIR] [--http-port N] [--node-url URL] [--node-kind evm|beacon]
                   [--bootstrap MULTIADDR]...

Runs the sidecar beside a node: supervises it (node.command in the config) or attaches to node.url,
joins the audit roster of the UptimeReports contract, probes its assigned peers each period, gossips
signed observations over libp2p and reports its votes on-chain. The sidecar key comes from keyFile in
the config or MZKU_SIDECAR_PRIVATE_KEY. Metrics and status: http://127.0.0.1:<http-port>/metrics,
/status. Every setting can also be given as MZKU_SIDECAR_<NAME> (RPC_URL, DEPLOYMENT, DATA_DIR,
HTTP_PORT, NODE_URL, NODE_KIND, BOOTSTRAP comma-separated, REPORT_MODE individual|aggregate,
AGGREGATOR true|false, CONFIG). Stops cleanly on SIGTERM/SIGINT.`;

/** Runs `sidecar start <flags>` until a signal; `argv` starts after `sidecar`. */
export async function runSidecar(argv: string[], log: Logger): Promise<void> {
  const [command, ...rest] = argv;
  if (command !== "start") throw new UsageError("USAGE", `unknown sidecar command ${command ?? "(none)"}; try: start`);
  const { values } = parseArgs({
    args: rest,
    options: {
      config: { type: "string" },
      "rpc-url": { type: "string" },
      deployment: { type: "string" },
      "data-dir": { type: "string" },
      "http-port": { type: "string" },
      "node-url": { type: "string" },
      "node-kind": { type: "string" },
      bootstrap: { type: "string", multiple: true },
    },
    strict: true,
  });
  const config = loadConfig({
    ...(values.config ? { config: values.config } : {}),
    ...(values["rpc-url"] ? { rpcUrl: values["rpc-url"] } : {}),
    ...(values.deployment ? { deployment: values.deployment } : {}),
    ...(values["data-dir"] ? { dataDir: values["data-dir"] } : {}),
    ...(values["http-port"] ? { httpPort: values["http-port"] } : {}),
    ...(values["node-url"] ? { nodeUrl: values["node-url"] } : {}),
    ...(values["node-kind"] ? { nodeKind: values["node-kind"] } : {}),
    ...(values.bootstrap ? { bootstrap: values.bootstrap } : {}),
  });
  tuneDaemonHeap();
  log.debug("V8 heap policy set", { flags: DAEMON_V8_FLAGS });
  const sidecar = new Sidecar(config, log.child({ component: "sidecar" }));
  let signalled = false;
  const stopped = new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      signalled = true;
      log.info("signal received; stopping", { signal });
      void sidecar.stop().then(resolve); // idempotent: a second signal waits for the same stop
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });
  try {
    await sidecar.start();
  } catch (error) {
    await sidecar.stop();
    if (signalled) return; // stopped while starting (e.g. waiting for the deployment): a clean stop
    throw error;
  }
  await stopped;
}
