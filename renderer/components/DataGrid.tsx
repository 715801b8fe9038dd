// A virtualized, keyboard-driven data grid with the ARIA grid pattern. TanStack Table owns the column
// model (visibility, order, widths, resizing); NetLens sorts and filters the rows itself, once per change,
// and hands Table only the rows on screen: at 50,000 rows Table's own row models cost 90-140 ms per update
// (ELECTRON-NOTES.md), a plain sort with precomputed keys a fraction of that.
// biome-ignore-all lint/a11y/useSemanticElements: an ARIA grid over a virtualized list: only the rows on screen exist, each placed at its offset, which <table> layout cannot do; the roles give it a table's semantics.
// biome-ignore-all lint/a11y/useFocusableInteractive: the grid is one tab stop that points at the active row with aria-activedescendant (the ARIA grid pattern), so its rows, cells and headers take no focus themselves.
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
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { settingsStore, updateGrid, useSettings } from '../store/settings.js';
import { ColumnChooser } from './ColumnChooser.js';
import { fitWidth } from './column-fit.js';
import { useSameWhile } from './same-while.js';
import { copyText } from './clipboard.js';
import { toTsv } from '../../shared/export.js';
import { registerGridView, type GridView } from '../store/exports.js';
import { useHostGrid } from './HostColumn.js';
import { effectiveSort, gridLayout, sortRows, type GridColumn, type SortState } from '../store/grid-model.js';

export const ROW_HEIGHT = 24;
/** The narrowest a growing column (grow) becomes before the grid scrolls sideways. */
const GROW_MIN = 180;
/** The header row's height with its border (styles.css .header-cell and .grid-header). */
const HEADER_HEIGHT = 27;

export interface GridProps<Row extends { id: string }> {
  /** Settings key for this grid's columns and sort. */
  gridId: string;
  label: string;
  columns: GridColumn<Row>[];
  /** The rows to show (already filtered). The grid sorts them, unless `presorted` says the caller did
   *  (live tables follow changes with a SortedView, see useGridSort). */
  rows: Row[];
  presorted?: boolean;
  defaultSort?: { id: string; desc: boolean }[];
  rowClass?: (row: Row) => string;
  selectedId: string | null;
  onSelect: (id: string | null) => void;
  /** The row the menu is for, and every selected row (with multiSelect; else just that row). */
  onContextMenu?: (row: Row, at: { x: number; y: number }, selection: Row[], copy: () => void) => void;
  /** Several rows may be selected: click, Shift+click, Ctrl/Cmd+click, Ctrl/Cmd+A, Shift+arrows.
   *  `selectedId` is then the focused row. */
  multiSelect?: boolean;
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
  /** The tab whose File → Export… writes this grid's view. */
  exportTab?: string;
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
export function ColumnsButton<Row>(props: { gridId: string; columns: GridColumn<Row>[] }) {
  const saved = useSettings((s) => s.grids[props.gridId]);
  const state = useMemo(() => gridLayout(saved, props.columns, []), [saved, props.columns]);
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
      size="normal"
    />
  );
}

function GridInner<Row extends { id: string }>(props: GridProps<Row>) {
  const { gridId, rows, selectedId } = props;
  // Rows of several hosts: a Host column, and rows of a host that stopped answering greyed.
  const { columns, staleClass } = useHostGrid(props.columns, rows);
  const saved = useSettings((s) => s.grids[gridId]);
  // Callers write their default sort inline: the same array while it says the same.
  const givenSort = props.defaultSort ?? NO_SORT;
  const defaultSort = useSameWhile(givenSort, givenSort.map((s) => `${s.id} ${s.desc}`).join(','));
  // Widths fitted to the content once, when the first rows arrive (and again after Reset columns): fitting
  // on every change would make columns jump as rows come and go.
  const fitSource = () => (typeof props.fitTo === 'function' ? props.fitTo() : (props.fitTo ?? rows));
  const fittedRef = useRef<{ ids: string; sizes: Record<string, number> } | null>(null);
  const columnIds = columns.map((c) => c.id).join('\u0000');
  if (fittedRef.current?.ids !== columnIds) {
    const source = fitSource();
    if (source.length > 0) {
      const sizes: Record<string, number> = {};
      for (const c of columns) if (!c.fixedWidth) sizes[c.id] = fitWidth(c, source);
      fittedRef.current = { ids: columnIds, sizes };
    }
  }
  const fitted = fittedRef.current?.sizes;
  const state = useMemo(() => gridLayout(saved, columns, defaultSort, fitted), [saved, columns, defaultSort, fitted]);
  const [liveSizing, setLiveSizing] = useState<ColumnSizingState>(state.sizing);
  useEffect(() => setLiveSizing(state.sizing), [state.sizing]);

  const sorted = useMemo(
    () => (props.presorted ? rows : sortRows(rows, columns, state.sort)),
    [rows, columns, state.sort, props.presorted],
  );

  const scrollRef = useRef<HTMLDivElement>(null);
  // A grid as tall as its rows (short tables stacked in a page) renders every row itself, with no
  // virtualizer whose measurements could lag a change of rows; long tables render only what is on screen.
  const fitRows = props.fitRows === true;
  const fitHeight = fitRows ? HEADER_HEIGHT + Math.max(1, sorted.length) * ROW_HEIGHT : undefined;
  const virtualizer = useVirtualizer({
    count: props.fitRows ? 0 : sorted.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    // The rows start below the sticky header inside the same scroller: scrolling a row into view (arrows,
    // Page Up/Down) must count the header, or the row lands under it or past the bottom edge.
    scrollMargin: HEADER_HEIGHT,
    scrollPaddingStart: HEADER_HEIGHT,
  });
  const items = props.fitRows
    ? sorted.map((_, index) => ({ index, start: index * ROW_HEIGHT }))
    : virtualizer.getVirtualItems().map((it) => ({ index: it.index, start: it.start - HEADER_HEIGHT }));
  const bodyHeight = props.fitRows ? sorted.length * ROW_HEIGHT : virtualizer.getTotalSize();

  const columnDefs = useMemo(() => {
    const helper = createColumnHelper<typeof features, Row>();
    return columns.map((c) =>
      helper.display({ id: c.id, header: c.header, size: c.width, minSize: 36, maxSize: 2000 }),
    );
  }, [columns]);

  const table = useTable({
    features,
    columns: columnDefs,
    // Table supplies the column model only (order, visibility, widths); rows are rendered by GridRow.
    data: NO_ROWS as Row[],
    columnResizeMode: 'onChange',
    state: { columnOrder: state.order, columnVisibility: state.visibility, columnSizing: liveSizing },
    onColumnOrderChange: (u: ColumnOrderState | ((o: ColumnOrderState) => ColumnOrderState)) => {
      const next = typeof u === 'function' ? u(state.order) : u;
      updateGrid(gridId, { order: next });
    },
    onColumnVisibilityChange: (u: ColumnVisibilityState | ((o: ColumnVisibilityState) => ColumnVisibilityState)) => {
      const next = typeof u === 'function' ? u(state.visibility) : u;
      updateGrid(gridId, {
        hidden: Object.entries(next)
          .filter(([, v]) => !v)
          .map(([k]) => k),
      });
    },
    onColumnSizingChange: (u: ColumnSizingState | ((o: ColumnSizingState) => ColumnSizingState)) => {
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
  });

  const visibleColumns = table.getVisibleLeafColumns();
  const colById = useMemo(() => new Map(columns.map((c) => [c.id, c])), [columns]);
  // A growing column takes the free width and gives it back first when the window narrows (down to
  // GROW_MIN), so the columns after it stay on screen.
  const widthOf = (c: { id: string; getSize: () => number }) =>
    colById.get(c.id)?.grow ? Math.min(GROW_MIN, c.getSize()) : c.getSize();
  const template = visibleColumns
    .map((c) => (colById.get(c.id)?.grow ? `minmax(${widthOf(c)}px, 1fr)` : `${c.getSize()}px`))
    .join(' ');
  const visibleIds = visibleColumns.map((c) => c.id).join('\u0000');
  const cells = useMemo(
    () =>
      visibleIds
        .split('\u0000')
        .map((id) => colById.get(id)!)
        .filter(Boolean) as GridColumn<Row>[],
    [visibleIds, colById],
  );
  // File → Export… reads the view as it is at that moment: visible columns in order, every sorted row.
  const viewRef = useRef<() => GridView>(() => ({ label: '', columns: [], rows: [], sort: '', rightAligned: [] }));
  viewRef.current = () => ({
    label: props.label,
    columns: cells.map((c) => c.header),
    rows: sorted.map((r) => cells.map((c) => c.text(r))),
    sort: state.sort
      .map((x) => `${colById.get(x.id)?.header ?? x.id} ${x.desc ? 'descending' : 'ascending'}`)
      .join(', then '),
    rightAligned: cells.map((c) => c.align === 'right'),
  });
  useEffect(
    () => (props.exportTab ? registerGridView(props.exportTab, props.label, () => viewRef.current()) : undefined),
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
  const pickedRows = () => (multi ? sorted.filter((r) => picked.has(r.id)) : sorted.filter((r) => r.id === selectedId));
  const sortedRef = useRef(sorted);
  sortedRef.current = sorted;
  const pickedRef = useRef(picked);
  pickedRef.current = picked;
  const choose = useCallback(
    (id: string, how: { extend?: boolean; toggle?: boolean } = {}) => {
      if (multi) {
        if (how.extend) setPicked(idRange(sortedRef.current, anchor.current ?? id, id));
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
  const rowEvents = useMemo<RowEvents<Row>>(
    () => ({
      select: (id, e) => choose(id, { extend: e.shiftKey, toggle: e.ctrlKey || e.metaKey }),
      activate: (r) => latest.current.onActivate?.(r),
      menu: (r, at) => {
        // A right click inside the selection keeps it; elsewhere it selects that row alone.
        if (!multi || !pickedRef.current.has(r.id)) choose(r.id);
        else latest.current.onSelect(r.id);
        const selection =
          multi && pickedRef.current.has(r.id) ? sortedRef.current.filter((x) => pickedRef.current.has(x.id)) : [r];
        latest.current.onContextMenu?.(r, at, selection, () => copyRef.current(selection));
      },
    }),
    [choose, multi],
  );
  const totalWidth = visibleColumns.reduce((s, c) => s + widthOf(c), 0);

  const setSort = (id: string, additive: boolean) => {
    const current = state.sort;
    const existing = current.find((s) => s.id === id);
    let next: SortState;
    if (!existing) next = additive ? [...current, { id, desc: false }] : [{ id, desc: false }];
    else if (!existing.desc)
      next = current.map((s) => (s.id === id ? { id, desc: true } : s)).filter((s) => additive || s.id === id);
    else next = additive ? current.filter((s) => s.id !== id) : [];
    updateGrid(gridId, { sort: next });
  };

  // Keyboard: arrows, Page Up/Down, Home/End move the selection; Enter activates; Menu or Shift+F10 opens
  // the row's context menu.
  const selectedIndex = useMemo(
    () => (selectedId === null ? -1 : sorted.findIndex((r) => r.id === selectedId)),
    [sorted, selectedId],
  );
  const moveTo = useCallback(
    (index: number, extend = false) => {
      if (sorted.length === 0) return;
      const i = Math.max(0, Math.min(sorted.length - 1, index));
      choose(sorted[i]!.id, { extend });
      if (fitRows)
        scrollRef.current
          ?.querySelector(`[data-row-id="${CSS.escape(sorted[i]!.id)}"]`)
          ?.scrollIntoView({ block: 'nearest' });
      else virtualizer.scrollToIndex(i, { align: 'auto' });
    },
    [sorted, choose, virtualizer, fitRows],
  );
  // Rows per page, read when a key asks for it: reading the height while rendering would make the browser lay
  // out the page on every render (a forced layout per grid per tick).
  const page = () =>
    Math.max(1, Math.floor(((scrollRef.current?.clientHeight ?? 400) - HEADER_HEIGHT) / ROW_HEIGHT) - 1);
  const openMenuFor = (row: Row, el: Element | null) => {
    const rect = el?.getBoundingClientRect();
    const inSelection = multi && picked.has(row.id);
    const selection = inSelection ? pickedRows() : [row];
    props.onContextMenu?.(row, { x: rect ? rect.left + 40 : 100, y: rect ? rect.bottom : 100 }, selection, () =>
      copyRef.current(selection),
    );
  };
  /** Copy (Ctrl/Cmd+C, or the menu): rows as tab-separated text, the visible columns' headers first. */
  const copyRef = useRef<(list: Row[]) => void>(() => undefined);
  copyRef.current = (list) => {
    if (list.length > 0)
      void copyText(
        toTsv(
          cells.map((c) => c.header),
          list.map((r) => cells.map((c) => c.text(r))),
        ),
      );
  };
  const copySelection = () => copyRef.current(pickedRows());
  const onKeyDown = (e: KeyboardEvent) => {
    const key = e.key;
    const mod = e.ctrlKey || e.metaKey;
    const extend = multi && e.shiftKey;
    if (key === 'ArrowDown') moveTo(selectedIndex + 1, extend);
    else if (key === 'ArrowUp') moveTo(selectedIndex <= 0 ? 0 : selectedIndex - 1, extend);
    else if (key === 'PageDown') moveTo(selectedIndex + page(), extend);
    else if (key === 'PageUp') moveTo(selectedIndex - page(), extend);
    else if (key === 'Home') moveTo(0, extend);
    else if (key === 'End') moveTo(sorted.length - 1, extend);
    else if (mod && key.toLowerCase() === 'a' && multi) setPicked(new Set(sorted.map((r) => r.id)));
    else if (mod && key.toLowerCase() === 'c') copySelection();
    else if (key === 'Enter' && selectedIndex >= 0) props.onActivate?.(sorted[selectedIndex]!);
    else if ((key === 'ContextMenu' || (key === 'F10' && e.shiftKey)) && selectedIndex >= 0) {
      openMenuFor(sorted[selectedIndex]!, scrollRef.current?.querySelector('.grid-row.active') ?? null);
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
    table.setColumnSizing((old) => ({ ...old, [id]: Math.max(36, Math.min(2000, Math.round(width))) }));
  /** Double-click on a header's edge: the column as wide as its header and every row's text. */
  const autoFit = (col: GridColumn<Row>) =>
    setWidth(col.id, fitWidth({ ...col, maxWidth: 2000 }, props.fitTo ? fitSource() : sorted));
  const moveColumn = (id: string, by: -1 | 1) => {
    const visible = visibleColumns.map((c) => c.id);
    const target = visible[visible.indexOf(id) + by];
    if (!target) return;
    const order = state.order.filter((x) => x !== id);
    order.splice(order.indexOf(target) + (by > 0 ? 1 : 0), 0, id);
    table.setColumnOrder(order);
  };
  // Keyboard parity for the header: Alt+←/→ narrows or widens, Alt+Shift+←/→ moves, Alt+Home fits.
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
    table.setColumnOrder(order);
    setDragging(null);
  };

  const rowDomId = (id: string) => `${gridId}-row-${cssSafe(id)}`;
  const bar = props.columnBar ?? 'bottom';
  const columnBar = (
    <div className={`grid-footer ${bar}`}>
      <ColumnChooser
        columns={columns.map((c) => ({ id: c.id, header: c.header }))}
        order={state.order}
        visibility={state.visibility}
        onToggle={(id, visible) => table.setColumnVisibility((v) => ({ ...v, [id]: visible }))}
        onReset={() => {
          fittedRef.current = null;
          updateGrid(gridId, { order: [], hidden: undefined, sizes: {}, sort: [] });
        }}
      />
      {props.footer}
    </div>
  );
  const hg = table.getHeaderGroups()[0];

  return (
    <div className={`grid-wrap ${props.fitRows ? 'fit-rows' : ''}`}>
      {bar === 'top' ? columnBar : null}
      <div
        ref={scrollRef}
        className="grid-scroll"
        style={fitHeight !== undefined ? { height: fitHeight } : undefined}
        role="grid"
        aria-label={props.label}
        aria-rowcount={sorted.length + 1}
        aria-colcount={visibleColumns.length}
        aria-multiselectable={multi}
        aria-activedescendant={selectedIndex >= 0 ? rowDomId(selectedId!) : undefined}
        tabIndex={0}
        onKeyDown={onKeyDown}
        data-grid={gridId}
      >
        <div className="grid-header" role="rowgroup" style={{ width: `max(100%, ${totalWidth}px)` }}>
          <div className="grid-row header" role="row" aria-rowindex={1} style={{ gridTemplateColumns: template }}>
            {hg?.headers.map((h) => {
              const col = colById.get(h.column.id)!;
              const s = state.sort.find((x) => x.id === col.id);
              return (
                <div
                  key={h.id}
                  role="columnheader"
                  aria-sort={s ? (s.desc ? 'descending' : 'ascending') : 'none'}
                  className={`grid-cell header-cell ${col.align === 'right' ? 'right' : ''} ${dragging === col.id ? 'dragging' : ''}`}
                  title={col.description ?? col.header}
                  // The header's body drags to reorder; its edge (the resizer) only resizes.
                  draggable
                  onDragStart={(e) => {
                    if (resizing.current) {
                      e.preventDefault();
                      return;
                    }
                    e.dataTransfer.setData('text/plain', col.id);
                    setDragging(col.id);
                  }}
                  onDragOver={(e) => e.preventDefault()}
                  onDrop={() => dropOn(col.id)}
                  onDragEnd={() => setDragging(null)}
                >
                  <button
                    type="button"
                    className="sort-button"
                    onClick={(e) => setSort(col.id, e.shiftKey)}
                    onKeyDown={(e) => onHeaderKey(e, col)}
                    data-column={col.id}
                    aria-keyshortcuts="Alt+ArrowLeft Alt+ArrowRight Alt+Shift+ArrowLeft Alt+Shift+ArrowRight Alt+Home"
                  >
                    <span className="header-label">{col.header}</span>
                    {s ? (
                      <span className="sort-mark" aria-hidden="true">
                        {s.desc ? '▼' : '▲'}
                        {state.sort.length > 1 ? (
                          <span className="sort-priority" data-priority>
                            {state.sort.indexOf(s) + 1}
                          </span>
                        ) : null}
                      </span>
                    ) : null}
                  </button>
                  <div
                    className={`resizer ${h.column.getIsResizing() ? 'resizing' : ''}`}
                    draggable={false}
                    onMouseDown={(e) => {
                      resizing.current = true;
                      e.stopPropagation();
                      h.getResizeHandler()(e);
                    }}
                    onTouchStart={h.getResizeHandler()}
                    onDoubleClick={() => autoFit(col)}
                    role="separator"
                    aria-orientation="vertical"
                    aria-label={`Resize ${col.header}`}
                    title="Drag to resize; double-click to fit the content"
                  />
                </div>
              );
            })}
          </div>
        </div>
        <div className="grid-body" role="rowgroup" style={{ height: bodyHeight, width: `max(100%, ${totalWidth}px)` }}>
          {items.map((it) => {
            const r = sorted[it.index]!;
            return (
              <GridRow
                key={r.id}
                row={r}
                index={it.index}
                start={it.start}
                domId={rowDomId(r.id)}
                selected={isPicked(r.id)}
                active={r.id === selectedId}
                extraClass={`${props.rowClass?.(r) ?? ''} ${staleClass(r)}`}
                cells={cells}
                template={template}
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
    </div>
  );
}

/** Ids from `from` to `to`, in the order shown. */
function idRange(list: readonly { id: string }[], from: string, to: string): Set<string> {
  const a = list.findIndex((r) => r.id === from);
  const b = list.findIndex((r) => r.id === to);
  if (a < 0 || b < 0) return new Set([to]);
  return new Set(list.slice(Math.min(a, b), Math.max(a, b) + 1).map((r) => r.id));
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
  events: RowEvents<Row>;
}

/** One row; re-renders only when its row object, position, selection, highlight or columns change. */
function GridRowInner<Row extends { id: string }>(p: GridRowProps<Row>) {
  const r = p.row;
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
    >
      {p.cells.map((col) => {
        const safe = inertText(col.text(r));
        return (
          <div
            key={col.id}
            role="gridcell"
            className={`grid-cell ${col.align === 'right' ? 'right' : ''}`}
            title={clampText(safe, TOOLTIP_MAX)}
            data-column={col.id}
          >
            {col.render ? col.render(r) : <bdi>{clampText(safe, CELL_MAX)}</bdi>}
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
