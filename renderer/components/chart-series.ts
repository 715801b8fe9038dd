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
/** How many of a series' latest steps tell its sampling interval: the shortest of them (a missing sample only
 *  ever makes a step longer). A few, so that a longer interval (the setting raised, or a remote host's) is taken
 *  up after as many steps. */
const INTERVAL_STEPS = 3;
/** A step up to this many intervals long is one step (timers drift), not a sample missed. */
const ONE_STEP = 1.5;

/** The chart's series, in uPlot's aligned layout: seconds since the epoch, then one array per series
 *  (null: a hole, drawn as a gap). */
export interface ChartSeries {
  t: number[];
  rx: (number | null)[];
  tx: (number | null)[];
}

/** The longest step (seconds) between two points that still draws as a line, for samples `intervalS` apart. */
export function gapAfterS(intervalS: number): number {
  return GAP_INTERVALS * Math.max(HISTORY_SAMPLE_S, intervalS);
}

/** Up to `n` steps between the last points of `s` (holes skipped), newest first. */
function recentSteps(s: ChartSeries, n: number): number[] {
  const steps: number[] = [];
  let later: number | null = null;
  for (let i = s.t.length - 1; i >= 0 && steps.length < n; i--) {
    if (s.rx[i] === null) continue;
    if (later !== null) steps.push(later - s.t[i]!);
    later = s.t[i]!;
  }
  return steps;
}

/**
 * Puts a point at `t` (seconds), after a null if it comes more than gapAfterS of the samples' own interval after
 * the last one. That interval is the series' (the host's sampling, whichever host, whatever the interval was when
 * it sampled), never this window's setting. Raised, the interval first looks like holes; once the new steps
 * agree, the breaks the last few steps made are taken back.
 */
function push(s: ChartSeries, t: number, rx: number, tx: number): void {
  const last = s.t[s.t.length - 1];
  const steps = last === undefined ? [] : [t - last, ...recentSteps(s, INTERVAL_STEPS - 1)];
  const gapS = gapAfterS(Math.min(...steps));
  if (last !== undefined && t - last > gapS) {
    s.t.push((last + t) / 2);
    s.rx.push(null);
    s.tx.push(null);
  }
  s.t.push(t);
  s.rx.push(rx);
  s.tx.push(tx);
  if (last !== undefined && t - last <= gapS) healBreaks(s, Math.min(...steps));
}

/** Takes back the breaks among the last INTERVAL_STEPS steps that are a single step of the samples' interval
 *  `intervalS` (the interval raised, not a sample missed: a longer hole before it stays one). */
function healBreaks(s: ChartSeries, intervalS: number): void {
  let seen = 0;
  for (let i = s.t.length - 2; i > 0 && seen < INTERVAL_STEPS; i--) {
    if (s.rx[i] !== null) {
      seen++;
      continue;
    }
    if (s.t[i + 1]! - s.t[i - 1]! > ONE_STEP * intervalS) continue;
    s.t.splice(i, 1);
    s.rx.splice(i, 1);
    s.tx.splice(i, 1);
  }
}

/** The series of a host's history: a point not newer than the one before it is skipped, as appendSample skips it
 *  (a step of 0 or less read as the samples' interval broke the next steps of a slower series). */
export function seriesFromHistory(points: readonly HistoryPoint[]): ChartSeries {
  const s: ChartSeries = { t: [], rx: [], tx: [] };
  for (const p of points) {
    const t = p.t / 1000;
    const last = s.t[s.t.length - 1];
    if (last === undefined || t > last) push(s, t, p.rx, p.tx);
  }
  return s;
}

/** Appends a live sample when it is newer than the last point, and drops what fell out of the span. */
export function appendSample(s: ChartSeries, atMs: number, rx: number, tx: number): boolean {
  const t = atMs / 1000;
  const last = s.t[s.t.length - 1];
  if (last !== undefined && t <= last) return false;
  push(s, t, rx, tx);
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
