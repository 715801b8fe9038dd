// The browser host with a stand-in service: its bound on what waits unread for a client (one message larger than
// the bound, a snapshot of a host with many sockets, must not cut off a client that reads it), and the connection
// each page is reached over, named to the service (NetLens's own, whose counters move because the page is sent what
// moved: monitor/quiet.ts).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ServerMessage } from '../shared/protocol.js';
import type { ClientTransport } from './monitor/api.js';
import type { Service } from './service.js';
import { MAX_UNREAD_BYTES, startWebHost, type WebHost } from './web.js';
import { until } from '../test/until.js';

const notice = (text: string) => ({ type: 'notice', level: 'info', code: 'test', text }) as ServerMessage;

/** A snapshot whose JSON would pass the longest string V8 makes (about 512 MB): 600 rows naming one process with a
 *  command line of 1 MB (rows carry their owners, so the text repeats it; the objects share it). */
function hugeSnapshot(): ServerMessage {
  const cmdline = 'A'.repeat(1024 * 1024);
  const processes = [{ pid: 4242, name: 'big', cmdline, exe: null, user: null, startTime: null }];
  return {
    type: 'snapshot',
    dataset: 'connections',
    seq: 1,
    rows: Array.from({ length: 600 }, (_, i) => ({ id: `row${i}`, processes })),
    diagnostics: { notes: [] },
    tick: null,
  } as unknown as ServerMessage;
}

let dir = '';
let web: WebHost;
const logged: string[] = [];
const transports: (ClientTransport | undefined)[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'netlens-web-'));
  mkdirSync(join(dir, 'renderer'));
  writeFileSync(join(dir, 'renderer', 'index.html'), '');
  // On any message from the client: one message 8 MB over the bound, then two small ones at once.
  const service: Service = {
    connect: (send, _label, transport) => {
      transports.push(transport);
      return {
        receive(message) {
          if ((message as { big?: boolean }).big) {
            send(hugeSnapshot());
            send(notice('still here'));
            return;
          }
          send(notice('x'.repeat(MAX_UNREAD_BYTES + 8 * 1024 * 1024)));
          send(notice('after 1'));
          send(notice('after 2'));
        },
        close() {},
      };
    },
  };
  web = await startWebHost({ service, rendererDir: join(dir, 'renderer'), log: (l) => logged.push(l) });
});

afterAll(async () => {
  await web?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A client's WebSocket, once open; `listen` sets its handlers before it opens. */
async function connected(listen: (ws: WebSocket) => void = () => {}): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${web.port}/ws?token=${web.token}`);
  listen(ws);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return ws;
}

describe('a client that reads a message larger than the unread bound', () => {
  it('gets it and what follows, and stays connected', async () => {
    const texts: string[] = [];
    let closed = false;
    const ws = await connected((ws) => {
      ws.on('message', (data) => texts.push((JSON.parse(String(data)) as { text: string }).text));
      ws.on('close', () => (closed = true));
    });
    ws.send('{}');
    const deadline = Date.now() + 30_000;
    while (texts.length < 3 && !closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    // On main the second message found the first still unread (past 32 MB) and the client was cut off.
    expect(logged.filter((l) => l.includes('disconnected'))).toEqual([]);
    expect(closed).toBe(false);
    expect(texts.map((t) => t.length)).toEqual([MAX_UNREAD_BYTES + 8 * 1024 * 1024, 7, 7]);
    ws.close();
  }, 60_000);
});

describe('a message too large to make into text', () => {
  it("is the dataset's error for the client, logged, and the host goes on", async () => {
    const got: ServerMessage[] = [];
    const ws = await connected((ws) => ws.on('message', (data) => got.push(JSON.parse(String(data)) as ServerMessage)));
    ws.send('{"big":true}');
    await until('two messages', () => got.length >= 2, 60_000);
    // On main JSON.stringify's RangeError went up through the send and the host process failed with it.
    expect(got[0]).toMatchObject({ type: 'collectorError', dataset: 'connections' });
    expect((got[0] as { message: string }).message).toContain('too large to send');
    expect(got[1]).toMatchObject({ type: 'notice', text: 'still here' });
    expect(logged.some((l) => l.includes('the connections table (snapshot) was too large to send'))).toBe(true);
    ws.close();
  }, 90_000);
});

describe("a page's WebSocket", () => {
  it('is named to the service by its two ends, as the host sees them', async () => {
    const from = transports.length;
    const ws = await connected();
    await until('the session', () => transports.length === from + 1);
    const mine = (ws as unknown as { _socket: Socket })._socket;
    expect(transports[from]).toEqual({
      localAddress: mine.remoteAddress,
      localPort: web.port,
      remoteAddress: mine.localAddress,
      remotePort: mine.localPort,
    });
    expect(transports[from]!.remoteAddress?.endsWith('127.0.0.1')).toBe(true);
    ws.close();
  });
});

describe('a refused request in the log', () => {
  it('has every token in its address blanked, not the first alone', async () => {
    // A wrong token first, the right one after it (a guess, or a token copied with a typo): refused and logged.
    const res = await fetch(`http://127.0.0.1:${web.port}/?token=wrong-${web.token}&x=1&token=${web.token}`);
    expect(res.status).toBe(401);
    const line = await until('the refusal logged', () => logged.find((l) => l.includes('x=1')));
    expect(line).toContain('token=…&x=1&token=…');
    expect(line).not.toContain(web.token);
  });
});
