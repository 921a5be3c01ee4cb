import {
  type Deployment,
  governanceAbi,
  insurancePoolAbi,
  microPoolAbi,
  microPoolFactoryAbi,
  nodeRegistryAbi,
  type ProposalAction,
  pricingPolicyAbi,
  projectMarketAbi,
  proposals,
  providerRegistryAbi,
  reputationAbi,
  rewardPoolAbi,
  sidecarStakingAbi,
  uptimeReportsAbi,
} from "@mzku/sdk";
import { type Abi, type AbiParameter, type Address, getAddress, isAddress, isHex } from "viem";
import { DashboardError } from "./errors.js";

/**
 * Every call a governance proposal may make, driven by the sdk's typed proposal builders
 * (`proposals.<contract>.<function>`, one per governance-only function) and the contracts' ABIs:
 * the form asks for each argument by its ABI name and type, and the builder encodes the call.
 */
const ABIS: Record<keyof typeof proposals, Abi> = {
  governance: governanceAbi,
  providerRegistry: providerRegistryAbi,
  nodeRegistry: nodeRegistryAbi,
  sidecarStaking: sidecarStakingAbi,
  uptimeReports: uptimeReportsAbi,
  reputation: reputationAbi,
  pricingPolicy: pricingPolicyAbi,
  projectMarket: projectMarketAbi,
  rewardPool: rewardPoolAbi,
  insurancePool: insurancePoolAbi,
  microPoolFactory: microPoolFactoryAbi,
  microPool: microPoolAbi,
};

/** One argument field: a path into the arguments (a tuple's components are fields of their own). */
export type CallField = { key: string; label: string; type: string; hint: string };

export type GovernanceCall = {
  /** `Contract.function`, e.g. `Reputation.setStakeTarget`. */
  id: string;
  /** The deployment's contract name, or undefined when the target is one of many (a micro-pool). */
  contract: string;
  fixedTarget: boolean;
  inputs: readonly AbiParameter[];
  fields: CallField[];
  build: (params: { address: Address; args: unknown[] }) => ProposalAction;
};

function hintOf(type: string): string {
  if (type.endsWith("[]")) return `comma-separated: ${hintOf(type.slice(0, -2))}`;
  if (type === "address") return "0x… address";
  if (type === "bool") return "true or false";
  if (/^u?int\d*$/.test(type)) return "a whole number in the contract's units (wei for amounts, bps for shares)";
  if (type.startsWith("bytes")) return "0x-prefixed hex";
  return "text";
}

function flatten(params: readonly AbiParameter[], prefix: string): CallField[] {
  return params.flatMap((p, i) => {
    const name = p.name || `arg${i}`;
    const key = prefix ? `${prefix}.${name}` : name;
    if (p.type === "tuple" && "components" in p) return flatten(p.components, key);
    return [{ key, label: `${key} (${p.type})`, type: p.type, hint: hintOf(p.type) }];
  });
}

/** Every governance call the sdk builds, sorted by `Contract.function`. */
export function governanceCalls(deployment: Deployment): GovernanceCall[] {
  const calls: GovernanceCall[] = [];
  for (const [module, builders] of Object.entries(proposals) as [keyof typeof proposals, Record<string, unknown>][]) {
    const contract = module[0]?.toUpperCase() + module.slice(1);
    const fixedTarget = contract in deployment.contracts;
    for (const [fn, builder] of Object.entries(builders)) {
      const item = ABIS[module].find((x) => x.type === "function" && x.name === fn);
      if (item?.type !== "function" || typeof builder !== "function") continue;
      calls.push({
        id: `${contract}.${fn}`,
        contract,
        fixedTarget,
        inputs: item.inputs,
        fields: flatten(item.inputs, ""),
        build: builder as GovernanceCall["build"],
      });
    }
  }
  return calls.sort((a, b) => a.id.localeCompare(b.id));
}

function scalar(type: string, text: string, label: string): unknown {
  const t = text.trim();
  if (type === "address") {
    if (!isAddress(t)) throw new DashboardError("BAD_INPUT", `${label}: not an address`);
    return getAddress(t);
  }
  if (type === "bool") {
    if (t !== "true" && t !== "false") throw new DashboardError("BAD_INPUT", `${label}: write true or false`);
    return t === "true";
  }
  if (/^u?int\d*$/.test(type)) {
    if (!/^-?\d+$/.test(t)) throw new DashboardError("BAD_INPUT", `${label}: not a whole number`);
    const n = BigInt(t);
    if (type.startsWith("uint") && n < 0n) throw new DashboardError("BAD_INPUT", `${label}: must not be negative`);
    return n;
  }
  if (type.startsWith("bytes")) {
    if (!isHex(t)) throw new DashboardError("BAD_INPUT", `${label}: not 0x-prefixed hex`);
    return t;
  }
  if (type === "string") return text;
  throw new DashboardError("BAD_INPUT", `${label}: type ${type} is not supported by this form`);
}

function value(type: string, text: string, label: string): unknown {
  if (type.endsWith("[]")) {
    const element = type.slice(0, -2);
    return text.trim() === "" ? [] : text.split(",").map((part, i) => value(element, part, `${label}[${i}]`));
  }
  return scalar(type, text, label);
}

function argsOf(params: readonly AbiParameter[], prefix: string, values: Record<string, string>): unknown[] {
  return params.map((p, i) => {
    const name = p.name || `arg${i}`;
    const key = prefix ? `${prefix}.${name}` : name;
    if (p.type === "tuple" && "components" in p) {
      const inner = argsOf(p.components, key, values);
      return Object.fromEntries(p.components.map((c, j) => [c.name || `arg${j}`, inner[j]]));
    }
    return value(p.type, values[key] ?? "", key);
  });
}

/** The proposal action of `call` with the form's typed-in values (every field checked, named on error). */
export function buildCall(
  call: GovernanceCall,
  deployment: Deployment,
  values: Record<string, string>,
  target: string,
): ProposalAction {
  let address: Address;
  if (call.fixedTarget) address = deployment.contracts[call.contract as keyof Deployment["contracts"]];
  else if (isAddress(target.trim())) address = getAddress(target.trim());
  else throw new DashboardError("BAD_INPUT", `${call.contract} address: not an address`);
  return call.build({ address, args: argsOf(call.inputs, "", values) });
}
