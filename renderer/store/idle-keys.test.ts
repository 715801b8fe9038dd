import { describe, expect, it } from 'vitest';
import type { Route } from '../../shared/types.js';
import { MAX_QUEUED, WarmQueue } from './idle-keys.js';
import { applyBatch, emptyTables } from './tables.js';
import { diff, route, snapshot } from './test-rows.js';

describe('WarmQueue', () => {
  it('warms every row of a new table once, then the rows each diff brings', () => {
    const warmed: string[] = [];
    const q = new WarmQueue<Route>((r) => warmed.push(r.id));
    let t = applyBatch(emptyTables(), [snapshot('routes', 1, [route('a'), route('b'), route('c')])], 0).tables;
    q.follow(t.routes);
    expect(q.drain(() => false)).toBe(false);
    expect(warmed.sort()).toEqual(['a', 'b', 'c']);
    warmed.length = 0;
    t = applyBatch(t, [diff('routes', 2, { added: [route('d')], removed: ['a'] })], 0).tables;
    t = applyBatch(t, [diff('routes', 3, { added: [route('e')] })], 0).tables;
    q.follow(t.routes);
    expect(q.pending).toBe(true);
    q.drain(() => false);
    expect(warmed.sort()).toEqual(['d', 'e']);
    // Nothing new: nothing to do.
    q.follow(t.routes);
    expect(q.pending).toBe(false);
    // A new table (a snapshot after a reconnect): every row of it.
    warmed.length = 0;
    t = applyBatch(t, [snapshot('routes', 9, [route('x'), route('y')])], 0).tables;
    q.follow(t.routes);
    q.drain(() => false);
    expect(warmed.sort()).toEqual(['x', 'y']);
  });

  it('stops when told, and goes through the table again when too many rows wait', () => {
    const warmed: string[] = [];
    const q = new WarmQueue<Route>((r) => warmed.push(r.id));
    const rows = Array.from({ length: 200 }, (_, i) => route(`r${i}`));
    let t = applyBatch(emptyTables(), [snapshot('routes', 1, rows)], 0).tables;
    q.follow(t.routes);
    let calls = 0;
    expect(q.drain(() => calls++ >= 1)).toBe(true);
    expect(warmed.length).toBe(64);
    q.drain(() => false);
    expect(new Set(warmed).size).toBe(200);
    // More upserts than the queue holds: the table's rows instead, each once.
    const many = Array.from({ length: MAX_QUEUED + 1 }, (_, i) => route(`m${i}`));
    t = applyBatch(t, [diff('routes', 2, { added: many })], 0).tables;
    warmed.length = 0;
    q.follow(t.routes);
    q.drain(() => false);
    expect(warmed.length).toBe(200 + MAX_QUEUED + 1);
  });
});
