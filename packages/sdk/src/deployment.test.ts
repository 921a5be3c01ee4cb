import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createPublicClient, custom, http } from "viem";
import { estimateContractGas, getTransaction, getTransactionReceipt } from "viem/actions";
import { foundry } from "viem/chains";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mzkuTokenAbi } from "./abis.js";
import { mzkuToken } from "./actions/index.js";
import { GAS_MARGIN_BPS, waitForWrite, withGasMargin } from "./call.js";
import { contractsDir } from "./devnet/foundry.js";
import { isContractError, MzkuTransactionRevertedError } from "./errors.js";
import { decodeEvents } from "./events.js";
import { explainMinedRevert } from "./minedRevert.js";
import { devAccount, startTestProtocol, type TestProtocol } from "./test/protocol.js";

describe("deploy script on anvil", () => {
  let p: TestProtocol;
  beforeAll(async () => {
    p = await startTestProtocol();
  }, 120_000);
  afterAll(async () => p?.stop());

  it("mints the configured supply once, to the configured holders", async () => {
    const client = p.wallet(0);
    const token = p.deployment.contracts.MzkuToken;
    const config = JSON.parse(readFileSync(join(contractsDir(), "config", "devnet.json"), "utf8")) as {
      token: { amounts: string[] };
    };
    const configured = config.token.amounts.reduce((sum, a) => sum + BigInt(a), 0n);
    expect(await mzkuToken.totalSupply(client, { address: token })).toBe(configured);
    expect(await mzkuToken.balanceOf(client, { address: token, args: [devAccount(1).address] })).toBe(
      1_000_000n * 10n ** 18n,
    );
  });

  it("decodes events of a transfer and custom errors of a failing one", async () => {
    const client = p.wallet(1);
    const token = p.deployment.contracts.MzkuToken;
    const receipt = await mzkuToken.transfer(client, { address: token, args: [devAccount(2).address, 5n] });
    const [event] = decodeEvents(receipt.logs, p.deployment.contracts);
    expect([event?.contract, event?.eventName]).toEqual(["MzkuToken", "Transfer"]);
    const error = await mzkuToken
      .transfer(client, { address: token, args: [devAccount(2).address, 10n ** 30n] })
      .catch((e: unknown) => e);
    expect(isContractError(error, "ERC20InsufficientBalance")).toBe(true);
  });

  it("a write returns the hash without waiting (send*) or the receipt; gas is the estimate plus the margin", async () => {
    const client = p.wallet(1);
    const token = p.deployment.contracts.MzkuToken;
    const args = [devAccount(3).address, 7n] as const;
    const estimate = await estimateContractGas(client, {
      abi: mzkuTokenAbi,
      address: token,
      functionName: "transfer",
      args,
      account: client.account,
    });
    const hash = await mzkuToken.sendTransfer(client, { address: token, args });
    expect(hash).toMatch(/^0x[0-9a-f]{64}$/);
    const receipt = await waitForWrite(client, { hash });
    expect(receipt.status).toBe("success");
    const sent = await getTransaction(client, { hash });
    expect(GAS_MARGIN_BPS).toBe(2_500n);
    expect(sent.gas, "gas limit = estimate + 25%").toBe(withGasMargin(estimate));
    expect(sent.gas).toBeGreaterThan(receipt.gasUsed);
    expect(withGasMargin(100_000n)).toBe(125_000n);
    expect(withGasMargin(1n)).toBe(2n); // rounded up
  });

  it("a write takes `gas` as given: enough succeeds, too little is mined and reported as reverted", async () => {
    const client = p.wallet(1);
    const token = p.deployment.contracts.MzkuToken;
    const args = [devAccount(3).address, 7n] as const;
    const receipt = await mzkuToken.transfer(client, { address: token, args, gas: 90_000n });
    expect((await getTransaction(client, { hash: receipt.transactionHash })).gas).toBe(90_000n);
    const starved = await mzkuToken.transfer(client, { address: token, args, gas: 25_000n }).catch((e: unknown) => e);
    expect(starved).toBeInstanceOf(MzkuTransactionRevertedError);
    expect((starved as Error).message).toMatch(
      /^transfer transaction 0x[0-9a-f]{64} reverted: out of gas \(used 25000 of limit 25000\)$/,
    );
  });

  it("a mined revert names its reason: another account's transaction in the same block removed its precondition", async () => {
    const owner = p.wallet(1);
    const spender = p.wallet(2);
    const token = p.deployment.contracts.MzkuToken;
    await mzkuToken.approve(owner, { address: token, args: [spender.account.address, 10n] });
    await p.testClient.setAutomine(false);
    let revoke: `0x${string}`;
    let spend: `0x${string}`;
    try {
      // Both are simulated against the mined state, where the allowance is 10; the revocation is sent
      // first, so the block runs it first. (The spend's gas is given: an estimate would see the pending
      // revocation and refuse.)
      revoke = await mzkuToken.sendApprove(owner, { address: token, args: [spender.account.address, 0n] });
      spend = await mzkuToken.sendTransferFrom(spender, {
        address: token,
        args: [owner.account.address, spender.account.address, 10n],
        gas: 100_000n,
      });
      await p.testClient.mine({ blocks: 1 });
    } finally {
      await p.testClient.setAutomine(true);
    }
    const [revoked, spent] = await Promise.all([
      getTransactionReceipt(owner, { hash: revoke }),
      getTransactionReceipt(owner, { hash: spend }),
    ]);
    expect([revoked.blockNumber, revoked.status, spent.status]).toEqual([spent.blockNumber, "success", "reverted"]);
    const reason = `ERC20InsufficientAllowance(${spender.account.address}, 0, 10)`;
    const error = await waitForWrite(spender, { hash: spend, functionName: "transferFrom" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MzkuTransactionRevertedError);
    expect((error as Error).message).toBe(`transferFrom transaction ${spend} reverted: ${reason}`);
    expect((error as MzkuTransactionRevertedError).reason).toMatchObject({
      kind: "error",
      errorName: "ERC20InsufficientAllowance",
    });
    // A node that does not trace: the call is re-simulated on the state after its block.
    const rpc = http(p.anvil.rpcUrl)({ chain: foundry });
    const noTracing = createPublicClient({
      chain: foundry,
      transport: custom({
        request: async (args: { method: string; params?: unknown }) => {
          if (args.method.startsWith("debug_")) throw new Error(`method ${args.method} not available`);
          return rpc.request(args as never);
        },
      }),
    });
    expect(await explainMinedRevert(noTracing, spent)).toMatchObject({ kind: "error", text: reason });
  });
});
