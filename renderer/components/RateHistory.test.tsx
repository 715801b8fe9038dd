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
