// The live pipeline end to end, through the browser host's WebSocket: a listener this test opens appears
// with this process as its owner, and after it closes it is marked closed, then removed.
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { applyDiff } from '../../shared/diff.js';
import type { ServerMessage } from '../../shared/protocol.js';
import type { Connection } from '../../shared/types.js';
import { startHost, until, type RunningHost } from './support.js';

let host: RunningHost;
beforeAll(async () => {
  host = await startHost();
});
afterAll(async () => {
  await host?.stop();
});

describe('live pipeline over the WebSocket', () => {
  it('shows a new listener, then marks it closed, then removes it', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`);
    const table = new Map<string, Connection>();
    let seq: number | null = null;
    let snapshots = 0;
    let gaps = 0;
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as ServerMessage;
      if (m.type === 'snapshot' && m.dataset === 'connections') {
        table.clear();
        for (const r of m.rows) table.set(r.id, r);
        seq = m.seq;
        snapshots++;
      } else if (m.type === 'diff' && m.dataset === 'connections') {
        if (seq === null || m.seq !== seq + 1) {
          gaps++;
          ws.send(JSON.stringify({ type: 'resync', dataset: 'connections' }));
          seq = null;
          return;
        }
        applyDiff(table, m.diff);
        seq = m.seq;
      } else return;
      ws.send(JSON.stringify({ type: 'ack', dataset: 'connections', seq }));
    });
    await new Promise((r) => ws.on('open', r));
    ws.send(JSON.stringify({ type: 'setInterval', intervalMs: 500 }));
    ws.send(JSON.stringify({ type: 'visibility', hidden: false, visible: ['connections'] }));
    ws.send(JSON.stringify({ type: 'subscribe', dataset: 'connections' }));
    await until('the first snapshot', () => snapshots > 0);

    const server: Server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const find = () => [...table.values()].find((c) => c.proto === 'tcp' && c.localAddress === '127.0.0.1' && c.localPort === port && c.state === 'LISTEN');

    const row = await until('the listener to appear', () => find());
    expect(row.processes.map((p) => p.pid)).toContain(process.pid);
    expect(row.firstSeen).toBeGreaterThan(0);
    expect(row.closedAt ?? null).toBeNull();

    await new Promise((r) => server.close(r));
    const closed = await until('the listener to be marked closed', () => {
      const r = find();
      return r && r.closedAt ? r : null;
    });
    expect(closed.closedAt).toBeGreaterThan(0);
    await until('the closed listener to be removed', () => (find() ? null : true), 20_000);
    expect(gaps).toBe(0);
    ws.close();
  });
});
