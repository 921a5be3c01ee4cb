// Unit test of how a replayed trace becomes the reason of a mined revert (the node is a stub here;
// `deployment.test.ts` and `integration/gasNextBlock.test.ts` replay real reverts on anvil).
import { createPublicClient, custom, encodeErrorResult, type Hex, parseAbi, type TransactionReceipt } from "viem";
import { foundry } from "viem/chains";
import { describe, expect, it } from "vitest";
import { explainMinedRevert } from "./minedRevert.js";

const HASH = `0x${"ab".repeat(32)}` as Hex;
const POOL = "0x610178da211fef7d417bc0e6fed39f05609ad788";
const receipt = { transactionHash: HASH, gasUsed: 154_623n, blockNumber: 9n } as TransactionReceipt;

/** A client whose node answers the transaction and, if given, its call trace. */
function node(trace: unknown) {
  return createPublicClient({
    chain: foundry,
    transport: custom({
      request: async ({ method }: { method: string }) => {
        if (method === "eth_getTransactionByHash") {
          return {
            hash: HASH,
            from: `0x${"11".repeat(20)}`,
            to: `0x${"22".repeat(20)}`,
            gas: "0x25eb6",
            input: "0x",
            value: "0x0",
            nonce: "0x1",
            blockHash: `0x${"cd".repeat(32)}`,
            blockNumber: "0x9",
            transactionIndex: "0x0",
            type: "0x2",
            maxFeePerGas: "0x1",
            maxPriorityFeePerGas: "0x1",
            chainId: "0x7a69",
            v: "0x0",
            r: "0x1",
            s: "0x1",
            yParity: "0x0",
          };
        }
        if (method === "debug_traceTransaction") return trace;
        throw new Error(`unexpected ${method}`);
      },
    }),
  });
}

describe("explainMinedRevert on a trace", () => {
  it("a callee out of gas under an empty revert: out of gas in that call, with the transaction's gas", async () => {
    const trace = {
      error: "execution reverted",
      output: "0x",
      calls: [{ to: POOL, error: "out of gas", calls: [] }],
    };
    expect(await explainMinedRevert(node(trace), receipt)).toEqual({
      kind: "outOfGas",
      gasUsed: 154_623n,
      gasLimit: 155_318n,
      text: `out of gas in a call to ${POOL} (used 154623 of limit 155318)`,
    });
  });

  it("a decoded error of the outermost frame wins over a callee's caught out-of-gas; panics say their meaning", async () => {
    const data = encodeErrorResult({
      abi: parseAbi(["error SidecarStakingZeroAmount()"]),
      errorName: "SidecarStakingZeroAmount",
    });
    const caught = { error: "execution reverted", output: data, calls: [{ to: POOL, error: "out of gas" }] };
    expect((await explainMinedRevert(node(caught), receipt)).text).toBe("SidecarStakingZeroAmount()");
    const panic = encodeErrorResult({
      abi: parseAbi(["error Panic(uint256)"]),
      errorName: "Panic",
      args: [17n],
    });
    expect((await explainMinedRevert(node({ error: "execution reverted", output: panic }), receipt)).text).toBe(
      "Panic(17: arithmetic underflow or overflow)",
    );
  });

  it("data no protocol ABI knows, or none: said as it is", async () => {
    expect((await explainMinedRevert(node({ error: "execution reverted", output: "0xdeadbeef" }), receipt)).text).toBe(
      "undecoded revert data 0xdeadbeef",
    );
    expect((await explainMinedRevert(node({ error: "execution reverted", output: "0x" }), receipt)).text).toBe(
      "reverted without data",
    );
  });
});
