import { type Deployment, parseDeployment } from "@mzku/sdk";
import { DashboardError } from "./errors.js";

/**
 * What the page needs at run time, read from `config.json` next to index.html (so one static build
 * serves any network): where the read API and the chain's JSON-RPC are, and the deployment (the
 * deploy script's file, `contracts/deployments/<name>.json`, embedded as is).
 */
export type DashboardConfig = {
  /** The read API; null when the page runs without one (`mzku devnet --no-indexer`): chain-only views. */
  apiUrl: string | null;
  rpcUrl: string;
  deployment: Deployment;
  /** Devnet mode: anvil's public dev accounts can be chosen without a wallet. */
  devnet: boolean;
};

function url(value: unknown, field: string): string {
  if (typeof value !== "string")
    throw new DashboardError("CONFIG_INVALID", `config.json: ${field} must be a URL string`);
  try {
    return new URL(value).toString().replace(/\/$/, "");
  } catch (cause) {
    throw new DashboardError("CONFIG_INVALID", `config.json: ${field} is not a URL: ${value}`, { cause });
  }
}

export function parseConfig(raw: unknown): DashboardConfig {
  if (typeof raw !== "object" || raw === null) throw new DashboardError("CONFIG_INVALID", "config.json: not an object");
  const r = raw as Record<string, unknown>;
  return {
    apiUrl: r.apiUrl === undefined || r.apiUrl === null ? null : url(r.apiUrl, "apiUrl"),
    rpcUrl: url(r.rpcUrl, "rpcUrl"),
    deployment: parseDeployment(JSON.stringify(r.deployment ?? null), "config.json deployment"),
    devnet: r.devnet === true,
  };
}

export async function loadConfig(location = "./config.json"): Promise<DashboardConfig> {
  let response: Response;
  try {
    response = await fetch(location, { cache: "no-store" });
  } catch (cause) {
    throw new DashboardError("CONFIG_MISSING", `could not fetch ${location}`, { cause });
  }
  if (!response.ok) {
    throw new DashboardError(
      "CONFIG_MISSING",
      `${location} answered ${response.status}: put a config.json next to index.html (docs/dashboard.md)`,
    );
  }
  return parseConfig(await response.json().catch(() => null));
}
