/**
 * What the writer and the rollback need to know of each derived table. State tables hold one row per
 * key and are undone from the undo log; append tables hold one row per event-like fact and carry
 * `block_number`, so a rollback deletes their rows above the fork point.
 */
export const stateTables = {
  providers: ["provider_id"],
  nodes: ["node_id"],
  sidecars: ["sidecar"],
  sidecar_stakes: ["sidecar", "staker"],
  projects: ["project_id"],
  bids: ["project_id", "bid_index"],
  micro_pools: ["pool"],
  aeth_balances: ["pool", "holder"],
  reward_periods: ["period_index"],
  governors: ["account"],
  proposals: ["proposal_id"],
  params: ["contract", "name"],
  platform_stats: ["day"],
} as const satisfies Record<string, readonly string[]>;

export const appendTables = {
  events: ["block_number", "log_index"],
  provider_wins: ["project_id"],
  pool_flows: ["block_number", "log_index", "asset"],
  votes: ["proposal_id", "governor"],
  elections: ["election_id"],
  governor_slashes: ["block_number", "log_index"],
} as const satisfies Record<string, readonly string[]>;

export type StateTable = keyof typeof stateTables;
export type AppendTable = keyof typeof appendTables;
export type DerivedTable = StateTable | AppendTable;

export function keyColumns(table: DerivedTable): readonly string[] {
  return table in stateTables ? stateTables[table as StateTable] : appendTables[table as AppendTable];
}
