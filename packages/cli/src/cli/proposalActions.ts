import { UsageError } from "@mzku/errors";
import * as sdk from "@mzku/sdk";
import { type Deployment, type ProposalAction, proposals } from "@mzku/sdk";
import { type AbiParameter, getAddress, isAddress, isHex } from "viem";
import { resolveAddress } from "./accounts.js";
import { parseAmount } from "./units.js";

type Builder = (parameters: { address: `0x${string}`; args?: readonly unknown[]; value?: bigint }) => ProposalAction;
const modules = proposals as unknown as Record<string, Record<string, Builder>>;
const abis = sdk.contractAbis as unknown as Record<
  string,
  readonly { type: string; name?: string; inputs?: readonly AbiParameter[] }[]
>;

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/** Every governance-only function the sdk has a proposal builder for: `providerRegistry.qualify`, ... */
export function governedFunctions(): string[] {
  return Object.entries(modules).flatMap(([contract, fns]) => Object.keys(fns).map((fn) => `${contract}.${fn}`));
}

/**
 * Builds a proposal action from `contract.function(arg, ...)` (or `microPool@<address>.function(...)` for
 * a pool clone) with the sdk's typed builder. Arguments are JSON values or bare words, converted by
 * the function's ABI: integers accept units (`100mzku`, `2eth`), enums their names (`QuorumBps`),
 * addresses also contract names (`RewardPool`) and devnet account names, tuples JSON objects.
 */
export function parseProposalAction(text: string, deployment: Deployment, devnet: boolean): ProposalAction {
  const m = /^\s*([a-zA-Z]+)(?:@(0x[0-9a-fA-F]{40}))?\.([a-zA-Z0-9_]+)\s*\(([\s\S]*)\)\s*$/.exec(text);
  if (!m)
    throw new UsageError(
      "BAD_ACTION",
      `--action "${text}": expected contract.function(args), e.g. providerRegistry.qualify(3)`,
    );
  const [, contract = "", at, fn = "", inner = ""] = m;
  const builder = modules[contract]?.[fn];
  if (!builder) {
    throw new UsageError(
      "BAD_ACTION",
      `--action "${text}": ${contract}.${fn} is not a governance-only function (mzku gov propose --help lists them)`,
    );
  }
  const name = pascal(contract);
  const address = at ? getAddress(at) : (deployment.contracts as Record<string, `0x${string}` | undefined>)[name];
  if (!address)
    throw new UsageError(
      "BAD_ACTION",
      `--action "${text}": ${name} has no fixed address; write ${contract}@<address>.${fn}(...)`,
    );
  const abiFn = abis[name]?.find((e) => e.type === "function" && e.name === fn);
  const inputs = abiFn?.inputs ?? [];
  const raw = splitArgs(inner);
  if (raw.length !== inputs.length) {
    throw new UsageError(
      "BAD_ACTION",
      `--action "${text}": ${contract}.${fn} takes ${inputs.length} argument(s) (${inputs.map((i) => `${i.type} ${i.name}`).join(", ")}), got ${raw.length}`,
    );
  }
  const args = inputs.map((input, i) =>
    convert(raw[i], input, { deployment, devnet, where: `${contract}.${fn} ${input.name ?? i}` }),
  );
  return builder({ address, ...(args.length ? { args } : {}) });
}

/** Splits `a, {"b": 1, "c": [2, 3]}, "d,e"` at top-level commas; each piece is JSON or a bare word. */
function splitArgs(inner: string): unknown[] {
  const pieces: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === '"' && inner[i - 1] !== "\\") quoted = !quoted;
    else if (!quoted && (c === "{" || c === "[")) depth++;
    else if (!quoted && (c === "}" || c === "]")) depth--;
    else if (!quoted && depth === 0 && c === ",") {
      pieces.push(inner.slice(start, i));
      start = i + 1;
    }
  }
  pieces.push(inner.slice(start));
  if (pieces.length === 1 && (pieces[0] ?? "").trim() === "") return [];
  return pieces.map((p) => {
    const t = p.trim();
    try {
      return JSON.parse(t) as unknown;
    } catch {
      return t;
    }
  });
}

type Env = { deployment: Deployment; devnet: boolean; where: string };

function convert(value: unknown, input: AbiParameter, env: Env): unknown {
  const bad = (expected: string): never => {
    throw new UsageError("BAD_ACTION", `${env.where}: expected ${expected}, got ${JSON.stringify(value)}`);
  };
  const { type } = input;
  const array = /^(.*)\[(\d*)\]$/.exec(type);
  if (array) {
    if (!Array.isArray(value)) return bad(`a JSON array (${type})`);
    const element = { ...input, type: array[1] ?? "" } as AbiParameter;
    return value.map((v) => convert(v, element, env));
  }
  if (type === "tuple") {
    if (typeof value !== "object" || value === null) return bad("a JSON object");
    const record = value as Record<string, unknown>;
    const components = (input as { components?: readonly AbiParameter[] }).components ?? [];
    return Object.fromEntries(
      components.map((c) => [c.name, convert(record[c.name ?? ""], c, { ...env, where: `${env.where}.${c.name}` })]),
    );
  }
  if (type === "bool") {
    if (value === true || value === "true") return true;
    if (value === false || value === "false") return false;
    return bad("true or false");
  }
  if (type === "address") {
    if (typeof value !== "string") return bad("an address");
    const contract = (env.deployment.contracts as Record<string, `0x${string}` | undefined>)[value];
    if (contract) return contract;
    return resolveAddress(value, env.where, env.devnet);
  }
  if (type.startsWith("bytes") || type === "string") {
    if (typeof value !== "string") return bad(type);
    if (type !== "string" && !isHex(value)) return bad(`0x-hex ${type}`);
    return value;
  }
  const int = /^u?int(\d*)$/.exec(type);
  if (int) {
    const bits = Number(int[1] || "256");
    const internal = (input as { internalType?: string }).internalType ?? "";
    let n: bigint;
    if (typeof value === "number" && Number.isSafeInteger(value)) n = BigInt(value);
    else if (typeof value === "string" && /^-?\d+$/.test(value)) n = BigInt(value);
    else if (typeof value === "string" && internal.startsWith("enum ")) n = BigInt(enumValue(internal, value, env));
    else if (typeof value === "string" && /[a-zA-Z]$/.test(value)) {
      n = parseAmount(value, /eth|wei$/i.test(value) && !/mzku/i.test(value) ? "ETH" : "MZKU", env.where);
    } else return bad(`an integer${internal.startsWith("enum ") ? " or the enum's name" : ""} (units: 100mzku, 2eth)`);
    return bits <= 48 ? Number(n) : n;
  }
  if (isAddress(String(value))) return value;
  return bad(type);
}

/** The value of enum `internalType` ("enum Governance.Param") named `name`, from the sdk's generated enums. */
function enumValue(internalType: string, name: string, env: Env): number {
  const [scope, enumName] = internalType.slice(5).includes(".")
    ? (internalType.slice(5).split(".") as [string, string])
    : ["", internalType.slice(5)];
  const candidates = [`${scope}${enumName}`, `${scope.replace(/^I(?=[A-Z])/, "")}${enumName}`, enumName];
  for (const c of candidates) {
    const values = (sdk as unknown as Record<string, unknown>)[c];
    if (values && typeof values === "object" && name in values)
      return (values as Record<string, number>)[name] as number;
  }
  throw new UsageError("BAD_ACTION", `${env.where}: "${name}" is not a value of ${internalType.slice(5)}`);
}
