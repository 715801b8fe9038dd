// Column widths from their content, as desktop grids size them ("auto-fit"): the widest of the header and
// the cells' text, measured with the grid's own font on a canvas (no layout, so thousands of cells cost a
// few milliseconds), within a cap so one long command line does not take the whole window.

/** Horizontal padding of a cell (styles.css .grid-cell) plus a pixel of rounding. */
const CELL_PADDING = 13;
/** Room beside a header's label for the sort arrow and its priority number. */
const HEADER_EXTRA = 24;
/** At most this many rows are measured: evenly spread over larger tables. */
const SAMPLE = 4000;
export const DEFAULT_FIT_CAP = 420;

let context: CanvasRenderingContext2D | null = null;
let fontFamily = '';

function ctx(): CanvasRenderingContext2D | null {
  if (!context) {
    context = document.createElement('canvas').getContext('2d');
    fontFamily = getComputedStyle(document.body).fontFamily || 'system-ui, sans-serif';
  }
  return context;
}

function textWidth(text: string, weight: 400 | 600): number {
  const c = ctx();
  if (!c) return text.length * 7.5;
  const font = `${weight} 13px ${fontFamily}`;
  if (c.font !== font) c.font = font;
  return c.measureText(text).width;
}

/** The width a header needs to show its label whole, with its sort mark. */
export function headerWidth(header: string): number {
  return Math.ceil(textWidth(header, 600)) + CELL_PADDING + HEADER_EXTRA;
}

export interface FitColumn<Row> {
  header: string;
  text: (row: Row) => string;
  /** Cap on the fitted width (px). */
  maxWidth?: number;
}

/** The width that shows the header and every sampled cell whole (up to the column's cap). */
export function fitWidth<Row>(col: FitColumn<Row>, rows: readonly Row[]): number {
  const cap = col.maxWidth ?? DEFAULT_FIT_CAP;
  let widest = 0;
  const step = rows.length > SAMPLE ? rows.length / SAMPLE : 1;
  const seen = new Set<string>();
  for (let i = 0; i < rows.length; i += step) {
    const text = col.text(rows[Math.floor(i)]!);
    // Tables repeat values (states, names, addresses): measure each distinct text once.
    if (text.length * 14 + CELL_PADDING <= widest || seen.has(text)) continue;
    seen.add(text);
    widest = Math.max(widest, Math.ceil(textWidth(text, 400)) + CELL_PADDING);
    if (widest >= cap) break;
  }
  return Math.max(headerWidth(col.header), Math.min(cap, widest));
}
