/**
 * Writes the genesis state of `mzku devnet --validators`' consensus chain with Lodestar's own genesis
 * code (`initializeBeaconStateFromEth1`, the spec's `initialize_beacon_state_from_eth1`, as `lodestar dev`
 * builds its interop genesis), from the deposit data of the devnet's DKG: every validator at genesis is
 * a threshold key. Lodestar verifies each deposit's proof and signature, so a deposit not signed by the
 * threshold key would leave its validator out (the caller checks the count).
 *
 * Runs as its own process (`node lodestarGenesis.js <lodestarDir> <deposits.json> <out.ssz> <genesisTime>
 * <chainConfig.json>`) with LODESTAR_PRESET set, so Lodestar's libraries load from its install
 * (e2e/lodestar) with the chain's preset, apart from the CLI's own. Prints the validator count.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

type DepositJson = { pubkey: string; withdrawal_credentials: string; amount: string | number; signature: string };

const [lodestarDir, depositsFile, outFile, genesisTime, chainConfigFile] = process.argv.slice(2);
if (!lodestarDir || !depositsFile || !outFile || !genesisTime || !chainConfigFile) {
  process.stderr.write("usage: lodestarGenesis <lodestarDir> <deposits.json> <out.ssz> <genesisTime> <config.json>\n");
  process.exit(2);
}
// biome-ignore lint/suspicious/noExplicitAny: Lodestar's libraries are loaded from its own install, untyped here
const lib = (path: string): Promise<any> => import(pathToFileURL(join(lodestarDir, "node_modules", path)).href);
const [{ createIChainForkConfig }, { minimalChainConfig }, { ssz }, { Tree, toGindex }, { getInteropState }] =
  await Promise.all([
    lib("@lodestar/config/lib/index.js"),
    lib("@lodestar/config/lib/presets.js"),
    lib("@lodestar/types/lib/index.js"),
    lib("@chainsafe/persistent-merkle-tree/lib/index.js"),
    lib("@lodestar/beacon-node/lib/node/utils/interop/state.js"),
  ]);
const config = createIChainForkConfig({ ...minimalChainConfig, ...JSON.parse(readFileSync(chainConfigFile, "utf8")) });
const bytes = (h: string) => Uint8Array.from(Buffer.from(h.replace(/^0x/, ""), "hex"));
const roots = ssz.phase0.DepositDataRootList.defaultViewDU();
const deposits = (JSON.parse(readFileSync(depositsFile, "utf8")) as DepositJson[]).map((d, i) => {
  const data = {
    pubkey: bytes(d.pubkey),
    withdrawalCredentials: bytes(d.withdrawal_credentials),
    amount: Number(d.amount),
    signature: bytes(d.signature),
  };
  roots.push(ssz.phase0.DepositData.hashTreeRoot(data));
  roots.commit();
  return { proof: new Tree(roots.node).getSingleProof(toGindex(roots.type.depth, BigInt(i))), data };
});
// each proof is against the deposit tree as it stood after that deposit, as the genesis code replays them
const state = getInteropState(config, { genesisTime: Number(genesisTime) }, deposits);
writeFileSync(outFile, state.serialize());
process.stdout.write(`${state.validators.length}\n`);
