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
  it('gives a reading again whole: every row kept, and the rows the next read finds', () => {
    const kept = new KeptRows();
    const { rows } = read(kept, [1, 2, 3]);
    // A copy given before in place of row 2 (a row once given is never changed), as the reading given again has it.
    const again = [rows[0]!, { ...rows[1]! }, rows[2]!];
    kept.again(again);
    expect([0, 1, 2, 3].map((i) => kept.isKept(i))).toEqual([true, true, true, false]);
    const next = read(kept, [3, 2, 1]);
    expect(next.found).toBe(3);
    expect(next.rows).toEqual([again[2], again[1], again[0]]);
    expect(next.rows[1]).toBe(again[1]);
  });

  it('finds each socket by inode in any order, from one table of positions used again read after read', () => {
    const kept = new KeptRows();
    // Inodes whose low bits agree (multiples of 4,096), large ones (up to 2^32 - 1), one listed twice.
    const inodes = [...range(1, 500).map((i) => i * 4096), ...range(0xffffff00, 256), 7, 7];
    const shuffled = (xs: number[], seed: number) =>
      xs
        .map((x, i) => [x, (i * 7919 + seed * 104_729) % 10_007] as const)
        .sort((a, b) => a[1] - b[1])
        .map(([x]) => x);
    const table = () => (kept as unknown as { inodes: { at: Int32Array } }).inodes.at;
    let before = read(kept, inodes).rows;
    let first: Int32Array | undefined;
    for (let seed = 1; seed <= 3; seed++) {
      const order = shuffled(inodes, seed);
      const { rows, found } = read(kept, order);
      // Every previous row found, each once; of the two 7s, the later at least (an index of one row per inode).
      expect(found).toBeGreaterThanOrEqual(inodes.length - 1);
      const made = rows.filter((r) => !before.includes(r));
      expect(made.length).toBe(inodes.length - found);
      expect(made.every((r) => r.inode === 7)).toBe(true);
      expect(new Set(rows).size).toBe(rows.length);
      first ??= table();
      expect(table()).toBe(first);
      before = rows;
    }
    // A read of fewer sockets, and then none of the earlier ones.
    expect(read(kept, shuffled(inodes.slice(0, 100), 9)).found).toBe(100);
    expect(read(kept, range(1, 300)).found).toBe(0);
  });

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

  it('says kept only of rows this read gave as kept, past its first room and after a longer read', () => {
    const kept = new KeptRows();
    read(kept, range(1, 600));
    // All 600 kept (more than the first room for the marks), then a shorter read of new sockets: no position
    // keeps the mark the longer read left there.
    const { found } = read(kept, range(1, 600));
    expect(found).toBe(600);
    for (const i of [0, 255, 256, 599]) expect(kept.isKept(i)).toBe(true);
    read(kept, range(1000, 300));
    for (const i of [0, 255, 299, 300, 599]) expect(kept.isKept(i)).toBe(false);
  });

  it('looks at a bounded number of time-wait sockets sharing two ports, however many share them', () => {
    // One local user can hold tens of thousands of time-wait sockets on the same two ports, one local address
    // after another (all of 127/8 is theirs). A socket not found near is looked for among them: the endpoints
    // compared for a read grow with their number, not with its square.
    const address = (k: number) => `127.${(k >> 16) & 255}.${(k >> 8) & 255}.${k & 255}`;
    const compared = (n: number, looked: readonly number[]): { reads: number; found: number } => {
      let reads = 0;
      const kept = new KeptRows();
      kept.begin();
      for (let k = 0; k < n; k++) {
        const r = { id: `tw${k}`, inode: null, family: 'inet', localPort: 5000, remotePort: 80 } as Connection;
        Object.defineProperty(r, 'localAddress', {
          get: () => {
            reads++;
            return address(k);
          },
        });
        r.remoteAddress = '127.0.0.1';
        kept.give(r, false);
      }
      kept.end();
      kept.begin();
      let found = 0;
      for (const k of looked) if (kept.previousUnnamed('inet', address(k), 5000, '127.0.0.1', 80)) found++;
      kept.end();
      return { reads, found };
    };
    // New sockets (none found), or the same ones listed backwards (none near the last one found).
    const fresh = (n: number) => range(n, n);
    const backwards = (n: number) => range(0, n).reverse();
    for (const order of [fresh, backwards]) {
      const small = compared(500, order(500));
      const large = compared(4000, order(4000));
      expect(large.reads / small.reads).toBeLessThan(8 * 1.5);
    }
    expect(compared(4000, fresh(4000)).found).toBe(0);
    // Those sharing them are still found when not listed near where the last read had them: backwards in runs
    // of 20 (past the look-ahead, so each is looked for in the index, behind those already found).
    const runs = range(0, 300).map((i) => i - (i % 20) + 19 - (i % 20));
    expect(compared(300, runs).found).toBe(300);
  });

  it('goes through a bounded number of rows of the other kind before the index, however many there are', () => {
    // A read after one with only time-wait sockets (no inode), or only others: connections closed by the
    // thousand at once leave as many time-wait sockets in the next read, which the previous one did not have.
    const looked = (n: number, named: boolean): number => {
      let reads = 0;
      const kept = new KeptRows();
      kept.begin();
      for (let k = 0; k < n; k++) {
        const r = { id: `p${k}`, family: 'inet', localPort: 1, remotePort: k, localAddress: 'a', remoteAddress: 'b' };
        Object.defineProperty(r, 'inode', {
          get: () => {
            reads++;
            return named ? k + 1 : null;
          },
        });
        kept.give(r as Connection, false);
      }
      kept.end();
      kept.begin();
      // The other kind's sockets, none of them in the previous read.
      for (let k = 0; k < n; k++) {
        if (named) expect(kept.previousUnnamed('inet', 'a', 2, 'b', k)).toBeUndefined();
        else expect(kept.previousRow(n + k + 1)).toBeUndefined();
      }
      kept.end();
      return reads;
    };
    for (const named of [true, false]) expect(looked(4000, named) / looked(500, named)).toBeLessThan(8 * 1.5);
  });

  it('finds time-wait sockets after more listeners than a look-ahead goes through without an index', () => {
    // The kernel lists the listening sockets first: the search for those without an inode starts after them.
    const kept = new KeptRows();
    const wait = (k: number) =>
      ({
        id: `tw${k}`,
        inode: null,
        family: 'inet',
        localAddress: 'a',
        localPort: 1,
        remoteAddress: 'b',
        remotePort: k,
      }) as Connection;
    const give = (): number => {
      let found = 0;
      const keep = (r: Connection | undefined, made: () => Connection) => {
        if (r !== undefined) found++;
        kept.give(r ?? made(), r !== undefined);
      };
      for (let k = 1; k <= 100; k++) keep(kept.previousRow(k), () => row(k));
      for (let k = 0; k < 20; k++) keep(kept.previousUnnamed('inet', 'a', 1, 'b', k), () => wait(k));
      return found;
    };
    kept.begin();
    give();
    kept.end();
    kept.begin();
    expect(give()).toBe(120);
    const index = kept as unknown as { byInode: unknown; byPorts: unknown };
    expect(index.byInode).toBeNull();
    expect(index.byPorts).toBeNull();
    kept.end();
  });
});
