import { type Address, isAddress } from "viem";
import { protocolContractNames } from "./abis.js";
import { MzkuError } from "./errors.js";

/** Name of a protocol contract the sdk knows. */
export type ContractName = (typeof protocolContractNames)[number];

/** Where the protocol lives on one chain: written by the deploy script, read by every tool. */
export type Deployment = {
  chainId: number;
  /** Block of the deployment: where indexers start. */
  startBlock: bigint;
  contracts: Record<ContractName, Address>;
};

/** Parses and checks a deployment file (`contracts/deployments/<chainId>.json`). */
export function parseDeployment(json: string, source = "deployment"): Deployment {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (cause) {
    throw new MzkuError("DEPLOYMENT_INVALID", `${source}: not JSON`, { cause });
  }
  if (typeof raw !== "object" || raw === null) throw new MzkuError("DEPLOYMENT_INVALID", `${source}: not an object`);
  const record = raw as Record<string, unknown>;
  const chainId = Number(record.chainId);
  if (!Number.isInteger(chainId) || chainId <= 0) {
    throw new MzkuError("DEPLOYMENT_INVALID", `${source}: chainId is missing or invalid`);
  }
  const contracts = {} as Record<ContractName, Address>;
  for (const name of protocolContractNames) {
    const address = record[name];
    if (typeof address !== "string" || !isAddress(address)) {
      throw new MzkuError("DEPLOYMENT_INVALID", `${source}: address of ${name} is missing or invalid`);
    }
    contracts[name] = address;
  }
  return { chainId, startBlock: BigInt(String(record.startBlock ?? 0)), contracts };
}
