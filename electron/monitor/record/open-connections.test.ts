// The recorder's open connections by slot: what goes in comes out the same, and a slot used again carries
// nothing of the connection that had it.
import { describe, expect, it } from 'vitest';
import type { ProcessInfo } from '../../../shared/types.js';
import { OpenConnections, type RecordedRow } from './open-connections.js';

const web: ProcessInfo[] = [{ pid: 10, name: 'web', cmdline: '', exe: '/usr/bin/web', user: 'alice', startTime: 5 }];

const tcp: RecordedRow = {
  id: 'tcp|inet6|::1|5000|::1|40000|77',
  proto: 'tcp',
  family: 'inet6',
  localAddress: '::1',
  localPort: 5000,
  remoteAddress: '::1',
  remotePort: 40000,
  state: 'ESTABLISHED',
  user: 'alice',
  processes: web,
  ownerStatus: 'known',
  path: undefined,
  firstSeen: 1764630000123,
  inode: 77,
};

const unix: RecordedRow = {
  id: 'unix|unix|/run/x.sock|9',
  proto: 'unix',
  family: 'unix',
  localAddress: '',
  localPort: 0,
  remoteAddress: '',
  remotePort: 0,
  state: 'LISTENING',
  user: null,
  processes: [],
  ownerStatus: 'denied',
  path: '/run/x.sock',
  firstSeen: undefined,
  inode: 9,
};

describe('OpenConnections', () => {
  it('gives back each field as it was given', () => {
    const open = new OpenConnections();
    const a = open.add(tcp, null, 2 ** 40 + 3, 0);
    const b = open.add(unix, 1764630000999, null, null);
    expect(open.row(a)).toEqual(tcp);
    expect(open.row(a).processes).toBe(web);
    expect(open.row(b)).toEqual(unix);
    expect(open.slotOf(tcp.id)).toBe(a);
    expect(open.slotOf(unix.id)).toBe(b);
    expect(open.slotOf('nope')).toBe(-1);
    expect([open.closedAt(a), open.bytesSent(a), open.bytesReceived(a), open.rowid(a)]).toEqual([
      null,
      2 ** 40 + 3,
      0,
      null,
    ]);
    expect([open.closedAt(b), open.bytesSent(b), open.bytesReceived(b)]).toEqual([1764630000999, null, null]);
    open.setRowid(a, 2 ** 33);
    open.setBytes(a, null, undefined);
    open.setStates(a, ['ESTABLISHED', 'CLOSE_WAIT']);
    open.setPending(a, true);
    expect([open.rowid(a), open.bytesSent(a), open.bytesReceived(a), open.pending(a)]).toEqual([
      2 ** 33,
      null,
      0,
      true,
    ]);
    // The recorded state is the first one, whatever came after.
    expect(open.row(a).state).toBe('ESTABLISHED');
    expect(open.states(a)).toEqual(['ESTABLISHED', 'CLOSE_WAIT']);
  });

  it('gives a slot used again none of the fields of the connection that had it', () => {
    const open = new OpenConnections();
    const a = open.add(unix, 5, 100, 200);
    open.setRowid(a, 7);
    open.setPending(a, true);
    open.setStates(a, ['LISTENING', 'CLOSE']);
    open.release(a);
    expect(open.slotOf(unix.id)).toBe(-1);
    const b = open.add(tcp, null, null, null);
    expect(b).toBe(a);
    expect(open.row(b)).toEqual(tcp);
    expect(open.row(b).path).toBeUndefined();
    expect([open.rowid(b), open.closedAt(b), open.bytesSent(b), open.bytesReceived(b), open.pending(b)]).toEqual([
      null,
      null,
      null,
      null,
      false,
    ]);
    expect(open.states(b)).toBe('ESTABLISHED');
  });

  it('keeps a closed connection’s slot for its write when its id opens again, and lets go of that slot alone', () => {
    const open = new OpenConnections();
    const closed = open.add(tcp, 1000, 5, 6);
    const again = open.add({ ...tcp, firstSeen: 2000 }, null, 0, 0);
    expect(again).not.toBe(closed);
    expect(open.slotOf(tcp.id)).toBe(again);
    expect(open.size).toBe(1);
    open.release(closed);
    expect(open.slotOf(tcp.id)).toBe(again);
    expect(open.row(again).firstSeen).toBe(2000);
    open.release(again);
    expect(open.slotOf(tcp.id)).toBe(-1);
  });

  it('grows past its first room and lists every slot under an id', () => {
    const open = new OpenConnections();
    const slots: number[] = [];
    for (let i = 0; i < 1000; i++)
      slots.push(open.add({ ...tcp, id: `c${i}`, localPort: i, firstSeen: 1764630000000 + i }, null, i, null));
    for (const i of [0, 255, 256, 999]) {
      expect(open.row(slots[i]!)).toMatchObject({ id: `c${i}`, localPort: i, firstSeen: 1764630000000 + i });
      expect(open.bytesSent(slots[i]!)).toBe(i);
    }
    open.release(slots[3]!);
    const listed: number[] = [];
    open.forEachSlot((s) => listed.push(s));
    expect(listed.length).toBe(999);
    expect(listed).not.toContain(slots[3]);
    open.clear();
    expect(open.size).toBe(0);
    expect(open.slotOf('c1')).toBe(-1);
  });

  it('keeps names past its codes as they are', () => {
    const open = new OpenConnections();
    const slots: number[] = [];
    // More distinct protocols than the codes hold (none of the collectors gives more than a handful).
    for (let i = 0; i < 0x10002; i++)
      slots.push(open.add({ ...tcp, id: `c${i}`, proto: `p${i}` as RecordedRow['proto'] }, null, null, null));
    for (const i of [0, 0xfffe, 0xffff, 0x10001]) expect(open.row(slots[i]!).proto).toBe(`p${i}`);
  });
});
