import { describe, expect, it } from 'vitest';
import type { ProcessInfo } from '../../shared/types.js';
import { OwnerLists } from './owner-lists.js';

const proc = (pid: number, fields: Partial<ProcessInfo> = {}): ProcessInfo => ({
  pid,
  name: `p${pid}`,
  cmdline: `/usr/bin/p${pid} --serve`,
  exe: `/usr/bin/p${pid}`,
  user: 'me',
  startTime: 1_700_000_000_000 + pid,
  ...fields,
});

describe('OwnerLists', () => {
  it('gives back the list it holds for the same processes, one for each distinct list', () => {
    const owners = new OwnerLists();
    const first = owners.share([proc(1)]);
    expect(owners.share([proc(1)])).toBe(first);
    const pair = owners.share([proc(1), proc(2)]);
    expect(pair).not.toBe(first);
    expect(owners.share([proc(1), proc(2)])).toBe(pair);
    // The same pids in another order are another list (the host lists owners in the order it found them).
    expect(owners.share([proc(2), proc(1)])).not.toBe(pair);
    expect(owners.size).toBe(3);
  });

  it('keeps a list apart when any field differs', () => {
    const owners = new OwnerLists();
    const first = owners.share([proc(1)]);
    // A pid reused or renamed is another entry: the first content is still held.
    for (const changed of [{ startTime: 5 }, { name: 'renamed' }]) {
      const other = [proc(1, changed)];
      expect(owners.share(other), JSON.stringify(changed)).toBe(other);
      expect(owners.share([proc(1, changed)]), JSON.stringify(changed)).toBe(other);
      expect(owners.share([proc(1)])).toBe(first);
    }
    // The other fields are compared too: a list that differs in one is never given another's.
    for (const changed of [{ cmdline: '/usr/bin/p1 --other' }, { exe: null }, { user: null }]) {
      const other = [proc(1, changed)];
      expect(owners.share(other), JSON.stringify(changed)).toBe(other);
    }
  });

  it('holds the latest content of a process whose command line changed (same pid, start and name)', () => {
    const owners = new OwnerLists();
    const first = owners.share([proc(1)]);
    const moved = [proc(1, { cmdline: 'p1: worker' })];
    expect(owners.share(moved)).toBe(moved);
    expect(owners.share([proc(1, { cmdline: 'p1: worker' })])).toBe(moved);
    const back = [proc(1)];
    expect(owners.share(back)).toBe(back);
    expect(back).not.toBe(first);
  });

  it('passes an empty list or a value that is not a list through untouched', () => {
    const owners = new OwnerLists();
    const none: ProcessInfo[] = [];
    expect(owners.share(none)).toBe(none);
    const hostile = 'not a list' as unknown as ProcessInfo[];
    expect(owners.share(hostile)).toBe(hostile);
    expect(owners.size).toBe(0);
  });

  it('holds at most its bound of lists: past it, it starts again', () => {
    const owners = new OwnerLists(4);
    for (let pid = 1; pid <= 10; pid++) owners.share([proc(pid)]);
    expect(owners.size).toBeLessThanOrEqual(4);
    const kept = owners.share([proc(10)]);
    expect(owners.share([proc(10)])).toBe(kept);
  });
});
