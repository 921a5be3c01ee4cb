/**
 * The sidecar's configuration: defaults < JSON config file < environment (`MZKU_SIDECAR_*`) < flags.
 * Every value is checked here, once; a bad one is a `UsageError` `CONFIG_INVALID` naming the key.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { UsageError } from "@mzku/errors";
import type { Hex } from "viem";
import type { CapacityConfig } from "./node/capacity.js";

export type NodeKind = "evm" | "beacon";

export interface NodeConfig {
  /** `evm`: an execution node over JSON-RPC; `beacon`: a consensus node over the Beacon API. */
  readonly kind: NodeKind;
  /** Where the sidecar checks its own node. */
  readonly url: string;
  /** The node's health endpoint as auditors reach it (announced to peers); default `url`. */
  readonly publicUrl: string;
  /** Supervise: the command that starts the node (argv). Absent: attach to `url`. */
  readonly command?: readonly string[];
  /** A node whose head is older than this is not healthy. */
  readonly maxHeadLagSeconds: number;
  /** Restart backoff of a supervised node: first delay, doubling up to the max. */
  readonly restartMinMs: number;
  readonly restartMaxMs: number;
  /**
   * Report the node's capacity to the NodeRegistry: absent, the registered resources stand; `{}`, the
   * host's measured cores, RAM and disk; a component given overrides the measurement.
   */
  readonly capacity?: CapacityConfig;
  /** The directory the node stores its data in (its disk size is the measured storage); default `dataDir`. */
  readonly dataDir?: string;
}

export interface ReportConfig {
  /**
   * `individual`: one `report` transaction per sidecar per period. `aggregate`: the sidecars gossip
   * signed verdicts, one aggregator posts one co-signed aggregate per period for the whole network, and
   * the individual report is sent only as a fallback (docs/sidecar.md, "Aggregated report").
   */
  readonly mode: "individual" | "aggregate";
  /** Aggregate mode: this sidecar builds and posts the aggregates (and pays the bond). */
  readonly aggregator: boolean;
}

export interface SidecarConfig {
  /** Chain RPC: where reports are sent and the registry read. */
  readonly rpcUrl: string;
  /** The deployment file (`contracts/deployments/<name>.json`). */
  readonly deploymentFile: string;
  /**
   * How long the start waits for the deployment file to appear (0, the default: it must exist). A
   * launcher that deploys the protocol itself (`mzku devnet`) starts the daemon meanwhile and writes
   * the file, whole, once the deployment is done.
   */
  readonly deploymentWaitMs?: number;
  /** The sidecar's key (the address registered with its node). From a file or the environment only. */
  readonly privateKey: Hex;
  /** SQLite database and the libp2p peer key live here. */
  readonly dataDir: string;
  readonly node: NodeConfig;
  /** libp2p listen addresses (default one TCP port on 127.0.0.1). */
  readonly listen: readonly string[];
  /** Multiaddrs (with /p2p/<peerId>) dialled at start. */
  readonly bootstrap: readonly string[];
  /** Metrics and status endpoint port on 127.0.0.1 (0: any free port). */
  readonly httpPort: number;
  /** Time between probe rounds of the targets (several per period). */
  readonly probeIntervalMs: number;
  /** Time between announcements of this sidecar's endpoints over gossip. */
  readonly announceIntervalMs: number;
  /** Time between steps of the period loop (open, report, outbox). */
  readonly tickMs: number;
  /** A target is voted up when at least this share of its probes in the period succeeded. */
  readonly upThresholdBps: number;
  /** Timeout of one probe (health call or ping). */
  readonly probeTimeoutMs: number;
  /** Time between capacity measurements (a report is sent only when the measurement differs on-chain). */
  readonly capacityIntervalMs: number;
  readonly report: ReportConfig;
}

/** Flags of `mzku sidecar start` (all optional; they override file and environment). */
export interface SidecarFlags {
  readonly config?: string;
  readonly rpcUrl?: string;
  readonly deployment?: string;
  readonly dataDir?: string;
  readonly httpPort?: string;
  readonly nodeUrl?: string;
  readonly nodeKind?: string;
  readonly bootstrap?: readonly string[];
}

const ENV = "MZKU_SIDECAR_";

const DEFAULTS = {
  listen: ["/ip4/127.0.0.1/tcp/0"],
  bootstrap: [] as string[],
  httpPort: 9464,
  deploymentWaitMs: 0,
  probeIntervalMs: 30_000,
  announceIntervalMs: 60_000,
  tickMs: 5_000,
  upThresholdBps: 5_000,
  probeTimeoutMs: 3_000,
  capacityIntervalMs: 600_000,
  maxHeadLagSeconds: 60,
  restartMinMs: 500,
  restartMaxMs: 30_000,
};

/** Reads and checks the configuration from a file (`flags.config` or `MZKU_SIDECAR_CONFIG`), env and flags. */
export function loadConfig(flags: SidecarFlags = {}, env: NodeJS.ProcessEnv = process.env): SidecarConfig {
  const file = flags.config ?? env[`${ENV}CONFIG`];
  const raw: Record<string, unknown> = file ? readJson(file) : {};
  const base = file ? resolve(file, "..") : process.cwd();
  const node = (raw.node ?? {}) as Record<string, unknown>;
  const pick = (key: string, flag: string | undefined, envKey: string): unknown =>
    flag ?? env[`${ENV}${envKey}`] ?? raw[key];

  const privateKey = readKey(raw, env, base);
  const url = str("node.url", flags.nodeUrl ?? env[`${ENV}NODE_URL`] ?? node.url);
  const kind = str("node.kind", flags.nodeKind ?? env[`${ENV}NODE_KIND`] ?? node.kind ?? "evm");
  if (kind !== "evm" && kind !== "beacon") bad("node.kind", `must be "evm" or "beacon", got ${kind}`);
  const command = node.command === undefined ? undefined : strList("node.command", node.command);
  if (command && command.length === 0) bad("node.command", "must name a program");
  const capacity = node.capacity === undefined ? undefined : capacityConfig(node.capacity);
  const bootstrapEnv = env[`${ENV}BOOTSTRAP`]?.split(",").filter(Boolean);
  const report = reportConfig(raw.report ?? {}, env);

  return {
    rpcUrl: httpUrl("rpcUrl", pick("rpcUrl", flags.rpcUrl, "RPC_URL")),
    deploymentFile: resolve(base, str("deployment", pick("deployment", flags.deployment, "DEPLOYMENT"))),
    deploymentWaitMs: int(
      "deploymentWaitMs",
      pick("deploymentWaitMs", undefined, "DEPLOYMENT_WAIT_MS") ?? DEFAULTS.deploymentWaitMs,
      0,
    ),
    privateKey,
    dataDir: resolve(base, str("dataDir", pick("dataDir", flags.dataDir, "DATA_DIR"))),
    node: {
      kind,
      url: httpUrl("node.url", url),
      publicUrl: httpUrl("node.publicUrl", node.publicUrl ?? url),
      ...(command ? { command } : {}),
      maxHeadLagSeconds: int("node.maxHeadLagSeconds", node.maxHeadLagSeconds ?? DEFAULTS.maxHeadLagSeconds, 1),
      restartMinMs: int("node.restartMinMs", node.restartMinMs ?? DEFAULTS.restartMinMs, 1),
      restartMaxMs: int("node.restartMaxMs", node.restartMaxMs ?? DEFAULTS.restartMaxMs, 1),
      ...(capacity ? { capacity } : {}),
      ...(node.dataDir === undefined ? {} : { dataDir: resolve(base, str("node.dataDir", node.dataDir)) }),
    },
    listen: strList("listen", raw.listen ?? DEFAULTS.listen),
    bootstrap: strList("bootstrap", flags.bootstrap ?? bootstrapEnv ?? raw.bootstrap ?? DEFAULTS.bootstrap),
    httpPort: int("httpPort", pick("httpPort", flags.httpPort, "HTTP_PORT") ?? DEFAULTS.httpPort, 0, 65_535),
    probeIntervalMs: int("probeIntervalMs", raw.probeIntervalMs ?? DEFAULTS.probeIntervalMs, 10),
    announceIntervalMs: int("announceIntervalMs", raw.announceIntervalMs ?? DEFAULTS.announceIntervalMs, 10),
    tickMs: int("tickMs", raw.tickMs ?? DEFAULTS.tickMs, 10),
    upThresholdBps: int("upThresholdBps", raw.upThresholdBps ?? DEFAULTS.upThresholdBps, 0, 10_000),
    probeTimeoutMs: int("probeTimeoutMs", raw.probeTimeoutMs ?? DEFAULTS.probeTimeoutMs, 10),
    capacityIntervalMs: int("capacityIntervalMs", raw.capacityIntervalMs ?? DEFAULTS.capacityIntervalMs, 1_000),
    report,
  };
}

function reportConfig(value: unknown, env: NodeJS.ProcessEnv): ReportConfig {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    bad("report", "must be an object of mode and aggregator (each optional)");
  }
  const r = value as Record<string, unknown>;
  for (const k of Object.keys(r)) if (k !== "mode" && k !== "aggregator") bad(`report.${k}`, "unknown key");
  const mode = env[`${ENV}REPORT_MODE`] ?? r.mode ?? "individual";
  if (mode !== "individual" && mode !== "aggregate") {
    bad("report.mode", `must be "individual" or "aggregate", got ${String(mode)}`);
  }
  const flag = env[`${ENV}AGGREGATOR`] ?? r.aggregator ?? false;
  const aggregator = flag === true || flag === "true" ? true : flag === false || flag === "false" ? false : undefined;
  if (aggregator === undefined) bad("report.aggregator", `must be true or false, got ${String(flag)}`);
  if (aggregator && mode !== "aggregate") bad("report.aggregator", 'needs report.mode "aggregate"');
  return { mode, aggregator };
}

function capacityConfig(value: unknown): CapacityConfig {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    bad("node.capacity", "must be an object of cpuCores, ramGb, storageGb, bandwidthMbps (each optional)");
  }
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(value)) {
    if (!["cpuCores", "ramGb", "storageGb", "bandwidthMbps"].includes(k)) bad(`node.capacity.${k}`, "unknown key");
    out[k] = int(`node.capacity.${k}`, v, 1, 2 ** 32 - 1);
  }
  return out;
}

function readKey(raw: Record<string, unknown>, env: NodeJS.ProcessEnv, base: string): Hex {
  const fromEnv = env[`${ENV}PRIVATE_KEY`];
  let key: string | undefined = fromEnv;
  if (!key && raw.keyFile !== undefined) {
    const path = resolve(base, str("keyFile", raw.keyFile));
    try {
      key = readFileSync(path, "utf8").trim();
    } catch (cause) {
      throw new UsageError("CONFIG_INVALID", `keyFile: cannot read ${path}`, { cause });
    }
  }
  if (!key) bad("keyFile", `the sidecar key is required: keyFile in the config or ${ENV}PRIVATE_KEY`);
  const k = key.startsWith("0x") ? key : `0x${key}`;
  if (!/^0x[0-9a-fA-F]{64}$/.test(k)) bad("keyFile", "the sidecar key must be 32 bytes of hex");
  return k as Hex;
}

function readJson(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (cause) {
    throw new UsageError("CONFIG_INVALID", `config: cannot read ${file}`, { cause });
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== "object" || value === null || Array.isArray(value)) bad("config", "must be a JSON object");
    return value as Record<string, unknown>;
  } catch (cause) {
    if (cause instanceof UsageError) throw cause;
    throw new UsageError("CONFIG_INVALID", `config: ${file} is not valid JSON`, { cause });
  }
}

function bad(key: string, why: string): never {
  throw new UsageError("CONFIG_INVALID", `${key}: ${why}`, { details: { key } });
}

function str(key: string, value: unknown): string {
  if (typeof value !== "string" || value === "") bad(key, "is required (a non-empty string)");
  return value;
}

function strList(key: string, value: unknown): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) bad(key, "must be a list of strings");
  return value as string[];
}

function int(key: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = typeof value === "string" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
    bad(key, `must be an integer in [${min}, ${max}], got ${String(value)}`);
  }
  return n;
}

function httpUrl(key: string, value: unknown): string {
  const s = str(key, value);
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    bad(key, `is not a URL: ${s}`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") bad(key, `must be http(s): ${s}`);
  return s;
}
