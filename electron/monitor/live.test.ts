// The whole live pipeline against real sockets: the production worker (electron/monitor/worker.ts, real
// collectors) behind the browser host, read by a client over its WebSocket. A loopback connection this test
// opens appears, and after it closes it is marked closed, then removed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import type { ServerMessage } from '../../shared/protocol.js';
import type { Connection } from '../../shared/types.js';
import { startWebHost } from '../web.js';
import { createBackend, type Backend } from '../backend.js';
import { startMonitor, type MonitorHandle } from './host.js';
import { bundleWorker } from './testing/bundle-worker.js';
import { TestClient } from './testing/test-client.js';
import { until } from '../../test/until.js';

let dir = '';
let monitor: MonitorHandle;
let web: Awaited<ReturnType<typeof startWebHost>>;
let backend: Backend;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'netlens-monitor-live-'));
  const workerPath = await bundleWorker(dir, fileURLToPath(new URL('./worker.ts', import.meta.url)));
  monitor = startMonitor({ workerPath, log: () => {} });
  // Only the WebSocket is used: an empty page keeps the test independent of the renderer build.
  const rendererDir = join(dir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '');
  backend = createBackend({ host: 'browser', monitor, dataDir: dir, log: () => {} });
  web = await startWebHost({ service: backend.service, rendererDir, log: () => {} });
});

afterAll(async () => {
  await web?.close();
  await backend?.close();
  await monitor?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function connectClient(): Promise<{ client: TestClient; ws: WebSocket }> {
  const ws = new WebSocket(`ws://127.0.0.1:${web.port}/ws?token=${encodeURIComponent(web.token)}`);
  const client = new TestClient((m) => ws.send(JSON.stringify(m)));
  ws.on('message', (data) => client.receive(JSON.parse(String(data)) as ServerMessage));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return { client, ws };
}

describe.runIf(process.platform === 'linux')(
  'live pipeline (real collectors, worker thread, browser host WebSocket)',
  () => {
    it('shows a loopback connection this test opens, then marks it closed, then removes it', async () => {
      const { client, ws } = await connectClient();
      client.handle({ type: 'setInterval', intervalMs: 500 });
      client.handle({ type: 'subscribe', dataset: 'connections' });
      await until('the first snapshot', () => client.of('snapshot').length > 0, 20_000, 25);

      const accepted: Socket[] = [];
      const server: Server = createServer((s) => accepted.push(s));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as { port: number }).port;
      const socket = connect(port, '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      const localPort = socket.localPort!;

      const rows = () => [...(client.tables.get('connections')?.values() ?? [])] as Connection[];
      const ours = (r: Connection) =>
        r.proto === 'tcp' && r.localAddress === '127.0.0.1' && r.localPort === localPort && r.remotePort === port;
      const row = await until(
        'our connection',
        () => rows().find((r) => ours(r) && r.state === 'ESTABLISHED'),
        20_000,
        25,
      );
      expect(row.closedAt).toBeNull();
      expect(row.firstSeen).toBeGreaterThan(0);
      expect(row.lastChanged).toBeGreaterThanOrEqual(row.firstSeen!);

      // The listener closes first so our end does not linger in TIME_WAIT under the same endpoints.
      for (const s of accepted) s.destroy();
      socket.destroy();
      server.close();
      const closed = await until(
        'the connection marked closed',
        () => {
          const r = client.tables.get('connections')?.get(row.id) as Connection | undefined;
          return r && r.closedAt != null ? r : undefined;
        },
        20_000,
        25,
      );
      expect(closed.closedAt).toBeGreaterThanOrEqual(row.firstSeen!);
      await until('the closed connection removed', () => !client.tables.get('connections')?.has(row.id), 20_000, 25);
      expect(client.gaps).toEqual([]);
      expect(client.of('collectorError')).toEqual([]);
      ws.close();
    });
  },
);
