// The Connections tab: every socket with its owning process, as netstat -anp shows it, made live, with
// TCPView's highlights, CurrPorts' filters and a context menu to kill the process or close the connection.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Capabilities } from '../../../shared/protocol.js';
import type { Connection, ProcessInfo } from '../../../shared/types.js';
import {
  isListening,
  parseFilter,
  SOCKET_TOGGLES,
  togglesPredicate,
  type ParsedFilter,
} from '../../../shared/filter.js';
import { useClient } from '../../api/context.js';
import { DataGrid, useGridSort } from '../../components/DataGrid.js';
import { useLiveAggregate, useLiveRows } from '../../store/live-rows.js';
import { useIdleKeys } from '../../store/idle-keys.js';
import { Menu, type MenuItem } from '../../components/Menu.js';
import { isolated } from '../../components/Inert.js';
import { inertText } from '../../../shared/inert-text.js';
import { keyName, processKey } from '../../../shared/process-key.js';
import { HIGHLIGHT_MS } from '../../store/tables.js';
import { updateSettings, useSettings } from '../../store/settings.js';
import { openExport, usePanelReport } from '../../store/view.js';
import { rowShown, useHosts, useSelectedHostDown } from '../../store/hosts.js';
import { useDatasetSource } from '../../store/source.js';
import { CaptureBanner } from '../../components/CaptureBanner.js';
import { connectionColumns, nameColumns, unnamedAddressKey } from './columns.js';
import { NamesDialog } from './NamesDialog.js';
import { useNames } from '../../store/names.js';
import { KillDialog } from './KillDialog.js';
import { MultiKillDialog } from './MultiKillDialog.js';
import { MultiCloseDialog } from './MultiCloseDialog.js';
import { formatCount } from '../../../shared/format.js';
import { CloseDialog } from './CloseDialog.js';
import { Splitter } from '../../components/Splitter.js';
import {
  GRID_KEEP,
  ProcessList,
  matchesProcess,
  processTally,
  trafficByName,
  withTraffic,
  type ProcessEntry,
} from './ProcessList.js';
import { RateHistoryChart, useRateHistory } from '../../components/RateHistory.js';
import { useKeepSame } from '../../store/keep-same.js';
import { captureLine, filterLine, useViewDescription } from '../../store/exports.js';
import { useHostInfo, useServiceIndex } from '../../store/host-info.js';
import { ActionLogDialog } from './ActionLogDialog.js';
import { ConnectionsToolbar } from './Toolbar.js';
import { connectionRowItems } from './row-items.js';
import {
  closableOf,
  closeBlocked,
  isOwnLink,
  OWN_LINK_REASON,
  type CloseSkipped,
  type OwnLink,
  connectionPredicate,
  countDenied,
  countOf,
  effectiveFilter,
  firstHighlightEnd,
  killBlocked,
  killableProcesses,
  killTargets,
  socketsByPid,
  socketsText,
} from './view.js';
import { useTabText } from '../../store/tab-state.js';

const PROTOCOL_TOGGLES = ['tcp', 'udp', 'raw', 'unix'] as const;

/** Where this page reaches its browser host (a connection there is a page's own link: Close leaves it out), or
 *  null in the desktop app (no socket between its window and its host). */
function ownLink(kind: 'electron' | 'browser'): OwnLink | null {
  if (kind !== 'browser') return null;
  const port = Number(location.port || (location.protocol === 'https:' ? 443 : 80));
  const host = location.hostname.replace(/^\[|\]$/g, '');
  // The address as numbers (IPv4, or IPv6 with a colon): a name (localhost) leaves the port alone to say it.
  const numeric = /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
  return { address: numeric ? host : null, port };
}
const DEFAULT_SORT = [{ id: 'process', desc: false }];
const NO_PIDS: ReadonlySet<number> = new Set();

/** How long past a highlight's end the rows are drawn again when no tick has (ticks come every 1-2 s). */
const HIGHLIGHT_GRACE_MS = 1000;

/** The remote address's sort key made ahead, in idle time (the Foreign Address column sorts by it). */
const warmRemoteKey = (r: Connection) => {
  if (r.proto !== 'unix') unnamedAddressKey(r.remoteAddress);
};

type Dialogs =
  | { kind: 'kill'; row: Connection; leftOut?: ProcessInfo[] }
  | { kind: 'killMany'; processes: ProcessInfo[]; host: string | undefined; leftOut?: ProcessInfo[] }
  | { kind: 'close'; row: Connection }
  | { kind: 'closeMany'; rows: Connection[]; skipped: CloseSkipped }
  | { kind: 'log' }
  | { kind: 'names' }
  | null;

type MenuState = { row: Connection; at: { x: number; y: number }; selection: Connection[]; copy: () => void };

/** Narrower windows start with the process list collapsed. */
const PROCESS_LIST_MIN_WINDOW = 1200;

function useWindowWidth(): number {
  const [width, setWidth] = useState(window.innerWidth);
  useEffect(() => {
    const onResize = () => setWidth(window.innerWidth);
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);
  return width;
}

export function ConnectionsTab() {
  const client = useClient();
  const loadProcessHistory = useCallback((key: string) => client.request('processHistory', { name: key }), [client]);
  // A capture of sockets, or of per-process totals (macOS nettop -P: in the side list, no sockets in the grid).
  const { table: live, capture } = useDatasetSource('connections');
  const procSource = useDatasetSource('processes');
  const processCapture = procSource.capture?.dataset === 'processes' ? procSource.capture : null;
  const toggles = useSettings((s) => s.toggles);
  // The protocols shown: the grid fits its columns again when they change (a UNIX view's paths and shared sockets'
  // PIDs, then TCP's addresses, each in widths of their own).
  const fitKey = PROTOCOL_TOGGLES.filter((k) => toggles[k]).join(',');
  const highlights = useSettings((s) => s.highlights);
  // The side list: the user's choice, else shown only when the window is wide enough for it and the
  // grid's main columns (collapsed by default below about 1100 px).
  const processListChoice = useSettings((s) => s.showProcessList);
  const wide = useWindowWidth() >= PROCESS_LIST_MIN_WINDOW;
  const showProcessList = processListChoice ?? wide;
  // Stable handlers: the toolbar is memoised, so a tick that changes rows does not re-render it.
  const toggleProcessList = useCallback(() => updateSettings({ showProcessList: !showProcessList }), [showProcessList]);
  const processListWidth = useSettings((s) => s.processListWidth);
  const resizeProcessList = useCallback((width: number | null) => updateSettings({ processListWidth: width }), []);
  // The filter and the process chosen outlive the tab's panel (store/tab-state.ts).
  const [query, setQuery] = useTabText('connections.query');
  const [processKeyText, setProcessKeyText] = useTabText('connections.process');
  const processFilter = processKeyText === '' ? null : processKeyText;
  const setProcessFilter = useCallback((key: string | null) => setProcessKeyText(key ?? ''), [setProcessKeyText]);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [menu, setMenu] = useState<MenuState | null>(null);
  const [processMenu, setProcessMenu] = useState<{
    entry: ProcessEntry;
    at: { x: number; y: number };
    copy: () => void;
  } | null>(null);
  const [dialog, setDialog] = useState<Dialogs>(null);
  // Stable: the dialogs that act on a selection are memoised (a tick's render leaves them alone).
  const closeDialog = useCallback(() => setDialog(null), []);
  const openToolbarDialog = useCallback((kind: 'log' | 'names') => setDialog({ kind }), []);
  const [caps, setCaps] = useState<Capabilities | null>(null);

  // The host's own process: Kill is not offered on it (the host would refuse it).
  const ownList = useHostInfo()?.ownPids;
  const ownPids = useMemo(() => (ownList === undefined ? NO_PIDS : new Set(ownList)), [ownList]);
  useEffect(() => {
    client.request('capabilities', {}).then(setCaps, () => setCaps(null));
  }, [client]);

  const { names, epoch: namesEpoch } = useNames(capture);
  // A port's service name is checked against the host's database, but in a capture (another machine's names).
  const hostServices = useServiceIndex();
  const services = capture ? null : hostServices;
  const parsed = useMemo(() => parseFilter(query, names, services), [query, names, services]);
  const lastValid = useRef<ParsedFilter>(parsed);
  const effective = effectiveFilter(parsed, lastValid.current);
  lastValid.current = effective;
  // The text of the filter in force: while the box holds a query with an error, the last valid one (what the
  // grid, its empty message and an export describe).
  const lastValidQuery = useRef(query);
  if (parsed.ok) lastValidQuery.current = query;
  const shownQuery = lastValidQuery.current.trim();
  // The toggles, and the hosts selected (store/hosts.ts): the process list and the denied count follow both.
  const hostSelection = useHosts((s) => s.selection);
  const byToggles = useMemo(() => {
    const toggled = togglesPredicate(toggles);
    return hostSelection.kind === 'all' ? toggled : (r: Connection) => rowShown(hostSelection, r) && toggled(r);
  }, [toggles, hostSelection]);
  // A new predicate (new query, toggle or process) rebuilds the view once. A query about names (host:,
  // country:, free text) is rebuilt when names change too.
  const filterNamesEpoch = effective.ok && effective.usesNames ? namesEpoch : 0;
  // biome-ignore lint/correctness/useExhaustiveDependencies: filterNamesEpoch stands for the entries of the live names lookup (one object whose content changes): a new predicate when they change rebuilds the view.
  const predicate = useMemo(
    () => connectionPredicate(byToggles, processFilter, effective),
    [byToggles, processFilter, effective, filterNamesEpoch],
  );

  const onProcessClick = useCallback((name: string) => setProcessFilter(processKey(name)), [setProcessFilter]);
  const resolveNames = useSettings((s) => s.resolveNames);
  const fullHostNames = useSettings((s) => s.fullHostNames);
  const display = useMemo(
    () => ({ resolve: resolveNames && !capture, fqdn: fullHostNames }),
    [resolveNames, fullHostNames, capture],
  );
  const sortColumns = useMemo(
    () => connectionColumns(onProcessClick, names, display, toggles.unix),
    [onProcessClick, names, display, toggles.unix],
  );
  // A new array when names change, so the rows on screen (memoised on their columns) draw the new names.
  // biome-ignore lint/correctness/useExhaustiveDependencies: namesEpoch stands for the names' content, which the same columns read.
  const columns = useMemo(() => [...sortColumns], [sortColumns, namesEpoch]);
  const chosenSort = useGridSort('connections', sortColumns, DEFAULT_SORT);
  // Likewise a sort by a names column (Country, Network) is redone when names change.
  const byNames = nameColumns(display);
  const sortNamesEpoch = chosenSort.some((s) => byNames.has(s.id)) ? namesEpoch : 0;
  // biome-ignore lint/correctness/useExhaustiveDependencies: sortNamesEpoch stands for the names' content that the sort keys read.
  const sort = useMemo(() => [...chosenSort], [chosenSort, sortNamesEpoch]);
  const shown = useLiveRows<'connections'>(live, sortColumns, sort, predicate);
  useIdleKeys(live, warmRemoteKey);

  // The process list and the "needs privileges" count follow the table row by row, like the grid.
  const tally = useMemo(() => () => processTally(byToggles, isListening), [byToggles]);
  const tallied = useLiveAggregate<'connections', ProcessEntry[]>(live, tally);
  // Rates and totals per process name, from the processes dataset (or its capture; a capture of sockets has none).
  const procTable = procSource.table;
  // This machine's: a remote host's per-process traffic is not read.
  const localTraffic = hostSelection.kind !== 'remote';
  // A capture of sockets has no per-process traffic: its list's traffic cells are blank, as its grid's are (they read
  // "n/a: no TCP connection" beside processes whose TCP connections the capture lists: a new user's review).
  const socketsCapture = capture !== null && processCapture === null;
  const traffic = useMemo(
    () => (procTable.received && localTraffic && !socketsCapture ? trafficByName(procTable.rows.values()) : null),
    [procTable, localTraffic, socketsCapture],
  );
  // Counted and summed again for each version of either table: entries that say the same keep their object.
  const processes = useKeepSame(
    useMemo(() => withTraffic(tallied, traffic, processCapture !== null), [tallied, traffic, processCapture]),
  );
  const selectedTraffic = processFilter !== null ? traffic?.get(processFilter) : undefined;
  const chartRates =
    selectedTraffic && selectedTraffic.recvRate !== null && selectedTraffic.sendRate !== null
      ? { rx: selectedTraffic.recvRate, tx: selectedTraffic.sendRate }
      : null;
  const processHistory = useRateHistory(
    processFilter,
    loadProcessHistory,
    chartRates,
    procTable.tick?.at ?? null,
    !capture && showProcessList && processFilter !== null,
  );
  // Counted over what the toggles show, as the process list is.
  const deniedCounter = useMemo(() => () => countDenied(byToggles), [byToggles]);
  const denied = useLiveAggregate<'connections', number>(live, deniedCounter);
  const hostRowsCounter = useMemo(() => () => countOf((r: Connection) => rowShown(hostSelection, r)), [hostSelection]);
  const ofHosts = useLiveAggregate<'connections', number>(live, hostRowsCounter);
  const total = hostSelection.kind === 'all' ? live.rows.size : ofHosts;
  const hostDown = useSelectedHostDown();

  const [selectedCount, setSelectedCount] = useState(0);
  usePanelReport({ shown: shown.length, total, noun: 'sockets', denied, selected: selectedCount });

  // A new function for each version of the table (its marks change in place), so the rows redraw; and when the first
  // highlight still shown is due to end with no tick since (`ended`), so that it does not stay (they do not fade).
  const [ended, setEnded] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `ended` stands for the clock the marks are read against.
  const rowClass = useCallback(
    (r: Connection) => {
      if (r.closedAt) return highlights ? 'closed' : 'closed-quiet';
      if (!highlights) return '';
      const m = live.marks.get(r.id);
      if (!m || Date.now() - m.at > HIGHLIGHT_MS) return '';
      return m.kind === 'new' ? 'hl-new' : 'hl-changed';
    },
    [highlights, live, ended],
  );
  useEffect(() => {
    if (!highlights) return;
    const end = firstHighlightEnd(live.marks, Date.now());
    if (end === null) return;
    // A tick usually comes first (and draws the rows again itself): the timer waits a while past the end, so that a
    // live table's ticks are not each followed by a second render.
    const timer = setTimeout(() => setEnded((n) => n + 1), end - Date.now() + HIGHLIGHT_GRACE_MS);
    return () => clearTimeout(timer);
  });

  // Sockets per PID for the Kill dialogs: counted once per version of the table (a new `live`; its rows change
  // in place), and only while one is open.
  const killing = dialog?.kind === 'kill' || dialog?.kind === 'killMany';
  const socketCounts = useMemo(() => (killing ? socketsByPid(live.rows.values()) : null), [killing, live]);
  const socketsOf = useCallback((pid: number) => socketsText(socketCounts?.get(pid)), [socketCounts]);

  const actions = { capture: capture !== null, caps, ownPids };
  // Stable handlers: the grids re-render when their rows change, not with every render of the tab.
  const openMenu = useCallback(
    (row: Connection, at: { x: number; y: number }, selection: Connection[], copy: () => void) =>
      setMenu({ row, at, selection, copy }),
    [],
  );
  const openProcessMenu = useCallback(
    (entry: ProcessEntry, at: { x: number; y: number }, copy: () => void) => setProcessMenu({ entry, at, copy }),
    [],
  );

  /** The menu of several selected rows: copy or export them, close them, kill the processes behind them (last). */
  const selectionItems = (m: MenuState): MenuItem[] => {
    const closable = closableOf(m.selection, actions, ownLink(client.hostKind));
    const {
      processes: procs,
      reason,
      host,
      leftOut,
    } = killTargets(m.selection, actions, 'no live process holds these sockets');
    return [
      { id: 'copy-rows', label: `Copy ${m.selection.length} rows`, onSelect: m.copy },
      { id: 'export-rows', label: `Export ${m.selection.length} rows…`, onSelect: () => openExport(true) },
      // What cannot be undone last, apart, as on one row's menu.
      {
        id: 'close-many',
        label:
          closable.rows.length === 0
            ? 'Close connections…'
            : closable.rows.length === 1
              ? 'Close connection…'
              : `Close ${formatCount(closable.rows.length)} connections…`,
        separatorBefore: true,
        disabled: closable.reason !== undefined,
        reason: closable.reason,
        onSelect: () =>
          setDialog(
            closable.rows.length === 1
              ? { kind: 'close', row: closable.rows[0]! }
              : { kind: 'closeMany', rows: closable.rows, skipped: closable.skipped },
          ),
      },
      {
        id: 'kill-many',
        label:
          procs.length === 1
            ? `Kill ${procs[0]!.name} (PID ${procs[0]!.pid})…`
            : procs.length === 0
              ? 'Kill processes…'
              : `Kill ${procs.length} processes…`,
        names: procs.length === 1 ? [procs[0]!.name] : [],
        danger: true,
        disabled: reason !== undefined,
        reason,
        onSelect: () =>
          setDialog(
            procs.length === 1
              ? { kind: 'kill', row: { ...m.row, processes: procs }, leftOut }
              : { kind: 'killMany', processes: procs, host, leftOut },
          ),
      },
    ];
  };

  /** The process side list's menu: filter to it, copy it, kill every process of that name (last). */
  const processItems = (entry: ProcessEntry, copy: () => void): MenuItem[] => {
    const rows = [...live.rows.values()].filter((r) => byToggles(r) && matchesProcess(r, entry.id));
    const {
      processes: procs,
      reason,
      host,
      leftOut,
    } = killTargets(rows, actions, 'no live process of this name holds a socket', entry.id);
    return [
      {
        id: 'filter',
        label: `Filter to ${entry.name}`,
        names: [entry.name],
        onSelect: () => setProcessFilter(entry.id),
      },
      { id: 'copy', label: 'Copy row', separatorBefore: true, onSelect: copy },
      {
        id: 'kill',
        label: procs.length > 1 ? `Kill ${procs.length} ${entry.name} processes…` : `Kill ${entry.name}…`,
        names: [entry.name],
        danger: true,
        separatorBefore: true,
        disabled: reason !== undefined,
        reason,
        onSelect: () => setDialog({ kind: 'killMany', processes: procs, host, leftOut }),
      },
    ];
  };

  const menuItems = (row: Connection, copy: () => void): MenuItem[] => {
    const killReason = killBlocked(row, actions);
    const closeReason =
      closeBlocked(row, actions) ?? (isOwnLink(row, ownLink(client.hostKind)) ? OWN_LINK_REASON : undefined);
    return [
      ...connectionRowItems(row, {
        filterProcess: (name) => setProcessFilter(processKey(name)),
        setQuery,
        copy,
        names,
        display,
      }),
      // What cannot be undone last, apart: the menu opens on its first item, and Enter there only filters.
      {
        id: 'close',
        label: 'Close connection…',
        separatorBefore: true,
        disabled: closeReason !== undefined,
        reason: closeReason,
        onSelect: () => setDialog({ kind: 'close', row }),
      },
      {
        id: 'kill',
        label: 'Kill process…',
        danger: true,
        disabled: killReason !== undefined,
        reason: killReason,
        onSelect: () => setDialog({ kind: 'kill', row }),
      },
    ];
  };

  // What Export writes under the title: the filter that made this view.
  useViewDescription('connections', () => [
    filterLine(effective.ok && effective.terms > 0 ? shownQuery : ''),
    ...(processFilter !== null ? [`Process: ${keyName(processFilter)}`] : []),
    `Showing: ${SOCKET_TOGGLES.filter((b) => toggles[b.key])
      .map((b) => b.label)
      .join(', ')}; ${toggles.mode}${toggles.hideLoopback ? '; loopback hidden' : ''}`,
    ...captureLine(capture),
  ]);

  const loading = !live.received;

  return (
    <div className="tab-body">
      {capture ? <CaptureBanner capture={capture} /> : null}
      <ConnectionsToolbar
        query={query}
        onQuery={setQuery}
        parsed={parsed}
        processFilter={processFilter}
        onProcessFilter={setProcessFilter}
        showProcessList={showProcessList}
        onToggleProcessList={toggleProcessList}
        capture={capture !== null}
        onDialog={openToolbarDialog}
      />
      <div className="split">
        {showProcessList ? (
          <ProcessList
            width={processListWidth}
            entries={processes}
            selected={processFilter}
            onSelect={setProcessFilter}
            onContextMenu={openProcessMenu}
            chart={
              processFilter !== null && !capture ? (
                <section className="process-chart" aria-label={`Traffic of ${keyName(processFilter)}`}>
                  <RateHistoryChart
                    selected={processFilter}
                    history={processHistory}
                    labels={{ rx: 'Received', tx: 'Sent' }}
                    gapNote="Breaks in the lines: a process’s traffic is measured while this list is on screen."
                  />
                </section>
              ) : null
            }
          />
        ) : null}
        {showProcessList ? (
          <Splitter
            controls="process-list"
            label="Width of the process list"
            keep={GRID_KEEP}
            width={processListWidth}
            onResize={resizeProcessList}
          />
        ) : null}
        <DataGrid
          gridId="connections"
          label="Connections"
          exportTab="connections"
          columns={columns}
          rows={shown}
          presorted
          fitKey={fitKey}
          defaultSort={DEFAULT_SORT}
          rowClass={rowClass}
          selectedId={selectedId}
          onSelect={setSelectedId}
          multiSelect
          onSelectedCount={setSelectedCount}
          onContextMenu={openMenu}
          empty={
            loading
              ? 'Reading this machine’s sockets…'
              : processCapture
                ? 'This capture holds bytes per process, not sockets: they are in the process list.'
                : total === 0
                  ? (hostDown ?? 'No sockets.')
                  : // While the box holds an error, the grid keeps the last valid filter: said, so that the query
                    // named is not taken for the text in the box.
                    `No socket matches${!parsed.ok && shownQuery ? ' the last valid filter' : ''}${shownQuery ? ` “${isolated(inertText(shownQuery))}”` : ''}${processFilter ? ` for ${isolated(inertText(keyName(processFilter)))}` : ''} with these toggles.${!parsed.ok ? ' The filter box’s text has an error, so it is not applied.' : ''}`
          }
        />
      </div>
      {menu ? (
        <Menu
          label={menu.selection.length > 1 ? `${menu.selection.length} connections` : 'Connection'}
          items={menu.selection.length > 1 ? selectionItems(menu) : menuItems(menu.row, menu.copy)}
          at={menu.at}
          onClose={() => setMenu(null)}
        />
      ) : null}
      {processMenu ? (
        <Menu
          label="Process"
          items={processItems(processMenu.entry, processMenu.copy)}
          at={processMenu.at}
          onClose={() => setProcessMenu(null)}
        />
      ) : null}
      {dialog?.kind === 'killMany' ? (
        <MultiKillDialog
          processes={dialog.processes}
          host={dialog.host}
          socketsOf={socketsOf}
          leftOut={dialog.leftOut}
          onClose={() => setDialog(null)}
        />
      ) : null}
      {dialog?.kind === 'kill' ? (
        <KillDialog
          processes={killableProcesses(dialog.row, actions)}
          host={dialog.row.host}
          socketsOf={socketsOf}
          leftOut={dialog.leftOut}
          onClose={() => setDialog(null)}
        />
      ) : null}
      {dialog?.kind === 'close' ? <CloseDialog row={dialog.row} onClose={() => setDialog(null)} /> : null}
      {dialog?.kind === 'closeMany' ? (
        <MultiCloseDialog rows={dialog.rows} skipped={dialog.skipped} onClose={closeDialog} />
      ) : null}
      {dialog?.kind === 'log' ? <ActionLogDialog onClose={() => setDialog(null)} /> : null}
      {dialog?.kind === 'names' ? <NamesDialog onClose={() => setDialog(null)} /> : null}
    </div>
  );
}
