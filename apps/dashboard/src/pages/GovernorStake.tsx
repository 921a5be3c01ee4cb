import { governance, mzkuToken } from "@mzku/sdk";
import { useState } from "react";
import type { Address } from "viem";
import { dateTime } from "../components/charts.js";
import { Field, FormError } from "../components/Field.js";
import { useApp } from "../context.js";
import { advanceClock } from "../devnet.js";
import { DashboardError } from "../errors.js";
import { TxPlan, type TxStep, useAttempt } from "../tx.js";
import { formatAmount, parseAmount } from "../units.js";

/** The account's standing in Governance, read on chain at render time (Elections loads it). */
export type GovernorStanding = {
  governor: boolean;
  candidate: boolean;
  locked: bigint;
  /** MZKU requested back and when `withdraw` may take it (`exitOf`). */
  pending: bigint;
  withdrawableAt: bigint;
};

/**
 * A governor's or candidate's own stake: add to it (`addStake`), give up the seat (`resign`), request
 * locked MZKU back when not seated (`requestWithdrawal`; a candidate left under the minimum leaves the
 * list) and take it after the withdrawal delay (`withdraw`). The page leaves the amount and timing rules
 * to the contract: a refused call shows the contract's error, nothing is sent.
 */
export function GovernorStake({ me, mine, now }: { me: Address; mine: GovernorStanding; now: bigint }) {
  const { config, reader, bump } = useApp();
  const { error, attempt } = useAttempt();
  const c = config.deployment.contracts;
  const [add, setAdd] = useState("");
  const [back, setBack] = useState("");
  const addStake = () =>
    attempt(async () => {
      const wei = parseAmount(add, "MZKU to add");
      if (wei === 0n) throw new DashboardError("BAD_AMOUNT", "MZKU to add: more than 0");
      const steps: TxStep[] = [];
      const allowance = await mzkuToken.allowance(reader, { address: c.MzkuToken, args: [me, c.Governance] });
      if (allowance < wei)
        steps.push({
          what: `Allow governance to lock ${formatAmount(wei)} MZKU`,
          send: (s) => mzkuToken.sendApprove(s, { address: c.MzkuToken, args: [c.Governance, wei] }),
        });
      steps.push({
        what: `Add ${formatAmount(wei)} MZKU to your governor stake`,
        send: (s) => governance.sendAddStake(s, { address: c.Governance, args: [wei] }),
      });
      return steps;
    });
  const requestBack = () =>
    attempt(async () => {
      const wei = parseAmount(back, "MZKU to withdraw");
      if (wei === 0n) throw new DashboardError("BAD_AMOUNT", "MZKU to withdraw: more than 0");
      return [
        {
          what: `Request ${formatAmount(wei)} MZKU of your governor stake back`,
          send: (s) => governance.sendRequestWithdrawal(s, { address: c.Governance, args: [wei] }),
        },
      ];
    });
  const ready = mine.pending > 0n && now >= mine.withdrawableAt;
  return (
    <>
      <h3>Your governor stake</h3>
      <p data-testid="my-gov-stake">
        Locked: {formatAmount(mine.locked)} MZKU
        {mine.governor ? " (seated)" : mine.candidate ? " (candidate)" : " (no seat, not a candidate)"}.
        {mine.pending > 0n &&
          ` Pending withdrawal: ${formatAmount(mine.pending)} MZKU, ${ready ? "ready now" : `ready at ${dateTime(Number(mine.withdrawableAt))} UTC`}.`}
      </p>
      {(mine.governor || mine.candidate) && (
        <>
          <Field label="MZKU to add" inputMode="decimal" value={add} onChange={setAdd} />
          <TxPlan
            label="Add stake"
            onRun={() => void addStake()}
            steps={[
              "Approve the MZKU to governance (skipped if already approved)",
              "addStake: locks it on top of your stake (more own votes in the next election)",
            ]}
          />
        </>
      )}
      {mine.governor && (
        <TxPlan
          label="Resign"
          onRun={() =>
            void attempt(async () => [
              { what: "Resign your seat", send: (s) => governance.sendResign(s, { address: c.Governance }) },
            ])
          }
          steps={[
            "resign: gives up your seat now; your stake stays locked until you request it back, and votes you missed still count",
          ]}
        />
      )}
      {!mine.governor && mine.locked > 0n && (
        <>
          <Field
            label="MZKU to withdraw"
            inputMode="decimal"
            value={back}
            onChange={setBack}
            hint={
              mine.candidate
                ? "A candidate left under the minimum stake leaves the candidate list."
                : "Unlocked now, yours to take after the withdrawal delay."
            }
          />
          <TxPlan
            label="Request withdrawal"
            onRun={() => void requestBack()}
            steps={[
              "requestWithdrawal: unlocks the amount; it can be taken after the withdrawal delay (a new request restarts it)",
            ]}
          />
        </>
      )}
      {mine.pending > 0n && (
        <>
          <TxPlan
            label="Withdraw"
            onRun={() =>
              void attempt(async () => [
                {
                  what: `Withdraw ${formatAmount(mine.pending)} MZKU of governor stake`,
                  send: (s) => governance.sendWithdraw(s, { address: c.Governance }),
                },
              ])
            }
            steps={["withdraw: sends you the pending MZKU once the withdrawal delay has passed"]}
          />
          {config.devnet && !ready && (
            <button
              type="button"
              className="secondary"
              onClick={() => void advanceClock(config, mine.withdrawableAt + 1n - now).then(bump)}
            >
              Devnet: move the clock to the withdrawal's ready time
            </button>
          )}
        </>
      )}
      <FormError error={error} />
    </>
  );
}
