// Hostile clients of the browser host (issue 10): one that never reads its socket while asking for
// snapshot after snapshot, and one that sends a large capture to parse. The host's memory stays bounded,
// and it keeps answering HTTP and SIGTERM while a parse runs.
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startHost, until, type RunningHost } from './support.js';

let host: RunningHost | null = null;
afterEach(async () => {
  await host?.stop();
  host = null;
});

/** kB of a /proc/PID/status field (VmRSS now, VmHWM the peak). */
function memoryKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1]);
}

/** A masked client text frame (RFC 6455), written by hand: this client never reads anything. */
function frame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = randomBytes(4);
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x81, 0x80 | len]) : Buffer.from([0x81, 0x80 | 126, len >> 8, len & 255]);
  const body = Buffer.alloc(len);
  for (let i = 0; i < len; i++) body[i] = payload[i]! ^ mask[i % 4]!;
  return Buffer.concat([head, mask, body]);
}

function status(h: RunningHost, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: h.port, path }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('a client that never reads', () => {
  it('cannot grow the host without bound with 10,000 resyncs: it is disconnected, the host keeps serving', async () => {
    const h = (host = await startHost());
    const pid = h.child.pid!;
    const socket: Socket = connect({ host: '127.0.0.1', port: h.port });
    await new Promise((r) => socket.once('connect', r));
    socket.write(
      `GET /ws?token=${h.token} HTTP/1.1\r\nHost: 127.0.0.1:${h.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    const handshake = await new Promise<string>((r) => socket.once('data', (d: Buffer) => r(d.toString())));
    expect(handshake).toMatch(/^HTTP\/1.1 101/);
    socket.pause(); // from here on, nothing is read: the host's replies pile up in front of this client
    socket.on('error', () => undefined);
    const before = memoryKb(pid, 'VmRSS');
    socket.write(frame(JSON.stringify({ type: 'subscribe', dataset: 'connections' })));
    socket.write(frame(JSON.stringify({ type: 'subscribe', dataset: 'statistics' })));
    const resyncs = Buffer.concat(
      Array.from({ length: 10_000 }, (_, i) =>
        frame(JSON.stringify({ type: 'resync', dataset: i % 2 ? 'connections' : 'statistics' })),
      ),
    );
    socket.write(resyncs);
    // A marker after the resyncs: once the settings file holds it, the host has handled everything before it.
    socket.write(
      frame(
        JSON.stringify({
          type: 'request',
          id: 1,
          method: 'saveSettings',
          params: { settings: { marker: 'after-resyncs' } },
        }),
      ),
    );
    await until(
      'the host to have handled the resyncs',
      () => readFileSync(join(h.dataDir, 'settings.json'), 'utf8').includes('after-resyncs'),
      60_000,
    );
    expect(memoryKb(pid, 'VmHWM') - before).toBeLessThan(400 * 1024);
    // Requests are answered too, and their answers wait unread: past the bound the client is disconnected.
    const requests = Array.from({ length: 200_000 }, (_, i) =>
      frame(JSON.stringify({ type: 'request', id: i + 2, method: 'hostInfo', params: {} })),
    );
    socket.write(Buffer.concat(requests));
    await until('the host to disconnect the client', () => /fell too far behind/.test(h.output()), 90_000);
    expect(await status(h, `/?token=${h.token}`)).toBe(303);
    const peak = memoryKb(pid, 'VmHWM');
    // Generous: the issue measured 72 MB -> 2.6 GB for this; the bound is the unread limit plus work in flight.
    expect(peak - before, `peak RSS ${peak} kB, ${before} kB before`).toBeLessThan(400 * 1024);
    expect(h.child.exitCode).toBeNull();
    socket.destroy();
  }, 120_000);
});

describe('a large capture to parse', () => {
  it('runs off the host thread: HTTP and SIGTERM are answered while it is parsed', async () => {
    const h = (host = await startHost());
    const line = 'tcp        0      0 10.0.0.5:51234          93.184.216.34:443       ESTABLISHED 1234/firefox\n';
    const text = `Active Internet connections (servers and established)\nProto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name\n${line.repeat(Math.floor(30e6 / line.length))}`;
    const events: string[] = [];
    const ws = new WebSocket(`ws://127.0.0.1:${h.port}/ws?token=${h.token}`);
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as { type: string; id?: number };
      if (m.type === 'response' && m.id === 1) events.push('parsed');
      if (m.type === 'response' && m.id === 2) events.push('second refused');
    });
    ws.on('error', () => undefined);
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'request', id: 1, method: 'parseCapture', params: { name: 'big.txt', text } }));
    ws.send(
      JSON.stringify({ type: 'request', id: 2, method: 'parseCapture', params: { name: 'again.txt', text: 'x' } }),
    );
    expect(await status(h, `/?token=${h.token}`)).toBe(303);
    events.push('http');
    await until('the second parse to be refused', () => events.includes('second refused'));
    const exited = new Promise<void>((r) => h.child.once('exit', () => r()));
    h.child.kill('SIGTERM');
    await exited;
    events.push('exit');
    expect(events.filter((e) => e !== 'second refused')).toEqual(['http', 'exit']);
    expect(h.output()).toMatch(/parseCapture refused: a parseCapture request from this window is still running/);
  }, 120_000);
});
