/**
 * The networks a signer can be started for (`--network`). A network fixes, together:
 * - the SSZ preset (sizes of sync aggregates, committee bits, SLOTS_PER_EPOCH);
 * - GENESIS_FORK_VERSION, the fork version of DEPOSIT defaults and of VALIDATOR_REGISTRATION's
 *   builder domain;
 * - CAPELLA_FORK_VERSION and the Deneb fork, for voluntary exits under EIP-7044: from Deneb on, a
 *   `VoluntaryExit` is signed with the Capella fork version whatever the current fork.
 *
 * Values are the networks' published chain configs (the same as @lodestar/config's `mainnet`,
 * `sepolia` and `hoodi` configs, which `network.test.ts` checks; Holesky is no longer shipped there).
 * `devnet` is the minimal preset with the minimal config's fork versions (what `lodestar dev` runs);
 * its fork epochs are chosen per chain, so only the fork versions identify Deneb and later there.
 */
import type { ForkInfo } from "./types.js";

export const NETWORKS = ["mainnet", "sepolia", "holesky", "hoodi", "devnet"] as const;
export type NetworkName = (typeof NETWORKS)[number];

export interface Network {
  readonly name: NetworkName;
  readonly preset: "mainnet" | "minimal";
  readonly genesisForkVersion: Uint8Array;
  readonly capellaForkVersion: Uint8Array;
  /** DENEB_FORK_EPOCH, or null where each chain sets its own (devnet). */
  readonly denebForkEpoch: bigint | null;
  /** The fork versions of Deneb and every later fork (Electra, Fulu, Gloas). */
  readonly denebAndLaterVersions: readonly Uint8Array[];
}

const v = (hex: string) => new Uint8Array(Buffer.from(hex.slice(2), "hex"));

function network(
  name: NetworkName,
  preset: Network["preset"],
  genesis: string,
  capella: string,
  denebEpoch: bigint | null,
  denebAndLater: string[],
): Network {
  return {
    name,
    preset,
    genesisForkVersion: v(genesis),
    capellaForkVersion: v(capella),
    denebForkEpoch: denebEpoch,
    denebAndLaterVersions: denebAndLater.map(v),
  };
}

const TABLE: Record<NetworkName, Network> = {
  mainnet: network("mainnet", "mainnet", "0x00000000", "0x03000000", 269568n, [
    "0x04000000",
    "0x05000000",
    "0x06000000",
    "0x07000000",
  ]),
  sepolia: network("sepolia", "mainnet", "0x90000069", "0x90000072", 132608n, [
    "0x90000073",
    "0x90000074",
    "0x90000075",
    "0x90000076",
  ]),
  holesky: network("holesky", "mainnet", "0x01017000", "0x04017000", 29696n, [
    "0x05017000",
    "0x06017000",
    "0x07017000",
  ]),
  hoodi: network("hoodi", "mainnet", "0x10000910", "0x40000910", 0n, [
    "0x50000910",
    "0x60000910",
    "0x70000910",
    "0x80000910",
  ]),
  devnet: network("devnet", "minimal", "0x00000001", "0x03000001", null, [
    "0x04000001",
    "0x05000001",
    "0x06000001",
    "0x07000001",
  ]),
};

export function isNetworkName(s: string): s is NetworkName {
  return (NETWORKS as readonly string[]).includes(s);
}

export function getNetwork(name: NetworkName): Network {
  return TABLE[name];
}

/** The known network whose genesis fork version this is (so a hand-set version still gets EIP-7044). */
export function networkByGenesisForkVersion(version: Uint8Array): Network | undefined {
  return Object.values(TABLE).find((n) => Buffer.from(n.genesisForkVersion).equals(Buffer.from(version)));
}

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

/**
 * The fork version a `VoluntaryExit` at `exitEpoch` is signed with (EIP-7044). The Capella version when
 * the request's current fork is Deneb or later, or when the exit's epoch is at or after the network's
 * Deneb fork (such an exit can only be included in a Deneb-or-later state). Otherwise the specs'
 * `get_domain` choice over the request's fork info. Without a known network, the fork info as sent.
 */
export function voluntaryExitForkVersion(fork: ForkInfo, exitEpoch: bigint, net: Network | undefined): Uint8Array {
  const fromForkInfo = exitEpoch < fork.epoch ? fork.previousVersion : fork.currentVersion;
  if (net === undefined) return fromForkInfo;
  const currentIsDenebOrLater = net.denebAndLaterVersions.some((x) => same(x, fork.currentVersion));
  const exitAfterDeneb = net.denebForkEpoch !== null && exitEpoch >= net.denebForkEpoch;
  return currentIsDenebOrLater || exitAfterDeneb ? net.capellaForkVersion : fromForkInfo;
}
