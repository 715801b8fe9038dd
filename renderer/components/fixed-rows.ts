// Which rows of a grid of fixed-height rows are on screen, by arithmetic: rows are ROW_HEIGHT tall each, below a
// sticky header inside the same scroller. A virtualizer that measures rows (TanStack Virtual) rebuilt 50,000
// measurements whenever the row count changed, on every tick of a live table; here a tick costs two divisions.
import { useCallback, useLayoutEffect, useState, type RefObject } from 'react';
import { flushSync } from 'react-dom';

export interface RowGeometry {
  rowHeight: number;
  /** Height of the sticky header above the first row, inside the scroller. */
  headerHeight: number;
}

/** The rows seen in a viewport: the first row any pixel of which is below the header's top edge (the scroller's
 *  top) and the last whose top is above the bottom edge, before the count bounds them. */
export interface Window {
  first: number;
  last: number;
}

export function visibleWindow(g: RowGeometry, scrollTop: number, height: number): Window {
  if (height <= 0) return { first: 0, last: -1 };
  const first = Math.max(0, Math.floor((scrollTop - g.headerHeight) / g.rowHeight));
  const last = Math.ceil((scrollTop + height - g.headerHeight) / g.rowHeight) - 1;
  return { first, last: Math.max(first - 1, last) };
}

/** The indexes to render, [start, end] inclusive (end < start: none): the window and `overscan` rows either side,
 *  within `count` rows. A window past the last row (the table shrank below the scroll offset) is moved up by as
 *  much, ending at the last row: the browser clamps the scroller there, and paints before its scroll event. */
export function renderRange(w: Window, count: number, overscan: number): { start: number; end: number } {
  if (count === 0 || w.last < w.first) return { start: 0, end: -1 };
  const first = Math.max(0, w.first - Math.max(0, w.last - (count - 1)));
  const last = Math.min(w.last, count - 1);
  return { start: Math.max(0, first - overscan), end: Math.min(count - 1, last + overscan) };
}

/** Where to scroll so that row `index` is wholly in view below the header (null: it is already): its top just
 *  under the header if it is above, its bottom at the bottom edge if it is below. */
export function scrollFor(g: RowGeometry, index: number, scrollTop: number, height: number): number | null {
  const top = g.headerHeight + index * g.rowHeight;
  const bottom = top + g.rowHeight;
  if (bottom > scrollTop + height) return Math.max(0, bottom - height);
  if (top < scrollTop + g.headerHeight) return Math.max(0, top - g.headerHeight);
  return null;
}

/** The window of a scroller's rows, following its scrolling and its size; re-renders only when the window
 *  moves by a row (synchronously, as a scroll shows rows, so no blank rows are painted). */
export function useFixedRows(
  scrollRef: RefObject<HTMLElement | null>,
  g: RowGeometry,
  enabled: boolean,
): { window: Window; scrollToIndex: (index: number) => void } {
  const [win, setWin] = useState<Window>({ first: 0, last: -1 });
  const { rowHeight, headerHeight } = g;
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!enabled || !el) return;
    const geometry = { rowHeight, headerHeight };
    const read = (sync: boolean) => {
      const next = visibleWindow(geometry, el.scrollTop, el.clientHeight);
      const set = () => setWin((prev) => (prev.first === next.first && prev.last === next.last ? prev : next));
      if (sync) flushSync(set);
      else set();
    };
    read(false);
    const onScroll = () => read(true);
    el.addEventListener('scroll', onScroll, { passive: true });
    const resized = new ResizeObserver(() => read(false));
    resized.observe(el);
    return () => {
      el.removeEventListener('scroll', onScroll);
      resized.disconnect();
    };
  }, [scrollRef, rowHeight, headerHeight, enabled]);
  const scrollToIndex = useCallback(
    (index: number) => {
      const el = scrollRef.current;
      if (!el) return;
      const to = scrollFor({ rowHeight, headerHeight }, index, el.scrollTop, el.clientHeight);
      if (to !== null) el.scrollTop = to;
    },
    [scrollRef, rowHeight, headerHeight],
  );
  return { window: win, scrollToIndex };
}
