import { describe, expect, it } from 'vitest';
import type { NetInterface, ProcessInfo } from '../../../shared/types.js';
import { applyBatch, emptyTables, type StreamData, type Tables } from '../../store/tables.js';
import { conn, diff, snapshot } from '../../store/test-rows.js';
import { ExposureFollower } from './exposure-live.js';

// What Exposure reads of an interface: its name and addresses (its counters move at rest).
const eth0 = (address: string, rx = 0) =>
  ({
    id: 'eth0',
    name: 'eth0',
    addresses: [{ address, prefixLength: 24, family: 'inet', scope: 'global' }],
    counters: { rxBytes: rx },
  }) as unknown as NetInterface;

const listener = (id: string, port: number, address = '0.0.0.0') =>
  conn(id, { state: 'LISTEN', localAddress: address, localPort: port, remoteAddress: '0.0.0.0', remotePort: 0 });
const established = (sendQ: number) => conn('ws', { sendQ });

describe('ExposureFollower', () => {
  it('hands back the same list while a tick changes only counters; follows listeners and addresses', () => {
    let tables: Tables = emptyTables();
    const apply = (...batch: StreamData[]) => (tables = applyBatch(tables, batch, 0).tables);
    const f = new ExposureFollower();
    const select = () => f.select(tables.connections, tables.interfaces);
    apply(
      snapshot('connections', 1, [listener('a', 22), established(0)]),
      snapshot('interfaces', 1, [eth0('10.0.0.1')]),
    );
    const first = select();
    expect(first.map((e) => [e.row.localPort, e.group])).toEqual([[22, 'all-ipv4']]);
    expect(select()).toBe(first);

    // At rest: the established socket's counters and the interface's.
    apply(
      diff('connections', 2, { changed: [established(5)] }),
      diff('interfaces', 2, { changed: [eth0('10.0.0.1', 100)] }),
    );
    expect(select()).toBe(first);
    // A listener's change that Exposure does not show (its queue) neither.
    apply(diff('connections', 3, { changed: [{ ...listener('a', 22), recvQ: 3 }] }));
    expect(select()).toBe(first);

    // A listener opened on an interface's address.
    apply(diff('connections', 4, { added: [listener('b', 80, '10.0.0.1')] }));
    const second = select();
    expect(second.map((e) => [e.row.localPort, e.group, e.iface])).toEqual([
      [22, 'all-ipv4', null],
      [80, 'interface', 'eth0'],
    ]);
    // Its process known: shown.
    const httpd = { pid: 7, name: 'httpd', cmdline: 'httpd', exe: null, user: 'www' } as ProcessInfo;
    apply(diff('connections', 5, { changed: [{ ...listener('b', 80, '10.0.0.1'), processes: [httpd] }] }));
    const third = select();
    expect(third).not.toBe(second);
    expect(third[1]!.row.processes[0]!.name).toBe('httpd');
    // The interface's address moves: the listener's interface is no longer known.
    apply(diff('interfaces', 3, { changed: [eth0('10.0.0.9')] }));
    const fourth = select();
    expect(fourth[1]!.iface).toBeNull();
    // A listener closed, another gone as a row.
    apply(diff('connections', 6, { changed: [{ ...listener('a', 22), closedAt: 1 }], removed: ['b'] }));
    expect(select()).toEqual([]);
  });

  it('goes through every row again after a snapshot or changes it missed', () => {
    let tables: Tables = emptyTables();
    const apply = (...batch: StreamData[]) => (tables = applyBatch(tables, batch, 0).tables);
    const f = new ExposureFollower();
    apply(snapshot('connections', 1, [listener('a', 22)]), snapshot('interfaces', 1, []));
    expect(f.select(tables.connections, tables.interfaces)).toHaveLength(1);
    for (let s = 2; s < 40; s++) apply(diff('connections', s, { added: [listener(`x${s}`, s)] }));
    expect(f.select(tables.connections, tables.interfaces)).toHaveLength(39);
    apply(snapshot('connections', 40, [listener('z', 9)]));
    expect(f.select(tables.connections, tables.interfaces).map((e) => e.row.id)).toEqual(['z']);
  });
});
