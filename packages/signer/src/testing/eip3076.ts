/**
 * Test-only: the EIP-3076 slashing-protection interchange test vectors (vectors/eip3076, 38 files), read
 * as the tests of the database and of the HTTP import run them, and the checks of a step after its import.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { SignerError } from "../errors.js";
import type { SlashingProtectionDb } from "../slashing/db.js";

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

/** Whether `fn` returns; a refusal is a `SignerError` (anything else is a bug and is thrown). */
export function accepted(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (e) {
    if (!(e instanceof SignerError)) throw e;
    return false;
  }
}

/** Step `i` of `tc` after its import into `db`: each block and attestation allowed or refused as it says. */
export function expectStepChecks(db: SlashingProtectionDb, tc: Eip3076Case, i: number): void {
  const step = tc.steps[i];
  if (step === undefined) throw new Error(`${tc.name} has no step ${i}`);
  const gvr = tc.genesis_validators_root;
  for (const [j, b] of step.blocks.entries()) {
    const got = accepted(() => db.checkAndInsertBlock(b.pubkey, gvr, Number(b.slot), b.signing_root ?? null));
    expect(got, `${tc.name} step ${i} block ${j} slot ${b.slot}`).toBe(b.should_succeed_complete ?? b.should_succeed);
  }
  for (const [j, a] of step.attestations.entries()) {
    const got = accepted(() =>
      db.checkAndInsertAttestation(
        a.pubkey,
        gvr,
        Number(a.source_epoch),
        Number(a.target_epoch),
        a.signing_root ?? null,
      ),
    );
    expect(got, `${tc.name} step ${i} attestation ${j} (${a.source_epoch},${a.target_epoch})`).toBe(
      a.should_succeed_complete ?? a.should_succeed,
    );
  }
}
