import { UsageError } from "@mzku/errors";
import { formatUnits, parseUnits } from "viem";

/** The two currencies amounts are in: ETH (and aETH) and MZKU, both 18 decimals. */
export type Currency = "ETH" | "MZKU";

const SUFFIXES: Record<string, { currency: Currency | "any"; decimals: number }> = {
  eth: { currency: "ETH", decimals: 18 },
  aeth: { currency: "ETH", decimals: 18 },
  gwei: { currency: "ETH", decimals: 9 },
  mzku: { currency: "MZKU", decimals: 18 },
  wei: { currency: "any", decimals: 0 },
};

/**
 * Parses an amount with an optional unit: `2.5eth`, `100mzku`, `1gwei`, `5wei`; a bare number is in
 * `currency`'s whole units (`2.5` ETH). A unit of the other currency, more decimals than the unit
 * has, or a negative amount is a `UsageError` naming `what`.
 */
export function parseAmount(text: string, currency: Currency, what: string): bigint {
  const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-zA-Z]*)\s*$/.exec(text.replaceAll("_", ""));
  if (!match) throw new UsageError("BAD_AMOUNT", `${what}: "${text}" is not an amount (e.g. 2.5eth, 100mzku)`);
  const [, number = "", rawUnit = ""] = match;
  const unit = rawUnit.toLowerCase() || currency.toLowerCase();
  const spec = SUFFIXES[unit];
  if (!spec) throw new UsageError("BAD_AMOUNT", `${what}: unknown unit "${rawUnit}" (eth, gwei, mzku or wei)`);
  if (spec.currency !== "any" && spec.currency !== currency) {
    throw new UsageError("BAD_AMOUNT", `${what} is in ${currency}, got "${text}"`);
  }
  const decimals = number.split(".")[1]?.length ?? 0;
  if (decimals > spec.decimals) {
    throw new UsageError("BAD_AMOUNT", `${what}: "${text}" has more decimals than ${unit} has (${spec.decimals})`);
  }
  return parseUnits(number, spec.decimals);
}

/** `1234500000000000000` → `1.2345 ETH`: exact (every wei shown), for people. */
export function formatAmount(wei: bigint, currency: Currency): string {
  return `${formatUnits(wei, 18)} ${currency}`;
}

const DURATION_UNITS: Record<string, bigint> = { s: 1n, m: 60n, h: 3_600n, d: 86_400n, w: 604_800n };

/** Parses `90s`, `30m`, `12h`, `1d`, `2w` or a number of seconds into seconds. */
export function parseDuration(text: string, what: string): bigint {
  const match = /^\s*(\d+)\s*([smhdw]?)\s*$/.exec(text);
  if (!match) throw new UsageError("BAD_DURATION", `${what}: "${text}" is not a duration (e.g. 90s, 12h, 1d, 2w)`);
  return BigInt(match[1] ?? "0") * (DURATION_UNITS[match[2] || "s"] ?? 1n);
}

/** A non-negative integer argument (an id, a count). */
export function parseId(text: string | undefined, what: string): bigint {
  if (text === undefined || !/^\d+$/.test(text)) {
    throw new UsageError(
      "BAD_ARGUMENT",
      `${what} must be a whole number, got ${text === undefined ? "nothing" : `"${text}"`}`,
    );
  }
  return BigInt(text);
}

/** `3d 4h` style text for a number of seconds (for "opens in ..." messages). */
export function formatSeconds(seconds: bigint): string {
  if (seconds <= 0n) return "now";
  const parts: string[] = [];
  let rest = seconds;
  for (const [unit, size] of [
    ["d", 86_400n],
    ["h", 3_600n],
    ["m", 60n],
    ["s", 1n],
  ] as const) {
    if (rest >= size) {
      parts.push(`${rest / size}${unit}`);
      rest %= size;
    }
    if (parts.length === 2) break;
  }
  return parts.join(" ");
}
