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
/** The font last given to the canvas, as given: the canvas reads it back normalised (`13px …` for `400 13px …`), so
 *  comparing with `context.font` never matched and each measure parsed the font again. */
let fontSet = '';

/** The canvas was asked for (once: a page without one does not make an element per call, textFits runs per cell). */
let asked = false;

function ctx(): CanvasRenderingContext2D | null {
  if (!asked && typeof document !== 'undefined') {
    asked = true;
    context = document.createElement('canvas').getContext('2d');
    fontFamily = getComputedStyle(document.body).fontFamily || 'system-ui, sans-serif';
  }
  return context;
}

function textWidth(text: string, weight: 400 | 600): number {
  const c = ctx();
  if (!c) return text.length * 7.5;
  const font = `${weight} 13px ${fontFamily}`;
  if (fontSet !== font) {
    c.font = font;
    fontSet = font;
  }
  return c.measureText(text).width;
}

/** What an ASCII character of 13 px text may take at most (W, @, bold): a text this short fits unmeasured. */
const WIDEST_ASCII = 17;
/** Room for what the sum of advances does not see (kerning, rounding). */
const FIT_SLACK = 1.1;

/** The advance of each printable ASCII character (U+0020-U+007E) in the grid's font, measured once on the canvas in
 *  its bold weight (wider than the normal one: bold rows are covered), the digits each as wide as the widest (cells
 *  draw tabular figures); null without a canvas. A text's width is then bounded by a sum, with no canvas at render
 *  time: measuring each new text there cost a sort about 10 ms of its 60-80 (issue 15). */
let advances: Float64Array | null = null;

function asciiAdvances(): Float64Array | null {
  if (advances === null && ctx() !== null) {
    const a = new Float64Array(0x7f);
    for (let code = 0x20; code < 0x7f; code++) a[code] = textWidth(String.fromCharCode(code), 600);
    let digit = 0;
    for (let code = 0x30; code <= 0x39; code++) digit = Math.max(digit, a[code]!);
    for (let code = 0x30; code <= 0x39; code++) a[code] = digit;
    advances = a;
  }
  return advances;
}

/** Whether a cell's text fits whole in a column `width` px wide (padding included), with room to spare: such a cell
 *  needs no clip (DataGrid draws it without one; each clipped cell cost the browser a clip node and a paint chunk a
 *  frame, issue 15). False when unsure: a text with a character outside printable ASCII (some glyphs are several em
 *  wide: U+FDFD, U+2E3B), and without a canvas any text longer than the widest character's bound allows. */
export function textFits(text: string, width: number): boolean {
  const room = width - CELL_PADDING;
  if (text.length * WIDEST_ASCII <= room && isAscii(text)) return true;
  const a = asciiAdvances();
  if (a === null) return false;
  // Read no further than the room allows (a cell's text may be long: a name of 1 MB is read to the column's end).
  const most = (room - 2) / FIT_SLACK;
  let w = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) return false;
    w += a[code]!;
    if (w > most) return false;
  }
  return true;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) return false;
  }
  return true;
}

/** The width a header needs to show its label whole, with its sort mark. */
export function headerWidth(header: string): number {
  return Math.ceil(textWidth(header, 600)) + CELL_PADDING + HEADER_EXTRA;
}

/** What a sort mark takes beside a header's label (styles.css .sort-button's gap, .sort-mark): the arrow, and the
 *  priority number of a sort by several keys. */
const SORT_MARK = 13;
const SORT_PRIORITY = 8;

/** Whether a header `width` px wide shows its label whole with its sort mark beside it (`numbered`: the mark carries
 *  a priority number). Where it does not (a column at its floor in a narrow window), the grid draws the mark above the
 *  label, as Windows' lists do, so that the label is not cut for it. */
export function sortMarkFitsBeside(header: string, width: number, numbered: boolean): boolean {
  return width >= Math.ceil(textWidth(header, 600)) + CELL_PADDING + SORT_MARK + (numbered ? SORT_PRIORITY : 0);
}

/** The narrowest a column becomes to keep a column after it on screen in a narrow window (keepOnScreen's floor): its
 *  header's label whole (a sort mark may then cut it) and its longest usual text (State's ESTABLISHED). */
export function leastReadable(col: Pick<FitColumn<never>, 'header' | 'fitAtLeast'>): number {
  return Math.max(Math.ceil(textWidth(col.header, 600)) + CELL_PADDING, atLeastWidth(col));
}

function atLeastWidth(col: Pick<FitColumn<never>, 'fitAtLeast'>): number {
  return col.fitAtLeast === undefined ? 0 : Math.ceil(textWidth(col.fitAtLeast, 400)) + CELL_PADDING;
}

export interface FitColumn<Row> {
  header: string;
  text: (row: Row) => string;
  /** The text a cell draws, where it is not `text` (a list drawn as its first item and a count): the width fitted. */
  fitText?: (row: Row) => string;
  /** Cap on the fitted width (px). */
  maxWidth?: number;
  /** A lower cap for a row's text (px), where it has one. */
  rowMaxWidth?: (row: Row) => number | undefined;
  /** A text the fitted width shows whole, whatever the rows. */
  fitAtLeast?: string;
  /** Pixels a cell draws beside its text (a mark before it), which the fitted width makes room for. */
  fitExtra?: number;
}

/** The width that shows the header and every sampled cell whole (up to the column's cap), each cell measured at the
 *  weight its row is drawn with (`bold`: the Routes tab's default routes), and at least `from` (a width already
 *  fitted, which later rows may widen: then only those rows are given). */
export function fitWidth<Row>(
  col: FitColumn<Row>,
  rows: readonly Row[],
  bold?: (row: Row) => boolean,
  from = 0,
): number {
  const cap = col.maxWidth ?? DEFAULT_FIT_CAP;
  const padding = CELL_PADDING + (col.fitExtra ?? 0);
  let widest = Math.max(from, atLeastWidth(col));
  const step = rows.length > SAMPLE ? rows.length / SAMPLE : 1;
  const seen = new Set<string>();
  const seenBold = new Set<string>();
  for (let i = 0; i < rows.length; i += step) {
    const row = rows[Math.floor(i)]!;
    const text = (col.fitText ?? col.text)(row);
    const heavy = bold?.(row) === true;
    // Tables repeat values (states, names, addresses): measure each distinct text once (at each weight).
    const measured = heavy ? seenBold : seen;
    if (text.length * (heavy ? WIDEST_ASCII : 14) + padding <= widest || measured.has(text)) continue;
    measured.add(text);
    const width = Math.ceil(textWidth(text, heavy ? 600 : 400)) + padding;
    widest = Math.max(widest, Math.min(width, col.rowMaxWidth?.(row) ?? width));
    if (widest >= cap) break;
  }
  return Math.max(headerWidth(col.header), Math.min(cap, widest));
}

/** A shown column, in order, for keepOnScreen: its width as fitted (or as the user or the grid set it), the least
 *  it may be narrowed to (its width itself where it is not to be narrowed) and, where even the least widths leave no
 *  room (a narrow window), the narrowest it may then become (its least where not given). */
export interface PlacedColumn {
  width: number;
  least: number;
  floor?: number;
  /** Where even the floors leave no room, the narrowest it may then become (its floor where not given): a floor that
   *  is a text kept whole while there is room for it (an unnamed unix socket's inode) gives first, as far as this. */
  last?: number;
}

/** Fitted widths within the grid's `room` (px): the columns up to the one at `last` (a column kept in view: the
 *  Connections grid's Process) end on screen, those fitted wider than their least giving back the excess in
 *  proportion to what each has above it, where their least widths leave room for them all. So content elsewhere (an
 *  unconnected unix socket's state, a service name, a long IPv6 address) does not push Process off screen at
 *  1100 px. Where the least widths do not fit either (an 800 px window), every column at its least, then those with
 *  a lower floor giving in proportion down to it, where the floors leave room, and at its floor where they do not.
 *  The widths, in the same order. */
export function keepOnScreen(columns: readonly PlacedColumn[], room: number, last: number): number[] {
  const widths = columns.map((c) => c.width);
  const end = Math.min(last, widths.length - 1);
  const least = (i: number) => Math.min(widths[i]!, columns[i]!.least);
  const floor = (i: number) => Math.min(least(i), columns[i]!.floor ?? columns[i]!.least);
  let wide = 0;
  let atLeast = 0;
  let atFloor = 0;
  for (let i = 0; i <= end; i++) {
    wide += widths[i]!;
    atLeast += least(i);
    atFloor += floor(i);
  }
  if (wide <= room) return widths;
  if (atLeast <= room) return giveBack(widths, least, wide - room, end);
  const floors = widths.map((_, i) => (i <= end ? floor(i) : 0));
  // Where even the floors leave no room (the process list beside the grid in a 900 px window), every column at its
  // floor: as many on screen as can be, not a wide address column's empty space before the rest (a new user's
  // review of 12-06).
  const fits = atFloor <= room;
  for (let i = 0; i <= end; i++) widths[i] = fits ? least(i) : floors[i]!;
  if (fits) return giveBack(widths, (i) => floors[i]!, atLeast - room, end);
  // Those with a lower last give down to it, as far as keeps the columns on screen where it can (the Local Address
  // of a UNIX view at 800 px: its inode's room took Process off screen).
  const lasts = floors.map((f, i) => (i <= end ? Math.min(f, columns[i]!.last ?? f) : 0));
  let slack = 0;
  for (let i = 0; i <= end; i++) slack += floors[i]! - lasts[i]!;
  return slack > 0 ? giveBack(widths, (i) => lasts[i]!, Math.min(slack, atFloor - room), end) : widths;
}

/** `widths` (to `end`) narrowed by `over` px in all, each in proportion to what it has above its `lower` width (which
 *  covers `over`). */
function giveBack(widths: number[], lower: (i: number) => number, over: number, end: number): number[] {
  const lows = widths.map((_, i) => (i <= end ? lower(i) : 0));
  let slack = 0;
  for (let i = 0; i <= end; i++) slack += widths[i]! - lows[i]!;
  // Each gives its share, rounded up: the shares cover `over`, and none is more than what it has (over <= slack).
  for (let i = 0; i <= end; i++) {
    const spare = widths[i]! - lows[i]!;
    widths[i] = widths[i]! - Math.min(spare, Math.ceil((over * spare) / slack));
  }
  return widths;
}
