/**
 * Test-only: the EIP-3076 slashing-protection interchange test vectors (vectors/eip3076, 38 files), read
 * as the tests of the database and of the HTTP import run them.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** One signing a step checks after its import: allowed (`should_succeed`) or refused. */
export interface Eip3076Check {
  pubkey: string;
  slot?: string;
  source_epoch?: string;
  target_epoch?: string;
  signing_root?: string;
  should_succeed: boolean;
  /** What a "complete" database (every signing kept, as ours) must answer, where it differs. */
  should_succeed_complete?: boolean;
}

export interface Eip3076Case {
  name: string;
  genesis_validators_root: string;
  steps: Array<{
    should_succeed: boolean;
    contains_slashable_data: boolean;
    interchange: unknown;
    blocks: Eip3076Check[];
    attestations: Eip3076Check[];
  }>;
}

const DIR = join(import.meta.dirname, "../../../../vectors/eip3076");

/** The vector of `file` (a name in vectors/eip3076, with `.json`). */
export function eip3076Case(file: string): Eip3076Case {
  return JSON.parse(readFileSync(join(DIR, file), "utf8")) as Eip3076Case;
}

/** Every vector, in the folder's order (its JSON schema left out). */
export function eip3076Cases(): Eip3076Case[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith(".json") && f !== "schema.json")
    .map(eip3076Case);
}
