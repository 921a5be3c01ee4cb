import type { Abi, Account, Address, Client, ContractEventName, GetEventArgs, Hash, TransactionReceipt } from "viem";
import { encodeFunctionData, hexToBigInt, numberToHex, parseEventLogs } from "viem";
import {
  estimateContractGas,
  getBlock,
  readContract,
  simulateContract,
  waitForTransactionReceipt,
  writeContract,
} from "viem/actions";
import { MzkuError, MzkuTransactionRevertedError, toMzkuError } from "./errors.js";
import { explainMinedRevert } from "./minedRevert.js";

type ArgsField<TArgs> = readonly [] extends TArgs ? { args?: TArgs } : { args: TArgs };

/** Parameters of a generated read action. */
export type ReadParameters<TArgs> = { address: Address; blockNumber?: bigint } & ArgsField<TArgs>;

/** Parameters of a generated write action. */
export type WriteParameters<TArgs> = {
  address: Address;
  value?: bigint;
  /** The sender; defaults to the client's account. */
  account?: Account | Address;
  /** Gas limit, used as given. Without it: the node's estimate for the next block plus {@link GAS_MARGIN_BPS}. */
  gas?: bigint;
} & ArgsField<TArgs>;

/**
 * Margin added to a gas estimate, in basis points (25%). An estimate is the least gas that succeeds
 * against the state the node sees now (at the next block's time, see `estimateForNextBlock`); by the
 * time the transaction is mined the state may have moved (another bid, a new block's randomness
 * choosing a different draw path), and a transaction that runs out of gas still pays for it. Unused
 * gas is refunded, so the margin costs nothing.
 */
export const GAS_MARGIN_BPS = 2_500n;

/** `estimate` plus {@link GAS_MARGIN_BPS}, rounded up. */
export function withGasMargin(estimate: bigint): bigint {
  return estimate + (estimate * GAS_MARGIN_BPS + 9_999n) / 10_000n;
}

type Call = { abi: Abi; functionName: string; address: Address; args?: readonly unknown[] };
type WriteCall = Call & { value?: bigint; account?: Account | Address; gas?: bigint };

/** Reads a view function; reverts come back as typed sdk errors. */
export async function readAction(client: Client, call: Call & { blockNumber?: bigint }): Promise<unknown> {
  try {
    return await readContract(client, call);
  } catch (error) {
    throw toMzkuError(call.functionName, error);
  }
}

/**
 * Simulates a write (so a revert surfaces as a decoded custom error before anything is sent), sets
 * its gas (as given, or the estimate with the margin) and sends it. Returns the hash without waiting.
 */
export async function sendAction(client: Client, call: WriteCall): Promise<Hash> {
  const account = call.account ?? client.account;
  if (!account) throw new MzkuError("NO_ACCOUNT", `${call.functionName}: no account on the client or in the call`);
  const { gas, ...rest } = call;
  try {
    const { request } = await simulateContract(client, { ...rest, account, chain: client.chain });
    const limit = gas ?? withGasMargin(await estimateForNextBlock(client, { ...rest, account }));
    return await writeContract(client, { ...request, gas: limit });
  } catch (error) {
    throw toMzkuError(call.functionName, error);
  }
}

/**
 * The node's gas estimate for `call` as the next block will run it: on the pending state, with the
 * block time one second after the newest block's. A node estimates at its newest block's time, but
 * the transaction is mined later, and gas can depend on the time: a checkpoint written earlier in the
 * same second is overwritten in place, in a later second a new one is appended (a new storage slot,
 * 22,100 gas; an unstake right after a delegation appends two, more than the margin). A node that does
 * not take block overrides gets the plain estimate.
 */
async function estimateForNextBlock(
  client: Client,
  call: Call & { value?: bigint; account: Account | Address },
): Promise<bigint> {
  const request = {
    from: typeof call.account === "string" ? call.account : call.account.address,
    to: call.address,
    data: encodeFunctionData(call),
    ...(call.value ? { value: numberToHex(call.value) } : {}),
  };
  try {
    const { timestamp } = await getBlock(client);
    const estimate = await client.request({
      method: "eth_estimateGas" as never,
      params: [request, "pending", {}, { time: numberToHex(timestamp + 1n) }] as never,
    });
    return hexToBigInt(estimate as `0x${string}`);
  } catch {
    // No block overrides here, or the call reverts: the plain estimate answers either way.
    return estimateContractGas(client, call);
  }
}

/**
 * Waits for a sent write's receipt; a mined revert (status 0) is thrown as `MzkuTransactionRevertedError`
 * with the reason found by replaying it (`explainMinedRevert`) in its message.
 */
export async function waitForWrite(
  client: Client,
  parameters: { hash: Hash; functionName?: string },
): Promise<TransactionReceipt> {
  const receipt = await waitForTransactionReceipt(client, { hash: parameters.hash });
  if (receipt.status !== "success") {
    const functionName = parameters.functionName ?? "transaction";
    const reason = await explainMinedRevert(client, receipt).catch((cause: unknown) => ({
      kind: "unknown" as const,
      text: `no reason found (${toMzkuError(functionName, cause).shortMessage})`,
    }));
    throw new MzkuTransactionRevertedError(functionName, parameters.hash, reason);
  }
  return receipt;
}

/** {@link sendAction}, then {@link waitForWrite}. */
export async function writeAction(client: Client, call: WriteCall): Promise<TransactionReceipt> {
  const hash = await sendAction(client, call);
  return waitForWrite(client, { hash, functionName: call.functionName });
}

/** The named arguments `K` of event `E` of `abi`: what a creating write adds to its receipt. */
export type CreatedIds<TAbi extends Abi, E extends ContractEventName<TAbi>, K extends string> = Pick<
  Required<GetEventArgs<TAbi, E, { EnableUnion: false; IndexedOnly: false; Required: true }>>,
  Extract<K, keyof GetEventArgs<TAbi, E, { EnableUnion: false; IndexedOnly: false; Required: true }>>
>;

/**
 * Adds to `receipt` the arguments `args` of the first `eventName` that `address` emitted in it
 * (decoded with that contract's own ABI).
 */
export function withCreatedIds(
  receipt: TransactionReceipt,
  parameters: { abi: Abi; address: Address; eventName: string; args: readonly string[] },
): TransactionReceipt & Record<string, unknown> {
  const own = receipt.logs.filter((l) => l.address.toLowerCase() === parameters.address.toLowerCase());
  const [event] = parseEventLogs({ abi: parameters.abi, eventName: parameters.eventName, logs: own });
  const values = event?.args as Record<string, unknown> | undefined;
  if (!values || parameters.args.some((a) => !(a in values))) {
    throw new MzkuError(
      "EVENT_NOT_FOUND",
      `transaction ${receipt.transactionHash} has no ${parameters.eventName} from ${parameters.address}`,
      { details: { hash: receipt.transactionHash, eventName: parameters.eventName, address: parameters.address } },
    );
  }
  return { ...receipt, ...Object.fromEntries(parameters.args.map((a) => [a, values[a]])) };
}
