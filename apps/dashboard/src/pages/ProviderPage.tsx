import type { ChainEvent, PoolFlow, Provider, ProviderWin } from "../api.js";
import { COLORS, dateTime, LineChart } from "../components/charts.js";
import { useApp, useLoad } from "../context.js";
import { bps, formatAmount, shortAddress } from "../units.js";
import { TRUST_TIERS } from "./Marketplace.js";

const wei = (s: string) => Number(BigInt(s) / 10n ** 14n) / 1e4; // chart precision only; tables show exact amounts

export default function ProviderPage({ id }: { id: number }) {
  const { api } = useApp();
  const provider = useLoad(() => api.get<Provider>(`/providers/${id}`), [id]);
  const wins = useLoad(() => api.list<ProviderWin>(`/providers/${id}/wins`, { limit: 100 }), [id]);
  const history = useLoad(async () => {
    const [scores, uptimes] = await Promise.all([
      api.list<ChainEvent>("/events", { eventName: "ScoreUpdated", limit: 100 }),
      api.list<ChainEvent>("/events", { eventName: "NodePeriodDecided", limit: 100 }),
    ]);
    const mine = (e: ChainEvent) => e.args.providerId === String(id);
    return { scores: scores.items.filter(mine).reverse(), uptimes: uptimes.items.filter(mine).reverse() };
  }, [id]);
  const owner = provider.data?.owner;
  const rewards = useLoad(
    async () =>
      owner
        ? (
            await api.list<PoolFlow>("/pool-flows", { pool: "reward", direction: "out", account: owner, limit: 100 })
          ).items.reverse()
        : [],
    [owner],
  );
  if (provider.error)
    return (
      <p role="alert" className="error">
        {provider.error}
      </p>
    );
  const p = provider.data;
  if (!p) return <p className="loading">Loading provider {id}…</p>;
  const claims = (rewards.data ?? []).filter((f) => f.asset === "mzku");
  const rewardPoints = claims.map((f, n) => ({
    x: f.blockTimestamp,
    y: claims.slice(0, n + 1).reduce((sum, c) => sum + wei(c.amount), 0),
  }));
  const cumulative = rewardPoints.at(-1)?.y ?? 0;
  return (
    <>
      <p>
        <a href="#/">← Marketplace</a>
      </p>
      <h1>{p.brandName || `Provider ${p.providerId}`}</h1>
      <dl className="facts">
        <div>
          <dt>Provider id</dt>
          <dd>{p.providerId}</dd>
        </div>
        <div>
          <dt>Owner</dt>
          <dd>
            <code title={p.owner}>{shortAddress(p.owner)}</code>
          </dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>{p.status}</dd>
        </div>
        <div>
          <dt>Trust tier</dt>
          <dd>{TRUST_TIERS[p.trustTier] ?? p.trustTier}</dd>
        </div>
        <div>
          <dt>Score</dt>
          <dd>{bps(p.score)}</dd>
        </div>
        <div>
          <dt>Uptime</dt>
          <dd>{bps(p.uptimeBps)}</dd>
        </div>
        <div>
          <dt>Price cap</dt>
          <dd>{formatAmount(p.priceCap, 2)} MZKU</dd>
        </div>
        <div>
          <dt>Collateral</dt>
          <dd>{formatAmount(p.collateral, 2)} MZKU</dd>
        </div>
        <div>
          <dt>Wins</dt>
          <dd>{p.wins}</dd>
        </div>
        <div>
          <dt>Failures</dt>
          <dd>{p.failures}</dd>
        </div>
        <div>
          <dt>Active nodes</dt>
          <dd>{p.activeNodes}</dd>
        </div>
        <div>
          <dt>Capacity used</dt>
          <dd>
            {p.usedCpuCores}/{p.cpuCores} cores, {p.usedRamGb}/{p.ramGb} GB RAM
          </dd>
        </div>
      </dl>
      <h2>Score components</h2>
      <ul className="components">
        <li>Stake {bps(p.scoreStake)}</li>
        <li>Price {bps(p.scorePrice)}</li>
        <li>Running time {bps(p.scoreRun)}</li>
        <li>Uptime {bps(p.scoreUptime)}</li>
      </ul>
      <div className="charts">
        <LineChart
          title="Uptime over time"
          describe={`${history.data?.uptimes.length ?? 0} reports`}
          series={[
            {
              label: "uptime",
              color: COLORS.green,
              points: (history.data?.uptimes ?? []).map((e) => ({
                x: e.blockTimestamp,
                y: Number(e.args.uptimeBps) / 100,
              })),
            },
          ]}
          formatX={dateTime}
          formatY={(y) => `${y.toFixed(1)}%`}
        />
        <LineChart
          title="Score over time"
          describe={`${history.data?.scores.length ?? 0} updates`}
          series={[
            {
              label: "score",
              color: COLORS.blue,
              points: (history.data?.scores ?? []).map((e) => ({ x: e.blockTimestamp, y: Number(e.args.score) / 100 })),
            },
          ]}
          formatX={dateTime}
          formatY={(y) => `${y.toFixed(1)}%`}
          yFrom0
        />
        <LineChart
          title="Rewards claimed (MZKU, cumulative)"
          describe={`${rewardPoints.length} claims, ${cumulative.toFixed(2)} MZKU in all`}
          series={[{ label: "rewards", color: COLORS.orange, points: rewardPoints }]}
          formatX={dateTime}
          formatY={(y) => y.toFixed(2)}
          yFrom0
        />
      </div>
      <h2>Auctions won</h2>
      {wins.data && wins.data.items.length === 0 && <p className="empty">No auction won yet.</p>}
      {wins.data && wins.data.items.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Project</th>
                <th scope="col">Price</th>
                <th scope="col">Fixed price</th>
                <th scope="col">Price / FP</th>
                <th scope="col">When</th>
              </tr>
            </thead>
            <tbody>
              {wins.data.items.map((w) => (
                <tr key={w.projectId}>
                  <th scope="row">
                    <a href={`#/projects/${w.projectId}`}>#{w.projectId}</a>
                  </th>
                  <td>{formatAmount(w.price, 2)} MZKU</td>
                  <td>{formatAmount(w.fixedPrice, 2)} MZKU</td>
                  <td>{bps(w.priceBps)}</td>
                  <td>{dateTime(w.blockTimestamp)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
