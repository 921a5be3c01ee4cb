import { projectMarket, recomputeDraw } from "@mzku/sdk";
import { useState } from "react";
import { type Address, type Hex, toHex } from "viem";
import type { ProjectItem } from "../api.js";
import { useApp, useLoad } from "../context.js";
import { mineBlocks } from "../devnet.js";
import { DashboardError, plainError } from "../errors.js";
import { phaseAt, typeLabel } from "../market.js";
import { TxPlan, useTx } from "../tx.js";
import { formatAmount, formatDuration, shortAddress } from "../units.js";
import { ProjectRun } from "./ProjectRun.js";

const STEPS = [
  ["commit", "Sealed bids"],
  ["reveal", "Reveals"],
  ["settle", "Draw"],
  ["assigned", "Assigned"],
  ["running", "Running"],
  ["completed", "Completed"],
] as const;

function stepOf(status: string, phase: string): string {
  if (status === "bidding") return phase;
  return status;
}

type Recomputed = { winner: string | null; price: bigint; seed: Hex; candidates: number[]; matches: boolean };

/** One project: its auction live (commits, reveals, the draw and how to recompute it), then its status. */
export default function ProjectPage({ id }: { id: number }) {
  const { api, reader, config } = useApp();
  const { run } = useTx();
  const [recomputed, setRecomputed] = useState<Recomputed>();
  const [recomputeError, setRecomputeError] = useState<string>();
  const live = useLoad(
    async () => ({
      project: await api.get<ProjectItem>(`/projects/${id}`),
      block: await reader.getBlockNumber(),
    }),
    [id],
    1_000,
  );
  if (live.error && !live.data)
    return (
      <p role="alert" className="error">
        {live.error}
      </p>
    );
  if (!live.data) return <p className="loading">Loading project {id}…</p>;
  const { project: p, block } = live.data;
  const phase = phaseAt(p, block);
  const current = stepOf(p.status, phase);
  const commitLeft = BigInt(p.commitEndBlock) - block;
  const revealLeft = BigInt(p.revealEndBlock) - block;
  const c = config.deployment.contracts;

  const recompute = () => {
    setRecomputeError(undefined);
    try {
      if (p.entropy === null || p.bandBps === null || p.maxDrawCandidates === null || p.vickrey === null) {
        throw new DashboardError("BAD_INPUT", "the project is not settled yet");
      }
      const result = recomputeDraw({
        projectId: BigInt(p.projectId),
        entropy: BigInt(p.entropy),
        bandBps: p.bandBps,
        maxDrawCandidates: p.maxDrawCandidates,
        vickrey: p.vickrey,
        reveals: p.bids
          .filter((b) => b.revealed && b.price !== null && b.salt !== null)
          .map((b) => ({
            index: b.bidIndex,
            bidder: b.bidder as Address,
            price: BigInt(b.price ?? 0),
            salt: b.salt as Hex,
          })),
        evaluations: p.bids
          .filter((b) => b.evaluated)
          .map((b) => ({
            index: b.bidIndex,
            providerId: BigInt(b.providerId ?? 0),
            eligible: b.eligible === true,
            weight: BigInt(b.weight ?? 0),
          })),
      });
      setRecomputed({
        winner: result.winner,
        price: result.price,
        seed: result.seed,
        candidates: result.candidates.map((x) => x.index),
        matches:
          (result.winner ?? "").toLowerCase() === (p.winner ?? "").toLowerCase() &&
          result.seed === p.seed &&
          result.price === BigInt(p.price ?? 0),
      });
    } catch (e) {
      setRecomputeError(plainError(e));
    }
  };

  return (
    <>
      <p>
        <a href="#/request">← Request</a>
      </p>
      <h1>Project #{p.projectId}</h1>
      <ol className="steps" aria-label="Progress">
        {STEPS.map(([key, label]) => {
          const index = STEPS.findIndex(([k]) => k === current);
          const mine = STEPS.findIndex(([k]) => k === key);
          return (
            <li
              key={key}
              aria-current={key === current ? "step" : undefined}
              className={mine < index ? "done" : undefined}
            >
              {label}
            </li>
          );
        })}
      </ol>
      <p className="status" data-testid="project-status" aria-live="polite">
        Status: <strong>{p.status === "bidding" ? `auction — ${phase} window` : p.status.replace("_", " ")}</strong>
        {" · "}block {String(block)}
      </p>
      <ProjectRun id={id} />
      <dl className="facts">
        <div>
          <dt>What</dt>
          <dd>{typeLabel(p.projectType)}</dd>
        </div>
        <div>
          <dt>Resources</dt>
          <dd>
            {p.cpuCores} cores, {p.ramGb} GB RAM, {p.storageGb} GB, {p.bandwidthMbps} Mbps
          </dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>{formatDuration(p.duration)}</dd>
        </div>
        <div>
          <dt>Fixed price</dt>
          <dd>{formatAmount(p.fixedPrice)} MZKU</dd>
        </div>
        <div>
          <dt>Requester</dt>
          <dd>
            <code title={p.requester}>{shortAddress(p.requester)}</code>
          </dd>
        </div>
        <div>
          <dt>Commits until block</dt>
          <dd>
            {p.commitEndBlock}
            {phase === "commit" ? ` (${commitLeft} left)` : ""}
          </dd>
        </div>
        <div>
          <dt>Reveals until block</dt>
          <dd>
            {p.revealEndBlock}
            {phase === "reveal" ? ` (${revealLeft} left)` : ""}
          </dd>
        </div>
        <div>
          <dt>Bids / revealed</dt>
          <dd data-testid="bid-counts">
            {p.bids.length} / {p.bids.filter((b) => b.revealed).length}
          </dd>
        </div>
      </dl>
      {config.devnet && (phase === "commit" || phase === "reveal") && (
        <p>
          <button
            type="button"
            className="secondary"
            onClick={() => void mineBlocks(config, phase === "commit" ? commitLeft : revealLeft).then(live.reload)}
          >
            Devnet: mine {String(phase === "commit" ? commitLeft : revealLeft)} blocks to the{" "}
            {phase === "commit" ? "reveal window" : "settlement"}
          </button>
        </p>
      )}
      <h2>Bids</h2>
      {p.bids.length === 0 ? (
        <p className="empty">No sealed bid yet.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption>
              Sealed bids: the price and salt appear when the bidder reveals; eligibility and weight at the draw.
            </caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Bidder</th>
                <th scope="col">Committed at block</th>
                <th scope="col">Price</th>
                <th scope="col">Salt</th>
                <th scope="col">Eligible</th>
                <th scope="col">Weight</th>
              </tr>
            </thead>
            <tbody>
              {p.bids.map((b) => (
                <tr key={b.bidIndex}>
                  <th scope="row">{b.bidIndex}</th>
                  <td>
                    <code title={b.bidder}>{shortAddress(b.bidder)}</code>
                  </td>
                  <td>{b.committedBlock}</td>
                  <td>{b.revealed ? `${formatAmount(b.price)} MZKU` : "sealed"}</td>
                  <td>{b.salt ? <code title={b.salt}>{`${b.salt.slice(0, 10)}…`}</code> : "—"}</td>
                  <td>
                    {b.eligible === null ? (p.status === "bidding" ? "—" : "not looked at") : b.eligible ? "yes" : "no"}
                  </td>
                  <td>{b.weight ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {phase === "settle" && (
        <TxPlan
          label="Settle the auction"
          onRun={() =>
            void run([
              {
                what: `Settle project #${p.projectId}: evaluate the bids, draw the winner, reserve its collateral`,
                send: (s) => projectMarket.sendSettle(s, { address: c.ProjectMarket, args: [BigInt(p.projectId)] }),
              },
            ])
          }
          steps={["settle: anyone may call it once the reveal window has ended"]}
        />
      )}
      {p.status !== "bidding" && p.seed && (
        <section className="panel" aria-labelledby="draw-title">
          <h2 id="draw-title">The draw</h2>
          <dl className="facts">
            <div>
              <dt>Draw block</dt>
              <dd>
                {p.drawBlock}
                {p.drawRearms ? ` (re-armed ${p.drawRearms}×)` : ""}
              </dd>
            </div>
            <div>
              <dt>Entropy (hash of the draw block)</dt>
              <dd>
                <code>{p.entropy === null ? "—" : toHex(BigInt(p.entropy), { size: 32 })}</code>
              </dd>
            </div>
            <div>
              <dt>Seed</dt>
              <dd>
                <code>{p.seed}</code>
              </dd>
            </div>
            <div>
              <dt>Candidates</dt>
              <dd>{p.candidates}</dd>
            </div>
            <div>
              <dt>Winner</dt>
              <dd data-testid="winner">
                {p.providerId !== null ? <a href={`#/providers/${p.providerId}`}>provider #{p.providerId}</a> : "none"}{" "}
                <code>{shortAddress(p.winner)}</code>
              </dd>
            </div>
            <div>
              <dt>Price</dt>
              <dd>{formatAmount(p.price)} MZKU</dd>
            </div>
            <div>
              <dt>Node</dt>
              <dd>{p.nodeId ?? "not started yet"}</dd>
            </div>
          </dl>
          <details>
            <summary>How to recompute it</summary>
            <ol>
              <li>saltMix = XOR of the low 128 bits of every revealed salt.</li>
              <li>
                seed = keccak256(abi.encode(projectId, saltMix, entropy)); entropy is the hash of the draw block, the
                last commit block, fixed when the project opened.
              </li>
              <li>
                Walk the revealed bids by price, ties by keccak256(seed, index); the lowest eligible bid L opens the
                band [L, L·(1 + band)].
              </li>
              <li>
                Eligible bids in the band (at most {p.maxDrawCandidates}) enter the draw; each weighs its stored score +
                1.
              </li>
              <li>r = seed mod Σweight; the winner is the first candidate whose cumulative weight passes r.</li>
            </ol>
            <p>
              The sdk's <code>recomputeDraw</code> does exactly this with the bids above; the button runs it in this
              page.
            </p>
          </details>
          <button type="button" onClick={recompute}>
            Recompute the draw here
          </button>
          {recomputeError && (
            <p className="error" role="alert">
              {recomputeError}
            </p>
          )}
          {recomputed && (
            <p data-testid="recomputed" className={recomputed.matches ? "ok" : "error"} role="status">
              {recomputed.matches ? "Matches the contract: " : "Does NOT match the contract: "}
              winner <code>{shortAddress(recomputed.winner)}</code>, price {formatAmount(recomputed.price)} MZKU,
              candidate bids {recomputed.candidates.map((i) => `#${i}`).join(", ") || "none"}.
            </p>
          )}
        </section>
      )}
    </>
  );
}
