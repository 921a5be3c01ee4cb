import { UsageError } from "@mzku/errors";
import { mzkuToken, providerRegistry, type Resources } from "@mzku/sdk";
import type { Address, Client } from "viem";
import type { Invocation } from "../cli/command.js";
import type { Context } from "../cli/context.js";
import { CliError } from "../cli/errors.js";
import { type Currency, formatAmount } from "../cli/units.js";

/** Options for a resource shape (a node, a project). */
export const RESOURCE_OPTIONS = {
  cpu: { type: "string" },
  ram: { type: "string" },
  storage: { type: "string" },
  bandwidth: { type: "string" },
} as const;

export const RESOURCE_HELP = `  --cpu <cores> --ram <GB> --storage <GB> --bandwidth <Mbps>`;

/** Resources from --cpu/--ram/--storage/--bandwidth, each defaulting to `defaults`. */
export function resourcesFrom(invocation: Invocation, defaults: Resources): Resources {
  const read = (name: string, fallback: number) => {
    const raw = invocation.values[name];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0 || n > 0xffff_ffff) {
      throw new UsageError("BAD_ARGUMENT", `--${name} must be a positive whole number, got "${String(raw)}"`);
    }
    return n;
  };
  return {
    cpuCores: read("cpu", defaults.cpuCores),
    ramGb: read("ram", defaults.ramGb),
    storageGb: read("storage", defaults.storageGb),
    bandwidthMbps: read("bandwidth", defaults.bandwidthMbps),
  };
}

export function describeResources(r: Resources): string {
  return `${r.cpuCores} CPU cores, ${r.ramGb} GB RAM, ${r.storageGb} GB storage, ${r.bandwidthMbps} Mbps`;
}

/** Fails with INSUFFICIENT_FUNDS (nothing sent) when `who` holds less than `amount` of `currency`. */
export async function requireBalance(
  ctx: Context,
  who: Address,
  amount: bigint,
  currency: Currency,
  forWhat: string,
): Promise<void> {
  const reader = await ctx.reader();
  const held =
    currency === "ETH"
      ? await reader.getBalance({ address: who })
      : await mzkuToken.balanceOf(reader, { address: (await ctx.deployment()).contracts.MzkuToken, args: [who] });
  if (held < amount) {
    throw new CliError(
      "INSUFFICIENT_FUNDS",
      `${forWhat} needs ${formatAmount(amount, currency)}; ${who} holds ${formatAmount(held, currency)}`,
    );
  }
}

/** The provider id of `owner`, or NOT_A_PROVIDER. */
export async function providerIdOf(ctx: Context, owner: Address): Promise<bigint> {
  const deployment = await ctx.deployment();
  const id = await providerRegistry.providerIdOf(await ctx.reader(), {
    address: deployment.contracts.ProviderRegistry,
    args: [owner],
  });
  if (id === 0n) throw new CliError("NOT_A_PROVIDER", `${owner} is not a provider (mzku provider apply first)`);
  return id;
}

/** The MZKU balance of `who`. */
export async function mzkuBalance(client: Client, ctx: Context, who: Address): Promise<bigint> {
  return mzkuToken.balanceOf(client, { address: (await ctx.deployment()).contracts.MzkuToken, args: [who] });
}

/** Names of a Solidity enum's values (`{ Open: 1 }` → `[..., "Open"]`). */
export function enumName(values: Record<string, number>, value: number): string {
  return Object.entries(values).find(([, v]) => v === value)?.[0] ?? String(value);
}
