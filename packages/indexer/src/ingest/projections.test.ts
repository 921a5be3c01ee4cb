// The projections added for events that were once only raw, on a real database (SQLite, migrated):
// synthetic decoded events (unit test) through `project` and the batch writer, then the rows read back.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Db, openDb } from "../store/db.js";
import { migrate } from "../store/migrations.js";
import { BatchWriter } from "../store/writer.js";
import type { DecodedEvent } from "./decode.js";
import { project } from "./projections.js";

const POOL = "0x00000000000000000000000000000000000000aa";
const SIDECAR = "0x00000000000000000000000000000000000000bb";
const ALICE = "0x00000000000000000000000000000000000000a1";
const BOB = "0x00000000000000000000000000000000000000b0";
const PUBKEY = `0x${"ab".repeat(48)}`;

let dir: string;
let db: Db;
let log = 0;
const event = (contract: string, eventName: string, args: Record<string, unknown>, address = "0x01"): DecodedEvent => ({
  contract: contract as DecodedEvent["contract"],
  address,
  eventName,
  args,
  blockNumber: 10,
  blockHash: `0x${"00".repeat(32)}`,
  logIndex: log++,
  txHash: `0x${"11".repeat(32)}`,
});

/** Projects `events` in one batch, as the follower does. */
async function apply(events: DecodedEvent[]): Promise<void> {
  await db.transaction(async (tx) => {
    const writer = new BatchWriter(tx, await db.tableColumns());
    for (const e of events) {
      writer.beginBlock(e.blockNumber, false);
      await project(writer, e, 1_000);
    }
    await writer.flush(tx);
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mzku-projections-"));
  db = await openDb({ url: join(dir, "p.sqlite") });
  await migrate(db);
  const events = [
    event("MicroPoolFactory", "PoolOpened", {
      pool: POOL,
      poolId: 1n,
      providerId: 1n,
      operator: ALICE,
      endTime: 100n,
      fixedPrice: 5n,
      providerEth: 0n,
    }),
    event(
      "MicroPool",
      "DepositDataSet",
      { pubkey: PUBKEY.toUpperCase().replace("0X", "0x"), signature: "0x", depositDataRoot: `0x${"cd".repeat(32)}` },
      POOL,
    ),
    event("MicroPool", "RewardsReleased", { amount: 10n, pending: 7n }, POOL),
    event("MicroPool", "ProviderRewardsClaimed", { owner: ALICE, amount: 3n }, POOL),
    event("MicroPool", "Redeemed", { holder: BOB, amount: 4n, eth: 4n }, POOL),
    event("MicroPool", "Redeemed", { holder: ALICE, amount: 2n, eth: 2n }, POOL),
    event("MicroPool", "CollateralWithdrawn", { owner: ALICE, amount: 9n }, POOL),
    event("MicroPool", "Swept", { amount: 1n }, POOL),
    event("RewardPool", "RewardPoolProjectMarked", { sidecar: SIDECAR, started: true, epoch: 1, activeProjects: 2 }),
    event("RewardPool", "RewardPoolForfeited", { account: BOB, sidecar: SIDECAR, mzku: 50n, eth: 6n }),
    event("RewardPool", "RewardPoolCredited", { account: ALICE, mzku: 11n, eth: 0n }),
    event("RewardPool", "RewardPoolEthSentTo", { account: ALICE, to: BOB, amount: 8n }),
    event("InsurancePool", "InsurancePoolWithdrawn", { account: BOB, amount: 12n }),
    event("MicroPoolFactory", "CoSignerChangeScheduled", { newCoSigner: BOB, effectiveAt: 1234n }),
    event("ProjectMarket", "ProjectOpened", {
      projectId: 7n,
      requester: ALICE,
      projectType: 0,
      resources: { cpuCores: 4, ramGb: 16, storageGb: 2000, bandwidthMbps: 25 },
      duration: 86_400n,
      fixedPrice: 100n,
      bidBond: 1n,
      commitEndBlock: 20n,
      revealEndBlock: 30n,
    }),
    event("ProjectMarket", "ValidatorPoolAttached", { projectId: 7n, pool: POOL }),
    event("NodeRegistry", "NodeRegistered", {
      nodeId: 3n,
      providerId: 1n,
      sidecar: SIDECAR,
      resources: { cpuCores: 4, ramGb: 16, storageGb: 2000, bandwidthMbps: 25 },
    }),
    event("NodeRegistry", "NodeResourcesSet", {
      nodeId: 3n,
      by: SIDECAR,
      resources: { cpuCores: 8, ramGb: 31, storageGb: 1800, bandwidthMbps: 25 },
    }),
    event("ProjectMarket", "ValidatorProjectSettled", {
      projectId: 7n,
      pool: POOL,
      ethRewards: 13n,
      ethLoss: 0n,
      penalty: 2n,
    }),
  ];
  await apply(events);
});

afterAll(async () => {
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("projections of the once-raw events", () => {
  it("a micro-pool's key, held-back rewards, provider claims, redemptions, collateral and sweeps", async () => {
    const [pool] = await db.query("SELECT * FROM micro_pools WHERE pool = ?", [POOL]);
    expect(pool).toMatchObject({
      validator_pubkey: PUBKEY,
      deposit_data_root: `0x${"cd".repeat(32)}`,
      rewards_pending: "7",
      provider_rewards_claimed: "3",
      redeemed_eth: "6",
      collateral_withdrawn: "9",
      swept: "1",
    });
  });

  it("a sidecar's running projects and the forfeits re-credited to its stakers", async () => {
    const [sc] = await db.query("SELECT * FROM sidecars WHERE sidecar = ?", [SIDECAR]);
    expect(sc).toMatchObject({ active_projects: 2, forfeits_mzku: "50", forfeits_eth: "6" });
  });

  it("credits, forfeits, ETH recipients and credited withdrawals as annotated pool flows", async () => {
    const flows = await db.query(
      "SELECT pool, direction, asset, amount, account, kind FROM pool_flows ORDER BY log_index, asset DESC",
    );
    expect(flows).toEqual([
      { pool: "reward", direction: "forfeit", asset: "mzku", amount: "50", account: BOB, kind: "RewardPoolForfeited" },
      { pool: "reward", direction: "forfeit", asset: "eth", amount: "6", account: BOB, kind: "RewardPoolForfeited" },
      { pool: "reward", direction: "credit", asset: "mzku", amount: "11", account: ALICE, kind: "RewardPoolCredited" },
      { pool: "reward", direction: "sent", asset: "eth", amount: "8", account: BOB, kind: "RewardPoolEthSentTo" },
      {
        pool: "insurance",
        direction: "withdrawn",
        asset: "eth",
        amount: "12",
        account: BOB,
        kind: "InsurancePoolWithdrawn",
      },
    ]);
  });

  it("a validator project's micro-pool and what the pool observed at its end", async () => {
    const [p] = await db.query(
      "SELECT micro_pool, validator_eth_rewards, validator_eth_loss, validator_penalty FROM projects WHERE project_id = 7",
    );
    expect(p).toEqual({
      micro_pool: POOL,
      validator_eth_rewards: "13",
      validator_eth_loss: "0",
      validator_penalty: "2",
    });
  });

  it("a node's capacity as its sidecar last reported it, and when", async () => {
    const [n] = await db.query(
      "SELECT cpu_cores, ram_gb, storage_gb, bandwidth_mbps, registered_block, resources_block FROM nodes WHERE node_id = 3",
    );
    expect(n).toEqual({
      cpu_cores: 8,
      ram_gb: 31,
      storage_gb: 1800,
      bandwidth_mbps: 25,
      registered_block: 10,
      resources_block: 10,
    });
  });

  it("a scheduled co-signer change as a parameter; DepositDataSet is not one", async () => {
    const params = await db.query("SELECT contract, name, value FROM params ORDER BY contract, name");
    expect(params).toContainEqual({
      contract: "MicroPoolFactory",
      name: "CoSignerChangeScheduled",
      value: JSON.stringify({ newCoSigner: BOB, effectiveAt: "1234" }),
    });
    expect(params.find((p) => p.name === "DepositDataSet")).toBeUndefined();
  });
});

describe("a micro-pool's activation stage", () => {
  const POOL2 = "0x00000000000000000000000000000000000000ac";
  const ETH = 10n ** 18n;
  const ROOT = `0x${"ef".repeat(32)}`;
  const stageAfter = async (e: DecodedEvent) => {
    await apply([e]);
    const [row] = await db.query("SELECT * FROM micro_pools WHERE pool = ?", [POOL2]);
    return row as Record<string, unknown>;
  };

  it("filling → awaiting activation at exactly 32 ETH → active with the deposit → exit requested", async () => {
    const opened = await stageAfter(
      event("MicroPoolFactory", "PoolOpened", {
        pool: POOL2,
        poolId: 2n,
        providerId: 1n,
        operator: ALICE,
        endTime: 100n,
        fixedPrice: 5n,
        providerEth: 2n * ETH,
      }),
    );
    expect(opened).toMatchObject({ status: "open", stage: "filling", activated_block: null, activation_tx: null });
    expect(
      (await stageAfter(event("MicroPool", "Staked", { staker: BOB, amount: 30n * ETH - 1n, fee: 1n }, POOL2))).stage,
    ).toBe("filling");
    expect((await stageAfter(event("MicroPool", "Staked", { staker: BOB, amount: 1n, fee: 1n }, POOL2))).stage).toBe(
      "awaiting_activation",
    );
    expect(
      (await stageAfter(event("MicroPool", "Withdrawn", { staker: BOB, amount: 1n, mzkuRefund: 0n }, POOL2))).stage,
    ).toBe("filling");
    expect((await stageAfter(event("MicroPool", "Staked", { staker: BOB, amount: 1n, fee: 1n }, POOL2))).stage).toBe(
      "awaiting_activation",
    );
    const keyed = await stageAfter(
      event("MicroPool", "DepositDataSet", { pubkey: PUBKEY, signature: "0x", depositDataRoot: ROOT }, POOL2),
    );
    expect(keyed).toMatchObject({ stage: "awaiting_activation", validator_pubkey: PUBKEY, deposit_data_block: 10 });
    const active = await stageAfter(
      event("MicroPool", "Activated", { depositDataRoot: ROOT, mzkuToRewardPool: 3n, mzkuToProvider: 7n }, POOL2),
    );
    expect(active).toMatchObject({
      status: "active",
      stage: "active",
      activated_block: 10,
      activated_at: 1_000,
      activation_tx: `0x${"11".repeat(32)}`,
      fee_to_reward_pool: "3",
      fee_to_provider: "7",
      exit_requested_at: null,
    });
    const exiting = await stageAfter(event("MicroPool", "ExitRequested", { by: ALICE, fee: 1n }, POOL2));
    expect(exiting).toMatchObject({ stage: "exit_requested", exit_requested_at: 1_000, activated_block: 10 });
  });
});
