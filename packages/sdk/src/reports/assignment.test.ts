import { describe, expect, it } from "vitest";
import { auditorsOf, auditPeriod, auditSeed, auditTargets, encodeVotes } from "./assignment.js";

describe("audit assignment (UptimeReports)", () => {
  it("gives every node k auditors and every sidecar k distinct targets, never itself", () => {
    for (const size of [2, 3, 7, 12, 100]) {
      for (let p = 0n; p < 5n; p++) {
        const period = auditPeriod(auditSeed(`0x${"ab".repeat(32)}`, p), size, 3);
        expect(period.k).toBe(Math.min(3, size - 1));
        const audited = new Array(size).fill(0);
        for (let slot = 0; slot < size; slot++) {
          const t = auditTargets(period, slot);
          expect(new Set(t).size).toBe(period.k);
          expect(t).not.toContain(slot);
          for (const x of t) {
            audited[x]++;
            expect(auditorsOf(period, x)).toContain(slot);
          }
        }
        expect(audited.every((n) => n === period.k)).toBe(true);
      }
    }
  });

  it("has no assignment under two slots, and refuses a slot outside the roster", () => {
    expect(auditPeriod("0x01", 1, 3).k).toBe(0);
    expect(() => auditTargets(auditPeriod("0x01", 4, 3), 4)).toThrow(/outside a roster of 4/);
  });

  it("encodes votes bit j for target j", () => {
    expect(encodeVotes([true, false, true])).toBe(5n);
  });
});
