import type { Account, Address, Chain, Client, Transport } from "viem";
import { mzkuToken } from "../actions/index.js";
import type { Deployment } from "../deployment.js";

/** A client that signs: what every role helper takes. */
export type SigningClient = Client<Transport, Chain | undefined, Account>;

/**
 * Approves `spender` for `amount` MZKU of the client's account unless the allowance already covers
 * it. Returns whether it sent an approval.
 */
export async function ensureMzkuAllowance(
  wallet: SigningClient,
  deployment: Deployment,
  spender: Address,
  amount: bigint,
): Promise<boolean> {
  const address = deployment.contracts.MzkuToken;
  const allowance = await mzkuToken.allowance(wallet, { address, args: [wallet.account.address, spender] });
  if (allowance >= amount) return false;
  await mzkuToken.approve(wallet, { address, args: [spender, amount] });
  return true;
}
