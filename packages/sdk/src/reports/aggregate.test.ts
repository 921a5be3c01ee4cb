import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Address, type Hex, hashTypedData, recoverTypedDataAddress } from "viem";
import { describe, expect, it } from "vitest";
import {
  buildAggregate,
  merkleRootOf,
  packDecisions,
  type SlotVerdict,
  unpackDecisions,
  VERDICT_TYPES,
  verdictLeaf,
} from "./aggregate.js";
import { auditPeriod } from "./assignment.js";

// Written by contracts/test/unit/UptimeAggregate.t.sol (test_vector_sdkAggregate): a period's signed
// verdicts (slot 3 down, slot 5 silent), and the root and decisions the contract accepted from them.
const here = dirname(fileURLToPath(import.meta.url));
const vector = JSON.parse(
  readFileSync(resolve(here, "../../../../contracts/test/fixtures/uptime-aggregate.json"), "utf8"),
) as {
  chainId: number;
  uptimeReports: Address;
  period: number;
  seed: Hex;
  size: number;
  k: number;
  stride: number;
  sidecars: Address[];
  auditor: number[];
  target: number[];
  up: boolean[];
  signature: Hex[];
  proof9: Hex[];
  digest0: Hex;
  decisions: Hex;
  root: Hex;
};
/** The vector's i-th entry; the vector is fixed, so a missing entry is a broken fixture. */
function at<T>(items: readonly T[], i: number): T {
  const item = items[i];
  if (item === undefined) throw new RangeError(`uptime-aggregate.json: no entry ${i}`);
  return item;
}
const period = auditPeriod(vector.seed, vector.size, 3);
const verdicts: SlotVerdict[] = vector.auditor.map((auditor, i) => ({
  auditor,
  target: at(vector.target, i),
  up: at(vector.up, i),
  signature: at(vector.signature, i),
}));
const first = at(verdicts, 0);
const domain = { name: "MZKU Sidecar", version: "1", chainId: vector.chainId, verifyingContract: vector.uptimeReports };

describe("aggregated report (UptimeReports)", () => {
  it("recomputes the assignment, root and decisions the contract accepted", () => {
    expect(period.stride).toBe(vector.stride);
    expect(period.k).toBe(vector.k);
    const report = buildAggregate(period, verdicts);
    expect(report.root).toBe(vector.root);
    expect(report.decisionBytes).toBe(vector.decisions);
    expect(report.decisions[3]).toBe(2);
    expect(report.proof(9)).toEqual(vector.proof9);
    expect(merkleRootOf(at(report.leaves, 9), 9, report.proof(9))).toBe(vector.root);
    // order of arrival does not matter
    expect(buildAggregate(period, [...verdicts].reverse()).root).toBe(vector.root);
  });

  it("signs verdicts as the contract hashes them", async () => {
    const message = {
      auditor: at(vector.sidecars, first.auditor),
      target: at(vector.sidecars, first.target),
      period: BigInt(vector.period),
      up: first.up,
    };
    expect(hashTypedData({ domain, types: VERDICT_TYPES, primaryType: "Verdict", message })).toBe(vector.digest0);
    const signer = await recoverTypedDataAddress({
      domain,
      types: VERDICT_TYPES,
      primaryType: "Verdict",
      message,
      signature: first.signature,
    });
    expect(signer).toBe(message.auditor);
  });

  it("changes the root and the decision when a verdict changes or is left out", () => {
    const flipped = verdicts.map((v, i) => (i === 0 ? { ...v, up: !v.up } : v));
    expect(buildAggregate(period, flipped).root).not.toBe(vector.root);
    const target = first.target;
    const without = verdicts.filter((v) => v.target !== target || v.auditor === first.auditor);
    const report = buildAggregate(period, without);
    expect(report.decisions[target]).toBe(0);
    const index = report.votes.findIndex((v, i) => Math.floor(i / period.k) === target && v.vote === 0);
    expect(at(report.leaves, index)).toBe(verdictLeaf(0, "0x"));
  });

  it("refuses a verdict from a slot that is not the target's auditor, or twice", () => {
    const v = first;
    const stranger = [...Array(period.size).keys()].find(
      (s) => s !== v.target && !verdicts.some((w) => w.target === v.target && w.auditor === s),
    ) as number;
    expect(() => buildAggregate(period, [{ ...v, auditor: stranger }])).toThrow(/does not audit/);
    expect(() => buildAggregate(period, [v, v])).toThrow(/two verdicts/);
  });

  it("packs and unpacks decisions, refusing 3 and a wrong length", () => {
    expect(unpackDecisions(packDecisions([1, 0, 2, 1, 2]), 5)).toEqual([1, 0, 2, 1, 2]);
    expect(() => unpackDecisions("0x03", 1)).toThrow(/decision 3/);
    expect(() => unpackDecisions("0x0000", 1)).toThrow(/2 bytes of decisions for 1 slots/);
  });
});
