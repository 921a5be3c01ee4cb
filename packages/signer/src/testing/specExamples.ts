/**
 * Test-only: the request examples of the Web3Signer eth2 spec (vectors/apis/web3signer), as the spec
 * lists them. Two of them are corrected here, and only these (see `EXAMPLE_CORRECTIONS`).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(import.meta.url);
const yaml = require("js-yaml") as { load(s: string): unknown };

export const SPEC_DIR = join(import.meta.dirname, "../../../../vectors/apis/web3signer/eth2");

type Example = { value: Record<string, unknown> };
const sign = yaml.load(readFileSync(join(SPEC_DIR, "signing/paths/sign.yaml"), "utf8")) as {
  post: { requestBody: { content: { "application/json": { examples: Record<string, Example> } } } };
};

/** Every request example of `POST /api/v1/eth2/sign/{identifier}`, by its name in the spec. */
export const SPEC_EXAMPLES: ReadonlyArray<[string, Record<string, unknown>]> = Object.entries(
  sign.post.requestBody.content["application/json"].examples,
).map(([name, e]) => [name, e.value]);

/**
 * The spec's ELECTRA and FULU aggregate examples carry `committee_bits` of 8 bytes (the mainnet
 * preset's MAX_COMMITTEES_PER_SLOT = 64) while every other example is built with the minimal preset,
 * and their `signingRoot` (0x2475…c9e0) is not the root of the message they carry under either preset,
 * any fork version of the example's fork info or the neighbouring bit layouts. They are run with the
 * mainnet preset and the root recomputed by the reference (@lodestar/types) instead of the listed one.
 */
export const EXAMPLE_CORRECTIONS: Readonly<Record<string, string>> = {
  "AGGREGATE_AND_PROOF_V2 (ELECTRA)": "mainnet preset; signingRoot replaced by the reference root",
  "AGGREGATE_AND_PROOF_V2 (FULU)": "mainnet preset; signingRoot replaced by the reference root",
};

export function specExample(name: string): Record<string, unknown> {
  const e = SPEC_EXAMPLES.find(([n]) => n === name);
  if (e === undefined) throw new Error(`no spec example ${name}`);
  return structuredClone(e[1]);
}
