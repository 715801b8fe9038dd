// The agent's answers kept between ticks: new sockets are asked about once, all of them again every refresh,
// owners that did not change keep their objects, and nothing is kept while the agent cannot answer.
import { describe, expect, it } from 'vitest';
import type { InodeOwners, PrivilegedOwners } from './socket-owners.js';
import { PrivilegedOwnerCache } from './privileged-owners.js';

const sshd = { pid: 7, name: 'sshd', cmdline: 'sshd -D', exe: '/usr/sbin/sshd', user: 'root', startTime: 1 };

function source(held: Map<number, typeof sshd>) {
  const asked: number[][] = [];
  let up = true;
  const s: PrivilegedOwners & { asked: number[][]; setUp(v: boolean): void } = {
    asked,
    setUp: (v) => (up = v),
    available: () => up,
    async owners(inodes): Promise<InodeOwners | null> {
      asked.push([...inodes]);
      if (!up) return null;
      const processes = [...new Set(inodes.flatMap((i) => (held.has(i) ? [held.get(i)!] : [])))].map((p) => ({ ...p }));
      return {
        processes,
        owners: inodes
          .filter((i) => held.has(i))
          .map((i) => [i, [processes.findIndex((p) => p.pid === held.get(i)!.pid)]]),
      };
    },
  };
  return s;
}

describe('PrivilegedOwnerCache', () => {
  it('asks about new sockets only, and about all of them again after the refresh interval', async () => {
    const src = source(
      new Map([
        [10, sshd],
        [11, sshd],
      ]),
    );
    const cache = new PrivilegedOwnerCache(src, 10_000);
    const first = await cache.lookup([10, 11, 12, 10], 0);
    expect(first?.get(10)?.[0]?.name).toBe('sshd');
    expect(first?.get(12)).toEqual([]);
    const kept = first!.get(10);
    await cache.lookup([10, 11, 12, 13], 1000);
    await cache.lookup([10, 11, 12, 13], 2000);
    const refreshed = await cache.lookup([10, 13], 10_000);
    expect(src.asked).toEqual([[10, 11, 12], [13], [10, 13]]);
    // Same owner after the refresh: the same objects, so rows stay identical across ticks.
    expect(refreshed!.get(10)).toBe(kept);
    expect(refreshed!.has(11)).toBe(false);
  });

  it('answers null and forgets everything while the agent is down, then asks afresh', async () => {
    const src = source(new Map([[10, sshd]]));
    const cache = new PrivilegedOwnerCache(src, 10_000);
    await cache.lookup([10], 0);
    src.setUp(false);
    expect(await cache.lookup([10], 1)).toBeNull();
    expect(src.asked).toEqual([[10]]);
    src.setUp(true);
    expect((await cache.lookup([10], 2))?.get(10)?.[0]?.pid).toBe(7);
    expect(src.asked).toEqual([[10], [10]]);
  });

  it('a source without available() that answers null is the same as one that is down', async () => {
    const cache = new PrivilegedOwnerCache({ owners: async () => null });
    expect(await cache.lookup([1, 2])).toBeNull();
  });
});
