/**
 * The key manager API (`/eth/v1/keystores`, as Web3Signer and the validator clients serve it) for a
 * threshold signer. A validator key never exists whole anywhere, so "import" means, per role:
 *
 * - co-signer: each keystore is an EIP-2335 keystore of ONE SHARE (as `keys dkg` writes them). Its
 *   `pubkey` must be a public share of a validator this co-signer knows from its public validator set
 *   (`--validators`: group key, threshold, every public share — nothing secret); that tells which
 *   validator and which index the share is. It is decrypted with `passwords[i]`, checked against that
 *   public share, re-encrypted under the co-signer's own password into its keystore directory
 *   (written and fsynced before it is used) and served at once. A keystore of a whole validator key
 *   matches no public share and is refused.
 * - combiner: holds no key material. Every keystore is answered `error` (import each party's share
 *   into its co-signer); the `slashing_protection` document is still imported into its database.
 *
 * `slashing_protection`, when sent, is imported first and atomically; if it is refused, nothing is
 * imported. `list` shows validator (group) keys; keys loaded from `--shares`/`--dkg-dir` or from the
 * combiner config are `readonly` (not deletable through the API). `delete` stops a share from signing
 * before anything else, removes its keystore file and returns the validator's slashing history
 * (kept in the database, so a repeated delete returns it again).
 */
import { randomUUID } from "node:crypto";
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "@mzku/log";
import { secretKeyToPublicKey } from "../bls/bls.js";
import type { CoSigner } from "../cosigner/cosigner.js";
import type { KeyShare } from "../cosigner/shares.js";
import { SignerError } from "../errors.js";
import { decryptKeystore, encryptKeystore, type Keystore, parseKeystore } from "../keystore/keystore.js";
import type { SlashingProtectionDb } from "../slashing/db.js";

export interface KeyEntry {
  validating_pubkey: string;
  derivation_path: string;
  readonly: boolean;
}
export interface ImportStatus {
  status: "imported" | "duplicate" | "error";
  message?: string;
}
export interface DeleteStatus {
  status: "deleted" | "not_active" | "not_found" | "error";
  message?: string;
}
export interface DeleteResult {
  data: DeleteStatus[];
  /** EIP-3076 interchange (JSON text) of the requested keys' history. */
  slashing_protection: string;
}

export interface KeyManager {
  list(): KeyEntry[];
  import(
    keystores: readonly string[],
    passwords: readonly string[],
    slashingProtection?: string,
  ): Promise<ImportStatus[]>;
  delete(pubkeys: readonly string[]): Promise<DeleteResult>;
}

/** Public data of a validator a co-signer may hold a share of. */
export interface ValidatorPublic {
  groupPublicKey: string;
  threshold: number;
  /** Public share by party index, lower-case 0x hex. */
  publicShares: Record<string, string>;
}

const ZERO_ROOT = `0x${"00".repeat(32)}`;
const hex = (b: Uint8Array) => `0x${Buffer.from(b).toString("hex")}`;

function parseJsonText(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SignerError("SIGNER_BAD_REQUEST", `${what} is not valid JSON`);
  }
}

/**
 * Imports the request's EIP-3076 document (atomic); a refused document refuses the whole request. As
 * for `POST /api/v1/eth2/slashing-protection`, the document must be for the chain this signer is bound
 * to (`--genesis-validators-root`, or its first signing): a fresh signer does not bind itself to
 * whatever chain the document names.
 */
function importSlashing(db: SlashingProtectionDb, text: string | undefined, log: Logger): void {
  if (text === undefined) return;
  const doc = parseJsonText(text, "slashing_protection");
  const expected = db.genesisValidatorsRoot();
  if (expected === undefined) {
    throw new SignerError(
      "SIGNER_INTERCHANGE_INVALID",
      "this signer is not bound to a chain yet: start it with --genesis-validators-root to import",
    );
  }
  const counts = db.importInterchange(doc, { expectedGenesisValidatorsRoot: expected });
  log.info("Imported slashing protection with keystores", counts);
}

function exportFor(db: SlashingProtectionDb, pubkeys: readonly string[]): string {
  return JSON.stringify(db.exportInterchange(ZERO_ROOT, pubkeys));
}

export interface CoSignerKeyManagerOptions {
  cosigner: CoSigner;
  /** Validators whose shares may be imported. */
  validators: readonly ValidatorPublic[];
  slashing: SlashingProtectionDb;
  /** Where imported shares rest, re-encrypted under `password`. Without it imports are refused. */
  store?: { dir: string; password: string };
  /** Group keys loaded from files at start (not deletable through the API). */
  readonlyKeys: ReadonlySet<string>;
  logger: Logger;
}

/** The file an imported share of this validator rests in. */
function storeFile(dir: string, groupPublicKey: string): string {
  return join(dir, `share-${groupPublicKey.slice(2)}.json`);
}

function writeDurably(path: string, text: string): void {
  const tmp = `${path}.tmp-${randomUUID()}`;
  const fd = openSync(tmp, "w", 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export class CoSignerKeyManager implements KeyManager {
  /** Public share (lower-case hex) → validator and party index. */
  private readonly byShare = new Map<string, { validator: ValidatorPublic; index: number }>();

  constructor(private readonly opts: CoSignerKeyManagerOptions) {
    for (const v of opts.validators) {
      for (const [i, pk] of Object.entries(v.publicShares)) {
        this.byShare.set(pk.toLowerCase(), { validator: v, index: Number(i) });
      }
    }
  }

  /**
   * Loads every share resting in the store (at start), decrypted with the store's password.
   * @returns how many were loaded.
   */
  async loadStore(): Promise<number> {
    const store = this.opts.store;
    if (store === undefined) return 0;
    let n = 0;
    for (const f of readdirSync(store.dir).filter((x) => /^share-[0-9a-f]{96}\.json$/.test(x))) {
      const ks = parseKeystore(JSON.parse(readFileSync(join(store.dir, f), "utf8")) as unknown);
      const share = await this.shareOf(ks, store.password);
      if (this.opts.cosigner.add(share)) n++;
    }
    return n;
  }

  list(): KeyEntry[] {
    return this.opts.cosigner.publicKeys().map((k) => ({
      validating_pubkey: k,
      derivation_path: "",
      readonly: this.opts.readonlyKeys.has(k),
    }));
  }

  async import(
    keystores: readonly string[],
    passwords: readonly string[],
    slashingProtection?: string,
  ): Promise<ImportStatus[]> {
    const { cosigner, store, logger: log } = this.opts;
    importSlashing(this.opts.slashing, slashingProtection, log);
    const out: ImportStatus[] = [];
    for (const [i, text] of keystores.entries()) {
      try {
        if (store === undefined) {
          throw new SignerError("SIGNER_CONFIG_INVALID", "this co-signer has no keystore directory (--keystores-dir)");
        }
        const ks = parseKeystore(parseJsonText(text, `keystores[${i}]`));
        const known = this.byShare.get(`0x${ks.pubkey.toLowerCase().replace(/^0x/, "")}`);
        if (known !== undefined && cosigner.publicKeys().includes(known.validator.groupPublicKey)) {
          out.push({ status: "duplicate" });
          continue;
        }
        const share = await this.shareOf(ks, passwords[i] ?? "");
        const rest = await encryptKeystore(
          { secret: share.secret, description: `mzku threshold share ${share.index} of ${share.groupPublicKey}` },
          store.password,
        );
        writeDurably(storeFile(store.dir, share.groupPublicKey), JSON.stringify(rest));
        cosigner.add(share);
        log.info("Imported key share", { pubkey: share.groupPublicKey.slice(0, 18), index: share.index });
        out.push({ status: "imported" });
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        log.warn("Key share import refused", { keystore: i, message });
        out.push({ status: "error", message });
      }
    }
    return out;
  }

  async delete(pubkeys: readonly string[]): Promise<DeleteResult> {
    const { cosigner, store, slashing, logger: log } = this.opts;
    const keys = pubkeys.map((k) => k.toLowerCase());
    const data = keys.map((k): DeleteStatus => {
      if (this.opts.readonlyKeys.has(k)) {
        return { status: "error", message: "loaded from files at start (readonly); remove it from the configuration" };
      }
      if (cosigner.remove(k)) {
        if (store !== undefined) rmSync(storeFile(store.dir, k), { force: true });
        log.info("Deleted key share", { pubkey: k.slice(0, 18) });
        return { status: "deleted" };
      }
      return slashing.hasRecords(k) ? { status: "not_active" } : { status: "not_found" };
    });
    return { data, slashing_protection: exportFor(slashing, keys) };
  }

  /** Decrypts a share keystore and checks it against the public share it claims to be. */
  private async shareOf(ks: Keystore, password: string): Promise<KeyShare> {
    const claimed = `0x${ks.pubkey.toLowerCase().replace(/^0x/, "")}`;
    const known = this.byShare.get(claimed);
    if (known === undefined) {
      throw new SignerError(
        "SIGNER_BAD_REQUEST",
        `keystore ${claimed.slice(0, 18)}… is not a share of a validator this co-signer knows (whole keys are never imported)`,
      );
    }
    const secret = await decryptKeystore(ks, password);
    if (hex(secretKeyToPublicKey(secret)) !== claimed) {
      throw new SignerError("SIGNER_BAD_REQUEST", "decrypted secret does not match the keystore's public share");
    }
    const v = known.validator;
    return {
      groupPublicKey: v.groupPublicKey,
      threshold: v.threshold,
      index: known.index,
      secret,
      publicShares: v.publicShares,
    };
  }
}

/** The combiner's key manager: it lists what it combines and imports only slashing protection. */
export class CombinerKeyManager implements KeyManager {
  constructor(private readonly opts: { publicKeys: () => string[]; slashing: SlashingProtectionDb; logger: Logger }) {}

  list(): KeyEntry[] {
    return this.opts.publicKeys().map((k) => ({ validating_pubkey: k, derivation_path: "", readonly: true }));
  }

  async import(keystores: readonly string[], _passwords: readonly string[], slashingProtection?: string) {
    importSlashing(this.opts.slashing, slashingProtection, this.opts.logger);
    return keystores.map(
      (): ImportStatus => ({
        status: "error",
        message: "a combiner holds no key material: import each party's share keystore into its co-signer",
      }),
    );
  }

  async delete(pubkeys: readonly string[]): Promise<DeleteResult> {
    const served = new Set(this.opts.publicKeys());
    const keys = pubkeys.map((k) => k.toLowerCase());
    const data = keys.map(
      (k): DeleteStatus =>
        served.has(k)
          ? { status: "error", message: "configured in the combiner config (readonly)" }
          : this.opts.slashing.hasRecords(k)
            ? { status: "not_active" }
            : { status: "not_found" },
    );
    return { data, slashing_protection: exportFor(this.opts.slashing, keys) };
  }
}

/** Parses a public validator set: `{"validators":[{"groupPublicKey","threshold","publicShares":{…}}]}`. */
export function parseValidatorSet(json: unknown): ValidatorPublic[] {
  const bad = (m: string) => new SignerError("SIGNER_CONFIG_INVALID", `validator set: ${m}`);
  const list = (json as { validators?: unknown })?.validators;
  if (!Array.isArray(list)) throw bad("a validators array is needed");
  const key = (v: unknown, where: string) => {
    if (typeof v !== "string" || !/^0x[0-9a-fA-F]{96}$/.test(v)) throw bad(`${where} must be 0x hex of 48 bytes`);
    return v.toLowerCase();
  };
  return list.map((raw, i): ValidatorPublic => {
    const r = raw as Record<string, unknown>;
    const t = r.threshold;
    if (typeof t !== "number" || !Number.isInteger(t) || t < 2 || t > 16) throw bad(`validators[${i}].threshold`);
    const publicShares: Record<string, string> = {};
    for (const [k, pk] of Object.entries((r.publicShares ?? {}) as Record<string, unknown>)) {
      if (!/^[0-9]+$/.test(k)) throw bad(`validators[${i}].publicShares index ${k}`);
      publicShares[k] = key(pk, `validators[${i}].publicShares.${k}`);
    }
    if (Object.keys(publicShares).length < t) throw bad(`validators[${i}] has fewer public shares than its threshold`);
    return { groupPublicKey: key(r.groupPublicKey, `validators[${i}].groupPublicKey`), threshold: t, publicShares };
  });
}
