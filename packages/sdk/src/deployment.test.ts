import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mzkuToken } from "./actions/index.js";
import { contractsDir } from "./devnet/foundry.js";
import { isContractError } from "./errors.js";
import { decodeProtocolEvents } from "./events.js";
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
    const [event] = decodeProtocolEvents(receipt.logs);
    expect(event?.eventName).toBe("Transfer");
    const error = await mzkuToken
      .transfer(client, { address: token, args: [devAccount(2).address, 10n ** 30n] })
      .catch((e: unknown) => e);
    expect(isContractError(error, "ERC20InsufficientBalance")).toBe(true);
  });
});
