// The investor, staker and governor roles in headless Chromium against anvil + indexer + API:
// stake ETH in a micro-pool (the MZKU fee shown before signing), hold and send aETH; stake MZKU to a
// sidecar, earn Reward Pool rewards, claim them; propose, vote and execute a governance proposal;
// run for governor, delegate sidecar votes to the candidate, run the election that seats it; a pool
// filled to 32 ETH and activated with a threshold key earns rewards that an investor claims.
import {
  governance,
  microPool,
  microPoolAbi,
  microPoolFactory,
  mzkuToken,
  pricingPolicy,
  providerRegistry,
  reputation,
  rewardPool,
  StakeObserverStakeClass,
  sidecarStaking,
} from "@mzku/sdk";
import { activateWithThresholdKey, advanceTime, devAccount } from "@mzku/sdk/devnet";
import type { Locator } from "playwright-core";
import { type Address, formatEther, type Hash } from "viem";
import { describe, expect, it } from "vitest";
import { formatAmount } from "../src/units.js";
import { chooseAccount, confirmed, E, openMicroPool, startSidecarNode, startStack } from "./harness.js";

let pool: Address;
let sidecar: Address;

const stack = startStack(async (devnet) => {
  pool = await openMicroPool(devnet);
  sidecar = await startSidecarNode(devnet, 15);
});

const address = (i: number) => stack.devnet.wallet(i).account.address;
const reader = () => stack.devnet.wallet(0);

describe("invest: micro-pool stake, aETH, transfer", () => {
  it("shows the fee before signing, stakes 4 ETH and holds 4 aETH", async () => {
    await stack.page.goto(`${stack.site.url}#/invest`);
    await chooseAccount(stack.page, 5, address(5));
    const card = stack.page.locator('li[data-pool="1"]');
    await card.getByLabel("ETH to stake in pool #1").fill("4");
    const fp = await microPool.fixedPrice(reader(), { address: pool });
    const fee = (4n * E * fp + 32n * E - 1n) / (32n * E);
    const feeText = await card.getByTestId("fee-1").textContent();
    expect(feeText).toContain(`Fee: ${formatAmount(fee)} MZKU`);
    const mzkuBefore = await mzkuToken.balanceOf(reader(), {
      address: stack.devnet.deployment.contracts.MzkuToken,
      args: [address(5)],
    });
    await card.getByRole("button", { name: "Stake" }).click();
    await confirmed(stack.page, /Stake 4 ETH in pool #1/);
    expect(await microPool.balanceOf(reader(), { address: pool, args: [address(5)] })).toBe(4n * E);
    const mzkuAfter = await mzkuToken.balanceOf(reader(), {
      address: stack.devnet.deployment.contracts.MzkuToken,
      args: [address(5)],
    });
    expect(mzkuBefore - mzkuAfter).toBe(fee);
    await expect.poll(() => card.getByTestId("mine-1").textContent(), { timeout: 30_000 }).toContain("You hold 4 aETH");
    await expect.poll(() => card.locator(".fill-text").textContent(), { timeout: 30_000 }).toContain("4 of 32 ETH");
  });

  it("sends 1 aETH to another account", async () => {
    const card = stack.page.locator('li[data-pool="1"]');
    await card.getByLabel("Send aETH of pool #1 to").fill(address(6));
    await card.getByLabel("aETH to send").fill("1");
    await card.getByRole("button", { name: "Send aETH" }).click();
    await confirmed(stack.page, /Send 1 aETH of pool #1/);
    expect(await microPool.balanceOf(reader(), { address: pool, args: [address(6)] })).toBe(1n * E);
    await expect.poll(() => card.getByTestId("mine-1").textContent(), { timeout: 30_000 }).toContain("You hold 3 aETH");
  });

  it("a bad amount is refused in plain words before anything is signed", async () => {
    const card = stack.page.locator('li[data-pool="1"]');
    await card.getByLabel("ETH to stake in pool #1").fill("4.5.1");
    await card.getByRole("button", { name: "Stake" }).click();
    expect(await card.getByRole("alert").textContent()).toContain("is not an amount");
  });
});

describe("invest: withdraw before activation; a provider opens a pool", () => {
  it("withdraws 1 aETH while the pool is open: the fee's share in MZKU comes back", async () => {
    await chooseAccount(stack.page, 6, address(6));
    const card = stack.page.locator('li[data-pool="1"]');
    const c = stack.devnet.deployment.contracts;
    const fp = await microPool.fixedPrice(reader(), { address: pool });
    const before = await mzkuToken.balanceOf(reader(), { address: c.MzkuToken, args: [address(6)] });
    await card.getByLabel("aETH to withdraw from pool #1").fill("1", { timeout: 30_000 });
    await card.getByRole("button", { name: "Withdraw before activation" }).click();
    await confirmed(stack.page, /Withdraw 1 aETH from pool #1/);
    expect(await microPool.balanceOf(reader(), { address: pool, args: [address(6)] })).toBe(0n);
    const after = await mzkuToken.balanceOf(reader(), { address: c.MzkuToken, args: [address(6)] });
    expect(after - before).toBe((E * fp) / (32n * E));
  });

  it("a provider opens a micro-pool with its ETH; the list shows it", async () => {
    const c = stack.devnet.deployment.contracts;
    await chooseAccount(stack.page, 10, address(10));
    const count = await microPoolFactory.poolCount(reader(), { address: c.MicroPoolFactory });
    // The provider's share k (untrusted providers put in more): the page refuses less, in words.
    const id = await providerRegistry.providerIdOf(reader(), { address: c.ProviderRegistry, args: [address(10)] });
    const k = await providerRegistry.ethShareOf(reader(), { address: c.ProviderRegistry, args: [id] });
    const panel = stack.page.locator('section[aria-labelledby="open-pool-title"]');
    if (k > 0n) {
      await stack.page.getByLabel("Your ETH in the pool").fill(formatEther(k - 1n), { timeout: 30_000 });
      await stack.page.getByRole("button", { name: "Open the pool" }).click();
      expect(await panel.getByRole("alert").textContent()).toContain("at least your share k");
    }
    const value = k > 2n * E ? k : 2n * E;
    await stack.page.getByLabel("Your ETH in the pool").fill(formatEther(value), { timeout: 30_000 });
    await stack.page.getByRole("button", { name: "Open the pool" }).click();
    const failed = panel.getByRole("alert");
    await expect
      .poll(async () => ((await failed.count()) ? await failed.textContent() : ""), { timeout: 5_000 })
      .toBe("");
    await confirmed(stack.page, new RegExp(`Open a micro-pool with ${formatAmount(value)} ETH, running 365 days`));
    expect(await microPoolFactory.poolCount(reader(), { address: c.MicroPoolFactory })).toBe(count + 1n);
    const card = stack.page.locator(`li[data-pool="${count + 1n}"]`);
    await expect.poll(() => card.textContent(), { timeout: 30_000 }).toContain("provider #2");
  });
});

describe("invest: a full pool awaits activation; an active pool's rewards → claim", () => {
  /** The pool's stage as the read API has it, once it has indexed the chain's head. */
  const stageOf = async (poolId: number) => {
    const res = await fetch(`${stack.indexer.apiUrl}/micro-pools?limit=50`);
    const body = (await res.json()) as { items: { poolId: number; stage: string }[] };
    return body.items.find((p) => p.poolId === poolId)?.stage;
  };
  /** Leaves the page (its pool cards unmounted) and opens it again: it reads the read API afresh. */
  const reopen = async () => {
    await stack.page.goto(`${stack.site.url}#/`);
    await stack.page.locator("li[data-pool]").first().waitFor({ state: "detached", timeout: 30_000 });
    await stack.page.goto(`${stack.site.url}#/invest`);
  };

  it("a pool filled to 32 ETH shows awaiting activation; after the operator's DKG and deposit, activated with its key", async () => {
    const c = stack.devnet.deployment.contracts;
    // Account 4 stakes the room left: the pool holds 32 ETH and waits for its operator.
    const room =
      32n * E -
      (await microPool.providerEth(reader(), { address: pool })) -
      (await microPool.totalSupply(reader(), { address: pool }));
    const fp = await microPool.fixedPrice(reader(), { address: pool });
    await mzkuToken.approve(stack.devnet.wallet(4), { address: c.MzkuToken, args: [pool, fp] });
    await microPool.stake(stack.devnet.wallet(4), { address: pool, value: room });
    await expect.poll(() => stageOf(1), { timeout: 30_000 }).toBe("awaiting_activation");
    await reopen();
    const card = stack.page.locator('li[data-pool="1"]');
    const activation = card.getByTestId("activation-1");
    await expect.poll(() => card.locator("h3").textContent(), { timeout: 30_000 }).toContain("awaiting activation");
    expect(await activation.textContent()).toContain(
      "Awaiting activation: the pool holds 32 ETH; its operator (provider #1) runs the threshold-key DKG and makes the deposit. No validator key registered yet.",
    );
    expect(await card.locator(".fill-text").textContent()).toContain("32 of 32 ETH");

    // The operator (Provider 1) does what `mzku pool activate` does: a 2-of-3 DKG key, approved by
    // the devnet co-signer (dev account 18), registered as deposit data, then the 32 ETH deposit.
    const { deposit, receipt } = await activateWithThresholdKey(
      stack.devnet.wallet(9),
      stack.devnet.deployment,
      pool,
      devAccount(18),
    );
    expect(await reader().getBalance({ address: c.DepositContract })).toBe(32n * E);
    await expect.poll(() => stageOf(1), { timeout: 30_000 }).toBe("active");
    await reopen();
    await expect.poll(() => card.locator("h3").textContent(), { timeout: 30_000 }).toContain("activated");
    expect(await card.getByTestId("pubkey-1").textContent()).toBe(deposit.pubkey.toLowerCase());
    const text = await activation.textContent();
    expect(text).toContain(`Activated: validator key ${deposit.pubkey.toLowerCase()}`);
    expect(text).toContain(`32 ETH deposited to the deposit contract in block ${receipt.blockNumber}`);
    expect(text).toContain(`transaction ${receipt.transactionHash.slice(0, 10)}`);
    // The stakers' MZKU fees left the pool at activation: the page says where, to the wei.
    const [activated] = await reader().getContractEvents({
      address: pool,
      abi: microPoolAbi,
      eventName: "Activated",
      fromBlock: receipt.blockNumber,
      toBlock: receipt.blockNumber,
    });
    expect(text).toContain(
      `MZKU fees forwarded: ${formatAmount(activated?.args.mzkuToRewardPool ?? -1n)} to the Reward Pool, ${formatAmount(activated?.args.mzkuToProvider ?? -1n)} to the operator`,
    );
    // Stakers cannot withdraw from an active pool: the page no longer offers it.
    expect(await card.getByRole("button", { name: "Withdraw before activation" }).count()).toBe(0);
  });

  it("the active pool earns rewards; the investor claims its pending ETH in the page", async () => {
    // Rewards as the beacon chain pays them: the pool's balance grows (no code runs); `distribute`
    // releases at most MAX_REWARD_PER_SECOND per second, so the clock moves until all of it may go.
    const reward = (32n * E) / 1000n;
    await stack.devnet.testClient.setBalance({
      address: pool,
      value: (await reader().getBalance({ address: pool })) + reward,
    });
    const rate = await microPool.MAX_REWARD_PER_SECOND(reader(), { address: pool });
    await advanceTime(stack.devnet.testClient, reader(), reward / rate + 1n);
    await microPool.distribute(reader(), { address: pool });
    const pending = await microPool.claimableOf(reader(), { address: pool, args: [address(5)] });
    // Account 5 holds 3 of 32 aETH: 3/32 of the 80% the holders get.
    expect(pending).toBe((reward * 8n * 3n) / (10n * 32n));

    // The page lists pools from the read API: open it once the indexer has seen the distribution.
    const indexed = async () => {
      const res = await fetch(`${stack.indexer.apiUrl}/micro-pools?limit=50`);
      const body = (await res.json()) as { items: { poolId: number; status: string; rewardsDistributed: string }[] };
      const listed = body.items.find((p) => p.poolId === 1);
      return `${listed?.status} ${listed?.rewardsDistributed}`;
    };
    await expect.poll(indexed, { timeout: 30_000 }).toBe(`active ${reward}`);
    await stack.page.goto(`${stack.site.url}#/`);
    await stack.page.goto(`${stack.site.url}#/invest`);
    await chooseAccount(stack.page, 5, address(5));
    const card = stack.page.locator('li[data-pool="1"]');
    await expect.poll(() => card.locator("h3").textContent(), { timeout: 30_000 }).toContain("activated");
    await expect
      .poll(() => card.getByTestId("mine-1").textContent(), { timeout: 30_000 })
      .toContain(`claimable rewards ${formatAmount(pending)} ETH`);
    const before = await reader().getBalance({ address: address(5) });
    await card.getByRole("button", { name: "Claim rewards" }).click();
    const what = new RegExp(`Claim ${formatAmount(pending)} ETH of rewards from pool #1`);
    await confirmed(stack.page, what);
    const hash = (await stack.page
      .locator(".txlog li", { hasText: what })
      .first()
      .locator(".tx-hash")
      .getAttribute("title")) as Hash;
    const receipt = await reader().getTransactionReceipt({ hash });
    expect(receipt.from.toLowerCase()).toBe(address(5).toLowerCase());
    const after = await reader().getBalance({ address: address(5) });
    expect(after - before + receipt.gasUsed * receipt.effectiveGasPrice).toBe(pending);
    expect(await microPool.claimableOf(reader(), { address: pool, args: [address(5)] })).toBe(0n);
    await expect
      .poll(() => card.getByTestId("mine-1").textContent(), { timeout: 30_000 })
      .toContain("claimable rewards 0 ETH");
  });
});

describe("stake MZKU to a sidecar → rewards → claim", () => {
  it("stakes 100 MZKU to the sidecar", async () => {
    await stack.page.goto(`${stack.site.url}#/govern`);
    await chooseAccount(stack.page, 13, address(13));
    const row = stack.page.locator(`li[data-sidecar="${sidecar.toLowerCase()}"]`);
    await row.getByLabel(/MZKU for sidecar/).fill("100");
    await row.getByRole("button", { name: "Stake MZKU" }).click();
    await confirmed(stack.page, /Stake 100 MZKU to sidecar/);
    await expect
      .poll(() => row.getByTestId("my-sidecar").textContent(), { timeout: 30_000 })
      .toContain("Your stake 100 MZKU");
  });

  it("earns from a Reward Pool deposit streamed over the next period, and claims it", async () => {
    const c = stack.devnet.deployment.contracts;
    await mzkuToken.approve(reader(), { address: c.MzkuToken, args: [c.RewardPool, 1_000n * E] });
    await rewardPool.depositMzku(reader(), { address: c.RewardPool, args: [1_000n * E] });
    await advanceTime(stack.devnet.testClient, reader(), 15n * 86_400n); // the deposit's period ends; the next one streams it
    const [claimable] = await rewardPool.claimable(reader(), {
      address: c.RewardPool,
      args: [StakeObserverStakeClass.Sidecar, address(13), sidecar],
    });
    expect(claimable).toBeGreaterThan(0n);
    await stack.page.goto(`${stack.site.url}#/`);
    await stack.page.goto(`${stack.site.url}#/govern`);
    const row = stack.page.locator(`li[data-sidecar="${sidecar.toLowerCase()}"]`);
    await expect
      .poll(() => row.getByTestId("my-sidecar").textContent(), { timeout: 30_000 })
      .not.toContain("claimable now 0 MZKU");
    // The indexer's view: this sidecar holds all sidecar stake, so it expects the whole class stream.
    expect(await row.getByTestId("expected-rewards").textContent()).toMatch(/^[\d,.]+ MZKU a year/);
    const before = await mzkuToken.balanceOf(reader(), { address: c.MzkuToken, args: [address(13)] });
    await row.getByRole("button", { name: "Claim rewards" }).click();
    await confirmed(stack.page, /Claim .* MZKU of rewards from sidecar/);
    const after = await mzkuToken.balanceOf(reader(), { address: c.MzkuToken, args: [address(13)] });
    expect(after - before).toBeGreaterThanOrEqual(claimable);
  });
});

describe("other Reward Pool positions", () => {
  it("a provider claims what its collateral earned from the same deposit", async () => {
    const c = stack.devnet.deployment.contracts;
    await chooseAccount(stack.page, 9, address(9));
    const line = stack.page.getByTestId(`rewards-${StakeObserverStakeClass.Provider}`);
    await expect.poll(() => line.textContent(), { timeout: 30_000 }).toMatch(/^Provider collateral: [\d,.]+ MZKU/);
    const [claimable] = await rewardPool.claimable(reader(), {
      address: c.RewardPool,
      args: [StakeObserverStakeClass.Provider, address(9), "0x0000000000000000000000000000000000000000"],
    });
    expect(claimable).toBeGreaterThan(0n);
    const before = await mzkuToken.balanceOf(reader(), { address: c.MzkuToken, args: [address(9)] });
    await line.getByRole("button", { name: "Claim" }).click();
    await confirmed(stack.page, /Claim .* MZKU of provider collateral rewards/);
    const after = await mzkuToken.balanceOf(reader(), { address: c.MzkuToken, args: [address(9)] });
    expect(after - before).toBeGreaterThanOrEqual(claimable);
  });
});

describe("propose → vote → execute", () => {
  let proposalId = 0;

  it("a governor proposes a price for project type 1", async () => {
    await stack.page.goto(`${stack.site.url}#/govern`);
    await chooseAccount(stack.page, 1, address(1));
    await stack.page.getByLabel("Act", { exact: true }).selectOption("price");
    await stack.page.getByLabel("Project type", { exact: true }).fill("1");
    await stack.page.getByLabel("Price per day (MZKU)").fill("50");
    await stack.page.getByRole("button", { name: "Propose" }).click();
    await confirmed(stack.page, /Propose: Project type 1: 50 MZKU a day/);
    const row = stack.page.locator("tr", { hasText: "Project type 1: 50 MZKU a day" });
    await row.waitFor({ timeout: 30_000 });
    proposalId = Number(await row.getAttribute("data-proposal"));
    expect(proposalId).toBeGreaterThan(0);
  });

  /** Governors 1-3 vote for the proposal in the stack.page; the stack.devnet clock passes the delay; account 7 executes. */
  async function voteAndExecute(id: number): Promise<void> {
    for (const g of [1, 2, 3]) {
      await chooseAccount(stack.page, g, address(g));
      const row = stack.page.locator(`tr[data-proposal="${id}"]`);
      await row.getByRole("button", { name: "For" }).click({ timeout: 30_000 });
      await confirmed(stack.page, new RegExp(`Vote for on proposal #${id}`));
      await expect.poll(() => row.textContent(), { timeout: 30_000 }).toContain("You voted.");
    }
    await expect
      .poll(() => stack.page.locator(`tr[data-proposal="${id}"]`).textContent(), { timeout: 30_000 })
      .toContain("3 for");
    // Devnet mode: the page moves anvil's clock past the voting period and the execution delay.
    await stack.page
      .locator(`tr[data-proposal="${id}"]`)
      .getByRole("button", { name: "Devnet: move the clock past the vote and the delay" })
      .click();
    await expect
      .poll(() => stack.page.getByTestId(`state-${id}`).textContent(), { timeout: 30_000 })
      .toBe("Executable");
    await chooseAccount(stack.page, 7, address(7));
    await stack.page.goto(`${stack.site.url}#/`);
    await stack.page.goto(`${stack.site.url}#/govern`);
    const row = stack.page.locator(`tr[data-proposal="${id}"]`);
    await row.getByRole("button", { name: "Execute" }).click({ timeout: 30_000 });
    await confirmed(stack.page, new RegExp(`Execute proposal #${id}`));
    await expect.poll(() => stack.page.getByTestId(`state-${id}`).textContent(), { timeout: 30_000 }).toBe("Executed");
  }

  it("three governors vote for it; after the timelock anyone executes it", async () => {
    await voteAndExecute(proposalId);
    const prices = await pricingPolicy.unitPricesOf(reader(), {
      address: stack.devnet.deployment.contracts.PricingPolicy,
      args: [1],
    });
    expect(prices.basePerDay).toBe(50n * E);
  });

  it("any governance call from the sdk's typed builders: Reputation.setStakeTarget, voted and executed", async () => {
    await chooseAccount(stack.page, 2, address(2));
    await stack.page.getByLabel("Act", { exact: true }).selectOption("call");
    await stack.page.getByLabel("Call", { exact: true }).selectOption("Reputation.setStakeTarget");
    const field = stack.page.getByLabel("target (uint256)");
    await field.fill("12e3");
    await stack.page.getByRole("button", { name: "Propose" }).click();
    const panel = stack.page.locator('section[aria-labelledby="propose-title"]');
    expect(await panel.getByRole("alert").textContent()).toContain("target: not a whole number");
    const target = 12_345n * E;
    await field.fill(target.toString());
    await stack.page.getByRole("button", { name: "Propose" }).click();
    await confirmed(stack.page, /Propose: Reputation\.setStakeTarget\(12345000000000000000000\)/);
    const row = stack.page.locator("tr", { hasText: "Reputation.setStakeTarget(12345000000000000000000)" });
    await row.waitFor({ timeout: 30_000 });
    await voteAndExecute(Number(await row.getAttribute("data-proposal")));
    expect(await reputation.stakeTarget(reader(), { address: stack.devnet.deployment.contracts.Reputation })).toBe(
      target,
    );
  });
});

describe("run for governor → delegate sidecar votes → election", () => {
  const g = () => ({ address: stack.devnet.deployment.contracts.Governance });
  const status = () => stack.page.getByTestId("election-status");

  it("an account applies as a candidate from the Transition phase", async () => {
    await stack.page.goto(`${stack.site.url}#/`);
    await stack.page.goto(`${stack.site.url}#/govern`);
    await chooseAccount(stack.page, 16, address(16));
    await status().waitFor({ timeout: 30_000 });
    if ((await status().textContent())?.includes("Initialization")) {
      await stack.page.getByRole("button", { name: "Devnet: move the clock to the Transition phase" }).click();
    }
    await expect.poll(() => status().textContent(), { timeout: 30_000 }).not.toContain("Initialization");
    const min = await governance.minGovernorStake(reader(), g());
    await stack.page.getByLabel("Stake to lock (MZKU)").fill("1");
    await stack.page.getByRole("button", { name: "Run for governor" }).click();
    const panel = stack.page.locator('section[aria-labelledby="elections-title"]');
    expect(await panel.getByRole("alert").textContent()).toContain(
      `a candidate locks at least ${formatAmount(min)} MZKU`,
    );
    await stack.page.getByLabel("Stake to lock (MZKU)").fill((min / E).toString());
    await stack.page.getByRole("button", { name: "Run for governor" }).click();
    await confirmed(stack.page, /Run for governor, locking/);
    expect(await governance.isCandidate(reader(), { ...g(), args: [address(16)] })).toBe(true);
    await expect
      .poll(() => stack.page.getByTestId("my-candidacy").textContent(), { timeout: 30_000 })
      .toContain("You are a candidate");
    await expect.poll(() => status().textContent(), { timeout: 30_000 }).toContain("1 candidate");
    // A candidate adds to its stake: its own votes in the election grow.
    const stake = stack.page.getByTestId("my-gov-stake");
    await expect
      .poll(() => stake.textContent(), { timeout: 30_000 })
      .toContain(`Locked: ${formatAmount(min)} MZKU (candidate)`);
    await stack.page.getByLabel("MZKU to add").fill("500");
    await stack.page.getByRole("button", { name: "Add stake" }).click();
    await confirmed(stack.page, /Add 500 MZKU to your governor stake/);
    expect(await governance.lockedStake(reader(), { ...g(), args: [address(16)] })).toBe(min + 500n * E);
    await expect
      .poll(() => stake.textContent(), { timeout: 30_000 })
      .toContain(`Locked: ${formatAmount(min + 500n * E)} MZKU (candidate)`);
    // The read API's governors table follows once it has indexed the block.
    const row = stack.page.locator(`tr[data-governor="${address(16).toLowerCase()}"]`);
    await expect
      .poll(() => row.textContent(), { timeout: 30_000 })
      .toContain(`candidate${formatAmount(min + 500n * E)} MZKU`);
  });

  it("a sidecar staker delegates its votes to the candidate", async () => {
    await chooseAccount(stack.page, 13, address(13));
    await expect
      .poll(() => stack.page.getByTestId("my-delegation").textContent(), { timeout: 30_000 })
      .toContain("not delegated");
    await stack.page.getByLabel("Delegate to").selectOption(address(16));
    await stack.page.getByRole("button", { name: "Delegate votes" }).click();
    await confirmed(stack.page, /Delegate the election votes of your sidecar stake/);
    const sc = { address: stack.devnet.deployment.contracts.SidecarStaking };
    expect(await sidecarStaking.delegateOf(reader(), { ...sc, args: [address(13)] })).toBe(address(16));
    expect(await sidecarStaking.delegatedVotes(reader(), { ...sc, args: [address(16)] })).toBe(100n * E);
    await expect
      .poll(() => stack.page.getByTestId("my-delegation").textContent(), { timeout: 30_000 })
      .toContain(`delegated to ${address(16).slice(0, 6)}`);
  });

  it("anyone runs the due elections from the stack.page; the candidate takes a seat", async () => {
    const runs = stack.page.locator(".txlog li", { hasText: "Run the due election" });
    // An election due before the candidacy counts the votes of its due time (without it): run it first.
    for (let i = 0; i < 3 && !(await governance.isGovernor(reader(), { ...g(), args: [address(16)] })); i++) {
      if (!(await status().textContent())?.includes("is due")) {
        await stack.page.getByRole("button", { name: "Devnet: move the clock past the next election" }).click();
        await expect.poll(() => status().textContent(), { timeout: 30_000 }).toContain("is due");
      }
      const before = await runs.count();
      await stack.page.getByRole("button", { name: "Run the election" }).click();
      await expect.poll(() => runs.count(), { timeout: 30_000 }).toBe(before + 1);
      await confirmed(stack.page, /Run the due election/);
      await expect.poll(() => status().textContent(), { timeout: 30_000 }).not.toContain("is due");
    }
    expect(await governance.isGovernor(reader(), { ...g(), args: [address(16)] })).toBe(true);
    await chooseAccount(stack.page, 16, address(16));
    await expect
      .poll(() => stack.page.getByTestId("my-candidacy").textContent(), { timeout: 30_000 })
      .toBe("You hold a seat.");
    // The read API's view: the election and the new governor's seat.
    const seat = stack.page.locator("tr", { hasText: address(16).slice(0, 6) });
    await expect.poll(() => seat.textContent(), { timeout: 30_000 }).toContain("seated");
    await expect.poll(() => stack.page.textContent("main"), { timeout: 30_000 }).toMatch(/Last election #\d+ elected/);
  });
});

describe("a governor's own stake: resign, request it back, withdraw after the delay", () => {
  const g = () => ({ address: stack.devnet.deployment.contracts.Governance });
  const panel = () => stack.page.locator('section[aria-labelledby="elections-title"]');
  const stake = () => stack.page.getByTestId("my-gov-stake");
  const row = () => stack.page.locator(`tr[data-governor="${address(16).toLowerCase()}"]`);
  /** Clicks `button`, waits for the new transaction matching `what` to end; its state and error text. */
  const outcome = async (button: Locator, what: RegExp) => {
    const entries = stack.page.locator(".txlog li", { hasText: what });
    const before = await entries.count();
    await button.click();
    await expect.poll(() => entries.count(), { timeout: 30_000 }).toBe(before + 1);
    const entry = entries.first();
    await expect.poll(() => entry.getAttribute("data-state"), { timeout: 60_000 }).toMatch(/^(confirmed|failed)$/);
    const error = entry.locator(".tx-error");
    return {
      state: await entry.getAttribute("data-state"),
      error: (await error.count()) ? ((await error.textContent()) ?? "") : "",
    };
  };

  it("the seated governor resigns: its seat is gone on chain and in the page, its stake stays locked", async () => {
    const locked = await governance.lockedStake(reader(), { ...g(), args: [address(16)] });
    expect(await stake().textContent()).toContain(`Locked: ${formatAmount(locked)} MZKU (seated)`);
    // Seated: no withdrawal is offered before resigning.
    expect(await panel().getByRole("button", { name: "Request withdrawal" }).count()).toBe(0);
    await stack.page.getByRole("button", { name: "Resign" }).click();
    await confirmed(stack.page, /Resign your seat/);
    expect(await governance.isGovernor(reader(), { ...g(), args: [address(16)] })).toBe(false);
    await expect
      .poll(() => stake().textContent(), { timeout: 30_000 })
      .toContain(`Locked: ${formatAmount(locked)} MZKU (no seat, not a candidate)`);
    await expect.poll(() => row().textContent(), { timeout: 30_000 }).not.toContain("seated");
  });

  it("asking back more than it locks shows the contract's error and changes nothing", async () => {
    const locked = await governance.lockedStake(reader(), { ...g(), args: [address(16)] });
    await stack.page.getByLabel("MZKU to withdraw").fill(formatEther(locked + 1n));
    const { state, error } = await outcome(
      stack.page.getByRole("button", { name: "Request withdrawal" }),
      /Request .* MZKU of your governor stake back/,
    );
    expect(state).toBe("failed");
    expect(error).toContain("You asked for more MZKU than your governor stake locks.");
    expect(error).toContain(`GovernanceInsufficientStake: ${address(16)}, ${locked}, ${locked + 1n}`);
    expect(await governance.lockedStake(reader(), { ...g(), args: [address(16)] })).toBe(locked);
    expect((await governance.exitOf(reader(), { ...g(), args: [address(16)] })).pending).toBe(0n);
  });

  it("requests all of it back; withdrawing before the delay is refused by the contract; after it, the MZKU comes home", async () => {
    const c = stack.devnet.deployment.contracts;
    const locked = await governance.lockedStake(reader(), { ...g(), args: [address(16)] });
    await stack.page.getByLabel("MZKU to withdraw").fill(formatEther(locked));
    const requested = await outcome(
      stack.page.getByRole("button", { name: "Request withdrawal" }),
      new RegExp(`Request ${formatAmount(locked)} MZKU of your governor stake back`),
    );
    expect(requested).toEqual({ state: "confirmed", error: "" });
    const exit = await governance.exitOf(reader(), { ...g(), args: [address(16)] });
    expect(exit.pending).toBe(locked);
    expect(await governance.lockedStake(reader(), { ...g(), args: [address(16)] })).toBe(0n);
    await expect
      .poll(() => stake().textContent(), { timeout: 30_000 })
      .toContain(`Pending withdrawal: ${formatAmount(locked)} MZKU, ready at`);
    await expect.poll(() => row().textContent(), { timeout: 30_000 }).toContain(`0 MZKU${formatAmount(locked)} MZKU`);

    // Too early: the contract refuses, the page says so with the time it opens; nothing moves.
    const balance = () => mzkuToken.balanceOf(reader(), { address: c.MzkuToken, args: [address(16)] });
    const before = await balance();
    const early = await outcome(
      panel().getByRole("button", { name: "Withdraw", exact: true }),
      /Withdraw .* MZKU of governor stake/,
    );
    expect(early.state).toBe("failed");
    const error = early.error;
    expect(error).toContain("The withdrawal is not ready yet");
    expect(error).toContain(`GovernanceWithdrawalLocked: ${address(16)}, ${exit.withdrawableAt}`);
    expect(await balance()).toBe(before);
    expect((await governance.exitOf(reader(), { ...g(), args: [address(16)] })).pending).toBe(locked);

    // The devnet clock moves to the ready time from the page; the withdrawal goes through.
    await stack.page.getByRole("button", { name: "Devnet: move the clock to the withdrawal's ready time" }).click();
    await expect.poll(() => stake().textContent(), { timeout: 30_000 }).toContain("ready now");
    const late = await outcome(
      panel().getByRole("button", { name: "Withdraw", exact: true }),
      new RegExp(`Withdraw ${formatAmount(locked)} MZKU of governor stake`),
    );
    expect(late).toEqual({ state: "confirmed", error: "" });
    expect(await balance()).toBe(before + locked);
    expect((await governance.exitOf(reader(), { ...g(), args: [address(16)] })).pending).toBe(0n);
    // Nothing locked or pending any more: the stake section is gone; the read API agrees.
    await expect.poll(() => stake().count(), { timeout: 30_000 }).toBe(0);
    await expect.poll(() => row().textContent(), { timeout: 30_000 }).toContain("—0 MZKU0 MZKU");
  });
});
