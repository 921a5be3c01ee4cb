import { bidCommitment, mzkuToken, nodeRegistry, projectMarket, providerRegistry } from "@mzku/sdk";
import { useState } from "react";
import { type Address, isAddress } from "viem";
import type { Project, Provider } from "../api.js";
import { loadBid, randomSalt, saveBid } from "../bids.js";
import { dateTime } from "../components/charts.js";
import { Field, FormError } from "../components/Field.js";
import { useApp, useLoad } from "../context.js";
import { advanceClock } from "../devnet.js";
import { DashboardError, plainError } from "../errors.js";
import { phaseAt, REVEAL_WARNING_BLOCKS, SECONDS_PER_BLOCK, typeLabel } from "../market.js";
import { TxPlan, type TxStep, useTx } from "../tx.js";
import { formatAmount, parseAmount } from "../units.js";

type NodeRow = { nodeId: number; sidecar: string; status: string; cpuCores: number; ramGb: number; storageGb: number };

function whole(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new DashboardError("BAD_INPUT", `${what} must be a whole number above 0`);
  return n;
}

/** Approve `amount` MZKU to `spender` when the allowance is short, then `then`. */
async function withApproval(
  reader: Parameters<typeof mzkuToken.allowance>[0],
  token: Address,
  owner: Address,
  spender: Address,
  spenderName: string,
  amount: bigint,
  then: TxStep,
): Promise<TxStep[]> {
  const allowance = await mzkuToken.allowance(reader, { address: token, args: [owner, spender] });
  const approve: TxStep = {
    what: `Allow the ${spenderName} to take ${formatAmount(amount)} MZKU`,
    send: (s) => mzkuToken.sendApprove(s, { address: token, args: [spender, amount] }),
  };
  return allowance < amount ? [approve, then] : [then];
}

function Apply() {
  const { config, account } = useApp();
  const { run } = useTx();
  const [f, setF] = useState({
    brand: "",
    cpu: "16",
    ram: "64",
    storage: "8000",
    bandwidth: "1000",
    cap: "1000",
    uri: "",
  });
  const [error, setError] = useState<string>();
  const apply = () => {
    setError(undefined);
    try {
      if (!f.brand.trim()) throw new DashboardError("BAD_INPUT", "Brand name is empty");
      const capacity = {
        cpuCores: whole(f.cpu, "CPU cores"),
        ramGb: whole(f.ram, "RAM"),
        storageGb: whole(f.storage, "Storage"),
        bandwidthMbps: whole(f.bandwidth, "Bandwidth"),
      };
      const cap = parseAmount(f.cap, "Price cap");
      void run([
        {
          what: `Apply as provider "${f.brand}" (price cap ${formatAmount(cap)} MZKU)`,
          send: (s) =>
            providerRegistry.sendApplyAsProvider(s, {
              address: config.deployment.contracts.ProviderRegistry,
              args: [f.brand.trim(), capacity, cap, f.uri],
            }),
        },
      ]);
    } catch (e) {
      setError(plainError(e));
    }
  };
  return (
    <section className="panel" aria-labelledby="apply-title">
      <h2 id="apply-title">Apply as a provider</h2>
      <p>
        {account ? "This account is not a provider yet." : "Choose an account."} Governance qualifies providers after
        they apply and lock collateral.
      </p>
      <div className="fields">
        <Field label="Brand name" value={f.brand} onChange={(v) => setF({ ...f, brand: v })} />
        <Field label="CPU cores" inputMode="numeric" value={f.cpu} onChange={(v) => setF({ ...f, cpu: v })} />
        <Field label="RAM (GB)" inputMode="numeric" value={f.ram} onChange={(v) => setF({ ...f, ram: v })} />
        <Field
          label="Storage (GB)"
          inputMode="numeric"
          value={f.storage}
          onChange={(v) => setF({ ...f, storage: v })}
        />
        <Field
          label="Bandwidth (Mbps)"
          inputMode="numeric"
          value={f.bandwidth}
          onChange={(v) => setF({ ...f, bandwidth: v })}
        />
        <Field label="Price cap (MZKU)" inputMode="decimal" value={f.cap} onChange={(v) => setF({ ...f, cap: v })} />
        <Field
          label="Metadata URI"
          value={f.uri}
          onChange={(v) => setF({ ...f, uri: v })}
          hint="Optional: where your terms are published"
        />
      </div>
      <TxPlan label="Apply" onRun={apply} steps={["applyAsProvider: registers the brand, capacity and price cap"]} />
      <FormError error={error} />
    </section>
  );
}

function AmountAction(props: {
  title: string;
  label: string;
  plan: string[];
  onRun: (amount: bigint) => Promise<void>;
}) {
  const [amount, setAmount] = useState("");
  const [error, setError] = useState<string>();
  return (
    <div>
      <Field label={props.label} inputMode="decimal" value={amount} onChange={setAmount} />
      <TxPlan
        label={props.title}
        steps={props.plan}
        onRun={() => {
          setError(undefined);
          try {
            void props.onRun(parseAmount(amount, props.label)).catch((e: unknown) => setError(plainError(e)));
          } catch (e) {
            setError(plainError(e));
          }
        }}
      />
      <FormError error={error} />
    </div>
  );
}

function Auction({ project, block, providerId }: { project: Project; block: bigint; providerId: number }) {
  const { config, account, api } = useApp();
  const { run } = useTx();
  const [price, setPrice] = useState("");
  const [error, setError] = useState<string>();
  const c = config.deployment.contracts;
  const me = account?.address as Address;
  const phase = phaseAt(project, block);
  const stored = me ? loadBid(config.deployment.chainId, c.ProjectMarket, project.projectId, me) : undefined;
  const bids = useLoad(
    async () =>
      me
        ? (
            await api.list<{ bidIndex: number; revealed: boolean }>(`/projects/${project.projectId}/bids`, {
              bidder: me,
            })
          ).items[0]
        : undefined,
    [project.projectId, me, project.bids, project.revealedBids],
  );
  const mine = bids.data;
  const revealLeft = BigInt(project.revealEndBlock) - block;
  const fp = BigInt(project.fixedPrice);

  const commit = async () => {
    setError(undefined);
    try {
      const wei = parseAmount(price, "Bid price");
      if (wei > fp) throw new DashboardError("BAD_INPUT", `Bid price: above the fixed price ${formatAmount(fp)} MZKU`);
      const salt = randomSalt();
      const commitment = bidCommitment(wei, salt, me, BigInt(project.projectId));
      // Kept before sending: a commit that lands without its salt saved could never be revealed.
      saveBid(config.deployment.chainId, c.ProjectMarket, project.projectId, me, {
        price: wei.toString(),
        salt,
        committedAt: Date.now(),
      });
      await run([
        {
          what: `Seal a bid of ${formatAmount(wei)} MZKU on project #${project.projectId} (price and salt stay in this browser)`,
          send: (s) =>
            projectMarket.sendCommit(s, { address: c.ProjectMarket, args: [BigInt(project.projectId), commitment] }),
        },
      ]);
    } catch (e) {
      setError(plainError(e));
    }
  };
  const reveal = () => {
    if (!stored || !mine) return;
    void run([
      {
        what: `Reveal bid #${mine.bidIndex} on project #${project.projectId}: ${formatAmount(BigInt(stored.price))} MZKU`,
        send: (s) =>
          projectMarket.sendReveal(s, {
            address: c.ProjectMarket,
            args: [BigInt(project.projectId), BigInt(mine.bidIndex), BigInt(stored.price), stored.salt],
          }),
      },
    ]);
  };
  return (
    <li className="panel auction" data-project={project.projectId}>
      <h3>
        <a href={`#/projects/${project.projectId}`}>Project #{project.projectId}</a> — {typeLabel(project.projectType)}
      </h3>
      <p>
        FP {formatAmount(fp)} MZKU · {project.bids} bids · {phase} window
        {phase === "commit" ? `, ${BigInt(project.commitEndBlock) - block} blocks left to bid` : ""}
        {phase === "reveal" ? `, ${revealLeft} blocks left to reveal` : ""}
      </p>
      {phase === "commit" && !mine && providerId > 0 && (
        <>
          <Field
            label={`Your price for project #${project.projectId} (MZKU)`}
            inputMode="decimal"
            value={price}
            onChange={setPrice}
            hint="At most the fixed price; the lowest eligible bids enter the draw."
          />
          <TxPlan
            label="Seal the bid"
            onRun={() => void commit()}
            steps={[
              `commit: locks the bid bond ${formatAmount(project.bidBond)} MZKU from your bond balance; the price stays secret until you reveal`,
            ]}
          />
        </>
      )}
      {mine && !mine.revealed && phase === "commit" && (
        <p>Bid sealed (#{mine.bidIndex}). Reveal it when the reveal window opens.</p>
      )}
      {mine && !mine.revealed && phase === "reveal" && (
        <>
          {revealLeft <= REVEAL_WARNING_BLOCKS && (
            <p className="warning" role="alert">
              The reveal window closes in {String(revealLeft)} blocks (about{" "}
              {String((revealLeft * SECONDS_PER_BLOCK) / 60n)} min): an unrevealed bid forfeits its bond.
            </p>
          )}
          {stored ? (
            <TxPlan
              label="Reveal the bid"
              onRun={reveal}
              steps={[
                `reveal: price ${formatAmount(BigInt(stored.price))} MZKU with the salt kept in this browser; the bond comes back`,
              ]}
            />
          ) : (
            <p className="error" role="alert">
              This browser does not hold the price and salt of your bid: reveal it where you sealed it.
            </p>
          )}
        </>
      )}
      {mine?.revealed && <p>Bid #{mine.bidIndex} revealed.</p>}
      <FormError error={error} />
    </li>
  );
}

/** Apply, manage collateral, bond and nodes, and bid on open auctions (seal, then reveal). */
export default function Provide() {
  const { config, account, api, reader, bump } = useApp();
  const { run } = useTx();
  const c = config.deployment.contracts;
  const me = account?.address as Address | undefined;
  const state = useLoad(async () => {
    if (!me) return undefined;
    const id = Number(await providerRegistry.providerIdOf(reader, { address: c.ProviderRegistry, args: [me] }));
    const bond = await projectMarket.bondBalanceOf(reader, { address: c.ProjectMarket, args: [me] });
    const provider = id > 0 ? await api.get<Provider>(`/providers/${id}`).catch(() => undefined) : undefined;
    const nodes =
      id > 0
        ? await api
            .list<NodeRow>("/nodes", { providerId: id, limit: 100 })
            .then((page) => page.items)
            .catch(() => [])
        : [];
    const [unbonding, readyAt] =
      id > 0
        ? await providerRegistry.unbondingOf(reader, { address: c.ProviderRegistry, args: [BigInt(id)] })
        : [0n, 0n];
    const now = (await reader.getBlock()).timestamp;
    return { id, bond, provider, nodes, unbonding, readyAt: BigInt(readyAt), now };
  }, [me]);
  const auctions = useLoad(
    async () => ({
      projects: await api.list<Project>("/projects", { status: "bidding", limit: 50 }),
      block: await reader.getBlockNumber(),
    }),
    [],
    2_000,
  );
  const [node, setNode] = useState({ sidecar: "", cpu: "4", ram: "16", storage: "100", bandwidth: "100" });
  const [nodeError, setNodeError] = useState<string>();
  const s = state.data;
  const registerNode = () => {
    setNodeError(undefined);
    try {
      if (!isAddress(node.sidecar))
        throw new DashboardError("BAD_INPUT", "Sidecar: not an address (0x + 40 hex digits)");
      const resources = {
        cpuCores: whole(node.cpu, "CPU cores"),
        ramGb: whole(node.ram, "RAM"),
        storageGb: whole(node.storage, "Storage"),
        bandwidthMbps: whole(node.bandwidth, "Bandwidth"),
      };
      void (async () => {
        const receipts = await run([
          {
            what: `Register a node with sidecar ${node.sidecar.slice(0, 10)}…`,
            send: (w) =>
              nodeRegistry.sendRegisterNode(w, { address: c.NodeRegistry, args: [node.sidecar as Address, resources] }),
          },
        ]);
        if (!receipts) return;
        const nodeId = await nodeRegistry.nodeIdOfSidecar(reader, {
          address: c.NodeRegistry,
          args: [node.sidecar as Address],
        });
        await run([
          {
            what: `Activate node #${nodeId}`,
            send: (w) => nodeRegistry.sendActivateNode(w, { address: c.NodeRegistry, args: [nodeId] }),
          },
        ]);
      })();
    } catch (e) {
      setNodeError(plainError(e));
    }
  };
  return (
    <>
      <h1>Provide</h1>
      <p className="lead">
        Run validators and nodes for requesters: apply, lock collateral, register nodes, and bid on open auctions.
      </p>
      {!account && <p className="warning">Choose an account (top right) to act as a provider.</p>}
      {s && s.id === 0 && <Apply />}
      {s && s.id > 0 && (
        <>
          <dl className="facts" aria-label="Your provider">
            <div>
              <dt>Provider</dt>
              <dd>
                <a href={`#/providers/${s.id}`}>
                  #{s.id} {s.provider?.brandName}
                </a>
              </dd>
            </div>
            <div>
              <dt>Status</dt>
              <dd>{s.provider?.status ?? "indexing…"}</dd>
            </div>
            <div>
              <dt>Collateral</dt>
              <dd>{s.provider ? `${formatAmount(s.provider.collateral)} MZKU` : "—"}</dd>
            </div>
            <div>
              <dt>Bid bond balance</dt>
              <dd data-testid="bond">{formatAmount(s.bond)} MZKU</dd>
            </div>
          </dl>
          <div className="charts">
            <section className="panel" aria-labelledby="collateral-title">
              <h2 id="collateral-title">Collateral</h2>
              <AmountAction
                title="Deposit collateral"
                label="Collateral to add (MZKU)"
                plan={[
                  "Approve the MZKU to the ProviderRegistry (skipped if already approved)",
                  "depositCollateral: locks it behind your nodes",
                ]}
                onRun={async (amount) => {
                  if (!me) return;
                  await run(
                    await withApproval(reader, c.MzkuToken, me, c.ProviderRegistry, "ProviderRegistry", amount, {
                      what: `Deposit ${formatAmount(amount)} MZKU of collateral`,
                      send: (w) =>
                        providerRegistry.sendDepositCollateral(w, { address: c.ProviderRegistry, args: [amount] }),
                    }),
                  );
                }}
              />
              <AmountAction
                title="Request withdrawal"
                label="Collateral to withdraw (MZKU)"
                plan={[
                  "requestWithdrawal: moves free collateral (no active node) into unbonding; withdrawable after the unbonding delay",
                ]}
                onRun={async (amount) => {
                  await run([
                    {
                      what: `Start the withdrawal of ${formatAmount(amount)} MZKU of collateral`,
                      send: (w) =>
                        providerRegistry.sendRequestWithdrawal(w, { address: c.ProviderRegistry, args: [amount] }),
                    },
                  ]);
                }}
              />
              {s.unbonding > 0n && (
                <div data-testid="unbonding">
                  <p>
                    Unbonding: {formatAmount(s.unbonding)} MZKU,{" "}
                    {s.now >= s.readyAt ? "ready to withdraw." : `ready after ${dateTime(Number(s.readyAt))}.`}
                  </p>
                  {s.now >= s.readyAt ? (
                    <TxPlan
                      label="Withdraw collateral"
                      steps={["withdrawCollateral: pays the unbonded collateral to your account"]}
                      onRun={() =>
                        void run([
                          {
                            what: `Withdraw ${formatAmount(s.unbonding)} MZKU of unbonded collateral`,
                            send: (w) => providerRegistry.sendWithdrawCollateral(w, { address: c.ProviderRegistry }),
                          },
                        ])
                      }
                    />
                  ) : (
                    config.devnet && (
                      <button
                        type="button"
                        className="secondary"
                        onClick={() => void advanceClock(config, s.readyAt - s.now).then(bump)}
                      >
                        Devnet: move the clock to the end of unbonding
                      </button>
                    )
                  )}
                </div>
              )}
            </section>
            <section className="panel" aria-labelledby="bond-title">
              <h2 id="bond-title">Bid bond</h2>
              <AmountAction
                title="Deposit bond"
                label="Bond to add (MZKU)"
                plan={[
                  "Approve the MZKU to the ProjectMarket (skipped if already approved)",
                  "depositBond: each sealed bid locks a bond from it until revealed",
                ]}
                onRun={async (amount) => {
                  if (!me) return;
                  await run(
                    await withApproval(reader, c.MzkuToken, me, c.ProjectMarket, "ProjectMarket", amount, {
                      what: `Deposit ${formatAmount(amount)} MZKU of bid bond`,
                      send: (w) => projectMarket.sendDepositBond(w, { address: c.ProjectMarket, args: [amount] }),
                    }),
                  );
                }}
              />
              <AmountAction
                title="Withdraw bond"
                label="Bond to withdraw (MZKU)"
                plan={["withdrawBond: pays back bond that no sealed bid holds"]}
                onRun={async (amount) => {
                  await run([
                    {
                      what: `Withdraw ${formatAmount(amount)} MZKU of bid bond`,
                      send: (w) => projectMarket.sendWithdrawBond(w, { address: c.ProjectMarket, args: [amount] }),
                    },
                  ]);
                }}
              />
            </section>
          </div>
          <section className="panel" aria-labelledby="nodes-title">
            <h2 id="nodes-title">Nodes</h2>
            {s.nodes.length === 0 ? (
              <p className="empty">No node registered.</p>
            ) : (
              <ul>
                {s.nodes.map((n) => (
                  <li key={n.nodeId} data-node={n.nodeId}>
                    Node #{n.nodeId}: {n.status}, sidecar <code>{n.sidecar}</code>, {n.cpuCores} cores / {n.ramGb} GB{" "}
                    {(n.status === "installing" || n.status === "active") && (
                      <button
                        type="button"
                        className="secondary"
                        aria-label={`Stop node #${n.nodeId}`}
                        onClick={() =>
                          void run([
                            {
                              what: `Stop node #${n.nodeId} (frees its resources)`,
                              send: (w) =>
                                nodeRegistry.sendStopNode(w, { address: c.NodeRegistry, args: [BigInt(n.nodeId)] }),
                            },
                          ])
                        }
                      >
                        Stop
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            )}
            <div className="fields">
              <Field label="Sidecar address" value={node.sidecar} onChange={(v) => setNode({ ...node, sidecar: v })} />
              <Field
                label="CPU cores"
                inputMode="numeric"
                value={node.cpu}
                onChange={(v) => setNode({ ...node, cpu: v })}
              />
              <Field
                label="RAM (GB)"
                inputMode="numeric"
                value={node.ram}
                onChange={(v) => setNode({ ...node, ram: v })}
              />
              <Field
                label="Storage (GB)"
                inputMode="numeric"
                value={node.storage}
                onChange={(v) => setNode({ ...node, storage: v })}
              />
              <Field
                label="Bandwidth (Mbps)"
                inputMode="numeric"
                value={node.bandwidth}
                onChange={(v) => setNode({ ...node, bandwidth: v })}
              />
            </div>
            <TxPlan
              label="Register and activate the node"
              onRun={registerNode}
              steps={[
                "registerNode: books the resources from your capacity",
                "activateNode: the node is installed and serving",
              ]}
            />
            <FormError error={nodeError} />
          </section>
        </>
      )}
      <h2>Open auctions</h2>
      {auctions.data && auctions.data.projects.items.length === 0 && <p className="empty">No auction is open.</p>}
      <ul className="auctions">
        {auctions.data?.projects.items.map((p) => (
          <Auction key={p.projectId} project={p} block={auctions.data?.block ?? 0n} providerId={s?.id ?? 0} />
        ))}
      </ul>
    </>
  );
}
