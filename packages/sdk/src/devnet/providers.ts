import { mzkuToken, providerRegistry } from "../actions/index.js";
import type { Deployment } from "../deployment.js";
import type { TrustTier } from "../enums.js";
import type { ProposalAction } from "../proposal.js";
import * as proposals from "../proposals/index.js";
import type { DevWallet } from "./accounts.js";

const E = 10n ** 18n;

/** What a provider declares when it applies. */
export type ProviderApplication = {
  brandName: string;
  capacity?: { cpuCores: number; ramGb: number; storageGb: number; bandwidthMbps: number };
  /** Most the provider asks for a project, MZKU wei (default 1,000 MZKU). */
  priceCap?: bigint;
  metadataURI?: string;
  /** Collateral to lock, MZKU wei (default Pmin = 10,000 MZKU). */
  collateral?: bigint;
};

/**
 * A provider applies and locks its collateral (approve + depositCollateral); returns its provider id.
 * Qualification is governance's act: see `qualifyActions`.
 */
export async function registerProvider(
  deployment: Deployment,
  wallet: DevWallet,
  application: ProviderApplication,
): Promise<bigint> {
  const { ProviderRegistry, MzkuToken } = deployment.contracts;
  const collateral = application.collateral ?? 10_000n * E;
  const { providerId } = await providerRegistry.applyAsProvider(wallet, {
    address: ProviderRegistry,
    args: [
      application.brandName,
      application.capacity ?? { cpuCores: 16, ramGb: 64, storageGb: 8000, bandwidthMbps: 1000 },
      application.priceCap ?? 1000n * E,
      application.metadataURI ?? `ipfs://${application.brandName}`,
    ],
  });
  await mzkuToken.approve(wallet, { address: MzkuToken, args: [ProviderRegistry, collateral] });
  await providerRegistry.depositCollateral(wallet, { address: ProviderRegistry, args: [collateral] });
  return providerId;
}

/** Proposal actions that qualify `providerIds` (a proposal carries at most 16 actions). */
export function qualifyActions(deployment: Deployment, providerIds: readonly bigint[]): ProposalAction[] {
  const address = deployment.contracts.ProviderRegistry;
  return providerIds.map((id) => proposals.providerRegistry.qualify({ address, args: [id] }));
}

/** Proposal action that sets a provider's trust tier (`TrustTier.Trusted`, ...) and k. */
export function trustTierAction(
  deployment: Deployment,
  providerId: bigint,
  tier: TrustTier,
  k: bigint,
): ProposalAction {
  return proposals.providerRegistry.setTrustTier({
    address: deployment.contracts.ProviderRegistry,
    args: [providerId, tier, k],
  });
}

/**
 * Proposal actions that enable project type `projectType` at a flat `basePerDay` MZKU wei per day
 * (no per-resource prices, first-price auction, no expected return).
 */
export function flatPricingActions(deployment: Deployment, projectType: number, basePerDay: bigint): ProposalAction[] {
  const address = deployment.contracts.PricingPolicy;
  const prices = { basePerDay, perCpuCoreDay: 0n, perRamGbDay: 0n, perStorageGbDay: 0n, perBandwidthMbpsDay: 0n };
  const terms = { enabled: true, vickrey: false, expectedAprBps: 0, principalWei: 0n };
  return [
    proposals.pricingPolicy.setUnitPrices({ address, args: [projectType, prices] }),
    proposals.pricingPolicy.setTypeTerms({ address, args: [projectType, terms] }),
  ];
}
