import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Connection, Diagnostics, ProcessTraffic, Route } from '../../shared/types.js';
import { emptyDiagnostics } from '../../shared/types.js';
import { QUIET_MAX_MS } from './clients.js';
import { createInThreadMonitor } from './monitor.js';
import { countingCollector, SyntheticConnections, syntheticCollectors } from './testing/synthetic.js';
import { TestClient } from './testing/test-client.js';

beforeEach(() => {
  vi.useFakeTimers({ now: 1_700_000_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

const tick = (ms = 1000) => vi.advanceTimersByTimeAsync(ms);

// The browser host's page: the host (pid 10, node) serves on 127.0.0.1:8080, the page (pid 20, chromium) is at
// 127.0.0.1:40000. The host's end of the WebSocket names it so (the page's row is the same socket seen reversed).
const TRANSPORT = {
  localAddress: '::ffff:127.0.0.1',
  localPort: 8080,
  remoteAddress: '::ffff:127.0.0.1',
  remotePort: 40000,
};

function tcp(id: string, local: [string, number], remote: [string, number], pid: number, name: string): Connection {
  return {
    id,
    proto: 'tcp',
    family: 'inet',
    localAddress: local[0],
    localPort: local[1],
    remoteAddress: remote[0],
    remotePort: remote[1],
    state: 'ESTABLISHED',
    recvQ: 0,
    sendQ: 0,
    uid: 0,
    user: 'root',
    inode: pid * 100,
    processes: [{ pid, name, cmdline: name, exe: `/usr/bin/${name}`, user: 'root', startTime: 1 }],
    ownerStatus: 'known',
    bytesSent: 0,
    bytesReceived: 0,
  };
}

function process(pid: number, name: string, sent: number, received: number): ProcessTraffic {
  return {
    id: `${pid}@1`,
    pid,
    name,
    user: 'root',
    connections: 1,
    bytesSent: sent,
    bytesReceived: received,
    closedConnections: 0,
    note: null,
  };
}

/** A machine at rest but for NetLens's own page connection, whose bytes the test moves; and an ssh session. */
function world() {
  const bytes = { page: 0, ssh: 0 };
  let routes: Route[] = [];
  let notes: string[] = [];
  const diagnostics = (): Diagnostics => ({ ...emptyDiagnostics(), notes });
  const collectors = {
    ...syntheticCollectors(new SyntheticConnections(0, 0)),
    connections: {
      async read() {
        const server = tcp('server', ['127.0.0.1', 8080], ['127.0.0.1', 40000], 10, 'node');
        const page = tcp('page', ['127.0.0.1', 40000], ['127.0.0.1', 8080], 20, 'chromium');
        const ssh = tcp('ssh', ['10.0.0.1', 22], ['10.0.0.2', 5000], 30, 'sshd');
        server.bytesSent = page.bytesReceived = bytes.page;
        ssh.bytesSent = bytes.ssh;
        return { rows: [server, page, ssh], diagnostics: diagnostics() };
      },
    },
    processes: countingCollector(() => [
      process(10, 'node', bytes.page, 0),
      process(20, 'chromium', 0, bytes.page),
      process(30, 'sshd', bytes.ssh, 0),
    ]),
    routes: countingCollector(() => routes),
  };
  const monitor = createInThreadMonitor({ collectors, log: () => {} });
  return {
    monitor,
    bytes,
    setRoutes: (r: Route[]) => (routes = r),
    setNotes: (n: string[]) => (notes = n),
  };
}

function pageClient(monitor: ReturnType<typeof world>['monitor'], quiet = true) {
  const client = new TestClient(monitor, TRANSPORT);
  for (const dataset of ['connections', 'processes', 'routes'] as const) client.handle({ type: 'subscribe', dataset });
  client.handle({ type: 'visibility', hidden: false, visible: ['connections', 'processes', 'routes'], quiet });
  return client;
}

const diffs = (c: TestClient, dataset?: string) =>
  c.of('diff').filter((m) => dataset === undefined || m.dataset === dataset);

describe('quiet ticks', () => {
  it('holds what moves only NetLens’s own page connection, and sends it every 5 s with the latest figures', async () => {
    const w = world();
    const client = pageClient(w.monitor);
    await tick(2000);
    const before = diffs(client).length;
    // Each tick the page's own messages move its connection's counters and its two processes' totals.
    for (let i = 1; i <= 12; i++) {
      w.bytes.page += 500;
      await tick(1000);
    }
    const sent = diffs(client).slice(before);
    // 12 ticks: one message per dataset each QUIET_MAX_MS, not one a tick.
    const perDataset = (d: string) => sent.filter((m) => m.dataset === d).length;
    expect(perDataset('connections')).toBeGreaterThanOrEqual(2);
    expect(perDataset('connections')).toBeLessThanOrEqual(Math.ceil(12_000 / QUIET_MAX_MS));
    expect(perDataset('processes')).toBeLessThanOrEqual(Math.ceil(12_000 / QUIET_MAX_MS));
    expect(perDataset('routes')).toBeLessThanOrEqual(Math.ceil(12_000 / QUIET_MAX_MS));
    // What the page holds is never behind by more than QUIET_MAX_MS: after the next flush it is current.
    await tick(QUIET_MAX_MS);
    const table = client.tables.get('connections')!;
    expect((table.get('server') as Connection).bytesSent).toBe(w.bytes.page);
    expect((client.tables.get('processes')!.get('20@1') as ProcessTraffic).bytesReceived).toBe(w.bytes.page);
    expect(client.gaps).toEqual([]);
    await w.monitor.close();
  });

  it('sends a tick at once, every dataset of it, when anything else moves', async () => {
    const w = world();
    const client = pageClient(w.monitor);
    await tick(2000);
    w.bytes.page += 500;
    await tick(1000);
    const before = diffs(client).length;
    // Another process's traffic: news, sent in its own tick with what was held.
    w.bytes.page += 500;
    w.bytes.ssh += 100;
    await tick(1000);
    const sent = diffs(client).slice(before);
    // One message per dataset: the held routes diff goes with the tick's own routes diff, folded.
    expect(sent.map((m) => m.dataset).sort()).toEqual(['connections', 'processes', 'routes']);
    expect((client.tables.get('connections')!.get('ssh') as Connection).bytesSent).toBe(100);
    expect((client.tables.get('connections')!.get('page') as Connection).bytesReceived).toBe(w.bytes.page);
    // A route that appears is news too.
    const beforeRoute = diffs(client, 'routes').length;
    w.setRoutes([
      {
        id: 'r1',
        family: 'inet',
        destination: '10.1.0.0/16',
        gateway: null,
        iface: 'lo',
        flags: 'U',
        metric: 0,
        table: 'main',
        proto: 'kernel',
        scope: 'link',
        prefSrc: null,
        type: 'unicast',
      } as unknown as Route,
    ]);
    await tick(1000);
    expect(diffs(client, 'routes').length).toBe(beforeRoute + 1);
    // So is a diagnostic note.
    const beforeNote = diffs(client, 'connections').length;
    w.setNotes(['process information limited: not root']);
    await tick(1000);
    expect(diffs(client, 'connections').length).toBe(beforeNote + 1);
    expect(diffs(client, 'connections').at(-1)!.diagnostics.notes).toEqual(['process information limited: not root']);
    await w.monitor.close();
  });

  it('sends every tick to a client that did not ask, and to one on another transport sends the page traffic as news', async () => {
    const w = world();
    const plain = pageClient(w.monitor, false);
    // A second page whose own connection is not the one moving: the first page's traffic is news to it only if it
    // is not NetLens's own; both are the host's transports, so neither makes the other's ticks loud.
    const other = new TestClient(w.monitor, { ...TRANSPORT, remotePort: 40001 });
    other.handle({ type: 'subscribe', dataset: 'connections' });
    other.handle({ type: 'visibility', hidden: false, visible: ['connections'], quiet: true });
    await tick(2000);
    const plainBefore = diffs(plain, 'connections').length;
    const otherBefore = diffs(other, 'connections').length;
    for (let i = 0; i < 4; i++) {
      w.bytes.page += 500;
      await tick(1000);
    }
    expect(diffs(plain, 'connections').length).toBe(plainBefore + 4);
    expect(diffs(other, 'connections').length).toBeLessThanOrEqual(otherBefore + 1);
    await w.monitor.close();
  });
});
