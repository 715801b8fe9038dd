import { describe, expect, it } from 'vitest';
import { appendSample, CHART_SPAN_S, gapAfterS, seriesFromHistory } from './chart-series.js';
import type { HistoryPoint } from '../../shared/protocol.js';

describe('chart series', () => {
  it('starts from the history in seconds, and appends only newer samples', () => {
    const s = seriesFromHistory([
      { t: 1000, rx: 1, tx: 2 },
      { t: 2000, rx: 3, tx: 4 },
    ]);
    expect(s).toEqual({ t: [1, 2], rx: [1, 3], tx: [2, 4] });
    expect(appendSample(s, 2000, 9, 9)).toBe(false);
    expect(appendSample(s, 3000, 5, 6)).toBe(true);
    expect(s).toEqual({ t: [1, 2, 3], rx: [1, 3, 5], tx: [2, 4, 6] });
  });
  it('keeps ten minutes: a sample drops the points that fell out of the span', () => {
    const s = seriesFromHistory([]);
    for (let i = 0; i <= CHART_SPAN_S + 5; i++) appendSample(s, i * 1000, i, i);
    expect(s.t[0]).toBe(5);
    expect(s.t.at(-1)).toBe(CHART_SPAN_S + 5);
    expect(s.rx).toHaveLength(s.t.length);
  });
  it('breaks the line where samples are missing: a null between neighbours too far apart', () => {
    // A process gone from 3 s to 40 s (newuser finding 3): no ramp from 0 to 400 KiB/s across the hole.
    const s = seriesFromHistory([
      { t: 2000, rx: 0, tx: 0 },
      { t: 3000, rx: 0, tx: 0 },
      { t: 40_000, rx: 400_000, tx: 1 },
    ]);
    expect(s.t).toEqual([2, 3, 21.5, 40]);
    expect(s.rx).toEqual([0, 0, null, 400_000]);
    expect(s.tx).toEqual([0, 0, null, 1]);
    // A live sample after a hole gets one too; one a tick later does not.
    appendSample(s, 70_000, 5, 6);
    appendSample(s, 71_000, 7, 8);
    expect(s.t.slice(4)).toEqual([55, 70, 71]);
    expect(s.rx.slice(4)).toEqual([null, 5, 7]);
  });
  it('allows a step of 2.5 sampling intervals (at least the 1 s history sample) before calling it a hole', () => {
    expect(gapAfterS(0.5)).toBe(2.5);
    expect(gapAfterS(1)).toBe(2.5);
    expect(gapAfterS(10)).toBe(25);
  });
  /** Points `stepS` apart from `fromS`, rates 1. */
  const every = (fromS: number, stepS: number, n: number): HistoryPoint[] =>
    Array.from({ length: n }, (_, i) => ({ t: (fromS + i * stepS) * 1000, rx: 1, tx: 1 }));
  const holes = (s: { t: number[]; rx: (number | null)[] }) => s.t.filter((_, i) => s.rx[i] === null);
  it("takes the interval from the samples' own times, not the window's setting: a host sampling every 10 s", () => {
    // A remote host's frames 10 s apart, one missing (50 s to 80 s): one break, there only.
    const s = seriesFromHistory([...every(0, 10, 6), ...every(80, 10, 3)]);
    expect(holes(s)).toEqual([65]);
    appendSample(s, 110_000, 1, 1);
    appendSample(s, 150_000, 1, 1);
    expect(holes(s)).toEqual([65, 130]);
  });
  it('draws older points sampled at a longer interval as a line after the interval is lowered', () => {
    // 10 s samples, then 1 s (the setting lowered): no break anywhere.
    const s = seriesFromHistory([...every(0, 10, 10), ...every(91, 1, 10)]);
    expect(holes(s)).toEqual([]);
    for (let t = 101; t < 110; t++) appendSample(s, t * 1000, 1, 1);
    expect(holes(s)).toEqual([]);
  });
  it('takes a raised interval up after a few steps, and takes back the breaks it first looked like', () => {
    // 1 s samples with a real hole (20 s to 40 s), then 10 s samples from 50 s.
    const s = seriesFromHistory([...every(0, 1, 21), ...every(40, 1, 1)]);
    expect(holes(s)).toEqual([30]);
    // The first 10 s step looks like a hole (the samples came every second until then)...
    appendSample(s, 50_000, 1, 1);
    expect(holes(s)).toEqual([30, 45]);
    // ...the next one says the interval is 10 s now: that break is taken back. The 20 s hole stays one (two
    // steps of 10 s, and the samples then came every second).
    appendSample(s, 60_000, 1, 1);
    expect(holes(s)).toEqual([30]);
    appendSample(s, 70_000, 1, 1);
    appendSample(s, 80_000, 1, 1);
    expect(holes(s)).toEqual([30]);
    expect(s.t.filter((_, i) => s.rx[i] !== null)).toEqual(
      [...every(0, 1, 21), ...every(40, 1, 1), ...every(50, 10, 4)].map((p) => p.t / 1000),
    );
  });
  it('skips a history point not newer than the one before it: no step of 0 or less taken for the interval', () => {
    // 10 s samples with one repeated and one going back: on main holes at 25, 35, 32.5 and 55 (a 0 s interval
    // read), and the series' time going back (uPlot wants it ascending).
    const s = seriesFromHistory([...every(0, 10, 3), ...every(20, 10, 3), ...every(15, 10, 1), ...every(50, 10, 2)]);
    expect(holes(s)).toEqual([]);
    expect(s.t).toEqual([0, 10, 20, 30, 40, 50, 60]);
  });
  it('drops a hole left first when the span moves past its points', () => {
    const s = seriesFromHistory([{ t: 0, rx: 1, tx: 1 }]);
    appendSample(s, 100_000, 2, 2);
    appendSample(s, (CHART_SPAN_S + 40) * 1000, 3, 3);
    expect(s.t[0]).toBe(100);
    expect(s.rx[0]).not.toBeNull();
  });
});
