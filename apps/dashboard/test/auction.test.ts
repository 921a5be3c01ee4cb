// A requester quotes and opens a project in the browser; two providers seal and reveal bids from the
// Provide page (the salts kept in localStorage); the auction is settled from the project page, which
// shows the winner and recomputes the draw with the sdk. Headless Chromium against anvil + indexer + API.
import { nodeRegistry, projectMarket } from "@mzku/sdk";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  chooseAccount,
  confirmed,
  type Devnet,
  devnetConfig,
  launchChromium,
  serveDashboard,
  startDevnet,
  startIndexer,
} from "./harness.js";

let devnet: Devnet;
let indexer: Awaited<ReturnType<typeof startIndexer>>;
let site: Awaited<ReturnType<typeof serveDashboard>>;
let browser: Browser;
let page: Page;

const REQUESTER = 12;
const BIDDERS = [
  { index: 9, price: "60" },
  { index: 10, price: "70" },
];

beforeAll(async () => {
  devnet = await startDevnet();
  indexer = await startIndexer(devnet);
  site = await serveDashboard(devnetConfig(devnet, indexer.apiUrl));
  browser = await launchChromium();
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await site?.stop();
  await indexer?.stop();
  await devnet?.stop();
});

const address = (i: number) => devnet.wallet(i).account.address;

async function bid(projectId: number, index: number, price: string) {
  await page.goto(`${site.url}#/provide`);
  await chooseAccount(page, index, address(index));
  const auction = page.locator(`li[data-project="${projectId}"]`);
  await auction.getByLabel(/Your price/).fill(price);
  await auction.getByRole("button", { name: "Seal the bid" }).click();
  await confirmed(page, new RegExp(`Seal a bid of ${price} MZKU on project #${projectId}`));
}

async function reveal(projectId: number, index: number) {
  await page.goto(`${site.url}#/provide`);
  await chooseAccount(page, index, address(index));
  const auction = page.locator(`li[data-project="${projectId}"]`);
  await auction.getByRole("button", { name: "Reveal the bid" }).click({ timeout: 30_000 });
  await confirmed(page, new RegExp(`Reveal bid #\\d+ on project #${projectId}`));
}

describe("request → auction → assignment, bid → reveal", () => {
  let projectId = 0;

  it("a requester quotes a node, sees who can serve it and opens the project", async () => {
    await page.goto(`${site.url}#/request`);
    await chooseAccount(page, REQUESTER, address(REQUESTER));
    await page.getByLabel("What to run").selectOption("2");
    await page.getByLabel("Duration (days)").fill("1");
    await page.getByRole("button", { name: "Get a quote" }).click();
    await expect.poll(() => page.getByTestId("fp").textContent()).toBe("100 MZKU");
    expect(await page.getByTestId("provider-count").textContent()).toBe("3");
    await page.getByRole("button", { name: "Open the project" }).click();
    await confirmed(page, /Open the project/);
    await page.waitForURL(/#\/projects\/\d+$/);
    projectId = Number(page.url().split("/").at(-1));
    expect(projectId).toBeGreaterThan(0);
    await expect
      .poll(() => page.getByTestId("project-status").textContent(), { timeout: 30_000 })
      .toContain("commit window");
  });

  it("two providers seal bids; the salt stays in the browser", async () => {
    for (const b of BIDDERS) await bid(projectId, b.index, b.price);
    const stored = (await page.evaluate(
      "Object.keys(localStorage).filter((k) => k.startsWith('mzku:bid:'))",
    )) as string[];
    expect(stored).toHaveLength(2);
    await page.goto(`${site.url}#/projects/${projectId}`);
    await expect.poll(() => page.getByTestId("bid-counts").textContent(), { timeout: 30_000 }).toBe("2 / 0");
  });

  it("they reveal in the reveal window, warned when it is about to close", async () => {
    await page.getByRole("button", { name: /Devnet: mine \d+ blocks to the reveal window/ }).click();
    await expect
      .poll(() => page.getByTestId("project-status").textContent(), { timeout: 30_000 })
      .toContain("reveal window");
    await reveal(projectId, BIDDERS[0]?.index ?? 0);
    // Leave 10 blocks of the reveal window: the second bidder is warned before revealing.
    const project = await projectMarket.getProject(devnet.wallet(0), {
      address: devnet.deployment.contracts.ProjectMarket,
      args: [BigInt(projectId)],
    });
    const now = await devnet.wallet(0).getBlockNumber({ cacheTime: 0 });
    await devnet.testClient.mine({ blocks: Number(BigInt(project.revealEndBlock) - now - 10n) });
    await page.goto(`${site.url}#/provide`);
    await chooseAccount(page, BIDDERS[1]?.index ?? 0, address(BIDDERS[1]?.index ?? 0));
    await expect
      .poll(() => page.locator(`li[data-project="${projectId}"] .warning`).textContent(), { timeout: 30_000 })
      .toMatch(/closes in \d+ blocks/);
    await reveal(projectId, BIDDERS[1]?.index ?? 0);
    await page.goto(`${site.url}#/projects/${projectId}`);
    await expect.poll(() => page.getByTestId("bid-counts").textContent(), { timeout: 30_000 }).toBe("2 / 2");
  });

  it("anyone settles; the page shows the winner and recomputes the draw", async () => {
    await page.getByRole("button", { name: /Devnet: mine \d+ blocks to the settlement/ }).click();
    await page.getByRole("button", { name: "Settle the auction" }).click({ timeout: 30_000 });
    await confirmed(page, new RegExp(`Settle project #${projectId}`));
    await expect
      .poll(() => page.getByTestId("project-status").textContent(), { timeout: 30_000 })
      .toContain("assigned");
    const settled = await projectMarket.getProject(devnet.wallet(0), {
      address: devnet.deployment.contracts.ProjectMarket,
      args: [BigInt(projectId)],
    });
    expect(await page.getByTestId("winner").textContent()).toContain(settled.winner.slice(0, 6));
    await page.getByRole("button", { name: "Recompute the draw here" }).click();
    expect(await page.getByTestId("recomputed").textContent()).toMatch(/^Matches the contract/);
  });

  it("the winner starts the project on its node, and reports completion after the duration", async () => {
    const c = devnet.deployment.contracts;
    const reader = devnet.wallet(0);
    const settled = await projectMarket.getProject(reader, { address: c.ProjectMarket, args: [BigInt(projectId)] });
    const winner = BIDDERS.find((b) => address(b.index) === settled.winner)?.index ?? 0;
    // The winner's node (the Provide page registers nodes; tested in marketplace.test.ts).
    const resources = { cpuCores: 8, ramGb: 32, storageGb: 500, bandwidthMbps: 500 };
    const w = devnet.wallet(winner);
    await nodeRegistry.registerNode(w, {
      address: c.NodeRegistry,
      args: [devnet.wallet(18).account.address, resources],
    });
    const nodeId = await nodeRegistry.nodeCount(reader, { address: c.NodeRegistry });
    await nodeRegistry.activateNode(w, { address: c.NodeRegistry, args: [nodeId] });
    await chooseAccount(page, winner, address(winner));
    await page.getByLabel("Your node id").fill(String(nodeId));
    await page.getByRole("button", { name: "Start the project" }).click();
    await confirmed(page, new RegExp(`Start project #${projectId} on node #${nodeId}`));
    await expect.poll(() => page.getByTestId("project-status").textContent(), { timeout: 30_000 }).toContain("running");
    await page.getByRole("button", { name: "Devnet: move the clock to the project's end" }).click();
    await page.getByLabel("Profit X (MZKU)").fill("5");
    await page.getByRole("button", { name: "Submit completion" }).click({ timeout: 30_000 });
    await confirmed(page, new RegExp(`Submit completion of project #${projectId}: profit 5 MZKU`));
    const after = await projectMarket.getProject(reader, { address: c.ProjectMarket, args: [BigInt(projectId)] });
    expect(after.profitSubmitted).toBe(true);
    expect(after.nodeId).toBe(nodeId);
    await expect
      .poll(() => page.getByTestId("run-end").textContent(), { timeout: 30_000 })
      .toContain("Profit reported");
  });
});
