/**
 * Test-only: Web3Signer sign requests in the spec's shapes (snake_case JSON from @lodestar/types) for
 * every operation and every fork a network has gone through, with the fork info a validator client
 * sends at that slot. Slots, sources and targets grow request after request, so a whole list signs
 * against one slashing database without a refusal.
 */
import type { ChainForkConfig } from "@lodestar/config";
import { SLOTS_PER_EPOCH } from "@lodestar/params";
import { ssz } from "@lodestar/types";
import { hexOf } from "./reference.js";

type Json = Record<string, unknown>;

export interface BuiltRequest {
  /** `TYPE (FORK)` */
  name: string;
  body: Json;
  /** The slot whose fork the request was built in (the chain's state slot, for EIP-7044). */
  stateSlot: number;
}

const root = (b: number) => `0x${b.toString(16).padStart(2, "0").repeat(32)}`;

/** The forks that were in force for at least one epoch, oldest first. */
function activeForks(config: ChainForkConfig) {
  const forks = config.forksAscendingEpochOrder.filter((f) => Number.isFinite(f.epoch));
  return forks.filter((f, i) => forks[i + 1] === undefined || (forks[i + 1]?.epoch ?? 0) > f.epoch);
}

export function buildRequests(config: ChainForkConfig, gvr: string): BuiltRequest[] {
  const out: BuiltRequest[] = [];
  const upper = (s: string) => s.toUpperCase();
  for (const [k, f] of activeForks(config).entries()) {
    const slot = f.epoch * SLOTS_PER_EPOCH + 2;
    const epoch = Math.floor(slot / SLOTS_PER_EPOCH);
    const fork = config.getForkInfo(slot);
    const fork_info = {
      fork: {
        previous_version: hexOf(fork.prevVersion),
        current_version: hexOf(fork.version),
        epoch: String(fork.epoch),
      },
      genesis_validators_root: gvr,
    };
    const add = (type: string, body: Json) =>
      out.push({ name: `${type} (${upper(f.name)})`, body: { type, fork_info, ...body }, stateSlot: slot });
    if (k === 0) {
      // the deprecated BLOCK type: a phase0 block, whatever the fork
      const b = ssz.phase0.BeaconBlock.defaultValue();
      b.slot = slot - 1;
      b.proposerIndex = 7;
      add("BLOCK", { block: ssz.phase0.BeaconBlock.toJson(b) });
    }
    if (f.name === "phase0" || f.name === "altair") {
      const T = f.name === "phase0" ? ssz.phase0.BeaconBlock : ssz.altair.BeaconBlock;
      const b = T.defaultValue();
      b.slot = slot;
      b.proposerIndex = 7;
      b.parentRoot = ssz.Root.fromJson(root(0x11));
      add("BLOCK_V2", { beacon_block: { version: upper(f.name), block: T.toJson(b as never) } });
    } else {
      const h = {
        slot: String(slot),
        proposer_index: "7",
        parent_root: root(0x11),
        state_root: root(0x12),
        body_root: root(0x13),
      };
      add("BLOCK_V2", { beacon_block: { version: upper(f.name), block_header: h } });
    }
    const data = {
      slot: String(slot),
      index: "0",
      beacon_block_root: root(0x21),
      source: { epoch: String(Math.max(0, epoch - 1)), root: root(0x22) },
      target: { epoch: String(epoch), root: root(0x23) },
    };
    add("ATTESTATION", { attestation: data });
    add("AGGREGATION_SLOT", { aggregation_slot: { slot: String(slot) } });
    add("RANDAO_REVEAL", { randao_reveal: { epoch: String(epoch) } });
    const electra = ["electra", "fulu", "gloas"].includes(f.name);
    const A = electra ? ssz.electra.AggregateAndProof : ssz.phase0.AggregateAndProof;
    const ap = A.defaultValue();
    ap.aggregatorIndex = 7;
    ap.aggregate.data = ssz.phase0.AttestationData.fromJson(data);
    add("AGGREGATE_AND_PROOF_V2", { aggregate_and_proof: { version: upper(f.name), data: A.toJson(ap as never) } });
    if (f.name !== "phase0") {
      add("SYNC_COMMITTEE_MESSAGE", { sync_committee_message: { beacon_block_root: root(0x31), slot: String(slot) } });
      add("SYNC_COMMITTEE_SELECTION_PROOF", {
        sync_aggregator_selection_data: { slot: String(slot), subcommittee_index: "1" },
      });
      const c = ssz.altair.ContributionAndProof.defaultValue();
      c.aggregatorIndex = 7;
      c.contribution.slot = slot;
      c.contribution.subcommitteeIndex = 1;
      add("SYNC_COMMITTEE_CONTRIBUTION_AND_PROOF", {
        contribution_and_proof: ssz.altair.ContributionAndProof.toJson(c),
      });
    }
    add("VOLUNTARY_EXIT", { voluntary_exit: { epoch: String(epoch), validator_index: "7" } });
  }
  const genesis = hexOf(config.GENESIS_FORK_VERSION);
  out.push({
    name: "DEPOSIT",
    body: {
      type: "DEPOSIT",
      deposit: {
        pubkey: `0x${"aa".repeat(48)}`,
        withdrawal_credentials: root(0x01),
        amount: "32000000000",
        genesis_fork_version: genesis,
      },
    },
    stateSlot: 0,
  });
  out.push({
    name: "VALIDATOR_REGISTRATION",
    body: {
      type: "VALIDATOR_REGISTRATION",
      validator_registration: {
        fee_recipient: `0x${"ab".repeat(20)}`,
        gas_limit: "36000000",
        timestamp: "1767225600",
        pubkey: `0x${"aa".repeat(48)}`,
      },
    },
    stateSlot: 0,
  });
  return out;
}
