import type { PoolFlow } from "../api.js";
import { COLORS, dateTime, LineChart } from "./charts.js";

const mzku = (s: string) => Number(BigInt(s) / 10n ** 14n) / 1e4; // chart precision only

/** Cumulative MZKU into the Reward Pool and the Insurance Pool, and out of them, over time. */
export function FlowsChart({ flows }: { flows: PoolFlow[] }) {
  const ordered = [...flows].filter((f) => f.asset === "mzku").sort((a, b) => a.blockNumber - b.blockNumber);
  const line = (pool: PoolFlow["pool"], direction: PoolFlow["direction"]) => {
    let sum = 0;
    return ordered
      .filter((f) => f.pool === pool && f.direction === direction)
      .map((f) => {
        sum += mzku(f.amount);
        return { x: f.blockTimestamp, y: sum };
      });
  };
  const series = [
    { label: "Reward Pool in", color: COLORS.blue, points: line("reward", "in") },
    { label: "Reward Pool paid out", color: COLORS.green, points: line("reward", "out") },
    { label: "Insurance Pool in", color: COLORS.orange, points: line("insurance", "in") },
    { label: "Insurance Pool paid out", color: COLORS.purple, points: line("insurance", "out") },
  ].filter((s) => s.points.length > 0);
  return (
    <LineChart
      title="Reward and Insurance Pool flows (MZKU, cumulative)"
      describe={series.map((s) => `${s.label} ${(s.points.at(-1)?.y ?? 0).toFixed(2)}`).join("; ") || "none yet"}
      series={series}
      formatX={dateTime}
      formatY={(y) => y.toFixed(0)}
      yFrom0
    />
  );
}
