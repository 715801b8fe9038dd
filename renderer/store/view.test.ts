// The status bar's count: a tab reports it after every render (usePanelReport), so a report that changes nothing
// must leave the store alone, or every subscriber renders again and reports again, without end.
import { describe, expect, it } from 'vitest';
import { reportPanel, viewStore } from './view.js';

describe('reportPanel', () => {
  it('tells subscribers only when the count changes, "nothing to count" included', () => {
    let told = 0;
    const stop = viewStore.subscribe(() => told++);
    reportPanel(null);
    reportPanel(null);
    expect(told).toBe(0);
    reportPanel({ shown: 3, total: 40, noun: 'routes' });
    reportPanel({ shown: 3, total: 40, noun: 'routes' });
    expect(told).toBe(1);
    reportPanel({ shown: 3, total: 40, noun: 'routes', note: '2 in the local table, hidden' });
    expect(told).toBe(2);
    reportPanel(null);
    reportPanel(null);
    expect(told).toBe(3);
    expect(viewStore.getState().panel).toBeNull();
    stop();
  });
});
