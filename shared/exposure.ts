// Who can reach a listening socket: only this machine (loopback), the networks of one interface's address,
// or every interface. Computed from the live listeners and the interfaces' addresses, for the Exposure view.
import { isLoopback, isUnspecified, unmappedV4 } from './address.js';
import { isListening } from './filter.js';
import { MAX_FIREWALL_PORTS } from './protocol.js';
import type { Connection, NetInterface } from './types.js';

export type ExposureGroup = 'loopback' | 'interface' | 'all-ipv4' | 'all-ipv6';

export const EXPOSURE_GROUPS: { id: ExposureGroup; label: string; description: string }[] = [
  {
    id: 'all-ipv4',
    label: 'All interfaces, IPv4',
    description: 'Bound to 0.0.0.0: reachable at every IPv4 address of this machine',
  },
  {
    id: 'all-ipv6',
    label: 'All interfaces, IPv6',
    description:
      'Bound to ::: reachable at every IPv6 address, and on Linux at every IPv4 address too unless the socket is IPv6-only',
  },
  {
    id: 'interface',
    label: 'One interface’s address',
    description: 'Bound to one address: reachable from the networks of that interface',
  },
  {
    id: 'loopback',
    label: 'Loopback only',
    description: 'Bound to 127.0.0.0/8 or ::1: reachable from this machine only',
  },
];

export interface Exposed {
  row: Connection;
  group: ExposureGroup;
  /** For 'interface': the interface holding the address, when known. */
  iface: string | null;
}

/** Whether a row is an Internet listener open now (TCP LISTEN, unconnected UDP): one Exposure lists. */
export function isExposedListener(row: Connection): boolean {
  if (row.closedAt || row.proto === 'unix' || row.proto === 'raw' || !isListening(row)) return false;
  return row.proto === 'tcp' || isUnspecified(row.remoteAddress);
}

/** Internet listeners (TCP LISTEN, unconnected UDP) open now, each with who can reach it. */
export function exposure(connections: Iterable<Connection>, interfaces: Iterable<NetInterface>): Exposed[] {
  const owner = new Map<string, string>();
  for (const i of interfaces) for (const a of i.addresses) owner.set(a.address.toLowerCase(), i.name);
  const out: Exposed[] = [];
  for (const row of connections) {
    if (!isExposedListener(row)) continue;
    const address = row.localAddress.split('%')[0]!.toLowerCase();
    if (isLoopback(address)) out.push({ row, group: 'loopback', iface: null });
    else if (isUnspecified(address))
      out.push({ row, group: row.family === 'inet6' ? 'all-ipv6' : 'all-ipv4', iface: null });
    else
      out.push({
        row,
        group: 'interface',
        iface: owner.get(address) ?? owner.get(unmappedV4(address)) ?? null,
      });
  }
  return out;
}

export interface FirewallPort {
  proto: 'tcp' | 'udp';
  family: 'inet' | 'inet6';
  port: number;
}

/** The ports to ask the firewall about: those listened on beyond loopback, each once, lowest first, at most
 *  MAX_FIREWALL_PORTS (a request with more is refused: any user opening that many UDP sockets would otherwise
 *  leave the view without a verdict for any port). */
export function firewallPorts(list: readonly Exposed[]): FirewallPort[] {
  const seen = new Map<string, FirewallPort>();
  for (const e of list) {
    if (e.group === 'loopback') continue;
    const proto = e.row.proto === 'tcp' ? 'tcp' : 'udp';
    const family = e.row.family === 'inet6' ? 'inet6' : 'inet';
    seen.set(`${proto}/${family}/${e.row.localPort}`, { proto, family, port: e.row.localPort });
  }
  return [...seen.values()].sort((x, y) => x.port - y.port).slice(0, MAX_FIREWALL_PORTS);
}
