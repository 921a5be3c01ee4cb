import {
  type Account,
  type Address,
  type Chain,
  createPublicClient,
  createWalletClient,
  custom,
  defineChain,
  type EIP1193Provider,
  http,
  type PublicClient,
  publicActions,
  type Transport,
  type WalletClient,
} from "viem";
import type { DashboardConfig } from "./config.js";
import { DashboardError } from "./errors.js";

/** anvil's default mnemonic: its accounts are public, for local devnets only (devnet mode). */
const DEV_MNEMONIC = "test test test test test test test test test test test junk";

/** Names of the devnet's dev accounts by their role in `contracts/config/devnet.json` and the demo. */
export const DEV_ACCOUNT_ROLES: Record<number, string> = {
  0: "deployer",
  1: "governor 1",
  2: "governor 2",
  3: "governor 3",
};

/** A client that signs as one account and can read: what every sdk write takes. */
export type Signer = WalletClient<Transport, Chain, Account> & ReturnType<typeof publicActions>;

export type Connected = { address: Address; label: string; signer: Signer };

export function chainOf(config: DashboardConfig): Chain {
  return defineChain({
    id: config.deployment.chainId,
    name: config.devnet ? "MZKU devnet" : `chain ${config.deployment.chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [config.rpcUrl] } },
  });
}

export function readClient(config: DashboardConfig): PublicClient {
  return createPublicClient({ chain: chainOf(config), transport: http(config.rpcUrl), pollingInterval: 500 });
}

/** Devnet mode: dev account `index` signs locally in the page (no wallet), sending through the RPC URL. */
export async function connectDevAccount(config: DashboardConfig, index: number): Promise<Connected> {
  const { mnemonicToAccount } = await import("viem/accounts");
  const account = mnemonicToAccount(DEV_MNEMONIC, { addressIndex: index });
  const signer = createWalletClient({
    account,
    chain: chainOf(config),
    transport: http(config.rpcUrl),
    pollingInterval: 500,
  }).extend(publicActions) as unknown as Signer;
  const role = DEV_ACCOUNT_ROLES[index];
  return { address: account.address, label: `dev account ${index}${role ? ` (${role})` : ""}`, signer };
}

/** The browser's injected EIP-1193 wallet (MetaMask, Rabby, …): asks for an account and the chain. */
export async function connectInjected(config: DashboardConfig): Promise<Connected> {
  const ethereum = (window as unknown as { ethereum?: EIP1193Provider }).ethereum;
  if (!ethereum) throw new DashboardError("NO_WALLET", "no browser wallet found (install one, or use devnet mode)");
  const chain = chainOf(config);
  const transport = custom(ethereum);
  const [address] = await createWalletClient({ chain, transport }).requestAddresses();
  if (!address) throw new DashboardError("NO_WALLET", "the wallet gave no account");
  const signer = createWalletClient({ account: address, chain, transport, pollingInterval: 1000 }).extend(
    publicActions,
  ) as unknown as Signer;
  const current = await signer.getChainId();
  if (current !== chain.id) {
    try {
      await signer.switchChain({ id: chain.id });
    } catch {
      await signer.addChain({ chain });
    }
  }
  return { address, label: `wallet ${address.slice(0, 6)}…${address.slice(-4)}`, signer };
}
