import { type Deployment, projectMarket } from "@mzku/sdk";
import type { Client } from "viem";

export async function openOneDayProject(walletClient: Client, deployment: Deployment, maxFixedPrice: bigint) {
  const resources = { cpuCores: 4, ramGb: 16, storageGb: 500, bandwidthMbps: 100 };
  const { projectId, transactionHash } = await projectMarket.openProject(walletClient, {
    address: deployment.contracts.ProjectMarket,
    args: [resources, 86_400n, 2, maxFixedPrice],
  });
  return { projectId, transactionHash };
}
