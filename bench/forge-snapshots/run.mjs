#!/usr/bin/env node
// Metrics that need more accounts than an anvil scenario can set up in reasonable time, taken from the
// committed forge gas snapshots (isolated transactions: whole-transaction gas, 21,000 base included),
// which `npm test` checks against the code (FORGE_SNAPSHOT_CHECK=true):
//   gas.rewards.claim_ratio_10k_vs_10 — RewardPool claimMzku with 10,000 stakers in the class divided by
//   the same claim with 10 (contracts/test/unit/RewardPoolGas.t.sol, test_gas_claimRatio10kVs10).
//   gas.reports.aggregated_1000_nodes — the aggregated uptime report of one period for 1,000 nodes × k = 3:
//   postAggregate + finalize of all 1,000 decisions, steady state, all up; gas.reports.per_observation —
//   that over the 3,000 verdicts; gas.reports.per_observation_individual — the per-sidecar fallback
//   (`report`, 5 sidecars, k = 3: all reports of a period over n·k) (contracts/test/unit/UptimeAggregate.t.sol
//   test_gas_aggregated1000Nodes, UptimeReports.t.sol test_gas_reportPerObservation).
// Writes bench/results/forge-snapshots.json and .raw.json.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const snapshots = (group) => JSON.parse(readFileSync(join(here, "../../contracts/snapshots", `${group}.json`), "utf8"));
const rewards = snapshots("rewards");
const big = Number(rewards.claim_10000_stakers);
const small = Number(rewards.claim_10_stakers);
if (!(big > 0 && small > 0))
  throw new Error("forge-snapshots: rewards.json lacks claim_10000_stakers / claim_10_stakers");
const reports = snapshots("reports");
for (const key of ["aggregated_1000_nodes_tx", "aggregated_per_observation", "per_observation_k3"]) {
  if (!(Number(reports[key]) > 0)) throw new Error(`forge-snapshots: reports.json lacks ${key}`);
}
const results = {
  "gas.rewards.claim_ratio_10k_vs_10": Number((big / small).toFixed(4)),
  "gas.reports.aggregated_1000_nodes": Number(reports.aggregated_1000_nodes_tx),
  "gas.reports.per_observation": Number(reports.aggregated_per_observation),
  "gas.reports.per_observation_individual": Number(reports.per_observation_k3),
};
writeFileSync(join(here, "../results/forge-snapshots.json"), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(
  join(here, "../results/forge-snapshots.raw.json"),
  `${JSON.stringify({ source: "contracts/snapshots/{rewards,reports}.json", claim_10000_stakers: big, claim_10_stakers: small, reports }, null, 2)}\n`,
);
console.error(`forge-snapshots: ratio ${results["gas.rewards.claim_ratio_10k_vs_10"]}`);
