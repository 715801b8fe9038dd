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
});
