import { describe, expect, it } from "vitest";
import { SignerError } from "../errors.js";
import { eip3076Cases } from "../testing/eip3076.js";
import { SlashingProtectionDb } from "./db.js";

const cases = eip3076Cases();

function attempt(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (e) {
    if (!(e instanceof SignerError)) throw e;
    return false;
  }
}

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
          const imported = attempt(() => db.importInterchange(step.interchange));
          if (!imported && step.contains_slashable_data && step.should_succeed) return; // allowed to reject
          expect(imported, `${tc.name} step ${i} import`).toBe(step.should_succeed);
          for (const [j, b] of step.blocks.entries()) {
            const want = b.should_succeed_complete ?? b.should_succeed;
            const got = attempt(() =>
              db.checkAndInsertBlock(b.pubkey, tc.genesis_validators_root, Number(b.slot), b.signing_root ?? null),
            );
            expect(got, `${tc.name} step ${i} block ${j} slot ${b.slot}`).toBe(want);
          }
          for (const [j, a] of step.attestations.entries()) {
            const want = a.should_succeed_complete ?? a.should_succeed;
            const got = attempt(() =>
              db.checkAndInsertAttestation(
                a.pubkey,
                tc.genesis_validators_root,
                Number(a.source_epoch),
                Number(a.target_epoch),
                a.signing_root ?? null,
              ),
            );
            expect(got, `${tc.name} step ${i} attestation ${j} (${a.source_epoch},${a.target_epoch})`).toBe(want);
          }
        }
      } finally {
        db.close();
      }
    });
  }
});
