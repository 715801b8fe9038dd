// Live: while traffic is collected the TCP rows come from sock_diag (netlink) or, where that is not used,
// `ss -tainHe`; otherwise from /proc/net/tcp and tcp6. On the same sockets all give the same rows (every field
// but the traffic ones), and sock_diag and ss the same traffic.
import { once } from 'node:events';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRAFFIC_FIELDS, type Connection } from '../../../shared/types.js';
import { until } from '../../../test/e2e/support.js';
import { LinuxConnectionsCollector } from './linux.js';

async function listen(host: string, ipv6Only = false): Promise<net.Server> {
  // Never read: the bytes sent stay in a Recv-Q that does not change between the two readings.
  const server = net.createServer({ pauseOnConnect: true }, (s) => s.on('error', () => {}));
  server.listen({ port: 0, host, ipv6Only });
  await once(server, 'listening');
  return server;
}

async function connect(port: number, host: string, unread: number): Promise<net.Socket> {
  const c = net.connect(port, host);
  await once(c, 'connect');
  c.write(Buffer.alloc(unread, 7));
  return c;
}

/** A row without its traffic fields, owners by pid. */
function plain(r: Connection): Record<string, unknown> {
  const o: Record<string, unknown> = { ...r, processes: r.processes.map((p) => p.pid) };
  for (const k of [...TRAFFIC_FIELDS, 'sendRate', 'recvRate']) delete o[k];
  return o;
}

describe.skipIf(process.platform !== 'linux')('TCP rows from ss and from /proc', () => {
  const servers: net.Server[] = [];
  const clients: net.Socket[] = [];
  /** Local ports of this test's sockets. */
  const ports = new Set<number>();

  beforeAll(async () => {
    // IPv4; dual-stack IPv6 reached over IPv4 (its accepted sockets are v4-mapped); IPv6 only.
    const setups: [string, boolean, string, number][] = [
      ['127.0.0.1', false, '127.0.0.1', 1000],
      ['::', false, '127.0.0.1', 2000],
      ['::1', true, '::1', 3000],
    ];
    for (const [host, v6only, to, unread] of setups) {
      const s = await listen(host, v6only);
      servers.push(s);
      const port = (s.address() as net.AddressInfo).port;
      ports.add(port);
      const c = await connect(port, to, unread);
      clients.push(c);
      ports.add(c.localPort!);
    }
  });

  afterAll(() => {
    for (const c of clients) c.destroy();
    for (const s of servers) s.close();
  });

  it.each([
    ['ss (traffic)', false, true],
    ['sock_diag (traffic)', true, true],
    ['sock_diag (no traffic)', true, false],
  ])('gives the same rows, queues, uid, inode and owners from /proc and from %s', async (_via, sockDiag, traffic) => {
    const fromProc = new LinuxConnectionsCollector({ tables: ['tcp', 'tcp6'], sockDiag: false });
    const fromSs = new LinuxConnectionsCollector({ tables: ['tcp', 'tcp6'], sockDiag });
    if (traffic) fromSs.setExtras(['traffic']);
    // This process's sockets (other work on the machine may use the same port numbers).
    const ours = (rows: Connection[]) =>
      new Map(
        rows
          .filter((r) => ports.has(r.localPort) && r.processes.some((p) => p.pid === process.pid))
          .map((r) => [r.id, plain(r)] as const),
      );
    let proc = new Map<string, Record<string, unknown>>();
    let ss = new Map<string, Record<string, unknown>>();
    try {
      // The unread bytes have all arrived when both readings show all three Recv-Qs.
      await until('both readings to agree', async () => {
        proc = ours((await fromProc.read()).rows);
        const r = await fromSs.read();
        expect(r.diagnostics.skipped).toBe(0);
        // Read as asked: no note of a fallback.
        expect(r.diagnostics.notes.filter((n) => n.startsWith('TCP sockets read'))).toEqual([]);
        // Without traffic, rows have no traffic fields at all, as /proc's have none.
        if (!traffic) expect(r.rows.filter((x) => x.proto === 'tcp' && 'bytesSent' in x)).toEqual([]);
        ss = ours(r.rows);
        return [...proc.values()].filter((x) => (x.recvQ as number) > 0).length === 3 && ss.size === proc.size;
      });
    } finally {
      fromProc.dispose();
      fromSs.dispose();
    }
    // 3 listeners and 3 connections, both ends.
    expect(proc.size).toBe(9);
    expect(new Set(ss.keys())).toEqual(new Set(proc.keys()));
    for (const [id, row] of proc) expect(ss.get(id)).toEqual(row);
    const mapped = [...ss.values()].find((r) => r.family === 'inet6' && r.recvQ === 2000);
    expect(mapped).toMatchObject({ localAddress: '::ffff:127.0.0.1', remoteAddress: '::ffff:127.0.0.1' });
    const dualListener = [...ss.values()].find((r) => r.state === 'LISTEN' && r.localAddress === '::');
    expect(dualListener).toMatchObject({ family: 'inet6', remoteAddress: '::', remotePort: 0, sendQ: 0 });
    expect([...ss.values()].every((r) => r.ownerStatus === 'known' && r.uid === process.getuid!())).toBe(true);
  });

  it('reads the rows from /proc when ss fails part-way, its output being no complete table', async () => {
    // An ss that prints one socket and then fails, as on a netlink error mid-dump.
    const bin = mkdtempSync(join(tmpdir(), 'traffic-ss-'));
    writeFileSync(
      join(bin, 'ss'),
      '#!/bin/sh\necho "ESTAB 0 0 127.0.0.1:1 127.0.0.1:2 ino:1 sk:1"\necho "Cannot receive nlmsg" >&2\nexit 1\n',
    );
    chmodSync(join(bin, 'ss'), 0o755);
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    const collector = new LinuxConnectionsCollector({
      tables: ['tcp', 'tcp6'],
      destroyEvents: { command: ['true'] },
      sockDiag: false,
    });
    try {
      collector.setExtras(['traffic']);
      const r = await collector.read();
      const mine = r.rows.filter((x) => ports.has(x.localPort) && x.processes.some((p) => p.pid === process.pid));
      expect(mine).toHaveLength(9);
      expect(
        mine.every((x) => x.bytesSent === null && x.trafficNote === 'n/a: ss exited with 1: Cannot receive nlmsg'),
      ).toBe(true);
      expect(r.diagnostics.missing).toContainEqual({
        source: 'ss -tainHe',
        reason: 'ss exited with 1: Cannot receive nlmsg',
      });
    } finally {
      collector.dispose();
      process.env.PATH = path;
      rmSync(bin, { recursive: true, force: true });
    }
  });
});
