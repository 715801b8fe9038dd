// RemoteFleet with a stand-in for ssh (a shell script running the remote script here): remote rows join this
// machine's tagged with their host, through a monitor too (rates and all); a host that is not connected never
// holds up a read, and its last rows stay, with a note saying since when; kill and close get a route only to
// a connected host.
import { once } from 'node:events';
import net from 'node:net';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { ServerMessage } from '../../shared/protocol.js';
import type { NetInterface } from '../../shared/types.js';
import { until } from '../../test/until.js';
import { createInThreadMonitor } from '../monitor/monitor.js';
import { SyntheticConnections, syntheticCollectors } from '../monitor/testing/synthetic.js';
import { RemoteFleet } from './fleet.js';
import { RemoteHost } from './host.js';
import { fakeSshFolder } from './testing/fake-ssh.js';

const fakes = fakeSshFolder();
const fakeSsh = fakes.make;
afterAll(() => fakes.remove());

let fleet: RemoteFleet | null = null;
afterEach(async () => {
  await fleet?.close();
  fleet = null;
});

describe.skipIf(process.platform !== 'linux')('RemoteFleet', () => {
  it("adds a host's rows, tagged, to this machine's; a monitor gives them rates like any row", async () => {
    fleet = new RemoteFleet({ intervalMs: 200, ssh: fakeSsh('ok', 'exec sh -s -- 0.2 0') });
    const local = syntheticCollectors(new SyntheticConnections(10, 0));
    const lightReads = { count: 0 };
    const localInterfaces = local.interfaces as typeof local.interfaces & { readCounters?: () => unknown };
    localInterfaces.readCounters = () => {
      lightReads.count++;
      return local.interfaces.read();
    };
    const collectors = fleet.wrap(local);
    // Alone, the history's cheaper read is this machine's own.
    await collectors.interfaces.readCounters?.();
    expect(lightReads.count).toBe(1);
    fleet.add('web1');
    await until('web1 connected', () => fleet!.list()[0]?.state === 'connected');
    const read = await collectors.interfaces.read();
    const mine = read.rows.filter((r) => r.host === undefined);
    const theirs = read.rows.filter((r) => r.host === 'web1');
    expect(mine.map((r) => r.id)).toEqual(['lo']);
    expect(theirs.length).toBeGreaterThan(0);
    // Its rows (after this machine's) are of its last frame, read when that frame says (its rates' time base).
    expect(read.readAt).toEqual([{ from: 1, key: 'web1', at: expect.any(Number) }]);
    expect(read.readAt![0]!.at).toBeLessThanOrEqual(Date.now());
    for (const r of theirs) expect(r.id).toBe(`@web1/${r.name}`);
    // With a remote host, the history's read is the whole one: their interfaces have a history too.
    const light = await collectors.interfaces.readCounters!();
    expect(light.rows.some((r) => r.host === 'web1')).toBe(true);
    expect(lightReads.count).toBe(1);
    const theirConnections = async () => (await collectors.connections.read()).rows.filter((r) => r.host === 'web1');
    expect((await theirConnections()).length).toBeGreaterThan(0);
    expect((await theirConnections()).every((r) => r.trafficNote === undefined)).toBe(true);
    // Traffic asked of the connections (a client shows it) is asked of every host's too: a connection of
    // this test, which the remote script run here sees, carries the bytes it sent.
    const server = net.createServer((s) => s.resume()).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const conn = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    await once(conn, 'connect');
    conn.write('hello');
    try {
      collectors.connections.setExtras?.(['traffic']);
      await until('a frame with the connection', async () =>
        (await theirConnections()).some((r) => r.localPort === conn.localPort && r.bytesSent === 5),
      );
      expect((await theirConnections()).every((r) => r.trafficNote !== undefined)).toBe(true);
    } finally {
      conn.destroy();
      server.close();
    }
    // Kill and close reach it through its own connection (its ControlMaster's socket).
    const route = fleet.route('web1');
    expect(route.slice(-2)).toEqual(['--', 'web1']);
    expect(route.find((a) => a.startsWith('ControlPath='))).toBeDefined();

    const monitor = createInThreadMonitor({ collectors, intervalMs: 500 });
    const rows = new Map<string, NetInterface>();
    const client = monitor.attach((m: ServerMessage) => {
      if (m.type === 'snapshot' && m.dataset === 'interfaces')
        for (const r of m.rows as NetInterface[]) rows.set(r.id, r);
      if (m.type === 'diff' && m.dataset === 'interfaces') {
        for (const r of m.diff.added as NetInterface[]) rows.set(r.id, r);
        for (const p of m.diff.changed) rows.set(p.id, { ...rows.get(p.id)!, ...(p as Partial<NetInterface>) });
        client.handle({ type: 'ack', dataset: 'interfaces', seq: m.seq });
      }
    });
    try {
      client.handle({ type: 'subscribe', dataset: 'interfaces' });
      const remoteLo = `@web1/lo`;
      await until('a rate for the remote lo', () => rows.get(remoteLo)?.rates, 15_000);
      expect(rows.get(remoteLo)!.host).toBe('web1');
    } finally {
      client.detach();
      await monitor.close();
    }
  });

  it('never waits for a host that is not connected, and keeps the rows of one that went away', async () => {
    // One host that never answers, one that sends one frame and goes.
    fleet = new RemoteFleet({ intervalMs: 200, ssh: fakeSsh('mute', 'exec sleep 60') });
    const collectors = fleet.wrap(syntheticCollectors(new SyntheticConnections(5, 0)));
    fleet.add('mute');
    const first = await collectors.routes.read();
    expect(first.rows.every((r) => r.host === undefined)).toBe(true);
    expect(first.diagnostics.notes).toContain('mute: connecting');
    expect(() => fleet!.route('mute')).toThrow(/mute is connecting/);
    expect(() => fleet!.route('nobody')).toThrow(/not one of the hosts shown/);
    await fleet.close();

    fleet = new RemoteFleet({ intervalMs: 200, ssh: fakeSsh('once', 'sh -s -- 0.2 1; exit 255') });
    const wrapped = fleet.wrap(syntheticCollectors(new SyntheticConnections(5, 0)));
    fleet.add('once');
    await until('it to come and go', () => fleet!.list()[0]?.lastFrameAt && fleet!.list()[0]?.state === 'disconnected');
    const after = await wrapped.routes.read();
    // The routes of its one frame stay, under its name.
    const theirs = after.rows.filter((r) => r.host === 'once');
    expect(theirs.length).toBeGreaterThan(0);
    for (const r of theirs) expect(r.id.startsWith('@once/')).toBe(true);
    expect(after.diagnostics.notes.join('\n')).toMatch(
      /^once: disconnected \(.+\); its rows are as of \d\d:\d\d:\d\d$/m,
    );
    expect(() => fleet!.route('once')).toThrow(/once is disconnected/);
    expect((await fleet.remove('once')).map((h) => h.destination)).toEqual([]);
    expect((await wrapped.routes.read()).rows.every((r) => r.host === undefined)).toBe(true);
  });

  it("a host whose rows cannot be read is that host's error: this machine's rows are still read", async () => {
    fleet = new RemoteFleet({ intervalMs: 200, ssh: fakeSsh('ok', 'exec sh -s -- 0.2 0') });
    const collectors = fleet.wrap(syntheticCollectors(new SyntheticConnections(5, 0)));
    fleet.add('web1');
    await until('web1 connected', () => fleet!.list()[0]?.state === 'connected');
    // Its frame's interfaces fail to parse, and so do those of its last frame (a parser's RangeError, as a remote's
    // 10-million-character process name once made).
    const read = vi
      .spyOn(RemoteHost.prototype, 'read')
      .mockRejectedValue(new RangeError('Maximum call stack size exceeded'));
    const last = vi.spyOn(RemoteHost.prototype, 'lastReading', 'get').mockReturnValue({} as never);
    try {
      const r = await collectors.interfaces.read();
      expect(r.rows.map((row) => [row.id, row.host])).toEqual([['lo', undefined]]);
      expect(r.diagnostics.notes).toContainEqual(expect.stringMatching(/^web1: its interfaces could not be read: \S/));
    } finally {
      read.mockRestore();
      last.mockRestore();
    }
  });
});
