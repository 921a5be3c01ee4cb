/**
 * The three roles of the aggregated uptime report (docs/sidecar.md, "Aggregated report"), each a
 * function over the chain and the sdk's `buildAggregate`:
 *   - every sidecar registers its BLS key once (`registerBls`) and signs its period verdicts
 *     (`signVerdict`, EIP-712 `Verdict`);
 *   - a co-signer signs an aggregate only if it recomputes the same root and decisions from the
 *     verdicts it holds (`coSign`);
 *   - the aggregator checks every share, adds them up and posts with its bond (`postAggregate`);
 *   - a watcher recomputes a posted aggregate from its verdicts and challenges every wrong decision
 *     (`challengeWrong`); what the contract owes it (a won bond, an aggregator's bond back) it takes
 *     with `withdrawCredits`.
 * The daemon runs them in aggregate mode through `round.ts`.
 */
import {
  type AggregateReport,
  type AuditPeriod,
  buildAggregate,
  type SlotVerdict,
  uptimeReports,
  VERDICT_TYPES,
} from "@mzku/sdk";
import { type Address, type Hex, recoverTypedDataAddress, type TypedDataDomain } from "viem";
import { revertName, type SidecarClient } from "../chain.js";
import { SidecarError } from "../errors.js";
import { aggregateSignatures, type BlsKey, type G1Words, type G2Words, verifyShare } from "./bls.js";

/** A verdict as signed: the slots, the addresses signed over, and the signature. */
export interface SignedVerdict extends SlotVerdict {
  readonly auditorAddress: Address;
  readonly targetAddress: Address;
}

/** Registers `key` for the caller's roster slot unless it has one; returns whether it sent. */
export async function registerBls(
  client: SidecarClient,
  reports: Address,
  slot: number,
  key: BlsKey,
): Promise<boolean> {
  const had = await uptimeReports.blsKeyOf(client, { address: reports, args: [BigInt(slot)] });
  if (BigInt(had.x_a) !== 0n || BigInt(had.x_b) !== 0n) return false;
  const pop = key.sign(
    await uptimeReports.popMessage(client, { address: reports, args: [client.account.address, key.publicKey] }),
  );
  await uptimeReports.registerBlsKey(client, { address: reports, args: [key.publicKey, pop] });
  return true;
}

/** The caller's EIP-712 verdict on `target` for `period`. */
export async function signVerdict(
  client: SidecarClient,
  domain: TypedDataDomain,
  v: { auditor: number; target: number; targetAddress: Address; period: bigint; up: boolean },
): Promise<SignedVerdict> {
  const signature = await client.signTypedData({
    account: client.account,
    domain,
    types: VERDICT_TYPES,
    primaryType: "Verdict",
    message: { auditor: client.account.address, target: v.targetAddress, period: v.period, up: v.up },
  });
  return { ...v, auditorAddress: client.account.address, signature };
}

/** The verdicts whose signature recovers to their auditor (the others count as absent on-chain). */
export async function validVerdicts(
  domain: TypedDataDomain,
  period: bigint,
  verdicts: readonly SignedVerdict[],
): Promise<SignedVerdict[]> {
  const out: SignedVerdict[] = [];
  for (const v of verdicts) {
    try {
      const signer = await recoverTypedDataAddress({
        domain,
        types: VERDICT_TYPES,
        primaryType: "Verdict",
        message: { auditor: v.auditorAddress, target: v.targetAddress, period, up: v.up },
        signature: v.signature,
      });
      if (signer === v.auditorAddress) out.push(v);
    } catch {
      // a malformed signature: absent
    }
  }
  return out;
}

/**
 * A co-signer's BLS share over the aggregate, given only when the root and decisions it was sent
 * equal what it recomputes from the verdicts it holds.
 */
export async function coSign(
  client: SidecarClient,
  reports: Address,
  key: BlsKey,
  period: bigint,
  proposed: { root: Hex; decisionBytes: Hex },
  mine: AggregateReport,
): Promise<G2Words> {
  if (proposed.root !== mine.root || proposed.decisionBytes !== mine.decisionBytes) {
    throw new SidecarError("SIDECAR_AGGREGATE_MISMATCH", `aggregate of period ${period} differs from this sidecar's`, {
      details: { period: String(period), root: proposed.root, mine: mine.root },
    });
  }
  return key.sign(
    await uptimeReports.aggregateMessage(client, {
      address: reports,
      args: [period, proposed.root, proposed.decisionBytes],
    }),
  );
}

/**
 * Posts `report` for `period` with the shares that verify (slot → share); the bond is the contract's
 * `aggregatorBond`. Throws when too few shares verify for the quorum (the contract would refuse).
 */
export async function postAggregate(
  client: SidecarClient,
  reports: Address,
  period: bigint,
  report: AggregateReport,
  shares: ReadonlyMap<number, G2Words>,
): Promise<Hex> {
  const [message, rosterSize, members, quorumBps, bond] = await Promise.all([
    uptimeReports.aggregateMessage(client, { address: reports, args: [period, report.root, report.decisionBytes] }),
    uptimeReports.rosterSize(client, { address: reports }),
    uptimeReports.rosterMembers(client, { address: reports }),
    uptimeReports.quorumBps(client, { address: reports }),
    uptimeReports.aggregatorBond(client, { address: reports }),
  ]);
  const good: G2Words[] = [];
  const signers = new Array<bigint>(Math.ceil(Number(rosterSize) / 256)).fill(0n);
  for (const [slot, share] of shares) {
    const pk: G1Words = await uptimeReports.blsKeyOf(client, { address: reports, args: [BigInt(slot)] });
    if (!verifyShare(pk, message, share)) continue;
    good.push(share);
    signers[slot >> 8] = (signers[slot >> 8] ?? 0n) | (1n << BigInt(slot & 255));
  }
  if (good.length === 0 || good.length * 10_000 < quorumBps * members) {
    throw new SidecarError("SIDECAR_AGGREGATE_NO_QUORUM", `${good.length} of ${members} roster members signed`, {
      details: { period: String(period) },
    });
  }
  const receipt = await uptimeReports.postAggregate(client, {
    address: reports,
    args: [period, report.root, report.decisionBytes, signers, aggregateSignatures(good)],
    value: bond,
  });
  return receipt.transactionHash;
}

/**
 * What a watcher's pass over a posted aggregate did: the slots it overturned (`won`), the ones another
 * watcher overturned first (`lost`: its own challenge reverted), and the ones still `contested`: its
 * challenge was refused as `UptimeReportsDecisionCorrect` while the mined state still holds the wrong
 * decision — another watcher's challenge is pending (nodes estimate gas against the pending block).
 * A contested slot is re-checked at the next pass, not given up: a pending transaction may never be
 * mined.
 */
export interface ChallengeOutcome {
  readonly won: number[];
  readonly lost: number[];
  readonly contested: number[];
}

/**
 * Recomputes the aggregate posted for `period` from `verdicts` (the ones the aggregator published)
 * and challenges every decision that differs from what the correctly signed verdicts say. Nothing
 * when the posted root is not the root of these verdicts (no proof possible). A challenge that
 * reverts while the decision is now the right one lost a race to another watcher (refused at
 * simulation, or mined after the winner's): `lost`, not an error; so is a slot of `contested` (from the
 * previous pass) that is now right. A closed window or a finalized aggregate ends the pass; anything
 * else is thrown.
 */
export async function challengeWrong(
  client: SidecarClient,
  reports: Address,
  domain: TypedDataDomain,
  period: bigint,
  assignment: AuditPeriod,
  verdicts: readonly SignedVerdict[],
  contested: ReadonlySet<number> = new Set(),
): Promise<ChallengeOutcome> {
  const outcome: ChallengeOutcome = { won: [], lost: [], contested: [] };
  const posted = await uptimeReports.aggregateOf(client, { address: reports, args: [period] });
  const tree = buildAggregate(assignment, verdicts);
  if (posted.postedBlock === 0n || posted.root !== tree.root) return outcome;
  const truth = buildAggregate(assignment, await validVerdicts(domain, period, verdicts)).decisions;
  const decided = async (slot: number) =>
    Number(await uptimeReports.decisionOf(client, { address: reports, args: [period, BigInt(slot)] }));
  for (let slot = 0; slot < assignment.size; slot++) {
    if ((await decided(slot)) === truth[slot]) {
      if (contested.has(slot)) outcome.lost.push(slot);
      continue;
    }
    try {
      await uptimeReports.challenge(client, {
        address: reports,
        args: [period, BigInt(slot), tree.challengeLeaves(slot)],
      });
      outcome.won.push(slot);
    } catch (error) {
      if ((await decided(slot)) === truth[slot]) {
        outcome.lost.push(slot);
        continue;
      }
      const name = revertName(error);
      if (name === "UptimeReportsDecisionCorrect") {
        outcome.contested.push(slot);
        continue;
      }
      if (name === "UptimeReportsChallengeWindow" || name === "UptimeReportsNoAggregate") return outcome;
      throw error;
    }
  }
  return outcome;
}

/** Withdraws what the contract owes the caller (`credits`: a challenge's bond, an aggregate's bond
 *  back); returns the amount, 0 when nothing is owed (nothing sent). */
export async function withdrawCredits(client: SidecarClient, reports: Address): Promise<bigint> {
  const owed = await uptimeReports.credits(client, { address: reports, args: [client.account.address] });
  if (owed === 0n) return 0n;
  await uptimeReports.withdraw(client, { address: reports });
  return owed;
}
