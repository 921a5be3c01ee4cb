import { readFileSync } from "node:fs";
import { UsageError } from "@mzku/errors";
import type { Logger } from "@mzku/log";
import { applyAsProvider, type Deployment, depositCollateral, nodeRegistry, pricingPolicy, proposals } from "@mzku/sdk";
import { devAccount, devWallet } from "@mzku/sdk/devnet";
import { DEVNET_ACCOUNTS } from "./cli/accounts.js";

// What `mzku devnet` and `mzku demo` set up on a fresh deployment: the providers and their nodes, the
// governors, and the devnet's market settings.

/** Dev account indexes of the four devnet providers and the sidecars of their nodes. */
export const PROVIDERS = [1, 2, 3, 4].map((i) => ({
  name: `provider${i}`,
  index: DEVNET_ACCOUNTS[`provider${i}`] as number,
  sidecar: DEVNET_ACCOUNTS[`sidecar${i}`] as number,
}));
export const E = 10n ** 18n;
export const NODE = { cpuCores: 8, ramGb: 32, storageGb: 2000, bandwidthMbps: 1000 };
export const AUCTION_BLOCKS = 60;

/** The four devnet providers apply (their collateral comes after governance set the stake observers: see `lockCollateral`). */
export async function applyProviders(deployment: Deployment, rpcUrl: string, log: Logger): Promise<bigint[]> {
  const ids: bigint[] = [];
  for (const p of PROVIDERS) {
    const wallet = devWallet(rpcUrl, p.index);
    const { providerId } = await applyAsProvider(wallet, deployment, {
      brandName: `Provider ${p.name.slice(-1)}`,
      capacity: { cpuCores: 32, ramGb: 128, storageGb: 16_000, bandwidthMbps: 10_000 },
      priceCap: 1000n * E,
      metadataURI: `https://provider${p.name.slice(-1)}.devnet.invalid`,
    });
    log.info("Provider applied", { name: p.name, providerId: providerId.toString() });
    ids.push(providerId);
  }
  return ids;
}

/**
 * Each provider locks the minimum collateral (10,000 MZKU). Only after the Reward Pool observes the
 * ProviderRegistry: collateral locked before is not counted as a Reward Pool stake (setStakeObserver
 * carries no existing stake over).
 */
export async function lockCollateral(deployment: Deployment, rpcUrl: string): Promise<void> {
  for (const p of PROVIDERS) await depositCollateral(devWallet(rpcUrl, p.index), deployment, 10_000n * E);
}

/** Each qualified provider registers and activates one node run by its sidecar. */
export async function startNodes(deployment: Deployment, rpcUrl: string, log: Logger): Promise<void> {
  for (const p of PROVIDERS) {
    const wallet = devWallet(rpcUrl, p.index);
    const address = deployment.contracts.NodeRegistry;
    const { nodeId } = await nodeRegistry.registerNode(wallet, {
      address,
      args: [devAccount(p.sidecar).address, NODE],
    });
    await nodeRegistry.activateNode(wallet, { address, args: [nodeId] });
    log.info("Node active", { provider: p.name, nodeId: nodeId.toString() });
  }
}

/** The market parameters with 60-block commit and reveal windows (a devnet block comes every second: a minute each). */
export async function shortAuctionsAction(deployment: Deployment, rpcUrl: string) {
  const address = deployment.contracts.PricingPolicy;
  const params = await pricingPolicy.marketParams(devWallet(rpcUrl, 0), { address });
  return proposals.pricingPolicy.setMarketParams({
    address,
    args: [{ ...params, commitBlocks: AUCTION_BLOCKS, revealBlocks: AUCTION_BLOCKS }],
  });
}

/** The invited governors of the config, as dev accounts (their keys are anvil's public dev keys). */
export function devGovernors(configPath: string, rpcUrl: string) {
  const config = JSON.parse(readFileSync(configPath, "utf8")) as { governance?: { invited?: unknown } };
  const invited = config.governance?.invited;
  if (!Array.isArray(invited)) throw new UsageError("BAD_CONFIG", `${configPath}: governance.invited must be a list`);
  return invited.map((address) => {
    for (let i = 0; i < 20; i++) {
      if (devAccount(i).address.toLowerCase() === String(address).toLowerCase()) return devWallet(rpcUrl, i);
    }
    throw new UsageError("BAD_CONFIG", `invited governor ${String(address)} is not one of anvil's 20 dev accounts`);
  });
}
