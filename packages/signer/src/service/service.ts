/**
 * The signing pipeline, independent of any transport: the HTTP server (`api/`) calls it, and so can a
 * sidecar that co-signs in-process.
 *
 * For every request: the identifier is checked, the request validated and its signing root recomputed
 * (`signing/`), the key checked, the message committed to this process's slashing-protection database
 * (`slashing/`, fsynced, group commit), and only then is the backend asked to sign. A signature never
 * leaves this class before the record that guards it is durable.
 *
 * The same order holds for both roles: the record is committed, then the backend runs. A co-signer
 * computes its partial only once its record is durable. The combiner is the slashing authority for
 * what leaves the cluster: it commits its record before it asks any co-signer, so a message it refuses
 * never reaches a co-signer; each co-signer still checks its own database before it releases a partial,
 * so neither a combiner nor a co-signer alone can get a slashable message signed.
 */

import type { Logger } from "@mzku/log";
import { SignerError } from "../errors.js";
import type { SignerMetrics } from "../metrics.js";
import { prepareSigning } from "../signing/prepare.js";
import type { PreparedSigning, SigningParams, SigningType } from "../signing/types.js";
import { SlashingBatcher } from "../slashing/batcher.js";
import type { SlashingOutcome, SlashingProtectionDb } from "../slashing/db.js";
import { type Interchange, type ParsedRecord, parseInterchange } from "../slashing/interchange.js";
import { workerWriter } from "../slashing/writer.js";
import type { SignerBackend } from "./backend.js";
import { type HealthReport, healthReport } from "./health.js";

export interface SigningServiceOptions {
  backend: SignerBackend;
  slashing: SlashingProtectionDb;
  signing: SigningParams;
  logger: Logger;
  metrics: SignerMetrics;
  /** The chain this signer serves (0x hex); interchange imports for another chain are refused. */
  genesisValidatorsRoot?: string;
  /**
   * Commit slashing-protection records on a worker thread (default, for a file database) so that an
   * fsync never stalls the event loop; false keeps them on this thread.
   */
  slashingInWorker?: boolean;
}

/** Rows written per transaction when an interchange is imported while signing goes on. */
export const IMPORT_PIECE_ROWS = 2000;

/** Splits records into pieces of at most `rows` blocks + attestations (a large record is split too). */
function* pieces(records: readonly ParsedRecord[], rows: number): Generator<ParsedRecord[]> {
  let piece: ParsedRecord[] = [];
  let size = 0;
  for (const rec of records) {
    const items = [...rec.blocks.map((b) => ({ b })), ...rec.attestations.map((a) => ({ a }))];
    for (let i = 0; i < items.length || i === 0; i += rows) {
      const part = items.slice(i, i + rows);
      if (size + part.length > rows && piece.length > 0) {
        yield piece;
        piece = [];
        size = 0;
      }
      piece.push({
        pubkey: rec.pubkey,
        blocks: part.flatMap((x) => ("b" in x ? [x.b] : [])),
        attestations: part.flatMap((x) => ("a" in x ? [x.a] : [])),
      });
      size += part.length;
    }
  }
  if (piece.length > 0) yield piece;
}

/** A signed request: the signature as lower-case 0x hex and the backend's extra fields. */
export interface SignedMessage {
  type: SigningType;
  signature: string;
  extra: Record<string, string | number>;
}

const IDENTIFIER = /^0x[0-9a-fA-F]{96}$/;

export class SigningService {
  readonly role: "cosigner" | "combiner";
  private readonly batcher: SlashingBatcher;

  constructor(private readonly opts: SigningServiceOptions) {
    this.role = opts.backend.role;
    const writer = opts.slashingInWorker === false ? undefined : workerWriter(opts.slashing);
    this.batcher = new SlashingBatcher(opts.slashing, writer === undefined ? {} : { writer });
  }

  get logger(): Logger {
    return this.opts.logger;
  }

  /** Validator (group) public keys served, lower-case 0x hex. */
  publicKeys(): string[] {
    return this.opts.backend.publicKeys();
  }

  /** Releases the backend's resources (the combiner's connections to its co-signers). */
  close(): void {
    this.opts.backend.close?.();
    void this.batcher.close();
  }

  /** Sets `signer_keys_loaded_count` to the keys served. */
  keysLoaded(): void {
    this.opts.metrics.keysLoaded.set(this.publicKeys().length);
  }

  /**
   * Signs one typed Web3Signer request for `identifier` (a 0x BLS public key).
   * @throws SignerError SIGNER_BAD_REQUEST, SIGNER_SIGNING_ROOT_MISMATCH, SIGNER_UNKNOWN_KEY,
   *   SIGNER_SLASHABLE, and the backend's errors (SIGNER_NOT_ENOUGH_PARTIALS, ...).
   */
  async sign(identifier: string, body: unknown): Promise<SignedMessage> {
    const { backend, logger: log, metrics } = this.opts;
    const role = this.role;
    const started = process.hrtime.bigint();
    let type = "unknown";
    try {
      if (!IDENTIFIER.test(identifier)) {
        throw new SignerError("SIGNER_BAD_REQUEST", "identifier must be a 0x-prefixed 48-byte BLS public key");
      }
      const pubkey = identifier.toLowerCase();
      const prepared = prepareSigning(body, this.opts.signing);
      type = prepared.type;
      if (!backend.publicKeys().includes(pubkey)) {
        throw new SignerError("SIGNER_UNKNOWN_KEY", `public key ${pubkey} is not served here`);
      }
      const reqLog = log.child({ type, pubkey: pubkey.slice(0, 18), ...prepared.logFields });
      const request = body as Record<string, unknown>;
      const outcome = await this.record(pubkey, prepared);
      const result = await backend.sign(pubkey, prepared, request, reqLog);
      metrics.signRequests.inc({ role, type, outcome: "ok" });
      reqLog.debug("Signed", { slashing: outcome });
      return {
        type: prepared.type,
        signature: `0x${Buffer.from(result.signature).toString("hex")}`,
        extra: result.extra ?? {},
      };
    } catch (e) {
      const err = e instanceof SignerError ? e : new SignerError("SIGNER_INTERNAL", "internal error", { cause: e });
      metrics.signRequests.inc({ role, type, outcome: outcomeOf(err) });
      if (err.code === "SIGNER_SLASHABLE") {
        metrics.slashingRefusals.inc({ role, reason: String(err.details.reason ?? "unknown") });
      }
      const serverSide = [
        "SIGNER_INTERNAL",
        "SIGNER_CONFIG_INVALID",
        "SIGNER_NOT_ENOUGH_PARTIALS",
        "SIGNER_COMBINED_SIGNATURE_INVALID",
        "SIGNER_COSIGNER_UNAUTHORIZED",
      ];
      log[serverSide.includes(err.code) ? "error" : "warn"]("Sign request refused", {
        type,
        code: err.code,
        reason: typeof err.details.reason === "string" ? err.details.reason : undefined,
        message: err.message,
        cause: err.code === "SIGNER_INTERNAL" && e instanceof Error ? e.message : undefined,
      });
      throw err;
    } finally {
      metrics.signDuration.observe({ role, type }, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  /**
   * Imports an EIP-3076 v5 interchange. The whole document is validated and its chain checked first
   * (against the configured genesis validators root, or the one the database is bound to; with
   * neither, the import is refused), then it is written in pieces of at most `IMPORT_PIECE_ROWS`
   * rows with the event loop free in between: signing goes on for other validators, and signings for
   * the validators in the document wait until the last piece is committed.
   * @throws SignerError SIGNER_INTERCHANGE_INVALID or SIGNER_SLASHABLE (another chain).
   */
  async importInterchange(doc: unknown): Promise<{ validators: number; blocks: number; attestations: number }> {
    const { slashing, logger: log } = this.opts;
    try {
      const expected = this.opts.genesisValidatorsRoot ?? slashing.genesisValidatorsRoot();
      if (expected === undefined) {
        throw new SignerError(
          "SIGNER_INTERCHANGE_INVALID",
          "this signer is not bound to a chain yet: start it with --genesis-validators-root to import",
        );
      }
      const { genesisValidatorsRoot, records } = parseInterchange(doc);
      slashing.checkImportChain(genesisValidatorsRoot, expected);
      const release = this.batcher.hold(records.map((r) => r.pubkey));
      const counts = { validators: new Set(records.map((r) => r.pubkey)).size, blocks: 0, attestations: 0 };
      log.info("Importing slashing-protection interchange", {
        validators: counts.validators,
        rows: records.reduce((n, r) => n + r.blocks.length + r.attestations.length, 0),
      });
      try {
        for (const piece of pieces(records, IMPORT_PIECE_ROWS)) {
          const c = slashing.importRecords(genesisValidatorsRoot, piece);
          counts.blocks += c.blocks;
          counts.attestations += c.attestations;
          await new Promise((r) => setImmediate(r));
        }
      } finally {
        release();
      }
      log.info("Imported slashing-protection interchange", counts);
      return counts;
    } catch (e) {
      const err = e instanceof SignerError ? e : new SignerError("SIGNER_INTERNAL", "import failed", { cause: e });
      log.warn("Interchange import refused", { code: err.code, message: err.message });
      throw err;
    }
  }

  /** The slashing database and, on a combiner, the co-signers' reachability (service/health.ts). */
  health(): Promise<HealthReport> {
    return healthReport(this.opts.slashing, this.opts.backend);
  }

  /** The high watermark in force (slashing/db.ts), if any. */
  highWatermark(): { epoch?: bigint; slot?: bigint } {
    return this.opts.slashing.highWatermark();
  }

  /** The complete history as an EIP-3076 v5 interchange. */
  exportInterchange(): Interchange {
    try {
      return this.opts.slashing.exportInterchange();
    } catch (e) {
      throw e instanceof SignerError ? e : new SignerError("SIGNER_INTERNAL", "export failed", { cause: e });
    }
  }

  private record(pubkey: string, p: PreparedSigning): Promise<SlashingOutcome | "not_slashable"> {
    const base = {
      pubkey,
      genesisValidatorsRoot: p.genesisValidatorsRoot ?? new Uint8Array(32),
      signingRoot: p.signingRoot,
    };
    switch (p.slashing.kind) {
      case "block":
        return this.batcher.submit({ ...base, kind: "block", slot: p.slashing.slot });
      case "attestation":
        return this.batcher.submit({
          ...base,
          kind: "attestation",
          sourceEpoch: p.slashing.sourceEpoch,
          targetEpoch: p.slashing.targetEpoch,
        });
      case "none":
        return Promise.resolve("not_slashable");
    }
  }
}

/** The `outcome` label of `signer_sign_requests_total` for a refusal. */
function outcomeOf(err: SignerError): string {
  switch (err.code) {
    case "SIGNER_SLASHABLE":
      return "slashable";
    case "SIGNER_BAD_REQUEST":
    case "SIGNER_SIGNING_ROOT_MISMATCH":
    case "SIGNER_PAYLOAD_TOO_LARGE":
      return "bad_request";
    case "SIGNER_UNKNOWN_KEY":
      return "unknown_key";
    case "SIGNER_NOT_ENOUGH_PARTIALS":
      return "not_enough_partials";
    case "SIGNER_COSIGNER_UNAUTHORIZED":
      return "cosigner_unauthorized";
    default:
      return "error";
  }
}
