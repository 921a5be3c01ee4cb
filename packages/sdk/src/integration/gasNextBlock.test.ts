// A write's gas is estimated for the block it will be mined in. Found by the `mzku stake --unstake`
// that reverted once in the CLI's roles test: an unstake right after a delegation, estimated while
// the delegation's block was the newest, moves the delegate's votes in the same second as the
// delegation (OpenZeppelin's Checkpoints overwrite the latest checkpoint), but mined in a later block
// it appends two checkpoints (two new storage slots, ~45,000 gas more than the estimate's 25% margin).
import { getBlock } from "viem/actions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mzkuToken, nodeRegistry, sidecarStaking } from "../actions/index.js";
import { waitForWrite } from "../call.js";
import { bootstrapActions, passProposal, seatInvitedGovernors } from "../devnet/governance.js";
import { qualifyActions, registerProvider } from "../devnet/providers.js";
import { startTestProtocol, type TestProtocol } from "../test/protocol.js";

const E = 10n ** 18n;

describe("gas of a write estimated for the next block", () => {
  let p: TestProtocol;
  beforeAll(async () => {
    p = await startTestProtocol();
  }, 120_000);
  afterAll(async () => p?.stop());

  it("an unstake sent in the block time of its delegation is mined with enough gas", async () => {
    const c = p.deployment.contracts;
    const founders = [p.wallet(1), p.wallet(2), p.wallet(3)];
    const [provider, staker] = [p.wallet(4), p.wallet(5)];
    await seatInvitedGovernors(p.deployment, founders);
    const providerId = await registerProvider(p.deployment, provider, { brandName: "Acme Nodes" });
    await passProposal(
      p.deployment,
      founders,
      p.testClient,
      [...bootstrapActions(p.deployment), ...qualifyActions(p.deployment, [providerId])],
      "observers, qualify Acme",
    );
    const sidecar = p.wallet(6).account.address;
    await nodeRegistry.registerNode(provider, {
      address: c.NodeRegistry,
      args: [sidecar, { cpuCores: 4, ramGb: 16, storageGb: 2000, bandwidthMbps: 25 }],
    });
    await mzkuToken.approve(staker, { address: c.MzkuToken, args: [c.SidecarStaking, 1000n * E] });
    await sidecarStaking.stake(staker, { address: c.SidecarStaking, args: [sidecar, 1000n * E] });
    // The delegation's block is ahead of anvil's clock (as a devnet's blocks often are under load), so
    // the estimate runs at its timestamp, as a node estimating on its newest block does; the unstake
    // is mined 12 s later.
    const latest = await getBlock(staker);
    await p.testClient.setNextBlockTimestamp({ timestamp: latest.timestamp + 100n });
    const delegated = await sidecarStaking.delegate(staker, {
      address: c.SidecarStaking,
      args: [founders[0]?.account.address ?? "0x"],
    });
    const delegatedAt = (await getBlock(staker, { blockNumber: delegated.blockNumber })).timestamp;
    await p.testClient.setAutomine(false);
    let hash: `0x${string}`;
    try {
      hash = await sidecarStaking.sendUnstake(staker, { address: c.SidecarStaking, args: [sidecar, 400n * E] });
      await p.testClient.setNextBlockTimestamp({ timestamp: delegatedAt + 12n });
      await p.testClient.mine({ blocks: 1 });
    } finally {
      await p.testClient.setAutomine(true);
    }
    const receipt = await waitForWrite(staker, { hash, functionName: "unstake" });
    expect(receipt.blockNumber).toBe(delegated.blockNumber + 1n);
    expect(
      await sidecarStaking.stakeOf(staker, { address: c.SidecarStaking, args: [sidecar, staker.account.address] }),
    ).toBe(600n * E);
  });
});
