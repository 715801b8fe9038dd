// Rows that a tab derives again on every tick (counters with their deltas, the process list with its traffic)
// come out as new objects even where nothing in them changed; a grid memoises each row on its object, so every
// row would re-render each tick (issue 15: the Statistics tab re-rendered all its ~400 rows every second for
// the few counters that moved). keepSame hands back the previous object of each row that says the same, and
// the previous array itself when no row changed, so memoised grids and rows skip what did not change.
import { useRef } from 'react';

/** Same own fields; a field holding an array or a plain object is compared the same way one level down
 *  (a process's pids, its traffic). */
export function sameFields(a: object, b: object, depth = 1): boolean {
  if (a === b) return true;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  for (const k of kb) {
    if (!Object.hasOwn(ra, k)) return false;
    const x = ra[k];
    const y = rb[k];
    if (x === y) continue;
    if (depth > 0 && x !== null && y !== null && typeof x === 'object' && typeof y === 'object') {
      if (Array.isArray(x) !== Array.isArray(y) || !sameFields(x, y, depth - 1)) return false;
      continue;
    }
    return false;
  }
  return true;
}

/** `next` with each row replaced by the previous row of its id when the two say the same; `previous` itself
 *  when every row, and their order, is unchanged. */
export function keepSame<Row extends { id: string }>(
  previous: Row[] | null,
  next: Row[],
  same: (a: Row, b: Row) => boolean = sameFields,
): Row[] {
  if (previous === null || previous === next) return next;
  const byId = new Map<string, Row>();
  for (const r of previous) byId.set(r.id, r);
  let unchanged = previous.length === next.length;
  const out = next.map((r, i) => {
    const old = byId.get(r.id);
    const kept = old !== undefined && same(old, r) ? old : r;
    if (kept !== previous[i]) unchanged = false;
    return kept;
  });
  return unchanged ? previous : out;
}

/** keepSame across renders: the rows as the previous render returned them where they say the same. */
export function useKeepSame<Row extends { id: string }>(
  next: Row[],
  same: (a: Row, b: Row) => boolean = sameFields,
): Row[] {
  const ref = useRef<Row[] | null>(null);
  ref.current = keepSame(ref.current, next, same);
  return ref.current;
}
