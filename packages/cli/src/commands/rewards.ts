import { decodeEvents, findEvent, rewardPool, StakeObserverStakeClass, sidecarStaking } from "@mzku/sdk";
import { type Address, type TransactionReceipt, zeroAddress } from "viem";
import type { ChainCommand } from "../cli/command.js";
import type { Context } from "../cli/context.js";
import { CliError } from "../cli/errors.js";
import { formatAmount } from "../cli/units.js";
import { enumName } from "./common.js";

type Position = { class: string; classId: number; key: Address; stake: bigint; mzku: bigint; eth: bigint };

/** Every Reward Pool position of `account`: governor, provider and requester stakes (key 0) and each sidecar it stakes to. */
async function positions(
  ctx: Context,
  account: Address,
): Promise<{ positions: Position[]; owedMzku: bigint; owedEth: bigint; periodDue: boolean }> {
  const deployment = await ctx.deployment();
  const reader = await ctx.reader();
  const address = deployment.contracts.RewardPool;
  const keys: { classId: number; key: Address }[] = [
    { classId: StakeObserverStakeClass.Governor, key: zeroAddress },
    { classId: StakeObserverStakeClass.Provider, key: zeroAddress },
    { classId: StakeObserverStakeClass.Requester, key: zeroAddress },
  ];
  const [sidecars] = await sidecarStaking.sidecars(reader, {
    address: deployment.contracts.SidecarStaking,
    args: [0n, 100n],
  });
  for (const s of sidecars) keys.push({ classId: StakeObserverStakeClass.Sidecar, key: s });
  const out: Position[] = [];
  for (const { classId, key } of keys) {
    const [mzku, eth] = await rewardPool.claimable(reader, { address, args: [classId, account, key] });
    const stake = await rewardPool.stakeOf(reader, { address, args: [classId, account, key] });
    if (stake > 0n || mzku > 0n || eth > 0n)
      out.push({ class: enumName(StakeObserverStakeClass, classId), classId, key, stake, mzku, eth });
  }
  const [owedMzku, owedEth] = await rewardPool.owedOf(reader, { address, args: [account] });
  return { positions: out, owedMzku, owedEth, periodDue: await periodDue(ctx) };
}

/** Whether the Reward Pool's current period is over and the next one not started (claims never start one). */
async function periodDue(ctx: Context): Promise<boolean> {
  const reader = await ctx.reader();
  const [, start, length] = await rewardPool.period(reader, { address: (await ctx.deployment()).contracts.RewardPool });
  const { timestamp } = await reader.getBlock();
  return timestamp >= start + length;
}

const DUE_HINT = "a Reward Pool period is due: 'mzku rewards sync' starts it (claims never do)";

const human = (p: Position) =>
  `  ${p.class}${p.key !== zeroAddress ? ` ${p.key}` : ""}: stake ${formatAmount(p.stake, "MZKU")}, claimable ${formatAmount(p.mzku, "MZKU")} + ${formatAmount(p.eth, "ETH")}`;

const status: ChainCommand = {
  name: "rewards status",
  summary: "your Reward Pool positions and what each can claim",
  help: `mzku rewards status

Shows each stake that earns from the Reward Pool (governor, provider collateral, sidecar stakes,
requester FP) with what it can claim now, and anything owed from earlier claims. Rewards that came in
during a period stream over the next one, which starts when someone runs 'mzku rewards sync'
(periodDue says one is due).

Example:
  mzku rewards status -a provider1 --json
JSON: { account, positions: [{ class, classId, key, stake, mzku, eth }], owedMzku, owedEth, periodDue }`,
  async run(inv) {
    const { ctx } = inv;
    const account = await ctx.accountAddressIfGiven();
    if (!account) throw new CliError("NO_ACCOUNT", "whose rewards? pass --account, --private-key or --keystore");
    const r = await positions(ctx, account);
    ctx.out.result({ account, ...r }, [
      `${account}: ${r.positions.length} position(s)`,
      ...r.positions.map(human),
      ...(r.owedMzku || r.owedEth
        ? [`  owed: ${formatAmount(r.owedMzku, "MZKU")} + ${formatAmount(r.owedEth, "ETH")}`]
        : []),
      ...(r.periodDue ? [`  ${DUE_HINT}`] : []),
    ]);
  },
};

const claim: ChainCommand = {
  name: "rewards claim",
  summary: "claim every Reward Pool position that has something to claim",
  help: `mzku rewards claim

Claims MZKU and ETH rewards of each of your positions with a non-zero claimable amount (one
transaction each), and what the pool owes you from earlier claims.

Example:
  mzku rewards claim -a provider1
JSON: { account, claimed: [{ class, key, mzku, eth, transactionHash }], totalMzku, totalEth }`,
  async run(inv) {
    const { ctx } = inv;
    const wallet = await ctx.wallet();
    const deployment = await ctx.deployment();
    const address = deployment.contracts.RewardPool;
    const account = wallet.account.address;
    const r = await positions(ctx, account);
    const claimable = r.positions.filter((p) => p.mzku > 0n || p.eth > 0n);
    if (claimable.length === 0 && r.owedMzku === 0n && r.owedEth === 0n) {
      throw new CliError(
        "NOTHING_TO_CLAIM",
        `${account} has no rewards to claim yet${r.periodDue ? ` (${DUE_HINT})` : " (mzku rewards status)"}`,
      );
    }
    const claimed = [];
    // What a claim pays streams on until its block: the amounts come from its RewardPoolClaimed event.
    const paid = (receipt: TransactionReceipt) => {
      const event = findEvent(decodeEvents(receipt.logs, { RewardPool: address }), "RewardPool", "RewardPoolClaimed");
      return { mzku: event?.args.mzku ?? 0n, eth: event?.args.eth ?? 0n, transactionHash: receipt.transactionHash };
    };
    for (const p of claimable) {
      ctx.out.say(`Claiming ${formatAmount(p.mzku, "MZKU")} + ${formatAmount(p.eth, "ETH")} (${p.class})`);
      const receipt = await rewardPool.claim(wallet, { address, args: [p.classId, p.key] });
      claimed.push({ class: p.class, key: p.key, ...paid(receipt) });
    }
    const [owedMzku, owedEth] = await rewardPool.owedOf(wallet, { address, args: [account] });
    if (owedMzku > 0n || owedEth > 0n) {
      ctx.out.say(`Claiming what the pool owes: ${formatAmount(owedMzku, "MZKU")} + ${formatAmount(owedEth, "ETH")}`);
      const receipt = await rewardPool.claimOwed(wallet, { address });
      claimed.push({ class: "Owed", key: zeroAddress, ...paid(receipt) });
    }
    const totalMzku = claimed.reduce((a, c) => a + c.mzku, 0n);
    const totalEth = claimed.reduce((a, c) => a + c.eth, 0n);
    ctx.out.result({ account, claimed, totalMzku, totalEth }, [
      `Claimed ${formatAmount(totalMzku, "MZKU")} + ${formatAmount(totalEth, "ETH")}.`,
    ]);
  },
};

const sync: ChainCommand = {
  name: "rewards sync",
  summary: "start the Reward Pool's due period (anyone; the treasury is expected to, once a period)",
  help: `mzku rewards sync

Starts the Reward Pool's due periods and brings its accounting up to now. What came in during a
period streams over the next one; stake changes and claims never start a period, so someone (the
development treasury, once a period, or anyone) runs this.

Example:
  mzku rewards sync -a treasury
JSON: { periodIndex, periodStart, periodLength, started, transactionHash }`,
  async run(inv) {
    const { ctx } = inv;
    const wallet = await ctx.wallet();
    const address = (await ctx.deployment()).contracts.RewardPool;
    const [before] = await rewardPool.period(wallet, { address });
    ctx.out.say(`Syncing the Reward Pool (period ${before})`);
    const receipt = await rewardPool.sync(wallet, { address });
    const [index, start, length] = await rewardPool.period(wallet, { address });
    ctx.out.result(
      {
        periodIndex: index,
        periodStart: start,
        periodLength: length,
        started: index - before,
        transactionHash: receipt.transactionHash,
      },
      [
        index > before
          ? `Period ${index} started (${index - before} started by this sync); it streams what came in before.`
          : `Period ${index} is still running; accounting brought up to now.`,
      ],
    );
  },
};

export const rewardsCommands: ChainCommand[] = [status, claim, sync];
