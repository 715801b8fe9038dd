// The Electron host's IPC handlers, with a mocked `electron` module: a foreign sender or malformed
// arguments are rejected (and logged), never acted on; a good call hands over a MessagePort wired to a
// service session whose messages pass the protocol's validation.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { EventEmitter } from 'node:events';
import type { ServerMessage } from '../shared/protocol.js';

const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
const channels: { port1: FakePort; port2: FakePort }[] = [];

class FakePort extends EventEmitter {
  sent: unknown[] = [];
  started = false;
  postMessage(m: unknown) {
    this.sent.push(m);
  }
  start() {
    this.started = true;
  }
  close() {
    this.emit('close');
  }
}

vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, fn: (event: unknown, ...args: unknown[]) => unknown) => handlers.set(channel, fn),
  },
  MessageChannelMain: class {
    port1 = new FakePort();
    port2 = new FakePort();
    constructor() {
      channels.push(this);
    }
  },
}));

const { registerIpc, isTrustedFrame } = await import('./ipc.js');
const { IPC, PROTOCOL_VERSION } = await import('../shared/protocol.js');
const { NOT_JSON, TOO_LARGE } = await import('./service.js');

function fakeEvent(url: string, parent: unknown = null) {
  const sender = Object.assign(new EventEmitter(), {
    id: 7,
    posted: [] as unknown[],
    postMessage(channel: string, _m: unknown, ports: unknown[]) {
      this.posted.push({ channel, ports });
    },
  });
  return { senderFrame: { url, parent }, sender };
}

describe('registerIpc', () => {
  let logged: string[];
  let received: unknown[];
  let sessions: number;
  beforeEach(() => {
    handlers.clear();
    logged = [];
    received = [];
    sessions = 0;
    registerIpc(
      {
        connect: (send: (m: ServerMessage) => void) => {
          sessions++;
          send({ type: 'notice', level: 'info', code: 'hello', text: 'hi' });
          return { receive: (raw: unknown) => received.push(raw), close: () => undefined };
        },
      },
      (line) => logged.push(line),
    );
  });

  it('registers exactly one channel', () => {
    expect([...handlers.keys()]).toEqual([IPC.connect]);
  });

  it('rejects a foreign sender without creating a session', async () => {
    const handler = handlers.get(IPC.connect)!;
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'app://other/index.html', 'not a url']) {
      expect(() => handler(fakeEvent(url), PROTOCOL_VERSION)).toThrow(/untrusted sender/);
    }
    // An iframe inside our own page is not trusted either.
    expect(() => handler(fakeEvent('app://netlens/index.html', { url: 'app://netlens/' }), PROTOCOL_VERSION)).toThrow(
      /untrusted/,
    );
    expect(() => handler({ senderFrame: null, sender: {} }, PROTOCOL_VERSION)).toThrow(/untrusted/);
    expect(sessions).toBe(0);
    expect(logged.length).toBe(6);
  });

  it('rejects malformed arguments with a clear error', () => {
    const handler = handlers.get(IPC.connect)!;
    for (const args of [[], [2], ['1'], [1, 'extra'], [{ version: 1 }], [null]]) {
      expect(() => handler(fakeEvent('app://netlens/index.html'), ...args)).toThrow(/rejected connect/);
    }
    expect(sessions).toBe(0);
    expect(logged.every((l) => l.includes('rejected connect'))).toBe(true);
  });

  it('hands a trusted page a started port wired to a session', () => {
    const handler = handlers.get(IPC.connect)!;
    const event = fakeEvent('app://netlens/index.html');
    expect(handler(event, PROTOCOL_VERSION)).toBe(true);
    expect(sessions).toBe(1);
    const posted = (event.sender as unknown as { posted: { channel: string; ports: FakePort[] }[] }).posted;
    expect(posted).toHaveLength(1);
    expect(posted[0]!.channel).toBe(IPC.portDelivery);
    const channel = channels.at(-1)!;
    // The page gets port2; main keeps port1, started, carrying the session both ways.
    expect(posted[0]!.ports[0]).toBe(channel.port2);
    expect(channel.port1.started).toBe(true);
    expect(channel.port1.sent).toEqual([{ type: 'notice', level: 'info', code: 'hello', text: 'hi' }]);
    channel.port1.emit('message', { data: JSON.stringify({ type: 'pause', paused: true }) });
    expect(received).toEqual([{ type: 'pause', paused: true }]);
  });

  it("reads the page's messages as text, as the browser host does: a large one screened unparsed, a clone refused", () => {
    const handler = handlers.get(IPC.connect)!;
    handler(fakeEvent('app://netlens/index.html'), PROTOCOL_VERSION);
    const port = channels.at(-1)!.port1;
    // 100,000 setting keys (the review's 3,000,000, a structured clone, held the main thread 10 s before a cap refused it).
    const keys = `{"type":"request","id":1,"method":"saveSettings","params":{${Array.from({ length: 100_000 }, (_, i) => `"k${i}":0`).join(',')}}}`;
    port.emit('message', { data: keys });
    port.emit('message', { data: '{"type":' });
    port.emit('message', { data: { type: 'pause', paused: true } });
    expect(received).toEqual([TOO_LARGE, NOT_JSON, NOT_JSON]);
  });

  it('ends the earlier session of a page that connects again', () => {
    const closed: number[] = [];
    handlers.clear();
    registerIpc(
      {
        connect: () => {
          const n = ++sessions;
          return { receive: () => undefined, close: () => closed.push(n) };
        },
      } as never,
      () => undefined,
    );
    const handler = handlers.get(IPC.connect)!;
    const event = fakeEvent('app://netlens/index.html');
    for (let i = 0; i < 3; i++) handler(event, PROTOCOL_VERSION);
    expect(sessions).toBe(3);
    expect([...new Set(closed)]).toEqual([1, 2]);
    (event.sender as unknown as EventEmitter).emit('destroyed');
    expect([...new Set(closed)]).toEqual([1, 2, 3]);
  });
});

describe('isTrustedFrame', () => {
  it('trusts only the top frame of app://netlens', () => {
    expect(isTrustedFrame({ url: 'app://netlens/index.html', parent: null } as never)).toBe(true);
    expect(isTrustedFrame({ url: 'app://netlens.evil/index.html', parent: null } as never)).toBe(false);
    expect(isTrustedFrame({ url: 'http://127.0.0.1:9/', parent: null } as never)).toBe(false);
    expect(isTrustedFrame(null)).toBe(false);
  });
});
