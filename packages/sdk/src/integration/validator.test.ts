// The one validator flow [3.2, 3.4.2, 3.4.7] through the sdk on a real anvil, deployed by the production
// deploy script: a requester asks the market for a validator and pays FP; the sealed-bid auction picks
// the provider; the winner's micro-pool opens with its k ETH and the requester's 32 − k; the validator
// key is made by a 3-of-4 DKG over HTTP between the winner's two signer parties (this process, through
// the sdk) and two platform co-signers (`mzku-signer keys dkg`, each its own process), so neither side
// alone reaches the threshold; the deposit goes out with the co-signer's approvals;
// the project starts on the winner's node (which then carries the pool's 32 ETH); rewards arrive; the
// project ends from what the pool observed and FP is split. Then a validator that stops half-way: the
// penalty reaches the provider's reserved collateral.
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DKG_VERSION, generateIdentity, type IdentityFile, parseDefinition } from "@mzku/signer";
import { freePorts, keysDkgArgs, runSignerBin } from "@mzku/signer/testing";
import { type Address, type Hex, keccak256, parseEther, toHex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { microPool, mzkuToken, nodeRegistry, projectMarket, providerRegistry } from "../actions/index.js";
import { type DevWallet, devAccount } from "../devnet/accounts.js";
import { advanceTime, advanceTimeTo, passProposal, seatInvitedGovernors } from "../devnet/governance.js";
import { qualifyActions, registerProvider } from "../devnet/providers.js";
import { runValidatorDkg } from "../node/validatorDkg.js";
import { startTestProtocol, type TestProtocol } from "../test/protocol.js";
import {
  completeValidatorProject,
  depositValidator,
  fillValidatorPool,
  openValidatorPool,
  requestValidator,
  startValidatorProject,
  type ValidatorDepositData,
} from "../validator/flow.js";

const E = 10n ** 18n;
const ETH = (n: string) => parseEther(n);
const DAY = 86_400n;
const DURATION = 30n * DAY;
const FORK_VERSION = "0x00000000";

const children = new Set<ChildProcess>();
let dir = "";
// The signer's built bin in its own process (the root `npm test` builds every workspace before testing).
const signerProcess = (args: string[]) => runSignerBin(args, { cwd: dir, children });

/**
 * A 3-of-4 ceremony for one validator: parties 1 and 2 are the winner's, 3 and 4 the platform
 * co-signers'. Each side holds 2 shares < 3: neither can sign (or exit, or move funds) alone, and any
 * one party may be offline.
 */
async function ceremony(name: string) {
  const identities = [generateIdentity(), generateIdentity(), generateIdentity(), generateIdentity()] as const;
  const ports = await freePorts(4);
  const definition = parseDefinition({
    version: DKG_VERSION,
    name,
    nonce: `0x${randomBytes(16).toString("hex")}`,
    threshold: 3,
    validators: 1,
    parties: identities.map((f, k) => ({ index: k + 1, identity: f.publicKey, url: `http://127.0.0.1:${ports[k]}` })),
  });
  return { identities, definition };
}

describe("the validator flow through the sdk", () => {
  let p: TestProtocol;
  let winner: DevWallet;
  let loser: DevWallet;
  let requester: DevWallet;
  let reader: DevWallet;
  const coSign = (digest: Hex) => devAccount(18).sign({ hash: digest }); // the config's co-signer

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "mzku-validator-"));
    p = await startTestProtocol();
    reader = p.wallet(0);
    winner = p.wallet(9);
    loser = p.wallet(10);
    requester = p.wallet(12);
    const governors = [p.wallet(1), p.wallet(2), p.wallet(3)];
    await seatInvitedGovernors(p.deployment, governors);
    const c = p.deployment.contracts;
    const ids: bigint[] = [];
    for (const [i, w] of [winner, loser].entries()) {
      ids.push(await registerProvider(p.deployment, w, { brandName: `V${i + 1}`, collateral: 50_000n * E }));
      await mzkuToken.approve(w, { address: c.MzkuToken, args: [c.ProjectMarket, 1_000n * E] });
      await projectMarket.depositBond(w, { address: c.ProjectMarket, args: [100n * E] });
    }
    await passProposal(p.deployment, governors, p.testClient, qualifyActions(p.deployment, ids), "qualify V1, V2");
  });
  afterAll(async () => {
    for (const c of children) if (c.pid !== undefined) process.kill(c.pid, "SIGKILL");
    await p?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Request → auction (V1 bids 60% of FP, V2 80%: the band keeps V1 alone) → pool opened and filled. */
  async function requestAuctionPool(round: number) {
    const c = p.deployment.contracts;
    const { projectId, fixedPrice } = await requestValidator(requester, {
      deployment: p.deployment,
      duration: DURATION,
    });
    const bids = [(fixedPrice * 6n) / 10n, (fixedPrice * 8n) / 10n];
    const salts = [winner, loser].map((w) => keccak256(toHex(`${round} ${w.account.address}`)));
    for (const [i, w] of [winner, loser].entries()) {
      const commitment = await projectMarket.commitmentOf(reader, {
        address: c.ProjectMarket,
        args: [bids[i] ?? 0n, salts[i] ?? "0x", w.account.address, projectId],
      });
      await projectMarket.commit(w, { address: c.ProjectMarket, args: [projectId, commitment] });
    }
    const project = await projectMarket.getProject(reader, { address: c.ProjectMarket, args: [projectId] });
    await mineTo(project.commitEndBlock);
    for (const [i, w] of [winner, loser].entries()) {
      await projectMarket.reveal(w, {
        address: c.ProjectMarket,
        args: [projectId, BigInt(i), bids[i] ?? 0n, salts[i] ?? "0x"],
      });
    }
    await mineTo(project.revealEndBlock);
    await projectMarket.settle(reader, { address: c.ProjectMarket, args: [projectId] });
    const settled = await projectMarket.getProject(reader, { address: c.ProjectMarket, args: [projectId] });
    expect(settled.winner, "the auction picks V1").toBe(winner.account.address);

    const k = await providerRegistry.ethShareOf(reader, { address: c.ProviderRegistry, args: [settled.providerId] });
    expect(k, "an untrusted provider's k").toBe(ETH("16"));
    const { pool, poolId } = await openValidatorPool(winner, { deployment: p.deployment, projectId });
    expect(poolId).toBeGreaterThan(0n);
    expect(await projectMarket.validatorPoolOf(reader, { address: c.ProjectMarket, args: [projectId] })).toBe(pool);
    const { staked } = await fillValidatorPool(requester, { pool });
    expect(staked, "the requester's 32 − k").toBe(ETH("32") - k);
    expect(await microPool.balanceOf(reader, { address: pool, args: [requester.account.address] })).toBe(staked);
    return { projectId, fixedPrice, pool, price: settled.price };
  }

  async function startOnNode(projectId: bigint, sidecarIndex: number) {
    const c = p.deployment.contracts;
    const { nodeId } = await nodeRegistry.registerNode(winner, {
      address: c.NodeRegistry,
      args: [p.wallet(sidecarIndex).account.address, { cpuCores: 4, ramGb: 16, storageGb: 2000, bandwidthMbps: 25 }],
    });
    await nodeRegistry.activateNode(winner, { address: c.NodeRegistry, args: [nodeId] });
    const { startedAt } = await startValidatorProject(winner, { deployment: p.deployment, projectId, nodeId });
    return { nodeId, startedAt };
  }

  const grow = async (pool: Address, amount: bigint) =>
    p.testClient.setBalance({ address: pool, value: (await reader.getBalance({ address: pool })) + amount });
  const balance = (who: Address) =>
    mzkuToken.balanceOf(reader, { address: p.deployment.contracts.MzkuToken, args: [who] });

  it("request → auction → pool → DKG between processes → deposit → rewards → completion with X from the pool", async () => {
    const c = p.deployment.contracts;
    const { projectId, fixedPrice, pool, price } = await requestAuctionPool(1);

    // The DKG: the winner's two parties here (through the sdk), the two co-signers as `mzku-signer`
    // processes, over HTTP on loopback. Every party ends with the same key and deposit data; no party has
    // the key.
    const { identities, definition } = await ceremony("validator-project-1");
    writeFileSync(join(dir, "def.json"), JSON.stringify(definition));
    writeFileSync(join(dir, "pw"), "correct horse battery\n");
    const coSigners = [3, 4].map((i) => {
      writeFileSync(join(dir, `id${i}.json`), JSON.stringify(identities[i - 1]));
      return signerProcess(keysDkgArgs(i, { withdrawalAddress: pool, forkVersion: FORK_VERSION }));
    });
    const [mine, second] = await Promise.all(
      [1, 2].map((index) =>
        runValidatorDkg({
          definition,
          index,
          identity: identities[index - 1] as IdentityFile,
          pool,
          forkVersion: FORK_VERSION,
        }),
      ),
    );
    for (const r of await Promise.all(coSigners)) expect(r.code, r.stderr).toBe(0);
    if (!mine || !second) throw new Error("no DKG result");
    expect(mine.qualified).toEqual([1, 2, 3, 4]);
    expect(second.pubkey).toBe(mine.pubkey);
    expect(second.secretShare).not.toEqual(mine.secretShare);
    for (const i of [3, 4]) {
      const [theirs] = JSON.parse(readFileSync(join(dir, `out${i}`, "deposit-data.json"), "utf8")) as {
        pubkey: string;
        deposit_data_root: string;
      }[];
      expect(`0x${theirs?.pubkey}`, `co-signer ${i} holds a share of the same key`).toBe(mine.pubkey);
      expect(`0x${theirs?.deposit_data_root}`).toBe(mine.depositDataRoot);
    }

    // The deposit goes out with the co-signer's approvals of the key and of the deposit root.
    const deposit: ValidatorDepositData = mine;
    await depositValidator(winner, { deployment: p.deployment, pool, deposit, coSign });
    expect(await reader.getBalance({ address: c.DepositContract })).toBe(ETH("32"));

    // The project starts on the winner's node, which now carries the pool's 32 ETH.
    const { nodeId } = await startOnNode(projectId, 15);
    const node = await nodeRegistry.getNode(reader, { address: c.NodeRegistry, args: [nodeId] });
    expect(node.stakedEth).toBe(ETH("32"));

    // Rewards arrive and the pool splits them (10% Insurance Pool, 10% Reward Pool, 80% the 32 ETH).
    await grow(pool, ETH("0.05"));
    await advanceTime(p.testClient, reader, 10n * DAY);
    await microPool.distribute(reader, { address: pool });
    expect(await microPool.observedRewards(reader, { address: pool })).toBe(ETH("0.05"));
    expect(await microPool.claimableOf(reader, { address: pool, args: [requester.account.address] })).toBe(
      (ETH("0.04") * 16n) / 32n,
    );

    // After the pool's end time the validator exits: 32 ETH and a last skim come back; the operator
    // completes the pool.
    await advanceTimeTo(p.testClient, BigInt(await microPool.endTime(reader, { address: pool })) + DAY);
    await grow(pool, ETH("32.01"));
    await microPool.complete(winner, { address: pool });

    // Anyone ends the project from what the pool observed; FP is split [3.4.7] with X in the pool.
    const before = {
      winner: await balance(winner.account.address),
      requester: await balance(requester.account.address),
      rewardPool: await balance(c.RewardPool),
      insurance: await balance(c.InsurancePool),
    };
    const outcome = await completeValidatorProject(reader, { deployment: p.deployment, projectId });
    expect(outcome.status).toBe("Completed");
    expect(outcome.ethRewards, "X = the ETH the pool observed").toBe(ETH("0.06"));
    expect(outcome.ethLoss).toBe(0n);
    expect(outcome.penalty).toBe(0n);
    const fee = fixedPrice / 10n;
    expect(await balance(winner.account.address), "the provider gets its bid").toBe(before.winner + price);
    expect(await balance(c.RewardPool), "Reward Pool FP × 10%").toBe(before.rewardPool + fee);
    expect(await balance(c.InsurancePool), "Insurance Pool FP × 10%").toBe(before.insurance + fee);
    expect(await balance(requester.account.address), "the requester the rest").toBe(
      before.requester + fixedPrice - price - 2n * fee,
    );
    const after = await nodeRegistry.getNode(reader, { address: c.NodeRegistry, args: [nodeId] });
    expect(after.stakedEth).toBe(0n);
    // The requester redeems its aETH 1:1.
    const receipt = await microPool.redeem(requester, { address: pool, args: [ETH("16")] });
    expect(receipt.status).toBe("success");
  });

  it("a validator that stops half-way: the penalty reaches the provider's reserved collateral", async () => {
    const c = p.deployment.contracts;
    const { projectId, fixedPrice, pool } = await requestAuctionPool(2);
    // All four parties of this ceremony in this process (each on its own HTTP port).
    const { identities, definition } = await ceremony("validator-project-2");
    const [mine] = await Promise.all(
      [1, 2, 3, 4].map((index) =>
        runValidatorDkg({
          definition,
          index,
          identity: identities[index - 1] as IdentityFile,
          pool,
          forkVersion: FORK_VERSION,
        }),
      ),
    );
    if (!mine) throw new Error("no DKG result");
    await depositValidator(winner, { deployment: p.deployment, pool, deposit: mine, coSign });
    const { startedAt } = await startOnNode(projectId, 16);

    // Half-way the validator exits and its 32 ETH come back; the operator completes the pool early.
    await advanceTimeTo(p.testClient, startedAt + DURATION / 2n);
    await grow(pool, ETH("32"));
    await microPool.complete(winner, { address: pool });
    const completedAt = BigInt(await microPool.completedAt(reader, { address: pool }));

    const collateralBefore = (await providerRegistry.getProvider(reader, { address: c.ProviderRegistry, args: [1n] }))
      .collateral;
    const requesterBefore = await balance(requester.account.address);
    const insuranceBefore = await balance(c.InsurancePool);
    const outcome = await completeValidatorProject(reader, { deployment: p.deployment, projectId });
    const penalty = (fixedPrice * (startedAt + DURATION - completedAt)) / DURATION;
    expect(outcome.status).toBe("Failed");
    expect(outcome.penalty, "FP × unserved time / duration").toBe(penalty);
    expect(outcome.slashed, "all of it from the reservation (100% of FP)").toBe(penalty);
    const collateralAfter = (await providerRegistry.getProvider(reader, { address: c.ProviderRegistry, args: [1n] }))
      .collateral;
    expect(collateralBefore - collateralAfter).toBe(penalty);
    expect(await balance(requester.account.address), "FP back + the penalty").toBe(
      requesterBefore + fixedPrice + penalty,
    );
    expect(await balance(c.InsurancePool), "the Insurance Pool pays nothing").toBe(insuranceBefore);
  });

  async function mineTo(block: bigint): Promise<void> {
    const now = await reader.getBlockNumber({ cacheTime: 0 });
    if (block > now) await p.testClient.mine({ blocks: Number(block - now) });
  }
});
