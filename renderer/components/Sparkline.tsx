// A tiny two-series line chart (receive and transmit) for a table cell: one <svg> with two polylines, no
// library. Both series share one vertical scale so their heights compare; the scale floor keeps a quiet
// interface flat instead of magnifying noise of a few bytes into full-height spikes.
import { memo } from 'react';

export interface SparklineProps {
  rx: readonly number[];
  tx: readonly number[];
  width?: number;
  height?: number;
  /** Smallest top of the scale, in the series' unit. */
  floor?: number;
  label: string;
}

function points(values: readonly number[], slots: number, width: number, height: number, top: number): string {
  const step = slots > 1 ? width / (slots - 1) : 0;
  // Newest sample at the right edge, so a short buffer grows in from the right as on a monitor.
  const offset = slots - values.length;
  let out = '';
  for (let i = 0; i < values.length; i++) {
    const x = (offset + i) * step;
    const y = height - 1 - (Math.max(0, values[i]!) / top) * (height - 2);
    out += `${x.toFixed(1)},${y.toFixed(1)} `;
  }
  return out;
}

function SparklineInner({ rx, tx, width = 96, height = 18, floor = 1024, label }: SparklineProps) {
  const slots = Math.max(rx.length, tx.length, 2);
  let top = floor;
  for (const v of rx) if (v > top) top = v;
  for (const v of tx) if (v > top) top = v;
  return (
    <svg
      className="sparkline"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={label}
    >
      {rx.length > 1 ? <polyline className="spark-rx" points={points(rx, slots, width, height, top)} /> : null}
      {tx.length > 1 ? <polyline className="spark-tx" points={points(tx, slots, width, height, top)} /> : null}
    </svg>
  );
}

export const Sparkline = memo(SparklineInner);
