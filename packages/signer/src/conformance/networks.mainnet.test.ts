/**
 * Conformance, mainnet preset: for mainnet, Sepolia, Holesky and Hoodi, a 2-of-3 threshold signer runs
 * as separate processes (`--network <name>`), and every operation of the Web3Signer spec is signed in
 * every fork the network went through, in the spec's request shapes, through the combiner's HTTP API.
 * Checked: status, content type and body against the spec's schemas, and each signature against the
 * root @lodestar/* computes (voluntary exits with @lodestar/config's EIP-7044 rule).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSigner, type Cluster, startCluster } from "../testing/cluster.js";
import { call, expectSigned, signAll } from "../testing/conformance.js";
import { testNetwork } from "../testing/networks.js";
import { hexOf, referenceRoot } from "../testing/reference.js";
import { buildRequests } from "../testing/requests.js";
import { EXAMPLE_CORRECTIONS, specExample } from "../testing/specExamples.js";

beforeAll(() => buildSigner(), 120_000);

for (const name of ["mainnet", "sepolia", "holesky", "hoodi"] as const) {
  describe(`--network ${name}`, () => {
    const net = testNetwork(name);
    let cluster: Cluster | undefined;
    beforeAll(async () => {
      cluster = await startCluster({ network: name, genesisValidatorsRoot: net.genesisValidatorsRoot });
    }, 60_000);
    afterAll(() => cluster?.stop());

    it("signs every operation in every fork the network went through; each signature verifies", async () => {
      if (cluster === undefined) throw new Error("no cluster");
      const requests = buildRequests(net.config, net.genesisValidatorsRoot);
      const signed = await signAll(cluster, net, requests);
      const types = new Set(signed.map((n) => n.split(" ")[0]));
      expect([...types].sort()).toEqual([
        "AGGREGATE_AND_PROOF_V2",
        "AGGREGATION_SLOT",
        "ATTESTATION",
        "BLOCK",
        "BLOCK_V2",
        "DEPOSIT",
        "RANDAO_REVEAL",
        "SYNC_COMMITTEE_CONTRIBUTION_AND_PROOF",
        "SYNC_COMMITTEE_MESSAGE",
        "SYNC_COMMITTEE_SELECTION_PROOF",
        "VALIDATOR_REGISTRATION",
        "VOLUNTARY_EXIT",
      ]);
      expect(signed.filter((n) => n.startsWith("BLOCK_V2 ")).map((n) => n.slice(10, -1))).toContain("FULU");
    }, 120_000);
  });
}

describe("the spec's ELECTRA and FULU aggregate examples (mainnet-sized committee_bits)", () => {
  let cluster: Cluster | undefined;
  beforeAll(async () => {
    cluster = await startCluster({ network: "mainnet" });
  }, 60_000);
  afterAll(() => cluster?.stop());

  for (const name of Object.keys(EXAMPLE_CORRECTIONS)) {
    it(`${name}: the listed signingRoot is refused (400); the message signs under the reference root`, async () => {
      if (cluster === undefined) throw new Error("no cluster");
      const url = `${cluster.combiner.url}/api/v1/eth2/sign/${cluster.pubkey}`;
      const headers = { "content-type": "application/json", accept: "application/json" };
      const body = specExample(name);
      const listed = await call(url, { method: "POST", headers, body });
      expect([listed.status, (listed.json as { code?: string }).code]).toEqual([400, "SIGNER_SIGNING_ROOT_MISMATCH"]);
      const root = referenceRoot(body);
      const r = await call(url, { method: "POST", headers, body: { ...body, signingRoot: hexOf(root) } });
      expectSigned(r, "application/json", cluster.pubkey, root, name);
    });
  }
});
