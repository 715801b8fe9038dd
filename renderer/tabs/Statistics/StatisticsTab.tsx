// The Statistics tab: netstat -s made live. One small grid per section, in netstat's order, each counter
// with its description, value, per-second rate and delta since a baseline the user can reset; counters that
// moved in the last tick are marked, error counters that rose are highlighted.
import { SearchBox } from '../../components/SearchBox.js';
import {
  type FocusEvent,
  type UIEvent,
  memo,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { createStore, useStore } from 'zustand';
import { formatClock, formatCount, formatDateTime, formatPerSecond, perSecondValue } from '../../../shared/format.js';
import { ColumnsButton, DataGrid, ROW_HEIGHT, type StackedGrids } from '../../components/DataGrid.js';
import { textFits } from '../../components/column-fit.js';
import type { GridColumn } from '../../store/grid-model.js';
import { CaptureBanner } from '../../components/CaptureBanner.js';
import { Menu } from '../../components/Menu.js';
import { OverflowBar } from '../../components/OverflowBar.js';
import { useSameWhile } from '../../components/same-while.js';
import { usePanelReport } from '../../store/view.js';
import { captureLine, filterLine, useViewDescription } from '../../store/exports.js';
import { updateSettings, useSettings } from '../../store/settings.js';
import { sameRows, useDatasetSource, useRowArray } from '../../store/source.js';
import { useSelectedHostDown } from '../../store/hosts.js';
import {
  CounterFigures,
  CounterWatch,
  FactRows,
  GROUP_TITLE,
  compareGroups,
  counterMatches,
  RowDeriver,
  extendBaseline,
  takeBaseline,
  type Baseline,
  type CounterFacts,
  type StatRow,
} from './counter-groups.js';
import '../tabs-extra.css';
import { ToggleButton } from '../../components/ToggleButton.js';
import { useTabText } from '../../store/tab-state.js';

// In memory only, and kept across tab switches: a baseline is about this session.
const baselineStore = createStore<{ baseline: Baseline | null; reset: boolean }>(() => ({
  baseline: null,
  reset: false,
}));
const watch = new CounterWatch();
const figures = new CounterFigures();

/** A row's figures as of this tick (the grids' rows hold none: FactRows). */
// Every counter a grid holds was taken in the render that gave the grid its rows; one not there would show no figures.
const live = (r: CounterFacts): StatRow => figures.get(r.id) ?? { ...r, value: Number.NaN, delta: null, moved: false };

/**
 * A counter's figure in its cell: a span that `paint` (a constant) fills from the counter's row of the tick, when it
 * mounts and whenever that row changes, outside React's renders. React renders the span once and never its content
 * or class (it gives it none), so a tick that moves counters renders no section, grid, row or cell: a render of even
 * a cell alone makes React clone every row of its grid on the way to it (issue 15: cells rendered by React, each
 * subscribed to its counter, cost a tick more script than the grids they spared). `paint` writes only what differs.
 */
function FigureCell(props: { id: string; paint: (el: HTMLElement, row: StatRow) => void; hidden?: boolean }) {
  const { id, paint } = props;
  const ref = useRef<HTMLSpanElement>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (el === null) return;
    const draw = () => {
      const row = figures.get(id);
      if (row !== undefined) paint(el, row);
    };
    draw();
    return figures.subscribe(id, draw);
  }, [id, paint]);
  return <span ref={ref} aria-hidden={props.hidden} />;
}

function setText(el: HTMLElement, text: string): void {
  const node = el.firstChild;
  if (node instanceof Text && node === el.lastChild) {
    if (node.data !== text) node.data = text;
  } else if (el.textContent !== text) el.textContent = text;
}

function setClass(el: HTMLElement, name: string): void {
  if (el.className !== name) el.className = name;
}

/**
 * A figure's text, and its cell's tooltip if it has one: a cut cell under the pointer has its whole text as its title,
 * which the grid writes when it renders the row (DataGrid's GridRow); a figure's row does not render when the figure
 * changes (FactRows), so without this the tooltip kept the figure of the tick the pointer came onto the cell.
 */
function setFigure(el: HTMLElement, text: string): void {
  setText(el, text);
  const cell = el.parentElement;
  if (cell?.hasAttribute('title') && cell.title !== text) cell.title = text;
}

function signed(n: number): string {
  return n > 0 ? `+${formatCount(n)}` : formatCount(n);
}

const nameColumn: GridColumn<CounterFacts> = {
  id: 'name',
  header: 'Counter',
  width: 210,
  // The moved mark before the name (.moved-dot: 6 px and its 6 px margin): fitted without it, the longest names
  // were cut while Description had room (a new user's review of 12-06).
  fitExtra: 12,
  sortValue: (r) => r.name,
  text: (r) => r.name,
  render: (r) => (
    <>
      <FigureCell id={r.id} paint={paintDot} hidden />
      {r.name}
      <FigureCell id={r.id} paint={paintNote} />
    </>
  ),
};

function paintDot(el: HTMLElement, r: StatRow): void {
  setClass(el, r.moved ? 'moved-dot on' : 'moved-dot');
}

function paintNote(el: HTMLElement, r: StatRow): void {
  setClass(el, 'stat-sr-only');
  setText(el, r.moved ? ' (changed in the last tick)' : '');
}

const descriptionColumn: GridColumn<CounterFacts> = {
  id: 'description',
  header: 'Description',
  width: 440,
  grow: true,
  // Cut before the window's least width (720 px) makes a section scroll sideways, where its headers cannot stay in view
  // under its title (a new user's review of 12-07): the whole text is its tooltip.
  growMin: 100,
  // Regardless of case: "default time-to-live" among the d's, not after every capital ("IP forwarding", "SYN…").
  sortValue: (r) => r.description?.toLowerCase() ?? null,
  text: (r) => r.description ?? '',
};

const valueColumn: GridColumn<CounterFacts> = {
  id: 'value',
  header: 'Value',
  description: 'The current value: a count since boot, or for a gauge a current level',
  width: 120,
  align: 'right',
  sortValue: (r) => live(r).value,
  text: (r) => formatCount(live(r).value),
  value: (r) => live(r).value,
  render: (r) => <FigureCell id={r.id} paint={paintValue} />,
  renderFitsText: true,
};

function paintValue(el: HTMLElement, r: StatRow): void {
  setClass(el, r.moved ? 'stat-value moved' : 'stat-value');
  setFigure(el, formatCount(r.value));
}

const rateText = (r: StatRow) => (r.kind === 'counter' ? formatPerSecond(r.rate) : '');

export const rateColumn: GridColumn<CounterFacts> = {
  id: 'rate',
  header: 'Per second',
  description: 'Change per second over the last tick (counters only)',
  width: 96,
  align: 'right',
  sortValue: (r) => (r.kind === 'counter' ? (live(r).rate ?? null) : null),
  text: (r) => rateText(live(r)),
  value: (r) => (r.kind === 'counter' ? perSecondValue(live(r).rate) : null),
  render: (r) => <FigureCell id={r.id} paint={paintRate} />,
  renderFitsText: true,
};

function paintRate(el: HTMLElement, r: StatRow): void {
  setClass(el, r.kind === 'counter' && r.rate ? '' : 'muted');
  setFigure(el, rateText(r));
}

const deltaText = (r: StatRow) => (r.delta === null ? '' : signed(r.delta));

const deltaColumn: GridColumn<CounterFacts> = {
  id: 'delta',
  header: 'Since baseline',
  description: 'Change since the baseline (Reset baseline sets it to now)',
  width: 128,
  align: 'right',
  sortValue: (r) => live(r).delta,
  text: (r) => deltaText(live(r)),
  value: (r) => live(r).delta,
  render: (r) => <FigureCell id={r.id} paint={paintDelta} />,
  renderFitsText: true,
};

function paintDelta(el: HTMLElement, r: StatRow): void {
  setClass(el, r.delta === null || r.delta === 0 ? 'muted' : r.isError && r.delta > 0 ? 'delta-error' : 'delta-moved');
  setFigure(el, deltaText(r));
}

const FIGURE_TEXTS: [GridColumn<CounterFacts>, (r: StatRow) => string][] = [
  [valueColumn, (r) => formatCount(r.value)],
  [rateColumn, rateText],
  [deltaColumn, deltaText],
];

/**
 * What a grid draws of a row's figures itself (FactRows): it judges by a cell's text whether the cell needs its clip
 * (DataGrid, textFits) when it renders the row. A text that fits the column's width as the user set it, else its
 * default (the least its fitted width is), fits however the grid placed it: nothing to draw again; one that may not
 * is told by its length, so that the row renders again when that changes. Digits are as wide as each other in the
 * app's font, so a text of the same length is judged alike.
 */
function figureShape(sizes: Readonly<Record<string, number>> | undefined): (r: StatRow) => string {
  return (r) =>
    FIGURE_TEXTS.map(([c, text]) => {
      const t = text(r);
      return textFits(t, sizes?.[c.id] ?? c.width) ? '' : String(t.length);
    }).join(' ');
}

/** The columns whose order follows the figures: sorted by one, the grids sort again at each tick. */
const FIGURE_COLUMNS: ReadonlySet<string> = new Set(['value', 'rate', 'delta']);

const kindColumn: GridColumn<CounterFacts> = {
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
const SECTION_CHROME = 30 + 27;

// The moved mark is drawn by the cells (FigureCell); the alarm, rare, is a fact (a new row when it changes).
const rowClass = (r: CounterFacts) => (r.alarm ? 'stat-alarm' : '');

/** One section: its heading and grid. Memoised: a tick re-renders only the sections whose rows' facts changed (a
 *  counter shown or hidden, an alarm, a figure's text longer or shorter), not those whose figures moved. */
const StatSection = memo(function StatSection(props: {
  group: string;
  list: CounterFacts[];
  columns: GridColumn<CounterFacts>[];
  selected: string | null;
  onSelect: (id: string | null) => void;
  fitTo: () => CounterFacts[];
  /** This section's grid is the stack's Tab stop. */
  tabStop: boolean;
  /** A keyboard move past this section's rows (StackedGrids.past), from the section named. */
  past: (group: string, by: number) => boolean;
  page: () => number;
}) {
  const { group, list, tabStop, past, page } = props;
  const stacked = useMemo<StackedGrids>(
    () => ({ tabStop, past: (by) => past(group, by), page }),
    [tabStop, past, group, page],
  );
  return (
    <section
      className="stat-group"
      data-group={group}
      aria-labelledby={`stat-h-${group}`}
      // Sections out of view are not laid out or painted (content-visibility: auto): until one has been,
      // its height is reckoned from its rows, so the scrollbar and "Go to section" place it right.
      style={{ containIntrinsicBlockSize: `auto ${SECTION_CHROME + list.length * ROW_HEIGHT}px` }}
      onFocus={showSectionTop}
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
        stacked={stacked}
      />
    </section>
  );
});

/** A section's table reached by Tab shows from its top: the browser scrolled it only as far as the focus needed, which
 *  left a short one's headers under the sticky title and a long one (TcpExt) at its last rows (a new user's review of
 *  12-05); and with its selected counter in view, where the keys go on from. A click on a row (no focus ring) leaves
 *  the scroll where it is, and so does a move from another section (the keys scroll for it: StatisticsTab's `past`). */
function showSectionTop(e: FocusEvent<HTMLElement>): void {
  const grid = e.target;
  if (!grid.classList.contains('grid-scroll') || !grid.matches(':focus-visible')) return;
  const stack = e.currentTarget.closest<HTMLElement>('.stat-stack');
  if (!stack || (e.relatedTarget instanceof Node && stack.contains(e.relatedTarget))) return;
  const section = e.currentTarget;
  const active = grid.getAttribute('aria-activedescendant');
  const row = active ? document.getElementById(active) : null;
  // Back to a counter on screen: nothing moves (the stack jumped 536 px to show its section's top, a new user's
  // review of 12-07). Else the section's top for its first counter or none, and the counter in view.
  if (row) {
    // The browser scrolled the grid it focused into view before this ran: as it was, does the counter show?
    const now = stack.scrollTop;
    stack.scrollTop = shownScroll.get(stack) ?? now;
    if (rowInView(row, section, stack)) return;
    stack.scrollTop = now;
  }
  if (!row || row.getAttribute('aria-rowindex') === '2') sectionTopInView(section, stack);
  row?.scrollIntoView({ block: 'nearest' });
}

/** Each stack's scroll as its last scroll event left it: the place before a focus moved it (scroll events come after). */
const shownScroll = new WeakMap<Element, number>();
const keepScroll = (e: UIEvent<HTMLElement>) => shownScroll.set(e.currentTarget, e.currentTarget.scrollTop);

/** Whether `row` shows whole in the stack, below its section's sticky title. */
function rowInView(row: HTMLElement, section: HTMLElement, stack: HTMLElement): boolean {
  const box = row.getBoundingClientRect();
  const title = section.querySelector('h3')?.getBoundingClientRect();
  const view = stack.getBoundingClientRect();
  return box.top >= (title?.bottom ?? view.top) - 1 && box.bottom <= view.bottom + 1;
}

/** Scrolls the stack to `section`'s top when its column headers are hidden under its sticky title or below the view. */
function sectionTopInView(section: HTMLElement, stack: HTMLElement): void {
  const title = section.querySelector('h3');
  const header = section.querySelector('.grid-header');
  if (!title || !header) return;
  const view = stack.getBoundingClientRect();
  const top = header.getBoundingClientRect();
  if (top.top < title.getBoundingClientRect().bottom - 1 || top.bottom > view.bottom)
    stack.scrollTop += section.getBoundingClientRect().top - view.top;
}

/** A section's rows in the order its grid shows them (it renders them all: fitRows). */
function sectionRows(section: Element): HTMLElement[] {
  const rows = Array.from(section.querySelectorAll<HTMLElement>('[role="row"][data-row-id]'));
  const place = (row: HTMLElement) => Number(row.getAttribute('aria-rowindex'));
  return rows.sort((a, b) => place(a) - place(b));
}

/** The sections of the stack, in order. */
const stackSections = (stack: HTMLElement) =>
  Array.from(stack.querySelectorAll<HTMLElement>(':scope > section.stat-group'));

/** "Go to section…": a menu of the sections shown, whose choice puts the keyboard on that section's first counter. A
 *  menu rather than a select: Chromium's closed select changes its value on ↓ and on a typed letter, which jumped to a
 *  section (and, since the choice moves the focus, out of the list) before the user had chosen one; and its width
 *  followed the names the filter left. */
function SectionMenu(props: { sections: readonly string[]; onChoose: (group: string) => void }) {
  const [at, setAt] = useState<{ x: number; y: number } | null>(null);
  const empty = props.sections.length === 0;
  const open = (button: HTMLElement) => {
    const r = button.getBoundingClientRect();
    setAt({ x: r.left, y: r.bottom + 4 });
  };
  return (
    <>
      <button
        type="button"
        aria-haspopup="menu"
        aria-expanded={at !== null}
        disabled={empty}
        title="Scroll to a section and put the keyboard on its first counter"
        onClick={(e) => open(e.currentTarget)}
        onKeyDown={(e) => {
          // ↓ or ↑ open it too, as a menu button's do (Enter and Space click it).
          if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
          e.preventDefault();
          open(e.currentTarget);
        }}
      >
        Go to section…
      </button>
      {at ? (
        <Menu
          label="Go to section"
          items={props.sections.map((g) => ({ id: `section-${g}`, label: g, onSelect: () => props.onChoose(g) }))}
          at={at}
          onClose={() => setAt(null)}
        />
      ) : null}
    </>
  );
}

export function StatisticsTab() {
  const { table, capture } = useDatasetSource('statistics');
  const { baseline, reset } = useStore(baselineStore);
  const [filter, setFilter] = useTabText('statistics.filter');
  const hideZero = useSettings((s) => s.hideZeroCounters);
  const setHideZero = useCallback((on: boolean) => updateSettings({ hideZeroCounters: on }), []);
  const [selected, setSelected] = useState<string | null>(null);
  const stackRef = useRef<HTMLDivElement>(null);
  // "Go to section" asks for the focus in the section it chose, given once the menu that chose it (the toolbar's More)
  // has closed and handed the focus back to its button.
  const [focusAsk, setFocusAsk] = useState<{ group: string } | null>(null);
  useEffect(() => {
    if (focusAsk === null) return;
    stackRef.current
      ?.querySelector<HTMLElement>(`[data-group="${CSS.escape(focusAsk.group)}"] [role="grid"]`)
      ?.focus({ preventScroll: true });
  }, [focusAsk]);

  const counters = useRowArray(table);
  const hostDown = useSelectedHostDown();
  // A capture has no ticks.
  const tickAt = table.tick?.at ?? null;

  // Once per tick, during render so this render's rows carry it: what moved, and the first baseline.
  if (tickAt !== null && counters.length > 0) {
    watch.observe(tickAt, counters, table.tick?.intervalMs);
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

  // Only the counters that changed get a new row object (RowDeriver); the grids get rows without the figures
  // (FactRows), so that a tick re-renders only the cells whose figures changed (FigureCell), not the sections.
  const deriver = useRef<RowDeriver | null>(null);
  deriver.current ??= new RowDeriver();
  // Derived again on each tick, also one that changed no counter (the counters' array is then the same): what
  // moved and the alarms are the tick's.
  // biome-ignore lint/correctness/useExhaustiveDependencies: tickAt is the trigger: watch.observe took this tick.
  const rows = useMemo(
    () => deriver.current!.derive(counters, capture ? null : watch, capture ? null : baseline, Date.now()),
    [counters, capture, baseline, tickAt],
  );

  // The tick's figures, for the cells that show them (taken while rendering, so that the grids' texts are this tick's);
  // each cell hears of its own counter once the render is committed, before the frame is drawn.
  useMemo(() => figures.take(rows), [rows]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: rows is the trigger: take() kept what they changed.
  useLayoutEffect(() => figures.notify(), [rows]);
  // The grids' rows: the same objects while their facts stay the same, whatever the figures do.
  const factRows = useRef<FactRows | null>(null);
  factRows.current ??= new FactRows();
  const saved = useSettings((s) => s.grids.statistics);
  const sizes = saved?.sizes;
  const facts = useMemo(() => factRows.current!.facts(rows, figureShape(sizes)), [rows, sizes]);
  // Sorted by a figure, a grid sorts again whenever one of its rows' figures changed: its list is then new.
  const sort = saved?.sort;
  const byFigure = sort?.some((x) => FIGURE_COLUMNS.has(x.id)) ?? false;

  const shown = useMemo(() => {
    const needle = filter.trim();
    const out = { rows: [] as StatRow[], facts: [] as CounterFacts[] };
    rows.forEach((r, i) => {
      if (!counterMatches(r, needle) || (hideZero && r.value === 0 && !r.delta)) return;
      out.rows.push(r);
      out.facts.push(facts[i]!);
    });
    return out;
  }, [rows, facts, filter, hideZero]);
  const lastGroups = useRef(new Map<string, { rows: StatRow[]; list: CounterFacts[] }>());
  const groups = useMemo(() => {
    const by = new Map<string, { rows: StatRow[]; list: CounterFacts[] }>();
    shown.rows.forEach((row, i) => {
      let g = by.get(row.group);
      if (!g) by.set(row.group, (g = { rows: [], list: [] }));
      g.rows.push(row);
      g.list.push(shown.facts[i]!);
    });
    const kept = new Map<string, { rows: StatRow[]; list: CounterFacts[] }>();
    for (const [name, g] of by) {
      const before = lastGroups.current.get(name);
      const rowsNow = sameRows(before?.rows ?? null, g.rows);
      const list = sameRows(before?.list ?? null, g.list);
      // A new array for a grid sorted by a figure when a row's figures changed (the rows' objects may be the same).
      kept.set(name, { rows: rowsNow, list: byFigure && before && rowsNow !== before.rows ? [...list] : list });
    }
    lastGroups.current = kept;
    return [...kept.entries()].map(([g, { list }]) => [g, list] as const).sort(([a], [b]) => compareGroups(a, b));
  }, [shown, byFigure]);
  // The widths are fitted to every counter once (DataGrid reads this when it fits): a getter rather than the
  // rows themselves, which would re-render every section when they change.
  const factsRef = useRef(facts);
  factsRef.current = facts;
  const fitTo = useCallback(() => factsRef.current, []);

  // The sections read as one list from the keyboard (DataGrid's `stacked`): one Tab stop, the section holding the
  // selected counter (with none, the one that last held it, else the first), and the arrows, Page Up/Down and
  // Ctrl+Home/End going on from one section into the next.
  const selectedGroup = useMemo(
    () => (selected === null ? null : (groups.find(([, list]) => list.some((r) => r.id === selected))?.[0] ?? null)),
    [groups, selected],
  );
  const lastGroup = useRef<string | null>(null);
  if (selectedGroup !== null) lastGroup.current = selectedGroup;
  const tabGroup =
    selectedGroup ?? (groups.some(([g]) => g === lastGroup.current) ? lastGroup.current : (groups[0]?.[0] ?? null));
  const past = useCallback((group: string, by: number) => {
    const stack = stackRef.current;
    if (!stack) return false;
    const sections = stackSections(stack);
    const from = sections.findIndex((s) => s.dataset.group === group);
    if (from < 0) return false;
    const step = by > 0 ? 1 : -1;
    let left = Math.abs(by);
    let to: { section: HTMLElement; row: HTMLElement; first: boolean } | null = null;
    for (let i = from + step; i >= 0 && i < sections.length; i += step) {
      const rows = sectionRows(sections[i]!);
      if (rows.length === 0) continue;
      // Within this section, or its far end (the stack's first or last row when no section follows).
      const at = left <= rows.length ? (step > 0 ? left - 1 : rows.length - left) : step > 0 ? rows.length - 1 : 0;
      to = { section: sections[i]!, row: rows[at]!, first: at === 0 };
      if (left <= rows.length) break;
      left -= rows.length;
    }
    if (to === null) return false;
    setSelected(to.row.dataset.rowId!);
    to.section.querySelector<HTMLElement>('[role="grid"]')?.focus({ preventScroll: true });
    // A section entered at its first row shows from its top (its title and headers), as one reached by Tab does.
    if (to.first) sectionTopInView(to.section, stack);
    to.row.scrollIntoView({ block: 'nearest' });
    return true;
  }, []);
  // A page of rows: the stack's height less a section's sticky title and headers (the rows' scroll margin).
  const page = useCallback(
    () => Math.max(1, Math.floor(((stackRef.current?.clientHeight ?? 400) - 64) / ROW_HEIGHT) - 1),
    [],
  );

  // The sections do not scroll themselves (the stack does): keep a row chosen with the keyboard in view.
  useEffect(() => {
    if (selected)
      stackRef.current?.querySelector(`[data-row-id="${CSS.escape(selected)}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [selected]);

  usePanelReport({ shown: shown.rows.length, total: rows.length, noun: 'counters' });

  const columns = capture ? CAPTURE_COLUMNS : LIVE_COLUMNS;
  const baselineText = baseline
    ? `Deltas since ${formatClock(baseline.at)}${reset ? '' : ' (first reading)'}`
    : 'No baseline yet';
  useViewDescription('statistics', () => [
    filterLine(filter),
    ...(hideZero ? ['Counters at zero: hidden'] : []),
    ...(capture
      ? captureLine(capture)
      : [
          baseline
            ? `Since baseline: from ${formatDateTime(baseline.at)}${reset ? '' : ' (the first reading)'}`
            : 'Since baseline: no baseline yet',
        ]),
  ]);
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
    // The section at the top, its first counter selected and the focus in it: the keys go on there.
    const jumpTo = (group: string) => {
      const section = stackRef.current?.querySelector(`[data-group="${CSS.escape(group)}"]`);
      if (!section) return;
      section.scrollIntoView({ block: 'start' });
      const first = sectionRows(section)[0]?.dataset.rowId;
      if (first !== undefined) setSelected(first);
      setFocusAsk({ group });
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
              <ToggleButton
                pressed={hideZero}
                onToggle={setHideZero}
                title="Hide counters whose value is zero, as netstat -ss does"
              >
                Hide zero counters
              </ToggleButton>
            ),
            menu: [
              { id: 'zero', label: 'Hide zero counters', checked: hideZero, onSelect: () => setHideZero(!hideZero) },
            ],
          },
          {
            id: 'section',
            node: <SectionMenu sections={sectionNames} onChoose={jumpTo} />,
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
  }, [filter, hideZero, sectionNames, columns, capture, baselineText, noCounters, setHideZero, setFilter]);

  return (
    <div className="tab-body">
      {capture ? <CaptureBanner capture={capture} /> : null}
      {toolbar}
      <div className="stat-stack" ref={stackRef} onScroll={keepScroll}>
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
            tabStop={group === tabGroup}
            past={past}
            page={page}
          />
        ))}
      </div>
    </div>
  );
}
