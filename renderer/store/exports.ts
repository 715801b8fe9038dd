// What File → Export… writes: the active tab's view as it is on screen (its grids' visible columns in
// their order, filtered and sorted, every row, not only those scrolled into view), each cell as the screen shows
// it and as data (grid-model.ts, exportRows), and the words that describe it (filter, sort). Grids and tabs
// register a getter here; nothing is copied until an export.
import { useEffect, useRef } from 'react';
import type { ExportFormat, ExportTable } from '../../shared/export.js';
import type { ExportNeeds, ExportRows } from './grid-model.js';

export interface GridView extends ExportRows {
  label: string;
  /** "State ascending, then Local Port descending". */
  sort: string;
}

/** A grid's view (its selected rows alone with `selectedOnly`), and how many rows are selected in it. */
interface GridSource {
  view: (needs: ExportNeeds, selectedOnly: boolean) => GridView;
  selected: () => number;
}

const grids = new Map<string, Map<string, GridSource>>();
const describers = new Map<string, () => string[]>();

/** A grid of a tab offers its view; returns the function that withdraws it. */
export function registerGridView(tab: string, key: string, source: GridSource): () => void {
  let byKey = grids.get(tab);
  if (!byKey) grids.set(tab, (byKey = new Map()));
  byKey.set(key, source);
  return () => {
    if (byKey.get(key) === source) byKey.delete(key);
  };
}

/** How many rows are selected in the tab's grids (Export offers to write those alone). */
export function tabSelection(tab: string): number {
  let n = 0;
  for (const source of grids.get(tab)?.values() ?? []) n += source.selected();
  return n;
}

/** A tab says what filters its view (the query, the toggles, a process). */
export function registerViewDescription(tab: string, describe: () => string[]): () => void {
  describers.set(tab, describe);
  return () => {
    if (describers.get(tab) === describe) describers.delete(tab);
  };
}

/** The lines a tab's export writes under its title (its filter, toggles, a capture), as of its last render: read
 *  only when an export is made, so a render costs one assignment. */
export function useViewDescription(tab: string, lines: () => string[]): void {
  const latest = useRef(lines);
  latest.current = lines;
  useEffect(() => registerViewDescription(tab, () => latest.current()), [tab]);
}

/** A filter box's text as an export says it. */
export const filterLine = (text: string): string => `Filter: ${text.trim() === '' ? '(none)' : text.trim()}`;

/** A capture shown instead of the live view, as an export says it. */
export const captureLine = (capture: { fileName: string; format: string } | null): string[] =>
  capture ? [`Capture: ${capture.fileName} (${capture.format})`] : [];

/** The tab's view as one table. Grids with the same columns (IPv4 and IPv6 routes, the Statistics
 *  sections) are joined, each row saying which it came from; otherwise the first grid (the tab's main
 *  one) is the view. Null when the tab shows no grid. For a `format`, only what it writes is read of the rows:
 *  the HTML report's texts (no `data`), or CSV's and JSON's values (no texts: `rows` is empty). */
export function tabView(
  tab: string,
  title: string,
  context: string[],
  format?: ExportFormat,
  selectedOnly = false,
): ExportTable | null {
  const needs: ExportNeeds = format === undefined ? 'both' : format === 'html' ? 'texts' : 'values';
  const views = [...(grids.get(tab)?.values() ?? [])].map((source) => source.view(needs, selectedOnly));
  const first = views[0];
  if (!first) return null;
  const same = views.filter((v) => v.valueColumns.join('\u0000') === first.valueColumns.join('\u0000'));
  const joined = same.length > 1;
  const notes = [...context, ...(describers.get(tab)?.() ?? [])];
  if (selectedOnly) notes.push('Only the rows selected');
  if (first.sort) notes.push(`Sorted by ${first.sort}`);
  // The column saying which grid a row came from: Section on every tab (Routes' IPv4 and IPv6, Statistics' Tcp, Ip…),
  // named apart from a grid's own column should one be called so.
  const source = ['Section', 'Group', 'Source'].find((name) => !first.columns.includes(name)) ?? 'Grid';
  const table = (columns: string[]) => (joined ? [source, ...columns] : columns);
  return {
    title,
    columns: table(first.columns),
    rows: joined ? same.flatMap((v) => v.rows.map((r) => [v.label, ...r])) : first.rows,
    data:
      needs === 'texts'
        ? undefined
        : {
            columns: table(first.valueColumns),
            rows: joined ? same.flatMap((v) => v.values.map((r) => [v.label, ...r])) : first.values,
          },
    notes,
    rightAligned: joined ? [false, ...first.rightAligned] : first.rightAligned,
  };
}
