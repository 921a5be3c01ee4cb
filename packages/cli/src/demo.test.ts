import { describe, expect, it } from "vitest";
import { mzku } from "./test/cli.js";

describe("mzku demo", () => {
  it("runs the seed's lifecycle on its own devnet and reconciles every balance to the wei", async () => {
    const r = await mzku(["demo", "--json"], { MZKU_LOG_LEVEL: "warn" });
    if (r.code !== 0) throw new Error(`mzku demo exited ${r.code}:\n${r.stderr.slice(-3000)}`);
    const result = r.json<{
      reconciled: boolean;
      example: { price: string };
      downtime: { slashed: string; collateral: { before: string; after: string }; downPeriods: string[] };
      governors: string[];
    }>();
    expect(result.reconciled).toBe(true);
    expect(result.example.price).toBe((60n * 10n ** 18n).toString());
    expect(result.governors).toHaveLength(4);
    // The uptime failure: failLimit (3) down periods through UptimeReports, then a slash to the requester.
    expect(result.downtime.downPeriods).toHaveLength(3);
    expect(BigInt(result.downtime.slashed)).toBeGreaterThan(0n);
    expect(BigInt(result.downtime.collateral.before) - BigInt(result.downtime.collateral.after)).toBe(
      BigInt(result.downtime.slashed),
    );
    // The narrative (stderr with --json) names each step and the checks it made.
    for (const step of [
      "1. Qualification",
      "2. The worked example",
      "3. A validator",
      "4. Rewards",
      "5. An aETH transfer",
      "6. An uptime failure",
      "7. A governance election",
      "8. Final balances",
    ]) {
      expect(r.stderr).toContain(`== ${step}`);
    }
    expect(r.stderr).toContain("✓ requester: paid FP 100, gets 260: 160");
    expect(r.stderr).toContain("✓ the project failed on downtime");
    expect(r.stderr).toContain("✓ MZKU: the providers' collateral is 4 × 10,000 less the downtime slash");
    expect(r.stderr).toContain("Everything reconciles to the wei.");
    expect(r.stderr).not.toContain("✗");
  }, 600_000);
});
