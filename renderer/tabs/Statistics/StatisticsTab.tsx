// The Statistics tab: netstat -s made live. One small grid per section, in netstat's order, each counter
// with its description, value, per-second rate and delta since a baseline the user can reset; counters that
// moved in the last tick are marked, error counters that rose are highlighted.
import { SearchBox } from '../../components/SearchBox.js';
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { createStore, useStore } from 'zustand';
import { formatClock, formatCount, formatPerSecond, perSecondValue } from '../../../shared/format.js';
import { ColumnsButton, DataGrid, ROW_HEIGHT } from '../../components/DataGrid.js';
import type { GridColumn } from '../../store/grid-model.js';
import { CaptureBanner } from '../../components/CaptureBanner.js';
import { OverflowBar } from '../../components/OverflowBar.js';
import { useSameWhile } from '../../components/same-while.js';
import { reportPanel } from '../../store/view.js';
import { useDatasetSource, useRowArray } from '../../store/source.js';
import { useSelectedHostDown } from '../../store/hosts.js';
import { keepSame } from '../../store/keep-same.js';
import {
  CounterWatch,
  GROUP_TITLE,
  compareGroups,
  counterMatches,
  RowDeriver,
  extendBaseline,
  takeBaseline,
  type Baseline,
  type StatRow,
} from './counter-groups.js';
import '../tabs-extra.css';

// In memory only, and kept across tab switches: a baseline is about this session.
const baselineStore = createStore<{ baseline: Baseline | null; reset: boolean }>(() => ({
  baseline: null,
  reset: false,
}));
const watch = new CounterWatch();

function signed(n: number): string {
  return n > 0 ? `+${formatCount(n)}` : formatCount(n);
}

const nameColumn: GridColumn<StatRow> = {
  id: 'name',
  header: 'Counter',
  width: 210,
  sortValue: (r) => r.name,
  text: (r) => r.name,
  render: (r) => (
    <>
      <span className={`moved-dot ${r.moved ? 'on' : ''}`} aria-hidden="true" />
      {r.name}
      {r.moved ? <span className="stat-sr-only"> (changed in the last tick)</span> : null}
    </>
  ),
};

const descriptionColumn: GridColumn<StatRow> = {
  id: 'description',
  header: 'Description',
  width: 440,
  grow: true,
  sortValue: (r) => r.description,
  text: (r) => r.description ?? '',
};

const valueColumn: GridColumn<StatRow> = {
  id: 'value',
  header: 'Value',
  description: 'The current value: a count since boot, or for a gauge a current level',
  width: 120,
  align: 'right',
  sortValue: (r) => r.value,
  text: (r) => formatCount(r.value),
  value: (r) => r.value,
  render: (r) => <span className="stat-value">{formatCount(r.value)}</span>,
  renderFitsText: true,
};

export const rateColumn: GridColumn<StatRow> = {
  id: 'rate',
  header: 'Per second',
  description: 'Change per second over the last tick (counters only)',
  width: 96,
  align: 'right',
  sortValue: (r) => (r.kind === 'counter' ? (r.rate ?? null) : null),
  text: (r) => (r.kind === 'counter' ? formatPerSecond(r.rate) : ''),
  value: (r) => (r.kind === 'counter' ? perSecondValue(r.rate) : null),
  render: (r) =>
    r.kind === 'counter' && r.rate ? (
      formatPerSecond(r.rate)
    ) : (
      <span className="muted">{r.kind === 'counter' ? formatPerSecond(r.rate) : ''}</span>
    ),
  renderFitsText: true,
};

const deltaColumn: GridColumn<StatRow> = {
  id: 'delta',
  header: 'Since baseline',
  description: 'Change since the baseline (Reset baseline sets it to now)',
  width: 128,
  align: 'right',
  sortValue: (r) => r.delta,
  text: (r) => (r.delta === null ? '' : signed(r.delta)),
  value: (r) => r.delta,
  render: (r) =>
    r.delta === null ? (
      ''
    ) : (
      <span className={r.delta !== 0 ? (r.isError && r.delta > 0 ? 'delta-error' : 'delta-moved') : 'muted'}>
        {signed(r.delta)}
      </span>
    ),
  renderFitsText: true,
};

const kindColumn: GridColumn<StatRow> = {
  id: 'kind',
  header: 'Kind',
  description: 'counter: only grows; gauge: a current level',
  width: 70,
  hiddenByDefault: true,
  sortValue: (r) => r.kind,
  text: (r) => r.kind,
};

const LIVE_COLUMNS = [nameColumn, descriptionColumn, valueColumn, rateColumn, deltaColumn, kindColumn];
const CAPTURE_COLUMNS = [nameColumn, descriptionColumn, valueColumn, kindColumn];

/** A section's heading and its grid's column header, around its rows (tabs-extra.css, styles.css). */
const SECTION_CHROME = 29 + 27;

const rowClass = (r: StatRow) => `${r.moved ? 'stat-moved' : ''} ${r.alarm ? 'stat-alarm' : ''}`;

/** One section: its heading and grid. Memoised: a tick re-renders only the sections whose counters changed. */
const StatSection = memo(function StatSection(props: {
  group: string;
  list: StatRow[];
  columns: GridColumn<StatRow>[];
  selected: string | null;
  onSelect: (id: string | null) => void;
  fitTo: () => StatRow[];
}) {
  const { group, list } = props;
  return (
    <section
      className="stat-group"
      data-group={group}
      aria-labelledby={`stat-h-${group}`}
      // Sections out of view are not laid out or painted (content-visibility: auto): until one has been,
      // its height is reckoned from its rows, so the scrollbar and "Go to section" place it right.
      style={{ containIntrinsicBlockSize: `auto ${SECTION_CHROME + list.length * ROW_HEIGHT}px` }}
    >
      <h3 id={`stat-h-${group}`}>
        {group}
        {GROUP_TITLE[group] && GROUP_TITLE[group].toLowerCase() !== group.toLowerCase() ? (
          <span className="stat-group-title">{GROUP_TITLE[group]}</span>
        ) : null}
        <span className="muted">({list.length})</span>
      </h3>
      <DataGrid
        gridId="statistics"
        label={`${group} counters`}
        exportTab="statistics"
        columns={props.columns}
        rows={list}
        rowClass={rowClass}
        selectedId={props.selected}
        onSelect={props.onSelect}
        empty="No counters."
        fitRows
        fitTo={props.fitTo}
        columnBar="none"
      />
    </section>
  );
});

export function StatisticsTab() {
  const { table, capture } = useDatasetSource('statistics');
  const { baseline, reset } = useStore(baselineStore);
  const [filter, setFilter] = useState('');
  const [hideZero, setHideZero] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const stackRef = useRef<HTMLDivElement>(null);

  const counters = useRowArray(table);
  const hostDown = useSelectedHostDown();
  // A capture has no ticks.
  const tickAt = table.tick?.at ?? null;

  // Once per tick, during render so this render's rows carry it: what moved, and the first baseline.
  if (tickAt !== null && counters.length > 0) {
    watch.observe(tickAt, counters);
    if (baseline) extendBaseline(baseline, counters);
  }
  // The first baseline is the first reading made while the tab shows. The reading a page is sent when it starts
  // showing the counters is the host's last, made whenever some page last showed them (the host's start, if none
  // has): deltas from it counted everything since, under this page's clock time (review, 12-02). So the tick this
  // mount saw first is never the baseline; the next one, read while the tab is shown, is, with its own time.
  const firstTick = useRef<number | null>(null);
  if (firstTick.current === null && tickAt !== null) firstTick.current = tickAt;
  useEffect(() => {
    if (!capture && !baseline && counters.length > 0 && tickAt !== null && tickAt !== firstTick.current)
      baselineStore.setState({ baseline: takeBaseline(counters, tickAt), reset: false });
  }, [capture, baseline, counters, tickAt]);

  // Only the counters that changed get a new row object (RowDeriver), and a section whose counters all kept
  // theirs keeps its list, so only the rows (and sections) that changed re-render.
  const deriver = useRef<RowDeriver | null>(null);
  deriver.current ??= new RowDeriver();
  // Derived again on each tick, also one that changed no counter (the counters' array is then the same): what
  // moved and the alarms are the tick's.
  // biome-ignore lint/correctness/useExhaustiveDependencies: tickAt is the trigger: watch.observe took this tick.
  const rows = useMemo(
    () => deriver.current!.derive(counters, capture ? null : watch, capture ? null : baseline, Date.now()),
    [counters, capture, baseline, tickAt],
  );

  const shownRows = useMemo(
    () => rows.filter((r) => counterMatches(r, filter.trim()) && !(hideZero && r.value === 0 && !r.delta)),
    [rows, filter, hideZero],
  );
  const lastGroups = useRef(new Map<string, StatRow[]>());
  const groups = useMemo(() => {
    const by = new Map<string, StatRow[]>();
    for (const r of shownRows) {
      let list = by.get(r.group);
      if (!list) by.set(r.group, (list = []));
      list.push(r);
    }
    const kept = new Map<string, StatRow[]>();
    for (const [g, list] of by) kept.set(g, keepSame(lastGroups.current.get(g) ?? null, list));
    lastGroups.current = kept;
    return [...kept.entries()].sort(([a], [b]) => compareGroups(a, b));
  }, [shownRows]);
  // The widths are fitted to every counter once (DataGrid reads this when it fits): a getter rather than the
  // rows themselves, which change every tick and would re-render every section.
  const rowsRef = useRef(rows);
  rowsRef.current = rows;
  const fitTo = useCallback(() => rowsRef.current, []);

  // The sections do not scroll themselves (the stack does): keep a row chosen with the keyboard in view.
  useEffect(() => {
    if (selected)
      stackRef.current?.querySelector(`[data-row-id="${CSS.escape(selected)}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [selected]);

  useEffect(
    () => reportPanel({ shown: shownRows.length, total: rows.length, noun: 'counters' }),
    [shownRows.length, rows.length],
  );
  useEffect(() => () => reportPanel(null), []);

  const columns = capture ? CAPTURE_COLUMNS : LIVE_COLUMNS;
  const baselineText = baseline
    ? `Deltas since ${formatClock(baseline.at)}${reset ? '' : ' (first reading)'}`
    : 'No baseline yet';
  const tableRef = useRef(table);
  tableRef.current = table;
  const received = table.received;
  const noCounters = counters.length === 0;
  const groupNames = groups.map(([g]) => g);
  const sectionNames = useSameWhile(groupNames, groupNames.join(' '));

  // The toolbar changes with the user's choices and the sections shown, not with the counters: the same element
  // while those say the same, so a tick does not re-render it (each render rewrote the filter box's attributes
  // and the section list's options, a style recalculation a tick: issue 15).
  const toolbar = useMemo(() => {
    const resetBaseline = () =>
      // Stamped as the first baseline is, with its reading's own time (the host's clock).
      baselineStore.setState({
        baseline: takeBaseline(tableRef.current.rows.values(), tableRef.current.tick?.at ?? Date.now()),
        reset: true,
      });
    const jumpTo = (group: string) => {
      stackRef.current?.querySelector(`[data-group="${CSS.escape(group)}"]`)?.scrollIntoView({ block: 'start' });
    };
    return (
      <OverflowBar
        label="Statistics options"
        className="tab-toolbar"
        items={[
          {
            id: 'filter',
            pinned: true,
            node: (
              <SearchBox
                label="Filter counters"
                title="Matches the counter, its section or its description"
                value={filter}
                onChange={setFilter}
              />
            ),
            menu: [],
          },
          {
            id: 'zero',
            node: (
              <button
                type="button"
                className="toggle"
                aria-pressed={hideZero}
                onClick={() => setHideZero(!hideZero)}
                title="Hide counters whose value is zero, as netstat -ss does"
              >
                Hide zero counters
              </button>
            ),
            menu: [
              { id: 'zero', label: 'Hide zero counters', checked: hideZero, onSelect: () => setHideZero(!hideZero) },
            ],
          },
          {
            id: 'section',
            node: (
              <label className="field">
                <span>Section</span>
                <select aria-label="Go to section" value="" onChange={(e) => e.target.value && jumpTo(e.target.value)}>
                  <option value="">Go to…</option>
                  {sectionNames.map((g) => (
                    <option key={g} value={g}>
                      {g}
                    </option>
                  ))}
                </select>
              </label>
            ),
            menu: sectionNames.map((g, i) => ({
              id: `section-${g}`,
              label: `Go to ${g}`,
              separatorBefore: i === 0,
              onSelect: () => jumpTo(g),
            })),
          },
          { id: 'columns', pinned: true, node: <ColumnsButton gridId="statistics" columns={columns} />, menu: [] },
          null,
          ...(capture
            ? []
            : [
                {
                  id: 'baseline-time',
                  node: (
                    <span className="muted baseline-time" data-testid="baseline-time">
                      {baselineText}
                    </span>
                  ),
                  menu: [{ id: 'baseline-time', label: baselineText, disabled: true }],
                },
                {
                  id: 'reset',
                  node: (
                    <button
                      type="button"
                      disabled={noCounters}
                      title="Take the current values as the baseline: deltas start again from zero"
                      onClick={resetBaseline}
                    >
                      Reset baseline
                    </button>
                  ),
                  menu: [{ id: 'reset', label: 'Reset baseline', disabled: noCounters, onSelect: resetBaseline }],
                },
              ]),
        ]}
      />
    );
  }, [filter, hideZero, sectionNames, columns, capture, baselineText, noCounters]);

  return (
    <div className="tab-body">
      {capture ? <CaptureBanner capture={capture} /> : null}
      {toolbar}
      <div className="stat-stack" ref={stackRef}>
        {!received ? (
          <div className="loading" role="status">
            Reading protocol statistics…
          </div>
        ) : null}
        {received && rows.length === 0 ? (
          <div className="loading" role="status">
            {hostDown ?? 'No counters: this system reported no protocol statistics.'}
          </div>
        ) : null}
        {received && rows.length > 0 && groups.length === 0 ? (
          <div className="loading" role="status">
            No counter matches “{filter}”{hideZero ? ' among the non-zero ones' : ''}.
          </div>
        ) : null}
        {groups.map(([group, list]) => (
          <StatSection
            key={group}
            group={group}
            list={list}
            columns={columns}
            selected={selected}
            onSelect={setSelected}
            fitTo={fitTo}
          />
        ))}
      </div>
    </div>
  );
}
