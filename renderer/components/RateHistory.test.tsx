import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { RateHistoryChart, type RateHistory } from './RateHistory.js';

const history = (state: RateHistory['state']): RateHistory => ({
  series: { t: [], rx: [], tx: [] },
  revision: 0,
  state,
});

describe('the rate history chart', () => {
  it('names what it loads, or failed to load, escaped and isolated', () => {
    const name = '\u202egnp.exe';
    for (const state of [
      { key: name, status: 'loading' as const },
      { key: name, status: 'error' as const, error: `no history of ${name}` },
    ]) {
      const html = renderToStaticMarkup(<RateHistoryChart selected={name} history={history(state)} />);
      expect(html).not.toContain('\u202e');
      expect(html).toMatch(/<bdi[^>]*>\\u202egnp.exe<\/bdi>/);
    }
  });
});

describe('the rate history chart’s note on breaks', () => {
  const ready = (rx: (number | null)[]): RateHistory => ({
    series: { t: rx.map((_, i) => 1_000 + i), rx, tx: rx },
    revision: 1,
    state: { key: 'curl', status: 'ready' },
  });
  const note = 'Breaks in the lines: measured while shown.';

  it('says why samples are missing while the lines have a break', () => {
    const html = renderToStaticMarkup(
      <RateHistoryChart selected="curl" history={ready([1, null, 2])} gapNote={note} />,
    );
    expect(html).toContain(`<p class="chart-note">${note}</p>`);
  });

  it('says nothing while the lines are whole, or where the chart has no note to give', () => {
    expect(
      renderToStaticMarkup(<RateHistoryChart selected="curl" history={ready([1, 2, 3])} gapNote={note} />),
    ).not.toContain('chart-note');
    expect(renderToStaticMarkup(<RateHistoryChart selected="curl" history={ready([1, null, 2])} />)).not.toContain(
      'chart-note',
    );
  });
});
