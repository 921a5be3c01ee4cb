import "./testPresetMinimal.js";
import { createChainForkConfig } from "@lodestar/config";
import { minimalChainConfig } from "@lodestar/config/configs";
import { SLOTS_PER_EPOCH } from "@lodestar/params";
import { describe, expect, it } from "vitest";
import { hexOf, referenceRoot } from "../testing/reference.js";
import { EXAMPLE_CORRECTIONS, SPEC_EXAMPLES } from "../testing/specExamples.js";
import { getNetwork } from "./network.js";
import { prepareSigning } from "./prepare.js";

const params = { slotsPerEpoch: 8, genesisForkVersion: new Uint8Array([0, 0, 0, 1]), network: getNetwork("devnet") };

function hasUnsafeNumber(v: unknown): boolean {
  if (typeof v === "string" && /^[0-9]+$/.test(v)) return !Number.isSafeInteger(Number(v));
  return typeof v === "object" && v !== null && Object.values(v).some(hasUnsafeNumber);
}

// The spec's examples are built with the minimal preset (this file); the two listed in
// EXAMPLE_CORRECTIONS only parse with the mainnet preset and run in prepare.mainnet.test.ts.
describe("the Web3Signer spec's request examples (minimal preset, devnet)", () => {
  it("are 25, covering every signing type", () => {
    expect(SPEC_EXAMPLES).toHaveLength(25);
    expect(new Set(SPEC_EXAMPLES.map(([, e]) => e.type)).size).toBe(13);
  });
  for (const [name, body] of SPEC_EXAMPLES.filter(([n]) => EXAMPLE_CORRECTIONS[n] === undefined)) {
    it(`${name}: reproduces the listed signingRoot, uint64 above 2^53 included`, () => {
      const p = prepareSigning(structuredClone(body), params);
      expect(hexOf(p.signingRoot)).toBe(body.signingRoot);
      // the listed root is Web3Signer's own; where @lodestar/types can hold every number (below 2^53) the
      // reference computes the same root independently
      if (!hasUnsafeNumber(body) && body.type !== "BLOCK" && body.type !== "VALIDATOR_REGISTRATION") {
        expect(hexOf(referenceRoot(body))).toBe(body.signingRoot);
      }
    });
  }
});

describe("VOLUNTARY_EXIT on a devnet (minimal preset, fork epochs chosen per chain)", () => {
  const config = createChainForkConfig({
    ...minimalChainConfig,
    ALTAIR_FORK_EPOCH: 0,
    BELLATRIX_FORK_EPOCH: 0,
    CAPELLA_FORK_EPOCH: 1,
    DENEB_FORK_EPOCH: 2,
    ELECTRA_FORK_EPOCH: 3,
  });
  const gvr = `0x${"42".repeat(32)}`;
  for (const stateEpoch of [1, 2, 5]) {
    it(`at epoch ${stateEpoch}: the root @lodestar/config's getDomainForVoluntaryExit gives`, () => {
      const stateSlot = stateEpoch * SLOTS_PER_EPOCH;
      const f = config.getForkInfo(stateSlot);
      const body = {
        type: "VOLUNTARY_EXIT",
        fork_info: {
          fork: { previous_version: hexOf(f.prevVersion), current_version: hexOf(f.version), epoch: String(f.epoch) },
          genesis_validators_root: gvr,
        },
        voluntary_exit: { epoch: String(stateEpoch), validator_index: "3" },
      };
      expect(hexOf(prepareSigning(body, params).signingRoot)).toBe(hexOf(referenceRoot(body, { config, stateSlot })));
    });
  }
});
