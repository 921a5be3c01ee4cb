// Every page over a lived-in devnet, at desktop and phone width, in headless Chromium: each renders its
// data, fits a 390-px-wide phone without sideways scrolling, labels every form control, and works from
// the keyboard. MZKU_SCREENSHOTS=1 also writes the README tour's screenshots to docs/screenshots/.
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { chooseAccount, runDemo, startStack } from "./harness.js";

const SHOTS = process.env.MZKU_SCREENSHOTS === "1";
const SHOT_DIR = resolve(fileURLToPath(new URL("../../../docs/screenshots", import.meta.url)));

let demo: Awaited<ReturnType<typeof runDemo>>;

const stack = startStack(async (devnet) => {
  demo = await runDemo(devnet);
});
if (SHOTS) mkdirSync(SHOT_DIR, { recursive: true });

type Stop = { name: string; path: () => string; account?: number; ready: (page: Page) => Promise<unknown> };

const STOPS: Stop[] = [
  { name: "marketplace", path: () => "#/", ready: (p) => p.locator("table.providers tbody tr").nth(2).waitFor() },
  { name: "provider", path: () => "#/providers/1", ready: (p) => p.getByText("Auctions won").waitFor() },
  {
    name: "project",
    path: () => `#/projects/${demo.settled}`,
    ready: async (p) => {
      await p.getByRole("button", { name: "Recompute the draw here" }).click();
      await p.getByTestId("recomputed").waitFor();
    },
  },
  {
    name: "request",
    path: () => "#/request",
    account: 12,
    ready: async (p) => {
      await p.getByRole("button", { name: "Get a quote" }).click();
      await p.getByTestId("fp").waitFor();
    },
  },
  {
    name: "provide",
    path: () => "#/provide",
    account: 10,
    ready: (p) => p.locator(`li[data-project="${demo.open}"]`).waitFor(),
  },
  { name: "invest", path: () => "#/invest", account: 4, ready: (p) => p.getByTestId("mine-1").waitFor() },
  {
    name: "govern",
    path: () => "#/govern",
    account: 2,
    ready: (p) => p.getByRole("button", { name: "For" }).waitFor(),
  },
];

async function visit(page: Page, stop: Stop): Promise<void> {
  await page.goto(`${stack.site.url}${stop.path()}`);
  await page.getByRole("heading", { level: 1 }).waitFor();
  if (stop.account !== undefined)
    await chooseAccount(page, stop.account, stack.devnet.wallet(stop.account).account.address);
  await stop.ready(page);
}

/** Sideways overflow of the document, and form controls without a label. */
async function audit(page: Page): Promise<{ overflow: number; unlabelled: string[] }> {
  return page.evaluate(`(() => {
    const overflow = document.documentElement.scrollWidth - window.innerWidth;
    const unlabelled = [...document.querySelectorAll("input, select, textarea")]
      .filter((el) => el.labels.length === 0 && !el.getAttribute("aria-label"))
      .map((el) => el.outerHTML.slice(0, 80));
    return { overflow, unlabelled };
  })()`) as Promise<{ overflow: number; unlabelled: string[] }>;
}

describe.each([
  ["desktop", { width: 1280, height: 900 }],
  ["phone", { width: 390, height: 844 }],
] as const)("tour at %s width", (label, viewport) => {
  for (const stop of STOPS) {
    it(`${stop.name}: renders its data, fits the width, labels every control`, async () => {
      const page = await stack.browser.newPage({ viewport });
      try {
        await visit(page, stop).catch(async (e: unknown) => {
          await page.screenshot({ path: `/tmp/tour-fail-${stop.name}-${label}.png`, fullPage: true });
          throw e;
        });
        const { overflow, unlabelled } = await audit(page);
        expect(overflow, "sideways scroll in px").toBeLessThanOrEqual(0);
        expect(unlabelled).toEqual([]);
        if (SHOTS && (label === "desktop" || ["marketplace", "project", "invest"].includes(stop.name))) {
          await page.screenshot({
            path: join(SHOT_DIR, `${stop.name}${label === "phone" ? "-phone" : ""}.png`),
            fullPage: label === "desktop",
          });
        }
      } finally {
        await page.close();
      }
    });
  }
});

describe("keyboard", () => {
  it("skips to the content, reaches the navigation and sorts the table without a mouse", async () => {
    const page = await stack.browser.newPage();
    try {
      await page.goto(stack.site.url);
      await page.locator("table.providers tbody tr").first().waitFor();
      await page.keyboard.press("Tab");
      expect(await page.evaluate("document.activeElement.textContent")).toBe("Skip to content");
      await page.keyboard.press("Enter");
      expect(await page.evaluate("document.activeElement.id")).toBe("main");
      await page.getByRole("button", { name: /Price cap/ }).focus();
      await page.keyboard.press("Enter");
      expect(await page.locator('th[aria-sort="descending"]').textContent()).toContain("Price cap");
      await page.keyboard.press("Enter");
      expect(await page.locator('th[aria-sort="ascending"]').textContent()).toContain("Price cap");
      await page.getByRole("link", { name: "Invest" }).focus();
      await page.keyboard.press("Enter");
      await page.waitForURL(/#\/invest$/);
      await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Invest");
    } finally {
      await page.close();
    }
  });
});
