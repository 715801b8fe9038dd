import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { exposure, firewallPorts } from './exposure.js';
import { MAX_FIREWALL_PORTS, requestSchemas } from './protocol.js';
import type { Connection, NetInterface } from './types.js';

const listener = (
  proto: Connection['proto'],
  family: Connection['family'],
  localAddress: string,
  localPort: number,
  state: Connection['state'] = 'LISTEN',
): Connection => ({
  id: `${proto}|${localAddress}|${localPort}`,
  proto,
  family,
  localAddress,
  localPort,
  remoteAddress: family === 'inet6' ? '::' : '0.0.0.0',
  remotePort: 0,
  state,
  recvQ: 0,
  sendQ: 0,
  uid: 0,
  user: 'root',
  inode: 1,
  processes: [],
  ownerStatus: 'none',
});

describe('exposure', () => {
  it('groups listeners by who can reach them', () => {
    const eth0 = {
      name: 'eth0',
      addresses: [{ family: 'inet', address: '192.168.1.5', prefixLength: 24, scope: 'global' }],
    } as unknown as NetInterface;
    const rows = [
      listener('tcp', 'inet', '127.0.0.1', 631),
      listener('tcp', 'inet6', '::1', 631),
      listener('tcp', 'inet', '0.0.0.0', 22),
      listener('tcp', 'inet6', '::', 22),
      listener('udp', 'inet', '192.168.1.5', 5353, 'UNCONN'),
      listener('tcp', 'inet', '10.9.9.9', 80),
      { ...listener('tcp', 'inet', '0.0.0.0', 8080), closedAt: 1 },
      { ...listener('tcp', 'inet', '10.0.0.1', 5000, 'ESTABLISHED'), remoteAddress: '10.0.0.2', remotePort: 4000 },
      listener('unix', 'unix', '', 0, 'LISTENING'),
    ];
    expect(exposure(rows, [eth0]).map((e) => [e.row.localPort, e.group, e.iface])).toEqual([
      [631, 'loopback', null],
      [631, 'loopback', null],
      [22, 'all-ipv4', null],
      [22, 'all-ipv6', null],
      [5353, 'interface', 'eth0'],
      [80, 'interface', null],
    ]);
  });
});

describe('the ports asked of the firewall', () => {
  it('are those beyond loopback, each once, lowest first, and never more than one request takes', () => {
    // Any user may open 5,000 UDP sockets on ports of their own, bound to every interface.
    const many = Array.from({ length: 5000 }, (_, i) => listener('udp', 'inet', '0.0.0.0', 60_000 - i, 'UNCONN'));
    const list = exposure(
      [listener('tcp', 'inet', '127.0.0.1', 1), listener('tcp', 'inet6', '::', 22), ...many, ...many],
      [],
    );
    const ports = firewallPorts(list);
    expect(ports).toHaveLength(MAX_FIREWALL_PORTS);
    expect(ports[0]).toEqual({ proto: 'tcp', family: 'inet6', port: 22 });
    expect(ports[1]).toEqual({ proto: 'udp', family: 'inet', port: 55_001 });
    expect(v.safeParse(requestSchemas.firewall, { ports }).success).toBe(true);
  });
});
