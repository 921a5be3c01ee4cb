// Test-only: the auction draw of a real settlement, written by contracts/test/unit/MarketDraw.t.sol
// (test_draw_exportFixture) to contracts/test/fixtures/market-draw.json, for the sdk's draw tests.
// Production code never imports this.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Address, Hex } from "viem";

export interface MarketDrawFixture {
  projectId: string;
  entropy: string;
  bandBps: number;
  maxDrawCandidates: number;
  vickrey: boolean;
  reveals: { index: number; bidder: Address; price: string; salt: Hex }[];
  evaluations: { index: number; providerId: string; eligible: boolean; weight: string }[];
  expected: { seed: Hex; winner: Address; price: string; winningBid: string };
}

const here = dirname(fileURLToPath(import.meta.url));

export const marketDrawFixture = JSON.parse(
  readFileSync(resolve(here, "../../../../contracts/test/fixtures/market-draw.json"), "utf8"),
) as MarketDrawFixture;
