import { UsageError } from "@mzku/errors";
import { currentBlock, ProjectMarketStatus, pricingPolicy, projectMarket, requestProject } from "@mzku/sdk";
import type { ChainCommand, Invocation } from "../cli/command.js";
import { flag, opt } from "../cli/command.js";
import { CliError } from "../cli/errors.js";
import { formatAmount, parseAmount, parseDuration, parseId } from "../cli/units.js";
import { waitForWindow } from "../cli/windows.js";
import {
  describeResources,
  enumName,
  RESOURCE_HELP,
  RESOURCE_OPTIONS,
  requireBalance,
  resourcesFrom,
} from "./common.js";

const SHAPE_OPTIONS = { ...RESOURCE_OPTIONS, duration: { type: "string" }, type: { type: "string" } } as const;
const SHAPE_HELP = `${RESOURCE_HELP} (default 4 / 16 / 100 / 100)
  --duration <1d|12h|seconds> (default 1d)   --type <project type> (default 2)`;

function shape(inv: Invocation) {
  const resources = resourcesFrom(inv, { cpuCores: 4, ramGb: 16, storageGb: 100, bandwidthMbps: 100 });
  const duration = parseDuration(opt(inv, "duration") ?? "1d", "--duration");
  const typeText = opt(inv, "type") ?? "2";
  const projectType = Number(typeText);
  if (!Number.isInteger(projectType) || projectType < 0 || projectType > 255) {
    throw new UsageError("BAD_ARGUMENT", `--type must be 0-255, got "${typeText}"`);
  }
  return { resources, duration, projectType };
}

const quote: ChainCommand = {
  name: "project quote",
  summary: "the fixed price (FP) a project would cost",
  options: SHAPE_OPTIONS,
  help: `mzku project quote [--cpu 4 --ram 16 --storage 100 --bandwidth 100] [--duration 1d] [--type 2]

Prints the fixed price FP (MZKU) governance's price list gives this project, and the expected profit.
${SHAPE_HELP}

Example:
  mzku project quote --cpu 8 --duration 7d
JSON: { fixedPrice, expectedProfit, resources, duration, projectType }`,
  async run(inv) {
    const { ctx } = inv;
    const s = shape(inv);
    const deployment = await ctx.deployment();
    const [fixedPrice, expectedProfit] = await pricingPolicy.quote(await ctx.reader(), {
      address: deployment.contracts.PricingPolicy,
      args: [s.resources, s.duration, s.projectType],
    });
    ctx.out.result({ fixedPrice, expectedProfit, ...s }, [
      `FP ${formatAmount(fixedPrice, "MZKU")} for ${describeResources(s.resources)}, ${s.duration} s, type ${s.projectType} (expected profit ${formatAmount(expectedProfit, "MZKU")})`,
    ]);
  },
};

const request: ChainCommand = {
  name: "project request",
  summary: "open a project: pay FP and start its sealed-bid auction",
  options: { ...SHAPE_OPTIONS, "max-price": { type: "string" } },
  help: `mzku project request [--cpu 4 --ram 16 --storage 100 --bandwidth 100] [--duration 1d] [--type 2] [--max-price <mzku>]

Pays the quoted fixed price FP (approving the market first) and opens the project; qualified
providers then commit and reveal sealed bids. --max-price refuses a quote above it.
${SHAPE_HELP}

Example:
  mzku project request --cpu 4 --duration 1d -a requester
JSON: { projectId, fixedPrice, commitEndBlock, revealEndBlock, transactionHash }`,
  async run(inv) {
    const { ctx } = inv;
    const s = shape(inv);
    const wallet = await ctx.wallet();
    const deployment = await ctx.deployment();
    const [fixedPrice] = await pricingPolicy.quote(wallet, {
      address: deployment.contracts.PricingPolicy,
      args: [s.resources, s.duration, s.projectType],
    });
    const maxText = opt(inv, "max-price");
    const max = maxText === undefined ? undefined : parseAmount(maxText, "MZKU", "--max-price");
    if (max !== undefined && fixedPrice > max) {
      throw new CliError(
        "PRICE_TOO_HIGH",
        `FP is ${formatAmount(fixedPrice, "MZKU")}, above --max-price ${formatAmount(max, "MZKU")}`,
      );
    }
    await requireBalance(ctx, wallet.account.address, fixedPrice, "MZKU", "the fixed price");
    ctx.out.say(
      `Opening a project (${describeResources(s.resources)}, ${s.duration} s, type ${s.projectType}) paying FP ${formatAmount(fixedPrice, "MZKU")}`,
    );
    const opened = await requestProject(wallet, deployment, {
      ...s,
      ...(max !== undefined ? { maxFixedPrice: max } : {}),
    });
    ctx.out.result(
      {
        projectId: opened.projectId,
        fixedPrice: opened.fixedPrice,
        commitEndBlock: opened.commitEndBlock,
        revealEndBlock: opened.revealEndBlock,
        transactionHash: opened.receipt.transactionHash,
      },
      [
        `Project ${opened.projectId} open: bids are committed before block ${opened.commitEndBlock} and revealed in blocks ${opened.commitEndBlock} to ${opened.revealEndBlock - 1n}.`,
      ],
    );
  },
};

async function projectView(inv: Invocation, projectId: bigint) {
  const { ctx } = inv;
  const deployment = await ctx.deployment();
  const reader = await ctx.reader();
  const address = deployment.contracts.ProjectMarket;
  const count = await projectMarket.projectCount(reader, { address });
  if (projectId === 0n || projectId > count)
    throw new CliError("NOT_FOUND", `no project ${projectId} (there are ${count})`);
  const p = await projectMarket.getProject(reader, { address, args: [projectId] });
  const block = await currentBlock(reader);
  const commitEnd = BigInt(p.commitEndBlock);
  const revealEnd = BigInt(p.revealEndBlock);
  const phase =
    p.status !== ProjectMarketStatus.Bidding
      ? enumName(ProjectMarketStatus, p.status)
      : block + 1n < commitEnd
        ? "Commit"
        : block < revealEnd
          ? "Reveal"
          : "Settle";
  return {
    projectId,
    status: enumName(ProjectMarketStatus, p.status),
    phase,
    requester: p.requester,
    projectType: p.projectType,
    resources: p.resources,
    duration: p.duration,
    fixedPrice: p.fixedPrice,
    bidBond: p.bidBond,
    commitEndBlock: commitEnd,
    revealEndBlock: revealEnd,
    bids: p.commitCount,
    winner: p.winner,
    providerId: BigInt(p.providerId),
    price: p.price,
    nodeId: BigInt(p.nodeId),
    startDeadline: BigInt(p.startDeadline),
    startedAt: BigInt(p.startedAt),
    block,
  };
}

const status: ChainCommand = {
  name: "project status",
  summary: "a project's phase, windows, bids and winner",
  help: `mzku project status <projectId>

Phase is Commit / Reveal / Settle while bidding (by block), else the project's status.

Example:
  mzku project status 1 --json
JSON: { projectId, status, phase, requester, fixedPrice, commitEndBlock, revealEndBlock, bids, winner, providerId, price, nodeId, block, ... }`,
  async run(inv) {
    const v = await projectView(inv, parseId(inv.positionals[0], "projectId"));
    inv.ctx.out.result(v, [
      `Project ${v.projectId}: ${v.phase} (block ${v.block}), FP ${formatAmount(v.fixedPrice, "MZKU")}, ${v.bids} bid(s)`,
      `  commit before block ${v.commitEndBlock}, reveal in blocks ${v.commitEndBlock} to ${v.revealEndBlock - 1n}`,
      ...(v.providerId !== 0n
        ? [
            `  winner provider ${v.providerId} (${v.winner}) at ${formatAmount(v.price, "MZKU")}${v.nodeId !== 0n ? `, node ${v.nodeId}` : ""}`,
          ]
        : []),
    ]);
  },
};

const list: ChainCommand = {
  name: "project list",
  summary: "every project (yours with --mine)",
  options: { mine: { type: "boolean" } },
  help: `mzku project list [--mine]

Example:
  mzku project list --mine -a requester
JSON: { projects: [ <project status> ] }`,
  async run(inv) {
    const { ctx } = inv;
    const deployment = await ctx.deployment();
    const count = await projectMarket.projectCount(await ctx.reader(), { address: deployment.contracts.ProjectMarket });
    const mine = flag(inv, "mine") ? await ctx.accountAddressIfGiven() : undefined;
    if (flag(inv, "mine") && !mine)
      throw new UsageError("NO_ACCOUNT", "--mine needs --account, --private-key or --keystore");
    const projects = [];
    for (let id = 1n; id <= count; id++) {
      const v = await projectView(inv, id);
      if (!mine || v.requester.toLowerCase() === mine.toLowerCase()) projects.push(v);
    }
    ctx.out.result({ projects }, [
      `${projects.length} project(s)`,
      ...projects.map(
        (v) =>
          `  ${v.projectId}  ${v.phase.padEnd(9)}  FP ${formatAmount(v.fixedPrice, "MZKU")}  requester ${v.requester}`,
      ),
    ]);
  },
};

const settle: ChainCommand = {
  name: "project settle",
  summary: "settle an auction after its reveal window (anyone)",
  options: { "no-wait": { type: "boolean" } },
  help: `mzku project settle <projectId> [--no-wait]

Draws the winner once the reveal window has closed (waits for it; --no-wait fails instead).

Example:
  mzku project settle 1 -a requester
JSON: { projectId, status, winner, providerId, price, transactionHash }`,
  async run(inv) {
    const { ctx } = inv;
    const projectId = parseId(inv.positionals[0], "projectId");
    const wallet = await ctx.wallet();
    const deployment = await ctx.deployment();
    const address = deployment.contracts.ProjectMarket;
    const p = await projectMarket.getProject(wallet, { address, args: [projectId] });
    if (p.status !== ProjectMarketStatus.Bidding) {
      throw new CliError(
        "WRONG_PHASE",
        `project ${projectId} is ${enumName(ProjectMarketStatus, p.status)}: nothing to settle`,
      );
    }
    await waitForWindow(
      wallet,
      ctx.out,
      `Settlement of project ${projectId}`,
      BigInt(p.revealEndBlock),
      flag(inv, "no-wait"),
    );
    // The draw uses the hash of a block after the reveal window: mined on a devnet by this transaction's predecessor.
    ctx.out.say(`Settling project ${projectId}`);
    let receipt = await projectMarket.settle(wallet, { address, args: [projectId] }).catch(async (error: unknown) => {
      if (String((error as Error).message).includes("DrawPending")) {
        await waitForWindow(wallet, ctx.out, "The draw block", BigInt(p.drawBlock) + 1n, flag(inv, "no-wait"));
        return projectMarket.settle(wallet, { address, args: [projectId] });
      }
      throw error;
    });
    let after = await projectMarket.getProject(wallet, { address, args: [projectId] });
    if (after.status === ProjectMarketStatus.Bidding) {
      // The draw block was re-armed (its hash was too old): settle again next block.
      receipt = await projectMarket.settle(wallet, { address, args: [projectId] });
      after = await projectMarket.getProject(wallet, { address, args: [projectId] });
    }
    const result = {
      projectId,
      status: enumName(ProjectMarketStatus, after.status),
      winner: after.winner,
      providerId: BigInt(after.providerId),
      price: after.price,
      transactionHash: receipt.transactionHash,
    };
    ctx.out.result(result, [
      after.status === ProjectMarketStatus.Assigned
        ? `Project ${projectId} assigned to provider ${result.providerId} (${after.winner}) at ${formatAmount(after.price, "MZKU")}.`
        : `Project ${projectId} settled: ${result.status}.`,
    ]);
  },
};

export const projectCommands: ChainCommand[] = [quote, request, status, list, settle];
