import {
  proposals as build,
  GovernanceProposalState,
  GovernanceSupport,
  governance,
  mzkuToken,
  proposalCalls,
  rewardPool,
  StakeObserverStakeClass,
  sidecarStaking,
} from "@mzku/sdk";
import { useMemo, useState } from "react";
import { type Address, getAddress, type Hex, zeroAddress } from "viem";
import type { Election, Governor, Proposal, Sidecar, SidecarRewards } from "../api.js";
import { dateTime } from "../components/charts.js";
import { Field, FormError } from "../components/Field.js";
import { useApp, useLoad } from "../context.js";
import { advanceClock } from "../devnet.js";
import { DashboardError, plainError } from "../errors.js";
import { buildCall, governanceCalls } from "../proposalCalls.js";
import { TxPlan, type TxStep, useTx } from "../tx.js";
import { bps, formatAmount, parseAmount, shortAddress } from "../units.js";
import { Elections } from "./Elections.js";

const STATE_NAMES = Object.fromEntries(Object.entries(GovernanceProposalState).map(([k, v]) => [v, k])) as Record<
  number,
  string
>;

function SidecarRow({ sidecar, rewards }: { sidecar: Sidecar; rewards: SidecarRewards | undefined | null }) {
  const { config, account, reader } = useApp();
  const { run } = useTx();
  const c = config.deployment.contracts;
  const me = account?.address;
  const address = sidecar.sidecar as Address;
  const [amount, setAmount] = useState("");
  const [error, setError] = useState<string>();
  const mine = useLoad(async () => {
    if (!me) return undefined;
    const stake = await sidecarStaking.stakeOf(reader, { address: c.SidecarStaking, args: [address, me] });
    const [mzku, eth] = await rewardPool.claimable(reader, {
      address: c.RewardPool,
      args: [StakeObserverStakeClass.Sidecar, me, address],
    });
    return { stake, mzku, eth };
  }, [me, address]);
  const act = async (kind: "stake" | "unstake") => {
    setError(undefined);
    try {
      if (!me) throw new DashboardError("NO_WALLET", "choose an account first");
      const wei = parseAmount(amount, "MZKU");
      const steps: TxStep[] = [];
      if (kind === "stake") {
        const allowance = await mzkuToken.allowance(reader, { address: c.MzkuToken, args: [me, c.SidecarStaking] });
        if (allowance < wei) {
          steps.push({
            what: `Allow sidecar staking to take ${formatAmount(wei)} MZKU`,
            send: (s) => mzkuToken.sendApprove(s, { address: c.MzkuToken, args: [c.SidecarStaking, wei] }),
          });
        }
        steps.push({
          what: `Stake ${formatAmount(wei)} MZKU to sidecar ${shortAddress(address)}`,
          send: (s) => sidecarStaking.sendStake(s, { address: c.SidecarStaking, args: [address, wei] }),
        });
      } else {
        steps.push({
          what: `Unstake ${formatAmount(wei)} MZKU from sidecar ${shortAddress(address)}`,
          send: (s) => sidecarStaking.sendUnstake(s, { address: c.SidecarStaking, args: [address, wei] }),
        });
      }
      await run(steps);
    } catch (e) {
      setError(plainError(e));
    }
  };
  return (
    <li className="panel" data-sidecar={sidecar.sidecar}>
      <h3>
        Sidecar <code title={sidecar.sidecar}>{shortAddress(sidecar.sidecar)}</code>
        {sidecar.providerId !== null && (
          <>
            {" "}
            · <a href={`#/providers/${sidecar.providerId}`}>provider #{sidecar.providerId}</a>, node #{sidecar.nodeId}
          </>
        )}
      </h3>
      <p>
        {formatAmount(sidecar.totalStake)} MZKU staked by {sidecar.stakers} · stakers claimed{" "}
        {formatAmount(sidecar.rewardMzku)} MZKU · expected rewards:{" "}
        <span data-testid="expected-rewards">
          {rewards === null
            ? "not served by this read API"
            : rewards
              ? `${formatAmount(rewards.expectedMzkuPerYear)} MZKU a year (${bps(Number(rewards.mzkuRewardRateBps))} a year on the stake${rewards.activeProjects ? `; ${rewards.activeProjects} project running: rewards vest at its end` : ""})`
              : "—"}
        </span>
      </p>
      {mine.data && (
        <p data-testid="my-sidecar">
          Your stake <strong>{formatAmount(mine.data.stake)} MZKU</strong> · claimable now{" "}
          {formatAmount(mine.data.mzku)} MZKU
          {mine.data.eth > 0n ? ` + ${formatAmount(mine.data.eth)} ETH` : ""}
        </p>
      )}
      <Field
        label={`MZKU for sidecar ${shortAddress(address)}`}
        inputMode="decimal"
        value={amount}
        onChange={setAmount}
      />
      <TxPlan
        label="Stake MZKU"
        onRun={() => void act("stake")}
        steps={[
          "Approve the MZKU to sidecar staking (skipped if already approved)",
          "stake: earns the sidecar class's 20% of the Reward Pool, pro rata and over time; also your governor-election votes",
        ]}
      />
      {mine.data && mine.data.stake > 0n && (
        <button type="button" className="secondary" onClick={() => void act("unstake")}>
          Unstake
        </button>
      )}
      {mine.data && mine.data.mzku + mine.data.eth > 0n && (
        <TxPlan
          label="Claim rewards"
          onRun={() =>
            void run([
              {
                what: `Claim ${formatAmount(mine.data?.mzku ?? 0n)} MZKU of rewards from sidecar ${shortAddress(address)}`,
                send: (s) =>
                  rewardPool.sendClaim(s, { address: c.RewardPool, args: [StakeObserverStakeClass.Sidecar, address] }),
              },
            ])
          }
          steps={["claim: pays the vested rewards of this stake"]}
        />
      )}
      <FormError error={error} />
    </li>
  );
}

function ProposalRow({ p, isGovernor }: { p: Proposal; isGovernor: boolean }) {
  const { config, account, reader, bump } = useApp();
  const { run } = useTx();
  const gov = config.deployment.contracts.Governance;
  const me = account?.address;
  const chain = useLoad(async () => {
    const state = await governance.state(reader, { address: gov, args: [BigInt(p.proposalId)] });
    const receipt = me ? await governance.receipt(reader, { address: gov, args: [BigInt(p.proposalId), me] }) : 0;
    return { state: Number(state), voted: Number(receipt) > 0 };
  }, [p.proposalId, me, p.votesFor, p.votesAgainst, p.votesAbstain, p.executed]);
  const vote = (support: number, word: string) =>
    void run([
      {
        what: `Vote ${word} on proposal #${p.proposalId}`,
        send: (s) => governance.sendCastVote(s, { address: gov, args: [BigInt(p.proposalId), support] }),
      },
    ]);
  const actions = (p.actions as { target: string; value: string; data: Hex }[]) ?? [];
  const execute = () =>
    void run([
      {
        what: `Execute proposal #${p.proposalId} (${actions.length} action${actions.length === 1 ? "" : "s"})`,
        send: (s) =>
          governance.sendExecute(s, {
            address: gov,
            args: [
              BigInt(p.proposalId),
              actions.map((a) => getAddress(a.target)),
              actions.map((a) => BigInt(a.value)),
              actions.map((a) => a.data),
            ],
          }),
      },
    ]);
  const state = chain.data?.state;
  return (
    <tr data-proposal={p.proposalId}>
      <th scope="row">#{p.proposalId}</th>
      <td>{p.description}</td>
      <td>
        {p.votesFor} for · {p.votesAgainst} against · {p.votesAbstain} abstain
      </td>
      <td data-testid={`state-${p.proposalId}`}>{state === undefined ? "…" : STATE_NAMES[state]}</td>
      <td>
        {state === GovernanceProposalState.Active && isGovernor && !chain.data?.voted && (
          <span className="buttons">
            <button type="button" onClick={() => vote(GovernanceSupport.For, "for")}>
              For
            </button>{" "}
            <button type="button" className="secondary" onClick={() => vote(GovernanceSupport.Against, "against")}>
              Against
            </button>{" "}
            <button type="button" className="secondary" onClick={() => vote(GovernanceSupport.Abstain, "abstain")}>
              Abstain
            </button>
          </span>
        )}
        {chain.data?.voted && "You voted."}
        {state === GovernanceProposalState.Executable && (
          <button type="button" onClick={execute}>
            Execute
          </button>
        )}
        {state === GovernanceProposalState.Active && <span className="hint"> voting ends {dateTime(p.voteEnd)}</span>}
        {config.devnet && (state === GovernanceProposalState.Active || state === GovernanceProposalState.Queued) && (
          <button
            type="button"
            className="secondary"
            onClick={() =>
              void reader
                .getBlock()
                .then(({ timestamp }) => advanceClock(config, BigInt(p.eta) + 1n - timestamp))
                .then(bump)
            }
          >
            Devnet: move the clock past the vote and the delay
          </button>
        )}
      </td>
    </tr>
  );
}

const CLASSES = [
  [StakeObserverStakeClass.Governor, "Governor stake"],
  [StakeObserverStakeClass.Provider, "Provider collateral"],
  [StakeObserverStakeClass.Requester, "Requester FP in running projects"],
] as const;

/** The account's Reward Pool positions other than sidecar stakes (keyed by 0): claimable, and claim. */
function MyRewards() {
  const { config, account, reader } = useApp();
  const { run } = useTx();
  const c = config.deployment.contracts;
  const me = account?.address;
  const positions = useLoad(
    async () =>
      me
        ? Promise.all(
            CLASSES.map(async ([stakeClass, label]) => {
              const [mzku, eth] = await rewardPool.claimable(reader, {
                address: c.RewardPool,
                args: [stakeClass, me, zeroAddress],
              });
              return { stakeClass, label, mzku, eth };
            }),
          )
        : [],
    [me],
  );
  const due = (positions.data ?? []).filter((p) => p.mzku + p.eth > 0n);
  if (!me) return null;
  return (
    <section className="panel" aria-labelledby="rewards-title">
      <h2 id="rewards-title">Your Reward Pool rewards</h2>
      {due.length === 0 && (
        <p className="empty">Nothing to claim for this account's governor, provider or requester stake.</p>
      )}
      <ul>
        {due.map((p) => (
          <li key={p.stakeClass} data-testid={`rewards-${p.stakeClass}`}>
            {p.label}: {formatAmount(p.mzku)} MZKU{p.eth > 0n ? ` + ${formatAmount(p.eth)} ETH` : ""}{" "}
            <button
              type="button"
              onClick={() =>
                void run([
                  {
                    what: `Claim ${formatAmount(p.mzku)} MZKU of ${p.label.toLowerCase()} rewards`,
                    send: (s) => rewardPool.sendClaim(s, { address: c.RewardPool, args: [p.stakeClass, zeroAddress] }),
                  },
                ])
              }
            >
              Claim
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A governor proposes one of the common acts, built with the sdk's typed proposal builders. */
function Propose() {
  const { config } = useApp();
  const { run } = useTx();
  const c = config.deployment.contracts;
  const [kind, setKind] = useState("qualify");
  const [id, setId] = useState("");
  const [price, setPrice] = useState("");
  const [description, setDescription] = useState("");
  const [error, setError] = useState<string>();
  const calls = useMemo(() => governanceCalls(config.deployment), [config.deployment]);
  const [callId, setCallId] = useState("");
  const [callValues, setCallValues] = useState<Record<string, string>>({});
  const [callTarget, setCallTarget] = useState("");
  const call = calls.find((x) => x.id === callId);
  const submitCall = () => {
    if (!call) throw new DashboardError("BAD_INPUT", "Call: choose a function");
    const action = buildCall(call, config.deployment, callValues, callTarget);
    const text =
      description.trim() || `${call.id}(${call.fields.map((f) => callValues[f.key]?.trim() ?? "").join(", ")})`;
    const { targets, values, calldatas } = proposalCalls([action]);
    void run([
      {
        what: `Propose: ${text}`,
        send: (s) => governance.sendPropose(s, { address: c.Governance, args: [targets, values, calldatas, text] }),
      },
    ]);
  };
  const submit = () => {
    setError(undefined);
    try {
      if (kind === "call") return submitCall();
      const n = Number(id);
      if (!Number.isInteger(n) || n < 0)
        throw new DashboardError(
          "BAD_INPUT",
          `${kind === "price" ? "Project type" : "Provider id"}: not a whole number`,
        );
      const actions =
        kind === "qualify"
          ? [build.providerRegistry.qualify({ address: c.ProviderRegistry, args: [BigInt(n)] })]
          : [
              build.pricingPolicy.setUnitPrices({
                address: c.PricingPolicy,
                args: [
                  n,
                  {
                    basePerDay: parseAmount(price, "Price per day"),
                    perCpuCoreDay: 0n,
                    perRamGbDay: 0n,
                    perStorageGbDay: 0n,
                    perBandwidthMbpsDay: 0n,
                  },
                ],
              }),
            ];
      const text =
        description.trim() ||
        (kind === "qualify" ? `Qualify provider #${n}` : `Project type ${n}: ${price} MZKU a day`);
      const { targets, values, calldatas } = proposalCalls(actions);
      void run([
        {
          what: `Propose: ${text}`,
          send: (s) => governance.sendPropose(s, { address: c.Governance, args: [targets, values, calldatas, text] }),
        },
      ]);
    } catch (e) {
      setError(plainError(e));
    }
  };
  return (
    <section className="panel" aria-labelledby="propose-title">
      <h2 id="propose-title">New proposal</h2>
      <div className="field">
        <label htmlFor="proposal-kind">Act</label>
        <select id="proposal-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
          <option value="qualify">Qualify a provider</option>
          <option value="price">Set a project type's flat price per day</option>
          <option value="call">Any governance call (typed arguments)</option>
        </select>
      </div>
      {kind === "call" && (
        <div className="field">
          <label htmlFor="proposal-call">Call</label>
          <select
            id="proposal-call"
            value={callId}
            onChange={(e) => {
              setCallId(e.target.value);
              setCallValues({});
            }}
          >
            <option value="">choose a function</option>
            {calls.map((x) => (
              <option key={x.id} value={x.id}>
                {x.id}
              </option>
            ))}
          </select>
        </div>
      )}
      <div className="fields">
        {kind !== "call" && (
          <Field
            label={kind === "qualify" ? "Provider id" : "Project type"}
            inputMode="numeric"
            value={id}
            onChange={setId}
          />
        )}
        {kind === "call" && call && !call.fixedTarget && (
          <Field label={`${call.contract} address`} value={callTarget} onChange={setCallTarget} />
        )}
        {kind === "call" &&
          call?.fields.map((f) => (
            <Field
              key={`${call.id}:${f.key}`}
              label={f.label}
              value={callValues[f.key] ?? ""}
              onChange={(v) => setCallValues((old) => ({ ...old, [f.key]: v }))}
              hint={f.hint}
            />
          ))}
        {kind === "price" && (
          <Field label="Price per day (MZKU)" inputMode="decimal" value={price} onChange={setPrice} />
        )}
        <Field
          label="Description"
          value={description}
          onChange={setDescription}
          hint="Shown to every governor; a default is written if empty"
        />
      </div>
      <TxPlan
        label="Propose"
        onRun={submit}
        steps={["propose: opens the vote; after it passes and the delay ends, anyone executes it"]}
      />
      <FormError error={error} />
    </section>
  );
}

/** Stake MZKU to sidecars (rewards, claim); governors, seats, elections, proposals and votes. */
export default function Govern() {
  const { api, config, account, reader } = useApp();
  const me = account?.address;
  const sidecars = useLoad(() => api.list<Sidecar>("/sidecars", { limit: 50 }), []);
  const governors = useLoad(() => api.list<Governor>("/governors", { limit: 50 }), []);
  const elections = useLoad(() => api.list<Election>("/elections", { limit: 10 }), []);
  const proposals = useLoad(() => api.list<Proposal>("/proposals", { limit: 20 }), []);
  const amGovernor = useLoad(
    async () =>
      me ? governance.isGovernor(reader, { address: config.deployment.contracts.Governance, args: [me] }) : false,
    [me],
  );
  // The indexer's expected-rewards view; null when this API does not serve it (older indexer).
  const rewards = useLoad(
    () =>
      api
        .list<SidecarRewards>("/sidecars/expected-rewards", { limit: 50 })
        .then((page) => new Map(page.items.map((r) => [r.sidecar.toLowerCase(), r])))
        .catch(() => null),
    [],
  );
  const seated = (governors.data?.items ?? []).filter((g) => g.seated);
  return (
    <>
      <h1>Stake and govern</h1>
      <h2>Sidecars</h2>
      <p className="lead">
        Stake MZKU to the sidecar that watches a node: you earn the sidecar class's share of the Reward Pool and lend
        your votes in governor elections.
      </p>
      {sidecars.data && sidecars.data.items.length === 0 && <p className="empty">No sidecar yet.</p>}
      <ul className="auctions">
        {sidecars.data?.items
          .filter((s) => s.sidecar !== zeroAddress)
          .map((s) => (
            <SidecarRow
              key={s.sidecar}
              sidecar={s}
              rewards={rewards.data === null ? null : rewards.data?.get(s.sidecar.toLowerCase())}
            />
          ))}
      </ul>
      <MyRewards />
      <h2>Governors and seats</h2>
      <p>
        {seated.length} seated governor{seated.length === 1 ? "" : "s"}.
        {elections.data?.items[0]
          ? ` Last election #${elections.data.items[0].electionId} elected ${elections.data.items[0].elected}; next from ${dateTime(elections.data.items[0].nextElectionAt)}.`
          : " No election held yet (Initialization phase)."}
      </p>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Account</th>
              <th scope="col">Seat</th>
              <th scope="col">Locked</th>
              <th scope="col">Pending withdrawal</th>
              <th scope="col">Delegated votes</th>
              <th scope="col">Votes cast</th>
            </tr>
          </thead>
          <tbody>
            {governors.data?.items.map((g) => (
              <tr key={g.account} data-governor={g.account.toLowerCase()}>
                <th scope="row">
                  <code title={g.account}>{shortAddress(g.account)}</code>
                </th>
                <td>{g.seated ? "seated" : g.candidate ? "candidate" : "—"}</td>
                <td>{formatAmount(g.locked)} MZKU</td>
                <td>{formatAmount(g.pendingWithdrawal)} MZKU</td>
                <td>{formatAmount(g.delegatedVotes)} MZKU</td>
                <td>{g.votesCast}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Elections />
      <h2>Proposals</h2>
      {amGovernor.data && <Propose />}
      {!amGovernor.data && (
        <p className="hint">Only seated governors propose and vote; anyone may execute a passed proposal.</p>
      )}
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Description</th>
              <th scope="col">Votes</th>
              <th scope="col">State</th>
              <th scope="col">Act</th>
            </tr>
          </thead>
          <tbody>
            {proposals.data?.items.map((p) => (
              <ProposalRow key={p.proposalId} p={p} isGovernor={amGovernor.data === true} />
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
