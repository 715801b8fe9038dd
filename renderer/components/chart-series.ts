// A ten-minute rate chart's series (an interface's, a process name's): the host's history, then each live
// sample appended, older points dropped.
import type { HistoryPoint } from '../../shared/protocol.js';

export const CHART_SPAN_S = 10 * 60;

/** The chart's series, in uPlot's aligned layout: seconds since the epoch, then one array per series. */
export interface ChartSeries {
  t: number[];
  rx: number[];
  tx: number[];
}

export function seriesFromHistory(points: readonly HistoryPoint[]): ChartSeries {
  return { t: points.map((p) => p.t / 1000), rx: points.map((p) => p.rx), tx: points.map((p) => p.tx) };
}

/** Appends a live sample when it is newer than the last point, and drops what fell out of the span. */
export function appendSample(s: ChartSeries, atMs: number, rx: number, tx: number): boolean {
  const t = atMs / 1000;
  const last = s.t[s.t.length - 1];
  if (last !== undefined && t <= last) return false;
  s.t.push(t);
  s.rx.push(rx);
  s.tx.push(tx);
  let drop = 0;
  while (drop < s.t.length && s.t[drop]! < t - CHART_SPAN_S) drop++;
  if (drop > 0) {
    s.t.splice(0, drop);
    s.rx.splice(0, drop);
    s.tx.splice(0, drop);
  }
  return true;
}
