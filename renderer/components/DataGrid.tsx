// A virtualized, keyboard-driven data grid with the ARIA grid pattern. TanStack Table owns the column
// model (visibility, order, widths, resizing); NetLens sorts and filters the rows itself, once per change,
// and hands Table only the rows on screen: at 50,000 rows Table's own row models cost 90-140 ms per update
// (ELECTRON-NOTES.md), a plain sort with precomputed keys a fraction of that.
// biome-ignore-all lint/a11y/useSemanticElements: an ARIA grid over a virtualized list: only the rows on screen exist, each placed at its offset, which <table> layout cannot do; the roles give it a table's semantics.
// biome-ignore-all lint/a11y/useFocusableInteractive: the grid is one tab stop that points at the active row with aria-activedescendant (the ARIA grid pattern), so its rows and cells take no focus themselves (its header buttons only from the arrows: ↑ above the first row).
import { inertText } from '../../shared/inert-text.js';
import { CELL_MAX, clampText, TOOLTIP_MAX } from './Inert.js';
import {
  columnOrderingFeature,
  columnResizingFeature,
  columnSizingFeature,
  columnVisibilityFeature,
  createColumnHelper,
  tableFeatures,
  useTable,
  type ColumnOrderState,
  type ColumnSizingState,
  type ColumnVisibilityState,
} from '@tanstack/react-table';
import {
  memo,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
import { settingsStore, updateGrid, useSettings } from '../store/settings.js';
import { ColumnChooser } from './ColumnChooser.js';
import { fitWidth, headerWidth, keepOnScreen, leastReadable, sortMarkFitsBeside, textFits } from './column-fit.js';
import { useSameWhile } from './same-while.js';
import { copyText, rowsWord } from './clipboard.js';
import { Menu } from './Menu.js';
import { toTsv } from '../../shared/export.js';
import { registerGridView, type GridView } from '../store/exports.js';
import { useHostGrid } from './HostColumn.js';
import {
  effectiveSort,
  exportRows,
  exportValues,
  gridArrangement,
  gridSizing,
  sortRows,
  type ExportNeeds,
  type GridColumn,
  type SortState,
} from '../store/grid-model.js';
import { renderRange, useFixedRows } from './fixed-rows.js';
import { arrayList, type RowList } from '../../shared/sorted-view.js';

export const ROW_HEIGHT = 24;
/** The narrowest a growing column (grow) becomes before the grid scrolls sideways. */
const GROW_MIN = 180;
/** The header row's height with its border (styles.css .header-cell and .grid-header). */
const HEADER_HEIGHT = 27;
const GEOMETRY = { rowHeight: ROW_HEIGHT, headerHeight: HEADER_HEIGHT };
/** How many of `ids` are rows of the view (a selection's rows that a filter hid or that closed are not): one lookup
 *  each, no pass over the view nor search of a row's place (it runs at each tick while rows are selected). */
export function countInView<Row extends { id: string }>(rows: RowList<Row>, ids: ReadonlySet<string>): number {
  let n = 0;
  for (const id of ids) if (rows.has(id)) n++;
  return n;
}

/** Rows rendered past each edge of the screen, so that a scroll shows rows already there. */
const OVERSCAN = 8;

export interface GridProps<Row extends { id: string }> {
  /** Settings key for this grid's columns and sort. */
  gridId: string;
  label: string;
  columns: GridColumn<Row>[];
  /** The rows to show (already filtered). The grid sorts them, unless `presorted` says the caller did
   *  (live tables follow changes with a SortedView, see useGridSort). */
  rows: readonly Row[] | RowList<Row>;
  presorted?: boolean;
  defaultSort?: { id: string; desc: boolean }[];
  rowClass?: (row: Row) => string;
  /** Rows drawn bold (by their rowClass): their cells are measured bold when the columns are fitted. */
  boldRow?: (row: Row) => boolean;
  /** Fitted columns widen for rows that come later (growFit): for a short table given as an array whose rows are the
   *  same objects while unchanged (the Routes tab's), so that a tick at rest measures nothing. */
  fitGrows?: boolean;
  selectedId: string | null;
  onSelect: (id: string | null) => void;
  /** The row the menu is for, and every selected row (with multiSelect; else just that row). */
  onContextMenu?: (row: Row, at: { x: number; y: number }, selection: Row[], copy: () => void) => void;
  /** Several rows may be selected: click, Shift+click, Ctrl/Cmd+click, Ctrl/Cmd+A, Shift+arrows.
   *  `selectedId` is then the focused row. */
  multiSelect?: boolean;
  /** How many rows of the view are selected (with multiSelect), told when it changes: the status bar says it. */
  onSelectedCount?: (count: number) => void;
  onActivate?: (row: Row) => void;
  empty: ReactNode;
  /** Extra toolbar content placed next to the column chooser. */
  footer?: ReactNode;
  /** Where the Columns… bar goes; 'none' for all but one of several grids sharing a gridId. */
  columnBar?: 'bottom' | 'top' | 'none';
  /** Make the grid as tall as its rows (no inner vertical scrolling): for short tables stacked in a page
   *  that scrolls as one. */
  fitRows?: boolean;
  /** The rows column widths are fitted to, when not the grid's own (grids sharing a gridId fit alike): read
   *  when the grid fits its columns. A getter keeps the grid from re-rendering each time those rows change. */
  fitTo?: Row[] | (() => Row[]);
  /** What the rows are, as far as their widths go: the columns are fitted again, to the rows shown then, when it
   *  changes (the Connections grid's protocols: a UNIX view's paths and shared sockets' PIDs want other widths than
   *  TCP's). Widths the user set stay. */
  fitKey?: string;
  /** The tab whose File → Export… writes this grid's view. */
  exportTab?: string;
  /** Rows keep their elements by place on screen, not by id: for a short list whose order changes on most ticks (the
   *  process list, by connection count), where moving a row's elements to its new place made the browser lay out
   *  and paint its whole subtree again; by place, a tick rewrites the texts that changed. Not for long lists, whose
   *  scrolling would then rewrite every row. */
  rowsByPlace?: boolean;
  /** One of several grids stacked as one list (the Statistics sections, each still a grid with its own label): the
   *  stack is one Tab stop and the keys go on from one grid into the next (StackedGrids). Off, the grid is a Tab stop
   *  of its own and its keys stop at its first and last rows. */
  stacked?: StackedGrids;
}

/** What a grid of a stack (GridProps.stacked) asks of the stack. */
export interface StackedGrids {
  /** This grid takes the stack's Tab stop (the one holding the selected row); the others are not Tab stops. */
  tabStop: boolean;
  /** A move past this grid's rows: `by` rows after its last (> 0: ↓, Page Down; Ctrl+End with Infinity) or before
   *  its first (< 0: ↑, Page Up, Ctrl+Home), which the stack makes in the grids after or before it, selecting and
   *  focusing the row it comes to (as far as the stack's first or last row). False when no grid lies that way: the
   *  grid then keeps the move (↑ from the first row of the stack's first grid goes to its headers). */
  past: (by: number) => boolean;
  /** Rows per Page Up/Down: a grid as tall as its rows (fitRows) pages by the view that scrolls the stack. */
  page: () => number;
}

const features = tableFeatures({
  columnVisibilityFeature,
  columnOrderingFeature,
  columnSizingFeature,
  columnResizingFeature,
});

/** The sort a grid shows: what the user chose (persisted), else the grid's default. */
export function useGridSort(
  gridId: string,
  columns: readonly Pick<GridColumn<never>, 'id'>[],
  defaultSort: SortState,
): SortState {
  const saved = useSettings((s) => s.grids[gridId]?.sort);
  return useMemo(() => effectiveSort(saved, defaultSort, columns), [saved, defaultSort, columns]);
}

/** The Columns… button for a grid whose column bar lives elsewhere (a tab's toolbar): the same chooser,
 *  reading and writing the grid's saved layout. */
export function ColumnsButton<Row>(props: {
  gridId: string;
  columns: GridColumn<Row>[];
  /** Small in a bar under grids (a grid's own column bar's size), normal in a tab's toolbar (the default). */
  size?: 'small' | 'normal';
}) {
  const saved = useSettings((s) => s.grids[props.gridId]);
  const state = useMemo(() => gridArrangement(saved, props.columns, []), [saved, props.columns]);
  return (
    <ColumnChooser
      columns={props.columns.map((c) => ({ id: c.id, header: c.header }))}
      order={state.order}
      visibility={state.visibility}
      onToggle={(id, visible) => {
        const next = { ...state.visibility, [id]: visible };
        updateGrid(props.gridId, {
          hidden: Object.entries(next)
            .filter(([, v]) => !v)
            .map(([k]) => k),
        });
      }}
      onReset={() => updateGrid(props.gridId, { order: [], hidden: undefined, sizes: {}, sort: [] })}
      size={props.size ?? 'normal'}
    />
  );
}

function GridInner<Row extends { id: string }>(props: GridProps<Row>) {
  const { gridId, rows, selectedId } = props;
  // Rows of several hosts: a Host column, and rows of a host that stopped answering greyed.
  const { columns, staleClass } = useHostGrid(props.columns, () => allRows(rows));
  const saved = useSettings((s) => s.grids[gridId]);
  // Callers write their default sort inline: the same array while it says the same.
  const givenSort = props.defaultSort ?? NO_SORT;
  const defaultSort = useSameWhile(givenSort, givenSort.map((s) => `${s.id} ${s.desc}`).join(','));
  // Widths fitted to the content once, when the first rows arrive (and again after Reset columns, and when the kind
  // of rows shown changes: fitKey): fitting on every change would make columns jump as rows come and go. Then, once
  // the grid is laid out, kept within its width, and again whenever that width changes (`placed`, below).
  const fitSource = () => (typeof props.fitTo === 'function' ? props.fitTo() : (props.fitTo ?? allRows(rows)));
  const fittedRef = useRef<Fit | null>(null);
  const columnIds = columns.map((c) => c.id).join('\u0000');
  if (fittedRef.current?.ids !== columnIds || fittedRef.current.key !== props.fitKey) {
    const source = fitSource();
    if (source.length > 0) {
      const sizes: Record<string, number> = {};
      for (const c of columns) if (!c.fixedWidth) sizes[c.id] = fitWidth(c, source, props.boldRow);
      fittedRef.current = {
        ids: columnIds,
        key: props.fitKey,
        natural: sizes,
        sizes,
        headers: {},
        placed: false,
        room: 0,
        shown: '',
      };
      if (props.fitGrows === true)
        fittedRef.current.grow = { source, seen: new WeakSet<Row>(source.length <= GROW_ROWS ? source : NO_ROWS) };
    }
  } else if (props.fitGrows === true && fittedRef.current !== null && Array.isArray(props.fitTo ?? rows)) {
    // Rows that come later (a route added, the Local table shown) widen a fitted column they need more of, within
    // its cap; never narrowed (columns do not jump as rows come and go), never one the user sized. Only in grids that
    // ask (fitGrows: not the Connections grid, whose cost per tick stays as it was), for rows given as an array of at
    // most GROW_ROWS, when that array changes, and only its rows not fitted before are measured.
    const grown = growFit(fittedRef.current, fitSource(), columns, saved?.sizes, props.boldRow);
    if (grown !== null) fittedRef.current = grown;
  }
  const fitted = fittedRef.current?.sizes;
  // The order, visibility and sort apart from the widths: placing the fitted widths again (as the window changes
  // size) changes only the widths, so the columns shown (`cells`) and the header's order stay the same objects, and
  // the rows render once per placing (for their new widths), not twice.
  const layout = useMemo(() => gridArrangement(saved, columns, defaultSort), [saved, columns, defaultSort]);
  const sizing = useMemo(() => gridSizing(saved, columns, fitted), [saved, columns, fitted]);
  const state = useMemo(() => ({ ...layout, sizing }), [layout, sizing]);
  const [liveSizing, setLiveSizing] = useState<ColumnSizingState>(state.sizing);
  useEffect(() => setLiveSizing((prev) => (sameSizes(prev, state.sizing) ? prev : state.sizing)), [state.sizing]);

  // The rows in order, read by position: a live table's view (store/live-rows.ts) gives the rows on screen without
  // making an array of every row each tick.
  const sorted: RowList<Row> = useMemo(
    () =>
      props.presorted
        ? Array.isArray(rows)
          ? arrayList(rows)
          : (rows as RowList<Row>)
        : arrayList(sortRows(allRows(rows), columns, state.sort)),
    [rows, columns, state.sort, props.presorted],
  );

  const scrollRef = useRef<HTMLDivElement>(null);
  // A grid as tall as its rows (short tables stacked in a page) renders every row itself; long tables render only
  // what is on screen, found by arithmetic from the scroll offset since rows are of one height (fixed-rows.ts: no
  // measurements to rebuild when the row count changes, as TanStack Virtual's were on every tick).
  const fitRows = props.fitRows === true;
  const fitHeight = fitRows ? HEADER_HEIGHT + Math.max(1, sorted.length) * ROW_HEIGHT : undefined;
  const { window: seen, scrollToIndex } = useFixedRows(scrollRef, GEOMETRY, !fitRows);
  const items: { index: number; start: number }[] = [];
  if (fitRows) for (let index = 0; index < sorted.length; index++) items.push({ index, start: index * ROW_HEIGHT });
  else {
    const { start, end } = renderRange(seen, sorted.length, OVERSCAN);
    for (let index = start; index <= end; index++) items.push({ index, start: index * ROW_HEIGHT });
  }
  const bodyHeight = sorted.length * ROW_HEIGHT;

  // What the column model says (TanStack Table's in GridHeader): changes go to the saved layout, widths
  // while dragging to liveSizing. Plain functions of the state, so a tick's render (new rows) does not run
  // Table's store: Table lives in the header, which re-renders only when the columns or their state do.
  const stateRef = useRef(state);
  stateRef.current = state;
  const changeOrder = useCallback(
    (u: ColumnOrderState | ((o: ColumnOrderState) => ColumnOrderState)) => {
      const next = typeof u === 'function' ? u(stateRef.current.order) : u;
      updateGrid(gridId, { order: next });
    },
    [gridId],
  );
  const changeVisibility = useCallback(
    (u: ColumnVisibilityState | ((o: ColumnVisibilityState) => ColumnVisibilityState)) => {
      const next = typeof u === 'function' ? u(stateRef.current.visibility) : u;
      updateGrid(gridId, {
        hidden: Object.entries(next)
          .filter(([, v]) => !v)
          .map(([k]) => k),
      });
    },
    [gridId],
  );
  const changeSizing = useCallback(
    (u: ColumnSizingState | ((o: ColumnSizingState) => ColumnSizingState)) => {
      setLiveSizing((prev) => {
        const next = typeof u === 'function' ? u(prev) : u;
        // Only the widths the user changed are remembered; the others keep following the content.
        const changed = Object.fromEntries(Object.entries(next).filter(([k, v]) => prev[k] !== v));
        if (Object.keys(changed).length > 0)
          updateGrid(gridId, {
            sizes: { ...(settingsStore.getState().settings.grids[gridId]?.sizes ?? {}), ...changed },
          });
        return next;
      });
    },
    [gridId],
  );

  const colById = useMemo(() => new Map(columns.map((c) => [c.id, c])), [columns]);
  // The visible columns in order, and their widths, as Table gives them (getVisibleLeafColumns, getSize).
  const cells = useMemo(
    () => visibleInOrder(state.order, state.visibility, colById),
    [state.order, state.visibility, colById],
  );
  // Fitted widths placed in the grid's width (keepOnScreen: the columns up to one kept in view end on screen, those
  // fitted wider narrowed down to their default width or their header's, in a narrow window every one further down
  // toward its header's label and its longest usual text, leastReadable), always from the widths as fitted (`natural`): placed once the grid is laid out (the fit runs while
  // rendering, before the grid's width can be read; the first time, before it exists), when the columns shown
  // change, and whenever the grid's width changes (below), so that a window maximised later gets the fitted widths
  // back and one made narrower keeps Process on screen. No text is measured again (headers' widths are kept with the
  // fit). Widths the user set stay as they are.
  const [, refit] = useState(0);
  const shownIds = useMemo(() => cells.map((c) => c.id).join('\u0000'), [cells]);
  const place = (fit: Fit, room: number) => {
    fit.placed = true;
    fit.room = room;
    fit.shown = shownIds;
    const last = cells.findLastIndex((c) => c.keepInView === true);
    if (last < 0) return;
    const shown = cells.map((c) => {
      const own = saved?.sizes[c.id];
      const size = columnSize(c, own === undefined && Object.hasOwn(fit.natural, c.id) ? fit.natural : state.sizing);
      const width = c.grow ? Math.min(c.growMin ?? GROW_MIN, size) : size;
      if (own !== undefined || c.grow || !Object.hasOwn(fit.natural, c.id)) return { width, least: width };
      fit.headers[c.id] ??= { header: headerWidth(c.header), floor: leastReadable(c) };
      const { header, floor } = fit.headers[c.id]!;
      // A text kept whole (keepAtLeast) is its least too, given up only where even the floors leave no room: there
      // its header's label.
      return {
        width,
        least: c.keepFitted ? width : Math.min(width, Math.max(c.width, header, c.keepAtLeast ? floor : 0)),
        floor: Math.min(width, floor),
        last: c.keepAtLeast ? Math.min(width, leastReadable({ header: c.header })) : undefined,
      };
    });
    const placed = keepOnScreen(shown, room, last);
    const sizes = { ...fit.natural };
    cells.forEach((c, i) => {
      if (placed[i] !== shown[i]!.width) sizes[c.id] = placed[i]!;
    });
    if (sameSizes(sizes, fit.sizes)) return;
    fittedRef.current = { ...fit, sizes };
    refit((n) => n + 1);
  };
  const placeRef = useRef(place);
  placeRef.current = place;
  useLayoutEffect(() => {
    const fit = fittedRef.current;
    if (fit === null || (fit.placed && fit.shown === shownIds)) return;
    if (!cells.some((c) => c.keepInView === true)) {
      // A grid with no column kept in view has nothing to place: not looked at again at each render until the next
      // fit (one whose column is only hidden is, as it may be shown).
      if (!columns.some((c) => c.keepInView === true)) fit.placed = true;
      fit.shown = shownIds;
      return;
    }
    // Read once per fit, or per change of the columns shown (not of a width the user sets: the other columns do not
    // move under a drag): reading it forces a layout.
    const room = scrollRef.current?.clientWidth ?? 0;
    if (room > 0) place(fit, room);
  });
  // The grid's width, as the window changes size: placed again from the fitted widths. A ResizeObserver reports at
  // most once per frame, after layout (reading the width there costs no layout of its own); nothing is rendered
  // unless the widths placed change. Only grids with a column kept in view look.
  const keeps = columns.some((c) => c.keepInView === true);
  useEffect(() => {
    const el = scrollRef.current;
    if (!keeps || el === null || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      const fit = fittedRef.current;
      const room = el.clientWidth;
      if (fit !== null && room > 0 && (!fit.placed || room !== fit.room)) placeRef.current(fit, room);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [keeps]);
  // A growing column takes the free width and gives it back first when the window narrows (down to
  // GROW_MIN), so the columns after it stay on screen.
  // `widths`: each shown column's width, at least (a growing one may be wider), for the cells' clips (GridRow).
  const { template, totalWidth, widths } = useMemo(() => {
    const widthOf = (c: GridColumn<Row>) =>
      c.grow ? Math.min(c.growMin ?? GROW_MIN, columnSize(c, liveSizing)) : columnSize(c, liveSizing);
    return {
      template: cells
        .map((c) => (c.grow ? `minmax(${widthOf(c)}px, 1fr)` : `${columnSize(c, liveSizing)}px`))
        .join(' '),
      totalWidth: cells.reduce((sum, c) => sum + widthOf(c), 0),
      widths: cells.map(widthOf),
    };
  }, [cells, liveSizing]);
  // A grid as tall as its rows scrolls with the page around it, not on its own: where its columns fit its width it is
  // no scroll container (styles.css .fit-rows), so that its sticky header keeps to that page (a Statistics section
  // of 135 counters read without its headers past its first screen). Where they do not (a narrow window), it scrolls
  // sideways on its own, as before. Its width read as it changes (a ResizeObserver's report costs no layout).
  const [fitRowsRoom, setFitRowsRoom] = useState(0);
  useEffect(() => {
    const el = scrollRef.current;
    if (!fitRows || el === null || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => setFitRowsRoom(el.clientWidth));
    observer.observe(el);
    return () => observer.disconnect();
  }, [fitRows]);
  const sideways = fitRows && fitRowsRoom > 0 && totalWidth > fitRowsRoom;
  // File → Export… reads the view as it is at that moment: visible columns in order, every sorted row.
  const viewRef = useRef<(needs: ExportNeeds, selectedOnly: boolean) => GridView>(() => ({
    label: '',
    sort: '',
    ...exportRows([], []),
  }));
  viewRef.current = (needs, selectedOnly) => ({
    label: props.label,
    // Export's "only the selected rows": those of the selection still in the view, in its order.
    ...exportRows(cells, selectedOnly ? pickedRows() : sorted.all(), needs),
    sort: state.sort
      .map((x) => `${colById.get(x.id)?.header ?? x.id} ${x.desc ? 'descending' : 'ascending'}`)
      .join(', then '),
  });
  useEffect(
    () =>
      props.exportTab
        ? registerGridView(props.exportTab, props.label, {
            view: (needs, selectedOnly) => viewRef.current(needs, selectedOnly),
            selected: () => selectedCountRef.current,
          })
        : undefined,
    [props.exportTab, props.label],
  );
  // Handlers read the latest props through a ref, so rows need not re-render when a parent re-renders.
  const latest = useRef(props);
  latest.current = props;
  // The selection: with multiSelect a set of ids (the focused row is selectedId), else the one row.
  const multi = props.multiSelect === true;
  const [picked, setPicked] = useState<ReadonlySet<string>>(NO_IDS);
  const anchor = useRef<string | null>(null);
  const isPicked = (id: string) => (multi ? picked.has(id) : id === selectedId);
  const pickedRows = () =>
    multi ? sorted.all().filter((r) => picked.has(r.id)) : sorted.all().filter((r) => r.id === selectedId);
  /** The rows selected that are in the view: the status bar's count, and Export's (a multi-select grid's; a single
   *  row is not offered). */
  const pickedInView = useMemo(() => (multi ? countInView(sorted, picked) : 0), [multi, sorted, picked]);
  const selectedCountRef = useRef(0);
  selectedCountRef.current = pickedInView;
  const onSelectedCount = props.onSelectedCount;
  useEffect(() => onSelectedCount?.(pickedInView), [onSelectedCount, pickedInView]);
  const sortedRef = useRef(sorted);
  sortedRef.current = sorted;
  const pickedRef = useRef(picked);
  pickedRef.current = picked;
  const choose = useCallback(
    (id: string, how: { extend?: boolean; toggle?: boolean } = {}) => {
      if (multi) {
        if (how.extend) setPicked(idRange(sortedRef.current.all(), anchor.current ?? id, id));
        else if (how.toggle) {
          const next = new Set(pickedRef.current);
          if (next.has(id)) next.delete(id);
          else next.add(id);
          setPicked(next);
          anchor.current = id;
        } else {
          setPicked(new Set([id]));
          anchor.current = id;
        }
      }
      latest.current.onSelect(id);
    },
    [multi],
  );
  // A grid whose tab has no menu of its own (Routes, Interfaces, Statistics, History) has this one: Copy, as Ctrl+C
  // does (a right click there showed nothing, where Connections' rows have a menu: a new user's review of 12-06).
  const [ownMenu, setOwnMenu] = useState<{ at: { x: number; y: number }; selection: Row[] } | null>(null);
  // Reads the latest props and copy through their refs: one function for the grid's life.
  const openRowMenu = useCallback((row: Row, at: { x: number; y: number }, selection: Row[]) => {
    const handler = latest.current.onContextMenu;
    if (handler) handler(row, at, selection, () => copyRef.current(selection));
    else setOwnMenu({ at, selection });
  }, []);
  const rowEvents = useMemo<RowEvents<Row>>(
    () => ({
      select: (id, e) => choose(id, { extend: e.shiftKey, toggle: e.ctrlKey || e.metaKey }),
      activate: (r) => latest.current.onActivate?.(r),
      menu: (r, at) => {
        // A right click inside the selection keeps it; elsewhere it selects that row alone.
        if (!multi || !pickedRef.current.has(r.id)) choose(r.id);
        else latest.current.onSelect(r.id);
        const selection =
          multi && pickedRef.current.has(r.id)
            ? sortedRef.current.all().filter((x) => pickedRef.current.has(x.id))
            : [r];
        openRowMenu(r, at, selection);
      },
    }),
    [choose, multi, openRowMenu],
  );

  const setSort = (id: string, additive: boolean) => {
    const current = state.sort;
    const existing = current.find((s) => s.id === id);
    let next: SortState;
    // A plain click on a column that is not the main key (absent, or a later key of a sort by several) makes it the
    // only key, ascending: a later key's direction is not flipped nor the sort dropped for it (a new user's review).
    if (!existing || (!additive && current[0]?.id !== id))
      next = additive ? [...current, { id, desc: false }] : [{ id, desc: false }];
    else if (!existing.desc)
      next = current.map((s) => (s.id === id ? { id, desc: true } : s)).filter((s) => additive || s.id === id);
    else next = additive ? current.filter((s) => s.id !== id) : [];
    updateGrid(gridId, { sort: next });
  };

  // Keyboard: arrows, Page Up/Down, Home/End move the selection; Enter activates; Menu or Shift+F10 opens
  // the row's context menu.
  const selectedIndex = useMemo(() => (selectedId === null ? -1 : sorted.indexOfId(selectedId)), [sorted, selectedId]);
  // Where the selected row was last seen: when it leaves the grid (it closed and its 5 s are up, or a filter hid it),
  // the keys go on from there instead of from the top (a keyboard user lost their place, and ↓ went to row 1).
  const lastIndex = useRef(-1);
  if (selectedIndex >= 0) lastIndex.current = selectedIndex;
  const goneAt = selectedIndex < 0 && selectedId !== null && lastIndex.current >= 0 ? lastIndex.current : -1;
  const moveTo = useCallback(
    (index: number, extend = false) => {
      if (sorted.length === 0) return;
      const i = Math.max(0, Math.min(sorted.length - 1, index));
      const id = sorted.at(i)!.id;
      choose(id, { extend });
      if (fitRows)
        scrollRef.current?.querySelector(`[data-row-id="${CSS.escape(id)}"]`)?.scrollIntoView({ block: 'nearest' });
      else scrollToIndex(i);
    },
    [sorted, choose, scrollToIndex, fitRows],
  );
  // Rows per page, read when a key asks for it: reading the height while rendering would make the browser lay
  // out the page on every render (a forced layout per grid per tick).
  const page = () =>
    props.stacked?.page() ??
    Math.max(1, Math.floor(((scrollRef.current?.clientHeight ?? 400) - HEADER_HEIGHT) / ROW_HEIGHT) - 1);
  const openMenuFor = (row: Row, el: Element | null) => {
    const rect = el?.getBoundingClientRect();
    const inSelection = multi && picked.has(row.id);
    const selection = inSelection ? pickedRows() : [row];
    openRowMenu(row, { x: rect ? rect.left + 40 : 100, y: rect ? rect.bottom : 100 }, selection);
  };
  /** Copy (Ctrl/Cmd+C, or the menu): rows as tab-separated text, the visible columns' headers first; as CSV writes
   *  them (values: bytes as numbers, addresses beside their names), since pasting goes most often into a spreadsheet. */
  const copyRef = useRef<(list: Row[]) => void>(() => undefined);
  copyRef.current = (list) => {
    if (list.length === 0) return;
    const copied = exportValues(cells, list);
    void copyText(toTsv(copied.valueColumns, copied.values), rowsWord(list.length));
  };
  const copySelection = () => copyRef.current(pickedRows());
  /** The header last focused: ↑ from the first row comes back to it. */
  const lastHeader = useRef<string | null>(null);
  /** Enter on a row: the grid's action for it, else the control its cells name as the row's action
   *  (`data-row-action`: the Connections process name's link, which takes no Tab stop, the grid being one). */
  const activateRow = (row: Row) => {
    if (props.onActivate) props.onActivate(row);
    else
      scrollRef.current?.querySelector<HTMLElement>(`[data-row-id="${CSS.escape(row.id)}"] [data-row-action]`)?.click();
  };
  // The header row: its buttons take no Tab stop of their own (the grid is one); ↑ from the first row reaches them,
  // ←/→ Home/End move between them, Enter sorts (Shift+Enter adds a key), ↓ or Escape goes back to the rows.
  const headerButtons = () => Array.from(scrollRef.current?.querySelectorAll<HTMLElement>('.sort-button') ?? []);
  const onHeaderNav = (e: KeyboardEvent, button: HTMLElement) => {
    const buttons = headerButtons();
    const at = buttons.indexOf(button);
    const key = e.key;
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    let next: HTMLElement | undefined;
    if (key === 'ArrowLeft') next = buttons[Math.max(0, at - 1)];
    else if (key === 'ArrowRight') next = buttons[Math.min(buttons.length - 1, at + 1)];
    else if (key === 'Home') next = buttons[0];
    else if (key === 'End') next = buttons[buttons.length - 1];
    else if (key === 'Enter' && button.dataset.column) setSort(button.dataset.column, e.shiftKey);
    else if (key === 'ArrowDown' || key === 'Escape') {
      scrollRef.current?.focus({ preventScroll: true });
      if (selectedIndex < 0) moveTo(0);
    } else return;
    e.preventDefault();
    e.stopPropagation();
    next?.focus();
  };
  /** In a stack (Statistics' sections), a move past this grid's first or last row goes on in the grid before or after
   *  it (the stack's own: true when it took the key); Ctrl+Home and Ctrl+End go to the stack's first and last rows.
   *  `at`: the row the move starts from (onKeyDown's). */
  const goOnInStack = (stack: StackedGrids, e: KeyboardEvent, at: number): boolean => {
    const key = e.key;
    const mod = e.ctrlKey || e.metaKey;
    const last = sorted.length - 1;
    const past = (target: number) =>
      target > last ? stack.past(target - last) : target < 0 && goneAt < 0 && stack.past(target);
    if (mod && (key === 'Home' || key === 'End')) {
      if (!stack.past(key === 'Home' ? -Infinity : Infinity)) moveTo(key === 'Home' ? 0 : last);
      return true;
    }
    if (key === 'ArrowDown') return past(at + 1);
    // ↑ from the first row (or none): the grid before, else (the stack's first grid) this grid's headers.
    if (key === 'ArrowUp') return selectedIndex <= 0 && !mod && !e.altKey && past(-1);
    if (key === 'PageDown') return past(at + page());
    if (key === 'PageUp') return at >= 0 && past(at - page());
    return false;
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const key = e.key;
    const inHeader = (e.target as HTMLElement).closest?.('.sort-button');
    if (inHeader instanceof HTMLElement) {
      onHeaderNav(e, inHeader);
      return;
    }
    const mod = e.ctrlKey || e.metaKey;
    const extend = multi && e.shiftKey;
    // The row before the place of a row that left (the one now in its place comes next), else the selected row.
    const at = goneAt >= 0 ? Math.min(goneAt, sorted.length) - 1 : selectedIndex;
    if (!extend && props.stacked && goOnInStack(props.stacked, e, at)) {
      e.preventDefault();
      return;
    }
    if (key === 'ArrowDown') moveTo(at + 1, extend);
    else if (key === 'ArrowUp' && goneAt >= 0) moveTo(at, extend);
    else if (key === 'ArrowUp' && selectedIndex <= 0 && !extend && !mod && !e.altKey) {
      // Above the first row: the column headers (where the keyboard sorts, resizes and moves columns).
      const buttons = headerButtons();
      (buttons.find((b) => b.dataset.column === lastHeader.current) ?? buttons[0])?.focus();
    } else if (key === 'ArrowUp') moveTo(selectedIndex <= 0 ? 0 : selectedIndex - 1, extend);
    else if (key === 'PageDown') moveTo(at + page(), extend);
    else if (key === 'PageUp') moveTo(at - page(), extend);
    else if (key === 'Home') moveTo(0, extend);
    else if (key === 'End') moveTo(sorted.length - 1, extend);
    else if (mod && key.toLowerCase() === 'a' && multi) setPicked(new Set(sorted.all().map((r) => r.id)));
    else if (mod && key.toLowerCase() === 'c') copySelection();
    // Escape clears the selection (in the process list, the filter its selection is: a new user's review of 12-06
    // found no key that undid it).
    else if (key === 'Escape' && !mod && (selectedId !== null || picked.size > 0)) {
      setPicked(NO_IDS);
      anchor.current = null;
      latest.current.onSelect(null);
    } else if (key === 'Enter' && selectedIndex >= 0) activateRow(sorted.at(selectedIndex)!);
    else if (key === 'ContextMenu' || (key === 'F10' && e.shiftKey)) {
      // On the cursor's row; with no cursor (Ctrl+A, or its row left) on the selection, from its first row shown.
      const row = selectedIndex >= 0 ? sorted.at(selectedIndex) : multi ? pickedRows()[0] : undefined;
      if (!row) return;
      const grid = scrollRef.current;
      openMenuFor(
        row,
        grid?.querySelector(selectedIndex >= 0 ? '.grid-row.active' : '.grid-row.selected') ??
          grid?.querySelector('.grid-row') ??
          null,
      );
    } else return;
    e.preventDefault();
  };

  const [dragging, setDragging] = useState<string | null>(null);
  // A resize in progress (mouse down on a header's edge until mouse up): the header must not start a drag.
  const resizing = useRef(false);
  useEffect(() => {
    const done = () => {
      resizing.current = false;
    };
    window.addEventListener('mouseup', done);
    return () => window.removeEventListener('mouseup', done);
  }, []);
  const setWidth = (id: string, width: number) =>
    changeSizing((old) => ({ ...old, [id]: Math.max(36, Math.min(2000, Math.round(width))) }));
  /** Double-click on a header's edge (Alt+Home): the column's automatic width back, as a fresh window gives it: fitted
   *  to the rows shown now within its cap, placed with the others (keepOnScreen), and no longer a width the user set.
   *  It fitted every row's text uncapped and kept that as the user's width: Foreign Address came back 10 px wider
   *  than placed, and Process read "chromi…" at 1366 px for the rest of the session (a new user's review). */
  const autoFit = (col: GridColumn<Row>) => {
    const fit = fittedRef.current;
    if (fit !== null && Object.hasOwn(fit.natural, col.id)) {
      const width = fitWidth(col, fitSource(), props.boldRow);
      const natural = { ...fit.natural, [col.id]: width };
      fittedRef.current = { ...fit, natural, sizes: { ...fit.sizes, [col.id]: width }, placed: false };
    }
    const own = settingsStore.getState().settings.grids[gridId]?.sizes ?? {};
    updateGrid(gridId, { sizes: Object.fromEntries(Object.entries(own).filter(([id]) => id !== col.id)) });
    refit((n) => n + 1);
  };
  const moveColumn = (id: string, by: -1 | 1) => {
    const visible = cells.map((c) => c.id);
    const target = visible[visible.indexOf(id) + by];
    if (!target) return;
    const order = state.order.filter((x) => x !== id);
    order.splice(order.indexOf(target) + (by > 0 ? 1 : 0), 0, id);
    changeOrder(order);
  };
  // Keyboard parity for the header: Alt+←/→ narrows or widens, Alt+Shift+←/→ moves, Alt+Home gives the automatic width.
  const onHeaderKey = (e: KeyboardEvent, col: GridColumn<Row>) => {
    if (!e.altKey) return;
    const size = liveSizing[col.id] ?? col.width;
    if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      const by = e.key === 'ArrowLeft' ? -1 : 1;
      if (e.shiftKey) moveColumn(col.id, by);
      else setWidth(col.id, size + by * 16);
    } else if (e.key === 'Home') autoFit(col);
    else return;
    e.preventDefault();
    e.stopPropagation();
    // Moving re-renders the header: keep the focus on this column's button.
    requestAnimationFrame(() =>
      scrollRef.current?.querySelector<HTMLElement>(`.sort-button[data-column="${CSS.escape(col.id)}"]`)?.focus(),
    );
  };
  const dropOn = (targetId: string) => {
    if (!dragging || dragging === targetId) return;
    const order = state.order.filter((id) => id !== dragging);
    order.splice(order.indexOf(targetId), 0, dragging);
    changeOrder(order);
    setDragging(null);
  };

  const rowDomId = (id: string) => `${gridId}-row-${cssSafe(id)}`;
  const bar = props.columnBar ?? 'bottom';
  const chooserColumns = useMemo(() => columns.map((c) => ({ id: c.id, header: c.header })), [columns]);
  const toggleColumn = useCallback(
    (id: string, visible: boolean) => changeVisibility((v) => ({ ...v, [id]: visible })),
    [changeVisibility],
  );
  const resetColumns = useCallback(() => {
    fittedRef.current = null;
    updateGrid(gridId, { order: [], hidden: undefined, sizes: {}, sort: [] });
  }, [gridId]);
  // The same element while what it shows is the same: a tick's render leaves the bar alone.
  const columnBar = useMemo(
    () => (
      <div className={`grid-footer ${bar}`}>
        <ColumnChooser
          columns={chooserColumns}
          order={state.order}
          visibility={state.visibility}
          onToggle={toggleColumn}
          onReset={resetColumns}
        />
        {props.footer}
      </div>
    ),
    [bar, chooserColumns, state.order, state.visibility, toggleColumn, resetColumns, props.footer],
  );
  // The header's handlers, read when an event comes: the header need not re-render when they are remade.
  const headerActions = useRef<HeaderActions<Row>>(null as unknown as HeaderActions<Row>);
  headerActions.current = {
    setSort,
    onHeaderKey,
    headerFocused: (id) => {
      lastHeader.current = id;
    },
    autoFit,
    dropOn,
    setDragging,
    resizing,
    changeOrder,
    changeVisibility,
    changeSizing,
  };

  return (
    <div className={`grid-wrap ${props.fitRows ? 'fit-rows' : ''}`}>
      {bar === 'top' ? columnBar : null}
      <div
        ref={scrollRef}
        className={sideways ? 'grid-scroll sideways' : 'grid-scroll'}
        style={fitHeight !== undefined ? { height: fitHeight } : undefined}
        role="grid"
        aria-label={props.label}
        aria-rowcount={sorted.length + 1}
        aria-colcount={cells.length}
        aria-multiselectable={multi}
        aria-activedescendant={selectedIndex >= 0 ? rowDomId(selectedId!) : undefined}
        tabIndex={props.stacked?.tabStop === false ? -1 : 0}
        onKeyDown={onKeyDown}
        data-grid={gridId}
      >
        <GridHeader
          columns={columns}
          order={state.order}
          visibility={state.visibility}
          sizing={liveSizing}
          sort={state.sort}
          template={template}
          totalWidth={totalWidth}
          dragging={dragging}
          actions={headerActions}
        />
        <div className="grid-body" role="rowgroup" style={{ height: bodyHeight, width: `max(100%, ${totalWidth}px)` }}>
          {items.map((it) => {
            const r = sorted.at(it.index);
            if (r === undefined) return null;
            return (
              <GridRow
                key={props.rowsByPlace ? it.index : r.id}
                row={r}
                index={it.index}
                start={it.start}
                domId={rowDomId(r.id)}
                selected={isPicked(r.id)}
                active={r.id === selectedId}
                extraClass={`${props.rowClass?.(r) ?? ''} ${staleClass(r)}`}
                cells={cells}
                template={template}
                widths={widths}
                events={rowEvents}
              />
            );
          })}
        </div>
        {sorted.length === 0 ? (
          <div className="grid-empty" role="status">
            {props.empty}
          </div>
        ) : null}
      </div>
      {bar === 'bottom' ? columnBar : null}
      {ownMenu ? (
        <Menu
          label={ownMenu.selection.length > 1 ? rowsWord(ownMenu.selection.length) : 'Row'}
          items={[
            {
              id: 'copy',
              label: ownMenu.selection.length > 1 ? `Copy ${rowsWord(ownMenu.selection.length)}` : 'Copy row',
              onSelect: () => copyRef.current(ownMenu.selection),
            },
          ]}
          at={ownMenu.at}
          onClose={() => setOwnMenu(null)}
        />
      ) : null}
    </div>
  );
}

/** What the header calls on the grid, read when an event comes. */
interface HeaderActions<Row> {
  setSort: (id: string, additive: boolean) => void;
  onHeaderKey: (e: KeyboardEvent, col: GridColumn<Row>) => void;
  headerFocused: (id: string) => void;
  autoFit: (col: GridColumn<Row>) => void;
  dropOn: (targetId: string) => void;
  setDragging: (id: string | null) => void;
  /** A resize in progress (mouse down on a header's edge until mouse up): the header must not start a drag. */
  resizing: { current: boolean };
  changeOrder: (u: ColumnOrderState | ((o: ColumnOrderState) => ColumnOrderState)) => void;
  changeVisibility: (u: ColumnVisibilityState | ((o: ColumnVisibilityState) => ColumnVisibilityState)) => void;
  changeSizing: (u: ColumnSizingState | ((o: ColumnSizingState) => ColumnSizingState)) => void;
}

interface GridHeaderProps<Row> {
  columns: GridColumn<Row>[];
  order: ColumnOrderState;
  visibility: ColumnVisibilityState;
  sizing: ColumnSizingState;
  sort: SortState;
  template: string;
  totalWidth: number;
  dragging: string | null;
  actions: { current: HeaderActions<Row> };
}

/** The header row, with TanStack Table's column model (its resize handlers). Its props stay the same while
 *  the columns, their order, widths and the sort do, so a tick that changes rows does not render it, nor run
 *  Table's store (issue 15: at rest that was most of a grid's render). */
function GridHeaderInner<Row extends { id: string }>(p: GridHeaderProps<Row>) {
  const act = () => p.actions.current;
  const colById = useMemo(() => new Map(p.columns.map((c) => [c.id, c])), [p.columns]);
  const columnDefs = useMemo(() => {
    const helper = createColumnHelper<typeof features, Row>();
    return p.columns.map((c) =>
      helper.display({ id: c.id, header: c.header, size: c.width, minSize: MIN_WIDTH, maxSize: MAX_WIDTH }),
    );
  }, [p.columns]);
  const table = useTable({
    features,
    columns: columnDefs,
    // Table supplies the column model only (order, visibility, widths); rows are rendered by GridRow.
    data: NO_ROWS as Row[],
    columnResizeMode: 'onChange',
    state: { columnOrder: p.order, columnVisibility: p.visibility, columnSizing: p.sizing },
    onColumnOrderChange: (u: ColumnOrderState | ((o: ColumnOrderState) => ColumnOrderState)) => act().changeOrder(u),
    onColumnVisibilityChange: (u: ColumnVisibilityState | ((o: ColumnVisibilityState) => ColumnVisibilityState)) =>
      act().changeVisibility(u),
    onColumnSizingChange: (u: ColumnSizingState | ((o: ColumnSizingState) => ColumnSizingState)) =>
      act().changeSizing(u),
  });
  const hg = table.getHeaderGroups()[0];
  return (
    <div className="grid-header" role="rowgroup" style={{ width: `max(100%, ${p.totalWidth}px)` }}>
      <div className="grid-row header" role="row" aria-rowindex={1} style={{ gridTemplateColumns: p.template }}>
        {hg?.headers.map((h) => {
          const col = colById.get(h.column.id)!;
          const s = p.sort.find((x) => x.id === col.id);
          const numbered = p.sort.length > 1;
          // At a column's floor (a narrow window) the mark goes above the label rather than cut it ("Local P… ▲2").
          const over = s !== undefined && !sortMarkFitsBeside(col.header, h.column.getSize(), numbered);
          return (
            <div
              key={h.id}
              role="columnheader"
              aria-sort={s ? (s.desc ? 'descending' : 'ascending') : 'none'}
              className={`grid-cell header-cell ${col.align === 'right' ? 'right' : ''} ${p.dragging === col.id ? 'dragging' : ''}`}
              title={col.description ?? col.header}
              // The header's body drags to reorder; its edge (the resizer) only resizes.
              draggable
              onDragStart={(e) => {
                if (act().resizing.current) {
                  e.preventDefault();
                  return;
                }
                e.dataTransfer.setData('text/plain', col.id);
                act().setDragging(col.id);
              }}
              onDragOver={(e) => e.preventDefault()}
              onDrop={() => act().dropOn(col.id)}
              onDragEnd={() => act().setDragging(null)}
            >
              <button
                type="button"
                className={over ? 'sort-button mark-over' : 'sort-button'}
                onClick={(e) => act().setSort(col.id, e.shiftKey)}
                onKeyDown={(e) => act().onHeaderKey(e, col)}
                onFocus={() => act().headerFocused(col.id)}
                // The grid is one Tab stop: the keyboard reaches its headers with ↑ from the first row.
                tabIndex={-1}
                data-column={col.id}
                aria-keyshortcuts="Alt+ArrowLeft Alt+ArrowRight Alt+Shift+ArrowLeft Alt+Shift+ArrowRight Alt+Home"
              >
                <span className="header-label">{col.header}</span>
                {s ? (
                  <span className={over ? 'sort-mark over' : 'sort-mark'} aria-hidden="true">
                    {s.desc ? '▼' : '▲'}
                    {numbered ? (
                      <span className="sort-priority" data-priority>
                        {p.sort.indexOf(s) + 1}
                      </span>
                    ) : null}
                  </span>
                ) : null}
              </button>
              <div
                className={`resizer ${h.column.getIsResizing() ? 'resizing' : ''}`}
                draggable={false}
                onMouseDown={(e) => {
                  act().resizing.current = true;
                  e.stopPropagation();
                  h.getResizeHandler()(e);
                }}
                onTouchStart={h.getResizeHandler()}
                onDoubleClick={() => act().autoFit(col)}
                role="separator"
                aria-orientation="vertical"
                aria-label={`Resize ${col.header}`}
                title="Drag to resize; double-click for the automatic width"
              />
            </div>
          );
        })}
      </div>
    </div>
  );
}

const GridHeader = memo(GridHeaderInner) as typeof GridHeaderInner;

/** A grid's fitted widths: as fitted to the content (`natural`), and as placed in the grid's width (`sizes`,
 *  keepOnScreen); `room` the width they were placed in and `shown` the columns shown then (their ids). */
interface Fit {
  ids: string;
  /** The grid's fitKey when fitted. */
  key: string | undefined;
  natural: Record<string, number>;
  sizes: Record<string, number>;
  /** Each column's header width and floor (keepOnScreen), measured once per fit. */
  headers: Record<string, { header: number; floor: number }>;
  placed: boolean;
  room: number;
  shown: string;
  /** The rows last fitted to and every row fitted (growFit). */
  grow?: { source: readonly object[]; seen: WeakSet<object> };
}

/** The most rows a fit follows as they change (growFit): short tables (the Routes tab's). */
const GROW_ROWS = 4000;

/** `fit` with its columns widened for the rows of `source` it has not fitted yet, or null when none widens. */
function growFit<Row extends { id: string }>(
  fit: Fit,
  source: readonly Row[],
  columns: readonly GridColumn<Row>[],
  own: Readonly<Record<string, number>> | undefined,
  bold: ((row: Row) => boolean) | undefined,
): Fit | null {
  const grow = fit.grow;
  if (grow === undefined || grow.source === source) return null;
  grow.source = source;
  if (source.length > GROW_ROWS) return null;
  const added: Row[] = [];
  for (const row of source)
    if (!grow.seen.has(row)) {
      grow.seen.add(row);
      added.push(row);
    }
  if (added.length === 0) return null;
  let natural: Record<string, number> | null = null;
  let sizes: Record<string, number> = fit.sizes;
  for (const c of columns) {
    const was = fit.natural[c.id];
    if (c.fixedWidth || was === undefined || own?.[c.id] !== undefined) continue;
    const width = fitWidth(c, added, bold, was);
    if (width <= was) continue;
    natural ??= { ...fit.natural };
    natural[c.id] = width;
    sizes = { ...sizes, [c.id]: width };
  }
  if (natural === null) return null;
  // Placed again (keepOnScreen) from the new widths, by the layout effect.
  return { ...fit, natural, sizes, placed: false };
}

function sameSizes(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/** The columns shown, in order: those the order names, then any it does not (as Table orders them), less the
 *  hidden ones. */
function visibleInOrder<Row>(
  order: readonly string[],
  visibility: Readonly<Record<string, boolean>>,
  colById: ReadonlyMap<string, GridColumn<Row>>,
): GridColumn<Row>[] {
  const out: GridColumn<Row>[] = [];
  const placed = new Set<string>();
  const add = (c: GridColumn<Row> | undefined) => {
    if (c === undefined || placed.has(c.id)) return;
    placed.add(c.id);
    if (visibility[c.id] !== false) out.push(c);
  };
  for (const id of order) add(colById.get(id));
  for (const c of colById.values()) add(c);
  return out;
}

const MIN_WIDTH = 36;
const MAX_WIDTH = 2000;

/** A column's width as Table's getSize gives it: the live width, else the column's own, within the bounds. */
function columnSize(c: { id: string; width: number }, sizing: ColumnSizingState): number {
  const live = Object.hasOwn(sizing, c.id) ? sizing[c.id] : undefined;
  return Math.min(Math.max(MIN_WIDTH, live ?? c.width), MAX_WIDTH);
}

/** Ids from `from` to `to`, in the order shown. */
function idRange(list: readonly { id: string }[], from: string, to: string): Set<string> {
  const a = list.findIndex((r) => r.id === from);
  const b = list.findIndex((r) => r.id === to);
  if (a < 0 || b < 0) return new Set([to]);
  return new Set(list.slice(Math.min(a, b), Math.max(a, b) + 1).map((r) => r.id));
}

/** Every row of a grid's rows, as an array (a pass over a live view's rows: not for a tick's render). */
function allRows<Row extends { id: string }>(rows: readonly Row[] | RowList<Row>): Row[] {
  return Array.isArray(rows) ? (rows as Row[]) : (rows as RowList<Row>).all();
}

const NO_SORT: SortState = [];
const NO_ROWS: never[] = [];
const NO_IDS: ReadonlySet<string> = new Set();

interface RowEvents<Row> {
  select: (id: string, modifiers: { shiftKey: boolean; ctrlKey: boolean; metaKey: boolean }) => void;
  activate: (row: Row) => void;
  menu: (row: Row, at: { x: number; y: number }) => void;
}

interface GridRowProps<Row extends { id: string }> {
  row: Row;
  index: number;
  start: number;
  domId: string;
  selected: boolean;
  /** The focused row (the keyboard's position); with one selection, the selected row. */
  active: boolean;
  extraClass: string;
  cells: GridColumn<Row>[];
  template: string;
  /** The cells' widths (px, at least), as `cells`. */
  widths: readonly number[];
  events: RowEvents<Row>;
}

/** One row; re-renders only when its row object, position, selection, highlight or columns change, or when the
 *  pointer comes onto or leaves one of its cut cells. */
function GridRowInner<Row extends { id: string }>(p: GridRowProps<Row>) {
  const r = p.row;
  // The column of the cell under the pointer. A cut cell's whole text is its title only while the pointer is on it:
  // as a title set with the text, each tick's new text (a process's rate, a counter) rewrote it too, and Blink
  // recalculates style for a changed title (issue 15: a style recalc a tick at rest on Connections), for a tooltip
  // nobody could see. While the pointer stays, the title follows the text (it is rendered with it), and comes or
  // goes as the text is cut or fits.
  const [tipColumn, setTipColumn] = useState<string | null>(null);
  return (
    <div
      id={p.domId}
      role="row"
      aria-rowindex={p.index + 2}
      aria-selected={p.selected}
      className={`grid-row ${p.index % 2 ? 'odd' : ''} ${p.selected ? 'selected' : ''} ${p.active ? 'active' : ''} ${p.extraClass}`}
      style={{ gridTemplateColumns: p.template, transform: `translateY(${p.start}px)` }}
      data-row-id={r.id}
      onMouseDown={(e) => {
        if (e.button !== 0) return; // a right click is the menu's (which keeps a selection it falls in)
        if (e.shiftKey) e.preventDefault(); // no text selection on Shift+click
        p.events.select(r.id, e);
      }}
      onDoubleClick={() => p.events.activate(r)}
      onContextMenu={(e) => {
        e.preventDefault();
        p.events.menu(r, { x: e.clientX, y: e.clientY });
      }}
      onPointerOver={(e) => {
        const column = (e.target as Element).closest('.grid-cell')?.getAttribute('data-column') ?? null;
        if (column !== tipColumn) setTipColumn(column);
      }}
      onPointerLeave={() => {
        if (tipColumn !== null) setTipColumn(null);
      }}
    >
      {p.cells.map((col, i) => {
        const text = col.text(r);
        const safe = inertText(text);
        // A column's own drawing is used for a text with nothing to escape, or by a column that escapes what it
        // draws itself (renderInert); any other cell whose text holds a control or bidi character (an interface's
        // zone in an address, a counter's name in a capture: OS and file strings) is drawn as escaped, isolated
        // text, so that no column can put a raw "\u202egnp.exe" on screen by drawing it itself. Such a text is the
        // cell's only content and the cell is a block of its own: dir="auto" gives it the direction of its first
        // strong character, as a <bdi> inside did, with one element fewer per cell (a sort draws its ~40 rows anew:
        // about 30 % fewer elements to style and lay out; issue 15).
        const own = col.render !== undefined && (col.renderInert === true || safe === text);
        // A text that fits its column whole is drawn without the cell's clip (and needs no ellipsis): the browser
        // then has no clip node and paint chunk of its own to make for the cell each frame; and it needs no tooltip
        // to show what the cell shows whole (a tick's new texts rewrote each cell's title, restyling it). A cut text
        // keeps its clip, its ellipsis and its whole text as the tooltip, under the pointer (issue 15).
        const fits = (!own || col.renderFitsText === true) && textFits(safe, p.widths[i] ?? 0);
        return (
          <div
            key={col.id}
            role="gridcell"
            className={`grid-cell ${col.align === 'right' ? 'right' : ''}${fits ? ' fits' : ''}`}
            title={fits || tipColumn !== col.id ? undefined : clampText(safe, TOOLTIP_MAX)}
            data-column={col.id}
            dir={own ? undefined : 'auto'}
          >
            {own ? col.render!(r) : clampText(safe, CELL_MAX)}
          </div>
        );
      })}
    </div>
  );
}

const GridRow = memo(GridRowInner) as typeof GridRowInner;

function cssSafe(id: string): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (Math.imul(h, 31) + id.charCodeAt(i)) | 0;
  return (h >>> 0).toString(36) + id.length.toString(36);
}

export const DataGrid = memo(GridInner) as typeof GridInner;
