// Exporting a table: CSV (RFC 4180, safe to open in a spreadsheet), JSON and a self-contained HTML report
// (CurrPorts' "HTML report" is the model: a title, when and where it was made, the filter and sort, then
// the table). The app exports what a tab shows (its visible columns in order, filtered and sorted, every
// row); `netlens dump --format csv` exports a collector's rows flattened. A table carries each cell twice: the
// text the screen shows (the HTML report, for people) and its value (CSV and JSON, for spreadsheets and scripts:
// bytes as a number, an address rather than its name, a time in ISO 8601). Text is quoted for CSV and escaped
// for HTML, never interpreted, and made inert (inert-text.ts) as the app shows it: a control or bidi character
// (`\u202egnp.exe`) is written as its escape, never as itself.
import { inertJson, inertText } from './inert-text.js';

/** A cell as data: a number where the column holds one (bytes, a port, a PID), several numbers (the PIDs sharing a
 *  socket), a text (a name, an address, a time in ISO 8601), or null for none. */
export type ExportValue = string | number | null | readonly number[];

/** The table as data: headers that say the unit where the screen's cells do ("Sent (bytes)"), and values. */
export interface ExportData {
  columns: string[];
  rows: ExportValue[][];
}

export interface ExportTable {
  /** What the table is ("Connections"). */
  title: string;
  /** Column headers as the screen shows them, in order. */
  columns: string[];
  /** One array of cell texts per row, in the columns' order, as the screen shows them (the HTML report); empty in a
   *  table made for CSV or JSON alone, which write `data`. */
  rows: string[][];
  /** The same columns and rows as values (CSV, JSON); the texts where a table has none. */
  data?: ExportData;
  /** Lines describing the view: host, time, filter, sort. */
  notes?: string[];
  /** Columns of numbers, right-aligned in the HTML report as in the grid. */
  rightAligned?: boolean[];
}

/** A CSV cell: quoted when it holds a quote, a comma or a semicolon. A number is written as plain digits; a text a spreadsheet
 *  would run as a formula (=, +, -, @ first, and not a number) gets a leading apostrophe; control characters (tabs
 *  and line breaks among them), bidi and invisible characters are written as escapes, as the grid shows them. */
export function csvCell(value: ExportValue): string {
  const t = spreadsheetValue(value);
  // `;` too: where the list separator is `;` (Excel in de-DE, fr-FR…) an opened CSV is split at it, and an unquoted
  // `/tmp/x;=2+5` would give a cell `=2+5` that the formula guard (first character only) never saw.
  return /[",;]/.test(t) ? `"${t.replaceAll('"', '""')}"` : t;
}

/** A cell's text as a spreadsheet is to read it, from a file or pasted: a terminal escape or a bidi override in a
 *  process name never reaches a file, a clipboard or a terminal as such, a line break in a socket's path is `\n`,
 *  as on screen, and a text a spreadsheet would run as a formula (=, +, -, @ first, and not a number: a command
 *  line `=HYPERLINK(…)` of anyone's process) gets a leading apostrophe, which spreadsheets show as text. */
export function spreadsheetCell(text: string): string {
  const t = inertText(text);
  // (A tab or line break is an escape by now: no raw one starts or sits in a cell.)
  // Numbers as the grid writes them (`+1,234`, `-0.5`) stay numbers.
  return /^[=+\-@]/.test(t) && !/^[+-]?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?$/.test(t) ? `'${t}` : t;
}

/** A value as a spreadsheet is to read it: a number as plain digits (no separator, no unit), several joined with
 *  "; " (as `dump --format csv` joins lists), none as an empty cell, a text as spreadsheetCell makes it. */
function spreadsheetValue(value: ExportValue): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value !== 'string') return value.join('; ');
  return spreadsheetCell(value);
}

export function toCsv(columns: readonly string[], rows: readonly (readonly ExportValue[])[]): string {
  return [...csvLines(columns, rows)].join('');
}

/** The lines of toCsv, one at a time (a large table written out without one string of all of it). */
export function* csvLines(columns: readonly string[], rows: readonly (readonly ExportValue[])[]): Generator<string> {
  yield `${columns.map(csvCell).join(',')}\r\n`;
  for (const r of rows) yield `${r.map(csvCell).join(',')}\r\n`;
}

/** Tab-separated text with a header line, as Copy puts rows on the clipboard (most often pasted into a
 *  spreadsheet, which runs formulas in pasted text as in an opened CSV): cells as CSV writes them (values, texts
 *  through spreadsheetCell), tabs and line breaks inside a cell escapes, so every row stays one line. */
export function toTsv(columns: readonly string[], rows: readonly (readonly ExportValue[])[]): string {
  return [columns.map(spreadsheetCell), ...rows.map((r) => r.map(spreadsheetValue))]
    .map((r) => r.join('\t'))
    .join('\n');
}

/** The table as data: its values, else its texts. */
export function exportData(t: ExportTable): ExportData {
  return t.data ?? { columns: t.columns, rows: t.rows };
}

/** The view as JSON: an array of objects keyed by column header, each value as data holds it (numbers as numbers,
 *  none as null). */
export function toJson(t: ExportTable): string {
  const { columns, rows } = exportData(t);
  const objects = rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i] ?? null])));
  return `${inertJson(objects, 2)}\n`;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** A self-contained HTML report: inline styles, no scripts, no external resources. */
export function toHtml(t: ExportTable): string {
  const cls = (i: number) => (t.rightAligned?.[i] ? ' class="r"' : '');
  const text = (s: string) => escapeHtml(inertText(s));
  const head = t.columns.map((c, i) => `<th${cls(i)}>${text(c)}</th>`).join('');
  const body = t.rows.map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${text(c)}</td>`).join('')}</tr>`).join('\n');
  const notes = (t.notes ?? []).map((n) => `<p>${text(n)}</p>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(t.title)}</title>
<style>
body { font: 13px/1.4 system-ui, sans-serif; margin: 16px; color: #1d1f23; background: #fff; }
h1 { font-size: 18px; margin: 0 0 6px; }
p { margin: 2px 0; color: #555; }
table { border-collapse: collapse; margin-top: 12px; }
th, td { border: 1px solid #ccd; padding: 3px 8px; text-align: left; white-space: nowrap; font-variant-numeric: tabular-nums; }
th { background: #eef0f4; position: sticky; top: 0; }
tr:nth-child(even) td { background: #f7f8fa; }
.r { text-align: right; }
</style>
</head>
<body>
<h1>${escapeHtml(t.title)}</h1>
${notes}
<p>${t.rows.length} ${t.rows.length === 1 ? 'row' : 'rows'}</p>
<table>
<thead><tr>${head}</tr></thead>
<tbody>
${body}
</tbody>
</table>
</body>
</html>
`;
}

export type ExportFormat = 'csv' | 'json' | 'html';

export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'json', 'html'];

export function exportText(format: ExportFormat, t: ExportTable): string {
  if (format === 'csv') {
    const { columns, rows } = exportData(t);
    return toCsv(columns, rows);
  }
  if (format === 'json') return toJson(t);
  return toHtml(t);
}

export const EXPORT_MIME: Record<ExportFormat, string> = {
  csv: 'text/csv',
  json: 'application/json',
  html: 'text/html',
};

/** A collector's typed rows as columns and cell texts: nested objects flatten to dotted names
 *  (counters.rxBytes), lists join with "; ", lists of objects (a socket's processes) read as JSON. */
export function flattenRows(rows: readonly object[]): { columns: string[]; rows: string[][] } {
  const columns: string[] = [];
  const known = new Set<string>();
  const flat = rows.map((row) => {
    const out = new Map<string, string>();
    const walk = (value: unknown, key: string, depth: number) => {
      if (value === null || value === undefined) out.set(key, '');
      else if (Array.isArray(value))
        out.set(
          key,
          value.every((v) => typeof v !== 'object' || v === null) ? value.join('; ') : JSON.stringify(value),
        );
      else if (typeof value === 'object' && depth < 3)
        for (const [k, v] of Object.entries(value)) walk(v, key ? `${key}.${k}` : k, depth + 1);
      else if (typeof value === 'object') out.set(key, JSON.stringify(value));
      else out.set(key, String(value));
    };
    walk(row, '', 0);
    for (const k of out.keys()) {
      if (!known.has(k)) {
        known.add(k);
        columns.push(k);
      }
    }
    return out;
  });
  return { columns, rows: flat.map((m) => columns.map((c) => m.get(c) ?? '')) };
}
