import { describe, expect, it } from 'vitest';
import { appendSample, CHART_SPAN_S, seriesFromHistory } from './chart-series.js';

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
});
