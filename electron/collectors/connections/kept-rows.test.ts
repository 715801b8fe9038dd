// KeptRows finds the previous read's row of each socket however the kernel's order moved: time-wait sockets
// (no inode) between the others, runs of new and closed sockets, a socket listed twice.
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../../shared/types.js';
import { KeptRows } from './kept-rows.js';

const row = (inode: number | null): Connection => ({ id: `tcp|${inode}`, inode }) as Connection;

/** A read of these rows: each looked up first (the row found, or a new one given). */
function read(kept: KeptRows, inodes: readonly (number | null)[]): { rows: Connection[]; found: number } {
  kept.begin();
  const rows: Connection[] = [];
  let found = 0;
  for (const inode of inodes) {
    const previous = inode === null ? undefined : kept.previousRow(inode);
    if (previous !== undefined) found++;
    const r = previous ?? row(inode);
    kept.give(r, previous !== undefined);
    rows.push(r);
  }
  kept.end();
  return { rows, found };
}

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

describe('KeptRows', () => {
  it('finds every socket past runs of time-wait sockets, which have no inode', () => {
    const kept = new KeptRows();
    // Time-wait sockets between the others, more than the look-ahead in a row, differently in each read.
    const first = range(1, 50).flatMap((i) => (i % 5 === 0 ? [i, ...Array<null>(12).fill(null)] : [i]));
    const before = read(kept, first).rows;
    const second = range(1, 50).flatMap((i) => (i % 7 === 0 ? [...Array<null>(20).fill(null), i] : [i]));
    const { rows, found } = read(kept, second);
    expect(found).toBe(50);
    for (const r of rows.filter((r) => r.inode !== null)) expect(r).toBe(before.find((b) => b.inode === r.inode));
  });

  it('keeps the order after a run of new sockets and one of closed ones longer than the look-ahead', () => {
    const kept = new KeptRows();
    const before = read(kept, range(1, 100)).rows;
    // 30 new sockets first, then the old ones with 20 of them closed in one run.
    const { rows, found } = read(kept, [...range(1000, 30), ...range(1, 40), ...range(61, 40)]);
    expect(found).toBe(80);
    expect(rows.slice(30)).toEqual([...before.slice(0, 40), ...before.slice(60)]);
    expect(rows.slice(30).every((r, i) => r === [...before.slice(0, 40), ...before.slice(60)][i])).toBe(true);
  });

  it('gives a previous row once, and none after the read ended', () => {
    const kept = new KeptRows();
    const before = read(kept, range(1, 20)).rows;
    kept.begin();
    expect(kept.previousRow(5)).toBe(before[4]);
    // Listed again (the kernel may list a socket twice while it moves): built afresh the second time.
    expect(kept.previousRow(5)).toBeUndefined();
    kept.end();
    expect(kept.previousRow(6)).toBeUndefined();
  });

  it('compares with the copy that replaced a kept row', () => {
    const kept = new KeptRows();
    read(kept, [1, 2, 3]);
    kept.begin();
    const r = kept.previousRow(2)!;
    kept.give(r, true);
    expect(kept.isKept(0)).toBe(true);
    const copy = { ...r };
    kept.replace(0, copy);
    expect(kept.isKept(0)).toBe(false);
    kept.end();
    kept.begin();
    expect(kept.previousRow(2)).toBe(copy);
  });
});
