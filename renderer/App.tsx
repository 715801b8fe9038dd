// The app frame: toolbar, the tabs (ARIA tablist), the active tab's panel, notices and the status bar.
import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { isMenuCommand, type IntervalMs } from '../shared/protocol.js';
import { useClient } from './api/context.js';
import { electronBridge } from './api/transport.js';
import { endNotices, pushNotice, useData } from './store/data.js';
import { loadSettings, settingsStore, updateSettings, useSettings, type ThemeChoice } from './store/settings.js';
import { captureStore, openCaptureFile, useCapture } from './store/capture.js';
import { closeExport, openExport, showAlerts, useView, viewStore } from './store/view.js';
import { useStore } from 'zustand';
import { ConnectionsTab } from './tabs/Connections/ConnectionsTab.js';
import { connectionExtras } from './tabs/Connections/columns.js';
import { RoutesTab } from './tabs/Routes/RoutesTab.js';
import { InterfacesTab } from './tabs/Interfaces/InterfacesTab.js';
import { StatisticsTab } from './tabs/Statistics/StatisticsTab.js';
import { HistoryTab } from './tabs/History/HistoryTab.js';
import { StatusBar } from './components/StatusBar.js';
import { HostDialogs, useHostBarItems } from './components/HostSelector.js';
import { AppActions } from './components/AppActions.js';
import { Notices } from './components/Notices.js';
import { isTyping, keyCommand, modalOpen, pressesButton, type AppCommand } from './commands.js';
import { ExportDialog } from './components/ExportDialog.js';
import { tabSelection, tabView } from './store/exports.js';
import { formatDateTime } from '../shared/format.js';
import { AboutDialog } from './components/AboutDialog.js';
import { ShortcutsDialog } from './components/ShortcutsDialog.js';
import { TABS, tabById, type TabId } from '../shared/tabs.js';
import { captureFor, showsCapture } from './store/source.js';
import { rovingStep } from './components/roving-keys.js';
import { isOffline } from './api/client.js';
import { followHostInfo, useHostInfo } from './store/host-info.js';

function useTheme(choice: ThemeChoice): void {
  useEffect(() => {
    const root = document.documentElement;
    if (choice === 'system') delete root.dataset.theme;
    else root.dataset.theme = choice;
  }, [choice]);
}

export function App() {
  const client = useClient();
  const info = useHostInfo();
  const [ready, setReady] = useState(false);
  /** The header's help: the keyboard shortcuts, or About NetLens. */
  const [help, setHelp] = useState<'shortcuts' | 'about' | null>(null);
  const activeTab = useSettings((s) => s.activeTab);
  const theme = useSettings((s) => s.theme);
  const intervalMs = useSettings((s) => s.intervalMs);
  const resolveNames = useSettings((s) => s.resolveNames);
  const dnsServer = useSettings((s) => s.dnsServer);
  const status = useData((s) => s.status);
  const connection = useData((s) => s.connection);
  // Traffic is collected only while something on screen shows it (a traffic column of the Connections grid).
  const connectionsGrid = useSettings((s) => s.grids.connections);
  const extrasKey = connectionExtras(connectionsGrid).join(',');
  const showProcessList = useSettings((s) => s.showProcessList);
  const historyView = useStore(viewStore, (s) => s.historyView);
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
    return followHostInfo(client);
  }, [client]);

  // Tell the monitor what is on screen, so nothing that nobody sees is polled.
  useEffect(() => {
    const report = () => {
      const tab = tabById(activeTab);
      // The process list's dataset while the list shows; History's live interfaces for its Exposure view alone (its
      // other views show the record, and the connections' tick in the status bar): an interfaces diff a tick is
      // otherwise parsed, applied and answered for nothing on screen.
      // A dataset whose place a capture takes is not polled for this page; the tab's others, and the other tabs, are.
      const visible = tab.datasets.filter(
        (d) =>
          captureFor(capture, d) === null &&
          (d !== 'processes' || showProcessList !== false) &&
          (tab.id !== 'history' || d !== 'interfaces' || historyView === 'exposure'),
      );
      const extras =
        visible.includes('connections') && extrasKey
          ? (extrasKey.split(',') as ReturnType<typeof connectionExtras>)
          : [];
      // Quiet: a tick that moves nothing but this page's own connection may wait up to 5 s (quiet.ts).
      client.send({ type: 'visibility', hidden: document.hidden, visible, extras, quiet: true });
    };
    report();
    document.addEventListener('visibilitychange', report);
    return () => document.removeEventListener('visibilitychange', report);
  }, [activeTab, capture, extrasKey, showProcessList, historyView, client]);

  // Host names are resolved on the Node side only while the user wants them (and of the server they chose).
  useEffect(() => {
    if (ready) client.send({ type: 'setNames', resolve: resolveNames, dnsServer: dnsServer || null });
  }, [ready, resolveNames, dnsServer, client]);

  // The keyboard and Electron's application menu ask for the same commands.
  const paused = status?.paused ?? false;
  const run = useRef<(command: AppCommand) => boolean>(() => false);
  run.current = (command) => {
    if (command.startsWith('showTab:')) {
      const id = command.slice('showTab:'.length) as TabId;
      selectTab(id);
      // Focus inside the panel now hidden (or nowhere, or on another tab) goes to the tab shown, as a click on it
      // would leave it: else it fell to the page, with no ring, and the next Tab started over at the top.
      const active = document.activeElement;
      const panel = active?.closest('[role="tabpanel"]');
      const onTab = active?.getAttribute('role') === 'tab';
      if (!active || active === document.body || onTab || (panel && panel.id !== `panel-${id}`))
        document.getElementById(`tab-${id}`)?.focus();
    } else if (command === 'focusFilter') {
      const box = document.querySelector<HTMLInputElement>('[role="tabpanel"]:not([hidden]) input[type="search"]');
      if (!box) return false;
      box.focus();
      box.select();
    } else if (command === 'openCapture') openCaptureFile(client);
    else if (command === 'export') openExport();
    else if (command === 'toggleResolveNames') toggleResolveNames();
    else if (command === 'pause') client.send({ type: 'pause', paused: !paused });
    else if (command === 'showAbout') setHelp('about');
    else if (command === 'showShortcuts') setHelp('shortcuts');
    else if (command === 'showAlerts') showAlerts();
    return true;
  };
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      const where = {
        typing: isTyping(e.target),
        onButton: pressesButton(e.target),
        overlayOpen: document.querySelector('[role="dialog"], [role="menu"]') !== null,
        capture: showsCapture(captureStore.getState().capture, tabById(settingsStore.getState().settings.activeTab).id),
        modalOpen: modalOpen(),
      };
      const command = keyCommand(e, where);
      if (command && run.current(command)) e.preventDefault();
      // Under a modal dialog an app shortcut does nothing, nor what the browser would do with it (in the browser
      // host Ctrl+R reloaded the page, and the dialog with it; Ctrl+1..5 switched the browser's tabs).
      else if (!command && where.modalOpen && keyCommand(e, { ...where, modalOpen: false }) !== null)
        e.preventDefault();
      // Ctrl+A outside a text field and a table (which selects its rows) selected every word of the page, labels and
      // buttons too (on History's timeline: a new user's review of 12-07): as in a desktop app, nothing there.
      else if (!where.typing && (e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'a')
        e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    const bridge = electronBridge();
    const offMenu = bridge?.onMenuCommand((command) => {
      if (isMenuCommand(command) && !modalOpen()) run.current(command);
    });
    return () => {
      window.removeEventListener('keydown', onKey);
      offMenu?.();
    };
  }, []);

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

  const onTabKey = (e: KeyboardEvent) => {
    const next = rovingStep(
      e.key,
      TABS.findIndex((t) => t.id === activeTab),
      TABS.length,
    );
    if (next === null) return;
    e.preventDefault();
    selectTab(TABS[next]!.id);
    document.getElementById(`tab-${TABS[next]!.id}`)?.focus();
  };

  const togglePause = () => run.current('pause');
  const currentInterval = status?.intervalMs ?? intervalMs;
  const setIntervalMs = (v: IntervalMs) => {
    updateSettings({ intervalMs: v });
    client.send({ type: 'setInterval', intervalMs: v });
  };
  const { panel, exporting } = useView();
  const hostItems = useHostBarItems();

  return (
    <div className={`app${isOffline(connection) ? ' offline' : ''}`}>
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
        <AppActions
          paused={paused}
          capture={showsCapture(capture, tabById(activeTab).id)}
          intervalMs={currentInterval}
          onInterval={setIntervalMs}
          onPause={togglePause}
          onOpen={() => openCaptureFile(client)}
          onExport={() => openExport()}
          onAbout={() => setHelp('about')}
          onShortcuts={() => setHelp('shortcuts')}
          hosts={hostItems}
        />
      </header>
      <HostDialogs />
      {help === 'about' ? <AboutDialog info={info} onClose={() => setHelp(null)} /> : null}
      {help === 'shortcuts' ? <ShortcutsDialog onAbout={() => setHelp('about')} onClose={() => setHelp(null)} /> : null}

      <Notices />

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
          selection={() => tabSelection(activeTab)}
          selectedOnly={exporting.selectedOnly}
          view={(format, selectedOnly) => {
            const label = tabById(activeTab).label;
            const where = info
              ? `${info.appName} ${info.appVersion} on ${info.hostname} (${info.platform} ${info.arch})`
              : 'NetLens';
            return tabView(
              activeTab,
              `${label} — NetLens`,
              [`Exported ${formatDateTime(Date.now())} from ${where}`],
              format,
              selectedOnly,
            );
          }}
          onClose={closeExport}
        />
      ) : null}
    </div>
  );
}

function selectTab(id: TabId): void {
  updateSettings({ activeTab: id });
}

/** How long the notice of Ctrl+R's change stays. */
const RESOLVE_NOTICE_MS = 6000;
let resolveNoticeTimer: ReturnType<typeof setTimeout> | undefined;

/** Ctrl+R: every address on screen changes at once, and the toolbar's toggle may be behind ⋯ (a browser user pressing
 *  it to reload found names gone and nothing saying why: new user's review of 12-05), so it says what it did. */
function toggleResolveNames(): void {
  let on = false;
  updateSettings((s) => {
    on = !s.resolveNames;
    return { resolveNames: on };
  });
  pushNotice(
    'info',
    'resolve-names',
    on
      ? 'Host names on: addresses are shown by name where one is known (Ctrl+R turns them off).'
      : 'Host names off: addresses are shown as numbers (Ctrl+R turns names back on).',
  );
  clearTimeout(resolveNoticeTimer);
  resolveNoticeTimer = setTimeout(() => endNotices('resolve-names', 'info'), RESOLVE_NOTICE_MS);
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
