import { mzkuToken, pricingPolicy, projectMarket, projectMarketAbi } from "@mzku/sdk";
import { useState } from "react";
import { parseEventLogs, type TransactionReceipt } from "viem";
import { Field, FormError } from "../components/Field.js";
import { useApp } from "../context.js";
import { DashboardError, plainError } from "../errors.js";
import { PROJECT_TYPES, type Resources, typeLabel } from "../market.js";
import { go } from "../router.js";
import { TxPlan, type TxStep, useTx } from "../tx.js";
import { bps, formatAmount, shortAddress } from "../units.js";

type Quote = {
  resources: Resources;
  duration: bigint;
  projectType: number;
  fp: bigint;
  expectedProfit: bigint;
  providers: {
    providerId: bigint;
    owner: string;
    priceCap: bigint;
    reputationScore: bigint;
    performanceScore: bigint;
    expectedReturn: bigint;
  }[];
};

function positiveInt(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new DashboardError("BAD_INPUT", `${what} must be a whole number above 0`);
  return n;
}

/** The id of the project a receipt opened (its `ProjectOpened` event). */
function openedId(receipt: TransactionReceipt): string {
  const [event] = parseEventLogs({ abi: projectMarketAbi, eventName: "ProjectOpened", logs: receipt.logs });
  return String(event?.args.projectId ?? "?");
}

/** Quote a validator or node, see who can serve it, open the project and follow its auction. */
export default function Request() {
  const { config, reader, account } = useApp();
  const { run } = useTx();
  const c = config.deployment.contracts;
  const [projectType, setProjectType] = useState("2");
  const [form, setForm] = useState(() => {
    const r = PROJECT_TYPES[2]?.resources as Resources;
    return {
      cpu: String(r.cpuCores),
      ram: String(r.ramGb),
      storage: String(r.storageGb),
      bandwidth: String(r.bandwidthMbps),
      days: "1",
    };
  });
  const [quote, setQuote] = useState<Quote>();
  const [error, setError] = useState<string>();

  const chooseType = (value: string) => {
    setProjectType(value);
    setQuote(undefined);
    const r = PROJECT_TYPES[Number(value)]?.resources;
    if (r)
      setForm((f) => ({
        ...f,
        cpu: String(r.cpuCores),
        ram: String(r.ramGb),
        storage: String(r.storageGb),
        bandwidth: String(r.bandwidthMbps),
      }));
  };

  const getQuote = async () => {
    setError(undefined);
    setQuote(undefined);
    try {
      const resources = {
        cpuCores: positiveInt(form.cpu, "CPU cores"),
        ramGb: positiveInt(form.ram, "RAM"),
        storageGb: positiveInt(form.storage, "Storage"),
        bandwidthMbps: positiveInt(form.bandwidth, "Bandwidth"),
      };
      const duration = BigInt(positiveInt(form.days, "Duration")) * 86_400n;
      const type = Number(projectType);
      const [fp, expectedProfit] = await pricingPolicy.quote(reader, {
        address: c.PricingPolicy,
        args: [resources, duration, type],
      });
      const rows = await pricingPolicy.listProviders(reader, {
        address: c.PricingPolicy,
        args: [0n, 100n, resources, duration, type],
      });
      setQuote({
        resources,
        duration,
        projectType: type,
        fp,
        expectedProfit,
        providers: rows
          .filter((r) => r.eligible && r.hasCapacity)
          .map((r) => ({
            providerId: r.providerId,
            owner: r.owner,
            priceCap: r.priceCap,
            reputationScore: r.reputationScore,
            performanceScore: r.performanceScore,
            expectedReturn: r.expectedReturn,
          })),
      });
    } catch (e) {
      setError(plainError(e));
    }
  };

  const open = async () => {
    if (!quote || !account) return;
    const allowance = await mzkuToken.allowance(reader, {
      address: c.MzkuToken,
      args: [account.address, c.ProjectMarket],
    });
    const steps: TxStep[] = [];
    if (allowance < quote.fp) {
      steps.push({
        what: `Allow the market to take ${formatAmount(quote.fp)} MZKU (the fixed price)`,
        send: (s) => mzkuToken.sendApprove(s, { address: c.MzkuToken, args: [c.ProjectMarket, quote.fp] }),
      });
    }
    steps.push({
      what: `Open the project: pay ${formatAmount(quote.fp)} MZKU and start its sealed-bid auction`,
      send: (s) =>
        projectMarket.sendOpenProject(s, {
          address: c.ProjectMarket,
          args: [quote.resources, quote.duration, quote.projectType, quote.fp],
        }),
      result: (receipt) => `Project #${openedId(receipt)} opened; its auction page follows the bids live.`,
    });
    const receipts = await run(steps);
    const last = receipts?.at(-1);
    if (last) go(`projects/${openedId(last)}`);
  };

  return (
    <>
      <h1>Request a validator or node</h1>
      <p className="lead">
        Say what you need and for how long. The protocol quotes a fixed price (FP) you pay once; providers then bid
        under it in a sealed-bid auction, and a draw no single party controls picks among the cheapest.
      </p>
      <form
        className="panel"
        onSubmit={(e) => {
          e.preventDefault();
          void getQuote();
        }}
      >
        <div className="field">
          <label htmlFor="project-type">What to run</label>
          <select id="project-type" value={projectType} onChange={(e) => chooseType(e.target.value)}>
            {Object.entries(PROJECT_TYPES).map(([k, t]) => (
              <option key={k} value={k}>
                {t.label} (type {k})
              </option>
            ))}
          </select>
        </div>
        <div className="fields">
          <Field
            label="CPU cores"
            inputMode="numeric"
            value={form.cpu}
            onChange={(v) => setForm({ ...form, cpu: v })}
          />
          <Field label="RAM (GB)" inputMode="numeric" value={form.ram} onChange={(v) => setForm({ ...form, ram: v })} />
          <Field
            label="Storage (GB)"
            inputMode="numeric"
            value={form.storage}
            onChange={(v) => setForm({ ...form, storage: v })}
          />
          <Field
            label="Bandwidth (Mbps)"
            inputMode="numeric"
            value={form.bandwidth}
            onChange={(v) => setForm({ ...form, bandwidth: v })}
          />
          <Field
            label="Duration (days)"
            inputMode="numeric"
            value={form.days}
            onChange={(v) => setForm({ ...form, days: v })}
          />
        </div>
        <button type="submit">Get a quote</button>
        <FormError error={error} />
      </form>
      {quote && (
        <section className="panel" aria-labelledby="quote-title">
          <h2 id="quote-title">Quote</h2>
          <dl className="facts">
            <div>
              <dt>What</dt>
              <dd>{typeLabel(quote.projectType)}</dd>
            </div>
            <div>
              <dt>Fixed price (FP)</dt>
              <dd data-testid="fp">{formatAmount(quote.fp)} MZKU</dd>
            </div>
            <div>
              <dt>Expected profit</dt>
              <dd>
                {quote.expectedProfit === 0n ? "none for this type" : `${formatAmount(quote.expectedProfit)} MZKU`}
              </dd>
            </div>
            <div>
              <dt>Providers who can serve it</dt>
              <dd data-testid="provider-count">{quote.providers.length}</dd>
            </div>
          </dl>
          {quote.providers.length > 0 && (
            <div className="table-wrap">
              <table>
                <caption>Eligible providers with free capacity for this ask</caption>
                <thead>
                  <tr>
                    <th scope="col">Provider</th>
                    <th scope="col">Reputation</th>
                    <th scope="col">Performance</th>
                    <th scope="col">Price cap</th>
                    <th scope="col">Your expected return</th>
                  </tr>
                </thead>
                <tbody>
                  {quote.providers.map((p) => (
                    <tr key={String(p.providerId)}>
                      <th scope="row">
                        <a href={`#/providers/${p.providerId}`}>
                          #{String(p.providerId)} <code>{shortAddress(p.owner)}</code>
                        </a>
                      </th>
                      <td>{bps(Number(p.reputationScore))}</td>
                      <td>{bps(Number(p.performanceScore))}</td>
                      <td>{formatAmount(p.priceCap, 2)} MZKU</td>
                      <td>{formatAmount(p.expectedReturn, 2)} MZKU</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {quote.providers.length === 0 && (
            <p className="warning">
              No eligible provider has room for this ask now: the auction may end without a winner.
            </p>
          )}
          <TxPlan
            label="Open the project"
            onRun={() => void open()}
            steps={[
              `Approve ${formatAmount(quote.fp)} MZKU to the ProjectMarket (skipped if already approved)`,
              `openProject: pays FP ${formatAmount(quote.fp)} MZKU (refused if the price rose above it)`,
            ]}
          />
        </section>
      )}
    </>
  );
}
