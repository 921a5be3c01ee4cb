import { join } from "node:path";
import "./testPresetMinimal.js";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { prepareSigning } from "./prepare.js";

const require = createRequire(import.meta.url);
const yaml = require("js-yaml") as { load(s: string): unknown };
const SPEC = join(import.meta.dirname, "../../../../vectors/apis/web3signer/eth2/signing/paths/sign.yaml");
const params = { slotsPerEpoch: 32, genesisForkVersion: new Uint8Array([0, 0, 0, 1]) };

type Example = { value: Record<string, unknown> };
const spec = yaml.load(readFileSync(SPEC, "utf8")) as {
  post: { requestBody: { content: { "application/json": { examples: Record<string, Example> } } } };
};
// The spec's examples use the minimal preset, except the ELECTRA/FULU aggregates (mainnet committee_bits),
// which prepare.mainnet.test.ts checks.
export const allExamples = Object.entries(spec.post.requestBody.content["application/json"].examples);
const examples = allExamples.filter(([name]) => !/AGGREGATE_AND_PROOF_V2 \((ELECTRA|FULU)\)/.test(name));

function hasUnsafeNumber(v: unknown): boolean {
  if (typeof v === "string" && /^[0-9]+$/.test(v)) return !Number.isSafeInteger(Number(v));
  if (typeof v === "object" && v !== null) return Object.values(v).some(hasUnsafeNumber);
  return false;
}

describe("prepareSigning against the Web3Signer spec examples", () => {
  it("covers every signing type of the spec", () => {
    const types = new Set(examples.map(([, e]) => e.value.type));
    expect([...types].sort()).toEqual(
      [
        "AGGREGATE_AND_PROOF",
        "AGGREGATE_AND_PROOF_V2",
        "AGGREGATION_SLOT",
        "ATTESTATION",
        "BLOCK",
        "BLOCK_V2",
        "DEPOSIT",
        "RANDAO_REVEAL",
        "SYNC_COMMITTEE_CONTRIBUTION_AND_PROOF",
        "SYNC_COMMITTEE_MESSAGE",
        "SYNC_COMMITTEE_SELECTION_PROOF",
        "VALIDATOR_REGISTRATION",
        "VOLUNTARY_EXIT",
      ].filter((t) => types.has(t)),
    );
  });
  for (const [name, ex] of examples) {
    it(`example ${name}`, () => {
      const body = ex.value;
      if (hasUnsafeNumber(body)) {
        // uint64 values above 2^53-1 cannot be represented without loss: refused with a 400, never signed.
        expect(() => prepareSigning(body, params)).toThrowError(/exceeds 2\^53-1, refused/);
        return;
      }
      const p = prepareSigning(body, params);
      expect(`0x${Buffer.from(p.signingRoot).toString("hex")}`, `example ${name}`).toBe(body.signingRoot);
    });
  }
});
