// A connection row for the names tests: a TCP socket from 192.168.1.2 with the fields a test cares about.
import type { Connection } from '../../../../shared/types.js';

export function testConnection(p: Partial<Connection>): Connection {
  return {
    id: `${p.proto ?? 'tcp'}|${p.localAddress ?? '192.168.1.2'}|${p.localPort ?? 0}|${p.remoteAddress ?? '0.0.0.0'}|${p.remotePort ?? 0}`,
    proto: 'tcp',
    family: p.remoteAddress?.includes(':') ? 'inet6' : 'inet',
    localAddress: '192.168.1.2',
    localPort: 0,
    remoteAddress: '0.0.0.0',
    remotePort: 0,
    state: 'ESTABLISHED',
    recvQ: 0,
    sendQ: 0,
    uid: null,
    user: null,
    inode: null,
    processes: [],
    ownerStatus: 'none',
    ...p,
  };
}
