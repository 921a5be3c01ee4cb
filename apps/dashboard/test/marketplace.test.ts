// The marketplace in headless Chromium against a devnet, the indexer and the read API.
import { mzkuToken, projectMarket } from "@mzku/sdk";
import { describe, expect, it } from "vitest";
import { chooseAccount, confirmed, devnetConfig, E, serveDashboard, startStack } from "./harness.js";

const stack = startStack();

describe("marketplace", () => {
  it("lists the qualified providers from the read API and sorts them", async () => {
    await stack.page.goto(stack.site.url);
    const table = stack.page.getByRole("table");
    await expect.poll(() => table.locator("tbody tr").count(), { timeout: 30_000 }).toBe(3);
    const names = await table.locator("tbody th").allTextContents();
    expect([...names].sort()).toEqual(["Provider 1", "Provider 2", "Provider 3"]);
    const p1 = table.locator("tbody tr", { has: stack.page.getByRole("link", { name: "Provider 1" }) });
    expect(await p1.locator('td[data-label="Trust tier"]').textContent()).toBe("trusted");
    expect(await p1.locator('td[data-label="Free capacity"]').textContent()).toContain("16/16 cores");
    // Expected return for one validator over 30 days, from the read API's expected-return view.
    await expect.poll(() => table.locator("caption").textContent()).toContain("computed by the read API");
    expect(await p1.locator('td[data-label="Expected return"]').textContent()).toMatch(/^[\d,.]+ MZKU$/);
    // Sorting by price cap toggles the column's order, announced with aria-sort.
    await stack.page.getByRole("button", { name: /Price cap/ }).click();
    expect(await stack.page.locator('th[aria-sort="descending"]').textContent()).toContain("Price cap");
  });

  it("opens a provider's stack.page with its facts and charts", async () => {
    await stack.page.getByRole("link", { name: "Provider 1" }).click();
    await expect.poll(() => stack.page.getByRole("heading", { level: 1 }).textContent()).toBe("Provider 1");
    expect(await stack.page.locator(".facts").textContent()).toContain("trusted");
    expect(await stack.page.getByRole("img", { name: /Score over time/ }).count()).toBe(1);
  });

  it("signs with a stack.browser wallet (an injected EIP-1193 provider) as well as with stack.devnet accounts", async () => {
    // A minimal injected wallet: it forwards every request to anvil, whose dev accounts are unlocked,
    // and answers eth_requestAccounts with dev account 11 (a provider) — as a wallet extension would.
    const wallet = await stack.browser.newPage();
    const account = stack.devnet.wallet(11).account.address;
    await wallet.addInitScript(
      ({ rpcUrl, account }) => {
        let id = 0;
        (globalThis as unknown as { ethereum: unknown }).ethereum = {
          request: async ({ method, params }: { method: string; params?: unknown[] }) => {
            if (method === "eth_requestAccounts" || method === "eth_accounts") return [account];
            const res = await fetch(rpcUrl, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params: params ?? [] }),
            });
            const body = (await res.json()) as {
              result?: unknown;
              error?: { code: number; message: string; data?: unknown };
            };
            if (body.error) throw Object.assign(new Error(body.error.message), body.error);
            return body.result;
          },
          on: () => {},
          removeListener: () => {},
        };
      },
      { rpcUrl: stack.devnet.anvil.rpcUrl, account },
    );
    await wallet.goto(`${stack.site.url}#/provide`);
    await wallet.getByLabel("Account", { exact: true }).selectOption("wallet");
    await wallet
      .getByTestId("account")
      .filter({ hasText: account.slice(0, 8) })
      .waitFor();
    await wallet.getByLabel("Bond to add (MZKU)").fill("5");
    await wallet.getByRole("button", { name: "Deposit bond" }).click();
    await confirmed(wallet, /Deposit 5 MZKU of bid bond/);
    const bond = await projectMarket.bondBalanceOf(stack.devnet.wallet(0), {
      address: stack.devnet.deployment.contracts.ProjectMarket,
      args: [account],
    });
    expect(bond).toBe(105n * E);
    await wallet.close();
  });
});

describe("provide: bond, nodes and collateral", () => {
  it("withdraws bond, registers and stops a node, unbonds and withdraws collateral", async () => {
    const c = stack.devnet.deployment.contracts;
    const me = stack.devnet.wallet(10).account.address;
    const reader = stack.devnet.wallet(0);
    await stack.page.goto(`${stack.site.url}#/provide`);
    await chooseAccount(stack.page, 10, me);
    await stack.page.getByLabel("Bond to withdraw (MZKU)").fill("40");
    await stack.page.getByRole("button", { name: "Withdraw bond" }).click();
    await confirmed(stack.page, /Withdraw 40 MZKU of bid bond/);
    expect(await projectMarket.bondBalanceOf(reader, { address: c.ProjectMarket, args: [me] })).toBe(60n * E);
    await expect.poll(() => stack.page.getByTestId("bond").textContent(), { timeout: 30_000 }).toBe("60 MZKU");
    // A node: registered and activated, then stopped from its row.
    await stack.page.getByLabel("Sidecar address").fill(stack.devnet.wallet(17).account.address);
    await stack.page.getByRole("button", { name: "Register and activate the node" }).click();
    await confirmed(stack.page, /Activate node #\d+/);
    const node = stack.page.locator("li[data-node]").first();
    await expect.poll(() => node.textContent(), { timeout: 30_000 }).toContain("active");
    const nodeId = await node.getAttribute("data-node");
    await stack.page.getByRole("button", { name: `Stop node #${nodeId}` }).click();
    await confirmed(stack.page, new RegExp(`Stop node #${nodeId}`));
    await expect.poll(() => node.textContent(), { timeout: 30_000 }).toContain("stopped");
    // Collateral: unbond 10 MZKU, let the devnet clock pass the delay, withdraw it.
    await stack.page.getByLabel("Collateral to withdraw (MZKU)").fill("10");
    await stack.page.getByRole("button", { name: "Request withdrawal" }).click();
    await confirmed(stack.page, /Start the withdrawal of 10 MZKU of collateral/);
    const unbonding = stack.page.getByTestId("unbonding");
    await expect.poll(() => unbonding.textContent(), { timeout: 30_000 }).toContain("Unbonding: 10 MZKU, ready after");
    await stack.page.getByRole("button", { name: "Devnet: move the clock to the end of unbonding" }).click();
    await expect.poll(() => unbonding.textContent(), { timeout: 30_000 }).toContain("ready to withdraw");
    const before = await mzkuToken.balanceOf(reader, { address: c.MzkuToken, args: [me] });
    await stack.page.getByRole("button", { name: "Withdraw collateral" }).click();
    await confirmed(stack.page, /Withdraw 10 MZKU of unbonded collateral/);
    expect((await mzkuToken.balanceOf(reader, { address: c.MzkuToken, args: [me] })) - before).toBe(10n * E);
  });
});

describe("without a read API (what `mzku stack.devnet --no-indexer` serves)", () => {
  it("says what is missing and keeps the chain views working", async () => {
    const chainOnly = await serveDashboard({ ...(devnetConfig(stack.devnet, "") as object), apiUrl: undefined });
    try {
      const p = await stack.browser.newPage();
      await p.goto(chainOnly.url);
      await expect.poll(() => p.getByTestId("no-api").textContent(), { timeout: 30_000 }).toContain("No read API");
      expect(await p.getByRole("alert").first().textContent()).toContain("runs without the read API");
      // Chain reads: a governor sees the proposal form and the elections panel.
      await p.goto(`${chainOnly.url}#/govern`);
      await chooseAccount(p, 1, stack.devnet.wallet(1).account.address);
      await expect
        .poll(() => p.getByTestId("election-status").textContent(), { timeout: 30_000 })
        .toContain("Phase: Initialization");
      await p.getByRole("heading", { name: "New proposal" }).waitFor({ timeout: 30_000 });
      await p.close();
    } finally {
      await chainOnly.stop();
    }
  });
});
