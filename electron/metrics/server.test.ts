// The /metrics server over synthetic collectors: what it exports, how often it reads the collectors, how many
// scrapes it serves at once, and who may scrape (Host on loopback, bearer token elsewhere).
import { gunzipSync } from 'node:zlib';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Connection, ProcessTraffic } from '../../shared/types.js';
import { until } from '../../test/until.js';
import { countingCollector, syntheticCounter, syntheticInterface } from '../monitor/testing/synthetic.js';
import {
  startMetricsServer,
  MAX_CONNECTIONS,
  MAX_CONNECTIONS_PER_PEER,
  MIN_SCRAPE_INTERVAL_MS,
  type MetricsServer,
} from './server.js';

function connection(
  proto: Connection['proto'],
  family: Connection['family'],
  state: Connection['state'],
  port: number,
): Connection {
  return {
    id: `${proto}|${family}|${port}`,
    proto,
    family,
    localAddress: '127.0.0.1',
    localPort: port,
    remoteAddress: '0.0.0.0',
    remotePort: 0,
    state,
    recvQ: 0,
    sendQ: 0,
    uid: 0,
    user: 'root',
    inode: port,
    processes: [],
    ownerStatus: 'none',
  };
}

function collectors(gate?: Promise<void>) {
  let value = 0;
  return {
    statistics: countingCollector(async () => {
      await gate;
      value += 10;
      return [syntheticCounter('Tcp', 'ActiveOpens', value), syntheticCounter('Tcp', 'CurrEstab', 3, 'gauge')];
    }),
    interfaces: countingCollector(() => [syntheticInterface('we"ird\\if\nname', { rxBytes: 1234, txErrors: 2 })]),
    connections: countingCollector(() => [
      connection('tcp', 'inet', 'LISTEN', 1),
      connection('tcp', 'inet', 'LISTEN', 2),
      connection('tcp', 'inet6', 'ESTABLISHED', 3),
      connection('unix', 'unix', 'CONNECTED', 4),
    ]),
    processes: countingCollector<ProcessTraffic>(() => [
      { ...processRow(1, 'nginx'), bytesSent: 500, bytesReceived: 70 },
      { ...processRow(2, 'nginx'), bytesSent: 1, bytesReceived: 2 },
      { ...processRow(3, 'cu"rl'), bytesSent: 10, bytesReceived: 9000 },
      { ...processRow(4, 'ssh'), bytesSent: 5, bytesReceived: 5 },
    ]),
  };
}

function processRow(pid: number, name: string): ProcessTraffic {
  const row = { id: `${pid}@1`, pid, name, user: 'u', connections: 1, closedConnections: 0, note: null };
  return { ...row, bytesSent: null, bytesReceived: null };
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(
  server: MetricsServer,
  path = '/metrics',
  headers: Record<string, string> = {},
  method = 'GET',
  localAddress?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: server.host, port: server.port, path, method, headers, localAddress }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Idle TCP connections (nothing sent) from `localAddress`, each recording whether the server closed it. */
async function idleConnections(server: MetricsServer, n: number, localAddress: string) {
  const sockets: { socket: Socket; closed: boolean }[] = [];
  for (let i = 0; i < n; i++) {
    const socket = connect({ host: server.host, port: server.port, localAddress });
    const entry = { socket, closed: false };
    socket.on('error', () => undefined);
    socket.on('close', () => (entry.closed = true));
    socket.resume(); // read, so the server's 408 and end are seen
    await new Promise<void>((r) => {
      socket.once('connect', () => r());
      socket.once('close', () => r());
    });
    sockets.push(entry);
  }
  return sockets;
}

let server: MetricsServer | null = null;
const opened: Socket[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) s.destroy();
  await server?.close();
  server = null;
});

describe('netlens metrics server', () => {
  it('exports netstat counters and gauges, interface counters with escaped names, and sockets by state', async () => {
    server = await startMetricsServer({ collectors: collectors(), topProcesses: 2 });
    const r = await get(server);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = r.body.toString();
    expect(text).toContain(
      '# TYPE netlens_netstat_tcp_active_opens_total counter\nnetlens_netstat_tcp_active_opens_total 10\n',
    );
    expect(text).toContain('# TYPE netlens_netstat_tcp_curr_estab gauge\nnetlens_netstat_tcp_curr_estab 3\n');
    expect(text).toContain('netlens_interface_receive_bytes_total{interface="we\\"ird\\\\if\\nname"} 1234\n');
    expect(text).toContain('netlens_interface_transmit_errors_total{interface="we\\"ird\\\\if\\nname"} 2\n');
    expect(text).toContain('netlens_sockets{family="inet",protocol="tcp",state="LISTEN"} 2\n');
    expect(text).toContain('netlens_sockets{family="inet6",protocol="tcp",state="ESTABLISHED"} 1\n');
    expect(text).toContain('netlens_sockets{family="unix",protocol="unix",state="CONNECTED"} 1\n');
    expect(text).toContain('netlens_collector_success{dataset="statistics"} 1\n');
    // Traffic per process name, the top two here (topProcesses: 2), the rest in the others.
    expect(text).toContain('netlens_process_sent_bytes_total{process="cu\\"rl"} 10\n');
    expect(text).toContain('netlens_process_received_bytes_total{process="nginx"} 72\n');
    expect(text).not.toContain('process="ssh"');
    expect(text).toContain('netlens_process_others_sent_bytes_total 5\n');
    expect(text).toContain('netlens_process_other_names 1\n');
    // gzip when asked, HEAD without a body.
    const gz = await get(server, '/metrics', { 'Accept-Encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(text);
    const head = await get(server, '/metrics', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
  });

  it('reads the collectors at most once per interval, however many scrapes come', async () => {
    let clock = 1_000_000;
    const c = collectors();
    server = await startMetricsServer({ collectors: c, now: () => clock });
    const values = async () =>
      /netlens_netstat_tcp_active_opens_total (\d+)/.exec((await get(server!)).body.toString())![1];
    expect(await values()).toBe('10');
    expect(await values()).toBe('10');
    clock += MIN_SCRAPE_INTERVAL_MS - 1;
    expect(await values()).toBe('10');
    expect(server.readings).toBe(1);
    clock += 1;
    expect(await values()).toBe('20');
    expect(server.readings).toBe(2);
    expect(c.statistics.reads).toBe(2);
  });

  it('serves a bounded number of scrapes at once; the rest get 503 and share nothing out of the host', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const c = collectors(gate);
    server = await startMetricsServer({ collectors: c, maxConcurrent: 3 });
    // From ten addresses: one address may hold only MAX_CONNECTIONS_PER_PEER connections.
    const answers = Array.from({ length: 10 }, (_, i) => get(server!, '/metrics', {}, 'GET', `127.0.0.${10 + i}`));
    // The seven beyond the limit are answered at once, while the reading is still held up.
    const settled: number[] = [];
    for (const a of answers) void a.then((r) => settled.push(r.status));
    await until('seven answers', () => settled.length >= 7, 10_000, 10);
    expect(settled).toEqual(Array(7).fill(503));
    open();
    const all = await Promise.all(answers);
    expect(all.filter((a) => a.status === 200)).toHaveLength(3);
    expect(all.find((a) => a.status === 503)!.headers['retry-after']).toBe('1');
    expect(c.statistics.reads).toBe(1);
  });

  it('reports a failing collector and goes on with the others', async () => {
    const c = collectors();
    const broken = { ...c, connections: { read: () => Promise.reject(new Error('no /proc here')) } };
    const logged: string[] = [];
    server = await startMetricsServer({ collectors: broken, log: (l) => logged.push(l) });
    const text = (await get(server)).body.toString();
    expect(text).toContain('netlens_collector_success{dataset="connections"} 0\n');
    expect(text).toContain('netlens_netstat_tcp_active_opens_total 10\n');
    expect(text).not.toContain('netlens_sockets{');
    expect(logged.join('\n')).toContain('no /proc here');
  });

  it('on loopback asks no token but refuses a foreign Host (DNS rebinding)', async () => {
    server = await startMetricsServer({ collectors: collectors() });
    expect(server.token).toBeNull();
    expect((await get(server, '/metrics', { Host: `localhost:${server.port}` })).status).toBe(200);
    expect((await get(server, '/metrics', { Host: `evil.example:${server.port}` })).status).toBe(403);
    expect((await get(server, '/')).status).toBe(404);
    expect((await get(server, '/metrics', {}, 'POST')).status).toBe(405);
  });

  it('on loopback requires a token given to it (NetLens as root gives one)', async () => {
    const token = 'a'.repeat(48);
    server = await startMetricsServer({ collectors: collectors(), token });
    expect(server.token).toBe(token);
    expect((await get(server)).status).toBe(401);
    expect((await get(server, '/metrics', { Authorization: `Bearer ${token}` })).status).toBe(200);
  });

  it('elsewhere requires the bearer token on every request', async () => {
    // 127.0.0.2 is not one of the loopback names the server trusts without a token.
    server = await startMetricsServer({ collectors: collectors(), host: '127.0.0.2' });
    const token = server.token!;
    expect(token).toMatch(/^[0-9a-f]{48}$/);
    const none = await get(server);
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="netlens"');
    expect(none.body.toString()).not.toContain('netlens_');
    expect((await get(server, '/metrics', { Authorization: `Bearer ${token}x` })).status).toBe(401);
    expect((await get(server, '/metrics', { Authorization: `Basic ${token}` })).status).toBe(401);
    expect((await get(server, '/', {})).status).toBe(401);
    const ok = await get(server, '/metrics', { Authorization: `Bearer ${token}` });
    expect(ok.status).toBe(200);
    expect(ok.body.toString()).toContain('netlens_sockets{');
    // The scheme is case-insensitive (RFC 7235), the token is not.
    for (const scheme of ['bearer', 'BEARER', 'bEaReR']) {
      expect((await get(server, '/metrics', { Authorization: `${scheme} ${token}` })).status).toBe(200);
    }
    expect((await get(server, '/metrics', { Authorization: `Bearer ${token.toUpperCase()}` })).status).toBe(401);
    expect((await get(server, '/metrics', { Authorization: `Bearer` })).status).toBe(401);
    expect((await get(server, '/metrics', { Authorization: `Bearertoken ${token}` })).status).toBe(401);
  });

  it('cannot be starved by idle connections from one peer: its share is capped, and idle ones are closed', async () => {
    server = await startMetricsServer({ collectors: collectors() });
    // 64 connections that never send a request, all from one peer (127.0.0.3), used to fill the server's
    // connection limit and refuse every scrape until the headers timeout, checked only every 30 s, ran out.
    const idle = await idleConnections(server, 64, '127.0.0.3');
    opened.push(...idle.map((i) => i.socket));
    // Those beyond the per-peer share are closed at once; the scraper (another peer) is answered.
    await until('the connections beyond the per-peer share to close', () =>
      idle.filter((i) => i.closed).length >= 64 - MAX_CONNECTIONS_PER_PEER ? true : null,
    );
    expect((await get(server, '/metrics', {}, 'GET', '127.0.0.1')).status).toBe(200);
    // The rest are closed for sending no request within the headers timeout (seconds, not a minute).
    await until('the idle connections to be closed', () => idle.every((i) => i.closed), 12_000);
    expect((await get(server, '/metrics', {}, 'GET', '127.0.0.3')).status).toBe(200);
  }, 30_000);

  it('cannot be starved by scrapers that never read their answer', async () => {
    // An answer larger than the socket buffers (thousands of interfaces: 8 MB here) stays in the server while
    // its scraper does not read; such connections count as being answered, which nothing pushes out.
    const many = Array.from({ length: 5000 }, (_, i) => syntheticInterface(`veth${i}-padded-to-a-long-name`, {}));
    server = await startMetricsServer({ collectors: { ...collectors(), interfaces: countingCollector(() => many) } });
    for (let a = 1; a * MAX_CONNECTIONS_PER_PEER <= MAX_CONNECTIONS; a++) {
      for (let i = 0; i < MAX_CONNECTIONS_PER_PEER; i++) {
        const socket = connect({ host: server.host, port: server.port, localAddress: `127.0.2.${a}` });
        socket.on('error', () => undefined);
        await new Promise<void>((r) => socket.once('connect', () => r()));
        socket.write(`GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`);
        socket.pause();
        opened.push(socket);
      }
    }
    // Their answers are written (and stalled) within a second or two.
    await new Promise((r) => setTimeout(r, 3000));
    // Stalled answers are given up after a while (seconds), and a scraper that reads is answered again.
    const s = server;
    const answered = await until(
      'a scrape to be answered',
      () =>
        get(s, '/metrics', {}, 'GET', '127.0.0.1').then(
          (a) => a.status === 200,
          () => false,
        ),
      40_000,
      500,
    );
    expect(answered).toBe(true);
  }, 60_000);

  it('cannot be starved from many addresses either: a new connection pushes out the oldest idle one', async () => {
    server = await startMetricsServer({ collectors: collectors() });
    // Any local user may bind 127.0.1.1 ... 127.0.1.64: one idle connection from each fills the 64 in all.
    const idle: Awaited<ReturnType<typeof idleConnections>> = [];
    for (let n = 1; n <= 64; n++) idle.push(...(await idleConnections(server, 1, `127.0.1.${n}`)));
    opened.push(...idle.map((i) => i.socket));
    expect(idle.every((i) => !i.closed)).toBe(true);
    // The scraper is answered; the oldest of the idle ones made room for it.
    expect((await get(server, '/metrics', {}, 'GET', '127.0.0.1')).status).toBe(200);
    await until('the oldest idle connection to be closed', () => idle[0]!.closed);
    expect(idle.slice(1).filter((i) => i.closed).length).toBeLessThanOrEqual(1);
  });
});
