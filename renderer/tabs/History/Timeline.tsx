// The activity strip: connections opened per minute above, traffic per minute below, one bar per minute
// of the span. Click a minute to see that moment; Shift+click to extend the selection into a range.
import type { MouseEvent } from 'react';
import type { TimelinePoint } from '../../../shared/record.js';
import { formatBytes, formatDateTime } from '../../../shared/format.js';

const MINUTE = 60_000;

export function TimelineStrip(props: {
  points: TimelinePoint[];
  from: number;
  to: number;
  selection: { from: number; to: number };
  onPick: (t: number, extend: boolean) => void;
}) {
  const { points, from, to, selection } = props;
  const width = 1000;
  const minutes = Math.max(1, Math.ceil((to - from) / MINUTE));
  const x = (t: number) => ((t - from) / (to - from)) * width;
  const barWidth = Math.max(1, width / minutes - 0.5);
  const maxOpened = Math.max(1, ...points.map((p) => p.opened));
  const maxBytes = Math.max(1, ...points.map((p) => p.rxBytes + p.txBytes));
  const pick = (e: MouseEvent<SVGSVGElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    const t = from + ((e.clientX - box.left) / box.width) * (to - from);
    props.onPick(Math.round(Math.min(to, Math.max(from, t))), e.shiftKey);
  };
  const selX = x(Math.max(from, selection.from));
  const selW = Math.max(2, x(Math.min(to, selection.to)) - selX);
  const total = points.reduce((n, p) => n + p.opened, 0);
  return (
    <figure className="timeline" aria-label="Activity timeline">
      {/* biome-ignore lint/a11y/useKeyWithClickEvents: a click picks the minute under the pointer; from the keyboard the From and To fields beside the timeline choose the same moments. */}
      <svg
        viewBox={`0 0 ${width} 64`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`${total} connections opened and ${formatBytes(points.reduce((n, p) => n + p.rxBytes + p.txBytes, 0))} of traffic from ${formatDateTime(from)} to ${formatDateTime(to)}; click a minute to see it`}
        onClick={pick}
        data-testid="timeline"
      >
        <rect className="timeline-selection" x={selX} y={0} width={selW} height={64} />
        {points.map((p) => (
          <g key={p.t}>
            <rect
              className="timeline-opened"
              x={x(p.t)}
              width={barWidth}
              y={30 - (p.opened / maxOpened) * 28}
              height={(p.opened / maxOpened) * 28}
              data-minute={p.t}
            >
              <title>{`${formatDateTime(p.t)}: ${p.opened} opened, ${formatBytes(p.rxBytes)} in, ${formatBytes(p.txBytes)} out`}</title>
            </rect>
            <rect
              className="timeline-traffic"
              x={x(p.t)}
              width={barWidth}
              y={34}
              height={((p.rxBytes + p.txBytes) / maxBytes) * 28}
            />
          </g>
        ))}
        <line className="timeline-axis" x1={0} x2={width} y1={32} y2={32} />
      </svg>
      <figcaption className="muted">
        <span>{formatDateTime(from)}</span>
        <span>connections opened per minute (top), traffic per minute (bottom)</span>
        <span>{formatDateTime(to)}</span>
      </figcaption>
    </figure>
  );
}
