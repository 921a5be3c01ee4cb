import type { Abi, Account, Address, Client, TransactionReceipt } from "viem";
import { readContract, simulateContract, waitForTransactionReceipt, writeContract } from "viem/actions";
import { MzkuError, MzkuTransactionRevertedError, toMzkuError } from "./errors.js";

type ArgsField<TArgs> = readonly [] extends TArgs ? { args?: TArgs } : { args: TArgs };

/** Parameters of a generated read action. */
export type ReadParameters<TArgs> = { address: Address; blockNumber?: bigint } & ArgsField<TArgs>;

/** Parameters of a generated write action. */
export type WriteParameters<TArgs> = {
  address: Address;
  value?: bigint;
  /** The sender; defaults to the client's account. */
  account?: Account | Address;
} & ArgsField<TArgs>;

type Call = { abi: Abi; functionName: string; address: Address; args?: readonly unknown[] };

/** Reads a view function; reverts come back as typed sdk errors. */
export async function readAction(client: Client, call: Call & { blockNumber?: bigint }): Promise<unknown> {
  try {
    return await readContract(client, call);
  } catch (error) {
    throw toMzkuError(call.functionName, error);
  }
}

/**
 * Simulates a write (so a revert surfaces as a decoded custom error before anything is sent), sends it,
 * waits for the receipt and checks it succeeded.
 */
export async function writeAction(
  client: Client,
  call: Call & { value?: bigint; account?: Account | Address },
): Promise<TransactionReceipt> {
  const account = call.account ?? client.account;
  if (!account) throw new MzkuError("NO_ACCOUNT", `${call.functionName}: no account on the client or in the call`);
  let hash: `0x${string}`;
  try {
    const { request } = await simulateContract(client, { ...call, account, chain: client.chain });
    hash = await writeContract(client, request);
  } catch (error) {
    throw toMzkuError(call.functionName, error);
  }
  const receipt = await waitForTransactionReceipt(client, { hash });
  if (receipt.status !== "success") throw new MzkuTransactionRevertedError(call.functionName, hash);
  return receipt;
}
