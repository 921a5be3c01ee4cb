import { UsageError } from "@mzku/errors";
import {
  ensureMzkuAllowance,
  executeProposal,
  GovernancePhase,
  GovernanceProposalState,
  GovernanceSupport,
  governance,
  proposeActions,
} from "@mzku/sdk";
import type { ChainCommand } from "../cli/command.js";
import { opt } from "../cli/command.js";
import type { Context } from "../cli/context.js";
import { CliError } from "../cli/errors.js";
import { governedFunctions, parseProposalAction } from "../cli/proposalActions.js";
import { formatAmount, formatSeconds, parseAmount, parseId } from "../cli/units.js";
import { enumName, requireBalance } from "./common.js";

const iso = (t: bigint) => new Date(Number(t) * 1000).toISOString();

async function proposalView(ctx: Context, proposalId: bigint) {
  const deployment = await ctx.deployment();
  const reader = await ctx.reader();
  const address = deployment.contracts.Governance;
  const count = await governance.proposalCount(reader, { address });
  if (proposalId === 0n || proposalId > count)
    throw new CliError("NOT_FOUND", `no proposal ${proposalId} (there are ${count})`);
  const p = await governance.proposal(reader, { address, args: [proposalId] });
  const state = await governance.state(reader, { address, args: [proposalId] });
  return {
    proposalId,
    state: enumName(GovernanceProposalState, state),
    proposer: p.proposer,
    for: p.forVotes,
    against: p.againstVotes,
    abstain: p.abstainVotes,
    quorum: p.quorum,
    eligible: p.eligible,
    voteEnd: BigInt(p.voteEnd),
    eta: BigInt(p.eta),
    expiresAt: BigInt(p.expiresAt),
  };
}

const propose: ChainCommand = {
  name: "gov propose",
  summary: "propose governance actions (typed: contract.function(args))",
  options: { action: { type: "string", multiple: true }, description: { type: "string" } },
  help: `mzku gov propose --description <text> --action '<contract>.<function>(<args>)' [--action ...]

Builds each action with the sdk's typed proposal builder (the function's ABI converts the arguments:
integers take units like 100mzku, enums their names, addresses contract or devnet account names,
tuples JSON objects) and proposes them (governors only). A micro-pool clone: microPool@<address>.complete().

Examples:
  mzku gov propose -a gov1 --description "qualify provider 5" --action 'providerRegistry.qualify(5)'
  mzku gov propose -a gov1 --description "quorum 60%" --action 'governance.setParam(QuorumBps, 6000)'
  mzku gov propose -a gov1 --description "confirm project 1" --action 'projectMarket.confirmCompletion(1, 300mzku)'
JSON: { proposalId, actions: [{ target, value, data }], voteEnd, eta, transactionHash }

Governance-only functions:
${governedFunctions()
  .map((f) => `  ${f}`)
  .join("\n")}`,
  async run(inv) {
    const { ctx } = inv;
    const texts = (inv.values.action as string[] | undefined) ?? [];
    if (texts.length === 0)
      throw new UsageError("BAD_ARGUMENT", "give at least one --action 'contract.function(args)'");
    const description = opt(inv, "description");
    if (!description) throw new UsageError("BAD_ARGUMENT", "--description <text> is required");
    const deployment = await ctx.deployment();
    const devnet = await ctx.isDevnet();
    const actions = texts.map((t) => parseProposalAction(t, deployment, devnet));
    const wallet = await ctx.wallet();
    if (
      !(await governance.isGovernor(wallet, {
        address: deployment.contracts.Governance,
        args: [wallet.account.address],
      }))
    ) {
      throw new CliError("NOT_GOVERNOR", `${wallet.account.address} is not a seated governor`);
    }
    ctx.out.say(`Proposing "${description}": ${texts.join("; ")}`);
    const { proposalId, receipt } = await proposeActions(wallet, deployment, actions, description);
    const v = await proposalView(ctx, proposalId);
    ctx.out.result({ proposalId, actions, voteEnd: v.voteEnd, eta: v.eta, transactionHash: receipt.transactionHash }, [
      `Proposal ${proposalId} created: voting until ${iso(v.voteEnd)}, executable from ${iso(v.eta)}.`,
    ]);
  },
};

const vote: ChainCommand = {
  name: "gov vote",
  summary: "vote for, against or abstain on a proposal (governors)",
  help: `mzku gov vote <proposalId> for|against|abstain

Example:
  mzku gov vote 2 for -a gov2
JSON: { proposalId, support, for, against, abstain, transactionHash }`,
  async run(inv) {
    const { ctx } = inv;
    const proposalId = parseId(inv.positionals[0], "proposalId");
    const choice = (inv.positionals[1] ?? "").toLowerCase();
    const support = {
      for: GovernanceSupport.For,
      against: GovernanceSupport.Against,
      abstain: GovernanceSupport.Abstain,
    }[choice];
    if (support === undefined)
      throw new UsageError("BAD_ARGUMENT", `vote must be for, against or abstain, got "${inv.positionals[1] ?? ""}"`);
    const before = await proposalView(ctx, proposalId);
    if (before.state !== "Active")
      throw new CliError(
        "WRONG_PHASE",
        `proposal ${proposalId} is ${before.state}: voting ended ${iso(before.voteEnd)}`,
      );
    const wallet = await ctx.wallet();
    const deployment = await ctx.deployment();
    ctx.out.say(`Voting ${choice} on proposal ${proposalId}`);
    const receipt = await governance.castVote(wallet, {
      address: deployment.contracts.Governance,
      args: [proposalId, support],
    });
    const v = await proposalView(ctx, proposalId);
    ctx.out.result(
      {
        proposalId,
        support: choice,
        for: v.for,
        against: v.against,
        abstain: v.abstain,
        transactionHash: receipt.transactionHash,
      },
      [
        `Proposal ${proposalId}: ${v.for} for, ${v.against} against, ${v.abstain} abstain (quorum ${v.quorum} of ${v.eligible}).`,
      ],
    );
  },
};

const execute: ChainCommand = {
  name: "gov execute",
  summary: "execute a passed proposal once its timelock has passed",
  help: `mzku gov execute <proposalId>

Executes the proposal with the calls it was created with (read from its ProposalCreated event). Before
its timelock ends it says when it becomes executable (on a devnet: mzku devnet advance <duration>).

Example:
  mzku gov execute 2 -a gov1
JSON: { proposalId, state, transactionHash }`,
  async run(inv) {
    const { ctx } = inv;
    const proposalId = parseId(inv.positionals[0], "proposalId");
    const v = await proposalView(ctx, proposalId);
    const reader = await ctx.reader();
    const { timestamp } = await reader.getBlock();
    if (v.state === "Active" || v.state === "Queued") {
      throw new CliError(
        "WRONG_PHASE",
        `proposal ${proposalId} is ${v.state}: executable from ${iso(v.eta)} (in ${formatSeconds(v.eta - timestamp)}), if it passes`,
      );
    }
    if (v.state !== "Executable")
      throw new CliError("WRONG_PHASE", `proposal ${proposalId} is ${v.state}, not executable`);
    const wallet = await ctx.wallet();
    ctx.out.say(`Executing proposal ${proposalId}`);
    const receipt = await executeProposal(wallet, await ctx.deployment(), proposalId);
    ctx.out.result({ proposalId, state: "Executed", transactionHash: receipt.transactionHash }, [
      `Proposal ${proposalId} executed.`,
    ]);
  },
};

const apply: ChainCommand = {
  name: "gov apply",
  summary: "apply as a governor candidate, locking MZKU",
  help: `mzku gov apply <stake>

Locks <stake> MZKU (at least the minimum governor stake) and joins the candidate list for the next
election (from the Transition phase on). Sidecar stakers delegate their votes with 'mzku stake --delegate'.

Example:
  mzku gov apply 10000mzku -a candidate
JSON: { candidate, locked, transactionHash }`,
  async run(inv) {
    const { ctx } = inv;
    const amount = parseAmount(inv.positionals[0] ?? "", "MZKU", "stake");
    const wallet = await ctx.wallet();
    const deployment = await ctx.deployment();
    const address = deployment.contracts.Governance;
    const min = await governance.minGovernorStake(wallet, { address });
    if (amount < min) throw new UsageError("BAD_AMOUNT", `a candidate locks at least ${formatAmount(min, "MZKU")}`);
    const phase = await governance.phase(wallet, { address });
    if (phase === GovernancePhase.Initialization) {
      const start = await governance.transitionStart(wallet, { address });
      throw new CliError("WRONG_PHASE", `candidates apply from the Transition phase, which starts ${iso(start)}`);
    }
    await requireBalance(ctx, wallet.account.address, amount, "MZKU", "the candidate stake");
    ctx.out.say(`Applying as a candidate with ${formatAmount(amount, "MZKU")} locked`);
    await ensureMzkuAllowance(wallet, deployment, address, amount);
    const receipt = await governance.applyAsCandidate(wallet, { address, args: [amount] });
    ctx.out.result({ candidate: wallet.account.address, locked: amount, transactionHash: receipt.transactionHash }, [
      `${wallet.account.address} is a candidate; the next election is due ${iso(await governance.nextElectionAt(wallet, { address }))}.`,
    ]);
  },
};

const elect: ChainCommand = {
  name: "gov elect",
  summary: "run the due election (anyone)",
  help: `mzku gov elect

Runs the election once it is due (strictly after nextElectionAt); before that it says when.

Example:
  mzku gov elect -a candidate
JSON: { governors, nextElectionAt, transactionHash }`,
  async run(inv) {
    const { ctx } = inv;
    const deployment = await ctx.deployment();
    const address = deployment.contracts.Governance;
    const reader = await ctx.reader();
    const due = await governance.nextElectionAt(reader, { address });
    const { timestamp } = await reader.getBlock();
    if (timestamp <= due) {
      throw new CliError(
        "WRONG_PHASE",
        `the next election is due after ${iso(due)} (in ${formatSeconds(due - timestamp + 1n)})`,
      );
    }
    const wallet = await ctx.wallet();
    ctx.out.say("Running the election");
    const receipt = await governance.runElection(wallet, { address });
    const governors = await governance.governors(wallet, { address });
    const next = await governance.nextElectionAt(wallet, { address });
    ctx.out.result({ governors, nextElectionAt: next, transactionHash: receipt.transactionHash }, [
      `Elected: ${governors.join(", ")}`,
      `Next election due ${iso(next)}.`,
    ]);
  },
};

const status: ChainCommand = {
  name: "gov status",
  summary: "governance phase, governors, candidates, proposals (or one proposal)",
  help: `mzku gov status [<proposalId>]

Example:
  mzku gov status --json
  mzku gov status 2
JSON: { phase, governors: [{ address, locked }], candidates, nextElectionAt, proposals: [<proposal>] } or one
      { proposalId, state, proposer, for, against, abstain, quorum, eligible, voteEnd, eta, expiresAt }`,
  async run(inv) {
    const { ctx } = inv;
    if (inv.positionals[0] !== undefined) {
      const v = await proposalView(ctx, parseId(inv.positionals[0], "proposalId"));
      ctx.out.result(v, [
        `Proposal ${v.proposalId}: ${v.state}; ${v.for} for, ${v.against} against, ${v.abstain} abstain (quorum ${v.quorum} of ${v.eligible})`,
        `  voting until ${iso(v.voteEnd)}, executable ${iso(v.eta)} to ${iso(v.expiresAt)}`,
      ]);
      return;
    }
    const deployment = await ctx.deployment();
    const reader = await ctx.reader();
    const address = deployment.contracts.Governance;
    const phase = enumName(GovernancePhase, await governance.phase(reader, { address }));
    const seated = await governance.governors(reader, { address });
    const governors = [];
    for (const a of seated)
      governors.push({ address: a, locked: (await governance.member(reader, { address, args: [a] })).locked });
    const candidateCount = await governance.candidateCount(reader, { address });
    const candidates =
      candidateCount === 0n ? [] : await governance.candidates(reader, { address, args: [0n, candidateCount] });
    const nextElectionAt = await governance.nextElectionAt(reader, { address });
    const count = await governance.proposalCount(reader, { address });
    const proposals = [];
    for (let id = count > 10n ? count - 9n : 1n; id <= count; id++) proposals.push(await proposalView(ctx, id));
    ctx.out.result({ phase, governors, candidates, nextElectionAt, proposalCount: count, proposals }, [
      `Phase ${phase}; next election due ${iso(nextElectionAt)}`,
      `Governors: ${governors.map((g) => `${g.address} (${formatAmount(g.locked, "MZKU")})`).join(", ")}`,
      `Candidates: ${candidates.length ? candidates.join(", ") : "none"}`,
      ...proposals.map((p) => `  proposal ${p.proposalId}: ${p.state}, ${p.for}/${p.against}/${p.abstain}`),
    ]);
  },
};

export const govCommands: ChainCommand[] = [propose, vote, execute, apply, elect, status];
