// Column widths and whether a cell's text fits its column (DataGrid draws such a cell without a clip), with a fake
// canvas where one is needed (the browser's own is checked end to end: test/e2e/connections.test.ts finds no cell
// judged to fit that spills over).
import { afterEach, describe, expect, it, vi } from 'vitest';

/** column-fit.ts loaded afresh over a fake canvas whose glyphs are `advance(ch, weight)` wide, with Chromium's habit
 *  of reading the normal weight back without it; `given` collects each font set on it. */
async function withCanvas(advance: (ch: string, weight: string) => number) {
  vi.resetModules();
  const given: string[] = [];
  let font = '10px sans-serif';
  const canvas = {
    get font() {
      return font;
    },
    set font(f: string) {
      given.push(f);
      font = f.replace(/^400 /, '');
    },
    measureText: (text: string) => {
      const weight = /^(\d+) /.exec(font)?.[1] ?? '400';
      return { width: [...text].reduce((w, ch) => w + advance(ch, weight), 0) };
    },
  };
  vi.stubGlobal('document', { createElement: () => ({ getContext: () => canvas }), body: {} });
  vi.stubGlobal('getComputedStyle', () => ({ fontFamily: 'sans-serif' }));
  return { fit: await import('./column-fit.js'), given };
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.resetModules();
});

describe('textFits', () => {
  it('lets short ASCII texts fit by the widest character, and without a canvas nothing longer', async () => {
    vi.resetModules();
    const { textFits } = await import('./column-fit.js');
    expect(textFits('tcp', 64)).toBe(true);
    expect(textFits('', 36)).toBe(true);
    // 3 × 17 px of the widest ASCII glyph and the cell's padding: 64 px is enough, 60 is not.
    expect(textFits('WWW', 60)).toBe(false);
    expect(textFits('192.0.2.123', 120)).toBe(false);
  });

  it('bounds a longer text by its characters’ bold advances, every digit as wide as the widest', async () => {
    // Normal 6 px, bold 7; the digit 0 is 9 px wide in bold, the others 5.
    const { fit } = await withCanvas((ch, weight) =>
      ch === '0' && weight === '600' ? 9 : /\d/.test(ch) ? 5 : weight === '600' ? 7 : 6,
    );
    // '1111111111' with tabular figures: 10 × 9 = 90 px, × 1.1 + 2 = 101, in the room of a 115 px column (less its
    // 13 px of padding), not in that of a 113 px one (5 px a digit would have been 57).
    expect(fit.textFits('1111111111', 115)).toBe(true);
    expect(fit.textFits('1111111111', 113)).toBe(false);
    // 'abcdefghij' in bold: 70 px, 79 with the slack (in normal weight 66).
    expect(fit.textFits('abcdefghij', 93)).toBe(true);
    expect(fit.textFits('abcdefghij', 91)).toBe(false);
  });

  it('never judges a text with a character outside printable ASCII to fit (some glyphs are several em wide)', async () => {
    const { fit } = await withCanvas(() => 1);
    expect(fit.textFits('\ufdfd', 400)).toBe(false);
    expect(fit.textFits('é', 400)).toBe(false);
    expect(fit.textFits('a\tb', 400)).toBe(false);
  });
});

describe('fitWidth', () => {
  it('gives the canvas each font once in a row, though the canvas reads the normal weight back without it', async () => {
    const { fit, given } = await withCanvas(() => 7);
    const rows = ['192.0.2.1', '192.0.2.22', '192.0.2.123'];
    // The widest text, 11 × 7 = 77 px and the padding (13): 90; the header's 7 × 7 = 49 and its room 37: 86.
    expect(fit.fitWidth({ header: 'Address', text: (r: string) => r }, rows)).toBe(90);
    expect(given).toEqual(['400 13px sans-serif', '600 13px sans-serif']);
  });

  it('caps a row’s text where the column says (a unix path), and always fits the column’s longest usual text', async () => {
    const { fit } = await withCanvas(() => 7);
    const col = {
      header: 'St',
      text: (r: string) => r,
      maxWidth: 300,
      rowMaxWidth: (r: string) => (r.startsWith('/') ? 100 : undefined),
    };
    // A 40-character path counts up to 100 px; an address of 20 characters (140 + 13) is fitted whole.
    expect(fit.fitWidth(col, [`/${'p'.repeat(39)}`])).toBe(100);
    expect(fit.fitWidth(col, [`/${'p'.repeat(39)}`, 'a'.repeat(20)])).toBe(153);
    // No row that long, yet the width shows ESTABLISHED (11 × 7 + 13).
    expect(fit.fitWidth({ ...col, fitAtLeast: 'ESTABLISHED' }, ['LISTEN'])).toBe(90);
  });

  it('makes room for what a cell draws beside its text (Statistics’ moved mark before a counter’s name)', async () => {
    const { fit } = await withCanvas(() => 7);
    const col = { header: 'Counter', text: (r: string) => r };
    const name = 'TCPSpuriousRtxHostQueues';
    // 24 × 7 + 13, and the mark's 12.
    expect(fit.fitWidth(col, [name])).toBe(181);
    expect(fit.fitWidth({ ...col, fitExtra: 12 }, [name])).toBe(193);
  });
});

describe('sortMarkFitsBeside', () => {
  it('says whether a header shows its label and its mark side by side, the priority number counted', async () => {
    const { fit } = await withCanvas(() => 7);
    // 'Local Port': 10 × 7 + 13 = 83 px for the label; the mark 13 more, its number 8 more.
    expect(fit.sortMarkFitsBeside('Local Port', 96, false)).toBe(true);
    expect(fit.sortMarkFitsBeside('Local Port', 95, false)).toBe(false);
    expect(fit.sortMarkFitsBeside('Local Port', 104, true)).toBe(true);
    expect(fit.sortMarkFitsBeside('Local Port', 103, true)).toBe(false);
  });
});

describe('keepOnScreen', () => {
  /** Columns as [width, least] pairs. */
  const at = (...pairs: [number, number][]) => pairs.map(([width, least]) => ({ width, least }));

  it('ends the columns up to the one kept in view on screen, those fitted wider than their least giving back the excess', async () => {
    const { keepOnScreen } = await import('./column-fit.js');
    // At 1100 px: the Connections grid's widths with an unconnected unix socket (State 115) end Process at 1106. Local
    // Address (240, least 170) and Process (180, least 150) give back the 6 px, 70 : 30; fixed columns nothing, and
    // User, after the column kept in view, stays as it is.
    const columns = at(
      [78, 78],
      [240, 170],
      [111, 111],
      [157, 157],
      [129, 129],
      [115, 115],
      [96, 96],
      [180, 150],
      [90, 80],
    );
    const placed = keepOnScreen(columns, 1100, 7);
    expect(placed).toEqual([78, 235, 111, 157, 129, 115, 96, 178, 90]);
    expect(placed.slice(0, 8).reduce((a, b) => a + b)).toBeLessThanOrEqual(1100);
    // Room to spare, or no column able to give: as fitted.
    expect(keepOnScreen(columns, 1200, 7)).toEqual(columns.map((c) => c.width));
    expect(keepOnScreen(at([700, 700], [500, 500]), 1100, 1)).toEqual([700, 500]);
    // Columns after the one kept in view are not made room for.
    expect(keepOnScreen(columns, 1100, 6)).toEqual(columns.map((c) => c.width));
  });

  it('never narrows a column below its least where no floor is given', async () => {
    const { keepOnScreen } = await import('./column-fit.js');
    // Its least does not fit either: at its least, no lower.
    expect(keepOnScreen(at([400, 300]), 200, 0)).toEqual([300]);
    // The second column is cut at 500; at their least the two take 450: 300 px to give, 150 each.
    expect(keepOnScreen(at([400, 225], [400, 225]), 500, 1)).toEqual([250, 250]);
    // Wholly past the edge (a 900 px column first) and a kept column is brought back just the same.
    expect(keepOnScreen(at([900, 100], [150, 150]), 500, 1)).toEqual([350, 150]);
    expect(keepOnScreen(at([400, 300], [400, 300]), 500, 1)).toEqual([300, 300]);
  });

  it('in a window too narrow for the least widths, brings every column to its least, then down toward its floor', async () => {
    const { keepOnScreen } = await import('./column-fit.js');
    // [width, least, floor]: least widths 200 + 150 + 100 = 450 in 400 px; 50 px to give from least down to floor
    // (100 and 50 to give: 2 : 1); the last column, after the one kept in view, as it is.
    const columns = [
      { width: 300, least: 200, floor: 100 },
      { width: 150, least: 150, floor: 100 },
      { width: 100, least: 100 },
      { width: 500, least: 100, floor: 50 },
    ];
    const placed = keepOnScreen(columns, 400, 2);
    expect(placed).toEqual([166, 133, 100, 500]);
    expect(placed.slice(0, 3).reduce((a, b) => a + b)).toBeLessThanOrEqual(400);
    // The floors do not fit: every column to the one kept in view at its floor (as many on screen as can be).
    expect(keepOnScreen(columns, 299, 2)).toEqual([100, 100, 100, 500]);
    // The same columns with room for their least widths narrow only down to those.
    expect(keepOnScreen(columns, 500, 2)).toEqual([250, 150, 100, 500]);
    // And, the room growing again, are given back their widths whole (the widths are always placed from the fitted).
    expect(keepOnScreen(columns, 550, 2)).toEqual([300, 150, 100, 500]);
  });

  it('where even the floors do not fit, a column with a lower last gives down to it, as far as the room needs', async () => {
    const { keepOnScreen } = await import('./column-fit.js');
    // The first keeps a text whole (its floor, 180) while there is room, and its header's label (100) last.
    const columns = [
      { width: 200, least: 180, floor: 180, last: 100 },
      { width: 150, least: 150, floor: 100 },
      { width: 100, least: 100 },
    ];
    expect(keepOnScreen(columns, 400, 2)).toEqual([180, 120, 100]);
    expect(keepOnScreen(columns, 350, 2)).toEqual([150, 100, 100]);
    expect(keepOnScreen(columns, 250, 2)).toEqual([100, 100, 100]);
  });
});
