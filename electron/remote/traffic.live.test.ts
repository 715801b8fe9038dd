// Live: a loopback transfer of known size, read through the remote script (run here by a stand-in for ssh):
// the remote rows carry the same counters as the local collector's, and the per-process totals add them up.
import { once } from 'node:events';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyDiff } from '../../shared/diff.js';
import type { ServerMessage } from '../../shared/protocol.js';
import type { Connection, ProcessTraffic } from '../../shared/types.js';
import { createInThreadMonitor } from '../monitor/monitor.js';
import { DOWN, loopbackTransfer, near, type Transfer, UP } from '../../test/transfer.js';
import { until } from '../../test/until.js';
import { REMOTE_TOTALS_NOTE, RemoteHost, remoteCollectors } from './host.js';
import { fakeSshFolder } from './testing/fake-ssh.js';

const fakes = fakeSshFolder();

describe.skipIf(process.platform !== 'linux')('traffic of a remote host', () => {
  let transfer: Transfer;
  let serverPort = 0;
  let host: RemoteHost;

  beforeAll(async () => {
    transfer = await loopbackTransfer();
    serverPort = transfer.serverPort;
    host = new RemoteHost({
      destination: 'fake',
      intervalMs: 500,
      ssh: fakes.make('ok', 'exec sh -s -- 0.5 0'),
      reconnect: false,
    });
  });

  afterAll(async () => {
    transfer?.close();
    await host?.close();
    fakes.remove();
  });

  const ends = (rows: Connection[]) => transfer.ends(rows);

  it('reads no traffic while none is asked for', async () => {
    const r = await remoteCollectors(host).connections.read();
    expect(ends(r.rows).clientEnd).toBeDefined();
    expect(r.rows.every((x) => x.bytesSent === undefined && x.trafficNote === undefined)).toBe(true);
  });

  it('shows the bytes on both ends, and why UDP and listeners have none', async () => {
    const collectors = remoteCollectors(host);
    collectors.connections.setExtras?.(['traffic']);
    const r = await collectors.connections.read();
    expect(r.diagnostics.skipped).toBe(0);
    transfer.expectCounted(r.rows);
    expect(ends(r.rows).clientEnd?.skmem).not.toBeNull();

    // Per process: this one holds both ends, so it sent and received UP + DOWN; the rows say what is left out.
    const p = await collectors.processes.read();
    const mine = p.rows.find((x) => x.pid === process.pid);
    near(mine?.bytesSent, UP + DOWN);
    near(mine?.bytesReceived, UP + DOWN);
    expect(mine?.note).toContain(REMOTE_TOTALS_NOTE);
    expect(p.diagnostics.notes.join('\n')).toContain('destroy events are not read remotely');
  });

  it("gives a remote host's rows send and receive rates in the monitor, as this machine's", async () => {
    // A steady flow: 16 KiB every 50 ms.
    const flow = net.connect(serverPort, '127.0.0.1');
    await once(flow, 'connect');
    const timer = setInterval(() => flow.write(Buffer.alloc(16 * 1024, 3)), 50);
    const monitor = createInThreadMonitor({ collectors: remoteCollectors(host), intervalMs: 500, log: () => {} });
    const table = new Map<string, Connection>();
    const processes = new Map<string, ProcessTraffic>();
    const client = monitor.attach((m: ServerMessage) => {
      if (m.type === 'snapshot' && m.dataset === 'processes')
        for (const r of m.rows as ProcessTraffic[]) processes.set(r.id, r);
      else if (m.type === 'diff' && m.dataset === 'processes') {
        applyDiff(processes, m.diff as never);
        client.handle({ type: 'ack', dataset: m.dataset, seq: m.seq });
      }
      if (m.type === 'snapshot' && m.dataset === 'connections') {
        table.clear();
        for (const r of m.rows as Connection[]) table.set(r.id, r);
      } else if (m.type === 'diff' && m.dataset === 'connections') {
        applyDiff(table, m.diff as never);
        client.handle({ type: 'ack', dataset: m.dataset, seq: m.seq });
      }
    });
    try {
      client.handle({ type: 'subscribe', dataset: 'connections' });
      client.handle({ type: 'subscribe', dataset: 'processes' });
      const flowing = () =>
        [...table.values()].find((r) => r.localPort === flow.localPort && r.remotePort === serverPort);
      await until('a send rate on the flow', () => (flowing()?.sendRate ?? 0) > 0, 30_000);
      expect(flowing()?.bytesSent).toBeGreaterThan(0);
      // The processes dataset (as `watch processes --host` streams it) totals them, with rates too.
      await until('a send rate of this process', () => {
        const mine = [...processes.values()].find((p) => p.pid === process.pid);
        return (mine?.sendRate ?? 0) > 0 && (mine?.bytesSent ?? 0) > UP;
      });
    } finally {
      clearInterval(timer);
      flow.destroy();
      await monitor.close();
    }
  });
});
