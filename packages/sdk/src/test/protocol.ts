// Test-only helpers: a fresh anvil per test file with the protocol deployed by the production deploy
// script, and wallet clients for anvil's well-known dev accounts. Production code never imports this.
import { createTestClient, createWalletClient, http, publicActions, type TestClient } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import type { Deployment } from "../deployment.js";
import { type AnvilInstance, startAnvil } from "../devnet/anvil.js";
import { deployProtocol } from "../devnet/deploy.js";

/** anvil's default mnemonic: the dev accounts the devnet config allocates MZKU to. */
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";

export function devAccount(index: number) {
  return mnemonicToAccount(DEV_MNEMONIC, { addressIndex: index });
}

export function devKey(index: number): `0x${string}` {
  const key = devAccount(index).getHdKey().privateKey;
  if (!key) throw new Error(`no key for dev account ${index}`);
  return `0x${Buffer.from(key).toString("hex")}`;
}

export function walletFor(rpcUrl: string, index: number) {
  return createWalletClient({ account: devAccount(index), chain: foundry, transport: http(rpcUrl) }).extend(
    publicActions,
  );
}

export type TestProtocol = {
  anvil: AnvilInstance;
  deployment: Deployment;
  wallet: (index: number) => ReturnType<typeof walletFor>;
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
    return { anvil, deployment, wallet: (i) => walletFor(anvil.rpcUrl, i), testClient, stop: anvil.stop };
  } catch (error) {
    await anvil.stop();
    throw error;
  }
}
