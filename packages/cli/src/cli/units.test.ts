import { UsageError } from "@mzku/errors";
import { describe, expect, it } from "vitest";
import { formatAmount, formatSeconds, parseAmount, parseDuration } from "./units.js";

const E = 10n ** 18n;

describe("amounts with units", () => {
  it("reads eth, gwei, wei and mzku, a bare number in the command's currency, exactly", () => {
    expect(parseAmount("2.5eth", "ETH", "x")).toBe((5n * E) / 2n);
    expect(parseAmount("2.5", "ETH", "x")).toBe((5n * E) / 2n);
    expect(parseAmount("1gwei", "ETH", "x")).toBe(10n ** 9n);
    expect(parseAmount("100mzku", "MZKU", "x")).toBe(100n * E);
    expect(parseAmount("100 MZKU", "MZKU", "x")).toBe(100n * E);
    expect(parseAmount("10_000", "MZKU", "x")).toBe(10_000n * E);
    expect(parseAmount("7wei", "MZKU", "x")).toBe(7n);
    expect(parseAmount("0.000000000000000001eth", "ETH", "x")).toBe(1n);
    expect(parseAmount("4aeth", "ETH", "x")).toBe(4n * E);
  });

  it("refuses the other currency, too many decimals, unknown units and non-numbers, naming the argument", () => {
    const bad = (text: string, currency: "ETH" | "MZKU", message: string) => {
      try {
        parseAmount(text, currency, "--collateral");
        throw new Error("accepted");
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        expect((error as UsageError).code).toBe("BAD_AMOUNT");
        expect((error as UsageError).message).toBe(message);
      }
    };
    bad("2eth", "MZKU", '--collateral is in MZKU, got "2eth"');
    bad("1.0000000001gwei", "ETH", '--collateral: "1.0000000001gwei" has more decimals than gwei has (9)');
    bad("0.0000000000000000001", "ETH", '--collateral: "0.0000000000000000001" has more decimals than eth has (18)');
    bad("3btc", "ETH", '--collateral: unknown unit "btc" (eth, gwei, mzku or wei)');
    bad("-1", "ETH", '--collateral: "-1" is not an amount (e.g. 2.5eth, 100mzku)');
    bad("", "ETH", '--collateral: "" is not an amount (e.g. 2.5eth, 100mzku)');
  });

  it("durations and their display", () => {
    expect(parseDuration("90s", "d")).toBe(90n);
    expect(parseDuration("12h", "d")).toBe(43_200n);
    expect(parseDuration("2w", "d")).toBe(1_209_600n);
    expect(parseDuration("3600", "d")).toBe(3_600n);
    expect(() => parseDuration("1.5d", "d")).toThrow(UsageError);
    expect(formatSeconds(90_061n)).toBe("1d 1h");
    expect(formatSeconds(0n)).toBe("now");
    expect(formatAmount(1_234_500_000_000_000_000n, "ETH")).toBe("1.2345 ETH");
  });
});
