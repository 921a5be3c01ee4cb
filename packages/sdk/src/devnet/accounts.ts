import {
  type Chain,
  createWalletClient,
  http,
  type PublicActions,
  publicActions,
  type Transport,
  type WalletClient,
} from "viem";
import { type HDAccount, mnemonicToAccount } from "viem/accounts";
import { foundry } from "viem/chains";

/** anvil's default mnemonic. Its accounts are public: for local devnets and tests only. */
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";

/** The dev account at `index` of anvil's default mnemonic. */
export function devAccount(index: number): HDAccount {
  return mnemonicToAccount(DEV_MNEMONIC, { addressIndex: index });
}

/** Private key of a dev account (for handing to forge). */
export function devKey(index: number): `0x${string}` {
  const key = devAccount(index).getHdKey().privateKey;
  if (!key) throw new Error(`no key for dev account ${index}`);
  return `0x${Buffer.from(key).toString("hex")}`;
}

/** A wallet client (with public actions) signing as dev account `index` on `rpcUrl`. */
export function devWallet(rpcUrl: string, index: number, chain: Chain = foundry): DevWallet {
  return createWalletClient({ account: devAccount(index), chain, transport: http(rpcUrl) }).extend(publicActions);
}

/** A wallet client that can also read: what `devWallet` returns. */
export type DevWallet = WalletClient<Transport, Chain, HDAccount> & PublicActions<Transport, Chain, HDAccount>;
