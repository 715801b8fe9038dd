import { describe, expect, it } from 'vitest';
import { appendSample, CHART_SPAN_S, gapAfterS, seriesFromHistory } from './chart-series.js';

/** gapAfterS(1000): a hole is a step over 2.5 s at the default 1 s refresh. */
const GAP = 2.5;

describe('chart series', () => {
  it('starts from the history in seconds, and appends only newer samples', () => {
    const s = seriesFromHistory(
      [
        { t: 1000, rx: 1, tx: 2 },
        { t: 2000, rx: 3, tx: 4 },
      ],
      GAP,
    );
    expect(s).toEqual({ t: [1, 2], rx: [1, 3], tx: [2, 4] });
    expect(appendSample(s, 2000, 9, 9, GAP)).toBe(false);
    expect(appendSample(s, 3000, 5, 6, GAP)).toBe(true);
    expect(s).toEqual({ t: [1, 2, 3], rx: [1, 3, 5], tx: [2, 4, 6] });
  });
  it('keeps ten minutes: a sample drops the points that fell out of the span', () => {
    const s = seriesFromHistory([], GAP);
    for (let i = 0; i <= CHART_SPAN_S + 5; i++) appendSample(s, i * 1000, i, i, GAP);
    expect(s.t[0]).toBe(5);
    expect(s.t.at(-1)).toBe(CHART_SPAN_S + 5);
    expect(s.rx).toHaveLength(s.t.length);
  });
  it('breaks the line where samples are missing: a null between neighbours too far apart', () => {
    // A process gone from 3 s to 40 s (newuser finding 3): no ramp from 0 to 400 KiB/s across the hole.
    const s = seriesFromHistory(
      [
        { t: 2000, rx: 0, tx: 0 },
        { t: 3000, rx: 0, tx: 0 },
        { t: 40_000, rx: 400_000, tx: 1 },
      ],
      GAP,
    );
    expect(s.t).toEqual([2, 3, 21.5, 40]);
    expect(s.rx).toEqual([0, 0, null, 400_000]);
    expect(s.tx).toEqual([0, 0, null, 1]);
    // A live sample after a hole gets one too; one a tick later does not.
    appendSample(s, 70_000, 5, 6, GAP);
    appendSample(s, 71_000, 7, 8, GAP);
    expect(s.t.slice(4)).toEqual([55, 70, 71]);
    expect(s.rx.slice(4)).toEqual([null, 5, 7]);
  });
  it('allows a step of 2.5 refresh intervals (at least the 1 s history sample) before calling it a hole', () => {
    expect(gapAfterS(500)).toBe(GAP);
    expect(gapAfterS(1000)).toBe(GAP);
    expect(gapAfterS(10_000)).toBe(25);
    const s = seriesFromHistory([{ t: 0, rx: 1, tx: 1 }], gapAfterS(10_000));
    appendSample(s, 10_000, 2, 2, gapAfterS(10_000));
    appendSample(s, 30_000, 3, 3, gapAfterS(10_000));
    expect(s.rx).toEqual([1, 2, 3]);
  });
  it('drops a hole left first when the span moves past its points', () => {
    const s = seriesFromHistory([{ t: 0, rx: 1, tx: 1 }], GAP);
    appendSample(s, 100_000, 2, 2, GAP);
    appendSample(s, (CHART_SPAN_S + 40) * 1000, 3, 3, GAP);
    expect(s.t[0]).toBe(100);
    expect(s.rx[0]).not.toBeNull();
  });
});
