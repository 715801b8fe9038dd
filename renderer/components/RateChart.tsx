// A receive/transmit throughput chart drawn with uPlot (canvas, fast with 600 points and one update per
// tick). uPlot paints on a canvas, which cannot read CSS custom properties, so the colours are read from the
// stylesheet when the chart is built and the chart is rebuilt when the theme changes.
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatClock, formatRate } from '../../shared/format.js';
import { rateIncrs } from './rate-axis.js';

export interface RateSeries {
  /** Seconds since the epoch. */
  t: number[];
  /** null: no sample there, drawn as a gap. */
  rx: (number | null)[];
  tx: (number | null)[];
}

export interface RateChartProps {
  data: RateSeries;
  /** Bumped whenever `data` (mutated in place) has new points. */
  revision: number;
  label: string;
  /** The two series' names in the legend (RX and TX unless said otherwise). */
  labels?: { rx: string; tx: string };
}

interface Palette {
  fg: string;
  muted: string;
  border: string;
  rx: string;
  tx: string;
}

function readPalette(): Palette {
  // Custom properties hold light-dark(...) pairs and var() references; a probe element resolves them to
  // the colour the theme actually uses, which a canvas understands.
  const probe = document.createElement('span');
  probe.style.display = 'none';
  document.body.appendChild(probe);
  const v = (name: string, fallback: string) => {
    probe.style.color = fallback;
    probe.style.color = `var(${name}, ${fallback})`;
    return getComputedStyle(probe).color || fallback;
  };
  const palette = {
    fg: v('--fg', '#1d1f23'),
    muted: v('--muted', '#6b7280'),
    border: v('--border', '#d9dce1'),
    rx: v('--chart-rx', '#2563eb'),
    tx: v('--chart-tx', '#d97706'),
  };
  probe.remove();
  return palette;
}

/** A resolved colour ('#rrggbb' or 'rgb(r, g, b)') with an alpha channel, for the area under a line;
 *  other syntaxes get no fill. */
function translucent(color: string, alpha: number): string | undefined {
  if (/^#[0-9a-f]{6}$/i.test(color))
    return (
      color +
      Math.round(alpha * 255)
        .toString(16)
        .padStart(2, '0')
    );
  const m = /^rgb\((\d+),\s*(\d+),\s*(\d+)\)$/.exec(color);
  return m ? `rgba(${m[1]}, ${m[2]}, ${m[3]}, ${alpha})` : undefined;
}

/** Changes whenever the effective theme does: the app's override (html[data-theme]) or the OS setting. */
function useThemeRevision(): number {
  const [rev, setRev] = useState(0);
  useEffect(() => {
    const bump = () => setRev((r) => r + 1);
    const observer = new MutationObserver(bump);
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    const media = matchMedia('(prefers-color-scheme: dark)');
    media.addEventListener('change', bump);
    return () => {
      observer.disconnect();
      media.removeEventListener('change', bump);
    };
  }, []);
  return rev;
}

/** The legend shows the point under the cursor, and the newest point when the cursor is elsewhere. */
function legendValue(
  u: uPlot,
  v: number | null,
  series: number,
  idx: number | null,
  format: (n: number) => string,
): string {
  const column = u.data[series] as (number | null | undefined)[] | undefined;
  const value = idx === null ? column?.[column.length - 1] : v;
  return value === null || value === undefined ? '–' : format(value);
}

/** uPlot writes each of the legend's values at every setData (each tick) and cursor move, equal or not: a DOM
 *  mutation each, and its text relaid out. Each value cell's text takes a write only when it differs (the time, RX
 *  and TX of a point already shown; an idle interface's "0 B/s" tick after tick). uPlot writes them through
 *  `firstChild.nodeValue` of the cells it made (`td.u-value`, a text each), never replacing those nodes. */
function skipEqualLegendWrites(root: HTMLElement): void {
  for (const cell of root.querySelectorAll('.u-legend .u-value')) {
    const text = cell.firstChild;
    if (!(text instanceof Text)) continue;
    Object.defineProperty(text, 'nodeValue', {
      configurable: true,
      get(this: Text) {
        return this.data;
      },
      set(this: Text, value: string | null) {
        const next = value ?? '';
        if (next !== this.data) this.data = next;
      },
    });
  }
}

/** An axis label: the rate without trailing zeros ("5 MiB/s", "2.5 KiB/s"). */
function axisRate(v: number): string {
  return formatRate(v)
    .replace(/(\.\d*?)0+ /, '$1 ')
    .replace('. ', ' ');
}

const rateValue = (u: uPlot, v: number | null, s: number, idx: number | null) => legendValue(u, v, s, idx, formatRate);
const timeValue = (u: uPlot, v: number | null, s: number, idx: number | null) =>
  legendValue(u, v, s, idx, (t) => formatClock(t * 1000));

function options(p: Palette, width: number, height: number, labels = { rx: 'RX', tx: 'TX' }): uPlot.Options {
  const axis = {
    stroke: p.muted,
    grid: { stroke: p.border, width: 1 },
    ticks: { stroke: p.border, width: 1 },
    font: '11px system-ui, sans-serif',
    labelFont: '11px system-ui, sans-serif',
  };
  return {
    width,
    height,
    legend: { show: true, live: true },
    cursor: { drag: { x: false, y: false } },
    scales: {
      // At least a minute wide, so a fresh start reads as a chart filling up, not two points stretched
      // across the whole width with millisecond ticks.
      x: { time: true, range: (_u, min, max) => [Math.min(min, max - 60), max] },
      // Rates start at zero; an idle interface still gets a readable 0..1 KiB/s scale.
      y: { range: (_u, _min, max) => [0, Math.max(1024, max) * 1.1] },
    },
    axes: [
      // The app's 24-hour clock, as in the tables and tooltips (uPlot's default reads "8:25am").
      {
        ...axis,
        size: 36,
        // Ticks a minute or more apart say their minute alone (12:05): narrower, so a narrow chart (a 640 px window's
        // Interfaces tab, about 200 px) gets two or three of them over its 10 minutes, where it got one.
        space: (_u, _i, min, max, dim) => timeAxisSpace(min, max, dim),
        values: (_u, splits) => timeTicks(splits),
      },
      {
        ...axis,
        // Short: the ticks say their unit (KiB/s), and a longer label was cut in the process list's chart, whose plot
        // is about 120 px high ("Bytes per secon": a new user's review of 12-05).
        label: 'Rate',
        labelSize: 16,
        size: 78,
        incrs: (_u, _axis, _min, max) => rateIncrs(max),
        values: (_u, splits) => splits.map(axisRate),
      },
    ],
    series: [
      { label: 'Time', value: timeValue },
      {
        label: labels.rx,
        stroke: p.rx,
        width: 1.5,
        fill: translucent(p.rx, 0.15),
        value: rateValue,
        points: { show: false },
      },
      // Dashed, so that equal receive and transmit rates (loopback) still show both lines.
      {
        label: labels.tx,
        stroke: p.tx,
        width: 1.5,
        dash: [6, 3],
        fill: translucent(p.tx, 0.12),
        value: rateValue,
        points: { show: false },
      },
    ],
  };
}

/** The least room between two time ticks (px): 50 when ticks that close would still be a minute or more apart (their
 *  labels are then HH:MM), else 80 for HH:MM:SS. The scale in seconds, the plot's width in px. */
export function timeAxisSpace(min: number, max: number, dim: number): number {
  return ((max - min) / Math.max(1, dim)) * 50 >= 60 ? 50 : 80;
}

/** The time axis's labels: HH:MM when every tick falls on a whole minute (ticks a minute or more apart), else
 *  HH:MM:SS. Seconds since the epoch in, as uPlot gives them. */
export function timeTicks(splits: readonly number[]): string[] {
  const minutes = splits.every((t) => Math.round(t) % 60 === 0);
  return splits.map((t) => (minutes ? formatClock(t * 1000).slice(0, 5) : formatClock(t * 1000)));
}

export function RateChart({ data, revision, label, labels }: RateChartProps) {
  const boxRef = useRef<HTMLElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const theme = useThemeRevision();
  // What the build reads: `data` at build time (later points arrive through `revision`), the labels as they
  // are then (a caller may pass a new object each render, which must not rebuild the chart).
  const built = useRef({ data, labels });
  built.current = { data, labels };

  // Build (and rebuild on a theme change); follow the box's size.
  // biome-ignore lint/correctness/useExhaustiveDependencies: theme is the trigger: the palette comes from CSS variables, which a theme change rewrites.
  useEffect(() => {
    const { data, labels } = built.current;
    const box = boxRef.current;
    if (!box) return;
    const legendRoom = () => plotRef.current?.root.querySelector<HTMLElement>('.u-legend')?.offsetHeight ?? 28;
    const size = () => ({
      width: Math.max(120, box.clientWidth),
      height: Math.max(80, box.clientHeight - legendRoom()),
    });
    const { width, height } = size();
    const plot = new uPlot(options(readPalette(), width, height, labels), [data.t, data.rx, data.tx], box);
    skipEqualLegendWrites(plot.root);
    plotRef.current = plot;
    plot.setSize(size());
    const observer = new ResizeObserver(() => {
      const next = size();
      if (next.width !== plot.width || next.height !== plot.height) plot.setSize(next);
    });
    observer.observe(box);
    // The legend wraps onto a second line in a narrow box (the process list's chart): the plot then gives it the room,
    // instead of the legend's last entry (Sent) falling out of sight below the box.
    const legend = plot.root.querySelector('.u-legend');
    if (legend) observer.observe(legend);
    return () => {
      observer.disconnect();
      plot.destroy();
      plotRef.current = null;
    };
  }, [theme]);

  // Drawn before the browser paints, in the frame that shows the tick's rows.
  // biome-ignore lint/correctness/useExhaustiveDependencies: revision counts the points appended to data in place.
  useLayoutEffect(() => {
    plotRef.current?.setData([data.t, data.rx, data.tx]);
  }, [data, revision]);

  return <figure ref={boxRef} className="rate-chart" aria-label={label} />;
}
