import { UsageError } from "@mzku/errors";
import { ensureMzkuAllowance, governance } from "@mzku/sdk";
import { type ChainCommand, flag } from "../cli/command.js";
import type { Context, Wallet } from "../cli/context.js";
import { CliError } from "../cli/errors.js";
import { formatAmount, formatSeconds, parseAmount } from "../cli/units.js";
import { requireBalance } from "./common.js";

const iso = (t: bigint) => new Date(Number(t) * 1000).toISOString();

/** The Governance contract and what it knows of `wallet`'s account: seat, candidacy, locked and pending MZKU. */
async function memberView(ctx: Context, wallet: Wallet) {
  const address = (await ctx.deployment()).contracts.Governance;
  const who = wallet.account.address;
  const [seated, candidate, locked, exit] = await Promise.all([
    governance.isGovernor(wallet, { address, args: [who] }),
    governance.isCandidate(wallet, { address, args: [who] }),
    governance.lockedStake(wallet, { address, args: [who] }),
    governance.exitOf(wallet, { address, args: [who] }),
  ]);
  return {
    address,
    who,
    seated,
    candidate,
    locked,
    pending: exit.pending,
    withdrawableAt: BigInt(exit.withdrawableAt),
  };
}

const addStake: ChainCommand = {
  name: "gov add-stake",
  summary: "a governor or candidate locks more MZKU (more votes of its own)",
  help: `mzku gov add-stake <amount>

Locks <amount> more MZKU as a seated governor or a candidate (approving Governance first).

Example:
  mzku gov add-stake 5000mzku -a investor6
JSON: { account, added, locked, transactionHash }`,
  async run(inv) {
    const { ctx } = inv;
    const amount = parseAmount(inv.positionals[0] ?? "", "MZKU", "amount");
    if (amount === 0n) throw new UsageError("BAD_AMOUNT", "amount must be more than 0");
    const wallet = await ctx.wallet();
    const m = await memberView(ctx, wallet);
    if (!m.seated && !m.candidate) {
      throw new CliError("NOT_CANDIDATE", `${m.who} is neither a governor nor a candidate (mzku gov apply first)`);
    }
    await requireBalance(ctx, m.who, amount, "MZKU", "the added stake");
    ctx.out.say(`Locking ${formatAmount(amount, "MZKU")} more (locked now ${formatAmount(m.locked, "MZKU")})`);
    await ensureMzkuAllowance(wallet, await ctx.deployment(), m.address, amount);
    const receipt = await governance.addStake(wallet, { address: m.address, args: [amount] });
    const locked = await governance.lockedStake(wallet, { address: m.address, args: [m.who] });
    ctx.out.result({ account: m.who, added: amount, locked, transactionHash: receipt.transactionHash }, [
      `${m.who} locks ${formatAmount(locked, "MZKU")}.`,
    ]);
  },
};

const resign: ChainCommand = {
  name: "gov resign",
  summary: "a governor gives up its seat (its stake stays locked until withdrawn)",
  help: `mzku gov resign

Gives up your seat. Proposals you could vote on and did not still count as missed votes. Your stake
stays locked: request it back with 'mzku gov withdraw <amount>'.

Example:
  mzku gov resign -a gov3
JSON: { account, governors, transactionHash }`,
  async run(inv) {
    const { ctx } = inv;
    const wallet = await ctx.wallet();
    const m = await memberView(ctx, wallet);
    if (!m.seated) throw new CliError("NOT_GOVERNOR", `${m.who} is not a seated governor`);
    ctx.out.say(`Resigning the seat of ${m.who}`);
    const receipt = await governance.resign(wallet, { address: m.address });
    const governors = await governance.governors(wallet, { address: m.address });
    ctx.out.result({ account: m.who, governors, transactionHash: receipt.transactionHash }, [
      `${m.who} resigned; ${governors.length} governors remain.`,
    ]);
  },
};

const withdraw: ChainCommand = {
  name: "gov withdraw",
  summary: "request locked governor MZKU back, or take it after the delay (--complete)",
  options: { complete: { type: "boolean" } },
  help: `mzku gov withdraw <amount>
mzku gov withdraw --complete

Requests <amount> of your locked MZKU back (not while seated: resign first); a candidate left under
the minimum stake leaves the candidate list. After the withdrawal delay, --complete sends it to you.

Example:
  mzku gov withdraw 10000mzku -a investor6 && mzku devnet advance 8d && mzku gov withdraw --complete -a investor6
JSON: { account, requested, pending, withdrawableAt, transactionHash } / { account, withdrawn, transactionHash }`,
  async run(inv) {
    const { ctx } = inv;
    const complete = flag(inv, "complete");
    if (complete === (inv.positionals[0] !== undefined)) {
      throw new UsageError("BAD_ARGUMENT", "give an amount to request, or --complete to take a requested withdrawal");
    }
    const amount = complete ? 0n : parseAmount(inv.positionals[0] ?? "", "MZKU", "amount");
    if (!complete && amount === 0n) throw new UsageError("BAD_AMOUNT", "amount must be more than 0");
    const wallet = await ctx.wallet();
    const m = await memberView(ctx, wallet);
    if (complete) {
      if (m.pending === 0n) throw new CliError("NOTHING_TO_WITHDRAW", `${m.who} has no requested withdrawal`);
      const { timestamp } = await wallet.getBlock();
      if (timestamp < m.withdrawableAt) {
        throw new CliError(
          "WRONG_PHASE",
          `the withdrawal of ${formatAmount(m.pending, "MZKU")} is ready at ${iso(m.withdrawableAt)} (in ${formatSeconds(m.withdrawableAt - timestamp)})`,
        );
      }
      ctx.out.say(`Withdrawing ${formatAmount(m.pending, "MZKU")}`);
      const receipt = await governance.withdraw(wallet, { address: m.address });
      ctx.out.result({ account: m.who, withdrawn: m.pending, transactionHash: receipt.transactionHash }, [
        `Withdrawn ${formatAmount(m.pending, "MZKU")}.`,
      ]);
      return;
    }
    if (m.seated) throw new CliError("WRONG_PHASE", `${m.who} is seated: resign first (mzku gov resign)`);
    if (m.locked < amount) {
      throw new CliError("INSUFFICIENT_FUNDS", `${m.who} locks ${formatAmount(m.locked, "MZKU")} in Governance`);
    }
    ctx.out.say(`Requesting ${formatAmount(amount, "MZKU")} of your locked stake back`);
    const receipt = await governance.requestWithdrawal(wallet, { address: m.address, args: [amount] });
    const after = await memberView(ctx, wallet);
    ctx.out.result(
      {
        account: m.who,
        requested: amount,
        pending: after.pending,
        withdrawableAt: after.withdrawableAt,
        transactionHash: receipt.transactionHash,
      },
      [
        `${formatAmount(after.pending, "MZKU")} ready at ${iso(after.withdrawableAt)}${after.candidate ? "" : "; you are not a candidate any more"}.`,
      ],
    );
  },
};

export const govStakeCommands: ChainCommand[] = [addStake, resign, withdraw];
