// The service is the one door back up: every message is validated before anything acts on it.
import { describe, expect, it } from 'vitest';
import type { ServerMessage, StreamMessage } from '../shared/protocol.js';
import { createService, firstLine, MAX_RUNNING, MAX_WAITING, type ServiceOptions } from './service.js';
import type { Actions } from './actions/api.js';
import type { Monitor } from './monitor/api.js';

function setup(
  saveExport?: (fileName: string, text: string) => Promise<{ path: string | null }>,
  parseCapture: ServiceOptions['parseCapture'] = () => {
    throw new Error('unknown format');
  },
  history?: Monitor['history'],
) {
  const handled: StreamMessage[] = [];
  const calls: string[] = [];
  let detached = 0;
  const monitor: Monitor = {
    attach: () => ({ handle: (m) => handled.push(m), detach: () => void detached++ }),
    record: async (method) => {
      calls.push(`record ${method}`);
      return { state: 'off' } as never;
    },
    history:
      history ??
      (async (iface) => {
        calls.push(`history ${iface}`);
        return [];
      }),
    remote: async (request) => {
      calls.push(`remote ${JSON.stringify(request)}`);
      return [];
    },
    close: async () => undefined,
  };
  const actions: Actions = {
    capabilities: async () => ({
      kill: { available: true, reason: null },
      killElevated: { available: false, reason: 'test' },
      closeConnection: { available: false, reason: 'test' },
    }),
    kill: async (p) => {
      calls.push(`kill ${p.pid} ${p.signal}`);
      return { outcome: 'killed', message: 'ok' };
    },
    closeConnection: async () => {
      calls.push('close');
      return { outcome: 'closed', message: 'ok' };
    },
    actionLog: async () => [],
  };
  const logged: string[] = [];
  const service = createService({
    hostInfo: () => ({
      host: 'browser',
      appName: 'NetLens',
      appVersion: '0',
      platform: 'linux',
      arch: 'x64',
      osRelease: '',
      hostname: 'h',
      privileged: true,
      pid: 1,
      ownPids: [1],
      live: true,
      services: { source: 'test', names: [], aliases: [] },
    }),
    monitor,
    actions,
    parseCapture,
    settings: { load: async () => ({ theme: 'dark' }), save: async () => undefined },
    ...(saveExport ? { saveExport } : {}),
    log: (l) => logged.push(l),
  });
  const sent: ServerMessage[] = [];
  const session = service.connect((m) => sent.push(m), 'test');
  const flush = () => new Promise((r) => setTimeout(r, 10));
  return { session, sent, handled, calls, logged, flush, detached: () => detached };
}

describe('saveExport (File → Export… in the Electron host)', () => {
  it('hands a validated name and the text to the host, which chooses where', async () => {
    const saved: string[] = [];
    const t = setup(async (name, text) => {
      saved.push(`${name}:${text.length}`);
      return { path: `/home/u/${name}` };
    });
    t.session.receive({
      type: 'request',
      id: 1,
      method: 'saveExport',
      params: { fileName: 'netlens-connections-2026-11-30-105600.csv', text: 'a,b\r\n' },
    });
    t.session.receive({
      type: 'request',
      id: 2,
      method: 'saveExport',
      params: { fileName: '../../.bashrc', text: 'x' },
    });
    t.session.receive({ type: 'request', id: 3, method: 'saveExport', params: { fileName: 'x.exe', text: 'x' } });
    await t.flush();
    expect(saved).toEqual(['netlens-connections-2026-11-30-105600.csv:5']);
    expect(t.sent).toContainEqual({
      type: 'response',
      id: 1,
      ok: true,
      result: { path: '/home/u/netlens-connections-2026-11-30-105600.csv' },
    });
    expect(t.sent.filter((m) => m.type === 'response' && !m.ok).map((m) => (m as { id: number }).id)).toEqual([2, 3]);
  });

  it('is refused where the page downloads exports itself (the browser host)', async () => {
    const t = setup();
    t.session.receive({ type: 'request', id: 1, method: 'saveExport', params: { fileName: 'a.csv', text: 'x' } });
    await t.flush();
    expect(t.sent).toContainEqual(expect.objectContaining({ type: 'response', id: 1, ok: false }));
  });
});

describe('service', () => {
  it('passes valid stream messages to the monitor and answers valid requests', async () => {
    const t = setup();
    t.session.receive({ type: 'subscribe', dataset: 'connections' });
    t.session.receive({ type: 'setInterval', intervalMs: 2000 });
    t.session.receive({ type: 'setNames', resolve: true, dnsServer: '[::1]:5353' });
    t.session.receive({ type: 'request', id: 1, method: 'kill', params: { pid: 4242, startTime: 1, signal: 'TERM' } });
    t.session.receive({ type: 'request', id: 2, method: 'loadSettings', params: {} });
    await t.flush();
    expect(t.handled).toEqual([
      { type: 'subscribe', dataset: 'connections' },
      { type: 'setInterval', intervalMs: 2000 },
      { type: 'setNames', resolve: true, dnsServer: '[::1]:5353' },
    ]);
    expect(t.calls).toEqual(['kill 4242 TERM']);
    expect(t.sent).toContainEqual({ type: 'response', id: 1, ok: true, result: { outcome: 'killed', message: 'ok' } });
    expect(t.sent).toContainEqual({ type: 'response', id: 2, ok: true, result: { theme: 'dark' } });
  });

  it('passes record requests to the monitor only when their arguments are sound', async () => {
    const t = setup();
    t.session.receive({ type: 'request', id: 1, method: 'recordConnections', params: { from: 1000, to: 2000 } });
    t.session.receive({ type: 'request', id: 2, method: 'recordConnections', params: { from: 2000, to: 1000 } });
    t.session.receive({ type: 'request', id: 3, method: 'recordChanges', params: { from: -5, to: 1000 } });
    t.session.receive({
      type: 'request',
      id: 4,
      method: 'recordConfigure',
      params: { config: { enabled: true, retentionDays: 0, maxMb: 200 } },
    });
    t.session.receive({
      type: 'request',
      id: 5,
      method: 'recordMarkKnown',
      params: { kind: 'everything', subject: 'x' },
    });
    t.session.receive({
      type: 'request',
      id: 6,
      method: 'recordConfigure',
      params: { config: { enabled: false, retentionDays: 3, maxMb: 50 } },
    });
    t.session.receive({
      type: 'request',
      id: 7,
      method: 'firewall',
      params: { ports: [{ proto: 'sctp', family: 'inet', port: 1 }] },
    });
    await t.flush();
    expect(t.calls).toEqual(['record recordConnections', 'record recordConfigure']);
    for (const id of [2, 3, 4, 5, 7])
      expect(t.sent).toContainEqual(expect.objectContaining({ type: 'response', id, ok: false }));
    expect(t.sent.find((m) => m.type === 'response' && m.id === 2)).toMatchObject({
      error: expect.stringContaining('from is after to'),
    });
  });

  it('passes remote hosts to the monitor only as ssh destinations, never as options or shell words', async () => {
    const t = setup();
    const bad = ['-oProxyCommand=touch /tmp/x', 'web1 -v', '', 'a\nb', 'x'.repeat(256), 42, null];
    for (const [i, destination] of bad.entries())
      t.session.receive({ type: 'request', id: i + 1, method: 'addRemoteHost', params: { destination } });
    t.session.receive({ type: 'request', id: 20, method: 'addRemoteHost', params: { destination: 'root@web1' } });
    t.session.receive({ type: 'request', id: 21, method: 'removeRemoteHost', params: { destination: 'web1' } });
    t.session.receive({ type: 'request', id: 22, method: 'remoteHosts', params: {} });
    t.session.receive({ type: 'request', id: 23, method: 'remoteHosts', params: { destination: 'x' } });
    await t.flush();
    expect(t.calls).toEqual([
      'remote {"op":"add","destination":"root@web1"}',
      'remote {"op":"remove","destination":"web1"}',
      'remote {"op":"list"}',
    ]);
    for (const id of [...bad.keys()].map((i) => i + 1).concat(23))
      expect(t.sent).toContainEqual(expect.objectContaining({ type: 'response', id, ok: false }));
  });

  it('rejects hostile or malformed messages, logs them and acts on none', async () => {
    const t = setup();
    const hostile: unknown[] = [
      null,
      42,
      'subscribe',
      [],
      {},
      { type: 'subscribe' },
      { type: 'subscribe', dataset: 'passwords' },
      { type: 'subscribe', dataset: 'connections', extra: true },
      { type: 'setInterval', intervalMs: 1 },
      { type: 'setNames', resolve: true, dnsServer: 'dns.example' },
      { type: 'setNames', resolve: 'yes', dnsServer: null },
      { type: 'setNames', resolve: true, dnsServer: '127.0.0.1:53; rm -rf /' },
      { type: 'ack', dataset: 'routes', seq: -1 },
      { type: 'ack', dataset: 'routes', seq: 1.5 },
      { type: 'acks', acks: [] },
      { type: 'acks', acks: [{ dataset: 'routes', seq: -1 }] },
      { type: 'acks', acks: [{ dataset: 'passwords', seq: 1 }] },
      { type: 'acks', acks: Array.from({ length: 50 }, () => ({ dataset: 'routes', seq: 1 })) },
      { type: 'acks', acks: { dataset: 'routes', seq: 1 } },
      { type: 'visibility', hidden: 'no', visible: [] },
      { type: 'visibility', hidden: false, visible: ['connections'], extras: ['keylogger'] },
      { type: 'visibility', hidden: false, visible: ['connections'], extras: ['traffic', 'traffic', 'traffic'] },
      { type: 'visibility', hidden: false, visible: ['connections'], extras: 'traffic' },
      { type: 'eval', code: 'process.exit()' },
      JSON.parse('{"type":"pause","paused":true,"__proto__":{"polluted":1}}'),
    ];
    for (const m of hostile) t.session.receive(m);
    const badRequests: unknown[] = [
      { type: 'request', id: 10, method: 'kill', params: { pid: 0, startTime: null, signal: 'TERM' } },
      { type: 'request', id: 11, method: 'kill', params: { pid: 1.5, startTime: null, signal: 'TERM' } },
      { type: 'request', id: 12, method: 'kill', params: { pid: '1234', startTime: null, signal: 'TERM' } },
      { type: 'request', id: 13, method: 'kill', params: { pid: -5, startTime: null, signal: 'TERM' } },
      { type: 'request', id: 14, method: 'kill', params: { pid: 1234, startTime: null, signal: 'HUP' } },
      {
        type: 'request',
        id: 15,
        method: 'kill',
        params: { pid: 1234, startTime: null, signal: 'TERM', command: 'rm -rf /' },
      },
      {
        type: 'request',
        id: 16,
        method: 'closeConnection',
        params: {
          proto: 'tcp',
          family: 'inet',
          localAddress: '1.2.3.4; reboot',
          localPort: 1,
          remoteAddress: '5.6.7.8',
          remotePort: 2,
        },
      },
      {
        type: 'request',
        id: 17,
        method: 'closeConnection',
        params: {
          proto: 'udp',
          family: 'inet',
          localAddress: '1.2.3.4',
          localPort: 1,
          remoteAddress: '5.6.7.8',
          remotePort: 2,
        },
      },
      { type: 'request', id: 18, method: 'shell', params: {} },
      { type: 'request', id: 19, method: 'history', params: { iface: '' } },
    ];
    for (const m of badRequests) t.session.receive(m);
    await t.flush();
    expect(t.handled).toEqual([]);
    expect(t.calls).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Every one is answered; the log takes the first 10 of a kind per minute (a flood cannot fill it).
    expect(t.logged).toHaveLength(10);
    const responses = t.sent.filter((m): m is Extract<ServerMessage, { type: 'response' }> => m.type === 'response');
    expect(responses.map((r) => r.id).sort((a, b) => a - b)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(responses.every((r) => !r.ok && /rejected/.test(r.error))).toBe(true);
    expect(t.sent.filter((m) => m.type === 'notice')).toHaveLength(hostile.length);
  });

  it('answers a failing request with its error, and stops after close', async () => {
    const t = setup();
    t.session.receive({ type: 'request', id: 3, method: 'parseCapture', params: { name: 'x.txt', text: 'hello' } });
    await t.flush();
    expect(t.sent).toContainEqual({ type: 'response', id: 3, ok: false, error: 'unknown format' });
    expect(t.logged).toContain('[test] parseCapture failed: unknown format');
    t.session.close();
    t.session.receive({ type: 'subscribe', dataset: 'routes' });
    expect(t.handled).toEqual([]);
    expect(t.detached()).toBe(1);
  });
});

describe('service, a failure of several lines', () => {
  it('logs its first line and how many more the answer holds; the page is answered with all of it', async () => {
    const error = 'The format of x.txt was not recognised. Supported formats:\n  ss-tanp\n  proc-net-tcp';
    const t = setup(undefined, () => {
      throw new Error(error);
    });
    t.session.receive({ type: 'request', id: 4, method: 'parseCapture', params: { name: 'x.txt', text: 'hello' } });
    await t.flush();
    expect(t.sent).toContainEqual({ type: 'response', id: 4, ok: false, error });
    expect(t.logged).toContain(
      '[test] parseCapture failed: The format of x.txt was not recognised. Supported formats: (2 more lines in the answer)',
    );
  });
});

describe('firstLine', () => {
  it('counts the lines after the first without splitting them out, a million of them too', () => {
    expect(firstLine('one line')).toBe('one line');
    expect(firstLine('a\nb\nc')).toBe('a (2 more lines in the answer)');
    expect(firstLine('a\n')).toBe('a (1 more line in the answer)');
    expect(firstLine(`head${'\n'.repeat(1_000_000)}`)).toBe('head (1000000 more lines in the answer)');
  });
});

describe('service, heavy requests', () => {
  it('holds one export to save per client: a second, of up to MAX_EXPORT_BYTES, is refused while the first waits', async () => {
    const finish: (() => void)[] = [];
    const t = setup((_name, _text) => new Promise((resolve) => finish.push(() => resolve({ path: '/tmp/x.csv' }))));
    const save = (id: number) => ({
      type: 'request',
      id,
      method: 'saveExport',
      params: { fileName: 'netlens.csv', text: 'x'.repeat(1000) },
    });
    // Queued requests hold their text until they run: a second export is not queued behind the first (an attacker's
    // review of 12-06: twelve 32 MB exports queued behind slow kills raised the host from 131 to 368 MB).
    t.session.receive(save(1));
    t.session.receive(save(2));
    await t.flush();
    const answers = () =>
      t.sent.filter((m): m is Extract<ServerMessage, { type: 'response' }> => m.type === 'response');
    expect(answers().map((a) => [a.id, a.ok])).toEqual([[2, false]]);
    expect(answers()[0]).toMatchObject({
      error: expect.stringMatching(/saveExport request from this window is still running/),
    });
    finish[0]!();
    await t.flush();
    t.session.receive(save(3));
    await t.flush();
    expect(finish).toHaveLength(2);
  });

  it('runs one capture parse at a time per client: a second is refused at once, with a clear answer', async () => {
    const finish: (() => void)[] = [];
    const t = setup(
      undefined,
      () =>
        new Promise((resolve) =>
          finish.push(() =>
            resolve({
              label: 'x',
              format: 'ss-H',
              dataset: 'connections',
              rows: [],
              diagnostics: { skipped: 0, samples: [], missing: [], notes: [] },
            }),
          ),
        ),
    );
    const request = (id: number) => ({
      type: 'request',
      id,
      method: 'parseCapture',
      params: { name: 'x.txt', text: 'x' },
    });
    t.session.receive(request(1));
    t.session.receive(request(2));
    t.session.receive({ type: 'request', id: 3, method: 'hostInfo', params: {} });
    await t.flush();
    const answers = () =>
      t.sent.filter((m): m is Extract<ServerMessage, { type: 'response' }> => m.type === 'response');
    expect(answers().map((a) => [a.id, a.ok])).toEqual([
      [2, false],
      [3, true],
    ]);
    expect(answers()[0]).toMatchObject({
      error: expect.stringMatching(/parseCapture request from this window is still running/),
    });
    expect(finish).toHaveLength(1);
    finish[0]!();
    await t.flush();
    t.session.receive(request(4));
    await t.flush();
    expect(finish).toHaveLength(2);
    finish[1]!();
    await t.flush();
    expect(answers().map((a) => [a.id, a.ok])).toEqual([
      [2, false],
      [3, true],
      [1, true],
      [4, true],
    ]);
  });
});

describe('service, hostile shapes', () => {
  it('refuses arrays where objects are meant: params: [], settings: [], an owner or a message that is an array', async () => {
    const t = setup();
    const array = <T extends object>(props: T) => Object.assign([], props);
    const shapes: unknown[] = [
      { type: 'request', id: 50, method: 'hostInfo', params: [] },
      { type: 'request', id: 51, method: 'saveSettings', params: { settings: [] } },
      { type: 'request', id: 52, method: 'saveSettings', params: { settings: array({ theme: 'dark' }) } },
      { type: 'request', id: 53, method: 'kill', params: array({ pid: 1234, startTime: 5, signal: 'TERM' }) },
      {
        type: 'request',
        id: 54,
        method: 'closeConnection',
        params: {
          proto: 'tcp',
          family: 'inet',
          localAddress: '127.0.0.1',
          localPort: 1,
          remoteAddress: '127.0.0.1',
          remotePort: 2,
          owner: array({ pid: 1, name: 'x', startTime: null }),
        },
      },
      array({ type: 'request', id: 55, method: 'hostInfo', params: {} }),
    ];
    for (const m of shapes) t.session.receive(m);
    await t.flush();
    const answers = t.sent.filter((m): m is Extract<ServerMessage, { type: 'response' }> => m.type === 'response');
    expect(answers.map((a) => [a.id, a.ok])).toEqual([
      [50, false],
      [51, false],
      [52, false],
      [53, false],
      [54, false],
      [55, false],
    ]);
    expect(answers.every((a) => !a.ok && /expected an object/.test(a.error))).toBe(true);
    expect(t.calls).toEqual([]);
  });

  it('never lets prototype keys or ss filter syntax through (probe cases that held, kept held)', async () => {
    const t = setup();
    const tuple = { proto: 'tcp', family: 'inet', localPort: 1, remoteAddress: '127.0.0.1', remotePort: 2 };
    const messages: unknown[] = [
      JSON.parse(
        '{"type":"request","id":60,"method":"kill","params":{"pid":1234,"startTime":5,"signal":"TERM","__proto__":{"elevate":true}}}',
      ),
      JSON.parse(
        '{"type":"request","id":61,"method":"saveSettings","params":{"settings":{"__proto__":{"polluted":1}}}}',
      ),
      { type: 'request', id: 62, method: 'constructor', params: {} },
      { type: 'request', id: 63, method: '__proto__', params: {} },
      {
        type: 'request',
        id: 64,
        method: 'kill',
        params: { pid: 1234, startTime: 5, signal: 'TERM', constructor: { prototype: {} } },
      },
      ...['127.0.0.1 or sport = :22', '127.0.0.1)', '-K', '127.0.0.1\nstate all', '::1%eth0 dst 0/0', '$(id)'].map(
        (localAddress, i) => ({
          type: 'request',
          id: 70 + i,
          method: 'closeConnection',
          params: { ...tuple, localAddress },
        }),
      ),
    ];
    for (const m of messages) t.session.receive(m);
    await t.flush();
    const answers = t.sent.filter((m): m is Extract<ServerMessage, { type: 'response' }> => m.type === 'response');
    const byId = new Map(answers.map((a) => [a.id, a]));
    for (const id of [60, 62, 63, 64, 70, 71, 72, 73, 74, 75]) expect(byId.get(id)?.ok, `request ${id}`).toBe(false);
    // A __proto__ key inside settings is data JSON.parse made an own property; it never reaches a prototype.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(t.calls).toEqual([]);
  });

  it('rejects cyclic and absurdly deep messages without throwing', async () => {
    const t = setup();
    const cyclic: Record<string, unknown> = { type: 'request', id: 40, method: 'saveSettings' };
    const settings: Record<string, unknown> = {};
    settings.self = settings;
    cyclic.params = { settings };
    let deep: unknown = [];
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(() => t.session.receive(cyclic)).not.toThrow();
    expect(() =>
      t.session.receive({ type: 'request', id: 41, method: 'saveSettings', params: { settings: { x: deep } } }),
    ).not.toThrow();
    await t.flush();
    const answers = t.sent.filter((m): m is Extract<ServerMessage, { type: 'response' }> => m.type === 'response');
    expect(answers.map((a) => [a.id, a.ok])).toEqual([
      [40, false],
      [41, false],
    ]);
  });
});

describe('requests unanswered at once (attack review of 12-05)', () => {
  it('run MAX_RUNNING at a time a client, the next MAX_WAITING wait in order, one more is refused', async () => {
    const pending: (() => void)[] = [];
    const t = setup(undefined, undefined, () => new Promise((resolve) => pending.push(() => resolve([]))));
    const save = (id: number) => t.session.receive({ type: 'request', id, method: 'history', params: { iface: 'lo' } });
    const total = MAX_RUNNING + MAX_WAITING;
    for (let id = 1; id <= total + 1; id++) save(id);
    await t.flush();
    // On main every one ran at once (a burst of 500 firewall requests: 500 nft processes).
    expect(pending).toHaveLength(MAX_RUNNING);
    expect(t.sent).toEqual([
      {
        type: 'response',
        id: total + 1,
        ok: false,
        error: `this window has ${total} requests unanswered; wait for their answers`,
      },
    ]);
    // An answer lets the first waiting one run, and makes room for one more.
    pending.shift()!();
    await t.flush();
    expect(pending).toHaveLength(MAX_RUNNING);
    save(total + 2);
    await t.flush();
    expect(t.sent.map((m) => (m.type === 'response' ? `${m.id} ${m.ok}` : m.type))).toEqual([
      `${total + 1} false`,
      '1 true',
    ]);
    // Every one waiting is answered in its turn.
    while (pending.length > 0) {
      pending.shift()!();
      await new Promise((r) => setImmediate(r));
    }
    await t.flush();
    const answered = t.sent.flatMap((m) => (m.type === 'response' && m.ok ? [m.id] : []));
    expect(answered).toEqual([...Array.from({ length: total }, (_, i) => i + 1), total + 2]);
  });
});
