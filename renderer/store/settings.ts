// Settings that persist between launches: theme, refresh interval, highlights, quick toggles and each
// grid's columns (order, visibility, widths) and sort. The host keeps them in a file (the browser host's
// origin changes port at every launch, so localStorage would forget them). Loaded values are merged over
// the defaults field by field: a corrupt or older file never breaks the app.
import { createStore, useStore } from 'zustand';
import { DEFAULT_INTERVAL_MS, INTERVALS_MS, type IntervalMs } from '../../shared/protocol.js';
import { isTabId, type TabId } from '../../shared/tabs.js';
import { CONNECTION_MODES, SOCKET_TOGGLES, type ConnectionToggles } from '../../shared/filter.js';
import { parseDnsServer } from '../../shared/names.js';
import { EXPORT_FORMATS, type ExportFormat } from '../../shared/export.js';

export type { ConnectionToggles };
import type { NetlensClient } from '../api/client.js';

export type ThemeChoice = 'system' | 'light' | 'dark';

export interface GridSettings {
  order: string[];
  /** Hidden columns; absent until the user first shows or hides one (then the grid's defaults apply). */
  hidden?: string[];
  sizes: Record<string, number>;
  sort: { id: string; desc: boolean }[];
}

export interface Settings {
  theme: ThemeChoice;
  intervalMs: IntervalMs;
  highlights: boolean;
  /** The process side list; null until the user chooses (then it follows the window's width). */
  showProcessList: boolean | null;
  /** The process side list's width in px, as the user dragged it; null for its default share of the window. */
  processListWidth: number | null;
  toggles: ConnectionToggles;
  grids: Record<string, GridSettings>;
  activeTab: TabId;
  selectedInterface: string | null;
  /** Show host names (reverse DNS) for remote addresses, as netstat and TCPView do unless told -n. */
  resolveNames: boolean;
  /** Fully qualified host names (netstat -f); the first label otherwise. */
  fullHostNames: boolean;
  /** A DNS server to ask instead of the system's (ADDR[:PORT]); '' for the default. */
  dnsServer: string;
  /** The Routes tab shows the kernel's local table. */
  localRoutes: boolean;
  /** The Interfaces tab hides the interfaces that are down. */
  hideDownInterfaces: boolean;
  /** The Statistics tab hides counters whose value is zero. */
  hideZeroCounters: boolean;
  /** The format Export… chose last, which it offers first next time. */
  exportFormat: ExportFormat;
}

export const DEFAULT_TOGGLES: ConnectionToggles = {
  tcp: true,
  udp: true,
  raw: true,
  unix: false,
  inet: true,
  inet6: true,
  mode: 'all',
  hideLoopback: false,
};

export const DEFAULT_SETTINGS: Settings = {
  theme: 'system',
  intervalMs: DEFAULT_INTERVAL_MS,
  highlights: true,
  showProcessList: null,
  processListWidth: null,
  toggles: DEFAULT_TOGGLES,
  grids: {},
  activeTab: 'connections',
  selectedInterface: null,
  resolveNames: true,
  fullHostNames: false,
  dnsServer: '',
  localRoutes: false,
  hideDownInterfaces: false,
  hideZeroCounters: false,
  exportFormat: 'csv',
};

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function stringArray(x: unknown): string[] | null {
  return Array.isArray(x) && x.every((s) => typeof s === 'string') ? (x as string[]) : null;
}

function sanitizeGrid(x: unknown): GridSettings | null {
  if (!isRecord(x)) return null;
  const sizes: Record<string, number> = {};
  if (isRecord(x.sizes)) {
    for (const [k, v] of Object.entries(x.sizes)) if (typeof v === 'number' && v >= 30 && v <= 2000) sizes[k] = v;
  }
  const sort = Array.isArray(x.sort)
    ? x.sort
        .filter(
          (s): s is { id: string; desc: boolean } =>
            isRecord(s) && typeof s.id === 'string' && typeof s.desc === 'boolean',
        )
        .slice(0, 3)
    : [];
  const hidden = stringArray(x.hidden);
  return { order: stringArray(x.order) ?? [], ...(hidden ? { hidden } : {}), sizes, sort };
}

export function sanitizeSettings(raw: unknown): Settings {
  const s: Settings = structuredClone(DEFAULT_SETTINGS);
  if (!isRecord(raw)) return s;
  if (raw.theme === 'light' || raw.theme === 'dark' || raw.theme === 'system') s.theme = raw.theme;
  if (INTERVALS_MS.includes(raw.intervalMs as IntervalMs)) s.intervalMs = raw.intervalMs as IntervalMs;
  if (typeof raw.highlights === 'boolean') s.highlights = raw.highlights;
  if (typeof raw.showProcessList === 'boolean') s.showProcessList = raw.showProcessList;
  if (typeof raw.processListWidth === 'number' && raw.processListWidth >= 100 && raw.processListWidth <= 4000)
    s.processListWidth = Math.round(raw.processListWidth);
  if (isTabId(raw.activeTab)) s.activeTab = raw.activeTab;
  if (typeof raw.selectedInterface === 'string') s.selectedInterface = raw.selectedInterface;
  if (typeof raw.resolveNames === 'boolean') s.resolveNames = raw.resolveNames;
  for (const k of ['fullHostNames', 'localRoutes', 'hideDownInterfaces', 'hideZeroCounters'] as const)
    if (typeof raw[k] === 'boolean') s[k] = raw[k];
  if (EXPORT_FORMATS.includes(raw.exportFormat as ExportFormat)) s.exportFormat = raw.exportFormat as ExportFormat;
  if (typeof raw.dnsServer === 'string' && (raw.dnsServer === '' || parseDnsServer(raw.dnsServer)))
    s.dnsServer = raw.dnsServer;
  if (isRecord(raw.toggles)) {
    const t = raw.toggles;
    for (const k of [...SOCKET_TOGGLES.map((b) => b.key), 'hideLoopback'] as const) {
      if (typeof t[k] === 'boolean') s.toggles[k] = t[k];
    }
    const mode = CONNECTION_MODES.find((m) => m.mode === t.mode);
    if (mode) s.toggles.mode = mode.mode;
  }
  if (isRecord(raw.grids)) {
    for (const [id, g] of Object.entries(raw.grids)) {
      const clean = sanitizeGrid(g);
      if (clean) s.grids[id] = clean;
    }
  }
  return s;
}

interface SettingsState {
  settings: Settings;
  loaded: boolean;
}

export const settingsStore = createStore<SettingsState>(() => ({ settings: DEFAULT_SETTINGS, loaded: false }));

export function useSettings<T>(selector: (s: Settings) => T): T {
  return useStore(settingsStore, (s) => selector(s.settings));
}

let saveTimer: ReturnType<typeof setTimeout> | undefined;
let clientRef: NetlensClient | null = null;
/** What changed since the last save: top-level keys, and for `grids` the grids by id. The host merges a
 *  save into its file key by key, so another window's changes to other keys survive ours. */
const dirty = new Set<keyof Settings>();
const dirtyGrids = new Set<string>();

function scheduleSave(): void {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(saveNow, 400);
}

/** A save still waiting for its timer, made now: the page is going away (closed, reloaded) or hidden. A change made
 *  in the last 400 ms before the window closed was lost (a new user's review of 12-07). */
function flushSave(): void {
  if (saveTimer === undefined) return;
  clearTimeout(saveTimer);
  saveNow();
}

function saveNow(): void {
  saveTimer = undefined;
  const c = clientRef;
  if (!c || !settingsStore.getState().loaded) return;
  const s = settingsStore.getState().settings;
  const changes: Record<string, unknown> = {};
  for (const k of dirty) changes[k] = s[k];
  if (dirtyGrids.size > 0) changes.grids = Object.fromEntries([...dirtyGrids].map((id) => [id, s.grids[id]]));
  dirty.clear();
  dirtyGrids.clear();
  if (Object.keys(changes).length === 0) return;
  c.request('saveSettings', { settings: changes }).catch(() => {
    // Not fatal: the keys count as changed again, and the next change tries again.
    for (const k of Object.keys(changes)) if (k !== 'grids') dirty.add(k as keyof Settings);
    for (const id of Object.keys((changes.grids as object | undefined) ?? {})) dirtyGrids.add(id);
  });
}

export function updateSettings(
  change: Partial<Omit<Settings, 'grids'>> | ((s: Settings) => Partial<Omit<Settings, 'grids'>>),
): void {
  const current = settingsStore.getState().settings;
  const patch = typeof change === 'function' ? change(current) : change;
  settingsStore.setState({ settings: { ...current, ...patch } });
  for (const k of Object.keys(patch)) dirty.add(k as keyof Settings);
  scheduleSave();
}

export function updateGrid(id: string, change: Partial<GridSettings>): void {
  const current = settingsStore.getState().settings;
  const prev: GridSettings = current.grids[id] ?? { order: [], sizes: {}, sort: [] };
  settingsStore.setState({ settings: { ...current, grids: { ...current.grids, [id]: { ...prev, ...change } } } });
  dirtyGrids.add(id);
  scheduleSave();
}

export async function loadSettings(client: NetlensClient): Promise<Settings> {
  // A save that failed while the connection was lost is tried again once it is back (it waited for the next change,
  // and a reload before that lost it: a review of 12-06).
  if (clientRef !== client)
    client.onState((state) => {
      if (state === 'open' && (dirty.size > 0 || dirtyGrids.size > 0)) scheduleSave();
    });
  if (clientRef === null && typeof window !== 'undefined') {
    window.addEventListener('pagehide', flushSave);
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') flushSave();
    });
  }
  clientRef = client;
  let raw: unknown = {};
  try {
    raw = await client.request('loadSettings', {});
  } catch {
    // Keep the defaults; the status bar shows the connection problem.
  }
  const settings = sanitizeSettings(raw);
  // What the user changed while the settings were on their way (a tab clicked as the window opens) stays, and is
  // saved: on main the stored settings replaced it, and the window went back to the stored tab under the pointer.
  const current = settingsStore.getState().settings;
  for (const k of dirty) Object.assign(settings, { [k]: current[k] });
  for (const id of dirtyGrids) if (current.grids[id]) settings.grids[id] = current.grids[id];
  settingsStore.setState({ settings, loaded: true });
  if (dirty.size > 0 || dirtyGrids.size > 0) scheduleSave();
  return settings;
}
