// A requester quotes and opens a project in the browser; two providers seal and reveal bids from the
// Provide page (the salts kept in localStorage); the auction is settled from the project page, which
// shows the winner and recomputes the draw with the sdk. Headless Chromium against anvil + indexer + API.
import { nodeRegistry, projectMarket } from "@mzku/sdk";
import { describe, expect, it } from "vitest";
import { chooseAccount, confirmed, startStack } from "./harness.js";

const stack = startStack();

const REQUESTER = 12;
const BIDDERS = [
  { index: 9, price: "60" },
  { index: 10, price: "70" },
];

const address = (i: number) => stack.devnet.wallet(i).account.address;

async function bid(projectId: number, index: number, price: string) {
  await stack.page.goto(`${stack.site.url}#/provide`);
  await chooseAccount(stack.page, index, address(index));
  const auction = stack.page.locator(`li[data-project="${projectId}"]`);
  await auction.getByLabel(/Your price/).fill(price);
  await auction.getByRole("button", { name: "Seal the bid" }).click();
  await confirmed(stack.page, new RegExp(`Seal a bid of ${price} MZKU on project #${projectId}`));
}

async function reveal(projectId: number, index: number) {
  await stack.page.goto(`${stack.site.url}#/provide`);
  await chooseAccount(stack.page, index, address(index));
  const auction = stack.page.locator(`li[data-project="${projectId}"]`);
  await auction.getByRole("button", { name: "Reveal the bid" }).click({ timeout: 30_000 });
  await confirmed(stack.page, new RegExp(`Reveal bid #\\d+ on project #${projectId}`));
}

describe("request → auction → assignment, bid → reveal", () => {
  let projectId = 0;

  it("a requester quotes a node, sees who can serve it and opens the project", async () => {
    await stack.page.goto(`${stack.site.url}#/request`);
    await chooseAccount(stack.page, REQUESTER, address(REQUESTER));
    await stack.page.getByLabel("What to run").selectOption("2");
    await stack.page.getByLabel("Duration (days)").fill("1");
    await stack.page.getByRole("button", { name: "Get a quote" }).click();
    await expect.poll(() => stack.page.getByTestId("fp").textContent()).toBe("100 MZKU");
    expect(await stack.page.getByTestId("provider-count").textContent()).toBe("3");
    await stack.page.getByRole("button", { name: "Open the project" }).click();
    await confirmed(stack.page, /Open the project/);
    await stack.page.waitForURL(/#\/projects\/\d+$/);
    projectId = Number(stack.page.url().split("/").at(-1));
    expect(projectId).toBeGreaterThan(0);
    await expect
      .poll(() => stack.page.getByTestId("project-status").textContent(), { timeout: 30_000 })
      .toContain("commit window");
  });

  it("two providers seal bids; the salt stays in the browser", async () => {
    for (const b of BIDDERS) await bid(projectId, b.index, b.price);
    const stored = (await stack.page.evaluate(
      "Object.keys(localStorage).filter((k) => k.startsWith('mzku:bid:'))",
    )) as string[];
    expect(stored).toHaveLength(2);
    await stack.page.goto(`${stack.site.url}#/projects/${projectId}`);
    await expect.poll(() => stack.page.getByTestId("bid-counts").textContent(), { timeout: 30_000 }).toBe("2 / 0");
  });

  it("they reveal in the reveal window, warned when it is about to close", async () => {
    await stack.page.getByRole("button", { name: /Devnet: mine \d+ blocks to the reveal window/ }).click();
    await expect
      .poll(() => stack.page.getByTestId("project-status").textContent(), { timeout: 30_000 })
      .toContain("reveal window");
    await reveal(projectId, BIDDERS[0]?.index ?? 0);
    // Leave 10 blocks of the reveal window: the second bidder is warned before revealing.
    const project = await projectMarket.getProject(stack.devnet.wallet(0), {
      address: stack.devnet.deployment.contracts.ProjectMarket,
      args: [BigInt(projectId)],
    });
    const now = await stack.devnet.wallet(0).getBlockNumber({ cacheTime: 0 });
    await stack.devnet.testClient.mine({ blocks: Number(BigInt(project.revealEndBlock) - now - 10n) });
    await stack.page.goto(`${stack.site.url}#/provide`);
    await chooseAccount(stack.page, BIDDERS[1]?.index ?? 0, address(BIDDERS[1]?.index ?? 0));
    await expect
      .poll(() => stack.page.locator(`li[data-project="${projectId}"] .warning`).textContent(), { timeout: 30_000 })
      .toMatch(/closes in \d+ blocks/);
    await reveal(projectId, BIDDERS[1]?.index ?? 0);
    await stack.page.goto(`${stack.site.url}#/projects/${projectId}`);
    await expect.poll(() => stack.page.getByTestId("bid-counts").textContent(), { timeout: 30_000 }).toBe("2 / 2");
  });

  it("anyone settles; the stack.page shows the winner and recomputes the draw", async () => {
    await stack.page.getByRole("button", { name: /Devnet: mine \d+ blocks to the settlement/ }).click();
    await stack.page.getByRole("button", { name: "Settle the auction" }).click({ timeout: 30_000 });
    await confirmed(stack.page, new RegExp(`Settle project #${projectId}`));
    await expect
      .poll(() => stack.page.getByTestId("project-status").textContent(), { timeout: 30_000 })
      .toContain("assigned");
    const settled = await projectMarket.getProject(stack.devnet.wallet(0), {
      address: stack.devnet.deployment.contracts.ProjectMarket,
      args: [BigInt(projectId)],
    });
    expect(await stack.page.getByTestId("winner").textContent()).toContain(settled.winner.slice(0, 6));
    await stack.page.getByRole("button", { name: "Recompute the draw here" }).click();
    expect(await stack.page.getByTestId("recomputed").textContent()).toMatch(/^Matches the contract/);
  });

  it("the winner starts the project on its node, and reports completion after the duration", async () => {
    const c = stack.devnet.deployment.contracts;
    const reader = stack.devnet.wallet(0);
    const settled = await projectMarket.getProject(reader, { address: c.ProjectMarket, args: [BigInt(projectId)] });
    const winner = BIDDERS.find((b) => address(b.index) === settled.winner)?.index ?? 0;
    // The winner's node (the Provide page registers nodes; tested in marketplace.test.ts).
    const resources = { cpuCores: 8, ramGb: 32, storageGb: 500, bandwidthMbps: 500 };
    const w = stack.devnet.wallet(winner);
    await nodeRegistry.registerNode(w, {
      address: c.NodeRegistry,
      args: [stack.devnet.wallet(18).account.address, resources],
    });
    const nodeId = await nodeRegistry.nodeCount(reader, { address: c.NodeRegistry });
    await nodeRegistry.activateNode(w, { address: c.NodeRegistry, args: [nodeId] });
    await chooseAccount(stack.page, winner, address(winner));
    await stack.page.getByLabel("Your node id").fill(String(nodeId));
    await stack.page.getByRole("button", { name: "Start the project" }).click();
    await confirmed(stack.page, new RegExp(`Start project #${projectId} on node #${nodeId}`));
    await expect
      .poll(() => stack.page.getByTestId("project-status").textContent(), { timeout: 30_000 })
      .toContain("running");
    await stack.page.getByRole("button", { name: "Devnet: move the clock to the project's end" }).click();
    await stack.page.getByLabel("Profit X (MZKU)").fill("5");
    await stack.page.getByRole("button", { name: "Submit completion" }).click({ timeout: 30_000 });
    await confirmed(stack.page, new RegExp(`Submit completion of project #${projectId}: profit 5 MZKU`));
    const after = await projectMarket.getProject(reader, { address: c.ProjectMarket, args: [BigInt(projectId)] });
    expect(after.profitSubmitted).toBe(true);
    expect(after.nodeId).toBe(nodeId);
    await expect
      .poll(() => stack.page.getByTestId("run-end").textContent(), { timeout: 30_000 })
      .toContain("Profit reported");
  });
});
