import { describe, expect, it } from 'vitest';
import { MENU_COMMANDS } from './protocol.js';
import { isTabId, showTabCommand, TAB_IDS, TABS, tabOf } from './tabs.js';
import { DATASETS } from './types.js';

describe('the tab list', () => {
  it('has a View menu command per tab, in order', () => {
    expect(MENU_COMMANDS.filter((c) => c.startsWith('showTab:'))).toEqual(TAB_IDS.map(showTabCommand));
    expect(TAB_IDS).toEqual(['connections', 'routes', 'interfaces', 'statistics', 'history']);
  });
  it('shows every dataset in some tab; a capture opens in the first that lists its dataset', () => {
    for (const d of DATASETS) expect(TABS.some((t) => (t.datasets as readonly string[]).includes(d))).toBe(true);
    expect(tabOf('multicast')).toBe('interfaces');
    expect(tabOf('processes')).toBe('connections');
    expect(tabOf('interfaces')).toBe('interfaces');
  });
  it('knows its ids', () => {
    expect(isTabId('history')).toBe(true);
    expect(isTabId('names')).toBe(false);
    expect(isTabId(3)).toBe(false);
  });
});
