// Test-only helpers: a fresh anvil per test file with the protocol deployed by the production deploy
// script. Production code never imports this.
import { createTestClient, http, type TestClient } from "viem";
import { foundry } from "viem/chains";
import type { Deployment } from "../deployment.js";
import { type DevWallet, devKey, devWallet } from "../devnet/accounts.js";
import { type AnvilInstance, startAnvil } from "../devnet/anvil.js";
import { deployProtocol } from "../devnet/deploy.js";

export { devAccount } from "../devnet/accounts.js";

export type TestProtocol = {
  anvil: AnvilInstance;
  deployment: Deployment;
  wallet: (index: number) => DevWallet;
  testClient: TestClient;
  stop: () => Promise<void>;
};

/** Starts anvil and deploys the protocol with the deploy script, as `mzku devnet` does. */
export async function startTestProtocol(): Promise<TestProtocol> {
  const anvil = await startAnvil();
  try {
    const deployment = await deployProtocol({
      rpcUrl: anvil.rpcUrl,
      privateKey: devKey(0),
      name: `test-${anvil.port}`,
    });
    const testClient = createTestClient({ chain: foundry, mode: "anvil", transport: http(anvil.rpcUrl) });
    return { anvil, deployment, wallet: (i) => devWallet(anvil.rpcUrl, i), testClient, stop: anvil.stop };
  } catch (error) {
    await anvil.stop();
    throw error;
  }
}
