// Which rows a grid of fixed-height rows renders, and where it scrolls to show one.
import { describe, expect, it } from 'vitest';
import { renderRange, scrollFor, visibleWindow } from './fixed-rows.js';

const g = { rowHeight: 24, headerHeight: 27 };

describe('fixed-height rows', () => {
  it('sees the rows between the scroller top and its bottom edge, the header counted', () => {
    // At the top: rows 0.. whose tops are above 27 + 24 * n < 300, so rows 0-11 (row 11 starts at 291).
    expect(visibleWindow(g, 0, 300)).toEqual({ first: 0, last: 11 });
    // Scrolled by 27 + 48: row 2's top is at the scroller top (under the header), row 1 wholly above it.
    expect(visibleWindow(g, 75, 300)).toEqual({ first: 2, last: 14 });
    // One pixel further: row 2 is still partly under the header.
    expect(visibleWindow(g, 76, 300).first).toBe(2);
    expect(visibleWindow(g, 0, 0)).toEqual({ first: 0, last: -1 });
  });

  it('renders the window and the overscan, within the rows there are', () => {
    expect(renderRange({ first: 0, last: 11 }, 50_000, 8)).toEqual({ start: 0, end: 19 });
    expect(renderRange({ first: 100, last: 111 }, 50_000, 8)).toEqual({ start: 92, end: 119 });
    expect(renderRange({ first: 0, last: 11 }, 5, 8)).toEqual({ start: 0, end: 4 });
    // Scrolled past the end of a table that shrank: the browser clamps the scroller to the end, which then shows
    // as many rows as the window held (the last 12 here), rendered before the scroll event says so.
    expect(renderRange({ first: 100, last: 111 }, 50, 8)).toEqual({ start: 30, end: 49 });
    expect(renderRange({ first: 100, last: 111 }, 5, 8)).toEqual({ start: 0, end: 4 });
    expect(renderRange({ first: 0, last: 11 }, 0, 8)).toEqual({ start: 0, end: -1 });
    expect(renderRange({ first: 0, last: -1 }, 10, 8)).toEqual({ start: 0, end: -1 });
  });

  it('scrolls a row wholly into view below the header, and not at all when it is', () => {
    // Row 20 (top 507, bottom 531) is below a 300 px view at the top: its bottom at the bottom edge.
    expect(scrollFor(g, 20, 0, 300)).toBe(231);
    // Row 5 (top 147) is in view.
    expect(scrollFor(g, 5, 0, 300)).toBeNull();
    // Row 5 under the header of a view scrolled to 140: its top just below the header.
    expect(scrollFor(g, 5, 140, 300)).toBe(120);
    // The first row: back to the top.
    expect(scrollFor(g, 0, 500, 300)).toBe(0);
  });
});
