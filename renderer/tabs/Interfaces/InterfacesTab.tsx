// The Interfaces tab: netstat -i and -e made live, a sparkline per interface, and for the selected one a
// ten-minute throughput chart and its multicast groups (netstat -g).
import { Inert, inertLabel, isolated } from '../../components/Inert.js';
import { useCallback, useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { formatRate } from '../../../shared/format.js';
import { DataGrid, ROW_HEIGHT } from '../../components/DataGrid.js';
import { CaptureBanner } from '../../components/CaptureBanner.js';
import { RateHistoryChart, useRateHistory } from '../../components/RateHistory.js';
import { useClient } from '../../api/context.js';
import { usePanelReport } from '../../store/view.js';
import { captureLine, filterLine, useViewDescription } from '../../store/exports.js';
import { useDatasetSource, useRowArray } from '../../store/source.js';
import { updateSettings, useSettings } from '../../store/settings.js';
import { captureInterfaceColumns, liveInterfaceColumns, multicastCaptureColumns, multicastColumns } from './columns.js';
import { busiestInterface, rateRings } from './rate-series.js';
import { useKeepSame } from '../../store/keep-same.js';
import { SearchBox } from '../../components/SearchBox.js';
import { interfaceFilter } from './filter.js';
import type { NetInterface } from '../../../shared/types.js';
import '../tabs-extra.css';
import { ToggleButton } from '../../components/ToggleButton.js';
import { useTabText } from '../../store/tab-state.js';

/** A sparkline older than this (the tab was hidden, so nothing fed it) is refilled from the host's history. */
const STALE_SPARK_MS = 15_000;

/** The interface grid's column header (DataGrid's header row with its border). */
const LIST_HEADER = 27;
/** What the list takes around the grid's rows and header before it is measured (useRoomAround): its footer. */
const LIST_AROUND = 31;

// Props that stay the same from render to render, so the grids re-render only when their rows change.
const INTERFACE_SORT = [{ id: 'name', desc: false }];
const GROUP_SORT = [
  { id: 'family', desc: false },
  { id: 'group', desc: false },
];
const interfaceClass = (r: NetInterface) => (r.operState === 'down' ? 'iface-down' : '');
const chooseInterface = (id: string | null) => {
  if (id) updateSettings({ selectedInterface: id });
};

export function InterfacesTab() {
  const client = useClient();
  const loadInterfaceHistory = useCallback((iface: string) => client.request('history', { iface }), [client]);
  const { table, capture } = useDatasetSource('interfaces');
  // A capture of interfaces leaves the multicast groups empty; a capture of groups shows them all.
  const multicast = useDatasetSource('multicast');
  const multicastCapture = multicast.capture?.dataset === 'multicast' ? multicast.capture : null;
  const chosen = useSettings((s) => s.selectedInterface);

  const rows = useRowArray(table);
  // A capture has no ticks.
  const tickAt = table.tick?.at ?? null;

  // Sparklines: one sample per tick. Done during render (not in an effect) so the rows drawn in this very
  // render already include the tick's sample; feed() ignores a tick it has seen.
  if (tickAt !== null) rateRings.feed(tickAt, table.rows.values());

  // Refill sparklines that went stale while the tab was hidden, from the host's per-second history.
  const names = useMemo(() => rows.map((r) => r.id).join('\n'), [rows]);
  const [, setSeeded] = useState(0);
  useEffect(() => {
    if (capture || !names) return;
    let cancelled = false;
    const now = Date.now();
    const stale = names.split('\n').filter((id) => rateRings.staleAfter(id, now, STALE_SPARK_MS));
    for (const id of stale) {
      client.request('history', { iface: id }).then(
        (points) => {
          if (cancelled) return;
          rateRings.seed(id, points);
          setSeeded((n) => n + 1);
        },
        () => undefined,
      );
    }
    return () => {
      cancelled = true;
    };
  }, [names, capture, client]);

  // The chart follows the user's choice; until there is one, the busiest interface that is not loopback,
  // fixed once picked so the chart does not hop between interfaces as traffic shifts.
  const fallbackRef = useRef<string | null>(null);
  const byId = useMemo(() => new Map(rows.map((r) => [r.id, r])), [rows]);
  let selected: string | null = chosen && byId.has(chosen) ? chosen : null;
  if (!selected) {
    if (!fallbackRef.current || !byId.has(fallbackRef.current))
      fallbackRef.current = busiestInterface(rows)?.id ?? null;
    selected = fallbackRef.current;
  }
  const selectedRow = selected ? byId.get(selected) : undefined;
  // What the user reads: the interface's name, and its host when it is a remote one (its id is @host/name).
  const label = selectedRow
    ? selectedRow.host
      ? `${selectedRow.name} on ${selectedRow.host}`
      : selectedRow.name
    : selected;

  const rates = selectedRow?.rates
    ? { rx: selectedRow.rates.rxBytesPerSec, tx: selectedRow.rates.txBytesPerSec }
    : null;
  const history = useRateHistory(selected, loadInterfaceHistory, rates, tickAt, !capture && selected !== null);

  const groupTable = multicast.table;
  // A new list for each version of either table (the selected interface's row changes every tick with its
  // rates): the same one while the groups it holds do not change.
  const groups = useKeepSame(
    useMemo(() => {
      const all = Array.from(groupTable.rows.values());
      if (multicast.capture) return all;
      return selectedRow ? all.filter((g) => g.iface === selectedRow.name && g.host === selectedRow.host) : [];
    }, [groupTable, multicast.capture, selectedRow]),
  );

  // The list's filter and "Hide down" (filter.ts): the list only; the chart and the groups keep the interface chosen.
  const [filter, setFilter] = useTabText('interfaces.filter');
  const hideDown = useSettings((s) => s.hideDownInterfaces);
  const setHideDown = useCallback((on: boolean) => updateSettings({ hideDownInterfaces: on }), []);
  const columns = capture ? captureInterfaceColumns : liveInterfaceColumns;
  const listed = useMemo(
    () => (filter.trim() === '' && !hideDown ? rows : rows.filter(interfaceFilter(columns, filter, hideDown))),
    [rows, columns, filter, hideDown],
  );
  usePanelReport({ shown: listed.length, total: rows.length, noun: 'interfaces' });
  useViewDescription('interfaces', () => [
    filterLine(filter),
    ...(hideDown ? ['Interfaces that are down: hidden'] : []),
    ...captureLine(capture),
  ]);

  const [selectedGroup, setSelectedGroup] = useState<string | null>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const around = useRoomAround(listRef);

  return (
    <div className="tab-body">
      {capture ? <CaptureBanner capture={capture} /> : null}
      {multicastCapture ? <CaptureBanner capture={multicastCapture} /> : null}
      <div className="tab-toolbar" role="toolbar" aria-label="Interface options">
        <SearchBox
          label="Filter interfaces"
          title="Matches the name, state, addresses, MTU, MAC, speed, type, flags or host as shown: veth, 192.168., up… (Ctrl+F)"
          value={filter}
          onChange={setFilter}
        />
        <ToggleButton
          pressed={hideDown}
          onToggle={setHideDown}
          title="Hide the interfaces that are down (down, lower layer down, not present)"
        >
          Hide down
        </ToggleButton>
      </div>
      <div className="iface-layout">
        {/* As tall as its rows (a few interfaces leave the chart more room), at most half the tab. */}
        <div
          ref={listRef}
          className="iface-list"
          style={{ height: around + LIST_HEADER + Math.max(listed.length, 3) * ROW_HEIGHT }}
        >
          <DataGrid
            gridId="interfaces"
            label="Interfaces"
            exportTab="interfaces"
            columns={columns}
            rows={listed}
            // An interface made later (a container's veth, a VPN's tun) widens Name to its name, as Routes does.
            fitGrows
            defaultSort={INTERFACE_SORT}
            rowClass={interfaceClass}
            selectedId={selected}
            onSelect={chooseInterface}
            empty={
              !table.received
                ? 'Reading interfaces…'
                : filter.trim() !== ''
                  ? `No interface matches “${filter.trim()}”${hideDown ? ' among those not down' : ''}.`
                  : hideDown && rows.length > 0
                    ? 'Every interface is down.'
                    : 'No interfaces.'
            }
          />
        </div>
        <div className="iface-detail">
          <section className="iface-chart" aria-label={label ? `Throughput of ${label}` : 'Throughput'}>
            <h3>
              {selected ? (
                <>
                  <Inert text={label ?? selected} max={40} className="iface-name" />
                  {/* A capture is one reading: it has no 10 minutes (the chart's body says so). */}
                  {capture ? null : ' · last 10 minutes'}
                  {/* The chart keeps the interface chosen while the filter hides its row: said, so that it is not
                      taken for one of the rows listed (a new user's review of 12-06). */}
                  {listed !== rows && !listed.some((r) => r.id === selected) ? (
                    <span className="muted" data-testid="chart-hidden">
                      {' '}
                      · not in the list as filtered
                    </span>
                  ) : null}
                  {selectedRow?.rates ? (
                    <span className="iface-now">
                      <span className="swatch rx" aria-hidden="true" /> RX {formatRate(selectedRow.rates.rxBytesPerSec)}
                      <span className="swatch tx" aria-hidden="true" /> TX {formatRate(selectedRow.rates.txBytesPerSec)}
                    </span>
                  ) : null}
                </>
              ) : (
                'Throughput'
              )}
            </h3>
            {capture ? (
              <div className="chart-state" role="status">
                A capture is a single reading: it has no rates or history.
              </div>
            ) : !selected ? (
              <div className="chart-state" role="status">
                {table.received ? 'Select an interface to chart it.' : 'Reading interfaces…'}
              </div>
            ) : (
              <RateHistoryChart selected={label ?? selected} history={history} />
            )}
          </section>
          <section className="iface-multicast" aria-label="Multicast groups">
            <h3>
              {multicastCapture
                ? 'Multicast groups (capture)'
                : `Multicast groups${label ? ` of ${isolated(inertLabel(label))}` : ''}`}{' '}
              <span className="muted">({groups.length})</span>
            </h3>
            <DataGrid
              gridId={multicastCapture ? 'multicast-capture' : 'multicast'}
              label={
                multicastCapture
                  ? 'Multicast groups in the capture'
                  : `Multicast groups of ${label ?? 'the selected interface'}`
              }
              columns={multicastCapture ? multicastCaptureColumns : multicastColumns}
              rows={groups}
              defaultSort={GROUP_SORT}
              selectedId={selectedGroup}
              onSelect={setSelectedGroup}
              empty={
                capture
                  ? 'A capture of interfaces has no multicast groups.'
                  : !groupTable.received
                    ? 'Reading multicast groups…'
                    : label
                      ? `${isolated(inertLabel(label))} has joined no multicast group.`
                      : 'Select an interface.'
              }
            />
          </section>
        </div>
      </div>
    </div>
  );
}

/** What the list inside `box` takes around its grid's client area (the list's height less the grid's clientHeight):
 *  the footer, and the grid's horizontal scrollbar where it shows one, measured, not assumed: none while the columns
 *  fit (about 1500 px and wider for the interfaces), as thick as this system draws it where they do not (15 px in
 *  Chromium on Linux, 17 on Windows, 0 for overlay scrollbars). The same whatever height the list is given (the
 *  grid's client area takes the difference), so setting it does not move it. Read again after layout, when the grid
 *  or its columns change size (the header is as wide as the columns). */
function useRoomAround(box: RefObject<HTMLElement | null>): number {
  const [around, setAround] = useState(LIST_AROUND);
  useEffect(() => {
    const list = box.current;
    const scroller = list?.querySelector<HTMLElement>('[role="grid"]');
    if (!list || !scroller || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      if (scroller.clientHeight > 0) setAround(Math.max(0, list.offsetHeight - scroller.clientHeight));
    });
    observer.observe(scroller);
    const header = scroller.firstElementChild;
    if (header) observer.observe(header);
    return () => observer.disconnect();
  }, [box]);
  return around;
}
