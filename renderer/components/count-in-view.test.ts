import { describe, expect, it } from 'vitest';
import { countInView } from './DataGrid.js';
import { arrayList, SortedView } from '../../shared/sorted-view.js';

const rows = Array.from({ length: 1000 }, (_, i) => ({ id: `r${i}`, n: i }));

describe('countInView', () => {
  it('counts the selected ids that are rows of the view, by lookup and by a pass alike', () => {
    const even = new SortedView<{ id: string; n: number }>(
      [{ key: (r: { n: number }) => r.n, desc: false }],
      (r) => r.n % 2 === 0,
    );
    even.reset(rows);
    const small = new Set(['r0', 'r1', 'r2', 'gone']);
    expect(countInView(even.list, small)).toBe(2);
    // More than the lookup's limit: the pass gives what the lookups would.
    const large = new Set(rows.slice(0, 600).map((r) => r.id));
    large.add('gone');
    expect(countInView(even.list, large)).toBe(300);
    expect(countInView(arrayList(rows), large)).toBe(600);
    expect(countInView(arrayList(rows), new Set())).toBe(0);
  });
});
