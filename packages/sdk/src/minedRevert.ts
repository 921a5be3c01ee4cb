import type { Client, Hex, TransactionReceipt } from "viem";
import { call, getTransaction } from "viem/actions";
import { decodeRevertData, formatRevert, isContractError, type MinedRevertReason, toMzkuError } from "./errors.js";

/** A frame of a `callTracer` trace (geth's format; anvil's too). */
type CallFrame = { to?: string; error?: string; output?: Hex; calls?: CallFrame[] };

/**
 * Finds why the mined transaction of `receipt` reverted. First it replays the transaction exactly
 * where it was mined (`debug_traceTransaction` with the call tracer, as anvil and geth offer it): the
 * outermost frame ran out of gas, or its revert data decodes, or a nested frame ran out of gas. A node without that method gets
 * the call re-simulated on the state after the receipt's block (the state the transaction met, plus
 * what came after it in that block), with the transaction's own gas limit.
 */
export async function explainMinedRevert(client: Client, receipt: TransactionReceipt): Promise<MinedRevertReason> {
  const tx = await getTransaction(client, { hash: receipt.transactionHash });
  const outOfGas = (where: string): MinedRevertReason => ({
    kind: "outOfGas",
    gasUsed: receipt.gasUsed,
    gasLimit: tx.gas,
    text: `out of gas${where} (used ${receipt.gasUsed} of limit ${tx.gas})`,
  });
  const trace = await traceCalls(client, receipt.transactionHash);
  if (trace) {
    // Solidity passes a callee's revert data up; a callee that ran out of gas leaves none, so the
    // outermost frame reverts empty and the starved frame is found below it.
    if (isOutOfGas(trace)) return outOfGas("");
    const decoded = trace.output ? decodeRevertData(trace.output) : undefined;
    if (decoded) return { kind: "error", ...decoded, text: formatRevert(decoded.errorName, decoded.args) };
    const starved = findFrame(trace, isOutOfGas);
    if (starved) return outOfGas(` in a call to ${starved.to}`);
    return {
      kind: "unknown",
      text: trace.output && trace.output !== "0x" ? `undecoded revert data ${trace.output}` : "reverted without data",
    };
  }
  if (receipt.gasUsed >= tx.gas) return outOfGas("");
  try {
    await call(client, {
      account: tx.from,
      to: tx.to,
      data: tx.input,
      value: tx.value,
      gas: tx.gas,
      blockNumber: receipt.blockNumber,
    });
    return {
      kind: "unknown",
      text: `no reason found (re-run on the state after block ${receipt.blockNumber}, it succeeds)`,
    };
  } catch (error) {
    const decoded = toMzkuError("replay", error);
    if (isContractError(decoded)) {
      return {
        kind: "error",
        errorName: decoded.errorName,
        args: decoded.args,
        text: formatRevert(decoded.errorName, decoded.args),
      };
    }
    return { kind: "unknown", text: `no reason found (${decoded.shortMessage})` };
  }
}

/** The call trace of a mined transaction, or undefined when the node does not trace. */
async function traceCalls(client: Client, hash: Hex): Promise<CallFrame | undefined> {
  try {
    return (await client.request({
      method: "debug_traceTransaction" as never,
      params: [hash, { tracer: "callTracer" }] as never,
    })) as CallFrame;
  } catch {
    return undefined;
  }
}

function isOutOfGas(frame: CallFrame): boolean {
  return /out of gas/i.test(frame.error ?? "");
}

/** The first frame of `frame`'s tree, depth first, that satisfies `test`. */
function findFrame(frame: CallFrame, test: (f: CallFrame) => boolean): CallFrame | undefined {
  if (test(frame)) return frame;
  for (const child of frame.calls ?? []) {
    const found = findFrame(child, test);
    if (found) return found;
  }
  return undefined;
}
