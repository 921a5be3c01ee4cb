import { UsageError } from "@mzku/errors";
import { ensureMzkuAllowance, nodeRegistry, sidecarStaking } from "@mzku/sdk";
import { zeroAddress } from "viem";
import type { ChainCommand } from "../cli/command.js";
import { flag, opt } from "../cli/command.js";
import { CliError } from "../cli/errors.js";
import { formatAmount, parseAmount } from "../cli/units.js";
import { requireBalance } from "./common.js";

const stake: ChainCommand = {
  name: "stake",
  summary: "stake MZKU to a node's sidecar, with vote delegation",
  options: { delegate: { type: "string" }, unstake: { type: "boolean" } },
  help: `mzku stake <sidecar> <amount> [--delegate <candidate>]
mzku stake --unstake <sidecar> <amount>
mzku stake --delegate <candidate|none>

Stakes MZKU to a registered node's sidecar (it earns the sidecar share of the Reward Pool) and, with
--delegate, gives the election votes of all your staked MZKU to a governor or candidate ("none"
removes the delegation). --unstake takes stake back.

Examples:
  mzku stake sidecar1 1000mzku --delegate candidate -a investor1
  mzku stake --unstake sidecar1 500mzku -a investor1
JSON: { staker, sidecar?, staked?, unstaked?, position, totalStake, delegate, transactionHash? }`,
  async run(inv) {
    const { ctx } = inv;
    const wallet = await ctx.wallet();
    const deployment = await ctx.deployment();
    const address = deployment.contracts.SidecarStaking;
    let sidecar: `0x${string}` | undefined;
    let amount: bigint | undefined;
    let hash: `0x${string}` | undefined;
    if (inv.positionals.length > 0) {
      sidecar = await ctx.address(inv.positionals[0], "sidecar");
      amount = parseAmount(inv.positionals[1] ?? "", "MZKU", "amount");
      if (amount === 0n) throw new UsageError("BAD_AMOUNT", "amount must be more than 0");
      const nodeId = await nodeRegistry.nodeIdOfSidecar(wallet, {
        address: deployment.contracts.NodeRegistry,
        args: [sidecar],
      });
      if (nodeId === 0n) {
        throw new CliError("NOT_FOUND", `${sidecar} is not the sidecar of a registered node`);
      }
      if (flag(inv, "unstake")) {
        const position = await sidecarStaking.stakeOf(wallet, { address, args: [sidecar, wallet.account.address] });
        if (position < amount)
          throw new CliError("INSUFFICIENT_FUNDS", `you have ${formatAmount(position, "MZKU")} staked to ${sidecar}`);
        ctx.out.say(`Unstaking ${formatAmount(amount, "MZKU")} from sidecar ${sidecar}`);
        hash = (await sidecarStaking.unstake(wallet, { address, args: [sidecar, amount] })).transactionHash;
      } else {
        await requireBalance(ctx, wallet.account.address, amount, "MZKU", "the stake");
        ctx.out.say(`Staking ${formatAmount(amount, "MZKU")} to sidecar ${sidecar}`);
        await ensureMzkuAllowance(wallet, deployment, address, amount);
        hash = (await sidecarStaking.stake(wallet, { address, args: [sidecar, amount] })).transactionHash;
      }
    } else if (flag(inv, "unstake")) throw new UsageError("BAD_ARGUMENT", "--unstake needs <sidecar> <amount>");
    const delegateText = opt(inv, "delegate");
    if (delegateText !== undefined) {
      const candidate = delegateText === "none" ? zeroAddress : await ctx.address(delegateText, "--delegate");
      ctx.out.say(
        candidate === zeroAddress ? "Removing your vote delegation" : `Delegating your election votes to ${candidate}`,
      );
      hash = (await sidecarStaking.delegate(wallet, { address, args: [candidate] })).transactionHash;
    }
    if (sidecar === undefined && delegateText === undefined)
      throw new UsageError("BAD_ARGUMENT", "give <sidecar> <amount>, or --delegate <candidate>");
    const me = wallet.account.address;
    const totalStake = await sidecarStaking.totalStakeOf(wallet, { address, args: [me] });
    const delegate = await sidecarStaking.delegateOf(wallet, { address, args: [me] });
    const position = sidecar ? await sidecarStaking.stakeOf(wallet, { address, args: [sidecar, me] }) : undefined;
    ctx.out.result(
      {
        staker: me,
        ...(sidecar ? { sidecar, position } : {}),
        ...(amount !== undefined ? (flag(inv, "unstake") ? { unstaked: amount } : { staked: amount }) : {}),
        totalStake,
        delegate,
        ...(hash ? { transactionHash: hash } : {}),
      },
      [
        ...(sidecar ? [`Staked to ${sidecar}: ${formatAmount(position ?? 0n, "MZKU")}`] : []),
        `Your total sidecar stake: ${formatAmount(totalStake, "MZKU")}; votes delegated to ${delegate === zeroAddress ? "nobody" : delegate}.`,
      ],
    );
  },
};

export const stakeCommands: ChainCommand[] = [stake];
