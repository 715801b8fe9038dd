// A grid's model, apart from its drawing (components/DataGrid.tsx): what a column is, how a sort turns into
// SortedView specs, and how a grid's saved settings (order, visibility, widths, sort) meet its columns. The
// store and the tabs use these without importing a component.
import type { ReactNode } from 'react';
import { SortedView, type SortSpec } from '../../shared/sorted-view.js';
import type { GridSettings } from './settings.js';

export interface GridColumn<Row> {
  id: string;
  header: string;
  /** Header tooltip: what the column means. */
  description?: string;
  width: number;
  align?: 'left' | 'right';
  /** The sort key: numbers sort as numbers, strings as strings; null sorts last. */
  sortValue: (row: Row) => number | string | null;
  /** A custom order (addresses in address order). */
  compare?: (a: Row, b: Row) => number;
  /** The cell's text, also its tooltip and what Copy puts on the clipboard. */
  text: (row: Row) => string;
  /** Richer cell content; defaults to text(). Used only where text() has nothing to escape (inertText), unless
   *  renderInert says that render escapes and isolates the OS strings it draws itself (components/Inert). */
  render?: (row: Row) => ReactNode;
  /** render draws its OS strings through Inert (escaped, isolated): the grid may use it for any text. */
  renderInert?: boolean;
  /** What render draws is the text (escaped, as the grid shows text) in the cell's font, or narrower: the grid may
   *  then judge by the text whether the cell needs its clip (DataGrid, textFits). */
  renderFitsText?: boolean;
  hiddenByDefault?: boolean;
  /** Takes the grid's free width (a description column), instead of leaving blank space beside it. */
  grow?: boolean;
  /** Cap on the width fitted to the content (px); a cut cell keeps its whole text as its tooltip. */
  maxWidth?: number;
  /** A lower cap for some rows' texts (unix paths beside IP addresses): a row's text counts up to this width. */
  rowMaxWidth?: (row: Row) => number | undefined;
  /** The column's longest usual text (a state's ESTABLISHED): the fitted width shows it whole whatever the rows held
   *  when the grid fitted its columns (a grid opened while only listeners existed). */
  fitAtLeast?: string;
  /** Keeps its width whatever the content (a drawing, such as a sparkline). */
  fixedWidth?: boolean;
  /** Fitted widths keep this column and the ones before it on screen, where their default widths (or their headers')
   *  fit the grid: the columns before it fitted wider give back the excess (DataGrid, keepOnScreen). */
  keepInView?: boolean;
}

export type SortState = { id: string; desc: boolean }[];

/** What gridLayout needs of a column (any row type). */
type ColumnShape = Pick<GridColumn<never>, 'id' | 'width' | 'hiddenByDefault'>;

/** The grid's sort, as SortedView specs: keys from the columns, custom comparators where a column has one. */
export function sortSpecs<Row>(columns: GridColumn<Row>[], sort: SortState): SortSpec[] {
  const out: SortSpec[] = [];
  for (const s of sort) {
    const col = columns.find((c) => c.id === s.id);
    if (!col) continue;
    out.push(
      col.compare
        ? { compare: col.compare as SortSpec['compare'], desc: s.desc }
        : { key: col.sortValue as SortSpec['key'], desc: s.desc },
    );
  }
  return out;
}

/** Sorts rows once (tables that are not live, or small). Live tables keep a SortedView across changes. */
export function sortRows<Row extends { id: string }>(rows: Row[], columns: GridColumn<Row>[], sort: SortState): Row[] {
  if (sort.length === 0) return rows;
  return new SortedView<Row>(sortSpecs(columns, sort), () => true).reset(rows);
}

/** The sort a grid shows: what the user chose (saved), else the grid's default; columns it lacks dropped. */
export function effectiveSort(
  saved: SortState | undefined,
  defaultSort: SortState,
  columns: readonly Pick<GridColumn<never>, 'id'>[],
): SortState {
  const known = new Set(columns.map((c) => c.id));
  return (saved?.length ? saved : defaultSort).filter((s) => known.has(s.id));
}

/** Whether a column shows: as the user chose, else as the column's default. */
export function isColumnVisible(
  settings: GridSettings | undefined,
  column: Pick<GridColumn<never>, 'id' | 'hiddenByDefault'>,
): boolean {
  return settings?.hidden ? !settings.hidden.includes(column.id) : !column.hiddenByDefault;
}

export interface GridLayout {
  /** Every column id: the saved order first (ids the grid still has), then the others as declared. */
  order: string[];
  visibility: Record<string, boolean>;
  sizing: Record<string, number>;
  sort: SortState;
}

/** A grid's saved settings applied to its columns. */
export function gridLayout(
  settings: GridSettings | undefined,
  columns: readonly ColumnShape[],
  defaultSort: SortState,
  fitted: Record<string, number> = {},
): GridLayout {
  const known = new Set(columns.map((c) => c.id));
  const saved = (settings?.order ?? []).filter((id) => known.has(id));
  const order = [...saved, ...columns.map((c) => c.id).filter((id) => !saved.includes(id))];
  const visibility: Record<string, boolean> = {};
  for (const c of columns) visibility[c.id] = isColumnVisible(settings, c);
  const sizing: Record<string, number> = {};
  // A width the user chose, else the width fitted to the content, else the column's default.
  for (const c of columns) sizing[c.id] = settings?.sizes[c.id] ?? fitted[c.id] ?? c.width;
  return { order, visibility, sizing, sort: effectiveSort(settings?.sort, defaultSort, columns) };
}
