import { formatUnits, getAddress, isAddress, parseUnits } from "viem";
import { DashboardError } from "./errors.js";

/** Wei (bigint) → "1,234.5" with at most `digits` decimals, rounded down (never shows more than there is). */
export function formatAmount(wei: bigint | string | null | undefined, digits = 4): string {
  if (wei === null || wei === undefined) return "—";
  const value = typeof wei === "bigint" ? wei : BigInt(wei);
  const negative = value < 0n;
  const [whole = "0", fraction = ""] = formatUnits(negative ? -value : value, 18).split(".");
  const cut = fraction.slice(0, digits).replace(/0+$/, "");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "-" : ""}${grouped}${cut ? `.${cut}` : ""}`;
}

/** "1.5" (human units, 18 decimals) → wei, exactly; anything else is refused with a clear message. */
export function parseAmount(text: string, what: string): bigint {
  const clean = text.trim().replace(/,/g, "");
  if (!/^\d+(\.\d{1,18})?$/.test(clean)) {
    throw new DashboardError("BAD_AMOUNT", `${what}: "${text}" is not an amount (digits, at most 18 decimals)`);
  }
  return parseUnits(clean, 18);
}

export function bps(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : `${(value / 100).toFixed(2)}%`;
}

/** `0xAbCd…1234`, checksummed (the API stores addresses lower-case). */
export function shortAddress(address: string | null | undefined): string {
  if (!address) return "—";
  const a = isAddress(address, { strict: false }) ? getAddress(address) : address;
  return `${a.slice(0, 6)}…${a.slice(-4)}`;
}

export function formatDuration(seconds: number): string {
  const days = seconds / 86_400;
  return Number.isInteger(days) ? `${days} day${days === 1 ? "" : "s"}` : `${(seconds / 3600).toFixed(1)} h`;
}
