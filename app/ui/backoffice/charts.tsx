/**
 * Server-rendered SVG charts (plain React elements, no client code, no library): they render
 * the same without JavaScript. Each is an image with a text summary for assistive technology;
 * the page puts the data table next to it.
 */
import type { ReactNode } from 'react';

export type Tone = 'brand' | 'muted' | 'age1' | 'age2' | 'age3' | 'age4';

const W = 640;
const H = 260;
const M = { top: 24, right: 16, bottom: 40, left: 72 };
const plotW = W - M.left - M.right;
const plotH = H - M.top - M.bottom;

/** Round tick steps (1, 2, 2.5, 5 × 10^n) from 0 to at least max. */
export function niceTicks(max: number, target = 4): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / target;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let v = 0; v < max + step * 0.999; v += step) ticks.push(Math.round(v * 1e6) / 1e6);
  if (ticks[ticks.length - 1] < max) ticks.push(ticks[ticks.length - 1] + step);
  return ticks;
}

function Axis({ ticks, top, format }: { ticks: number[]; top: number; format: (v: number) => string }) {
  const y = (v: number) => M.top + plotH - (v / top) * plotH;
  return (
    <g className="chart-axis">
      {ticks.map((t) => (
        <g key={t}>
          <line
            x1={M.left}
            x2={W - M.right}
            y1={y(t)}
            y2={y(t)}
            className={t === 0 ? 'chart-baseline' : 'chart-grid'}
          />
          <text x={M.left - 10} y={y(t)} dy="0.35em" textAnchor="end">
            {format(t)}
          </text>
        </g>
      ))}
    </g>
  );
}

export type Bar = { label: string; value: number; valueLabel?: string; tone?: Tone };

export function BarChart({
  bars,
  label,
  format,
  showValues = true,
  thinLabels = false,
  emptyText,
}: {
  bars: Bar[];
  /** The summary read out instead of the picture. */
  label: string;
  format: (v: number) => string;
  showValues?: boolean;
  /** Many bars: on a narrow screen, show every other x-axis label. */
  thinLabels?: boolean;
  /** Shown in the picture when every bar is zero. */
  emptyText?: ReactNode;
}) {
  const max = Math.max(0, ...bars.map((b) => b.value));
  const ticks = max > 0 ? niceTicks(max) : [0];
  const top = ticks[ticks.length - 1] || 1;
  const slot = plotW / Math.max(1, bars.length);
  const barW = Math.min(72, slot * 0.62);
  return (
    <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} preserveAspectRatio="xMidYMid meet">
      <Axis ticks={ticks} top={top} format={format} />
      {bars.map((b, i) => {
        const h = (b.value / top) * plotH;
        const x = M.left + slot * i + (slot - barW) / 2;
        const y = M.top + plotH - h;
        const minor = thinLabels && i % 2 === 1 && i !== bars.length - 1;
        return (
          <g key={`${b.label}-${i}`}>
            <rect
              x={x}
              y={y}
              width={barW}
              height={Math.max(h, b.value > 0 ? 2 : 0)}
              rx={3}
              className={`chart-bar tone-${b.tone ?? 'brand'}`}
            />
            {showValues && b.value > 0 ? (
              <text x={x + barW / 2} y={y - 6} textAnchor="middle" className="chart-value">
                {b.valueLabel ?? format(b.value)}
              </text>
            ) : null}
            <text
              x={x + barW / 2}
              y={H - M.bottom + 22}
              textAnchor="middle"
              className={minor ? 'chart-label minor' : 'chart-label'}
            >
              {b.label}
            </text>
          </g>
        );
      })}
      {max === 0 && emptyText ? (
        <text x={M.left + plotW / 2} y={M.top + plotH / 2} textAnchor="middle" className="chart-empty">
          {emptyText}
        </text>
      ) : null}
    </svg>
  );
}

export type LinePoint = { label: string; value: number | null; valueLabel?: string };

export function LineChart({
  points,
  label,
  format,
  emptyText,
}: {
  points: LinePoint[];
  label: string;
  format: (v: number) => string;
  /** Shown in the picture when no point has a value. */
  emptyText?: ReactNode;
}) {
  const values = points.map((p) => p.value).filter((v): v is number => v !== null);
  const ticks = niceTicks(Math.max(0, ...values));
  const top = ticks[ticks.length - 1] || 1;
  const slot = plotW / Math.max(1, points.length);
  const x = (i: number) => M.left + slot * i + slot / 2;
  const y = (v: number) => M.top + plotH - (v / top) * plotH;
  // Consecutive points with a value form one segment; a month without sales breaks the line.
  const segments: { i: number; v: number }[][] = [];
  let current: { i: number; v: number }[] = [];
  points.forEach((p, i) => {
    if (p.value === null) {
      if (current.length) segments.push(current);
      current = [];
    } else current.push({ i, v: p.value });
  });
  if (current.length) segments.push(current);
  const lastIndex = points.map((p) => p.value !== null).lastIndexOf(true);
  return (
    <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} preserveAspectRatio="xMidYMid meet">
      <Axis ticks={ticks} top={top} format={format} />
      {segments.map((seg) => (
        <g key={seg[0].i}>
          {seg.length > 1 ? (
            <path
              d={`M ${seg.map((s) => `${x(s.i).toFixed(1)},${y(s.v).toFixed(1)}`).join(' L ')} L ${x(seg[seg.length - 1].i).toFixed(1)},${y(0)} L ${x(seg[0].i).toFixed(1)},${y(0)} Z`}
              className="chart-area"
            />
          ) : null}
          <polyline
            points={seg.map((s) => `${x(s.i).toFixed(1)},${y(s.v).toFixed(1)}`).join(' ')}
            className="chart-line"
          />
        </g>
      ))}
      {points.map((p, i) =>
        p.value === null ? null : (
          <g key={`${p.label}-${i}`}>
            <circle
              cx={x(i)}
              cy={y(p.value)}
              r={i === lastIndex ? 5 : 3.5}
              className={i === lastIndex ? 'chart-dot last' : 'chart-dot'}
            />
            {i === lastIndex ? (
              <text x={x(i)} y={y(p.value) - 12} textAnchor="middle" className="chart-value">
                {p.valueLabel ?? format(p.value)}
              </text>
            ) : null}
          </g>
        ),
      )}
      {points.map((p, i) => (
        <text
          key={`l-${p.label}-${i}`}
          x={x(i)}
          y={H - M.bottom + 22}
          textAnchor="middle"
          className={i % 2 === 1 && i !== points.length - 1 ? 'chart-label minor' : 'chart-label'}
        >
          {p.label}
        </text>
      ))}
      {values.length === 0 && emptyText ? (
        <text x={M.left + plotW / 2} y={M.top + plotH / 2} textAnchor="middle" className="chart-empty">
          {emptyText}
        </text>
      ) : null}
    </svg>
  );
}
