import { mzkuToken, ProjectMarketStatus, projectMarket } from "@mzku/sdk";
import { useState } from "react";
import { dateTime } from "../components/charts.js";
import { Field, FormError } from "../components/Field.js";
import { useApp, useLoad } from "../context.js";
import { advanceClock } from "../devnet.js";
import { DashboardError } from "../errors.js";
import { TxPlan, type TxStep, useAttempt } from "../tx.js";
import { formatAmount, parseAmount } from "../units.js";

/**
 * The winner's part after the auction, read on chain: start the project on one of its nodes before the
 * start deadline, then, once it ran its duration, report the profit X (paid into escrow) for governance
 * to confirm. Validator projects start through their pool and report no profit (the CLI does them).
 */
export function ProjectRun({ id }: { id: number }) {
  const { config, account, reader, bump } = useApp();
  const { error, attempt } = useAttempt();
  const c = config.deployment.contracts;
  const me = account?.address;
  const [nodeId, setNodeId] = useState("");
  const [profit, setProfit] = useState("");
  const chain = useLoad(async () => {
    const p = await projectMarket.getProject(reader, { address: c.ProjectMarket, args: [BigInt(id)] });
    const { timestamp } = await reader.getBlock();
    return { p, now: timestamp };
  }, [id, me]);
  const d = chain.data;
  if (!d || !me || d.p.winner.toLowerCase() !== me.toLowerCase()) return null;
  const status = Number(d.p.status);
  if (status !== ProjectMarketStatus.Assigned && status !== ProjectMarketStatus.Running) return null;
  const end = BigInt(d.p.startedAt) + BigInt(d.p.duration);
  return (
    <section className="panel" aria-labelledby="run-title">
      <h2 id="run-title">You won this project</h2>
      {status === ProjectMarketStatus.Assigned && (
        <>
          <p data-testid="start-deadline">
            Start it on one of your active nodes before {dateTime(Number(d.p.startDeadline))}; after that anyone may
            fail it and part of your collateral goes to the requester.
          </p>
          <Field label="Your node id" inputMode="numeric" value={nodeId} onChange={setNodeId} />
          <TxPlan
            label="Start the project"
            onRun={() =>
              void attempt(async () => {
                if (!/^\d+$/.test(nodeId.trim()))
                  throw new DashboardError("BAD_INPUT", "Your node id: not a whole number");
                const node = BigInt(nodeId.trim());
                return [
                  {
                    what: `Start project #${id} on node #${node}`,
                    send: (s) =>
                      projectMarket.sendStartProject(s, { address: c.ProjectMarket, args: [BigInt(id), node] }),
                  },
                ];
              })
            }
            steps={["startProject: locks the node to the project; its duration starts now"]}
          />
        </>
      )}
      {status === ProjectMarketStatus.Running && (
        <>
          <p data-testid="run-end">
            Running on node #{String(d.p.nodeId)} since {dateTime(Number(d.p.startedAt))};{" "}
            {d.now >= end ? "it ran its duration: report the profit." : `it ends ${dateTime(Number(end))}.`}
            {d.p.profitSubmitted && " Profit reported; governance confirms it."}
          </p>
          {!d.p.profitSubmitted && d.now >= end && (
            <>
              <Field label="Profit X (MZKU)" inputMode="decimal" value={profit} onChange={setProfit} />
              <TxPlan
                label="Submit completion"
                onRun={() =>
                  void attempt(async () => {
                    const x = parseAmount(profit, "Profit X");
                    const steps: TxStep[] = [];
                    const allowance = await mzkuToken.allowance(reader, {
                      address: c.MzkuToken,
                      args: [me, c.ProjectMarket],
                    });
                    if (allowance < x)
                      steps.push({
                        what: `Allow the market to take ${formatAmount(x)} MZKU`,
                        send: (s) => mzkuToken.sendApprove(s, { address: c.MzkuToken, args: [c.ProjectMarket, x] }),
                      });
                    steps.push({
                      what: `Submit completion of project #${id}: profit ${formatAmount(x)} MZKU`,
                      send: (s) =>
                        projectMarket.sendSubmitCompletion(s, { address: c.ProjectMarket, args: [BigInt(id), x] }),
                    });
                    return steps;
                  })
                }
                steps={[
                  "Approve the MZKU to the market (skipped if already approved)",
                  "submitCompletion: pays the profit X into escrow; governance confirms it and it is split",
                ]}
              />
            </>
          )}
          {!d.p.profitSubmitted && d.now < end && config.devnet && (
            <button
              type="button"
              className="secondary"
              onClick={() => void advanceClock(config, end - d.now).then(bump)}
            >
              Devnet: move the clock to the project's end
            </button>
          )}
        </>
      )}
      <FormError error={error} />
    </section>
  );
}
