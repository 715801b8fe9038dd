// Live: TCP is dumped for both families at once (TCPDIAG_GETSOCK, one walk of the kernel's TCP hash table);
// it lists exactly what the two per-family SOCK_DIAG_BY_FAMILY dumps list, and a kernel that refuses it gets
// the per-family dumps from then on, with the same rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DumpLimits, NETLINK_SOCK_DIAG, NetlinkDumper, setNetlinkTransport } from '../linux/netlink.js';
import {
  AF_INET,
  AF_INET6,
  forEachInetDiagSocket,
  inetDiagBothFamiliesRequest,
  inetDiagRequest,
  IPPROTO_TCP,
  SOCK_DIAG_BY_FAMILY,
  TCP_DUMP_STATES,
  TCPDIAG_GETSOCK,
} from '../linux/sock-diag.js';
import { LinuxConnectionsCollector } from './linux.js';
import { closeHeld, type Held, loopbackPair } from '../../../test/loopback-pair.js';

const LOOPBACK = new Set(['127.0.0.1', '::1']);
const LIMITS: DumpLimits = { timeoutMs: 10_000, maxBytes: 1 << 26 };

describe.skipIf(process.platform !== 'linux')('TCP of both families in one dump', () => {
  const held: Held = { servers: [], sockets: [] };
  const ports = new Set<number>();

  beforeAll(async () => {
    expect(NetlinkDumper.unavailable()).toBeNull();
    for (const host of ['127.0.0.1', '::1']) {
      const { port, client } = await loopbackPair(held, host);
      ports.add(port);
      ports.add(client.localPort!);
    }
  });

  afterAll(() => closeHeld(held));

  /** Our sockets in some dumps' datagrams, as "family port>port inode" lines. */
  const ours = (datagrams: Buffer[]) => {
    const out: string[] = [];
    forEachInetDiagSocket(datagrams, (s) => {
      // Its own port ours and its peer's too (a listener has none): another test's socket that merely talks to a
      // port number of ours (in the other family, or on a port since reused) is not ours.
      if (ports.has(s.localPort) && (s.remotePort === 0 || ports.has(s.remotePort)))
        out.push(`${s.family} ${s.localAddress}:${s.localPort}>${s.remoteAddress}:${s.remotePort} ${s.inode}`);
    });
    return out.sort();
  };

  it('lists what the per-family dumps list, IPv4 and IPv6', async () => {
    const dumper = new NetlinkDumper(NETLINK_SOCK_DIAG);
    try {
      const both = await dumper.dump(TCPDIAG_GETSOCK, inetDiagBothFamiliesRequest(0, TCP_DUMP_STATES), LIMITS);
      const v4 = await dumper.dump(
        SOCK_DIAG_BY_FAMILY,
        inetDiagRequest(AF_INET, IPPROTO_TCP, 0, TCP_DUMP_STATES),
        LIMITS,
      );
      const v6 = await dumper.dump(
        SOCK_DIAG_BY_FAMILY,
        inetDiagRequest(AF_INET6, IPPROTO_TCP, 0, TCP_DUMP_STATES),
        LIMITS,
      );
      if (!both.ok || !v4.ok || !v6.ok) throw new Error('a dump failed');
      const fromBoth = ours(both.datagrams);
      // Two listeners and two connections (both ends) per family.
      expect(fromBoth.filter((l) => l.startsWith(`${AF_INET} `))).toHaveLength(3);
      expect(fromBoth.filter((l) => l.startsWith(`${AF_INET6} `))).toHaveLength(3);
      expect(fromBoth).toEqual(ours([...v4.datagrams, ...v6.datagrams]));
    } finally {
      dumper.close();
    }
  });

  it('falls back to a dump per family, once, where the kernel refuses it, with the same rows', async () => {
    const direct = new NetlinkDumper(NETLINK_SOCK_DIAG);
    const asked: number[] = [];
    const refusing = {
      dump: (_protocol: number, type: number, payload: Uint8Array, limits: DumpLimits) => {
        asked.push(type);
        if (type === TCPDIAG_GETSOCK) return Promise.resolve({ ok: false as const, error: 'Invalid argument' });
        // A dumper asks the transport when one is set (at the call, synchronously): this one dumps itself.
        setNetlinkTransport(null);
        const answer = direct.dump(type, payload, limits);
        setNetlinkTransport(refusing);
        return answer;
      },
    };
    setNetlinkTransport(refusing);
    const refused = new LinuxConnectionsCollector({ tables: ['tcp', 'tcp6'] });
    const normal = new LinuxConnectionsCollector({ tables: ['tcp', 'tcp6'] });
    try {
      const first = await refused.read();
      const second = await refused.read();
      expect(asked.filter((t) => t === TCPDIAG_GETSOCK)).toHaveLength(1);
      expect(asked.filter((t) => t === SOCK_DIAG_BY_FAMILY)).toHaveLength(4);
      setNetlinkTransport(null);
      const expected = await normal.read();
      const mine = (rows: typeof first.rows) =>
        rows
          // As `ours` above: both ends' ports ours (a listener has none), on loopback. One end's port alone also
          // matched another test's socket in the other family whose port number was one of ours (a flake under load).
          .filter(
            (r) =>
              LOOPBACK.has(r.localAddress) && ports.has(r.localPort) && (r.remotePort === 0 || ports.has(r.remotePort)),
          )
          .map((r) => `${r.id} ${r.state} ${r.processes.map((p) => p.pid).join(',')}`)
          .sort();
      expect(mine(first.rows)).toHaveLength(6);
      expect(mine(second.rows)).toEqual(mine(first.rows));
      expect(mine(expected.rows)).toEqual(mine(first.rows));
      expect(first.diagnostics.notes.join(' ')).not.toMatch(/TCP sockets read/);
    } finally {
      setNetlinkTransport(null);
      refused.dispose();
      normal.dispose();
      direct.close();
    }
  });
});
