/**
 * Test-only: how each major validator client talks to a Web3Signer, as read in its source (no wire
 * capture: none of these clients but Lodestar runs here; Lodestar 1.5.1 also runs live in test-e2e).
 * Each profile gives the headers the client sends, how it reads a 200 answer, and how its request
 * bodies differ from the spec's plain shapes. The conformance test replays, per client, every
 * operation a validator client signs, in the client's shapes and with its headers.
 */

export type ReadsReply =
  /** JSON body required: `{"signature"}` (fails on a text/plain answer). */
  | "json"
  /** JSON if the answer's Content-Type is application/json, else the body is the 0x hex. */
  | "by-content-type";

export interface ClientProfile {
  client: string;
  /** Where the shape was read (repository, path, what was seen). */
  source: string;
  /** Request headers besides the body's length. */
  headers: Record<string, string>;
  reads: ReadsReply;
  /** Sends Electra aggregates as `AGGREGATE_AND_PROOF` with the flat Electra `AggregateAndProof`. */
  electraAggregateAsV1: boolean;
  /** Sends the deprecated AGGREGATE_AND_PROOF type (phase0 shape) before Electra. */
  aggregateV1: boolean;
  /** What the client does with `/upcheck` (documented where it matters). */
  upcheck: "json" | "not used" | "text";
  notes: string;
}

export const CLIENTS: readonly ClientProfile[] = [
  {
    client: "Lighthouse",
    source: "sigp/lighthouse validator_client/signing_method/src/{lib.rs,web3signer.rs}",
    headers: { "content-type": "application/json", accept: "application/json" },
    reads: "json",
    electraAggregateAsV1: true,
    aggregateV1: true,
    upcheck: "not used",
    notes:
      "reqwest .json() body and .header(ACCEPT, application/json); the answer is read with .json::<SigningResponse>(). " +
      "Message type AGGREGATE_AND_PROOF for every fork (the Electra AggregateAndProof, with committee_bits, flat under aggregate_and_proof); " +
      "BLOCK_V2 with block (PHASE0/ALTAIR) or block_header; signingRoot always sent; no fork_info for VALIDATOR_REGISTRATION.",
  },
  {
    client: "Teku",
    source: "Consensys/teku validator/client ExternalSigner.java (a 2020 revision)",
    headers: { "content-type": "application/json" },
    reads: "by-content-type",
    electraAggregateAsV1: false,
    aggregateV1: false,
    upcheck: "not used",
    notes:
      "java.net.http request with Content-Type only (no Accept header); the answer is JSON when its Content-Type starts with application/json, else the body is hex. " +
      "signingRoot always sent; fork_info as a fork object plus genesis_validators_root.",
  },
  {
    client: "Prysm",
    source: "prysmaticlabs/prysm validator/keymanager/remote-web3signer/internal/client.go (v3)",
    headers: { "content-type": "application/json" },
    reads: "by-content-type",
    electraAggregateAsV1: false,
    aggregateV1: false,
    upcheck: "json",
    notes:
      "Go net/http with Content-Type only (no Accept); JSON answer if Content-Type is application/json, else hexutil.Decode(body). " +
      "GetServerStatus JSON-decodes /upcheck (fails on the spec's text/plain OK; not on the signing path).",
  },
  {
    client: "Nimbus",
    source: "status-im/nimbus-eth2 beacon_chain/spec/eth2_apis/rest_remote_signer_calls.nim",
    headers: { "content-type": "application/json", accept: "application/json" },
    reads: "by-content-type",
    electraAggregateAsV1: false,
    aggregateV1: false,
    upcheck: "json",
    notes:
      "presto REST client with accept: application/json on signDataPlain, getKeys and getUpcheck (older releases sent none); " +
      "/upcheck is decoded as Web3SignerStatusResponse {status}.",
  },
  {
    client: "Lodestar (current)",
    source: "ChainSafe/lodestar packages/validator/src/util/externalSignerClient.ts (a current revision)",
    headers: { "content-type": "application/json", accept: "application/json" },
    reads: "json",
    electraAggregateAsV1: false,
    aggregateV1: true,
    upcheck: "json",
    notes:
      "native fetch with Accept: application/json on signing and /upcheck; an answer whose Content-Type is not JSON is an error. " +
      "AGGREGATE_AND_PROOF_V2 with version and data from Electra; it can also send BLS_TO_EXECUTION_CHANGE, which is not in the spec and is refused (400).",
  },
  {
    client: "Lodestar 1.5.1",
    source: "ChainSafe/lodestar packages/validator/src/util/externalSignerClient.ts (1.5.1 in e2e/lodestar)",
    headers: {
      "content-type": "application/json",
      accept: "*/*",
      "accept-encoding": "gzip,deflate",
      "user-agent": "node-fetch/1.0",
    },
    reads: "json",
    electraAggregateAsV1: false,
    aggregateV1: true,
    upcheck: "json",
    notes:
      "cross-fetch (node-fetch 2) sets Accept */* and parses the answer with JSON.parse. 1.5.1 sends AGGREGATE_AND_PROOF (phase0) and BLOCK_V2; " +
      "fork_info for every type but DEPOSIT and VALIDATOR_REGISTRATION; signingRoot always. externalSignerUpCheck JSON-parses /upcheck but 1.5.1 never calls it.",
  },
];
