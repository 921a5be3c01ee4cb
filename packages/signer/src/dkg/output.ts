/**
 * What a DKG party writes, and reads back: a public `dkg-output.json` (definition, qualified set,
 * every validator's group key and all public shares) and one EIP-2335 keystore per validator share
 * under `keystores/`. Files are written to a temp name and renamed; an existing output is never
 * overwritten.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fromHex, toHex } from "../bls/bytes.js";
import {
  decryptKeystores,
  encryptKeystores,
  encryptKeystoresWith,
  type KdfChoice,
  type PreparedKeystoreKey,
  SCRYPT_DEFAULT,
} from "../keystore/keystore.js";
import { type DkgDefinition, parseDefinition } from "./definition.js";
import { DkgError } from "./errors.js";
import type { DkgResult } from "./protocol.js";

export const OUTPUT_FILE = "dkg-output.json";
export const KEYSTORE_DIR = "keystores";

export interface DkgOutputFile {
  readonly version: "mzku-dkg-output/v1";
  readonly definition: DkgDefinition;
  readonly sessionId: string;
  readonly index: number;
  readonly threshold: number;
  readonly parties: number;
  readonly qualified: readonly number[];
  readonly disqualified: readonly { readonly index: number; readonly reason: string }[];
  readonly validators: readonly {
    readonly groupPublicKey: string;
    readonly publicShares: readonly string[];
    readonly keystore: string;
  }[];
}

function writeAtomic(path: string, data: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data, { mode: 0o600 });
  renameSync(tmp, path);
}

/** Writes keystores first, then the public output (its presence marks a complete output). */
export async function writeDkgOutput(
  dir: string,
  definition: DkgDefinition,
  result: DkgResult,
  password: string | PreparedKeystoreKey,
  kdf: KdfChoice = SCRYPT_DEFAULT,
): Promise<DkgOutputFile> {
  if (existsSync(join(dir, OUTPUT_FILE)))
    throw new DkgError("DKG_WRONG_STATE", `${dir} already holds a DKG output; refusing to overwrite`);
  mkdirSync(join(dir, KEYSTORE_DIR), { recursive: true, mode: 0o700 });
  const inputs = result.validators.map((v) => ({
    secret: v.secretShare,
    description: `mzku threshold share ${result.index}/${result.parties} (t=${result.threshold}) of validator ${toHex(v.groupPublicKey)}`,
  }));
  const keystores =
    typeof password === "string"
      ? await encryptKeystores(inputs, password, kdf)
      : encryptKeystoresWith(password, inputs);
  const names = keystores.map((ks, v) => {
    const name = `share-${String(v).padStart(5, "0")}-${toHex(result.validators[v]?.groupPublicKey ?? new Uint8Array()).slice(2, 14)}.json`;
    writeAtomic(join(dir, KEYSTORE_DIR, name), JSON.stringify(ks, null, 2));
    return `${KEYSTORE_DIR}/${name}`;
  });
  const out: DkgOutputFile = {
    version: "mzku-dkg-output/v1",
    definition,
    sessionId: toHex(result.sessionId),
    index: result.index,
    threshold: result.threshold,
    parties: result.parties,
    qualified: result.qualified,
    disqualified: result.disqualified,
    validators: result.validators.map((v, k) => ({
      groupPublicKey: toHex(v.groupPublicKey),
      publicShares: v.publicShares.map(toHex),
      keystore: names[k] as string,
    })),
  };
  writeAtomic(join(dir, OUTPUT_FILE), JSON.stringify(out, null, 2));
  return out;
}

/** Reads and validates a DKG output directory's public file. */
export function readDkgOutput(dir: string): DkgOutputFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(join(dir, OUTPUT_FILE), "utf8"));
  } catch (cause) {
    throw new DkgError("DKG_INVALID_DEFINITION", `no readable ${OUTPUT_FILE} in ${dir}`, { cause });
  }
  const o = raw as DkgOutputFile;
  if (o?.version !== "mzku-dkg-output/v1" || !Array.isArray(o.validators))
    throw new DkgError("DKG_INVALID_DEFINITION", `${OUTPUT_FILE} is not a DKG output`);
  const definition = parseDefinition(o.definition);
  for (const v of o.validators) {
    if (fromHex(v.groupPublicKey).length !== 48 || v.publicShares.length !== definition.parties.length) {
      throw new DkgError("DKG_INVALID_DEFINITION", `${OUTPUT_FILE}: malformed validator entry`);
    }
  }
  return { ...o, definition };
}

/** Decrypts this party's shares (one KDF run for the batch). */
export async function readShares(dir: string, output: DkgOutputFile, password: string): Promise<Uint8Array[]> {
  const files = output.validators.map((v) => JSON.parse(readFileSync(join(dir, v.keystore), "utf8")) as unknown);
  return decryptKeystores(files, password);
}

export function listKeystores(dir: string): string[] {
  return readdirSync(join(dir, KEYSTORE_DIR)).filter((f) => f.endsWith(".json"));
}

/** One decrypted share in the shape the co-signer consumes (`KeyShare` of src/cosigner/shares.ts). */
export interface DkgKeyShare {
  groupPublicKey: string;
  threshold: number;
  index: number;
  secret: Uint8Array;
  publicShares: Record<string, string>;
}

/** Reads a DKG output directory and decrypts its keystores into co-signer key shares. */
export async function loadDkgKeyShares(dir: string, password: string): Promise<DkgKeyShare[]> {
  const output = readDkgOutput(dir);
  const secrets = await readShares(dir, output, password);
  return output.validators.map((v, k) => ({
    groupPublicKey: v.groupPublicKey.toLowerCase(),
    threshold: output.threshold,
    index: output.index,
    secret: secrets[k] as Uint8Array,
    publicShares: Object.fromEntries(v.publicShares.map((pk, i) => [String(i + 1), pk.toLowerCase()])),
  }));
}
