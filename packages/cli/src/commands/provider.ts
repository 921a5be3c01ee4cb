import { UsageError } from "@mzku/errors";
import {
  applyAsProvider,
  commitBid,
  currentBlock,
  depositCollateral,
  eventsNamed,
  getEvents,
  NodeStatus,
  newBidSalt,
  nodeRegistry,
  ProjectMarketStatus,
  projectMarket,
  providerRegistry,
  revealBid,
  TrustTier,
} from "@mzku/sdk";
import { zeroAddress } from "viem";
import type { ChainCommand } from "../cli/command.js";
import { flag, opt } from "../cli/command.js";
import { findBid, saveBid } from "../cli/dataDir.js";
import { CliError } from "../cli/errors.js";
import { formatAmount, formatSeconds, parseAmount, parseId } from "../cli/units.js";
import { requireBefore, waitForWindow } from "../cli/windows.js";
import {
  describeResources,
  enumName,
  mzkuBalance,
  providerIdOf,
  RESOURCE_HELP,
  RESOURCE_OPTIONS,
  requireBalance,
  resourcesFrom,
} from "./common.js";

const apply: ChainCommand = {
  name: "provider apply",
  summary: "apply as a provider (optionally locking collateral)",
  options: {
    ...RESOURCE_OPTIONS,
    name: { type: "string" },
    "price-cap": { type: "string" },
    metadata: { type: "string" },
    collateral: { type: "string" },
  },
  help: `mzku provider apply --name <brand> [--cpu 16 --ram 64 --storage 8000 --bandwidth 1000]
                     [--price-cap 1000mzku] [--metadata <uri>] [--collateral <amount>]

Applies as a provider with the capacity you offer. Governance qualifies providers (mzku gov propose
--action 'providerRegistry.qualify(<id>)'); --collateral also locks collateral (mzku provider collateral).
${RESOURCE_HELP}

Example:
  mzku provider apply --name "Acme Nodes" --collateral 10000mzku -a provider1
JSON: { providerId, owner, collateralDeposited, transactionHash }`,
  async run(inv) {
    const { ctx } = inv;
    const name = opt(inv, "name");
    if (!name) throw new UsageError("BAD_ARGUMENT", "--name <brand> is required");
    const capacity = resourcesFrom(inv, { cpuCores: 16, ramGb: 64, storageGb: 8000, bandwidthMbps: 1000 });
    const priceCap = parseAmount(opt(inv, "price-cap") ?? "1000", "MZKU", "--price-cap");
    const collateralText = opt(inv, "collateral");
    const collateral = collateralText === undefined ? 0n : parseAmount(collateralText, "MZKU", "--collateral");
    const wallet = await ctx.wallet();
    const deployment = await ctx.deployment();
    const existing = await providerRegistry.providerIdOf(wallet, {
      address: deployment.contracts.ProviderRegistry,
      args: [wallet.account.address],
    });
    if (existing !== 0n)
      throw new CliError("ALREADY_PROVIDER", `${wallet.account.address} is already provider ${existing}`);
    if (collateral > 0n) await requireBalance(ctx, wallet.account.address, collateral, "MZKU", "the collateral");
    ctx.out.say(
      `Applying as provider "${name}" offering ${describeResources(capacity)}, price cap ${formatAmount(priceCap, "MZKU")}`,
    );
    const { providerId, receipt } = await applyAsProvider(wallet, deployment, {
      brandName: name,
      capacity,
      priceCap,
      metadataURI: opt(inv, "metadata") ?? "",
    });
    if (collateral > 0n) {
      ctx.out.say(`Locking ${formatAmount(collateral, "MZKU")} collateral`);
      await depositCollateral(wallet, deployment, collateral);
    }
    ctx.out.result(
      {
        providerId,
        owner: wallet.account.address,
        collateralDeposited: collateral,
        transactionHash: receipt.transactionHash,
      },
      [`Provider ${providerId} applied (owner ${wallet.account.address}); governance qualifies it.`],
    );
  },
};

const collateral: ChainCommand = {
  name: "provider collateral",
  summary: "lock more MZKU as provider collateral",
  help: `mzku provider collateral <amount>

Locks <amount> MZKU (approving the registry first) as your provider collateral; it earns Reward Pool
rewards and backs your nodes.

Example:
  mzku provider collateral 5000mzku -a provider1
JSON: { providerId, deposited, collateral, transactionHash }`,
  async run(inv) {
    const { ctx } = inv;
    const amount = parseAmount(inv.positionals[0] ?? "", "MZKU", "amount");
    if (amount === 0n) throw new UsageError("BAD_AMOUNT", "amount must be more than 0");
    const wallet = await ctx.wallet();
    const deployment = await ctx.deployment();
    const providerId = await providerIdOf(ctx, wallet.account.address);
    await requireBalance(ctx, wallet.account.address, amount, "MZKU", "the collateral");
    ctx.out.say(`Locking ${formatAmount(amount, "MZKU")} collateral for provider ${providerId}`);
    const receipt = await depositCollateral(wallet, deployment, amount);
    const provider = await providerRegistry.getProvider(wallet, {
      address: deployment.contracts.ProviderRegistry,
      args: [providerId],
    });
    ctx.out.result(
      { providerId, deposited: amount, collateral: provider.collateral, transactionHash: receipt.transactionHash },
      [`Provider ${providerId} collateral is now ${formatAmount(provider.collateral, "MZKU")}.`],
    );
  },
};

const bid: ChainCommand = {
  name: "provider bid",
  summary: "commit a sealed bid on a project (the salt is kept locally for the reveal)",
  help: `mzku provider bid <projectId> <price>

Commits a sealed bid of <price> MZKU on an open project during its commit window, topping up your
bid bond first. The salt that opens the bid is saved under your data directory (MZKU_DATA_DIR, else
$XDG_DATA_HOME/mzku, else ~/.local/share/mzku) before anything is sent, so 'mzku provider reveal'
finds it.

Example:
  mzku provider bid 1 60mzku -a provider1
JSON: { projectId, index, price, commitEndBlock, revealEndBlock, saltFile, transactionHash }`,
  async run(inv) {
    const { ctx } = inv;
    const projectId = parseId(inv.positionals[0], "projectId");
    const price = parseAmount(inv.positionals[1] ?? "", "MZKU", "price");
    const wallet = await ctx.wallet();
    const deployment = await ctx.deployment();
    const market = deployment.contracts.ProjectMarket;
    const project = await projectMarket.getProject(wallet, { address: market, args: [projectId] });
    if (project.status !== ProjectMarketStatus.Bidding) {
      throw new CliError(
        "WRONG_PHASE",
        `project ${projectId} is ${enumName(ProjectMarketStatus, project.status)}, not taking bids`,
      );
    }
    await requireBefore(wallet, `the commit window of project ${projectId}`, BigInt(project.commitEndBlock));
    await providerIdOf(ctx, wallet.account.address);
    const bond = await projectMarket.bondBalanceOf(wallet, { address: market, args: [wallet.account.address] });
    if (bond < project.bidBond) {
      await requireBalance(ctx, wallet.account.address, project.bidBond - bond, "MZKU", "the bid bond");
    }
    const salt = newBidSalt();
    const chainId = (await ctx.getChain()).id;
    const committedAt = new Date().toISOString();
    const commitment = await projectMarket.commitmentOf(wallet, {
      address: market,
      args: [price, salt, wallet.account.address, projectId],
    });
    const saltFile = saveBid(chainId, market, projectId, wallet.account.address, {
      index: "",
      price: price.toString(),
      salt,
      commitment,
      committedAt,
    });
    ctx.out.say(
      `Committing a sealed bid of ${formatAmount(price, "MZKU")} on project ${projectId} (bid bond ${formatAmount(project.bidBond, "MZKU")}; salt saved in ${saltFile})`,
    );
    const sealed = await commitBid(wallet, deployment, { projectId, price, salt });
    saveBid(chainId, market, projectId, wallet.account.address, {
      index: sealed.index.toString(),
      price: price.toString(),
      salt,
      commitment,
      committedAt,
    });
    ctx.out.result(
      {
        projectId,
        index: sealed.index,
        price,
        commitEndBlock: BigInt(project.commitEndBlock),
        revealEndBlock: BigInt(project.revealEndBlock),
        saltFile,
        transactionHash: sealed.receipt.transactionHash,
      },
      [
        `Bid ${sealed.index} committed on project ${projectId}.`,
        `Reveal it with 'mzku provider reveal ${projectId}' in blocks ${project.commitEndBlock} to ${BigInt(project.revealEndBlock) - 1n}.`,
      ],
    );
  },
};

const reveal: ChainCommand = {
  name: "provider reveal",
  summary: "reveal your bid (waits for the reveal window)",
  options: { "no-wait": { type: "boolean" } },
  help: `mzku provider reveal <projectId> [--no-wait]

Reveals the bid 'mzku provider bid' committed (its salt is read from your data directory). Waits for
the reveal window to open (it opens at the project's commitEndBlock); --no-wait fails instead, saying
when it opens.

Example:
  mzku provider reveal 1 -a provider1
JSON: { projectId, index, price, transactionHash }`,
  async run(inv) {
    const { ctx } = inv;
    const projectId = parseId(inv.positionals[0], "projectId");
    const wallet = await ctx.wallet();
    const deployment = await ctx.deployment();
    const market = deployment.contracts.ProjectMarket;
    const chainId = (await ctx.getChain()).id;
    const stored = findBid(chainId, market, projectId, wallet.account.address);
    if (!stored)
      throw new CliError(
        "NO_BID",
        `no bid saved for project ${projectId} by ${wallet.account.address} (mzku provider bid first)`,
      );
    const project = await projectMarket.getProject(wallet, { address: market, args: [projectId] });
    if (project.status !== ProjectMarketStatus.Bidding) {
      throw new CliError(
        "WRONG_PHASE",
        `project ${projectId} is ${enumName(ProjectMarketStatus, project.status)}: bids can no longer be revealed`,
      );
    }
    await waitForWindow(
      wallet,
      ctx.out,
      `The reveal window of project ${projectId}`,
      BigInt(project.commitEndBlock),
      flag(inv, "no-wait"),
    );
    await requireBefore(wallet, `the reveal window of project ${projectId}`, BigInt(project.revealEndBlock));
    let index = stored.index === "" ? undefined : BigInt(stored.index);
    if (index === undefined) {
      const events = await getEvents(wallet, {
        contracts: { ProjectMarket: market },
        fromBlock: deployment.startBlock,
      });
      const mine = eventsNamed(events, "ProjectMarket", "BidCommitted").find(
        (e) => e.args.projectId === projectId && e.args.bidder.toLowerCase() === wallet.account.address.toLowerCase(),
      );
      if (!mine) throw new CliError("NO_BID", `no committed bid of ${wallet.account.address} on project ${projectId}`);
      index = mine.args.index;
    }
    const price = BigInt(stored.price);
    ctx.out.say(`Revealing bid ${index} of ${formatAmount(price, "MZKU")} on project ${projectId}`);
    const receipt = await revealBid(wallet, deployment, { projectId, index, price, salt: stored.salt });
    ctx.out.result({ projectId, index, price, transactionHash: receipt.transactionHash }, [
      `Bid ${index} revealed; anyone settles the auction from block ${project.revealEndBlock} (mzku project settle ${projectId}).`,
    ]);
  },
};

const nodes: ChainCommand = {
  name: "provider nodes",
  summary: "list your nodes, or add one (--add --sidecar <address>)",
  options: { ...RESOURCE_OPTIONS, add: { type: "boolean" }, sidecar: { type: "string" } },
  help: `mzku provider nodes [--add --sidecar <address> --cpu 8 --ram 32 --storage 2000 --bandwidth 1000]

Lists your nodes; with --add registers a node run by <sidecar> with these resources and activates it.

Examples:
  mzku provider nodes -a provider1
  mzku provider nodes --add --sidecar 0x... --cpu 8 -a provider1
JSON: { providerId, nodes: [{ nodeId, sidecar, status, resources }], added? }`,
  async run(inv) {
    const { ctx } = inv;
    const deployment = await ctx.deployment();
    const address = deployment.contracts.NodeRegistry;
    let added: bigint | undefined;
    let owner: `0x${string}`;
    if (flag(inv, "add")) {
      const wallet = await ctx.wallet();
      owner = wallet.account.address;
      await providerIdOf(ctx, owner);
      const sidecar = await ctx.address(opt(inv, "sidecar"), "--sidecar");
      const resources = resourcesFrom(inv, { cpuCores: 8, ramGb: 32, storageGb: 2000, bandwidthMbps: 1000 });
      ctx.out.say(`Registering a node (${describeResources(resources)}) run by sidecar ${sidecar}`);
      const { nodeId } = await nodeRegistry.registerNode(wallet, { address, args: [sidecar, resources] });
      ctx.out.say(`Activating node ${nodeId}`);
      await nodeRegistry.activateNode(wallet, { address, args: [nodeId] });
      added = nodeId;
    } else {
      const given = await ctx.accountAddressIfGiven();
      if (!given) throw new UsageError("NO_ACCOUNT", "whose nodes? pass --account, --private-key or --keystore");
      owner = given;
    }
    const reader = await ctx.reader();
    const providerId = await providerIdOf(ctx, owner);
    const ids = await nodeRegistry.nodesOfProvider(reader, { address, args: [providerId, 0n, 100n] });
    const list = [];
    for (const nodeId of ids) {
      const n = await nodeRegistry.getNode(reader, { address, args: [nodeId] });
      list.push({ nodeId, sidecar: n.sidecar, status: enumName(NodeStatus, n.status), resources: n.resources });
    }
    ctx.out.result({ providerId, nodes: list, ...(added !== undefined ? { added } : {}) }, [
      ...(added !== undefined ? [`Node ${added} registered and active.`] : []),
      `Provider ${providerId}: ${list.length} node(s)`,
      ...list.map((n) => `  node ${n.nodeId}  ${n.status}  sidecar ${n.sidecar}  ${describeResources(n.resources)}`),
    ]);
  },
};

const start: ChainCommand = {
  name: "provider start",
  summary: "start a project you won on one of your nodes",
  options: { node: { type: "string" } },
  help: `mzku provider start <projectId> [--node <nodeId>]

Starts an assigned project (you won its auction) on one of your active nodes with enough resources
and no project yet (the first such node unless --node), before the start deadline.

Example:
  mzku provider start 1 -a provider1
JSON: { projectId, nodeId, transactionHash }`,
  async run(inv) {
    const { ctx } = inv;
    const projectId = parseId(inv.positionals[0], "projectId");
    const wallet = await ctx.wallet();
    const deployment = await ctx.deployment();
    const { ProjectMarket, NodeRegistry } = deployment.contracts;
    const project = await projectMarket.getProject(wallet, { address: ProjectMarket, args: [projectId] });
    if (project.status !== ProjectMarketStatus.Assigned) {
      throw new CliError(
        "WRONG_PHASE",
        `project ${projectId} is ${enumName(ProjectMarketStatus, project.status)}, not Assigned`,
      );
    }
    if (project.winner.toLowerCase() !== wallet.account.address.toLowerCase()) {
      throw new CliError(
        "NOT_WINNER",
        `project ${projectId} was won by ${project.winner}, not ${wallet.account.address}`,
      );
    }
    let nodeId = opt(inv, "node") === undefined ? undefined : parseId(opt(inv, "node"), "--node");
    if (nodeId === undefined) {
      const ids = await nodeRegistry.nodesOfProvider(wallet, {
        address: NodeRegistry,
        args: [BigInt(project.providerId), 0n, 100n],
      });
      for (const id of ids) {
        const n = await nodeRegistry.getNode(wallet, { address: NodeRegistry, args: [id] });
        const [lockHolder] = await nodeRegistry.lockOf(wallet, { address: NodeRegistry, args: [id] });
        const r = n.resources;
        const need = project.resources;
        if (
          n.status === NodeStatus.Active &&
          lockHolder === zeroAddress &&
          r.cpuCores >= need.cpuCores &&
          r.ramGb >= need.ramGb &&
          r.storageGb >= need.storageGb &&
          r.bandwidthMbps >= need.bandwidthMbps
        ) {
          nodeId = id;
          break;
        }
      }
      if (nodeId === undefined)
        throw new CliError("NO_FREE_NODE", `no free active node fits project ${projectId} (mzku provider nodes --add)`);
    }
    ctx.out.say(`Starting project ${projectId} on node ${nodeId}`);
    const receipt = await projectMarket.startProject(wallet, { address: ProjectMarket, args: [projectId, nodeId] });
    ctx.out.result({ projectId, nodeId, transactionHash: receipt.transactionHash }, [
      `Project ${projectId} runs on node ${nodeId} for ${formatSeconds(project.duration)}; report the profit with 'mzku provider complete ${projectId} --profit <X>'.`,
    ]);
  },
};

const complete: ChainCommand = {
  name: "provider complete",
  summary: "report a finished project's profit X (escrowed until governance confirms)",
  options: { profit: { type: "string" } },
  help: `mzku provider complete <projectId> --profit <X>

Reports that the project ran its duration and made profit X (MZKU), paying X into escrow. Governance
confirms it (proposals.projectMarket.confirmCompletion), which splits X + FP.

Example:
  mzku provider complete 1 --profit 300mzku -a provider1
JSON: { projectId, profit, transactionHash }`,
  async run(inv) {
    const { ctx } = inv;
    const projectId = parseId(inv.positionals[0], "projectId");
    const profitText = opt(inv, "profit");
    if (profitText === undefined) throw new UsageError("BAD_ARGUMENT", "--profit <X> is required");
    const profit = parseAmount(profitText, "MZKU", "--profit");
    const wallet = await ctx.wallet();
    const deployment = await ctx.deployment();
    const address = deployment.contracts.ProjectMarket;
    const project = await projectMarket.getProject(wallet, { address, args: [projectId] });
    if (project.status !== ProjectMarketStatus.Running) {
      throw new CliError(
        "WRONG_PHASE",
        `project ${projectId} is ${enumName(ProjectMarketStatus, project.status)}, not Running`,
      );
    }
    const ends = BigInt(project.startedAt) + BigInt(project.duration);
    const { timestamp } = await wallet.getBlock();
    if (timestamp < ends) {
      throw new CliError(
        "WRONG_PHASE",
        `project ${projectId} runs until ${new Date(Number(ends) * 1000).toISOString()} (in ${formatSeconds(ends - timestamp)})`,
      );
    }
    await requireBalance(ctx, wallet.account.address, profit, "MZKU", "the profit escrow");
    const { ensureMzkuAllowance } = await import("@mzku/sdk");
    ctx.out.say(`Reporting project ${projectId} complete with profit ${formatAmount(profit, "MZKU")} (escrowed)`);
    await ensureMzkuAllowance(wallet, deployment, address, profit);
    const receipt = await projectMarket.submitCompletion(wallet, { address, args: [projectId, profit] });
    ctx.out.result({ projectId, profit, transactionHash: receipt.transactionHash }, [
      `Profit of project ${projectId} submitted; governance confirms it.`,
    ]);
  },
};

const withdraw: ChainCommand = {
  name: "provider withdraw",
  summary: "request a collateral withdrawal, or complete one after unbonding (--complete)",
  options: { complete: { type: "boolean" } },
  help: `mzku provider withdraw <amount>
mzku provider withdraw --complete

Requests to withdraw <amount> MZKU of collateral (it unbonds first); --complete pays out a request
whose unbonding has passed (or says when it will have).

Example:
  mzku provider withdraw 1000mzku -a provider1
JSON: { providerId, requested | withdrawn, readyAt, transactionHash }`,
  async run(inv) {
    const { ctx } = inv;
    const wallet = await ctx.wallet();
    const deployment = await ctx.deployment();
    const address = deployment.contracts.ProviderRegistry;
    const providerId = await providerIdOf(ctx, wallet.account.address);
    if (flag(inv, "complete")) {
      const [amount, readyAt] = await providerRegistry.unbondingOf(wallet, { address, args: [providerId] });
      if (amount === 0n)
        throw new CliError("NOTHING_TO_WITHDRAW", `provider ${providerId} has no withdrawal requested`);
      const { timestamp } = await wallet.getBlock();
      if (timestamp < readyAt) {
        throw new CliError(
          "WRONG_PHASE",
          `the withdrawal of ${formatAmount(amount, "MZKU")} is ready at ${new Date(Number(readyAt) * 1000).toISOString()} (in ${formatSeconds(readyAt - timestamp)})`,
        );
      }
      const before = await mzkuBalance(wallet, ctx, wallet.account.address);
      ctx.out.say(`Withdrawing ${formatAmount(amount, "MZKU")} of unbonded collateral`);
      const receipt = await providerRegistry.withdrawCollateral(wallet, { address });
      const got = (await mzkuBalance(wallet, ctx, wallet.account.address)) - before;
      ctx.out.result({ providerId, withdrawn: got, transactionHash: receipt.transactionHash }, [
        `Received ${formatAmount(got, "MZKU")}.`,
      ]);
      return;
    }
    const amount = parseAmount(inv.positionals[0] ?? "", "MZKU", "amount");
    ctx.out.say(`Requesting a withdrawal of ${formatAmount(amount, "MZKU")} collateral (it unbonds first)`);
    const receipt = await providerRegistry.requestWithdrawal(wallet, { address, args: [amount] });
    const [, readyAt] = await providerRegistry.unbondingOf(wallet, { address, args: [providerId] });
    ctx.out.result(
      { providerId, requested: amount, readyAt: BigInt(readyAt), transactionHash: receipt.transactionHash },
      [
        `Withdrawal requested; 'mzku provider withdraw --complete' from ${new Date(Number(readyAt) * 1000).toISOString()}.`,
      ],
    );
  },
};

const status: ChainCommand = {
  name: "provider status",
  summary: "a provider's qualification, collateral, nodes and bond",
  help: `mzku provider status [<providerId>]

Shows a provider (yours with --account) : qualification, trust tier, collateral, nodes, bid bond.

Example:
  mzku provider status 1
JSON: { providerId, owner, qualified, tier, collateral, ethShare, activeNodes, maxNodes, priceCap, bidBond }`,
  async run(inv) {
    const { ctx } = inv;
    const deployment = await ctx.deployment();
    const reader = await ctx.reader();
    let providerId: bigint;
    if (inv.positionals[0] !== undefined) providerId = parseId(inv.positionals[0], "providerId");
    else {
      const who = await ctx.accountAddressIfGiven();
      if (!who) throw new UsageError("BAD_ARGUMENT", "which provider? give <providerId> or --account");
      providerId = await providerIdOf(ctx, who);
    }
    const count = await providerRegistry.providerCount(reader, { address: deployment.contracts.ProviderRegistry });
    if (providerId === 0n || providerId > count)
      throw new CliError("NOT_FOUND", `no provider ${providerId} (there are ${count})`);
    const p = await providerRegistry.getProvider(reader, {
      address: deployment.contracts.ProviderRegistry,
      args: [providerId],
    });
    const bidBond = await projectMarket.bondBalanceOf(reader, {
      address: deployment.contracts.ProjectMarket,
      args: [p.owner],
    });
    const result = {
      providerId,
      owner: p.owner,
      qualified: p.qualified,
      tier: enumName(TrustTier, p.tier),
      collateral: p.collateral,
      ethShare: p.ethShare,
      activeNodes: p.activeNodes,
      maxNodes: p.maxNodes,
      priceCap: p.priceCap,
      bidBond,
      block: await currentBlock(reader),
    };
    ctx.out.result(result, [
      `Provider ${providerId} (${p.owner}): ${p.qualified ? "qualified" : "not qualified"}, ${result.tier}`,
      `  collateral ${formatAmount(p.collateral, "MZKU")}, bid bond ${formatAmount(bidBond, "MZKU")}, price cap ${formatAmount(p.priceCap, "MZKU")}`,
      `  nodes ${p.activeNodes}/${p.maxNodes}, ETH share per validator ${formatAmount(p.ethShare, "ETH")}`,
    ]);
  },
};

export const providerCommands: ChainCommand[] = [
  apply,
  collateral,
  bid,
  reveal,
  nodes,
  start,
  complete,
  withdraw,
  status,
];
