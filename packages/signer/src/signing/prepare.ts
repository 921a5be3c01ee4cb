/**
 * Validates a typed Web3Signer signing request and recomputes its signing root. A co-signer never signs
 * a root it has not computed itself: if the caller sent `signingRoot` and it differs, the request is
 * refused with SIGNER_SIGNING_ROOT_MISMATCH (HTTP 400).
 */
import {
  DOMAIN_AGGREGATE_AND_PROOF,
  DOMAIN_APPLICATION_BUILDER,
  DOMAIN_BEACON_ATTESTER,
  DOMAIN_BEACON_PROPOSER,
  DOMAIN_CONTRIBUTION_AND_PROOF,
  DOMAIN_DEPOSIT,
  DOMAIN_RANDAO,
  DOMAIN_SELECTION_PROOF,
  DOMAIN_SYNC_COMMITTEE,
  DOMAIN_SYNC_COMMITTEE_SELECTION_PROOF,
  DOMAIN_VOLUNTARY_EXIT,
} from "@lodestar/params";
import { ssz } from "@lodestar/types";
import { SignerError } from "../errors.js";
import { voluntaryExitForkVersion } from "./network.js";
import { computeDomain, computeSigningRoot } from "./roots.js";
import { assertJsonDepth, assertSszJson, type SszShape } from "./strict.js";
import {
  type ForkInfo,
  type PreparedSigning,
  SIGNING_TYPES,
  type SigningParams,
  type SigningType,
  type SlashingCheck,
} from "./types.js";
import { bigintUint64Type, parseUint64, Uint64ParseError, Uint64Type } from "./uint64.js";

type Json = Record<string, unknown>;

function bad(message: string, cause?: unknown): SignerError {
  return new SignerError("SIGNER_BAD_REQUEST", message, cause === undefined ? undefined : { cause });
}

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function field(obj: Json, key: string, where: string): Json {
  const v = obj[key];
  if (!isObject(v)) throw bad(`${where}.${key} must be an object`);
  return v;
}

function hexBytes(v: unknown, len: number, where: string): Uint8Array {
  if (typeof v !== "string" || !/^0x[0-9a-fA-F]*$/.test(v) || v.length !== 2 + 2 * len) {
    throw bad(`${where} must be 0x-prefixed hex of ${len} bytes`);
  }
  return new Uint8Array(Buffer.from(v.slice(2), "hex"));
}

/** uint64 as a decimal string (or a safe-integer JSON number), carried as a bigint: nothing is rounded. */
function uint(v: unknown, where: string): bigint {
  try {
    return parseUint64(v, where);
  } catch (e) {
    throw bad((e as Error).message, e);
  }
}

const UINT64 = new Uint64Type();

/** The @lodestar/types SSZ types with every uint64 as a bigint (see uint64.ts). */
const T = {
  phase0Block: bigintUint64Type<{ slot: bigint }>(ssz.phase0.BeaconBlock),
  altairBlock: bigintUint64Type<{ slot: bigint }>(ssz.altair.BeaconBlock),
  header: bigintUint64Type<{ slot: bigint }>(ssz.phase0.BeaconBlockHeader),
  attestationData: bigintUint64Type<{ slot: bigint; source: { epoch: bigint }; target: { epoch: bigint } }>(
    ssz.phase0.AttestationData,
  ),
  phase0Aggregate: bigintUint64Type<{ aggregate: { data: { slot: bigint } } }>(ssz.phase0.AggregateAndProof),
  electraAggregate: bigintUint64Type<{ aggregate: { data: { slot: bigint } } }>(ssz.electra.AggregateAndProof),
  syncSelection: bigintUint64Type(ssz.altair.SyncAggregatorSelectionData),
  contribution: bigintUint64Type<{ contribution: { slot: bigint } }>(ssz.altair.ContributionAndProof),
  voluntaryExit: bigintUint64Type(ssz.phase0.VoluntaryExit),
  depositMessage: bigintUint64Type(ssz.phase0.DepositMessage),
  registration: bigintUint64Type(ssz.bellatrix.ValidatorRegistrationV1),
};

/** Parses an SSZ JSON value with the given type, turning its errors into 400s. */
function fromJson<T>(type: { fromJson(json: unknown): T }, json: unknown, where: string): T {
  if (json === undefined) throw bad(`${where} is required`);
  assertSszJson(type as SszShape, json, where);
  try {
    return type.fromJson(json);
  } catch (e) {
    const what = e instanceof Uint64ParseError ? "" : ` ${(type as { typeName?: string }).typeName ?? "object"}`;
    throw bad(`${where} is not a valid${what}: ${(e as Error).message}`, e);
  }
}

function parseForkInfo(body: Json): ForkInfo {
  const fi = field(body, "fork_info", "request");
  const fork = field(fi, "fork", "fork_info");
  // snake_case per the schema; camelCase accepted too (the spec's own AGGREGATION_SLOT example uses it)
  return {
    previousVersion: hexBytes(fork.previous_version ?? fork.previousVersion, 4, "fork_info.fork.previous_version"),
    currentVersion: hexBytes(fork.current_version ?? fork.currentVersion, 4, "fork_info.fork.current_version"),
    epoch: uint(fork.epoch, "fork_info.fork.epoch"),
    genesisValidatorsRoot: hexBytes(fi.genesis_validators_root, 32, "fork_info.genesis_validators_root"),
  };
}

/** The fork version in force at `epoch` (the spec's `get_domain` choice between previous and current). */
function domainAt(domainType: Uint8Array, fork: ForkInfo, epoch: bigint): Uint8Array {
  const version = epoch < fork.epoch ? fork.previousVersion : fork.currentVersion;
  return computeDomain(domainType, version, fork.genesisValidatorsRoot);
}

const FULL_BLOCK_FORKS = ["PHASE0", "ALTAIR"] as const;
const HEADER_BLOCK_FORKS = ["BELLATRIX", "CAPELLA", "DENEB", "ELECTRA", "FULU", "GLOAS"] as const;
const ELECTRA_AGGREGATE_FORKS = ["ELECTRA", "FULU", "GLOAS"] as const;

interface Computed {
  objectRoot: Uint8Array;
  domainType: Uint8Array;
  /** Epoch that selects the fork version (undefined: no fork info used). */
  epoch?: bigint;
  slot?: bigint;
  slashing: SlashingCheck;
}

function blockV2(body: Json, spe: bigint): Computed {
  const bb = field(body, "beacon_block", "request");
  const version = typeof bb.version === "string" ? bb.version.toUpperCase() : "";
  if ((FULL_BLOCK_FORKS as readonly string[]).includes(version)) {
    const type = version === "PHASE0" ? T.phase0Block : T.altairBlock;
    const block = fromJson(type, bb.block, "beacon_block.block");
    return blockComputed(type.hashTreeRoot(block), block.slot, spe);
  }
  if ((HEADER_BLOCK_FORKS as readonly string[]).includes(version)) {
    const header = fromJson(T.header, bb.block_header, "beacon_block.block_header");
    return blockComputed(T.header.hashTreeRoot(header), header.slot, spe);
  }
  throw bad(`beacon_block.version must be one of ${[...FULL_BLOCK_FORKS, ...HEADER_BLOCK_FORKS].join(", ")}`);
}

function blockComputed(objectRoot: Uint8Array, slot: bigint, spe: bigint): Computed {
  return {
    objectRoot,
    domainType: DOMAIN_BEACON_PROPOSER,
    epoch: slot / spe,
    slot,
    slashing: { kind: "block", slot },
  };
}

function compute(type: SigningType, body: Json, params: SigningParams): Computed {
  const spe = BigInt(params.slotsPerEpoch);
  switch (type) {
    case "BLOCK": {
      // the deprecated BLOCK type is sent with camelCase keys by some clients (and the spec example)
      const block = fromJson(T.phase0Block, snakeKeys(body.block), "block");
      return blockComputed(T.phase0Block.hashTreeRoot(block), block.slot, spe);
    }
    case "BLOCK_V2":
      return blockV2(body, spe);
    case "ATTESTATION": {
      const data = fromJson(T.attestationData, body.attestation, "attestation");
      if (data.source.epoch > data.target.epoch) {
        throw bad(`attestation source epoch ${data.source.epoch} is after target epoch ${data.target.epoch}`);
      }
      return {
        objectRoot: T.attestationData.hashTreeRoot(data),
        domainType: DOMAIN_BEACON_ATTESTER,
        epoch: data.target.epoch,
        slot: data.slot,
        slashing: { kind: "attestation", sourceEpoch: data.source.epoch, targetEpoch: data.target.epoch },
      };
    }
    case "AGGREGATION_SLOT": {
      const slot = uint(field(body, "aggregation_slot", "request").slot, "aggregation_slot.slot");
      return {
        objectRoot: UINT64.hashTreeRoot(slot),
        domainType: DOMAIN_SELECTION_PROOF,
        epoch: slot / spe,
        slot,
        slashing: { kind: "none" },
      };
    }
    case "AGGREGATE_AND_PROOF":
    case "AGGREGATE_AND_PROOF_V2": {
      let objectRoot: Uint8Array;
      let slot: bigint;
      if (type === "AGGREGATE_AND_PROOF") {
        // Lighthouse sends Electra aggregates under this type too: an aggregate with committee_bits is
        // an Electra AggregateAndProof.
        const raw = body.aggregate_and_proof;
        const agg = isObject(raw) ? raw.aggregate : undefined;
        const type = isObject(agg) && agg.committee_bits !== undefined ? T.electraAggregate : T.phase0Aggregate;
        const ap = fromJson(type, raw, "aggregate_and_proof");
        objectRoot = type.hashTreeRoot(ap);
        slot = ap.aggregate.data.slot;
      } else {
        const wrapped = field(body, "aggregate_and_proof", "request");
        const version = typeof wrapped.version === "string" ? wrapped.version.toUpperCase() : "";
        const type = (ELECTRA_AGGREGATE_FORKS as readonly string[]).includes(version)
          ? T.electraAggregate
          : ["PHASE0", "ALTAIR", "BELLATRIX", "CAPELLA", "DENEB"].includes(version)
            ? T.phase0Aggregate
            : undefined;
        if (type === undefined) throw bad("aggregate_and_proof.version must be a fork name (PHASE0 ... FULU)");
        const ap = fromJson(type, wrapped.data, "aggregate_and_proof.data");
        objectRoot = type.hashTreeRoot(ap);
        slot = ap.aggregate.data.slot;
      }
      return {
        objectRoot,
        domainType: DOMAIN_AGGREGATE_AND_PROOF,
        epoch: slot / spe,
        slot,
        slashing: { kind: "none" },
      };
    }
    case "RANDAO_REVEAL": {
      const epoch = uint(field(body, "randao_reveal", "request").epoch, "randao_reveal.epoch");
      return {
        objectRoot: UINT64.hashTreeRoot(epoch),
        domainType: DOMAIN_RANDAO,
        epoch,
        slashing: { kind: "none" },
      };
    }
    case "SYNC_COMMITTEE_MESSAGE": {
      const m = field(body, "sync_committee_message", "request");
      const slot = uint(m.slot, "sync_committee_message.slot");
      const root = hexBytes(m.beacon_block_root, 32, "sync_committee_message.beacon_block_root");
      return {
        objectRoot: ssz.Root.hashTreeRoot(root),
        domainType: DOMAIN_SYNC_COMMITTEE,
        epoch: slot / spe,
        slot,
        slashing: { kind: "none" },
      };
    }
    case "SYNC_COMMITTEE_SELECTION_PROOF": {
      const d = field(body, "sync_aggregator_selection_data", "request");
      const slot = uint(d.slot, "sync_aggregator_selection_data.slot");
      const subcommitteeIndex = uint(d.subcommittee_index, "sync_aggregator_selection_data.subcommittee_index");
      return {
        objectRoot: T.syncSelection.hashTreeRoot({ slot, subcommitteeIndex }),
        domainType: DOMAIN_SYNC_COMMITTEE_SELECTION_PROOF,
        epoch: slot / spe,
        slot,
        slashing: { kind: "none" },
      };
    }
    case "SYNC_COMMITTEE_CONTRIBUTION_AND_PROOF": {
      const cp = fromJson(T.contribution, body.contribution_and_proof, "contribution_and_proof");
      const slot = cp.contribution.slot;
      return {
        objectRoot: T.contribution.hashTreeRoot(cp),
        domainType: DOMAIN_CONTRIBUTION_AND_PROOF,
        epoch: slot / spe,
        slot,
        slashing: { kind: "none" },
      };
    }
    case "VOLUNTARY_EXIT": {
      const e = field(body, "voluntary_exit", "request");
      const epoch = uint(e.epoch, "voluntary_exit.epoch");
      const validatorIndex = uint(e.validator_index, "voluntary_exit.validator_index");
      return {
        objectRoot: T.voluntaryExit.hashTreeRoot({ epoch, validatorIndex }),
        domainType: DOMAIN_VOLUNTARY_EXIT,
        epoch,
        slashing: { kind: "none" },
      };
    }
    case "DEPOSIT":
    case "VALIDATOR_REGISTRATION":
      throw new Error("unreachable: handled without fork info");
  }
}

function snakeKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(snakeKeys);
  if (!isObject(v)) return v;
  const out: Json = {};
  for (const [k, x] of Object.entries(v)) out[k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = snakeKeys(x);
  return out;
}

/** A uint64 for a log field: a number when exact, its decimal string otherwise. */
function logNumber(n: bigint): number | string {
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
}

function parseType(body: Json): SigningType {
  const t = body.type;
  if (typeof t !== "string") throw bad("type is required");
  const upper = t.toUpperCase();
  if (!(SIGNING_TYPES as readonly string[]).includes(upper)) {
    throw bad(`type ${t} is not supported; one of ${SIGNING_TYPES.join(", ")}`);
  }
  return upper as SigningType;
}

/**
 * Validates `body` (the parsed JSON of a sign request) and recomputes the signing root.
 * @throws SignerError SIGNER_BAD_REQUEST or SIGNER_SIGNING_ROOT_MISMATCH.
 * @example
 * const p = prepareSigning(JSON.parse(req.body), { slotsPerEpoch: 32, genesisForkVersion: new Uint8Array(4) });
 * // p.signingRoot is what gets signed; p.slashing is what slashing protection checks
 */
export function prepareSigning(body: unknown, params: SigningParams): PreparedSigning {
  if (!isObject(body)) throw bad("request body must be a JSON object");
  assertJsonDepth(body);
  const type = parseType(body);
  const callerRoot =
    body.signingRoot === undefined || body.signingRoot === null
      ? undefined
      : hexBytes(body.signingRoot, 32, "signingRoot");

  let signingRoot: Uint8Array;
  let slashing: SlashingCheck = { kind: "none" };
  let genesisValidatorsRoot: Uint8Array | undefined;
  const logFields: { slot?: number | string; epoch?: number | string } = {};

  if (type === "DEPOSIT") {
    const d = field(body, "deposit", "request");
    const pubkey = hexBytes(d.pubkey, 48, "deposit.pubkey");
    const withdrawalCredentials = hexBytes(d.withdrawal_credentials, 32, "deposit.withdrawal_credentials");
    const amount = uint(d.amount, "deposit.amount");
    const genesisForkVersion = hexBytes(d.genesis_fork_version, 4, "deposit.genesis_fork_version");
    const objectRoot = T.depositMessage.hashTreeRoot({ pubkey, withdrawalCredentials, amount });
    signingRoot = computeSigningRoot(objectRoot, computeDomain(DOMAIN_DEPOSIT, genesisForkVersion));
  } else if (type === "VALIDATOR_REGISTRATION") {
    const r = field(body, "validator_registration", "request");
    const reg = {
      feeRecipient: hexBytes(r.fee_recipient, 20, "validator_registration.fee_recipient"),
      gasLimit: uint(r.gas_limit, "validator_registration.gas_limit"),
      timestamp: uint(r.timestamp, "validator_registration.timestamp"),
      pubkey: hexBytes(r.pubkey, 48, "validator_registration.pubkey"),
    };
    const objectRoot = T.registration.hashTreeRoot(reg);
    signingRoot = computeSigningRoot(objectRoot, computeDomain(DOMAIN_APPLICATION_BUILDER, params.genesisForkVersion));
  } else {
    const fork = parseForkInfo(body);
    const c = compute(type, body, params);
    const epoch = c.epoch ?? 0n;
    const domain =
      type === "VOLUNTARY_EXIT"
        ? computeDomain(c.domainType, voluntaryExitForkVersion(fork, epoch, params.network), fork.genesisValidatorsRoot)
        : domainAt(c.domainType, fork, epoch);
    signingRoot = computeSigningRoot(c.objectRoot, domain);
    slashing = c.slashing;
    genesisValidatorsRoot = fork.genesisValidatorsRoot;
    if (c.slot !== undefined) logFields.slot = logNumber(c.slot);
    if (c.epoch !== undefined) logFields.epoch = logNumber(c.epoch);
  }

  if (callerRoot !== undefined && !Buffer.from(callerRoot).equals(Buffer.from(signingRoot))) {
    throw new SignerError(
      "SIGNER_SIGNING_ROOT_MISMATCH",
      `signingRoot 0x${Buffer.from(callerRoot).toString("hex")} differs from the root computed from the message ` +
        `0x${Buffer.from(signingRoot).toString("hex")}; refused`,
      { details: { type } },
    );
  }
  const out: PreparedSigning = { type, signingRoot, slashing, logFields };
  if (callerRoot !== undefined) out.callerSigningRoot = callerRoot;
  if (genesisValidatorsRoot !== undefined) out.genesisValidatorsRoot = genesisValidatorsRoot;
  return out;
}
