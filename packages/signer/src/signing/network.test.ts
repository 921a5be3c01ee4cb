import { type ChainConfig, createChainForkConfig } from "@lodestar/config";
import { minimalChainConfig } from "@lodestar/config/configs";
import { genesisData, networksChainConfig } from "@lodestar/config/networks";
import { SLOTS_PER_EPOCH } from "@lodestar/params";
import { describe, expect, it } from "vitest";
import { hexOf, referenceRoot } from "../testing/reference.js";
import { getNetwork, NETWORKS, type NetworkName } from "./network.js";
import { prepareSigning } from "./prepare.js";

const H = (b: Uint8Array) => hexOf(b);
/** Holesky left @lodestar/config; its published fork schedule (Deneb at epoch 29696). */
const HOLESKY: Partial<ChainConfig> = {
  GENESIS_FORK_VERSION: Buffer.from("01017000", "hex"),
  ALTAIR_FORK_VERSION: Buffer.from("02017000", "hex"),
  ALTAIR_FORK_EPOCH: 0,
  BELLATRIX_FORK_VERSION: Buffer.from("03017000", "hex"),
  BELLATRIX_FORK_EPOCH: 0,
  CAPELLA_FORK_VERSION: Buffer.from("04017000", "hex"),
  CAPELLA_FORK_EPOCH: 256,
  DENEB_FORK_VERSION: Buffer.from("05017000", "hex"),
  DENEB_FORK_EPOCH: 29696,
  ELECTRA_FORK_VERSION: Buffer.from("06017000", "hex"),
  ELECTRA_FORK_EPOCH: 115968,
  FULU_FORK_VERSION: Buffer.from("07017000", "hex"),
  FULU_FORK_EPOCH: 165120,
};
const GVR: Record<Exclude<NetworkName, "devnet">, string> = {
  mainnet: genesisData.mainnet.genesisValidatorsRoot,
  sepolia: genesisData.sepolia.genesisValidatorsRoot,
  hoodi: genesisData.hoodi.genesisValidatorsRoot,
  holesky: "0x9143aa7c615a7f7115e2b6aac319c03529df8242ae705fba9df39b79c59fa8b1",
};

function chainConfig(name: Exclude<NetworkName, "devnet">) {
  if (name === "holesky") return createChainForkConfig({ ...networksChainConfig.mainnet, ...HOLESKY });
  return createChainForkConfig(networksChainConfig[name]);
}

/** A voluntary exit as a validator client sends it at `stateSlot`: fork info of that slot's fork. */
function exitRequest(
  config: ReturnType<typeof createChainForkConfig>,
  gvr: string,
  stateSlot: number,
  exitEpoch: number,
) {
  const fork = config.getForkInfo(stateSlot);
  return {
    type: "VOLUNTARY_EXIT",
    fork_info: {
      fork: {
        previous_version: H(fork.prevVersion),
        current_version: H(fork.version),
        epoch: String(fork.epoch),
      },
      genesis_validators_root: gvr,
    },
    voluntary_exit: { epoch: String(exitEpoch), validator_index: "123456" },
  };
}

describe("networks", () => {
  it("match the chain configs of @lodestar/config (mainnet, sepolia, hoodi) and its minimal config (devnet)", () => {
    for (const name of ["mainnet", "sepolia", "hoodi"] as const) {
      const c = networksChainConfig[name];
      const n = getNetwork(name);
      expect(H(n.genesisForkVersion), name).toBe(H(c.GENESIS_FORK_VERSION));
      expect(H(n.capellaForkVersion), name).toBe(H(c.CAPELLA_FORK_VERSION));
      expect(n.denebForkEpoch, name).toBe(BigInt(c.DENEB_FORK_EPOCH));
      expect(n.denebAndLaterVersions.map(H), name).toEqual(
        [c.DENEB_FORK_VERSION, c.ELECTRA_FORK_VERSION, c.FULU_FORK_VERSION, c.GLOAS_FORK_VERSION].map(H),
      );
      expect(n.preset).toBe("mainnet");
    }
    const d = getNetwork("devnet");
    expect(d.preset).toBe("minimal");
    expect(H(d.genesisForkVersion)).toBe(H(minimalChainConfig.GENESIS_FORK_VERSION));
    expect(H(d.capellaForkVersion)).toBe(H(minimalChainConfig.CAPELLA_FORK_VERSION));
  });
});

describe("VOLUNTARY_EXIT under EIP-7044 (root computed by @lodestar/config's getDomainForVoluntaryExit)", () => {
  for (const name of NETWORKS.filter((n): n is Exclude<NetworkName, "devnet"> => n !== "devnet")) {
    const net = getNetwork(name);
    const params = { slotsPerEpoch: SLOTS_PER_EPOCH, genesisForkVersion: net.genesisForkVersion, network: net };
    const config = chainConfig(name);
    const deneb = config.DENEB_FORK_EPOCH;
    const cases: Array<[string, number, number]> = [
      ["in the current fork (Fulu), exit epoch now", config.FULU_FORK_EPOCH + 10, config.FULU_FORK_EPOCH + 10],
      ["in Electra, an exit epoch from before Deneb", config.ELECTRA_FORK_EPOCH + 3, Math.max(0, deneb - 5)],
      ["in Deneb's first epoch", deneb, deneb],
    ];
    if (deneb > 0) cases.push(["before Deneb (Capella domain rules do not apply)", deneb - 2, deneb - 2]);
    for (const [what, stateEpoch, exitEpoch] of cases) {
      it(`${name}: ${what}`, () => {
        const stateSlot = stateEpoch * SLOTS_PER_EPOCH;
        const body = exitRequest(config, GVR[name], stateSlot, exitEpoch);
        const want = hexOf(referenceRoot(body, { config, stateSlot }));
        // a client that applies EIP-7044 itself sends that root: accepted, not a mismatch
        expect(hexOf(prepareSigning({ ...body, signingRoot: want }, params).signingRoot)).toBe(want);
        // a client that leaves it to the signer gets the same root
        expect(hexOf(prepareSigning(body, params).signingRoot)).toBe(want);
      });
    }
  }

  it("without a known network, signs the fork info as sent", () => {
    const config = chainConfig("mainnet");
    const stateSlot = (config.FULU_FORK_EPOCH + 1) * SLOTS_PER_EPOCH;
    const body = exitRequest(config, GVR.mainnet, stateSlot, config.FULU_FORK_EPOCH + 1);
    const asSent = hexOf(referenceRoot(body));
    const params = { slotsPerEpoch: SLOTS_PER_EPOCH, genesisForkVersion: new Uint8Array([9, 9, 9, 9]) };
    expect(hexOf(prepareSigning(body, params).signingRoot)).toBe(asSent);
    expect(asSent).not.toBe(hexOf(referenceRoot(body, { config, stateSlot })));
  });
});
