import { pricingPolicy } from "@mzku/sdk";
import { useState } from "react";
import type { Provider, Stats } from "../api.js";
import { useApp, useLoad } from "../context.js";
import { plainError } from "../errors.js";
import { bps, formatAmount } from "../units.js";

export const TRUST_TIERS = ["untrusted", "semi-trusted", "trusted"];

type SortKey = "score" | "price" | "expectedReturn";
const SORT_LABEL: Record<SortKey, string> = { score: "Score", price: "Price cap", expectedReturn: "Expected return" };

/** The standard ask the expected-return column is computed for: one validator for 30 days. */
const VALIDATOR = { cpuCores: 4, ramGb: 16, storageGb: 2000, bandwidthMbps: 25 };
const DAYS_30 = 30n * 86_400n;

function compare(a: Provider, b: Provider, key: SortKey, returns: Map<number, bigint>): number {
  if (key === "score") return a.score - b.score;
  const big = (x: bigint | undefined, y: bigint | undefined) =>
    (x ?? -1n) < (y ?? -1n) ? -1 : (x ?? -1n) > (y ?? -1n) ? 1 : 0;
  if (key === "price") return big(BigInt(a.priceCap), BigInt(b.priceCap));
  return big(returns.get(a.providerId), returns.get(b.providerId));
}

function capacityText(p: Provider): string {
  return `${p.cpuCores - p.usedCpuCores}/${p.cpuCores} cores · ${p.ramGb - p.usedRamGb}/${p.ramGb} GB RAM · ${p.storageGb - p.usedStorageGb}/${p.storageGb} GB disk`;
}

export function Marketplace() {
  const { api, reader, config } = useApp();
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: "score", desc: true });
  const providers = useLoad(() => api.list<Provider>("/providers", { limit: 100 }), []);
  const stats = useLoad(() => api.get<Stats>("/stats"), []);
  // Expected return: the read API's view when it serves one; otherwise the chain's own `listProviders`.
  const returns = useLoad(async () => {
    const map = new Map<number, bigint>();
    try {
      const view = await api.list<{ providerId: number; expectedReturn: string }>("/providers/expected-return", {
        ...VALIDATOR,
        duration: DAYS_30.toString(),
        projectType: 0,
        limit: 100,
      });
      for (const r of view.items) map.set(r.providerId, BigInt(r.expectedReturn));
      return { map, source: "read API" };
    } catch (apiError) {
      try {
        const rows = await pricingPolicy.listProviders(reader, {
          address: config.deployment.contracts.PricingPolicy,
          args: [0n, 100n, VALIDATOR, DAYS_30, 0],
        });
        for (const r of rows) map.set(Number(r.providerId), r.expectedReturn);
        return { map, source: "chain (the read API has no expected-return view)" };
      } catch (e) {
        return { map, source: `nowhere: ${plainError(apiError)}; ${plainError(e)}` };
      }
    }
  }, []);
  const rows = [...(providers.data?.items ?? [])].sort((a, b) => {
    const c = compare(a, b, sort.key, returns.data?.map ?? new Map());
    return sort.desc ? -c : c;
  });
  const header = (key: SortKey) => (
    <th scope="col" aria-sort={sort.key === key ? (sort.desc ? "descending" : "ascending") : "none"}>
      <button
        type="button"
        className="sort"
        onClick={() => setSort((s) => ({ key, desc: s.key === key ? !s.desc : true }))}
      >
        {SORT_LABEL[key]}
        <span aria-hidden="true">{sort.key === key ? (sort.desc ? " ▼" : " ▲") : ""}</span>
      </button>
    </th>
  );
  const total = stats.data as Record<string, unknown> | undefined;
  return (
    <>
      <h1>Marketplace</h1>
      <p className="lead">
        Providers who host validators and nodes, scored by the protocol. Sort by score, price or the requester's
        expected return, and open a provider for its history.
      </p>
      {total && (
        <dl className="stats" aria-label="Platform totals">
          <div>
            <dt>Providers</dt>
            <dd>{String(total.providers ?? "—")}</dd>
          </div>
          <div>
            <dt>Qualified</dt>
            <dd>{String(total.qualifiedProviders ?? "—")}</dd>
          </div>
          <div>
            <dt>Projects opened</dt>
            <dd>{String(total.projectsOpened ?? "—")}</dd>
          </div>
          <div>
            <dt>Collateral</dt>
            <dd>{formatAmount(String(total.totalCollateral ?? "0"), 0)} MZKU</dd>
          </div>
          <div>
            <dt>Micro-pool ETH</dt>
            <dd>{formatAmount(String(total.microPoolEthStaked ?? "0"), 2)} ETH</dd>
          </div>
        </dl>
      )}
      {providers.error && (
        <p role="alert" className="error">
          {providers.error}
        </p>
      )}
      {providers.data && rows.length === 0 && <p className="empty">No provider has applied yet.</p>}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table className="providers">
            <caption>
              Providers ({rows.length}). Expected return: the requester's share for one validator over 30 days
              {returns.data ? `, computed by the ${returns.data.source}` : ""}.
            </caption>
            <thead>
              <tr>
                <th scope="col">Provider</th>
                {header("score")}
                {header("price")}
                {header("expectedReturn")}
                <th scope="col">Free capacity</th>
                <th scope="col">Trust tier</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((p) => {
                const ret = returns.data?.map.get(p.providerId);
                return (
                  <tr key={p.providerId} data-provider={p.providerId}>
                    <th scope="row">
                      <a href={`#/providers/${p.providerId}`}>{p.brandName || `Provider ${p.providerId}`}</a>
                    </th>
                    <td data-label="Score">{bps(p.score)}</td>
                    <td data-label="Price cap">{formatAmount(p.priceCap, 2)} MZKU</td>
                    <td data-label="Expected return">{ret === undefined ? "—" : `${formatAmount(ret, 2)} MZKU`}</td>
                    <td data-label="Free capacity">{capacityText(p)}</td>
                    <td data-label="Trust tier">{TRUST_TIERS[p.trustTier] ?? p.trustTier}</td>
                    <td data-label="Status">{p.status}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
