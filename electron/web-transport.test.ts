// The browser host tells the service (and so the monitor) which connection each page is reached over: that
// connection is NetLens's own, whose counters move because the page is sent what moved (monitor/quiet.ts).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ClientTransport } from './monitor/api.js';
import type { Service } from './service.js';
import { startWebHost, type WebHost } from './web.js';
import { until } from '../test/until.js';

let dir = '';
let web: WebHost;
const transports: (ClientTransport | undefined)[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'netlens-web-transport-'));
  mkdirSync(join(dir, 'renderer'));
  writeFileSync(join(dir, 'renderer', 'index.html'), '');
  const service: Service = {
    connect: (_send, _label, transport) => {
      transports.push(transport);
      return { receive() {}, close() {} };
    },
  };
  web = await startWebHost({ service, rendererDir: join(dir, 'renderer'), log: () => {} });
});

afterAll(async () => {
  await web?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("a page's WebSocket", () => {
  it('is named to the service by its two ends, as the host sees them', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${web.port}/ws?token=${web.token}`);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    await until('the session', () => transports.length === 1);
    const mine = (ws as unknown as { _socket: Socket })._socket;
    expect(transports[0]).toEqual({
      localAddress: mine.remoteAddress,
      localPort: web.port,
      remoteAddress: mine.localAddress,
      remotePort: mine.localPort,
    });
    expect(transports[0]!.remoteAddress?.endsWith('127.0.0.1')).toBe(true);
    ws.close();
  });
});
