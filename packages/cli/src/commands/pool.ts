import { UsageError } from "@mzku/errors";
import { MicroPoolState, microPool, microPoolFactory, poolStakeCost, providerRegistry, stakeInPool } from "@mzku/sdk";
import type { Address } from "viem";
import type { ChainCommand, Invocation } from "../cli/command.js";
import { opt } from "../cli/command.js";
import type { Context } from "../cli/context.js";
import { CliError } from "../cli/errors.js";
import { formatAmount, parseAmount, parseDuration } from "../cli/units.js";
import { enumName, providerIdOf, requireBalance } from "./common.js";

/** A pool argument: its address, or its id in the factory (1-based, `mzku pool list`). */
export async function poolAddress(ctx: Context, text: string | undefined): Promise<Address> {
  if (text === undefined) throw new UsageError("BAD_ARGUMENT", "which pool? give its address or id (mzku pool list)");
  const deployment = await ctx.deployment();
  const reader = await ctx.reader();
  const factory = deployment.contracts.MicroPoolFactory;
  if (/^\d+$/.test(text)) {
    const count = await microPoolFactory.poolCount(reader, { address: factory });
    const id = BigInt(text);
    if (id === 0n || id > count) throw new CliError("NOT_FOUND", `no pool ${id} (there are ${count})`);
    const [pool] = await microPoolFactory.getPools(reader, { address: factory, args: [id - 1n, 1n] });
    if (!pool) throw new CliError("NOT_FOUND", `no pool ${id}`);
    return pool;
  }
  const address = await ctx.address(text, "pool");
  if (!(await microPoolFactory.isPool(reader, { address: factory, args: [address] }))) {
    throw new CliError("NOT_FOUND", `${address} is not a pool of this deployment`);
  }
  return address;
}

export async function poolView(ctx: Context, pool: Address, holder: Address | undefined) {
  const reader = await ctx.reader();
  const [poolId, providerId, state, totalSupply, fixedPrice, endTime, operator, providerEth] = await Promise.all([
    microPool.poolId(reader, { address: pool }),
    microPool.providerId(reader, { address: pool }),
    microPool.state(reader, { address: pool }),
    microPool.totalSupply(reader, { address: pool }),
    microPool.fixedPrice(reader, { address: pool }),
    microPool.endTime(reader, { address: pool }),
    microPool.operator(reader, { address: pool }),
    microPool.providerEth(reader, { address: pool }),
  ]);
  const mine = holder
    ? {
        holder,
        aEth: await microPool.balanceOf(reader, { address: pool, args: [holder] }),
        claimable: await microPool.claimableOf(reader, { address: pool, args: [holder] }),
      }
    : {};
  return {
    pool,
    poolId,
    providerId,
    operator,
    state: enumName(MicroPoolState, state),
    providerEth: BigInt(providerEth),
    staked: totalSupply,
    missing: 32n * 10n ** 18n - BigInt(providerEth) - totalSupply,
    fixedPrice,
    endTime: BigInt(endTime),
    ...mine,
  };
}

const open: ChainCommand = {
  name: "pool open",
  summary: "open a micro-pool for a validator (providers)",
  options: { end: { type: "string" } },
  help: `mzku pool open [--end 365d]

Opens a micro-pool operated by you (a qualified provider) that runs a validator until --end from now,
sending your ETH share k (set by your trust tier) with it. Investors stake the rest to 32 ETH.

Example:
  mzku pool open --end 365d -a provider1
JSON: { pool, poolId, providerEth, fixedPrice, endTime, transactionHash }`,
  async run(inv) {
    const { ctx } = inv;
    const wallet = await ctx.wallet();
    const deployment = await ctx.deployment();
    const providerId = await providerIdOf(ctx, wallet.account.address);
    const k = await providerRegistry.ethShareOf(wallet, {
      address: deployment.contracts.ProviderRegistry,
      args: [providerId],
    });
    const { timestamp } = await wallet.getBlock();
    const endTime = timestamp + parseDuration(opt(inv, "end") ?? "365d", "--end");
    if (k > 0n) await requireBalance(ctx, wallet.account.address, k, "ETH", "your ETH share of the validator");
    ctx.out.say(
      `Opening a micro-pool until ${new Date(Number(endTime) * 1000).toISOString()} with your ETH share ${formatAmount(k, "ETH")}`,
    );
    const opened = await microPoolFactory.openPool(wallet, {
      address: deployment.contracts.MicroPoolFactory,
      args: [Number(endTime)],
      value: k,
    });
    const fixedPrice = await microPool.fixedPrice(wallet, { address: opened.pool });
    ctx.out.result(
      {
        pool: opened.pool,
        poolId: opened.poolId,
        providerEth: k,
        fixedPrice,
        endTime,
        transactionHash: opened.transactionHash,
      },
      [
        `Pool ${opened.poolId} open at ${opened.pool}; investors stake with 'mzku pool stake ${opened.poolId} <eth>' (FP ${formatAmount(fixedPrice, "MZKU")} per 32 ETH).`,
      ],
    );
  },
};

const stake: ChainCommand = {
  name: "pool stake",
  summary: "stake ETH in a pool (aETH 1:1; pays its share of FP in MZKU)",
  help: `mzku pool stake <pool> <amount>

Stakes <amount> ETH in an open pool (by address or id) and gets as much aETH; pays amount/32 × FP in
MZKU (approving the pool first).

Example:
  mzku pool stake 1 4eth -a investor1
JSON: { pool, staked, mzkuPaid, aEth, poolStaked, transactionHash }`,
  async run(inv) {
    const { ctx } = inv;
    const pool = await poolAddress(ctx, inv.positionals[0]);
    const eth = parseAmount(inv.positionals[1] ?? "", "ETH", "amount");
    if (eth === 0n) throw new UsageError("BAD_AMOUNT", "amount must be more than 0");
    const wallet = await ctx.wallet();
    const deployment = await ctx.deployment();
    const view = await poolView(ctx, pool, wallet.account.address);
    if (view.state !== "Open")
      throw new CliError("WRONG_PHASE", `pool ${view.poolId} is ${view.state}, not taking stakes`);
    if (eth > view.missing)
      throw new CliError("POOL_FULL", `pool ${view.poolId} takes at most ${formatAmount(view.missing, "ETH")} more`);
    const cost = await poolStakeCost(wallet, pool, eth);
    await requireBalance(ctx, wallet.account.address, eth, "ETH", "the stake");
    await requireBalance(ctx, wallet.account.address, cost, "MZKU", "the stake's share of FP");
    ctx.out.say(`Staking ${formatAmount(eth, "ETH")} in pool ${view.poolId} (pays ${formatAmount(cost, "MZKU")})`);
    const { mzkuPaid, receipt } = await stakeInPool(wallet, deployment, pool, eth);
    const after = await poolView(ctx, pool, wallet.account.address);
    ctx.out.result(
      {
        pool,
        staked: eth,
        mzkuPaid,
        aEth: after.aEth,
        poolStaked: after.staked,
        transactionHash: receipt.transactionHash,
      },
      [
        `You hold ${formatAmount(after.aEth ?? 0n, "ETH")} aETH; pool ${view.poolId} has ${formatAmount(after.staked + after.providerEth, "ETH")} of 32 (provider ${formatAmount(after.providerEth, "ETH")}).`,
      ],
    );
  },
};

const withdraw: ChainCommand = {
  name: "pool withdraw",
  summary: "take ETH back from a pool that has not started (or was cancelled)",
  help: `mzku pool withdraw <pool> <amount>

Burns <amount> aETH of an Open or Cancelled pool for as much ETH and your MZKU back.

Example:
  mzku pool withdraw 1 1eth -a investor1
JSON: { pool, withdrawn, aEth, transactionHash }`,
  async run(inv) {
    const { ctx } = inv;
    const pool = await poolAddress(ctx, inv.positionals[0]);
    const amount = parseAmount(inv.positionals[1] ?? "", "ETH", "amount");
    const wallet = await ctx.wallet();
    const view = await poolView(ctx, pool, wallet.account.address);
    if (view.state !== "Open" && view.state !== "Cancelled") {
      throw new CliError(
        "WRONG_PHASE",
        `pool ${view.poolId} is ${view.state}: withdraw only before activation or after a cancellation`,
      );
    }
    if ((view.aEth ?? 0n) < amount) {
      throw new CliError(
        "INSUFFICIENT_FUNDS",
        `you hold ${formatAmount(view.aEth ?? 0n, "ETH")} aETH in pool ${view.poolId}`,
      );
    }
    ctx.out.say(`Withdrawing ${formatAmount(amount, "ETH")} from pool ${view.poolId}`);
    const receipt = await microPool.withdraw(wallet, { address: pool, args: [amount] });
    const after = await poolView(ctx, pool, wallet.account.address);
    ctx.out.result({ pool, withdrawn: amount, aEth: after.aEth, transactionHash: receipt.transactionHash }, [
      `Withdrawn; you hold ${formatAmount(after.aEth ?? 0n, "ETH")} aETH.`,
    ]);
  },
};

const claim: ChainCommand = {
  name: "pool claim",
  summary: "claim your ETH rewards from a pool",
  help: `mzku pool claim <pool>

Example:
  mzku pool claim 1 -a investor1
JSON: { pool, claimed, transactionHash }`,
  async run(inv) {
    const { ctx } = inv;
    const pool = await poolAddress(ctx, inv.positionals[0]);
    const wallet = await ctx.wallet();
    const claimable = await microPool.claimableOf(wallet, { address: pool, args: [wallet.account.address] });
    if (claimable === 0n)
      throw new CliError("NOTHING_TO_CLAIM", `${wallet.account.address} has no rewards to claim in ${pool}`);
    ctx.out.say(`Claiming ${formatAmount(claimable, "ETH")} of rewards`);
    const receipt = await microPool.claim(wallet, { address: pool });
    ctx.out.result({ pool, claimed: claimable, transactionHash: receipt.transactionHash }, [
      `Claimed ${formatAmount(claimable, "ETH")}.`,
    ]);
  },
};

const status: ChainCommand = {
  name: "pool status",
  summary: "a pool's state, stake and (with --account) your aETH and rewards",
  help: `mzku pool status <pool>

Example:
  mzku pool status 1 -a investor1 --json
JSON: { pool, poolId, providerId, operator, state, providerEth, staked, missing, fixedPrice, endTime, holder?, aEth?, claimable? }`,
  async run(inv) {
    const { ctx } = inv;
    const pool = await poolAddress(ctx, inv.positionals[0]);
    const v = await poolView(ctx, pool, await ctx.accountAddressIfGiven());
    ctx.out.result(v, [
      `Pool ${v.poolId} (${pool}) of provider ${v.providerId}: ${v.state}, ${formatAmount(v.staked, "ETH")} of investors + ${formatAmount(v.providerEth, "ETH")} provider of 32, FP ${formatAmount(v.fixedPrice, "MZKU")}`,
      ...(v.holder
        ? [
            `  ${v.holder}: ${formatAmount(v.aEth ?? 0n, "ETH")} aETH, ${formatAmount(v.claimable ?? 0n, "ETH")} claimable`,
          ]
        : []),
    ]);
  },
};

const list: ChainCommand = {
  name: "pool list",
  summary: "every micro-pool",
  help: `mzku pool list

Example:
  mzku pool list --json
JSON: { pools: [ <pool status> ] }`,
  async run(inv: Invocation) {
    const { ctx } = inv;
    const deployment = await ctx.deployment();
    const reader = await ctx.reader();
    const factory = deployment.contracts.MicroPoolFactory;
    const count = await microPoolFactory.poolCount(reader, { address: factory });
    const addresses =
      count === 0n ? [] : await microPoolFactory.getPools(reader, { address: factory, args: [0n, count] });
    const holder = await ctx.accountAddressIfGiven();
    const pools = [];
    for (const a of addresses) pools.push(await poolView(ctx, a, holder));
    ctx.out.result({ pools }, [
      `${pools.length} pool(s)`,
      ...pools.map(
        (v) =>
          `  ${v.poolId}  ${v.state.padEnd(9)}  ${formatAmount(v.staked + v.providerEth, "ETH")} of 32  provider ${v.providerId}  ${v.pool}`,
      ),
    ]);
  },
};

export const poolCommands: ChainCommand[] = [open, stake, withdraw, claim, status, list];
