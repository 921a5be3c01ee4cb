/** EIP-3076 slashing-protection interchange format, version 5: types and validation. */
import { SignerError } from "../errors.js";

export interface InterchangeBlock {
  slot: string;
  signing_root?: string;
}
export interface InterchangeAttestation {
  source_epoch: string;
  target_epoch: string;
  signing_root?: string;
}
export interface InterchangeRecord {
  pubkey: string;
  signed_blocks: InterchangeBlock[];
  signed_attestations: InterchangeAttestation[];
}
export interface Interchange {
  metadata: { interchange_format_version: "5"; genesis_validators_root: string };
  data: InterchangeRecord[];
}

/** A validated record with parsed numbers (pubkeys and roots lower-case 0x hex). */
export interface ParsedRecord {
  pubkey: string;
  blocks: Array<{ slot: bigint; signingRoot: string | null }>;
  attestations: Array<{ sourceEpoch: bigint; targetEpoch: bigint; signingRoot: string | null }>;
}

function invalid(message: string): SignerError {
  return new SignerError("SIGNER_INTERCHANGE_INVALID", `invalid interchange: ${message}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function parseHex(v: unknown, bytes: number, where: string): string {
  if (typeof v !== "string" || !new RegExp(`^0x[0-9a-fA-F]{${bytes * 2}}$`).test(v)) {
    throw invalid(`${where} must be 0x-prefixed hex of ${bytes} bytes`);
  }
  return v.toLowerCase();
}

function parseUint(v: unknown, where: string): bigint {
  if (typeof v !== "string" || !/^[0-9]{1,20}$/.test(v)) throw invalid(`${where} must be a decimal string`);
  const n = BigInt(v);
  if (n > (1n << 63n) - 1n) throw invalid(`${where} exceeds 2^63-1, the largest slashing protection records`);
  return n;
}

const ZERO_ROOT = `0x${"00".repeat(32)}`;

/** Optional signing roots: absent and all-zero both mean "unknown" (EIP-3076). */
function parseRoot(v: unknown, where: string): string | null {
  if (v === undefined || v === null) return null;
  const r = parseHex(v, 32, where);
  return r === ZERO_ROOT ? null : r;
}

/**
 * Validates an interchange document (any `unknown` JSON) and returns its genesis validators root and
 * parsed records. Duplicate pubkeys are allowed (EIP-3076 says they are merged).
 */
export function parseInterchange(json: unknown): { genesisValidatorsRoot: string; records: ParsedRecord[] } {
  if (!isObject(json)) throw invalid("not a JSON object");
  const meta = json.metadata;
  if (!isObject(meta)) throw invalid("metadata missing");
  if (meta.interchange_format_version !== "5") {
    throw invalid(`interchange_format_version must be "5", got ${JSON.stringify(meta.interchange_format_version)}`);
  }
  const genesisValidatorsRoot = parseHex(meta.genesis_validators_root, 32, "metadata.genesis_validators_root");
  if (!Array.isArray(json.data)) throw invalid("data must be an array");
  const records = json.data.map((r: unknown, i): ParsedRecord => {
    if (!isObject(r)) throw invalid(`data[${i}] must be an object`);
    const pubkey = parseHex(r.pubkey, 48, `data[${i}].pubkey`);
    const sb = r.signed_blocks ?? [];
    const sa = r.signed_attestations ?? [];
    if (!Array.isArray(sb) || !Array.isArray(sa)) throw invalid(`data[${i}] signed_blocks/attestations must be arrays`);
    return {
      pubkey,
      blocks: sb.map((b: unknown, j) => {
        if (!isObject(b)) throw invalid(`data[${i}].signed_blocks[${j}] must be an object`);
        return {
          slot: parseUint(b.slot, `data[${i}].signed_blocks[${j}].slot`),
          signingRoot: parseRoot(b.signing_root, `data[${i}].signed_blocks[${j}].signing_root`),
        };
      }),
      attestations: sa.map((a: unknown, j) => {
        if (!isObject(a)) throw invalid(`data[${i}].signed_attestations[${j}] must be an object`);
        return {
          sourceEpoch: parseUint(a.source_epoch, `data[${i}].signed_attestations[${j}].source_epoch`),
          targetEpoch: parseUint(a.target_epoch, `data[${i}].signed_attestations[${j}].target_epoch`),
          signingRoot: parseRoot(a.signing_root, `data[${i}].signed_attestations[${j}].signing_root`),
        };
      }),
    };
  });
  return { genesisValidatorsRoot, records };
}
