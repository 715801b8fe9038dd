// The app frame: toolbar, the tabs (ARIA tablist), the active tab's panel, notices and the status bar.
import { useEffect, useState, type KeyboardEvent, type ReactNode } from 'react';
import { INTERVALS_MS, MENU_COMMANDS, type HostInfo, type IntervalMs } from '../shared/protocol.js';
import { useClient } from './api/context.js';
import { electronBridge } from './api/transport.js';
import { dismissNotice, useData } from './store/data.js';
import { loadSettings, updateSettings, useSettings, type ThemeChoice } from './store/settings.js';
import { captureStore, openCaptureFile, useCapture } from './store/capture.js';
import { showAlerts, useView } from './store/view.js';
import { ConnectionsTab } from './tabs/Connections/ConnectionsTab.js';
import { connectionExtras } from './tabs/Connections/columns.js';
import { RoutesTab } from './tabs/Routes/RoutesTab.js';
import { InterfacesTab } from './tabs/Interfaces/InterfacesTab.js';
import { StatisticsTab } from './tabs/Statistics/StatisticsTab.js';
import { HistoryTab } from './tabs/History/HistoryTab.js';
import { StatusBar } from './components/StatusBar.js';
import { HostSelector } from './components/HostSelector.js';
import { OverflowBar } from './components/OverflowBar.js';
import { ExportDialog } from './components/ExportDialog.js';
import { tabView } from './store/exports.js';
import { formatDateTime } from '../shared/format.js';
import { AboutDialog } from './components/AboutDialog.js';
import { TABS, type TabId } from '../shared/tabs.js';

function useTheme(choice: ThemeChoice): void {
  useEffect(() => {
    const root = document.documentElement;
    if (choice === 'system') delete root.dataset.theme;
    else root.dataset.theme = choice;
  }, [choice]);
}

function isTyping(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.tagName === 'INPUT' ||
      target.tagName === 'SELECT' ||
      target.tagName === 'TEXTAREA' ||
      target.isContentEditable)
  );
}

const THEMES: [ThemeChoice, string][] = [
  ['system', 'System'],
  ['light', 'Light'],
  ['dark', 'Dark'],
];

export function App() {
  const client = useClient();
  const [info, setInfo] = useState<HostInfo | null>(null);
  const [ready, setReady] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [about, setAbout] = useState(false);
  const activeTab = useSettings((s) => s.activeTab);
  const theme = useSettings((s) => s.theme);
  const intervalMs = useSettings((s) => s.intervalMs);
  const resolveNames = useSettings((s) => s.resolveNames);
  const dnsServer = useSettings((s) => s.dnsServer);
  const status = useData((s) => s.status);
  const notices = useData((s) => s.notices);
  // Traffic is collected only while something on screen shows it (a traffic column of the Connections grid).
  const connectionsGrid = useSettings((s) => s.grids.connections);
  const extrasKey = connectionExtras(connectionsGrid).join(',');
  const showProcessList = useSettings((s) => s.showProcessList);
  const connection = useData((s) => s.connection);
  const capture = useCapture();
  useTheme(theme);

  // Start: settings first (they hold the interval), then every dataset. The monitor polls only what a
  // visible tab shows, so subscribing to all of them keeps tab switches instant at no polling cost.
  useEffect(() => {
    void loadSettings(client).then((s) => {
      client.send({ type: 'setInterval', intervalMs: s.intervalMs });
      for (const t of TABS) for (const d of t.datasets) client.subscribe(d);
      setReady(true);
    });
    const fetchInfo = () => client.request('hostInfo', {}).then(setInfo, () => undefined);
    if (client.state === 'open') void fetchInfo();
    return client.onState((s) => {
      if (s === 'open') void fetchInfo();
    });
  }, [client]);

  // Tell the monitor what is on screen, so nothing that nobody sees is polled.
  useEffect(() => {
    const report = () => {
      const tab = TABS.find((t) => t.id === activeTab) ?? TABS[0]!;
      const visible = capture ? [] : tab.datasets.filter((d) => d !== 'processes' || showProcessList !== false);
      const extras =
        visible.includes('connections') && extrasKey
          ? (extrasKey.split(',') as ReturnType<typeof connectionExtras>)
          : [];
      client.send({ type: 'visibility', hidden: document.hidden, visible, extras });
    };
    report();
    document.addEventListener('visibilitychange', report);
    return () => document.removeEventListener('visibilitychange', report);
  }, [activeTab, capture, extrasKey, showProcessList, client]);

  // Host names are resolved on the Node side only while the user wants them (and of the server they chose).
  useEffect(() => {
    if (ready) client.send({ type: 'setNames', resolve: resolveNames, dnsServer: dnsServer || null });
  }, [ready, resolveNames, dnsServer, client]);

  // Global keys: Ctrl+1..N switch tabs, Space pauses (outside text fields), Ctrl+F focuses the filter,
  // Ctrl+O opens a capture.
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      const tab = mod && /^[1-9]$/.test(e.key) ? TABS[Number(e.key) - 1] : undefined;
      if (tab) {
        selectTab(tab.id);
        e.preventDefault();
      } else if (mod && e.key.toLowerCase() === 'f') {
        const box = document.querySelector<HTMLInputElement>('[role="tabpanel"] input[type="search"]');
        if (box) {
          box.focus();
          box.select();
          e.preventDefault();
        }
      } else if (mod && e.key.toLowerCase() === 'o') {
        openCaptureFile(client);
        e.preventDefault();
      } else if (mod && e.key.toLowerCase() === 'e') {
        setExporting(true);
        e.preventDefault();
      } else if (mod && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'r') {
        // Ctrl+R: Resolve names, as in TCPView (not a reload; the desktop app's development reload is F5).
        toggleResolveNames();
        e.preventDefault();
      } else if (
        e.key === ' ' &&
        !mod &&
        !captureStore.getState().capture &&
        !isTyping(e.target) &&
        !(e.target instanceof HTMLButtonElement) &&
        !document.querySelector('[role="dialog"], [role="menu"]')
      ) {
        client.send({ type: 'pause', paused: !(status?.paused ?? false) });
        e.preventDefault();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [status?.paused, client]);

  // A file dropped anywhere on the window opens as a capture.
  useEffect(() => {
    const over = (e: DragEvent) => e.preventDefault();
    const drop = (e: DragEvent) => {
      e.preventDefault();
      const file = e.dataTransfer?.files[0];
      if (file) void captureStore.getState().open(client, file);
    };
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
    };
  }, [client]);

  // Electron's application menu sends the same commands the keyboard does.
  useEffect(() => {
    const bridge = electronBridge();
    if (!bridge) return;
    return bridge.onMenuCommand((command) => {
      if (!(MENU_COMMANDS as readonly string[]).includes(command)) return;
      if (command === 'openCapture') openCaptureFile(client);
      else if (command === 'export') setExporting(true);
      else if (command === 'focusFilter')
        document.querySelector<HTMLInputElement>('[role="tabpanel"] input[type="search"]')?.focus();
      else if (command === 'showAbout') setAbout(true);
      else if (command === 'toggleResolveNames') toggleResolveNames();
      else if (command === 'showAlerts') showAlerts();
      else if (command.startsWith('showTab:')) selectTab(command.slice('showTab:'.length) as TabId);
    });
  }, [client]);

  const onTabKey = (e: KeyboardEvent) => {
    const i = TABS.findIndex((t) => t.id === activeTab);
    let next = -1;
    if (e.key === 'ArrowRight') next = (i + 1) % TABS.length;
    else if (e.key === 'ArrowLeft') next = (i - 1 + TABS.length) % TABS.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = TABS.length - 1;
    if (next < 0) return;
    e.preventDefault();
    selectTab(TABS[next]!.id);
    document.getElementById(`tab-${TABS[next]!.id}`)?.focus();
  };

  const paused = status?.paused ?? false;
  const togglePause = () => client.send({ type: 'pause', paused: !paused });
  const currentInterval = status?.intervalMs ?? intervalMs;
  const setIntervalMs = (v: IntervalMs) => {
    updateSettings({ intervalMs: v });
    client.send({ type: 'setInterval', intervalMs: v });
  };
  const { panel } = useView();

  return (
    <div className="app">
      <header className="toolbar">
        <div className="brand" aria-hidden="true">
          <img src="./icon.svg" alt="" width={20} height={20} />
          NetLens
        </div>
        <div role="tablist" aria-label="Views" className="tabs" onKeyDown={onTabKey}>
          {TABS.map((t, i) => (
            <button
              key={t.id}
              id={`tab-${t.id}`}
              role="tab"
              type="button"
              aria-selected={t.id === activeTab}
              aria-controls={`panel-${t.id}`}
              tabIndex={t.id === activeTab ? 0 : -1}
              className="tab"
              title={`${t.label} (Ctrl+${i + 1})`}
              onClick={() => selectTab(t.id)}
            >
              {t.label}
            </button>
          ))}
        </div>
        <HostSelector />
        <OverflowBar
          label="NetLens"
          className="app-actions"
          items={[
            null,
            {
              id: 'refresh',
              node: (
                <label className="field">
                  <span>Refresh</span>
                  <select
                    aria-label="Refresh interval"
                    disabled={capture !== null}
                    title={capture ? 'A capture is a single reading: go back to live data to refresh' : undefined}
                    value={currentInterval}
                    onChange={(e) => setIntervalMs(Number(e.target.value) as IntervalMs)}
                  >
                    {INTERVALS_MS.map((ms) => (
                      <option key={ms} value={ms}>{`${ms / 1000} s`}</option>
                    ))}
                  </select>
                </label>
              ),
              menu: INTERVALS_MS.map((ms, i) => ({
                id: `refresh-${ms}`,
                label: `Refresh every ${ms / 1000} s`,
                checked: currentInterval === ms,
                separatorBefore: i === 0,
                disabled: capture !== null,
                reason: capture ? 'a capture does not refresh' : undefined,
                onSelect: () => setIntervalMs(ms),
              })),
            },
            {
              id: 'pause',
              node: (
                <button
                  type="button"
                  className={paused ? 'primary' : ''}
                  aria-pressed={paused}
                  disabled={capture !== null}
                  title={
                    capture ? 'A capture does not update: nothing to pause' : 'Pause or resume live updates (Space)'
                  }
                  onClick={togglePause}
                >
                  {paused ? 'Resume' : 'Pause'}
                </button>
              ),
              menu: [
                {
                  id: 'pause',
                  label: paused ? 'Resume (Space)' : 'Pause (Space)',
                  disabled: capture !== null,
                  reason: capture ? 'a capture does not update' : undefined,
                  onSelect: togglePause,
                },
              ],
            },
            {
              id: 'open',
              node: (
                <button
                  type="button"
                  title="Open a saved netstat, ss, ip or route output (Ctrl+O)"
                  onClick={() => openCaptureFile(client)}
                >
                  Open capture…
                </button>
              ),
              menu: [{ id: 'open', label: 'Open capture… (Ctrl+O)', onSelect: () => openCaptureFile(client) }],
            },
            {
              id: 'export',
              node: (
                <button
                  type="button"
                  title="Export this tab's view as CSV, JSON or an HTML report (Ctrl+E)"
                  onClick={() => setExporting(true)}
                >
                  Export…
                </button>
              ),
              menu: [{ id: 'export', label: 'Export… (Ctrl+E)', onSelect: () => setExporting(true) }],
            },
            {
              id: 'theme',
              node: (
                <label className="field">
                  <span>Theme</span>
                  <select
                    aria-label="Theme"
                    value={theme}
                    onChange={(e) => updateSettings({ theme: e.target.value as ThemeChoice })}
                  >
                    {THEMES.map(([value, label]) => (
                      <option key={value} value={value}>
                        {label}
                      </option>
                    ))}
                  </select>
                </label>
              ),
              menu: THEMES.map(([value, label], i) => ({
                id: `theme-${value}`,
                label: `Theme: ${label}`,
                checked: theme === value,
                separatorBefore: i === 0,
                keepOpen: false,
                onSelect: () => updateSettings({ theme: value }),
              })),
            },
            {
              id: 'about',
              node: (
                <button
                  type="button"
                  aria-label="About NetLens"
                  title="About NetLens: version and data credits"
                  onClick={() => setAbout(true)}
                >
                  ?
                </button>
              ),
              menu: [{ id: 'about', label: 'About NetLens…', onSelect: () => setAbout(true) }],
            },
          ]}
        />
      </header>
      {about ? <AboutDialog info={info} onClose={() => setAbout(false)} /> : null}

      {notices.length > 0 ? (
        <div className="notices" role="log" aria-live="polite">
          {notices.map((n) => (
            <div key={n.id} className={`notice ${n.level}`} role={n.level === 'error' ? 'alert' : 'status'}>
              <span>
                {n.text}
                {n.details ? (
                  <details className="notice-details">
                    <summary>{n.details.summary}</summary>
                    <ul>
                      {n.details.items.map((item) => (
                        <li key={item}>{item}</li>
                      ))}
                    </ul>
                  </details>
                ) : null}
              </span>
              {n.code.startsWith('alert-') ? (
                <button type="button" className="small" onClick={showAlerts}>
                  Show alerts
                </button>
              ) : null}
              {n.code === 'monitor-failed' ? (
                <button
                  type="button"
                  className="small"
                  onClick={() => void client.request('retryMonitor', {}).catch(() => undefined)}
                >
                  Retry now
                </button>
              ) : null}
              <button type="button" className="small" aria-label="Dismiss" onClick={() => dismissNotice(n.id)}>
                ×
              </button>
            </div>
          ))}
        </div>
      ) : null}
      {connection === 'closed' ? (
        <div className="notice error" role="alert">
          Lost the connection to NetLens; reconnecting…
        </div>
      ) : null}

      <main className="panels">
        {TABS.map((t) => (
          <section
            key={t.id}
            id={`panel-${t.id}`}
            role="tabpanel"
            aria-labelledby={`tab-${t.id}`}
            hidden={t.id !== activeTab}
            className="panel"
          >
            {t.id === activeTab && ready ? <TabContent id={t.id} /> : null}
            {t.id === activeTab && !ready ? (
              <div className="loading" role="status">
                Connecting to NetLens…
              </div>
            ) : null}
          </section>
        ))}
      </main>

      <StatusBar info={info} activeTab={activeTab} panel={panel} />
      {exporting ? (
        <ExportDialog
          tab={activeTab}
          view={() => {
            const label = TABS.find((t) => t.id === activeTab)?.label ?? activeTab;
            const where = info ? `${info.appName} ${info.appVersion} on ${info.platform} ${info.arch}` : 'NetLens';
            return tabView(activeTab, `${label} — NetLens`, [`Exported ${formatDateTime(Date.now())} from ${where}`]);
          }}
          onClose={() => setExporting(false)}
        />
      ) : null}
    </div>
  );
}

function selectTab(id: TabId): void {
  updateSettings({ activeTab: id });
}

function toggleResolveNames(): void {
  updateSettings((s) => ({ resolveNames: !s.resolveNames }));
}

/** Each tab's content (a tab added to shared/tabs.ts without one here is a type error). */
const TAB_CONTENT: Record<TabId, () => ReactNode> = {
  connections: ConnectionsTab,
  routes: RoutesTab,
  interfaces: InterfacesTab,
  statistics: StatisticsTab,
  history: HistoryTab,
};

function TabContent({ id }: { id: TabId }) {
  const Content = TAB_CONTENT[id];
  return <Content />;
}
