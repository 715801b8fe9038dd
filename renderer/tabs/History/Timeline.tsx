// The activity strip: connections opened per minute above, traffic per minute below, one bar per minute
// of the span. Click a minute to see that moment; Shift+click to extend the selection into a range. From the
// keyboard it is a slider (timeline-keys.ts): the arrows move the moment a minute, Shift the end of a range.
import { useRef, type KeyboardEvent, type MouseEvent } from 'react';
import type { TimelinePoint } from '../../../shared/record.js';
import { formatBytes, formatDateTime } from '../../../shared/format.js';
import { anchorOf, MINUTE, timelineKey, type Span } from './timeline-keys.js';

export function TimelineStrip(props: {
  points: TimelinePoint[];
  from: number;
  to: number;
  selection: Span;
  onPick: (t: number, extend: boolean) => void;
  /** A selection chosen from the keyboard. */
  onChoose: (selection: Span) => void;
}) {
  const { points, from, to, selection } = props;
  const width = 1000;
  const minutes = Math.max(1, Math.ceil((to - from) / MINUTE));
  const x = (t: number) => ((t - from) / (to - from)) * width;
  const barWidth = Math.max(1, width / minutes - 0.5);
  const maxOpened = Math.max(1, ...points.map((p) => p.opened));
  const maxBytes = Math.max(1, ...points.map((p) => p.rxBytes + p.txBytes));
  const pick = (e: MouseEvent<HTMLDivElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    const t = from + ((e.clientX - box.left) / box.width) * (to - from);
    props.onPick(Math.round(Math.min(to, Math.max(from, t))), e.shiftKey);
  };
  // The end Shift keeps: the last moment chosen alone (a click, a key, the fields).
  const anchor = useRef<number | null>(null);
  anchor.current = anchorOf(selection, anchor.current);
  const moving = selection.from === anchor.current ? selection.to : selection.from;
  const key = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    // Up to now (End is now, as the Now button is): the strip's end follows the clock every 30 s.
    const next = timelineKey(e.key, e.shiftKey, selection, anchor.current!, { from, to: Math.max(to, Date.now()) });
    if (!next) return;
    e.preventDefault();
    props.onChoose(next);
  };
  // Within the strip: a moment chosen past its end (End, Now: the strip's end follows the clock every 30 s) is
  // drawn at its end, not beyond the view.
  const selX = Math.min(width, x(Math.max(from, selection.from)));
  const selW = Math.max(2, Math.min(width, x(Math.min(to, selection.to))) - selX);
  const total = points.reduce((n, p) => n + p.opened, 0);
  return (
    <figure className="timeline" aria-label="Activity timeline">
      <div
        className="timeline-strip"
        role="slider"
        tabIndex={0}
        aria-label="Moment on the activity timeline"
        aria-valuemin={from}
        aria-valuemax={Math.max(to, selection.to)}
        aria-valuenow={moving}
        aria-valuetext={
          selection.to === selection.from
            ? formatDateTime(selection.from)
            : `from ${formatDateTime(selection.from)} to ${formatDateTime(selection.to)}`
        }
        aria-description={`${total} connections opened and ${formatBytes(points.reduce((n, p) => n + p.rxBytes + p.txBytes, 0))} of traffic from ${formatDateTime(from)} to ${formatDateTime(to)}. Click a minute or use the arrow keys to see it; Shift makes a range.`}
        onClick={pick}
        onKeyDown={key}
        data-testid="timeline"
      >
        <svg viewBox={`0 0 ${width} 64`} preserveAspectRatio="none" aria-hidden="true">
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
          {/* The moment, or the range's ends, drawn over the bars in the text's colour: the selection's fill alone, a
              2 px accent line, was lost among the accent bars (a new user's review of 12-06). */}
          <line
            className="timeline-mark"
            x1={Math.min(selX, width - 1)}
            x2={Math.min(selX, width - 1)}
            y1={0}
            y2={64}
          />
          {selection.to !== selection.from ? (
            <line
              className="timeline-mark"
              x1={Math.min(selX + selW, width - 1)}
              x2={Math.min(selX + selW, width - 1)}
              y1={0}
              y2={64}
            />
          ) : null}
        </svg>
      </div>
      <figcaption className="muted">
        <span>{formatDateTime(from)}</span>
        <span>connections opened per minute (top), traffic per minute (bottom)</span>
        <span>{formatDateTime(to)}</span>
      </figcaption>
    </figure>
  );
}
