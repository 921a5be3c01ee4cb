import type { TransactionReceipt } from "viem";
import { pricingPolicy, projectMarket } from "../actions/index.js";
import type { Deployment } from "../deployment.js";
import { ensureMzkuAllowance, type SigningClient } from "./allowance.js";
import type { Resources } from "./provider.js";

/** What a requester asks for. */
export type ProjectRequest = {
  resources: Resources;
  /** Seconds. */
  duration: bigint;
  projectType: number;
  /** Most the requester will pay (MZKU wei); default: the quote. */
  maxFixedPrice?: bigint;
};

/** An opened project: its id, the fixed price paid and the auction's windows. */
export type RequestedProject = {
  projectId: bigint;
  fixedPrice: bigint;
  commitEndBlock: bigint;
  revealEndBlock: bigint;
  receipt: TransactionReceipt;
};

/**
 * Opens a project: quotes the fixed price, approves it and opens the auction. Returns the new project
 * id, the fixed price paid and the auction's windows (commit until `commitEndBlock`, reveal until
 * `revealEndBlock`).
 */
export async function requestProject(
  wallet: SigningClient,
  deployment: Deployment,
  request: ProjectRequest,
): Promise<RequestedProject> {
  const { ProjectMarket, PricingPolicy } = deployment.contracts;
  const [quoted] = await pricingPolicy.quote(wallet, {
    address: PricingPolicy,
    args: [request.resources, request.duration, request.projectType],
  });
  const max = request.maxFixedPrice ?? quoted;
  await ensureMzkuAllowance(wallet, deployment, ProjectMarket, quoted);
  const { projectId, ...receipt } = await projectMarket.openProject(wallet, {
    address: ProjectMarket,
    args: [request.resources, request.duration, request.projectType, max],
  });
  const project = await projectMarket.getProject(wallet, { address: ProjectMarket, args: [projectId] });
  return {
    projectId,
    fixedPrice: project.fixedPrice,
    commitEndBlock: BigInt(project.commitEndBlock),
    revealEndBlock: BigInt(project.revealEndBlock),
    receipt,
  };
}
