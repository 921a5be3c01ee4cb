import {
  auditorsOf,
  auditTargets,
  commitBid,
  type Deployment,
  encodeVotes,
  mzkuToken,
  nodeRegistry,
  ProjectMarketStatus,
  projectMarket,
  projectMarketAbi,
  providerRegistry,
  reputation,
  requestProject,
  revealBid,
  uptimeReports,
} from "@mzku/sdk";
import { type DevWallet, devWallet, mineTo } from "@mzku/sdk/devnet";
import { formatUnits, parseEventLogs, type TestClient, type TransactionReceipt, zeroHash } from "viem";
import { CliError } from "../cli/errors.js";
import type { Output } from "../cli/output.js";
import { E, PROVIDERS } from "../devnetSetup.js";
import type { Ledger } from "./demo.js";

// Step 6 of `mzku demo`: an uptime failure through the real contract path. The four sidecars join
// UptimeReports' roster; provider2 wins a project and starts it on its node; the node goes down (its
// sidecar with it, so it reports nothing); each live sidecar reports its assigned targets for every
// period exactly as `mzku sidecar start` does (the assignment recomputed with the sdk), voting
// provider2's node down; after `failLimit` down periods UptimeReports calls
// `ProjectMarket.failOnDowntime`, which fails the project and slashes the reserved collateral.

export interface UptimeFailureArgs {
  deployment: Deployment;
  rpcUrl: string;
  testClient: TestClient;
  out: Output;
  ledger: Ledger;
  requester: DevWallet;
  /** The provider whose node goes down (provider2). */
  owner: DevWallet;
}

export interface UptimeFailure {
  projectId: bigint;
  providerId: bigint;
  nodeId: bigint;
  downPeriods: bigint[];
  uptimeBps: { before: number; after: number };
  score: { before: bigint; after: bigint };
  collateral: { before: bigint; after: bigint };
  refund: bigint;
  loss: bigint;
  slashed: bigint;
}

/** What each provider sends its sidecar for the gas of joining and reporting. */
const GAS_FUNDS = E / 10n;

const pct = (bps: number) => `${(bps / 100).toFixed(2)}%`;

export async function uptimeFailure(a: UptimeFailureArgs): Promise<UptimeFailure> {
  const { deployment, rpcUrl, testClient, out, ledger, requester, owner } = a;
  const c = deployment.contracts;
  const reader = devWallet(rpcUrl, 0);
  const reports = c.UptimeReports;
  const sidecars = PROVIDERS.map((p) => ({ name: `sidecar${p.name.slice(-1)}`, wallet: devWallet(rpcUrl, p.sidecar) }));

  // Each provider funds its sidecar's gas; the sidecars join the roster (what `mzku sidecar start`
  // does once its node is Active).
  for (const [i, s] of sidecars.entries()) {
    const provider = devWallet(rpcUrl, PROVIDERS[i]?.index ?? 0);
    await reader.waitForTransactionReceipt({
      hash: await provider.sendTransaction({ to: s.wallet.account.address, value: GAS_FUNDS }),
    });
    await uptimeReports.join(s.wallet, { address: reports });
  }
  const [periodBlocks, failLimit] = await Promise.all([
    uptimeReports.periodBlocks(reader, { address: reports }),
    uptimeReports.failLimit(reader, { address: reports }),
  ]);
  out.say(
    `  provider1-4 each send their sidecar ${formatUnits(GAS_FUNDS, 18)} ETH for gas; sidecar1-4 join UptimeReports' roster (periods of ${periodBlocks} blocks; ${failLimit} down periods in a row fail a running project)`,
  );

  // provider2 wins a day-long project and starts it on its node.
  const providerId = await providerRegistry.providerIdOf(reader, {
    address: c.ProviderRegistry,
    args: [owner.account.address],
  });
  const [nodeId] = await nodeRegistry.nodesOfProvider(reader, { address: c.NodeRegistry, args: [providerId, 0n, 1n] });
  if (nodeId === undefined) throw new CliError("DEMO_FAILED", `provider ${providerId} has no node`);
  const resources = { cpuCores: 2, ramGb: 8, storageGb: 50, bandwidthMbps: 100 };
  const requesterBefore = await mzkuToken.balanceOf(reader, {
    address: c.MzkuToken,
    args: [requester.account.address],
  });
  const project = await requestProject(requester, deployment, { resources, duration: 86_400n, projectType: 2 });
  const bid = await commitBid(owner, deployment, { projectId: project.projectId, price: 70n * E });
  await mineTo(testClient, reader, project.commitEndBlock);
  await revealBid(owner, deployment, bid);
  await mineTo(testClient, reader, project.revealEndBlock);
  await projectMarket.settle(reader, { address: c.ProjectMarket, args: [project.projectId] });
  await projectMarket.startProject(owner, { address: c.ProjectMarket, args: [project.projectId, nodeId] });
  const reserved = await providerRegistry.reservedOf(reader, { address: c.ProviderRegistry, args: [providerId] });
  out.say(
    `  requester opens project ${project.projectId} (FP ${formatUnits(project.fixedPrice, 18)} MZKU); provider2 wins it at 70 MZKU and starts it on node ${nodeId}, ${formatUnits(reserved, 18)} MZKU of its collateral reserved`,
  );

  const collateralOf = async () =>
    (await providerRegistry.getProvider(reader, { address: c.ProviderRegistry, args: [providerId] })).collateral;
  const uptimeOf = async () =>
    (await uptimeReports.uptimeOf(reader, { address: reports, args: [providerId] }))[0] as number;
  const scoreOf = () => reputation.scoreOf(reader, { address: c.Reputation, args: [providerId] });
  const downSidecar = sidecars[1]?.wallet.account.address;
  const startOf = (p: bigint) => uptimeReports.periodStartBlock(reader, { address: reports, args: [p] });
  const open = async (p: bigint) => {
    const info = await uptimeReports.periodInfo(reader, { address: reports, args: [p] });
    if (info.seed === zeroHash) await uptimeReports.openPeriod(reader, { address: reports });
  };
  const downPeriods: bigint[] = [];
  const receipts: TransactionReceipt[] = [];
  let before = { uptime: 0, score: 0n, collateral: 0n };
  let period = (await uptimeReports.currentPeriod(reader, { address: reports })) + 1n;
  // The first period every node is up; then node `nodeId` is down for failLimit periods.
  for (let i = 0n; i <= failLimit; i++, period++) {
    const down = i > 0n;
    if (i === 1n) {
      before = { uptime: await uptimeOf(), score: await scoreOf(), collateral: await collateralOf() };
      out.say(`  node ${nodeId} goes down (and sidecar2 with it: it reports nothing)`);
    }
    await mineTo(testClient, reader, await startOf(period));
    await open(period);
    await mineTo(testClient, reader, await startOf(period + 1n));
    await open(period + 1n);
    const info = await uptimeReports.periodInfo(reader, { address: reports, args: [period] });
    const assignment = { seed: info.seed, size: Number(info.size), k: Number(info.k), stride: Number(info.stride) };
    const [downSlot] = await uptimeReports.slotOf(reader, {
      address: reports,
      args: [downSidecar ?? reader.account.address],
    });
    const auditors = auditorsOf(assignment, Number(downSlot));
    // Every live sidecar reports its targets for the period that just ended: up, except node `nodeId`.
    for (let slot = 0; slot < assignment.size; slot++) {
      if (down && slot === Number(downSlot)) continue;
      const address = await uptimeReports.sidecarAt(reader, { address: reports, args: [BigInt(slot)] });
      const s = sidecars.find((x) => x.wallet.account.address === address);
      if (!s) throw new CliError("DEMO_FAILED", `slot ${slot} (${address}) is not a demo sidecar`);
      const votes = encodeVotes(auditTargets(assignment, slot).map((t) => !down || t !== Number(downSlot)));
      receipts.push(await uptimeReports.report(s.wallet, { address: reports, args: [period, votes] }));
    }
    if (!down) {
      out.say(`  period ${period}: every sidecar reports its targets up → provider2's uptime ${pct(await uptimeOf())}`);
      continue;
    }
    downPeriods.push(period);
    const names = await Promise.all(
      auditors.map(async (slot) => {
        const address = await uptimeReports.sidecarAt(reader, { address: reports, args: [BigInt(slot)] });
        return sidecars.find((x) => x.wallet.account.address === address)?.name ?? address;
      }),
    );
    out.say(
      `  period ${period}: its auditors ${names.join(", ")} report node ${nodeId} down → provider2's uptime ${pct(await uptimeOf())}`,
    );
  }

  const failed = parseEventLogs({
    abi: projectMarketAbi,
    eventName: "ProjectFailed",
    logs: receipts.flatMap((r) => r.logs),
  }).find((l) => l.args.projectId === project.projectId);
  const after = { uptime: await uptimeOf(), score: await scoreOf(), collateral: await collateralOf() };
  const status = (await projectMarket.getProject(reader, { address: c.ProjectMarket, args: [project.projectId] }))
    .status;
  const refund = failed?.args.refund ?? 0n;
  const loss = failed?.args.loss ?? 0n;
  const slashed = failed?.args.slashed ?? 0n;
  out.say(
    `  after ${failLimit} down periods UptimeReports calls ProjectMarket.failOnDowntime: project ${project.projectId} fails,`,
  );
  out.say(
    `  the requester gets FP ${formatUnits(refund, 18)} back and ${formatUnits(slashed, 18)} MZKU slashed from provider2's reserved collateral (loss cap ${formatUnits(loss, 18)})`,
  );
  out.say(
    `  provider2: uptime ${pct(before.uptime)} → ${pct(after.uptime)}, score ${before.score} → ${after.score}, collateral ${formatUnits(before.collateral, 18)} → ${formatUnits(after.collateral, 18)} MZKU`,
  );
  ledger.check("the project failed on downtime", status === ProjectMarketStatus.Failed && failed !== undefined);
  ledger.check("provider2's uptime and score fell", after.uptime < before.uptime && after.score < before.score);
  ledger.check("some reserved collateral was slashed", slashed > 0n);
  ledger.expect(
    "requester: paid FP, got FP back and the slash",
    (await mzkuToken.balanceOf(reader, { address: c.MzkuToken, args: [requester.account.address] })) - requesterBefore,
    refund - project.fixedPrice + slashed,
  );
  ledger.expect("provider2's collateral fell by the slash", before.collateral - after.collateral, slashed);
  return {
    projectId: project.projectId,
    providerId,
    nodeId,
    downPeriods,
    uptimeBps: { before: before.uptime, after: after.uptime },
    score: { before: before.score, after: after.score },
    collateral: { before: before.collateral, after: after.collateral },
    refund,
    loss,
    slashed,
  };
}
