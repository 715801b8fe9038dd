// A grid's model, apart from its drawing (components/DataGrid.tsx): what a column is, how a sort turns into
// SortedView specs, and how a grid's saved settings (order, visibility, widths, sort) meet its columns. The
// store and the tabs use these without importing a component.
import type { ReactNode } from 'react';
import type { ExportValue } from '../../shared/export.js';
import { SortedView, type SortSpec } from '../../shared/sorted-view.js';
import type { GridSettings } from './settings.js';

/** One column of what a grid exports or copies: its header and text as the screen shows them (the HTML report), its
 *  header and value as data (CSV, JSON, copied rows). A grid column is one, unless it names others (exportFields). */
export interface ExportField<Row> {
  header: string;
  /** The cell's text, as the grid shows it. */
  text: (row: Row) => string;
  /** The cell's value as data: the number behind a formatted one (bytes, not `36.7 MiB`; a rate in bytes per second;
   *  a port, a PID), a time in ISO 8601 with its offset (isoTime), an address rather than its name; null for none.
   *  The text where there is none (a state, a process name). */
  value?: (row: Row) => ExportValue;
  /** The value's header where the screen's cells carried the unit: "Sent (bytes)", "Send rate (B/s)". */
  valueHeader?: string;
  align?: 'left' | 'right';
}

export interface GridColumn<Row> extends ExportField<Row> {
  id: string;
  /** Header tooltip: what the column means. */
  description?: string;
  width: number;
  /** The sort key: numbers sort as numbers, strings as strings; null sorts last. */
  sortValue: (row: Row) => number | string | null;
  /** A custom order (addresses in address order). */
  compare?: (a: Row, b: Row) => number;
  /** The cell's text, also its tooltip and what the HTML report shows (Copy, CSV and JSON carry `value`). */
  text: (row: Row) => string;
  /** What exports and Copy write for this column, where it is not the column itself: the remote address and, when
   *  names are resolved, the name in a column of its own. */
  exportFields?: ExportField<Row>[];
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
  /** The least a growing column keeps as the window narrows (DataGrid's GROW_MIN where not given). */
  growMin?: number;
  /** The text a cell draws, where it is not `text` (a list drawn as its first item and a count): the width fitted. */
  fitText?: (row: Row) => string;
  /** Cap on the width fitted to the content (px); a cut cell keeps its whole text as its tooltip. */
  maxWidth?: number;
  /** A lower cap for some rows' texts (unix paths beside IP addresses): a row's text counts up to this width. */
  rowMaxWidth?: (row: Row) => number | undefined;
  /** The column's longest usual text (a state's ESTABLISHED): the fitted width shows it whole whatever the rows held
   *  when the grid fitted its columns (a grid opened while only listeners existed). */
  fitAtLeast?: string;
  /** Pixels its render draws beside the text (a mark before it): the fitted width makes room for them. */
  fitExtra?: number;
  /** Its fitted width is the least it gives where the columns are narrowed to keep one in view (keepInView): the
   *  others give first, down to their floors (a short form, "18152 +1", cut to "18152 +…" in a narrow list). */
  keepFitted?: boolean;
  /** Its fitAtLeast is the least it gives there, and its floor: a text that must stay whole in a narrow window too (an
   *  unnamed unix socket's inode, all that tells such rows apart), not only a usual one (State's ESTABLISHED). */
  keepAtLeast?: boolean;
  /** Keeps its width whatever the content (a drawing, such as a sparkline). */
  fixedWidth?: boolean;
  /** Fitted widths keep this column and the ones before it on screen, where their default widths (or their headers')
   *  fit the grid: the columns before it fitted wider give back the excess (DataGrid, keepOnScreen). */
  keepInView?: boolean;
}

export type SortState = { id: string; desc: boolean }[];

/** What a grid's columns export or copy of its rows: the screen's headers and texts, and the same as data. */
export interface ExportRows {
  columns: string[];
  rows: string[][];
  valueColumns: string[];
  values: ExportValue[][];
  rightAligned: boolean[];
}

/** What an export reads of the rows: the screen's texts (the HTML report), the values (CSV, JSON), or both. */
export type ExportNeeds = 'texts' | 'values' | 'both';

/** The rows as the columns export them (each column's fields: itself, or its exportFields): the one place exports,
 *  the HTML report and Copy read a grid's cells. Only what `needs` asks for is read of the rows (the other part's
 *  rows are empty); the headers are always there. */
export function exportRows<Row>(
  columns: readonly GridColumn<Row>[],
  rows: readonly Row[],
  needs: ExportNeeds = 'both',
): ExportRows {
  const fields = exportFieldsOf(columns);
  return {
    columns: fields.map((f) => f.header),
    rows: needs === 'values' ? [] : rows.map((r) => fields.map((f) => f.text(r))),
    ...exportValues(columns, needs === 'texts' ? [] : rows),
    rightAligned: fields.map((f) => f.align === 'right'),
  };
}

/** The rows as data only (what Copy puts on the clipboard): the values' headers and the values. */
export function exportValues<Row>(
  columns: readonly GridColumn<Row>[],
  rows: readonly Row[],
): Pick<ExportRows, 'valueColumns' | 'values'> {
  const fields = exportFieldsOf(columns);
  // A column without values of its own exports its text, and no text (an address with no country, no network
  // known) is none: null in JSON, as README says, not "" (a new user's review of 12-03).
  const values = fields.map((f) => f.value ?? ((r: Row) => f.text(r) || null));
  return {
    valueColumns: fields.map((f) => f.valueHeader ?? f.header),
    // A field a row lacks (a capture's, a remote host's) is none, not a hole.
    values: rows.map((r) => values.map((v) => v(r) ?? null)),
  };
}

function exportFieldsOf<Row>(columns: readonly GridColumn<Row>[]): ExportField<Row>[] {
  return columns.flatMap((c): ExportField<Row>[] => c.exportFields ?? [c]);
}

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
  return { ...gridArrangement(settings, columns, defaultSort), sizing: gridSizing(settings, columns, fitted) };
}

/** gridLayout but the widths: the columns' order, which show, and the sort. */
export function gridArrangement(
  settings: GridSettings | undefined,
  columns: readonly ColumnShape[],
  defaultSort: SortState,
): Omit<GridLayout, 'sizing'> {
  const known = new Set(columns.map((c) => c.id));
  const saved = (settings?.order ?? []).filter((id) => known.has(id));
  const order = [...saved, ...columns.map((c) => c.id).filter((id) => !saved.includes(id))];
  const visibility: Record<string, boolean> = {};
  for (const c of columns) visibility[c.id] = isColumnVisible(settings, c);
  return { order, visibility, sort: effectiveSort(settings?.sort, defaultSort, columns) };
}

/** gridLayout's widths alone: a width the user chose, else the width fitted to the content, else the column's
 *  default. */
export function gridSizing(
  settings: GridSettings | undefined,
  columns: readonly ColumnShape[],
  fitted: Record<string, number> = {},
): Record<string, number> {
  const sizing: Record<string, number> = {};
  for (const c of columns) sizing[c.id] = settings?.sizes[c.id] ?? fitted[c.id] ?? c.width;
  return sizing;
}
