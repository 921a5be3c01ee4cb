import { describe, expect, it } from "vitest";
import { accepted, eip3076Cases, expectStepChecks } from "../testing/eip3076.js";
import { SlashingProtectionDb } from "./db.js";

const cases = eip3076Cases();

describe("EIP-3076 interchange tests (complete strategy)", () => {
  it("has all 38 vector files", () => expect(cases).toHaveLength(38));
  for (const tc of cases) {
    it(tc.name, () => {
      const db = new SlashingProtectionDb(":memory:", {
        synchronous: "NORMAL",
        genesisValidatorsRoot: tc.genesis_validators_root,
      });
      try {
        for (const [i, step] of tc.steps.entries()) {
          const imported = accepted(() => db.importInterchange(step.interchange));
          if (!imported && step.contains_slashable_data && step.should_succeed) return; // allowed to reject
          expect(imported, `${tc.name} step ${i} import`).toBe(step.should_succeed);
          expectStepChecks(db, tc, i);
        }
      } finally {
        db.close();
      }
    });
  }
});
