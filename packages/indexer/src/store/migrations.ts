/**
 * Versioned schema migrations, the same SQL for SQLite and PostgreSQL. `schema_migrations` records
 * each applied version; a migration and its version row commit together, so a crash leaves the
 * database at one version or the next. A database at a newer version than this code knows is
 * refused (`DB_NEWER_THAN_CODE`) rather than written to. Migrations are append-only: a released one is
 * never edited, a change is a new version.
 *
 * Conventions (docs/indexer.md): amounts are TEXT decimal wei without leading zeros (exact; sorted
 * numerically by `(length, text)`), block numbers, ids and timestamps BIGINT, flags INTEGER 0/1,
 * addresses lower-case 0x TEXT.
 */
import { IndexerError } from "../errors.js";
import type { Db } from "./db.js";

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
}

const v1: Migration = {
  version: 1,
  name: "initial schema",
  statements: [
    // Follower state: one row.
    `CREATE TABLE indexer_state (
      id INTEGER PRIMARY KEY,
      chain_id BIGINT NOT NULL,
      deployment TEXT NOT NULL,
      start_block BIGINT NOT NULL,
      last_block BIGINT NOT NULL,
      last_hash TEXT NOT NULL,
      final_block BIGINT NOT NULL,
      head_block BIGINT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
    // Hashes of the blocks a reorg check may need: every indexed block with events above the final
    // block, each batch's last block, and the final block itself.
    `CREATE TABLE blocks (number BIGINT PRIMARY KEY, hash TEXT NOT NULL, timestamp BIGINT NOT NULL)`,
    // Before-images of derived rows changed in non-final blocks, replayed backwards on a reorg.
    `CREATE TABLE undo_log (
      block_number BIGINT NOT NULL,
      seq INTEGER NOT NULL,
      table_name TEXT NOT NULL,
      row_key TEXT NOT NULL,
      before_row TEXT,
      PRIMARY KEY (block_number, seq)
    )`,
    // Every decoded protocol event.
    `CREATE TABLE events (
      block_number BIGINT NOT NULL,
      log_index INTEGER NOT NULL,
      block_timestamp BIGINT NOT NULL,
      tx_hash TEXT NOT NULL,
      address TEXT NOT NULL,
      contract TEXT NOT NULL,
      event_name TEXT NOT NULL,
      args TEXT NOT NULL,
      PRIMARY KEY (block_number, log_index)
    )`,
    `CREATE INDEX events_by_name ON events (event_name, block_number, log_index)`,
    `CREATE INDEX events_by_contract ON events (contract, block_number, log_index)`,
    `CREATE INDEX events_by_tx ON events (tx_hash)`,
    `CREATE TABLE providers (
      provider_id BIGINT PRIMARY KEY,
      owner TEXT NOT NULL,
      brand_name TEXT NOT NULL,
      metadata_uri TEXT NOT NULL,
      cpu_cores BIGINT NOT NULL,
      ram_gb BIGINT NOT NULL,
      storage_gb BIGINT NOT NULL,
      bandwidth_mbps BIGINT NOT NULL,
      used_cpu_cores BIGINT NOT NULL,
      used_ram_gb BIGINT NOT NULL,
      used_storage_gb BIGINT NOT NULL,
      used_bandwidth_mbps BIGINT NOT NULL,
      active_nodes BIGINT NOT NULL,
      price_cap TEXT NOT NULL,
      collateral TEXT NOT NULL,
      unbonding TEXT NOT NULL,
      withdrawal_ready_at BIGINT,
      slashed_total TEXT NOT NULL,
      trust_tier INTEGER NOT NULL,
      k TEXT NOT NULL,
      eth_share TEXT NOT NULL,
      status TEXT NOT NULL,
      disqualified_until BIGINT,
      score BIGINT NOT NULL,
      score_stake BIGINT NOT NULL,
      score_price BIGINT NOT NULL,
      score_run BIGINT NOT NULL,
      score_uptime BIGINT NOT NULL,
      failures BIGINT NOT NULL,
      uptime_bps BIGINT,
      wins BIGINT NOT NULL,
      last_win_price TEXT,
      prev_win_price TEXT,
      registered_block BIGINT NOT NULL,
      updated_block BIGINT NOT NULL
    )`,
    `CREATE INDEX providers_by_score ON providers (score, provider_id)`,
    `CREATE INDEX providers_by_status ON providers (status, score, provider_id)`,
    `CREATE INDEX providers_by_owner ON providers (owner)`,
    `CREATE TABLE provider_wins (
      project_id BIGINT PRIMARY KEY,
      provider_id BIGINT NOT NULL,
      price TEXT NOT NULL,
      fixed_price TEXT NOT NULL,
      price_bps BIGINT NOT NULL,
      block_number BIGINT NOT NULL,
      block_timestamp BIGINT NOT NULL
    )`,
    `CREATE INDEX provider_wins_by_provider ON provider_wins (provider_id, block_number)`,
    `CREATE TABLE nodes (
      node_id BIGINT PRIMARY KEY,
      provider_id BIGINT NOT NULL,
      sidecar TEXT NOT NULL,
      cpu_cores BIGINT NOT NULL,
      ram_gb BIGINT NOT NULL,
      storage_gb BIGINT NOT NULL,
      bandwidth_mbps BIGINT NOT NULL,
      status TEXT NOT NULL,
      started_at BIGINT,
      finished_at BIGINT,
      staked_mzku TEXT NOT NULL,
      staked_eth TEXT NOT NULL,
      collected_rewards TEXT NOT NULL,
      registered_block BIGINT NOT NULL
    )`,
    `CREATE INDEX nodes_by_provider ON nodes (provider_id, node_id)`,
    `CREATE INDEX nodes_by_sidecar ON nodes (sidecar)`,
    `CREATE TABLE sidecars (
      sidecar TEXT PRIMARY KEY,
      node_id BIGINT,
      provider_id BIGINT,
      total_stake TEXT NOT NULL,
      stakers BIGINT NOT NULL,
      reward_mzku TEXT NOT NULL,
      reward_eth TEXT NOT NULL,
      updated_block BIGINT NOT NULL
    )`,
    `CREATE INDEX sidecars_by_provider ON sidecars (provider_id)`,
    `CREATE TABLE sidecar_stakes (
      staker TEXT NOT NULL,
      sidecar TEXT NOT NULL,
      amount TEXT NOT NULL,
      updated_block BIGINT NOT NULL,
      PRIMARY KEY (sidecar, staker)
    )`,
    `CREATE INDEX sidecar_stakes_by_staker ON sidecar_stakes (staker)`,
    `CREATE TABLE projects (
      project_id BIGINT PRIMARY KEY,
      requester TEXT NOT NULL,
      project_type INTEGER NOT NULL,
      cpu_cores BIGINT NOT NULL,
      ram_gb BIGINT NOT NULL,
      storage_gb BIGINT NOT NULL,
      bandwidth_mbps BIGINT NOT NULL,
      duration BIGINT NOT NULL,
      fixed_price TEXT NOT NULL,
      bid_bond TEXT NOT NULL,
      commit_end_block BIGINT NOT NULL,
      reveal_end_block BIGINT NOT NULL,
      status TEXT NOT NULL,
      fee_rate_bps INTEGER,
      band_bps INTEGER,
      score_threshold INTEGER,
      start_penalty_bps INTEGER,
      max_draw_candidates INTEGER,
      vickrey INTEGER,
      draw_block BIGINT,
      draw_rearms BIGINT NOT NULL,
      start_window BIGINT,
      reserve_bps INTEGER,
      loss_cap_bps INTEGER,
      bids BIGINT NOT NULL,
      revealed_bids BIGINT NOT NULL,
      seed TEXT,
      entropy TEXT,
      candidates BIGINT,
      winner TEXT,
      provider_id BIGINT,
      winning_bid TEXT,
      price TEXT,
      forfeited_bonds TEXT,
      settled_block BIGINT,
      node_id BIGINT,
      started_at BIGINT,
      profit TEXT,
      to_provider TEXT,
      to_reward_pool TEXT,
      to_insurance_pool TEXT,
      to_requester TEXT,
      refund TEXT,
      loss TEXT,
      slashed TEXT,
      compensated TEXT,
      opened_block BIGINT NOT NULL,
      updated_block BIGINT NOT NULL
    )`,
    `CREATE INDEX projects_by_status ON projects (status, project_id)`,
    `CREATE INDEX projects_by_requester ON projects (requester, project_id)`,
    `CREATE INDEX projects_by_provider ON projects (provider_id, project_id)`,
    `CREATE TABLE bids (
      project_id BIGINT NOT NULL,
      bid_index BIGINT NOT NULL,
      bidder TEXT NOT NULL,
      commitment TEXT NOT NULL,
      revealed INTEGER NOT NULL,
      price TEXT,
      salt TEXT,
      evaluated INTEGER NOT NULL,
      provider_id BIGINT,
      eligible INTEGER,
      weight TEXT,
      forfeited_bond TEXT,
      committed_block BIGINT NOT NULL,
      PRIMARY KEY (project_id, bid_index)
    )`,
    `CREATE INDEX bids_by_bidder ON bids (bidder, project_id)`,
    `CREATE TABLE micro_pools (
      pool TEXT PRIMARY KEY,
      pool_id BIGINT NOT NULL,
      provider_id BIGINT NOT NULL,
      operator TEXT NOT NULL,
      end_time BIGINT NOT NULL,
      fixed_price TEXT NOT NULL,
      min_stake TEXT,
      provider_eth TEXT NOT NULL,
      staked TEXT NOT NULL,
      aeth_supply TEXT NOT NULL,
      holders BIGINT NOT NULL,
      status TEXT NOT NULL,
      deposit_data_root TEXT,
      rewards_distributed TEXT NOT NULL,
      rewards_to_holders TEXT NOT NULL,
      claimed TEXT NOT NULL,
      opened_block BIGINT NOT NULL,
      updated_block BIGINT NOT NULL
    )`,
    `CREATE INDEX micro_pools_by_pool_id ON micro_pools (pool_id)`,
    `CREATE INDEX micro_pools_by_provider ON micro_pools (provider_id, pool_id)`,
    `CREATE TABLE aeth_balances (
      pool TEXT NOT NULL,
      holder TEXT NOT NULL,
      balance TEXT NOT NULL,
      updated_block BIGINT NOT NULL,
      PRIMARY KEY (pool, holder)
    )`,
    `CREATE INDEX aeth_balances_by_holder ON aeth_balances (holder)`,
    `CREATE TABLE reward_periods (
      period_index BIGINT PRIMARY KEY,
      start_time BIGINT,
      length BIGINT,
      stream_mzku TEXT,
      stream_eth TEXT,
      treasury_mzku TEXT,
      treasury_eth TEXT,
      deposited_mzku TEXT NOT NULL,
      deposited_eth TEXT NOT NULL,
      claimed_mzku TEXT NOT NULL,
      claimed_eth TEXT NOT NULL,
      updated_block BIGINT NOT NULL
    )`,
    // Every Reward/Insurance Pool inflow and outflow, one row per event.
    `CREATE TABLE pool_flows (
      block_number BIGINT NOT NULL,
      log_index INTEGER NOT NULL,
      block_timestamp BIGINT NOT NULL,
      pool TEXT NOT NULL,
      direction TEXT NOT NULL,
      asset TEXT NOT NULL,
      amount TEXT NOT NULL,
      period_index BIGINT,
      account TEXT,
      kind TEXT NOT NULL,
      PRIMARY KEY (block_number, log_index, asset)
    )`,
    `CREATE INDEX pool_flows_by_pool ON pool_flows (pool, period_index, block_number)`,
    `CREATE TABLE governors (
      account TEXT PRIMARY KEY,
      locked TEXT NOT NULL,
      pending_withdrawal TEXT NOT NULL,
      invited INTEGER NOT NULL,
      candidate INTEGER NOT NULL,
      seated INTEGER NOT NULL,
      seat_nonce BIGINT,
      delegated_votes TEXT NOT NULL,
      slashed_total TEXT NOT NULL,
      votes_cast BIGINT NOT NULL,
      updated_block BIGINT NOT NULL
    )`,
    `CREATE INDEX governors_by_seated ON governors (seated, account)`,
    `CREATE TABLE proposals (
      proposal_id BIGINT PRIMARY KEY,
      proposer TEXT NOT NULL,
      description TEXT NOT NULL,
      actions TEXT NOT NULL,
      vote_end BIGINT NOT NULL,
      eta BIGINT NOT NULL,
      expires_at BIGINT NOT NULL,
      executed INTEGER NOT NULL,
      votes_for BIGINT NOT NULL,
      votes_against BIGINT NOT NULL,
      votes_abstain BIGINT NOT NULL,
      created_block BIGINT NOT NULL,
      created_at BIGINT NOT NULL
    )`,
    `CREATE TABLE votes (
      proposal_id BIGINT NOT NULL,
      governor TEXT NOT NULL,
      support INTEGER NOT NULL,
      block_number BIGINT NOT NULL,
      log_index INTEGER NOT NULL,
      PRIMARY KEY (proposal_id, governor)
    )`,
    `CREATE INDEX votes_by_block ON votes (block_number)`,
    `CREATE TABLE elections (
      election_id BIGINT PRIMARY KEY,
      snapshot TEXT NOT NULL,
      elected BIGINT NOT NULL,
      next_election_at BIGINT NOT NULL,
      block_number BIGINT NOT NULL,
      block_timestamp BIGINT NOT NULL
    )`,
    `CREATE TABLE governor_slashes (
      block_number BIGINT NOT NULL,
      log_index INTEGER NOT NULL,
      governor TEXT NOT NULL,
      amount TEXT NOT NULL,
      first_proposal_id BIGINT NOT NULL,
      receiver TEXT NOT NULL,
      PRIMARY KEY (block_number, log_index)
    )`,
    // Governance-set parameters of every contract, by contract and name.
    `CREATE TABLE params (
      contract TEXT NOT NULL,
      name TEXT NOT NULL,
      value TEXT NOT NULL,
      updated_block BIGINT NOT NULL,
      PRIMARY KEY (contract, name)
    )`,
    // Platform statistics: running totals (scope 'total') and their value at the end of each UTC day.
    `CREATE TABLE platform_stats (
      day TEXT PRIMARY KEY,
      providers BIGINT NOT NULL,
      qualified_providers BIGINT NOT NULL,
      total_collateral TEXT NOT NULL,
      nodes BIGINT NOT NULL,
      projects_opened BIGINT NOT NULL,
      projects_completed BIGINT NOT NULL,
      projects_failed BIGINT NOT NULL,
      fixed_price_total TEXT NOT NULL,
      sidecar_stake_total TEXT NOT NULL,
      governors_seated BIGINT NOT NULL,
      micro_pools BIGINT NOT NULL,
      micro_pool_eth_staked TEXT NOT NULL,
      reward_pool_in_mzku TEXT NOT NULL,
      reward_pool_in_eth TEXT NOT NULL,
      insurance_in_mzku TEXT NOT NULL,
      insurance_in_eth TEXT NOT NULL,
      insurance_paid_mzku TEXT NOT NULL,
      insurance_paid_eth TEXT NOT NULL,
      events BIGINT NOT NULL,
      block_number BIGINT NOT NULL
    )`,
  ],
};

/** Every migration, oldest first. */
/**
 * Every event of every contract projected or deliberately raw (`ingest/coverage.ts`): sidecars'
 * running projects and the forfeits re-credited to their stakers; a micro-pool's validator key and
 * its exit-side flows. A database indexed at v1 has these at their defaults: re-index it from the
 * start block to fill them.
 */
const v2: Migration = {
  version: 2,
  name: "event coverage: sidecar projects and forfeits, micro-pool key and settlement",
  statements: [
    `ALTER TABLE sidecars ADD COLUMN active_projects BIGINT NOT NULL DEFAULT 0`,
    `ALTER TABLE sidecars ADD COLUMN forfeits_mzku TEXT NOT NULL DEFAULT '0'`,
    `ALTER TABLE sidecars ADD COLUMN forfeits_eth TEXT NOT NULL DEFAULT '0'`,
    `ALTER TABLE micro_pools ADD COLUMN validator_pubkey TEXT`,
    `ALTER TABLE micro_pools ADD COLUMN rewards_pending TEXT NOT NULL DEFAULT '0'`,
    `ALTER TABLE micro_pools ADD COLUMN provider_rewards_claimed TEXT NOT NULL DEFAULT '0'`,
    `ALTER TABLE micro_pools ADD COLUMN redeemed_eth TEXT NOT NULL DEFAULT '0'`,
    `ALTER TABLE micro_pools ADD COLUMN collateral_withdrawn TEXT NOT NULL DEFAULT '0'`,
    `ALTER TABLE micro_pools ADD COLUMN swept TEXT NOT NULL DEFAULT '0'`,
  ],
};

/** A validator project's micro-pool and what its pool observed at the end (ProjectMarket, flow of 3.4.2). */
const v3: Migration = {
  version: 3,
  name: "validator projects: their micro-pool and settlement",
  statements: [
    `ALTER TABLE projects ADD COLUMN micro_pool TEXT`,
    `ALTER TABLE projects ADD COLUMN validator_eth_rewards TEXT`,
    `ALTER TABLE projects ADD COLUMN validator_eth_loss TEXT`,
    `ALTER TABLE projects ADD COLUMN validator_penalty TEXT`,
    `CREATE INDEX projects_by_micro_pool ON projects (micro_pool)`,
  ],
};

/**
 * A node's capacity reported after registration (NodeRegistry.NodeResourcesSet, by its provider or its
 * sidecar): the resource columns follow it, `resources_block` says when (null: as registered).
 */
const v4: Migration = {
  version: 4,
  name: "node capacity reports",
  statements: [`ALTER TABLE nodes ADD COLUMN resources_block BIGINT`],
};

/**
 * Indexes that answer the read API's declared filters and sorts on the tables that grow with use, in
 * the order the API asks (no sort of every matching row, no scan of the table for a rare match): events
 * by emitting address; pool flows by pool, account and period, each newest first, and by amount; a sidecar's stakes and
 * a micro-pool's holders by amount (amounts sort as `(LENGTH, text)`, hence the expression); projects by
 * fixed price; a provider's wins newest first and by price. Two v1 indexes are replaced by wider ones.
 * `api/plans.test.ts` checks every such query's plan on both engines.
 */
const v5: Migration = {
  version: 5,
  name: "read API indexes for the growing tables",
  statements: [
    `CREATE INDEX events_by_address ON events (address, block_number, log_index)`,
    `DROP INDEX pool_flows_by_pool`,
    `CREATE INDEX pool_flows_by_pool_block ON pool_flows (pool, block_number, log_index, asset)`,
    `CREATE INDEX pool_flows_by_account ON pool_flows (account, block_number, log_index, asset)`,
    `CREATE INDEX pool_flows_by_period ON pool_flows (period_index, block_number, log_index, asset)`,
    `CREATE INDEX pool_flows_by_amount ON pool_flows ((LENGTH(amount)), amount, block_number, log_index, asset)`,
    `CREATE INDEX sidecar_stakes_by_amount ON sidecar_stakes (sidecar, (LENGTH(amount)), amount, staker)`,
    `CREATE INDEX aeth_balances_by_balance ON aeth_balances (pool, (LENGTH(balance)), balance, holder)`,
    `CREATE INDEX projects_by_fixed_price ON projects ((LENGTH(fixed_price)), fixed_price, project_id)`,
    `DROP INDEX provider_wins_by_provider`,
    `CREATE INDEX provider_wins_by_provider_block ON provider_wins (provider_id, block_number, project_id)`,
    `CREATE INDEX provider_wins_by_price ON provider_wins (provider_id, (LENGTH(price)), price, project_id)`,
  ],
};

/**
 * A micro-pool's activation: its stage (an open pool that holds 32 ETH is `awaiting_activation`: its
 * operator's DKG key and deposit are due) and the deposit itself (block, time, transaction, the MZKU fees
 * forwarded). Pools that left `open` take their stage from their status; an open pool indexed before this
 * version reads `filling` until its next event (re-index from the start block for the exact stage).
 */
const v6: Migration = {
  version: 6,
  name: "micro-pool activation",
  statements: [
    `ALTER TABLE micro_pools ADD COLUMN stage TEXT NOT NULL DEFAULT 'filling'`,
    `UPDATE micro_pools SET stage = status WHERE status <> 'open'`,
    `ALTER TABLE micro_pools ADD COLUMN deposit_data_block BIGINT`,
    `ALTER TABLE micro_pools ADD COLUMN activated_block BIGINT`,
    `ALTER TABLE micro_pools ADD COLUMN activated_at BIGINT`,
    `ALTER TABLE micro_pools ADD COLUMN activation_tx TEXT`,
    `ALTER TABLE micro_pools ADD COLUMN fee_to_reward_pool TEXT`,
    `ALTER TABLE micro_pools ADD COLUMN fee_to_provider TEXT`,
    `ALTER TABLE micro_pools ADD COLUMN exit_requested_at BIGINT`,
    `CREATE INDEX micro_pools_by_stage ON micro_pools (stage, pool_id)`,
  ],
};

export const migrations: readonly Migration[] = [v1, v2, v3, v4, v5, v6];

export const latestVersion = migrations[migrations.length - 1]?.version ?? 0;

async function hasVersionTable(db: Db): Promise<boolean> {
  const rows =
    db.dialect === "sqlite"
      ? await db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
      : await db.query(
          "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'",
        );
  return rows.length > 0;
}

/** The schema version of `db` (0 for an empty database). */
export async function schemaVersion(db: Db): Promise<number> {
  if (!(await hasVersionTable(db))) return 0;
  const rows = await db.query<{ v: number | null }>("SELECT MAX(version) AS v FROM schema_migrations");
  return Number(rows[0]?.v ?? 0);
}

/**
 * Brings `db` to the latest version; returns the versions applied. On PostgreSQL an advisory lock
 * keeps two processes from migrating at once; SQLite's write lock does the same.
 */
export async function migrate(db: Db, list: readonly Migration[] = migrations): Promise<number[]> {
  const applied: number[] = [];
  const known = list[list.length - 1]?.version ?? 0;
  await db.transaction(async (tx) => {
    if (tx.dialect === "postgres") await tx.query("SELECT pg_advisory_xact_lock(31337012)");
    const exists =
      tx.dialect === "sqlite"
        ? (await tx.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"))
            .length > 0
        : (
            await tx.query(
              "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'",
            )
          ).length > 0;
    if (!exists) {
      await tx.run(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
      );
    }
    const rows = await tx.query<{ v: number | null }>("SELECT MAX(version) AS v FROM schema_migrations");
    const current = Number(rows[0]?.v ?? 0);
    if (current > known) {
      throw new IndexerError("DB_NEWER_THAN_CODE", `database schema is version ${current}, this code knows ${known}`, {
        details: { databaseVersion: current, codeVersion: known },
      });
    }
    for (const migration of list) {
      if (migration.version <= current) continue;
      try {
        for (const statement of migration.statements) await tx.run(statement);
      } catch (cause) {
        throw new IndexerError("DB_MIGRATION_FAILED", `migration ${migration.version} (${migration.name}) failed`, {
          details: { version: migration.version },
          cause,
        });
      }
      await tx.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", [
        migration.version,
        migration.name,
        new Date().toISOString(),
      ]);
      applied.push(migration.version);
    }
  });
  return applied;
}
