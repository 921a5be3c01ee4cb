import { describe, expect, it } from "vitest";
import type { SignerError } from "../errors.js";
import { SlashingBatcher } from "./batcher.js";
import { SlashingProtectionDb } from "./db.js";

const PK = `0x${"b8".repeat(48)}`;
const GVR = `0x${"01".repeat(32)}`;
const root = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;

describe("SlashingBatcher (group commit)", () => {
  it("commits concurrent requests in one batch and still refuses the conflicting one", async () => {
    const db = new SlashingProtectionDb(":memory:", { synchronous: "NORMAL" });
    const b = new SlashingBatcher(db);
    const att = (target: number, r: number) =>
      b.submit({
        kind: "attestation",
        pubkey: PK,
        genesisValidatorsRoot: GVR,
        signingRoot: root(r),
        sourceEpoch: target - 1,
        targetEpoch: target,
      });
    const results = await Promise.allSettled([
      att(5, 1),
      att(5, 2),
      att(6, 3),
      att(5, 1),
      b.submit({ kind: "block", pubkey: PK, genesisValidatorsRoot: GVR, signingRoot: root(9), slot: 40 }),
    ]);
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as SignerError).details.reason))).toEqual(
      ["new", "DOUBLE_VOTE", "new", "repeat", "new"],
    );
    expect(b.maxBatch).toBe(5);
    expect(db.counts()).toEqual({ blocks: 1, attestations: 2 });
    db.close();
  });
});
