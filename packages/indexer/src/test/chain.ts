// Test-only: a fresh anvil with the protocol deployed by the production deploy script (as `mzku
// devnet` does). Production code never imports this.

import { join } from "node:path";
import type { Deployment } from "@mzku/sdk";
import {
  type AnvilInstance,
  contractsDir,
  type DevWallet,
  deployProtocol,
  devKey,
  devWallet,
  startAnvil,
} from "@mzku/sdk/devnet";
import { createTestClient, http, type TestClient } from "viem";
import { foundry } from "viem/chains";

export type TestChain = {
  anvil: AnvilInstance;
  deployment: Deployment;
  /** The deployment file the deploy script wrote (for child processes). */
  deploymentFile: string;
  wallet: (index: number) => DevWallet;
  testClient: TestClient;
  stop: () => Promise<void>;
};

export async function startTestChain(): Promise<TestChain> {
  const anvil = await startAnvil();
  try {
    const name = `indexer-test-${anvil.port}`;
    const deployment = await deployProtocol({ rpcUrl: anvil.rpcUrl, privateKey: devKey(0), name });
    const deploymentFile = join(contractsDir(), "deployments", `${name}.json`);
    const testClient = createTestClient({ chain: foundry, mode: "anvil", transport: http(anvil.rpcUrl) });
    return {
      anvil,
      deployment,
      deploymentFile,
      wallet: (i) => devWallet(anvil.rpcUrl, i),
      testClient,
      stop: anvil.stop,
    };
  } catch (error) {
    await anvil.stop();
    throw error;
  }
}
