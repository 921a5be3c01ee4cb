/** What the market's pages share: project types, resources, and the auction's phase at a block. */
import type { Project } from "./api.js";

export type Resources = { cpuCores: number; ramGb: number; storageGb: number; bandwidthMbps: number };

export const PROJECT_TYPES: Record<number, { label: string; resources: Resources }> = {
  0: { label: "Ethereum validator", resources: { cpuCores: 4, ramGb: 16, storageGb: 2000, bandwidthMbps: 25 } },
  1: { label: "Execution node", resources: { cpuCores: 8, ramGb: 32, storageGb: 4000, bandwidthMbps: 50 } },
  2: { label: "Generic node", resources: { cpuCores: 4, ramGb: 16, storageGb: 100, bandwidthMbps: 100 } },
};

export function typeLabel(projectType: number): string {
  return PROJECT_TYPES[projectType]?.label ?? `type ${projectType}`;
}

export type Phase = "commit" | "reveal" | "settle" | "settled";

/** Where an auction is at block `block` (windows are in blocks: docs/marketplace.md). */
export function phaseAt(project: Pick<Project, "commitEndBlock" | "revealEndBlock" | "status">, block: bigint): Phase {
  if (project.status !== "bidding") return "settled";
  if (block < BigInt(project.commitEndBlock)) return "commit";
  if (block < BigInt(project.revealEndBlock)) return "reveal";
  return "settle";
}

/** Blocks left before the reveal window closes; a bidder is warned below this many. */
export const REVEAL_WARNING_BLOCKS = 20n;
/** Seconds per block, for "about N minutes" (Ethereum's slot). */
export const SECONDS_PER_BLOCK = 12n;
