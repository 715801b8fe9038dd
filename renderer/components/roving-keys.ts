// The keys that move the focus within a one-Tab-stop group (a tab list, a radio group): the next and previous item,
// round the ends, and the first and last.

/** The item a key moves to from item `at` of `count`, or null for a key that moves nothing. ←/→ always; ↑/↓ too
 *  where `upDown` (a radio group: as native radio buttons; a horizontal tab list leaves them to the page). */
export function rovingStep(key: string, at: number, count: number, upDown = false): number | null {
  if (key === 'ArrowRight' || (upDown && key === 'ArrowDown')) return (at + 1) % count;
  if (key === 'ArrowLeft' || (upDown && key === 'ArrowUp')) return (at - 1 + count) % count;
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  return null;
}
