import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, DEFAULT_TOGGLES, sanitizeSettings } from './settings.js';

describe('sanitizeSettings', () => {
  it('keeps each known toggle and mode, and the defaults for the rest', () => {
    const s = sanitizeSettings({
      toggles: { unix: true, tcp: false, hideLoopback: true, mode: 'listening', raw: 'yes' },
    });
    expect(s.toggles).toEqual({ ...DEFAULT_TOGGLES, unix: true, tcp: false, hideLoopback: true, mode: 'listening' });
    expect(sanitizeSettings({ toggles: { mode: 'some' } }).toggles.mode).toBe('all');
  });
  it('keeps a saved tab only if it is one of the tabs', () => {
    expect(sanitizeSettings({ activeTab: 'history' }).activeTab).toBe('history');
    expect(sanitizeSettings({ activeTab: 'names' }).activeTab).toBe(DEFAULT_SETTINGS.activeTab);
  });
  it('keeps a process list width within bounds, a whole number, and refuses any other', () => {
    expect(sanitizeSettings({ processListWidth: 512.4 }).processListWidth).toBe(512);
    for (const bad of [99, 4001, -1, Number.NaN, Number.POSITIVE_INFINITY, '500', null, {}])
      expect(sanitizeSettings({ processListWidth: bad }).processListWidth, String(bad)).toBeNull();
  });
  it('keeps the export format chosen last only if it is one NetLens writes', () => {
    expect(sanitizeSettings({ exportFormat: 'json' }).exportFormat).toBe('json');
    for (const bad of ['xlsx', 'JSON', 1, null])
      expect(sanitizeSettings({ exportFormat: bad }).exportFormat).toBe('csv');
  });
  it('never breaks on a file that is not settings', () => {
    expect(sanitizeSettings(null)).toEqual(DEFAULT_SETTINGS);
    expect(sanitizeSettings([1, 2])).toEqual(DEFAULT_SETTINGS);
  });
});

describe('loadSettings', () => {
  it('keeps what the user changed while the settings were loading, and saves it', async () => {
    const { loadSettings, settingsStore, updateGrid, updateSettings } = await import('./settings.js');
    let answer: (raw: unknown) => void = () => undefined;
    const saved: unknown[] = [];
    const client = {
      request: (type: string, args: { settings?: unknown }) => {
        if (type === 'loadSettings') return new Promise((resolve) => (answer = resolve));
        saved.push(args.settings);
        return Promise.resolve({});
      },
      onState: () => undefined,
    };
    const loading = loadSettings(client as unknown as Parameters<typeof loadSettings>[0]);
    // A tab clicked and a column widened as the window opens, before the stored settings arrive.
    updateSettings({ activeTab: 'routes' });
    updateGrid('routes', { sizes: { iface: 120 } });
    answer({ activeTab: 'statistics', theme: 'dark', grids: { connections: { sizes: { pid: 90 } } } });
    const settings = await loading;
    // On main: activeTab 'statistics', the routes grid as stored (none).
    expect(settings.activeTab).toBe('routes');
    expect(settings.theme).toBe('dark');
    expect(settings.grids.routes?.sizes).toEqual({ iface: 120 });
    expect(settings.grids.connections?.sizes).toEqual({ pid: 90 });
    expect(settingsStore.getState()).toMatchObject({ loaded: true, settings: { activeTab: 'routes', theme: 'dark' } });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(saved).toEqual([{ activeTab: 'routes', grids: { routes: settings.grids.routes } }]);
  });

  it('saves again once the connection is back what failed to save while it was lost', async () => {
    const { loadSettings, updateSettings } = await import('./settings.js');
    const saved: unknown[] = [];
    let online = true;
    const states: ((s: string) => void)[] = [];
    const client = {
      request: (type: string, args: { settings?: unknown }) => {
        if (type === 'loadSettings') return Promise.resolve({});
        if (!online) return Promise.reject(new Error('connection to NetLens lost: 1006'));
        saved.push(args.settings);
        return Promise.resolve({});
      },
      onState: (l: (s: string) => void) => states.push(l),
    };
    await loadSettings(client as unknown as Parameters<typeof loadSettings>[0]);
    online = false;
    updateSettings({ hideDownInterfaces: true });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(saved).toEqual([]);
    online = true;
    for (const l of states) l('open');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(saved).toEqual([{ hideDownInterfaces: true }]);
  });
});
