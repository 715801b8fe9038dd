// The Routes tab: netstat -r made live, IPv4 and IPv6 grouped, default routes marked, every table.
import { SearchBox } from '../../components/SearchBox.js';
import { type CSSProperties, useCallback, useMemo, useState } from 'react';
import { addressSortKey } from '../../../shared/address.js';
import type { Route } from '../../../shared/types.js';
import { tableOrder } from './table-order.js';
import { ColumnsButton, DataGrid } from '../../components/DataGrid.js';
import type { GridColumn } from '../../store/grid-model.js';
import { CaptureBanner } from '../../components/CaptureBanner.js';
import { usePanelReport } from '../../store/view.js';
import { formatCount } from '../../../shared/format.js';
import { captureLine, filterLine, useViewDescription } from '../../store/exports.js';
import { useDatasetSource, useRowArray } from '../../store/source.js';
import { ToggleButton } from '../../components/ToggleButton.js';
import { useTabText } from '../../store/tab-state.js';
import { updateSettings, useSettings } from '../../store/settings.js';

const DEFAULT_SORT = [
  { id: 'table', desc: false },
  { id: 'destination', desc: false },
];

function destinationText(r: Route): string {
  if (r.isDefault) return 'default';
  const full = r.family === 'inet' ? 32 : 128;
  return r.prefixLength === full ? r.destination : `${r.destination}/${r.prefixLength}`;
}

const columns: GridColumn<Route>[] = [
  {
    id: 'destination',
    header: 'Destination',
    width: 210,
    sortValue: (r) => `${addressSortKey(r.destination)}/${String(r.prefixLength).padStart(3, '0')}`,
    text: destinationText,
    // As data, every destination with its prefix: `0.0.0.0/0` rather than `default`, `10.0.0.1/32`.
    value: (r) => `${r.destination}/${r.prefixLength}`,
    render: (r) =>
      r.isDefault ? (
        <span className="default-route" title="Default route">
          default
        </span>
      ) : (
        destinationText(r)
      ),
  },
  {
    id: 'gateway',
    header: 'Gateway',
    width: 170,
    sortValue: (r) => (r.gateway === null ? null : addressSortKey(r.gateway)),
    text: (r) => r.gateway ?? '*',
    value: (r) => r.gateway,
  },
  {
    id: 'flags',
    header: 'Flags',
    width: 64,
    sortValue: (r) => r.flags,
    text: (r) => r.flags,
    description: 'U up, G gateway, H host, R reinstate, D dynamic, M modified, ! reject',
  },
  {
    id: 'metric',
    header: 'Metric',
    width: 70,
    align: 'right',
    sortValue: (r) => r.metric,
    text: (r) => (r.metric === null ? '' : String(r.metric)),
    value: (r) => r.metric,
  },
  { id: 'iface', header: 'Interface', width: 110, sortValue: (r) => r.iface, text: (r) => r.iface ?? '' },
  {
    id: 'table',
    header: 'Table',
    width: 80,
    description: 'The routing table (ip route show table …): main is the one netstat -r shows and most traffic uses',
    sortValue: (r) => tableOrder(r.table),
    text: (r) => r.table,
  },
  { id: 'type', header: 'Type', width: 90, sortValue: (r) => r.type, text: (r) => r.type },
  {
    id: 'protocol',
    header: 'Protocol',
    width: 80,
    sortValue: (r) => r.protocol,
    text: (r) => r.protocol ?? '',
    description: 'Who installed the route (kernel, boot, static, dhcp, ra...)',
  },
  { id: 'scope', header: 'Scope', width: 70, sortValue: (r) => r.scope, text: (r) => r.scope ?? '' },
  {
    id: 'source',
    header: 'Source',
    width: 150,
    sortValue: (r) => r.source,
    text: (r) => r.source ?? '',
    description: 'Preferred source address',
  },
  {
    id: 'mtu',
    header: 'MTU',
    width: 60,
    align: 'right',
    hiddenByDefault: true,
    sortValue: (r) => r.mtu ?? null,
    text: (r) => (r.mtu ? String(r.mtu) : ''),
    value: (r) => r.mtu || null,
  },
];

const rowClass = (r: Route) => (r.isDefault ? 'default' : '');
/** Default routes are drawn bold (.grid-row.default): fitted bold. */
const boldRow = (r: Route) => r.isDefault;

export function RoutesTab() {
  const { table, capture } = useDatasetSource('routes');
  const [selected, setSelected] = useState<string | null>(null);
  const showLocal = useSettings((s) => s.localRoutes);
  const setShowLocal = useCallback((on: boolean) => updateSettings({ localRoutes: on }), []);
  const all = useRowArray(table);
  // The kernel's `local` table (every address of this machine) is long and rarely what people look for.
  const [filter, setFilter] = useTabText('routes.filter');
  const query = filter.trim().toLowerCase();
  // A route matches when any column's text holds the filter (destination with its prefix, gateway, interface,
  // table, flags…), as shown: `10.50`, `eth0`, `blackhole`, `table 100` by its number.
  const rows = useMemo(
    () =>
      all.filter(
        (r) =>
          (showLocal || r.table !== 'local') &&
          (query === '' || columns.some((c) => c.text(r).toLowerCase().includes(query))),
      ),
    [all, showLocal, query],
  );
  const v4 = useMemo(() => rows.filter((r) => r.family === 'inet'), [rows]);
  const v6 = useMemo(() => rows.filter((r) => r.family === 'inet6'), [rows]);
  // The routes the Local toggle hides, said beside the count: "7 of 20 routes" with an empty filter read as 13 lost.
  const local = useMemo(() => all.filter((r) => r.table === 'local').length, [all]);
  const localHidden = showLocal ? 0 : local;
  usePanelReport({
    shown: rows.length,
    total: all.length,
    noun: 'routes',
    ...(localHidden > 0 ? { note: `${formatCount(localHidden)} in the local table, hidden` } : {}),
  });
  useViewDescription('routes', () => [
    filterLine(filter),
    `Local routes: ${showLocal ? 'shown' : 'hidden'}`,
    ...captureLine(capture),
  ]);
  const hasLocal = local > 0;
  const empty = !table.received
    ? 'Reading the routing table…'
    : query
      ? `No route matches “${filter.trim()}”.`
      : 'No routes.';
  return (
    <div className="tab-body">
      {capture ? <CaptureBanner capture={capture} /> : null}
      <div className="tab-toolbar" role="toolbar" aria-label="Route options">
        <SearchBox
          label="Filter routes"
          title="Matches any column as shown: destination, gateway, interface, table, type, flags… (Ctrl+F)"
          value={filter}
          onChange={setFilter}
        />
        {hasLocal ? (
          <ToggleButton
            pressed={showLocal}
            onToggle={setShowLocal}
            title="Show the kernel's local and broadcast routes (table local)"
          >
            Local table
          </ToggleButton>
        ) : null}
      </div>
      <div className="stack">
        {(
          [
            ['IPv4', v4],
            ['IPv6', v6],
          ] as const
        ).map(([family, familyRows]) => (
          <section
            key={family}
            className="group"
            aria-label={`${family} routes`}
            // The rows' room it keeps when the height is short for both (styles.css .group): up to three rows; an empty
            // group two, for its message and a sideways scrollbar under it.
            style={{ '--rows': familyRows.length === 0 ? 2 : Math.min(3, familyRows.length) } as CSSProperties}
          >
            <h3>
              {family} <span className="muted">({familyRows.length})</span>
            </h3>
            <DataGrid
              gridId="routes"
              label={`${family} routes`}
              exportTab="routes"
              columns={columns}
              rows={familyRows}
              fitTo={rows}
              rowClass={rowClass}
              boldRow={boldRow}
              fitGrows
              selectedId={selected}
              onSelect={setSelected}
              empty={empty}
              defaultSort={DEFAULT_SORT}
              // The two grids share one layout, whose column bar sits once, under the stack.
              columnBar="none"
            />
          </section>
        ))}
      </div>
      {/* At the tab's foot as on the other tabs: on the second grid it floated mid-page under two short tables (a
          new user's review of 12-07). */}
      <div className="grid-footer bottom">
        <ColumnsButton gridId="routes" columns={columns} size="small" />
      </div>
    </div>
  );
}
