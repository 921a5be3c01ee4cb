import type { Hex, TransactionReceipt } from "viem";
import { bytesToHex } from "viem";
import { projectMarket, providerRegistry } from "../actions/index.js";
import type { Deployment } from "../deployment.js";
import { ensureMzkuAllowance, type SigningClient } from "./allowance.js";

/** Resources of a node or a project. */
export type Resources = { cpuCores: number; ramGb: number; storageGb: number; bandwidthMbps: number };

/** What a provider declares when it applies. */
export type ProviderApplicationInput = {
  brandName: string;
  capacity: Resources;
  /** Most the provider asks for a project, MZKU wei. */
  priceCap: bigint;
  metadataURI: string;
};

/** Applies as a provider; returns the new provider id. */
export async function applyAsProvider(
  wallet: SigningClient,
  deployment: Deployment,
  application: ProviderApplicationInput,
): Promise<{ providerId: bigint; receipt: TransactionReceipt }> {
  const { providerId, ...receipt } = await providerRegistry.applyAsProvider(wallet, {
    address: deployment.contracts.ProviderRegistry,
    args: [application.brandName, application.capacity, application.priceCap, application.metadataURI],
  });
  return { providerId, receipt };
}

/** Locks `amount` MZKU as provider collateral (approving the registry first when needed). */
export async function depositCollateral(
  wallet: SigningClient,
  deployment: Deployment,
  amount: bigint,
): Promise<TransactionReceipt> {
  const address = deployment.contracts.ProviderRegistry;
  await ensureMzkuAllowance(wallet, deployment, address, amount);
  return providerRegistry.depositCollateral(wallet, { address, args: [amount] });
}

/**
 * Tops the caller's bid-bond balance at the market up to `bond` MZKU wei (a commit locks one project's
 * bond from it; a reveal returns it). Returns the amount deposited (0 when it already sufficed).
 */
export async function ensureBidBond(wallet: SigningClient, deployment: Deployment, bond: bigint): Promise<bigint> {
  const address = deployment.contracts.ProjectMarket;
  const balance = await projectMarket.bondBalanceOf(wallet, { address, args: [wallet.account.address] });
  if (balance >= bond) return 0n;
  const missing = bond - balance;
  await ensureMzkuAllowance(wallet, deployment, address, missing);
  await projectMarket.depositBond(wallet, { address, args: [missing] });
  return missing;
}

/** A fresh random bid salt (32 bytes from the platform's CSPRNG). */
export function newBidSalt(): Hex {
  return bytesToHex(crypto.getRandomValues(new Uint8Array(32)));
}

/** A sealed bid: what `revealBid` needs later. Keep the salt secret until the reveal. */
export type SealedBid = { projectId: bigint; index: bigint; price: bigint; salt: Hex; commitment: Hex };

/**
 * Commits a sealed bid of `price` MZKU wei on `projectId`, first topping up the bid bond to the
 * project's bond. Returns the bid (slot index, salt) to keep for the reveal.
 */
export async function commitBid(
  wallet: SigningClient,
  deployment: Deployment,
  bid: { projectId: bigint; price: bigint; salt?: Hex },
): Promise<SealedBid & { receipt: TransactionReceipt }> {
  const address = deployment.contracts.ProjectMarket;
  const project = await projectMarket.getProject(wallet, { address, args: [bid.projectId] });
  await ensureBidBond(wallet, deployment, project.bidBond);
  const salt = bid.salt ?? newBidSalt();
  const commitment = await projectMarket.commitmentOf(wallet, {
    address,
    args: [bid.price, salt, wallet.account.address, bid.projectId],
  });
  const { index, ...receipt } = await projectMarket.commit(wallet, { address, args: [bid.projectId, commitment] });
  return { projectId: bid.projectId, index, price: bid.price, salt, commitment, receipt };
}

/** Reveals a bid committed with `commitBid`. */
export function revealBid(
  wallet: SigningClient,
  deployment: Deployment,
  bid: Pick<SealedBid, "projectId" | "index" | "price" | "salt">,
): Promise<TransactionReceipt> {
  return projectMarket.reveal(wallet, {
    address: deployment.contracts.ProjectMarket,
    args: [bid.projectId, bid.index, bid.price, bid.salt],
  });
}
