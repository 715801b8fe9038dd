// A ten-minute rate chart's series (an interface's, a process name's): the host's history, then each live
// sample appended, older points dropped. Where samples are missing (a process gone for a while, a counter
// reset the host skipped, a stalled host), a null between the neighbours makes uPlot break the line: a
// straight ramp across the hole would draw a rate that never happened.
import type { HistoryPoint } from '../../shared/protocol.js';

export const CHART_SPAN_S = 10 * 60;
/** The host's history samples at most once a second (electron/monitor/history.ts SAMPLE_MS). */
const HISTORY_SAMPLE_S = 1;
/** Neighbours further apart than this many sampling intervals have a hole between them. */
export const GAP_INTERVALS = 2.5;

/** The chart's series, in uPlot's aligned layout: seconds since the epoch, then one array per series
 *  (null: a hole, drawn as a gap). */
export interface ChartSeries {
  t: number[];
  rx: (number | null)[];
  tx: (number | null)[];
}

/** The longest step (seconds) between two points that still draws as a line, at refresh `intervalMs`. */
export function gapAfterS(intervalMs: number): number {
  return GAP_INTERVALS * Math.max(HISTORY_SAMPLE_S, intervalMs / 1000);
}

/** Puts a point at `t` (seconds), after a null if it comes more than `gapS` after the last one. */
function push(s: ChartSeries, t: number, rx: number, tx: number, gapS: number): void {
  const last = s.t[s.t.length - 1];
  if (last !== undefined && t - last > gapS) {
    s.t.push((last + t) / 2);
    s.rx.push(null);
    s.tx.push(null);
  }
  s.t.push(t);
  s.rx.push(rx);
  s.tx.push(tx);
}

export function seriesFromHistory(points: readonly HistoryPoint[], gapS: number): ChartSeries {
  const s: ChartSeries = { t: [], rx: [], tx: [] };
  for (const p of points) push(s, p.t / 1000, p.rx, p.tx, gapS);
  return s;
}

/** Appends a live sample when it is newer than the last point, and drops what fell out of the span. */
export function appendSample(s: ChartSeries, atMs: number, rx: number, tx: number, gapS: number): boolean {
  const t = atMs / 1000;
  const last = s.t[s.t.length - 1];
  if (last !== undefined && t <= last) return false;
  push(s, t, rx, tx, gapS);
  let drop = 0;
  while (drop < s.t.length && s.t[drop]! < t - CHART_SPAN_S) drop++;
  // A hole left first would only hide the line's start.
  while (drop < s.t.length && s.rx[drop] === null) drop++;
  if (drop > 0) {
    s.t.splice(0, drop);
    s.rx.splice(0, drop);
    s.tx.splice(0, drop);
  }
  return true;
}
