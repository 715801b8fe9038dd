// Test support: a connection row for the recorder's tests (recorder.test.ts, requests.test.ts), its fields
// derived from `id` unless given.
import type { Connection } from '../../../../shared/types.js';

export function conn(id: number, over: Partial<Connection> = {}): Connection {
  return {
    id: `tcp|${id}`,
    proto: 'tcp',
    family: 'inet',
    localAddress: '127.0.0.1',
    localPort: 40000 + id,
    remoteAddress: '10.1.2.3',
    remotePort: 443,
    state: 'ESTABLISHED',
    recvQ: 0,
    sendQ: 0,
    uid: 1000,
    user: 'ann',
    inode: id,
    processes: [{ pid: 100 + id, name: `app${id}`, cmdline: '', exe: `/usr/bin/app${id}`, user: 'ann', startTime: 1 }],
    ownerStatus: 'known',
    ...over,
  };
}

/** An unnamed unix socket of inode `id` (connected, owned as `conn` owns it unless given). */
export function unnamedUnix(id: number, over: Partial<Connection> = {}): Connection {
  return conn(id, {
    id: `unix|${id}`,
    proto: 'unix',
    family: 'unix',
    localAddress: '',
    localPort: 0,
    remoteAddress: '',
    remotePort: 0,
    state: 'CONNECTED',
    path: undefined,
    ...over,
  });
}
