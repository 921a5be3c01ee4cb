/** Small SVG charts (no chart library: a line and a bar are all the dashboard draws). */

export type Point = { x: number; y: number };
export type Series = { label: string; points: Point[]; color: string };

const W = 600;
const H = 220;
const PAD = { left: 64, right: 12, top: 12, bottom: 36 };

function extent(values: number[]): [number, number] {
  if (values.length === 0) return [0, 1];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? [lo - 1, hi + 1] : [lo, hi];
}

/**
 * Lines over x (time in seconds, or an index). `describe` is read to screen readers in place of the
 * picture; the values are also in the page's tables.
 */
export function LineChart(props: {
  title: string;
  series: Series[];
  formatX: (x: number) => string;
  formatY: (y: number) => string;
  describe: string;
  yFrom0?: boolean;
}) {
  const all = props.series.flatMap((s) => s.points);
  if (all.length === 0) return <p className="empty">{props.title}: no data yet.</p>;
  const [x0, x1] = extent(all.map((p) => p.x));
  const [yLo, y1] = extent(all.map((p) => p.y));
  const y0 = props.yFrom0 ? Math.min(0, yLo) : yLo;
  const sx = (x: number) => PAD.left + ((x - x0) / (x1 - x0)) * (W - PAD.left - PAD.right);
  const sy = (y: number) => H - PAD.bottom - ((y - y0) / (y1 - y0 || 1)) * (H - PAD.top - PAD.bottom);
  return (
    <figure className="chart">
      <figcaption>{props.title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${props.title}: ${props.describe}`}>
        <line x1={PAD.left} y1={H - PAD.bottom} x2={W - PAD.right} y2={H - PAD.bottom} className="axis" />
        <line x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={H - PAD.bottom} className="axis" />
        <text x={PAD.left - 6} y={sy(y1) + 4} textAnchor="end" className="tick">
          {props.formatY(y1)}
        </text>
        <text x={PAD.left - 6} y={sy(y0) + 4} textAnchor="end" className="tick">
          {props.formatY(y0)}
        </text>
        <text x={PAD.left} y={H - 12} className="tick">
          {props.formatX(x0)}
        </text>
        <text x={W - PAD.right} y={H - 12} textAnchor="end" className="tick">
          {props.formatX(x1)}
        </text>
        {props.series.map((s) => (
          <g key={s.label}>
            <polyline
              fill="none"
              stroke={s.color}
              strokeWidth={2.5}
              points={s.points.map((p) => `${sx(p.x)},${sy(p.y)}`).join(" ")}
            />
            {s.points.map((p) => (
              <circle key={`${p.x}-${p.y}`} cx={sx(p.x)} cy={sy(p.y)} r={3.5} fill={s.color} />
            ))}
          </g>
        ))}
      </svg>
      {props.series.length > 1 && (
        <ul className="legend">
          {props.series.map((s) => (
            <li key={s.label}>
              <span className="swatch" style={{ background: s.color }} aria-hidden="true" />
              {s.label}
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}

/** A fill bar with its numbers in words (a meter for assistive technology). */
export function FillBar({ value, max, label, text }: { value: bigint; max: bigint; label: string; text: string }) {
  const pct = max === 0n ? 0 : Number((value * 10_000n) / max) / 100;
  return (
    <div className="fill">
      <div className="fill-track" aria-hidden="true">
        <div className="fill-bar" style={{ width: `${Math.min(100, pct)}%` }} />
      </div>
      <span className="fill-text">
        <span className="sr-only">{label}: </span>
        {text} ({pct.toFixed(0)}%)
      </span>
    </div>
  );
}

export const COLORS = { blue: "#1f5fbf", orange: "#b35900", green: "#1d7a3a", purple: "#6b3fa0" };

export function day(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}
export function dateTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(5, 16).replace("T", " ");
}
