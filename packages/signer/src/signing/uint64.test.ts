import { ssz } from "@lodestar/types";
import { describe, expect, it } from "vitest";
import { bigintUint64Type, parseUint64, UINT64_MAX } from "./uint64.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const Z32 = `0x${"00".repeat(32)}`;

describe("bigintUint64Type", () => {
  it("hashes a whole altair block exactly as @lodestar/types does when every number fits", () => {
    const v = ssz.altair.BeaconBlock.defaultValue();
    v.slot = 12345;
    v.proposerIndex = 7;
    const T = bigintUint64Type(ssz.altair.BeaconBlock);
    expect(hex(T.hashTreeRoot(T.fromJson(ssz.altair.BeaconBlock.toJson(v))))).toBe(
      hex(ssz.altair.BeaconBlock.hashTreeRoot(v)),
    );
  });

  it("carries 2^64-1 exactly, as @lodestar/types' own bigint header does", () => {
    const json = {
      slot: "18446744073709551615",
      proposer_index: "5",
      parent_root: Z32,
      state_root: Z32,
      body_root: Z32,
    };
    const T = bigintUint64Type<{ slot: bigint }>(ssz.phase0.BeaconBlockHeader);
    const v = T.fromJson(json);
    expect(v.slot).toBe(UINT64_MAX);
    expect(hex(T.hashTreeRoot(v))).toBe(
      hex(ssz.phase0.BeaconBlockHeaderBigint.hashTreeRoot(ssz.phase0.BeaconBlockHeaderBigint.fromJson(json))),
    );
  });

  it("refuses what is not a uint64", () => {
    const T = bigintUint64Type(ssz.phase0.VoluntaryExit);
    for (const bad of ["18446744073709551616", "-1", "0x10", "1e3", "1.5", "", " 1"]) {
      expect(() => T.fromJson({ epoch: bad, validator_index: "0" }), bad).toThrow();
    }
    expect(parseUint64(9007199254740991, "n")).toBe(9007199254740991n);
    expect(() => parseUint64(9007199254740992, "n")).toThrow(/unsigned integer/);
  });
});
