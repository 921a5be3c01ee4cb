import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SignerError } from "../errors.js";
import { hexOf, referenceRoot } from "../testing/reference.js";
import { EXAMPLE_CORRECTIONS } from "../testing/specExamples.js";
import { prepareSigning } from "./prepare.js";

const require = createRequire(import.meta.url);
const yaml = require("js-yaml") as { load(s: string): unknown };
const SPEC = join(import.meta.dirname, "../../../../vectors/apis/web3signer/eth2/signing/paths/sign.yaml");
const params = { slotsPerEpoch: 32, genesisForkVersion: new Uint8Array([0, 0, 0, 1]) };
type Example = { value: Record<string, unknown> };
const spec = yaml.load(readFileSync(SPEC, "utf8")) as {
  post: { requestBody: { content: { "application/json": { examples: Record<string, Example> } } } };
};
const examples = spec.post.requestBody.content["application/json"].examples;
function example(name: string): Record<string, unknown> {
  const e = examples[name];
  if (e === undefined) throw new Error(`no example ${name}`);
  return structuredClone(e.value);
}
const hex = (b: Uint8Array) => `0x${Buffer.from(b).toString("hex")}`;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof SignerError ? e.code : `not a SignerError: ${String(e)}`;
  }
  return undefined;
}

describe("prepareSigning (mainnet preset)", () => {
  for (const name of Object.keys(EXAMPLE_CORRECTIONS)) {
    it(`spec example ${name}: signs the reference root; the listed signingRoot is refused`, () => {
      const body = example(name);
      expect(codeOf(() => prepareSigning(body, params))).toBe("SIGNER_SIGNING_ROOT_MISMATCH");
      const want = hexOf(referenceRoot(body));
      expect(want).not.toBe(body.signingRoot);
      body.signingRoot = want;
      expect(hex(prepareSigning(body, params).signingRoot)).toBe(want);
    });
  }

  it("returns the slashing data of an attestation and a block", () => {
    const att = prepareSigning(example("ATTESTATION"), params);
    expect(att.slashing.kind).toBe("attestation");
    const header = example("BLOCK_V2 (BELLATRIX)");
    delete header.signingRoot;
    Object.assign((header.beacon_block as { block_header: object }).block_header, { slot: "77", proposer_index: "3" });
    const blk = prepareSigning(header, params);
    expect(blk.slashing).toEqual({ kind: "block", slot: 77n });
    expect(blk.logFields).toEqual({ slot: 77, epoch: 2 });
    expect(prepareSigning(example("RANDAO_REVEAL"), params).slashing.kind).toBe("none");
  });

  it("recomputes the root when the caller sends none", () => {
    const body = example("ATTESTATION");
    const want = body.signingRoot;
    delete body.signingRoot;
    const p = prepareSigning(body, params);
    expect(hex(p.signingRoot)).toBe(want);
    expect(p.callerSigningRoot).toBeUndefined();
  });

  it("refuses a caller signingRoot that differs from the recomputed one (400)", () => {
    const body = example("ATTESTATION");
    body.signingRoot = `0x${"11".repeat(32)}`;
    expect(codeOf(() => prepareSigning(body, params))).toBe("SIGNER_SIGNING_ROOT_MISMATCH");
    // the same message with a different fork version gives a different root: refused too
    const other = example("VOLUNTARY_EXIT");
    (other.fork_info as { fork: { current_version: string } }).fork.current_version = "0x00000002";
    expect(codeOf(() => prepareSigning(other, params))).toBe("SIGNER_SIGNING_ROOT_MISMATCH");
  });

  it("answers 400 (SIGNER_BAD_REQUEST) for malformed requests", () => {
    const cases: Array<[string, (b: Record<string, unknown>) => unknown]> = [
      ["unknown type", (b) => Object.assign(b, { type: "PIZZA" })],
      ["missing type", (b) => delete b.type],
      ["missing fork_info", (b) => delete b.fork_info],
      ["missing attestation", (b) => delete b.attestation],
      ["bad gvr", (b) => Object.assign(b.fork_info as object, { genesis_validators_root: "0x12" })],
      ["bad root", (b) => Object.assign(b.attestation as object, { beacon_block_root: "zz" })],
      ["negative slot", (b) => Object.assign(b.attestation as object, { slot: "-1" })],
      ["slot above 2^64-1", (b) => Object.assign(b.attestation as object, { slot: "18446744073709551616" })],
      ["hex slot", (b) => Object.assign(b.attestation as object, { slot: "0x10" })],
      ["unsafe JSON number", (b) => Object.assign(b.attestation as object, { slot: 2 ** 53 + 2 })],
      ["source after target", (b) => Object.assign((b.attestation as { source: object }).source, { epoch: "9" })],
      ["bad signingRoot", (b) => Object.assign(b, { signingRoot: "0x1234" })],
    ];
    for (const [name, mutate] of cases) {
      const body = example("ATTESTATION");
      mutate(body);
      expect(
        codeOf(() => prepareSigning(body, params)),
        name,
      ).toBe("SIGNER_BAD_REQUEST");
    }
    expect(codeOf(() => prepareSigning("nope", params))).toBe("SIGNER_BAD_REQUEST");
    expect(codeOf(() => prepareSigning([], params))).toBe("SIGNER_BAD_REQUEST");
  });

  it("computes DEPOSIT signing roots equal to the deposit vectors (staking-deposit-cli)", () => {
    const file = JSON.parse(
      readFileSync(join(import.meta.dirname, "../../../../vectors/deposit/deposit_data_cases.json"), "utf8"),
    ) as {
      cases: Array<Record<string, string | number> & { computed: { signing_root: string } }>;
    };
    expect(file.cases.length).toBeGreaterThan(0);
    for (const c of file.cases) {
      const body = {
        type: "DEPOSIT",
        deposit: {
          pubkey: `0x${c.pubkey}`,
          withdrawal_credentials: `0x${c.withdrawal_credentials}`,
          amount: String(c.amount),
          genesis_fork_version: `0x${c.fork_version}`,
        },
        signingRoot: c.computed.signing_root,
      };
      expect(hex(prepareSigning(body, params).signingRoot), String(c.name)).toBe(c.computed.signing_root);
    }
  });
});
