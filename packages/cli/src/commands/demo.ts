import { join } from "node:path";
import { parseArgs } from "node:util";
import type { LogLevel } from "@mzku/log";
import { createLogger } from "@mzku/log";
import {
  commitBid,
  currentBlock,
  type Deployment,
  depositValidator,
  ensureMzkuAllowance,
  fillValidatorPool,
  GovernancePhase,
  governance,
  microPool,
  mzkuToken,
  nodeRegistry,
  openValidatorPool,
  projectMarket,
  proposals,
  providerRegistry,
  requestProject,
  requestValidator,
  revealBid,
  rewardPool,
  StakeObserverStakeClass,
  sidecarStaking,
  startValidatorProject,
  TrustTier,
} from "@mzku/sdk";
import {
  advanceTime,
  advanceTimeTo,
  bootstrapActions,
  contractsDir,
  type DevWallet,
  deployProtocol,
  devAccount,
  devKey,
  devWallet,
  flatPricingActions,
  mineTo,
  passProposal,
  qualifyActions,
  seatInvitedGovernors,
  startAnvil,
  thresholdDeposit,
  trustTierAction,
} from "@mzku/sdk/devnet";
import { type Address, createTestClient, formatUnits, http, type TestClient, zeroAddress } from "viem";
import { foundry } from "viem/chains";
import { DEVNET_ACCOUNTS } from "../cli/accounts.js";
import { CliError } from "../cli/errors.js";
import { Output } from "../cli/output.js";
import { applyProviders, devGovernors, E, lockCollateral, PROVIDERS, startNodes } from "../devnetSetup.js";
import { uptimeFailure } from "./demoUptime.js";

export const demoUsage = `mzku demo [--json]

Runs the seed's lifecycle on a fresh devnet of its own (a free port; stopped at the end), printing
each step in plain words with the balances it moved:
  1. qualification: four providers apply, lock collateral, governance qualifies them
  2. the worked example [3.5]: FP 100, bids 60 / 70 / 75, X 300 → provider 60, Reward Pool 40,
     Insurance Pool 40, requester 260
  3. a validator requested through the market (auction, the winner's micro-pool) filled by 8 investors
     to 32 ETH, deposited with a 2-of-3 threshold key, started on the winner's node
  4. rewards: the validator's rewards split and claimed; the Reward Pool's period paid out
  5. an aETH transfer: earned rewards stay, later ones follow the aETH
  6. an uptime failure: the four sidecars join UptimeReports' roster; provider2 wins and starts a
     project, its node goes down, its assigned auditors report it down for failLimit periods; the
     project fails and provider2's reserved collateral is slashed to the requester
  7. a governance election: a candidate backed by delegated sidecar stake wins a free seat
  8. final balances, reconciled to the wei (MZKU supply and every ETH movement incl. gas)
Exits 1 when a balance does not reconcile.

Example:
  mzku demo --json > demo.json`;

type Tracked = { name: string; address: Address };

/** Balances of every tracked address, the steps' moves, and the gas each account paid. */
export class Ledger {
  readonly tracked: Tracked[] = [];
  private readonly fees = new Map<string, bigint>();
  private scannedTo: bigint;
  /** ETH created outside transactions (the consensus layer paying a validator's withdrawal address). */
  injectedEth = 0n;
  failures: string[] = [];

  constructor(
    private readonly reader: DevWallet,
    private readonly deployment: Deployment,
    private readonly out: Output,
    startBlock: bigint,
  ) {
    this.scannedTo = startBlock;
  }

  track(name: string, address: Address): void {
    if (!this.tracked.some((t) => t.address.toLowerCase() === address.toLowerCase()))
      this.tracked.push({ name, address });
  }

  async snapshot(): Promise<Map<string, { mzku: bigint; eth: bigint }>> {
    const map = new Map<string, { mzku: bigint; eth: bigint }>();
    for (const t of this.tracked) {
      const [mzku, eth] = await Promise.all([
        mzkuToken.balanceOf(this.reader, { address: this.deployment.contracts.MzkuToken, args: [t.address] }),
        this.reader.getBalance({ address: t.address }),
      ]);
      map.set(t.address.toLowerCase(), { mzku, eth });
    }
    return map;
  }

  /** Gas fees paid per sender in the blocks mined since the last scan. */
  async scanFees(): Promise<Map<string, bigint>> {
    const step = new Map<string, bigint>();
    const to = await currentBlock(this.reader);
    for (let b = this.scannedTo + 1n; b <= to; b++) {
      const block = await this.reader.getBlock({ blockNumber: b, includeTransactions: true });
      for (const tx of block.transactions) {
        const receipt = await this.reader.getTransactionReceipt({ hash: tx.hash });
        const fee = receipt.gasUsed * receipt.effectiveGasPrice;
        const from = tx.from.toLowerCase();
        step.set(from, (step.get(from) ?? 0n) + fee);
        this.fees.set(from, (this.fees.get(from) ?? 0n) + fee);
      }
    }
    this.scannedTo = to;
    return step;
  }

  totalFees(address: Address): bigint {
    return this.fees.get(address.toLowerCase()) ?? 0n;
  }

  /** Runs a step, then prints what it moved (ETH net of the gas each account paid). */
  async step<T>(title: string, body: () => Promise<T>): Promise<T> {
    this.out.say(`\n== ${title}`);
    const before = await this.snapshot();
    const result = await body();
    const fees = await this.scanFees();
    const after = await this.snapshot();
    const lines: string[] = [];
    for (const t of this.tracked) {
      const key = t.address.toLowerCase();
      const a = after.get(key) ?? { mzku: 0n, eth: 0n };
      const b = before.get(key) ?? { mzku: 0n, eth: 0n };
      const dm = a.mzku - b.mzku;
      const de = a.eth - b.eth + (fees.get(key) ?? 0n);
      const parts = [dm !== 0n ? `${signed(dm)} MZKU` : "", de !== 0n ? `${signed(de)} ETH` : ""].filter(Boolean);
      if (parts.length) lines.push(`   ${t.name.padEnd(16)} ${parts.join(", ")}`);
    }
    if (lines.length) this.out.say(`  moved (ETH before gas):\n${lines.join("\n")}`);
    return result;
  }

  check(what: string, ok: boolean): void {
    if (!ok) this.failures.push(what);
    this.out.say(`  ${ok ? "✓" : "✗"} ${what}`);
  }

  expect(what: string, actual: bigint, expected: bigint): void {
    if (actual === expected) this.out.say(`  ✓ ${what}: ${formatUnits(actual, 18)}`);
    else {
      this.failures.push(`${what}: expected ${expected}, got ${actual}`);
      this.out.say(`  ✗ ${what}: expected ${formatUnits(expected, 18)}, got ${formatUnits(actual, 18)}`);
    }
  }
}

function signed(wei: bigint): string {
  return `${wei > 0n ? "+" : ""}${formatUnits(wei, 18)}`;
}

export async function demo(argv: string[], level: LogLevel): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: "boolean" } }, strict: true });
  const out = new Output(values.json === true);
  const log = createLogger({ component: "demo", level: level === "info" ? "warn" : level });
  out.say("Starting a fresh devnet for the demo (anvil on a free port; the contracts compile on first use)");
  const anvil = await startAnvil();
  try {
    const deployment = await deployProtocol({
      rpcUrl: anvil.rpcUrl,
      privateKey: devKey(0),
      name: `demo-${anvil.port}`,
    });
    const testClient = createTestClient({ chain: foundry, mode: "anvil", transport: http(anvil.rpcUrl) });
    const result = await run(deployment, anvil.rpcUrl, testClient, out, log);
    out.result(result, []);
    return result.reconciled ? 0 : 1;
  } finally {
    await anvil.stop();
  }
}

const w = (rpcUrl: string, name: string) => devWallet(rpcUrl, DEVNET_ACCOUNTS[name] as number);

async function run(
  deployment: Deployment,
  rpcUrl: string,
  testClient: TestClient,
  out: Output,
  log: ReturnType<typeof createLogger>,
) {
  const c = deployment.contracts;
  const reader = w(rpcUrl, "deployer");
  const ledger = new Ledger(reader, deployment, out, await currentBlock(reader));
  for (const name of Object.keys(DEVNET_ACCOUNTS))
    ledger.track(name, devAccount(DEVNET_ACCOUNTS[name] as number).address);
  for (const [name, address] of Object.entries(c)) ledger.track(name, address);
  // Governor and candidate stakes are held by Governance's stake vault.
  ledger.track("governance vault", await governance.stakeVault(reader, { address: c.Governance }));
  const startSupply = await mzkuToken.totalSupply(reader, { address: c.MzkuToken });
  const startBalances = await ledger.snapshot();
  const governors = devGovernors(join(contractsDir(), "config", "devnet.json"), rpcUrl);
  const mzku = (who: Address) => mzkuToken.balanceOf(reader, { address: c.MzkuToken, args: [who] });

  // 1. Qualification
  const providerIds = await ledger.step(
    "1. Qualification: governors take their seats, four providers apply and are qualified",
    async () => {
      await seatInvitedGovernors(deployment, governors);
      out.say("  gov1-3 each lock the minimum governor stake (10,000 MZKU) and take a seat");
      const ids = await applyProviders(deployment, rpcUrl, log);
      out.say("  provider1-4 apply");
      await passProposal(
        deployment,
        governors,
        testClient,
        [
          ...bootstrapActions(deployment),
          ...qualifyActions(deployment, ids),
          trustTierAction(deployment, ids[0] ?? 1n, TrustTier.Trusted, 0n),
          ...flatPricingActions(deployment, 2, 100n * E),
        ],
        "demo setup",
      );
      out.say("  governance (3 of 3 votes, timelock passed) qualifies them, makes provider1 trusted (k = 0 ETH),");
      out.say("  prices project type 2 at 100 MZKU a day and points the stake observers at the Reward Pool");
      await lockCollateral(deployment, rpcUrl);
      out.say("  provider1-4 each lock 10,000 MZKU collateral (it earns Reward Pool rewards from now on)");
      await startNodes(deployment, rpcUrl, log);
      out.say("  each provider registers and activates one node (sidecar1-4)");
      return ids;
    },
  );

  // 2. The worked example
  const requester = w(rpcUrl, "requester");
  const [p1, p2, p3] = [w(rpcUrl, "provider1"), w(rpcUrl, "provider2"), w(rpcUrl, "provider3")];
  const example = await ledger.step(
    "2. The worked example [3.5]: FP 100, bids 60 / 70 / 75, profit X 300",
    async () => {
      const before = {
        requester: await mzku(requester.account.address),
        rewardPool: await mzku(c.RewardPool),
        insurance: await mzku(c.InsurancePool),
        p1: await mzku(p1.account.address),
      };
      const resources = { cpuCores: 4, ramGb: 16, storageGb: 100, bandwidthMbps: 100 };
      const project = await requestProject(requester, deployment, { resources, duration: 86_400n, projectType: 2 });
      out.say(`  requester opens project ${project.projectId} and pays FP ${formatUnits(project.fixedPrice, 18)} MZKU`);
      const bids = [];
      for (const [wallet, price] of [
        [p1, 60n * E],
        [p2, 70n * E],
        [p3, 75n * E],
      ] as const) {
        bids.push({ wallet, bid: await commitBid(wallet, deployment, { projectId: project.projectId, price }) });
      }
      out.say("  provider1-3 commit sealed bids of 60, 70 and 75 MZKU (each locks a 10 MZKU bid bond)");
      await mineTo(testClient, reader, project.commitEndBlock);
      for (const { wallet, bid } of bids) await revealBid(wallet, deployment, bid);
      out.say(`  the commit window closes at block ${project.commitEndBlock}; all three reveal`);
      await mineTo(testClient, reader, project.revealEndBlock);
      await projectMarket.settle(reader, { address: c.ProjectMarket, args: [project.projectId] });
      const settled = await projectMarket.getProject(reader, { address: c.ProjectMarket, args: [project.projectId] });
      out.say(`  settled: provider ${settled.providerId} wins at ${formatUnits(settled.price, 18)} MZKU`);
      const [nodeId] = await import("@mzku/sdk").then((s) =>
        s.nodeRegistry.nodesOfProvider(reader, { address: c.NodeRegistry, args: [BigInt(settled.providerId), 0n, 1n] }),
      );
      const winner = bids.find((b) => b.wallet.account.address === settled.winner)?.wallet ?? p1;
      await projectMarket.startProject(winner, { address: c.ProjectMarket, args: [project.projectId, nodeId ?? 1n] });
      out.say(`  the winner starts the project on its node ${nodeId}; a day passes`);
      await advanceTime(testClient, reader, 86_400n);
      const X = 300n * E;
      await ensureMzkuAllowance(winner, deployment, c.ProjectMarket, X);
      await projectMarket.submitCompletion(winner, { address: c.ProjectMarket, args: [project.projectId, X] });
      out.say("  the winner reports profit X = 300 MZKU, paying it into escrow");
      await passProposal(
        deployment,
        governors,
        testClient,
        [proposals.projectMarket.confirmCompletion({ address: c.ProjectMarket, args: [project.projectId, X] })],
        "confirm the worked example",
      );
      out.say("  governance confirms; X + FP = 400 MZKU is split");
      ledger.expect(
        "the winner is provider1 at 60 MZKU",
        settled.winner === p1.account.address ? settled.price : 0n,
        60n * E,
      );
      ledger.expect(
        "provider1 receives its bid (net of X 300 paid and the 10 bond held)",
        (await mzku(p1.account.address)) - before.p1,
        60n * E - X - 10n * E,
      );
      ledger.expect("Reward Pool receives (X + FP) × 10%", (await mzku(c.RewardPool)) - before.rewardPool, 40n * E);
      ledger.expect(
        "Insurance Pool receives (X + FP) × 10%",
        (await mzku(c.InsurancePool)) - before.insurance,
        40n * E,
      );
      ledger.expect(
        "requester: paid FP 100, gets 260",
        (await mzku(requester.account.address)) - before.requester,
        160n * E,
      );
      return { projectId: project.projectId, winner: settled.winner, price: settled.price };
    },
  );

  // 3. A validator through the market
  const investors = [1, 2, 3, 4, 5, 6, 7, 8].map((i) => w(rpcUrl, `investor${i}`));
  const pool = await ledger.step(
    "3. A validator requested through the market, filled by 8 investors to 32 ETH, threshold-key deposit",
    async () => {
      const requested = await requestValidator(requester, { deployment, duration: 365n * 86_400n });
      out.say(
        `  requester asks for a validator for a year (project ${requested.projectId}) and pays FP ${formatUnits(requested.fixedPrice, 18)} MZKU`,
      );
      const bids = [];
      for (const [wallet, share] of [
        [p1, 6n],
        [p2, 8n],
      ] as const) {
        const price = (requested.fixedPrice * share) / 10n;
        bids.push({ wallet, bid: await commitBid(wallet, deployment, { projectId: requested.projectId, price }) });
      }
      await mineTo(testClient, reader, requested.commitEndBlock);
      for (const { wallet, bid } of bids) await revealBid(wallet, deployment, bid);
      await mineTo(testClient, reader, requested.revealEndBlock);
      await projectMarket.settle(reader, { address: c.ProjectMarket, args: [requested.projectId] });
      const settled = await projectMarket.getProject(reader, { address: c.ProjectMarket, args: [requested.projectId] });
      out.say(
        `  provider1 bids 60% of FP, provider2 80%; settled: provider ${settled.providerId} wins at ${formatUnits(settled.price, 18)} MZKU`,
      );
      const winner = bids.find((b) => b.wallet.account.address === settled.winner)?.wallet ?? p1;
      const opened = await openValidatorPool(winner, { deployment, projectId: requested.projectId });
      ledger.track("micro-pool 1", opened.pool);
      out.say(`  the winner (trusted, k = 0 ETH) opens the project's micro-pool ${opened.poolId}`);
      for (const investor of investors) await fillValidatorPool(investor, { pool: opened.pool, value: 4n * E });
      out.say("  investor1-8 stake 4 ETH each (4 aETH each; the requester paid FP, so no MZKU fee)");
      const withdrawalCredentials = await microPool.withdrawalCredentials(reader, { address: opened.pool });
      const deposit = await thresholdDeposit({ withdrawalCredentials });
      const cosigner = devAccount(DEVNET_ACCOUNTS.cosigner as number);
      await depositValidator(winner, {
        deployment,
        pool: opened.pool,
        deposit,
        coSign: (digest) => cosigner.sign({ hash: digest }),
      });
      out.say(`  a 2-of-3 DKG makes the validator key (it never exists whole); shares 1 and 2 sign the deposit;`);
      out.say(
        `  the co-signer approves key and deposit; 32 ETH go to the deposit contract for ${deposit.pubkey.slice(0, 18)}…`,
      );
      const [nodeId] = await nodeRegistry.nodesOfProvider(reader, {
        address: c.NodeRegistry,
        args: [BigInt(settled.providerId), 0n, 1n],
      });
      await startValidatorProject(winner, { deployment, projectId: requested.projectId, nodeId: nodeId ?? 1n });
      out.say(`  the winner starts the validator project on its node ${nodeId}`);
      ledger.expect(
        "the deposit contract holds 32 ETH",
        await reader.getBalance({ address: c.DepositContract }),
        32n * E,
      );
      return opened.pool;
    },
  );

  // 4. Rewards and claims
  const grow = async (amount: bigint) => {
    await testClient.setBalance({ address: pool, value: (await reader.getBalance({ address: pool })) + amount });
    ledger.injectedEth += amount;
  };
  const rate = await microPool.MAX_REWARD_PER_SECOND(reader, { address: pool });
  await ledger.step("4. Rewards: 1 ETH of consensus rewards reach the pool, are split and claimed", async () => {
    await grow(E);
    out.say("  the beacon chain pays 1 ETH to the pool's withdrawal address (simulated: the balance grows)");
    await advanceTime(testClient, reader, E / rate + 1n);
    await microPool.distribute(reader, { address: pool });
    const claimable = await microPool.claimableOf(reader, {
      address: pool,
      args: [investors[0]?.account.address ?? zeroAddress],
    });
    out.say(`  distribute: insurance and Reward Pool cuts, each investor may claim ${formatUnits(claimable, 18)} ETH`);
    await microPool.claim(investors[0] as DevWallet, { address: pool });
    out.say("  investor1 claims");
    // A Reward Pool period ends: its inflows (MZKU and ETH) stream to the stakes that earned them.
    const period = await rewardPool.period(reader, { address: c.RewardPool });
    await advanceTime(testClient, reader, period[2] + 1n);
    await rewardPool.sync(reader, { address: c.RewardPool });
    const [m, e] = await rewardPool.claimable(reader, {
      address: c.RewardPool,
      args: [StakeObserverStakeClass.Provider, p1.account.address, zeroAddress],
    });
    out.say(
      `  a Reward Pool period passes: provider1's collateral has earned ${formatUnits(m, 18)} MZKU + ${formatUnits(e, 18)} ETH`,
    );
    if (m > 0n || e > 0n) {
      await rewardPool.claim(p1, { address: c.RewardPool, args: [StakeObserverStakeClass.Provider, zeroAddress] });
      out.say("  provider1 claims them");
    }
  });

  // 5. aETH transfer
  await ledger.step(
    "5. An aETH transfer: investor2 sends 2 aETH to the requester; the next 1 ETH follows the aETH",
    async () => {
      const second = investors[1] as DevWallet;
      const before2 = await microPool.claimableOf(reader, { address: pool, args: [second.account.address] });
      await microPool.transfer(second, { address: pool, args: [requester.account.address, 2n * E] });
      await grow(E);
      await advanceTime(testClient, reader, E / rate + 1n);
      await microPool.distribute(reader, { address: pool });
      const after2 = await microPool.claimableOf(reader, { address: pool, args: [second.account.address] });
      const newcomer = await microPool.claimableOf(reader, { address: pool, args: [requester.account.address] });
      out.say(
        `  investor2's claimable grew ${formatUnits(after2 - before2, 18)} ETH (2 aETH), the requester's ${formatUnits(newcomer, 18)} ETH (2 aETH)`,
      );
      ledger.expect("equal aETH earn equal rewards after the transfer", after2 - before2, newcomer);
    },
  );

  // 6. Uptime failure
  const downtime = await ledger.step(
    "6. An uptime failure and its penalty: provider2's node goes down while it runs a project",
    () => uptimeFailure({ deployment, rpcUrl, testClient, out, ledger, requester, owner: p2 }),
  );

  // 7. Election
  /** Moves the clock to `t` unless it is already past it. */
  const jumpTo = async (t: bigint) => {
    if ((await reader.getBlock()).timestamp < t) await advanceTimeTo(testClient, t);
  };
  const elected = await ledger.step(
    "7. A governance election: a candidate backed by delegated sidecar stake wins a free seat",
    async () => {
      const candidate = w(rpcUrl, "candidate");
      const staker = investors[2] as DevWallet;
      const transitionStart = await governance.transitionStart(reader, { address: c.Governance });
      const { timestamp } = await reader.getBlock();
      if (timestamp < transitionStart) await advanceTimeTo(testClient, transitionStart);
      out.say(
        `  the Transition phase has begun (it started ${new Date(Number(transitionStart) * 1000).toISOString().slice(0, 10)})`,
      );
      const min = await governance.minGovernorStake(reader, { address: c.Governance });
      await ensureMzkuAllowance(candidate, deployment, c.Governance, min);
      await governance.applyAsCandidate(candidate, { address: c.Governance, args: [min] });
      out.say(`  candidate applies, locking ${formatUnits(min, 18)} MZKU`);
      const sidecar = devAccount(PROVIDERS[0]?.sidecar ?? 20).address;
      await ensureMzkuAllowance(staker, deployment, c.SidecarStaking, 1000n * E);
      await sidecarStaking.stake(staker, { address: c.SidecarStaking, args: [sidecar, 1000n * E] });
      await sidecarStaking.delegate(staker, { address: c.SidecarStaking, args: [candidate.account.address] });
      out.say("  investor3 stakes 1,000 MZKU to sidecar1 and delegates its votes to the candidate");
      // An election reads votes at the time it became due: one due before the candidate applied (the
      // rewards steps moved the clock months on) is run first, without it; the next one counts it.
      for (;;) {
        const due = await governance.nextElectionAt(reader, { address: c.Governance });
        if ((await reader.getBlock()).timestamp <= due) break;
        await governance.runElection(reader, { address: c.Governance });
        out.say(
          `  an election due ${new Date(Number(due) * 1000).toISOString().slice(0, 10)}, before the candidacy, runs first`,
        );
      }
      const due = await governance.nextElectionAt(reader, { address: c.Governance });
      await jumpTo(due + 1n);
      await governance.runElection(reader, { address: c.Governance });
      out.say(`  the election due ${new Date(Number(due) * 1000).toISOString().slice(0, 10)} runs`);
      const seated = await governance.governors(reader, { address: c.Governance });
      const phase = await governance.phase(reader, { address: c.Governance });
      out.say(
        `  the election runs: ${seated.length} governors, phase ${phase === GovernancePhase.Automated ? "Automated" : String(phase)}`,
      );
      ledger.check("the candidate holds a seat", seated.includes(candidate.account.address));
      return seated;
    },
  );

  // 8. Reconciliation
  out.say("\n== 8. Final balances, reconciled to the wei");
  await ledger.scanFees();
  const endBalances = await ledger.snapshot();
  const endSupply = await mzkuToken.totalSupply(reader, { address: c.MzkuToken });
  let trackedMzku = 0n;
  let ethFlow = 0n;
  const table = [];
  for (const t of ledger.tracked) {
    const key = t.address.toLowerCase();
    const a = endBalances.get(key) ?? { mzku: 0n, eth: 0n };
    const b = startBalances.get(key) ?? { mzku: 0n, eth: 0n };
    trackedMzku += a.mzku;
    const fees = ledger.totalFees(t.address);
    ethFlow += a.eth - b.eth + fees;
    if (a.mzku !== b.mzku || a.eth - b.eth + fees !== 0n) {
      table.push({
        name: t.name,
        address: t.address,
        mzku: a.mzku,
        mzkuChange: a.mzku - b.mzku,
        eth: a.eth,
        ethChangeBeforeGas: a.eth - b.eth + fees,
        gasPaid: fees,
      });
      out.say(
        `   ${t.name.padEnd(16)} ${formatUnits(a.mzku, 18).padStart(12)} MZKU (${signed(a.mzku - b.mzku)})   ETH ${signed(a.eth - b.eth + fees)} before ${formatUnits(fees, 18)} gas`,
      );
    }
  }
  ledger.expect("MZKU: the supply did not change", endSupply, startSupply);
  ledger.expect("MZKU: every token is held by a tracked account or contract", trackedMzku, endSupply);
  ledger.expect("ETH: all moves net of gas add up to the rewards the validator received", ethFlow, ledger.injectedEth);
  let collateral = 0n;
  for (const id of providerIds)
    collateral += (await providerRegistry.getProvider(reader, { address: c.ProviderRegistry, args: [id] })).collateral;
  ledger.expect(
    "MZKU: the providers' collateral is 4 × 10,000 less the downtime slash",
    collateral,
    40_000n * E - downtime.slashed,
  );
  ledger.expect(
    "MZKU: the ProviderRegistry holds exactly the providers' collateral",
    await mzku(c.ProviderRegistry),
    collateral,
  );
  const reconciled = ledger.failures.length === 0;
  out.say(reconciled ? "\nEverything reconciles to the wei." : `\nNOT reconciled:\n  ${ledger.failures.join("\n  ")}`);
  if (!reconciled) throw new CliError("NOT_RECONCILED", `the demo's balances do not reconcile: ${ledger.failures[0]}`);
  return { reconciled, providerIds, example, pool, downtime, governors: elected, balances: table, rpcUrl };
}
