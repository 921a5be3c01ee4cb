/**
 * Signing domains and roots (consensus specs `compute_domain`, `compute_signing_root`), built on the
 * @lodestar/types SSZ types.
 */
import { ssz } from "@lodestar/types";

const ZERO_ROOT = new Uint8Array(32);

/** `compute_domain(domain_type, fork_version, genesis_validators_root)`. */
export function computeDomain(
  domainType: Uint8Array,
  forkVersion: Uint8Array,
  genesisValidatorsRoot: Uint8Array = ZERO_ROOT,
): Uint8Array {
  const forkDataRoot = ssz.phase0.ForkData.hashTreeRoot({
    currentVersion: forkVersion,
    genesisValidatorsRoot,
  });
  const domain = new Uint8Array(32);
  domain.set(domainType.subarray(0, 4), 0);
  domain.set(forkDataRoot.subarray(0, 28), 4);
  return domain;
}

/** `compute_signing_root(object_root, domain)`. */
export function computeSigningRoot(objectRoot: Uint8Array, domain: Uint8Array): Uint8Array {
  return ssz.phase0.SigningData.hashTreeRoot({ objectRoot, domain });
}
