/**
 * Test-only: the plain ATTESTATION sign request the signer's API, combiner and process tests send (no
 * @lodestar import: loading it here would fix the test process's preset).
 */

/** The genesis validators root those tests sign for. */
export const TEST_GVR = `0x${"42".repeat(32)}`;

/**
 * An ATTESTATION sign request as a validator client sends it (Altair fork info, `TEST_GVR`): at `slot`,
 * a vote from epoch `source` (root 0x22…) to epoch `target` (root 0x33…) for block `blockRoot`.
 */
export function attestationRequest(slot: number, source: number, target: number, blockRoot = `0x${"11".repeat(32)}`) {
  return {
    type: "ATTESTATION",
    fork_info: {
      fork: { previous_version: "0x00000000", current_version: "0x01000000", epoch: "0" },
      genesis_validators_root: TEST_GVR,
    },
    attestation: {
      slot: String(slot),
      index: "0",
      beacon_block_root: blockRoot,
      source: { epoch: String(source), root: `0x${"22".repeat(32)}` },
      target: { epoch: String(target), root: `0x${"33".repeat(32)}` },
    },
  };
}
