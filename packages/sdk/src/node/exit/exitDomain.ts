/**
 * The signing root of a voluntary exit as the chain checks it, and its verification — with Lodestar's
 * libraries, not MZKU's signer code: the domain from @lodestar/config (`getDomainForVoluntaryExit`,
 * which applies EIP-7044: from Deneb on, the Capella fork version whatever the current fork), the
 * roots from @lodestar/types' SSZ types, the pairing check from @chainsafe/blst.
 */
import { PublicKey, Signature, verify } from "@chainsafe/blst";
import {
  type BeaconConfig,
  type ChainConfig,
  chainConfigFromJson,
  createBeaconConfig,
  defaultChainConfig,
} from "@lodestar/config";
import { SLOTS_PER_EPOCH } from "@lodestar/params";
import { ssz } from "@lodestar/types";

const FAR_FUTURE = "18446744073709551615";
const hex = (bytes: Uint8Array) => `0x${Buffer.from(bytes).toString("hex")}`;
const bytes = (h: string) => new Uint8Array(Buffer.from(h.replace(/^0x/, ""), "hex"));

/**
 * The chain's fork schedule from a beacon node's `/eth/v1/config/spec`: every fork version and epoch it
 * reports; a fork it does not name (an older node, a devnet) is not scheduled (epoch 2^64 − 1).
 */
export function forkScheduleFromSpec(spec: Record<string, unknown>): Partial<ChainConfig> {
  const picked: Record<string, unknown> = {};
  for (const key of Object.keys(defaultChainConfig)) {
    if (!/_FORK_(VERSION|EPOCH)$/.test(key)) continue;
    if (spec[key] !== undefined) picked[key] = spec[key];
    else if (key.endsWith("_EPOCH")) picked[key] = FAR_FUTURE;
  }
  return chainConfigFromJson(picked);
}

/** The chain as @lodestar/config models it, from the node's spec and genesis validators root. */
export function exitChainConfig(spec: Record<string, unknown>, genesisValidatorsRoot: string): BeaconConfig {
  return createBeaconConfig(forkScheduleFromSpec(spec), bytes(genesisValidatorsRoot));
}

export type ExitMessage = { epoch: bigint; validatorIndex: bigint };

/**
 * The domain and signing root a beacon node whose head is at `stateEpoch` verifies this exit with.
 * Slots are only the library's way of naming epochs here: both are converted with the same
 * SLOTS_PER_EPOCH, so the result does not depend on this process's preset.
 */
export function exitSigningRoot(
  config: BeaconConfig,
  exit: ExitMessage,
  stateEpoch: bigint,
): { domain: string; forkVersion: string; signingRoot: string } {
  const domain = config.getDomainForVoluntaryExit(
    Number(stateEpoch) * SLOTS_PER_EPOCH,
    Number(exit.epoch) * SLOTS_PER_EPOCH,
  );
  const objectRoot = ssz.phase0.VoluntaryExit.hashTreeRoot({
    epoch: Number(exit.epoch),
    validatorIndex: Number(exit.validatorIndex),
  });
  const signingRoot = ssz.phase0.SigningData.hashTreeRoot({ objectRoot, domain });
  // the domain is the domain type (4 bytes) ‖ the first 28 bytes of the fork data root: name the version
  const forkVersion = Object.values(config.forks).find(
    (f) => hex(config.getDomainAtFork(f.name, domain.subarray(0, 4))) === hex(domain),
  )?.version;
  return {
    domain: hex(domain),
    forkVersion: forkVersion ? hex(forkVersion) : "unknown",
    signingRoot: hex(signingRoot),
  };
}

/** Whether `signature` is a valid BLS signature by `pubkey` over `signingRoot` (keys and points checked). */
export function verifyExitSignature(pubkey: string, signingRoot: string, signature: string): boolean {
  try {
    return verify(bytes(signingRoot), PublicKey.fromHex(pubkey, true), Signature.fromHex(signature, true), true, true);
  } catch {
    return false;
  }
}
