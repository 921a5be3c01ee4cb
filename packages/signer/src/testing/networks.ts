/**
 * Test-only: each `--network`'s chain config and genesis validators root as @lodestar/config knows them
 * (Holesky, no longer shipped there, from its published schedule; the devnet with one fork per epoch,
 * as a `lodestar dev` chain may run).
 */
import { type ChainConfig, type ChainForkConfig, createChainForkConfig } from "@lodestar/config";
import { minimalChainConfig } from "@lodestar/config/configs";
import { genesisData, networksChainConfig } from "@lodestar/config/networks";

const v = (hex: string) => new Uint8Array(Buffer.from(hex, "hex"));

export const HOLESKY_CHAIN_CONFIG: Partial<ChainConfig> = {
  GENESIS_FORK_VERSION: v("01017000"),
  ALTAIR_FORK_VERSION: v("02017000"),
  ALTAIR_FORK_EPOCH: 0,
  BELLATRIX_FORK_VERSION: v("03017000"),
  BELLATRIX_FORK_EPOCH: 0,
  CAPELLA_FORK_VERSION: v("04017000"),
  CAPELLA_FORK_EPOCH: 256,
  DENEB_FORK_VERSION: v("05017000"),
  DENEB_FORK_EPOCH: 29696,
  ELECTRA_FORK_VERSION: v("06017000"),
  ELECTRA_FORK_EPOCH: 115968,
  FULU_FORK_VERSION: v("07017000"),
  FULU_FORK_EPOCH: 165120,
};

export interface TestNetwork {
  name: "mainnet" | "sepolia" | "holesky" | "hoodi" | "devnet";
  preset: "mainnet" | "minimal";
  config: ChainForkConfig;
  genesisValidatorsRoot: string;
}

/** The chain config of a network; only the preset's own ones can be built in one process. */
export function testNetwork(name: TestNetwork["name"]): TestNetwork {
  switch (name) {
    case "holesky":
      return {
        name,
        preset: "mainnet",
        config: createChainForkConfig({ ...networksChainConfig.mainnet, ...HOLESKY_CHAIN_CONFIG }),
        genesisValidatorsRoot: "0x9143aa7c615a7f7115e2b6aac319c03529df8242ae705fba9df39b79c59fa8b1",
      };
    case "devnet":
      return {
        name,
        preset: "minimal",
        config: createChainForkConfig({
          ...minimalChainConfig,
          ALTAIR_FORK_EPOCH: 1,
          BELLATRIX_FORK_EPOCH: 2,
          CAPELLA_FORK_EPOCH: 3,
          DENEB_FORK_EPOCH: 4,
          ELECTRA_FORK_EPOCH: 5,
          FULU_FORK_EPOCH: 6,
        }),
        genesisValidatorsRoot: `0x${"42".repeat(32)}`,
      };
    default:
      return {
        name,
        preset: "mainnet",
        config: createChainForkConfig(networksChainConfig[name]),
        genesisValidatorsRoot: genesisData[name].genesisValidatorsRoot,
      };
  }
}
