import { GovernancePhase, governance, mzkuToken, sidecarStaking } from "@mzku/sdk";
import { useState } from "react";
import { type Address, getAddress, isAddress, zeroAddress } from "viem";
import { dateTime } from "../components/charts.js";
import { Field, FormError } from "../components/Field.js";
import { useApp, useLoad } from "../context.js";
import { advanceClock } from "../devnet.js";
import { DashboardError } from "../errors.js";
import { TxPlan, type TxStep, useAttempt } from "../tx.js";
import { formatAmount, parseAmount, shortAddress } from "../units.js";
import { GovernorStake } from "./GovernorStake.js";

const PHASE_NAMES: Record<number, string> = {
  [GovernancePhase.Initialization]: "Initialization",
  [GovernancePhase.Transition]: "Transition",
  [GovernancePhase.Automated]: "Automated",
};

/**
 * Elections on chain: the phase, when the next election is due and running it (anyone); running for
 * governor (`applyAsCandidate`); the account's own governor stake (`GovernorStake`); delegating the
 * account's sidecar-stake votes to a candidate.
 */
export function Elections() {
  const { config, account, reader, bump } = useApp();
  const { error, attempt } = useAttempt();
  const c = config.deployment.contracts;
  const me = account?.address;
  const [stake, setStake] = useState("");
  const [delegateTo, setDelegateTo] = useState("");
  const chain = useLoad(async () => {
    const g = { address: c.Governance };
    const [phase, transitionStart, nextElectionAt, minStake, candidates, block] = await Promise.all([
      governance.phase(reader, g),
      governance.transitionStart(reader, g),
      governance.nextElectionAt(reader, g),
      governance.minGovernorStake(reader, g),
      governance.candidates(reader, { ...g, args: [0n, 50n] }),
      reader.getBlock(),
    ]);
    const mine = me
      ? await Promise.all([
          governance.isCandidate(reader, { ...g, args: [me] }),
          governance.isGovernor(reader, { ...g, args: [me] }),
          governance.lockedStake(reader, { ...g, args: [me] }),
          sidecarStaking.totalStakeOf(reader, { address: c.SidecarStaking, args: [me] }),
          sidecarStaking.delegateOf(reader, { address: c.SidecarStaking, args: [me] }),
          governance.exitOf(reader, { ...g, args: [me] }),
        ]).then(([candidate, governor, locked, sidecarStake, delegate, exit]) => ({
          candidate,
          governor,
          locked,
          pending: BigInt(exit.pending),
          withdrawableAt: BigInt(exit.withdrawableAt),
          sidecarStake,
          delegate,
        }))
      : undefined;
    return {
      phase: Number(phase),
      transitionStart,
      nextElectionAt,
      minStake,
      candidates,
      now: block.timestamp,
      mine,
    };
  }, [me]);
  const d = chain.data;
  const apply = () =>
    attempt(async () => {
      if (!me) throw new DashboardError("NO_WALLET", "choose an account first");
      const wei = parseAmount(stake, "Stake to lock");
      if (d && (d.mine?.locked ?? 0n) + wei < d.minStake)
        throw new DashboardError(
          "BAD_AMOUNT",
          `Stake to lock: a candidate locks at least ${formatAmount(d.minStake)} MZKU`,
        );
      const steps: TxStep[] = [];
      const allowance = await mzkuToken.allowance(reader, {
        address: c.MzkuToken,
        args: [me as Address, c.Governance],
      });
      if (allowance < wei)
        steps.push({
          what: `Allow governance to lock ${formatAmount(wei)} MZKU`,
          send: (s) => mzkuToken.sendApprove(s, { address: c.MzkuToken, args: [c.Governance, wei] }),
        });
      steps.push({
        what: `Run for governor, locking ${formatAmount(wei)} MZKU`,
        send: (s) => governance.sendApplyAsCandidate(s, { address: c.Governance, args: [wei] }),
      });
      return steps;
    });
  const delegate = () =>
    attempt(async () => {
      if (!isAddress(delegateTo)) throw new DashboardError("BAD_INPUT", "Delegate to: choose a candidate");
      const to = getAddress(delegateTo);
      return [
        {
          what: `Delegate the election votes of your sidecar stake to ${shortAddress(to)}`,
          send: (s) => sidecarStaking.sendDelegate(s, { address: c.SidecarStaking, args: [to] }),
        },
      ];
    });
  const runElection = () =>
    attempt(async () => [
      {
        what: "Run the due election",
        send: (s) => governance.sendRunElection(s, { address: c.Governance }),
      },
    ]);
  const due = d !== undefined && d.phase !== GovernancePhase.Initialization && d.now > d.nextElectionAt;
  return (
    <section className="panel" aria-labelledby="elections-title">
      <h2 id="elections-title">Elections</h2>
      {d && (
        <p data-testid="election-status">
          Phase: {PHASE_NAMES[d.phase]}.{" "}
          {d.phase === GovernancePhase.Initialization
            ? `Candidates apply from ${dateTime(Number(d.transitionStart))}.`
            : due
              ? `An election is due (since ${dateTime(Number(d.nextElectionAt))}).`
              : `Next election due after ${dateTime(Number(d.nextElectionAt))}.`}{" "}
          {d.candidates.length} candidate{d.candidates.length === 1 ? "" : "s"}
          {d.candidates.length > 0 && `: ${d.candidates.map(shortAddress).join(", ")}`}.
        </p>
      )}
      {due && (
        <TxPlan
          label="Run the election"
          onRun={() => void runElection()}
          steps={[
            "runElection (anyone): ranks candidates by locked stake + delegated votes at the due time, fills the seats",
          ]}
        />
      )}
      {config.devnet && d && (d.phase === GovernancePhase.Initialization || !due) && (
        <button
          type="button"
          className="secondary"
          onClick={() =>
            void advanceClock(
              config,
              (d.phase === GovernancePhase.Initialization ? d.transitionStart : d.nextElectionAt + 1n) - d.now,
            ).then(bump)
          }
        >
          {d.phase === GovernancePhase.Initialization
            ? "Devnet: move the clock to the Transition phase"
            : "Devnet: move the clock past the next election"}
        </button>
      )}
      {me && d?.mine && (
        <>
          <h3>Run for governor</h3>
          <p data-testid="my-candidacy">
            {d.mine.governor
              ? "You hold a seat."
              : d.mine.candidate
                ? `You are a candidate with ${formatAmount(d.mine.locked)} MZKU locked.`
                : `A candidate locks at least ${formatAmount(d.minStake)} MZKU until it withdraws.`}
          </p>
          {!d.mine.governor && !d.mine.candidate && d.phase !== GovernancePhase.Initialization && (
            <>
              <Field label="Stake to lock (MZKU)" inputMode="decimal" value={stake} onChange={setStake} />
              <TxPlan
                label="Run for governor"
                onRun={() => void apply()}
                steps={[
                  "Approve the MZKU to governance (skipped if already approved)",
                  "applyAsCandidate: locks the stake and joins the candidate list for the next election",
                ]}
              />
            </>
          )}
          {(d.mine.governor || d.mine.candidate || d.mine.locked > 0n || d.mine.pending > 0n) && (
            <GovernorStake me={me} mine={d.mine} now={d.now} />
          )}
          <h3>Your votes</h3>
          <p data-testid="my-delegation">
            Your sidecar stake: {formatAmount(d.mine.sidecarStake)} MZKU
            {d.mine.delegate === zeroAddress ? ", not delegated." : `, delegated to ${shortAddress(d.mine.delegate)}.`}
          </p>
          {d.mine.sidecarStake > 0n && (
            <>
              <div className="field">
                <label htmlFor="delegate-to">Delegate to</label>
                <select id="delegate-to" value={delegateTo} onChange={(e) => setDelegateTo(e.target.value)}>
                  <option value="">choose a candidate</option>
                  {d.candidates.map((a) => (
                    <option key={a} value={a}>
                      {a}
                    </option>
                  ))}
                </select>
              </div>
              <TxPlan
                label="Delegate votes"
                onRun={() => void delegate()}
                steps={["delegate: your whole sidecar stake counts as election votes for the candidate"]}
              />
            </>
          )}
        </>
      )}
      <FormError error={error ?? chain.error} />
    </section>
  );
}
