import { describe, expect, it } from "vitest";
import { SignerError } from "../errors.js";
import { prepareSigning } from "./prepare.js";

const params = { slotsPerEpoch: 32, genesisForkVersion: new Uint8Array(4) };
const R = (b: string) => `0x${b.repeat(32)}`;

function attestation(over: Record<string, unknown> = {}) {
  return {
    type: "ATTESTATION",
    fork_info: {
      fork: { previous_version: "0x00000000", current_version: "0x01000000", epoch: "0" },
      genesis_validators_root: R("42"),
    },
    attestation: {
      slot: "64",
      index: "0",
      beacon_block_root: R("11"),
      source: { epoch: "1", root: R("22") },
      target: { epoch: "2", root: R("33") },
      ...over,
    },
  };
}

function refusal(body: unknown): string {
  try {
    prepareSigning(body, params);
    return "signed";
  } catch (e) {
    return e instanceof SignerError ? `${e.code}: ${e.message}` : `not a SignerError: ${String(e)}`;
  }
}

describe("strict request parsing", () => {
  it("accepts a well-formed attestation", () => {
    expect(prepareSigning(attestation(), params).signingRoot).toHaveLength(32);
  });

  it.each([
    ["non-hex digits", { beacon_block_root: `0x${"zz".repeat(32)}` }, /beacon_block_root must be 0x-prefixed hex/],
    ["no 0x prefix", { beacon_block_root: "ab".repeat(32) }, /beacon_block_root must be 0x-prefixed hex/],
    ["an odd hex digit", { beacon_block_root: `0x${"1".repeat(63)}g` }, /beacon_block_root must be 0x-prefixed hex/],
    ["a wrong length", { beacon_block_root: "0x11" }, /not a valid AttestationData: .*invalid size/],
    ["a nested non-hex root", { target: { epoch: "2", root: `0x${"zz".repeat(32)}` } }, /target\.root must be 0x/],
    ["trailing garbage in a number", { index: "12abc" }, /index must be an unsigned 64-bit decimal/],
    ["a negative number", { index: -1 }, /index must be an unsigned integer/],
    ["a fraction", { index: 1.5 }, /index must be an unsigned integer/],
    ["a number as an object", { index: { x: 1 } }, /index must be an unsigned integer/],
    ["a missing field", { index: undefined }, /index is required|index must be/],
  ])("refuses %s with 400 before anything is signed", (_name, over, why) => {
    const r = refusal(attestation(over));
    expect(r).toMatch(/^SIGNER_BAD_REQUEST: /);
    expect(r).toMatch(why);
  });

  it("refuses a non-hex root in a full block (every SSZ field is checked)", () => {
    const block = {
      type: "BLOCK_V2",
      fork_info: attestation().fork_info,
      beacon_block: {
        version: "PHASE0",
        block: {
          slot: "1",
          proposer_index: "0",
          parent_root: R("aa"),
          state_root: `0x${"zz".repeat(32)}`,
          body: {},
        },
      },
    };
    expect(refusal(block)).toMatch(/^SIGNER_BAD_REQUEST: .*state_root must be 0x-prefixed hex/);
  });

  it("refuses a 200,000-deep body with 400, without recursion", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(refusal({ ...attestation(), extra: deep })).toMatch(/^SIGNER_BAD_REQUEST: request nested deeper than/);
    const text = `{"type":"ATTESTATION","x":${"[".repeat(200_000)}${"]".repeat(200_000)}}`;
    expect(refusal(JSON.parse(text))).toMatch(/^SIGNER_BAD_REQUEST: request nested deeper than/);
  });
});
