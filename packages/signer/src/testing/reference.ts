/**
 * Test-only reference: signing roots computed straight from @lodestar/types, @lodestar/params and
 * @lodestar/config, without any of this package's signing code (src/signing). The conformance tests
 * verify every signature the signer returns over a root computed here.
 */
import { type ChainForkConfig, createBeaconConfig } from "@lodestar/config";
import * as P from "@lodestar/params";
import { ssz } from "@lodestar/types";

type Json = Record<string, unknown>;
const b = (hex: string) => new Uint8Array(Buffer.from(hex.replace(/^0x/, ""), "hex"));
export const hexOf = (x: Uint8Array) => `0x${Buffer.from(x).toString("hex")}`;

/** The specs' `compute_domain` over @lodestar/types' ForkData. */
export function referenceDomain(domainType: Uint8Array, forkVersion: Uint8Array, gvr: Uint8Array): Uint8Array {
  const forkDataRoot = ssz.phase0.ForkData.hashTreeRoot({ currentVersion: forkVersion, genesisValidatorsRoot: gvr });
  const out = new Uint8Array(32);
  out.set(domainType.subarray(0, 4), 0);
  out.set(forkDataRoot.subarray(0, 28), 4);
  return out;
}

export function referenceSigningRoot(objectRoot: Uint8Array, domain: Uint8Array): Uint8Array {
  return ssz.phase0.SigningData.hashTreeRoot({ objectRoot, domain });
}

/** Object root and domain type of a Web3Signer request, with the epoch that picks the fork version. */
function objectOf(body: Json): { root: Uint8Array; domainType: Uint8Array; epoch: number } {
  const spe = P.SLOTS_PER_EPOCH;
  const ep = (slot: number) => Math.floor(slot / spe);
  switch (body.type) {
    case "BLOCK": {
      const blk = ssz.phase0.BeaconBlock.fromJson(body.block);
      return {
        root: ssz.phase0.BeaconBlock.hashTreeRoot(blk),
        domainType: P.DOMAIN_BEACON_PROPOSER,
        epoch: ep(blk.slot),
      };
    }
    case "BLOCK_V2": {
      const bb = body.beacon_block as Json;
      const v = String(bb.version).toLowerCase();
      if (v === "phase0" || v === "altair") {
        const T = v === "phase0" ? ssz.phase0.BeaconBlock : ssz.altair.BeaconBlock;
        const blk = T.fromJson(bb.block);
        return { root: T.hashTreeRoot(blk as never), domainType: P.DOMAIN_BEACON_PROPOSER, epoch: ep(blk.slot) };
      }
      const h = ssz.phase0.BeaconBlockHeader.fromJson(bb.block_header);
      return {
        root: ssz.phase0.BeaconBlockHeader.hashTreeRoot(h),
        domainType: P.DOMAIN_BEACON_PROPOSER,
        epoch: ep(h.slot),
      };
    }
    case "ATTESTATION": {
      const d = ssz.phase0.AttestationData.fromJson(body.attestation);
      return {
        root: ssz.phase0.AttestationData.hashTreeRoot(d),
        domainType: P.DOMAIN_BEACON_ATTESTER,
        epoch: d.target.epoch,
      };
    }
    case "AGGREGATION_SLOT": {
      const slot = Number((body.aggregation_slot as Json).slot);
      return { root: ssz.Slot.hashTreeRoot(slot), domainType: P.DOMAIN_SELECTION_PROOF, epoch: ep(slot) };
    }
    case "AGGREGATE_AND_PROOF_V2": {
      const w = body.aggregate_and_proof as Json;
      const electra = ["ELECTRA", "FULU", "GLOAS"].includes(String(w.version));
      const T = electra ? ssz.electra.AggregateAndProof : ssz.phase0.AggregateAndProof;
      const ap = T.fromJson(w.data);
      return {
        root: T.hashTreeRoot(ap as never),
        domainType: P.DOMAIN_AGGREGATE_AND_PROOF,
        epoch: ep(ap.aggregate.data.slot),
      };
    }
    case "AGGREGATE_AND_PROOF": {
      const raw = body.aggregate_and_proof as { aggregate?: { committee_bits?: unknown } };
      const T =
        raw.aggregate?.committee_bits !== undefined ? ssz.electra.AggregateAndProof : ssz.phase0.AggregateAndProof;
      const ap = T.fromJson(raw);
      return {
        root: T.hashTreeRoot(ap as never),
        domainType: P.DOMAIN_AGGREGATE_AND_PROOF,
        epoch: ep(ap.aggregate.data.slot),
      };
    }
    case "RANDAO_REVEAL": {
      const epoch = Number((body.randao_reveal as Json).epoch);
      return { root: ssz.Epoch.hashTreeRoot(epoch), domainType: P.DOMAIN_RANDAO, epoch };
    }
    case "SYNC_COMMITTEE_MESSAGE": {
      const m = body.sync_committee_message as Json;
      return {
        root: ssz.Root.hashTreeRoot(b(String(m.beacon_block_root))),
        domainType: P.DOMAIN_SYNC_COMMITTEE,
        epoch: ep(Number(m.slot)),
      };
    }
    case "SYNC_COMMITTEE_SELECTION_PROOF": {
      const d = ssz.altair.SyncAggregatorSelectionData.fromJson(body.sync_aggregator_selection_data);
      return {
        root: ssz.altair.SyncAggregatorSelectionData.hashTreeRoot(d),
        domainType: P.DOMAIN_SYNC_COMMITTEE_SELECTION_PROOF,
        epoch: ep(d.slot),
      };
    }
    case "SYNC_COMMITTEE_CONTRIBUTION_AND_PROOF": {
      const c = ssz.altair.ContributionAndProof.fromJson(body.contribution_and_proof);
      return {
        root: ssz.altair.ContributionAndProof.hashTreeRoot(c),
        domainType: P.DOMAIN_CONTRIBUTION_AND_PROOF,
        epoch: ep(c.contribution.slot),
      };
    }
    case "VOLUNTARY_EXIT": {
      const e = ssz.phase0.VoluntaryExit.fromJson(body.voluntary_exit);
      return { root: ssz.phase0.VoluntaryExit.hashTreeRoot(e), domainType: P.DOMAIN_VOLUNTARY_EXIT, epoch: e.epoch };
    }
    default:
      throw new Error(`reference: no object root for ${String(body.type)}`);
  }
}

/**
 * The signing root of a request as the chain checks it. `config` is the network's chain config; for a
 * voluntary exit it decides the domain (EIP-7044) with @lodestar/config's own rule at `stateSlot`.
 */
export function referenceRoot(body: Json, opts: { config?: ChainForkConfig; stateSlot?: number } = {}): Uint8Array {
  if (body.type === "DEPOSIT") {
    const d = body.deposit as Json;
    const msg = ssz.phase0.DepositMessage.fromJson({
      pubkey: d.pubkey,
      withdrawal_credentials: d.withdrawal_credentials,
      amount: d.amount,
    });
    const domain = referenceDomain(P.DOMAIN_DEPOSIT, b(String(d.genesis_fork_version)), new Uint8Array(32));
    return referenceSigningRoot(ssz.phase0.DepositMessage.hashTreeRoot(msg), domain);
  }
  if (body.type === "VALIDATOR_REGISTRATION") {
    if (opts.config === undefined) throw new Error("reference: VALIDATOR_REGISTRATION needs the network config");
    const r = ssz.bellatrix.ValidatorRegistrationV1.fromJson(body.validator_registration);
    const domain = referenceDomain(P.DOMAIN_APPLICATION_BUILDER, opts.config.GENESIS_FORK_VERSION, new Uint8Array(32));
    return referenceSigningRoot(ssz.bellatrix.ValidatorRegistrationV1.hashTreeRoot(r), domain);
  }
  const fi = body.fork_info as { fork: Json; genesis_validators_root: string };
  const gvr = b(fi.genesis_validators_root);
  const o = objectOf(body);
  if (body.type === "VOLUNTARY_EXIT" && opts.config !== undefined && opts.stateSlot !== undefined) {
    const beacon = createBeaconConfig(opts.config, gvr);
    return referenceSigningRoot(o.root, beacon.getDomainForVoluntaryExit(opts.stateSlot));
  }
  const prev = String(fi.fork.previous_version ?? fi.fork.previousVersion);
  const cur = String(fi.fork.current_version ?? fi.fork.currentVersion);
  const version = o.epoch < Number(fi.fork.epoch) ? prev : cur;
  return referenceSigningRoot(o.root, referenceDomain(o.domainType, b(version), gvr));
}
