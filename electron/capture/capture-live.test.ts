// Round trip on this machine: `ss -tanp` and `netstat -tanp`, run now and parsed as captures, name the
// same TCP sockets (protocol, endpoints, state, owning pids) as the live Linux collector. Checked on
// loopback sockets the test opens itself, and on the whole table when the machine is quiet (two collector
// reads around the captures agree).
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../shared/types.js';
import { until } from '../../test/until.js';
import { createCollectors } from '../collectors/index.js';
import { parseCapture } from './index.js';

const linux = process.platform === 'linux';
const hasTool = (tool: string): boolean =>
  linux && spawnSync(tool, ['--version'], { stdio: 'ignore' }).error === undefined;

function socketKey(c: Connection): string {
  return `${c.proto} ${c.localAddress}:${c.localPort} ${c.remoteAddress}:${c.remotePort} ${c.state}`;
}

function key(c: Connection): string {
  const pids = c.processes
    .map((p) => p.pid)
    .sort((a, b) => a - b)
    .join(',');
  return `${socketKey(c)} [${pids}]`;
}

/** netstat -p names one process per socket, where ss and the collector name every process that holds it (a
 *  forked server and its children, an ssh client and its ControlMaster): its key keeps the socket and says
 *  which pid it named, to be found among the collector's. */
function netstatMatches(netstat: Connection[], live: Connection[]): string[] {
  const byKey = new Map(live.map((c) => [socketKey(c), c]));
  const problems: string[] = [];
  for (const c of netstat) {
    const match = byKey.get(socketKey(c));
    if (!match) problems.push(`not in the collector: ${key(c)}`);
    else if (c.processes.some((p) => !match.processes.some((q) => q.pid === p.pid)))
      problems.push(`another process: ${key(c)} (collector: ${key(match)})`);
  }
  if (netstat.length !== live.length) problems.push(`${netstat.length} sockets, the collector ${live.length}`);
  return problems;
}

function captured(tool: 'ss' | 'netstat'): Connection[] {
  const out = spawnSync(tool, ['-tanp'], {
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
    env: { ...process.env, LC_ALL: 'C' },
  });
  expect(out.error).toBeUndefined();
  const r = parseCapture(`${tool}-tanp.txt`, out.stdout);
  expect(r.format).toBe(tool === 'ss' ? 'ss-tanp' : 'linux-netstat-tanp');
  expect(r.diagnostics.skipped).toBe(0);
  return r.rows as Connection[];
}

describe.skipIf(!linux || !hasTool('ss') || !hasTool('netstat'))('live round trip against the Linux collector', () => {
  let server: net.Server;
  let client: net.Socket;
  let accepted: net.Socket | undefined;
  let port = 0;

  beforeAll(async () => {
    server = net.createServer((s) => {
      accepted = s;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
    client = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => client.once('connect', resolve));
    await until('the server to accept', () => accepted, 10_000, 5);
  });

  afterAll(async () => {
    client.destroy();
    accepted?.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("ss -tanp and netstat -tanp parse to the collector's TCP sockets", async () => {
    const collectors = createCollectors('linux');
    const live = async (): Promise<Connection[]> => {
      const r = await collectors.connections.read();
      return r.rows.filter((c) => c.proto === 'tcp');
    };
    const keys = (rows: Connection[]) => new Set(rows.map(key));
    const me = process.pid;
    const mine = [
      `tcp 127.0.0.1:${port} 0.0.0.0:0 LISTEN [${me}]`,
      `tcp 127.0.0.1:${client.localPort} 127.0.0.1:${port} ESTABLISHED [${me}]`,
      `tcp 127.0.0.1:${port} 127.0.0.1:${client.localPort} ESTABLISHED [${me}]`,
    ];
    let quiet = false;
    for (let attempt = 0; attempt < 10 && !quiet; attempt++) {
      const beforeRows = await live();
      const before = keys(beforeRows);
      const ssRows = captured('ss');
      const ss = keys(ssRows);
      // One Send-Q for a listener whoever read it (ss prints its backlog there, 511 for node's).
      const listenerOf = (rows: Connection[]) => rows.find((c) => c.state === 'LISTEN' && c.localPort === port);
      expect(listenerOf(ssRows)?.sendQ).toBe(listenerOf(beforeRows)?.sendQ);
      const netstatRows = captured('netstat');
      const netstat = keys(netstatRows);
      const after = keys(await live());
      for (const k of mine) {
        expect(before).toContain(k);
        expect(ss).toContain(k);
        expect(netstat).toContain(k);
      }
      quiet = before.size === after.size && [...before].every((k) => after.has(k));
      if (quiet) {
        expect([...ss].sort()).toEqual([...before].sort());
        expect(netstatMatches(netstatRows, beforeRows)).toEqual([]);
      }
    }
    if (!quiet)
      console.warn("capture round trip: the machine never stayed quiet; only the test's own sockets were compared");
    collectors.connections.dispose?.();
  });
});

describe.skipIf(!linux || !hasTool('ip'))('live ip route text against ip -j route', () => {
  it('`ip route show table all` parses to the rows of its JSON form', () => {
    for (const args of [
      ['route', 'show', 'table', 'all'],
      ['-6', 'route', 'show', 'table', 'all'],
    ]) {
      const text = spawnSync('ip', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).stdout;
      const json = spawnSync('ip', ['-j', ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).stdout;
      const fromText = parseCapture('ip-route.txt', text);
      const fromJson = parseCapture('ip-j-route.txt', json);
      expect(fromText.format).toBe('ip-route');
      expect(fromJson.format).toBe('ip-j-route');
      expect(fromText.diagnostics.skipped).toBe(0);
      expect(fromText.rows.length).toBeGreaterThan(0);
      expect(fromText.rows).toEqual(fromJson.rows);
    }
  });
});
