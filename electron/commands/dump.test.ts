import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { Connection, Counter } from '../../shared/types.js';
import { dumpCommand } from './dump.js';
import { startDnsmasq } from '../collectors/names/testing/dns-servers.js';
import { fakeSshFolder } from '../remote/testing/fake-ssh.js';

async function run(argv: string[]): Promise<{ code: number; out: string; errors: string[] }> {
  let out = '';
  const errors: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  const err = vi.spyOn(console, 'error').mockImplementation((m: unknown) => void errors.push(String(m)));
  try {
    return { code: await dumpCommand.run(argv), out, errors };
  } finally {
    spy.mockRestore();
    err.mockRestore();
  }
}

describe.skipIf(process.platform !== 'linux')('netlens dump', () => {
  let server: net.Server | null = null;
  afterEach(() => server?.close());

  it('prints connections like netstat -tanp, with this process as the owner', async () => {
    server = net.createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as net.AddressInfo).port;
    const { code, out } = await run(['connections']);
    expect(code).toBe(0);
    expect(out).toMatch(
      /^Active Internet connections \(servers and established\)\nProto +Recv-Q +Send-Q +Local Address +Foreign Address +State +PID\/Program name/,
    );
    const line = out.split('\n').find((l) => l.includes(`127.0.0.1:${port} `));
    expect(line).toMatch(new RegExp(`^tcp +0 +0 +127\\.0\\.0\\.1:${port} +0\\.0\\.0\\.0:\\* +LISTEN +${process.pid}/`));
  });

  it('prints CSV with --format csv: a header line, one line per socket', async () => {
    server = net.createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as net.AddressInfo).port;
    const { code, out } = await run(['connections', '--format', 'csv']);
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\r\n');
    const header = lines[0]!.split(',');
    expect(header).toEqual(
      expect.arrayContaining(['proto', 'localAddress', 'localPort', 'state', 'processes', 'remoteCountry']),
    );
    const mine = lines.find((l) => l.includes(`,127.0.0.1,${port},`));
    expect(mine).toBeDefined();
    expect(mine!.split(',')[header.indexOf('state')]).toBe('LISTEN');
  });

  it('--format json is --json; --format table is the default; a wrong format is refused', async () => {
    const json = JSON.parse((await run(['routes', '--format', 'json'])).out) as unknown[];
    expect(json.length).toBeGreaterThan(0);
    expect((await run(['routes', '--format', 'table'])).out).toMatch(/^Kernel IP routing table\n/);
    expect((await run(['routes', '--format', 'xml'])).code).toBe(2);
    expect((await run(['routes', '--json', '--format', 'csv'])).code).toBe(2);
  });

  it('prints the typed rows with --json', async () => {
    const { code, out } = await run(['connections', '--json']);
    expect(code).toBe(0);
    const rows = JSON.parse(out) as Connection[];
    expect(rows.some((r) => r.processes.some((p) => p.pid === process.pid))).toBe(true);
  });

  it('gives --json connections their service names and places, and lists the names dataset', async () => {
    server = net.createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as net.AddressInfo).port;
    const client = net.connect(port, '127.0.0.1');
    await once(client, 'connect');
    try {
      const rows = JSON.parse((await run(['connections', '--json'])).out) as (Connection & Record<string, unknown>)[];
      for (const r of rows)
        expect(Object.keys(r)).toEqual(
          expect.arrayContaining([
            'localService',
            'remoteService',
            'remoteHost',
            'remoteCountry',
            'remoteAsn',
            'remoteAsOrg',
          ]),
        );
      const mine = rows.find((r) => r.remotePort === port && r.remoteAddress === '127.0.0.1');
      expect(mine).toMatchObject({ remoteHost: null, remoteCountry: 'loopback', remoteAsn: null });
      const names = await run(['names']);
      expect(names.out).toMatch(/^Port +Service\n/);
      expect(names.out).toMatch(/\nAddress +Host +Country +Network\n(?:.*\n)*127\.0\.0\.1 +- +loopback +-/);
    } finally {
      client.destroy();
    }
  });

  it('resolves host names only with --resolve, asking the --dns-server named (dnsmasq)', async () => {
    const dnsmasq = await startDnsmasq({ ptr: [['127.0.0.2', 'peer.names.test']] });
    server = net.createServer().listen(0, '127.0.0.2');
    await once(server, 'listening');
    const port = (server.address() as net.AddressInfo).port;
    const client = net.connect(port, '127.0.0.2');
    await once(client, 'connect');
    try {
      const toPeer = (rows: (Connection & Record<string, unknown>)[]) =>
        rows.find((r) => r.remoteAddress === '127.0.0.2' && r.remotePort === port);
      const numeric = JSON.parse(
        (await run(['connections', '--json', '--dns-server', dnsmasq.server])).out,
      ) as (Connection & Record<string, unknown>)[];
      expect(toPeer(numeric)).toMatchObject({ remoteHost: null, remoteCountry: 'loopback' });
      const resolved = JSON.parse(
        (await run(['connections', '--json', '--resolve', '--dns-server', dnsmasq.server])).out,
      ) as (Connection & Record<string, unknown>)[];
      expect(toPeer(resolved)).toMatchObject({ remoteHost: 'peer.names.test', remoteCountry: 'loopback' });
      const short = (await run(['connections', '--resolve', '--dns-server', dnsmasq.server])).out;
      expect(short).toMatch(new RegExp(` peer:${port} +ESTABLISHED `));
      const full = (await run(['connections', '--resolve', '--fqdn', '--dns-server', dnsmasq.server])).out;
      expect(full).toMatch(new RegExp(` peer\\.names\\.test:${port} +ESTABLISHED `));
      expect((await run(['connections', '--dns-server', 'dns.example'])).code).toBe(2);
    } finally {
      client.destroy();
      await dnsmasq.stop();
    }
  });

  it('prints statistics grouped in netstat -s sections', async () => {
    const { out } = await run(['statistics']);
    expect(out).toMatch(/^Ip:\n {4}\d+ /);
    expect(out).toMatch(/\nTcp:\n(?: {4}.*\n)* {4}\d+ active connection openings\n/);
    const json = JSON.parse((await run(['statistics', '--json'])).out) as Counter[];
    expect(json.find((c) => c.id === 'Tcp.ActiveOpens')?.kind).toBe('counter');
  });

  it('prints routes, interfaces and multicast tables', async () => {
    expect((await run(['routes'])).out).toMatch(/^Kernel IP routing table\nDestination +Gateway +Genmask +Flags/);
    expect((await run(['interfaces'])).out).toMatch(/\nlo +65536 +\d+ +0/);
    expect((await run(['multicast'])).out).toMatch(/\nlo +1 +224\.0\.0\.1\n/);
  });

  it('chooses sockets as netstat does (-t -u -x -4 -6 -l -a, -n and -p taken) and with --filter', async () => {
    server = net.createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as net.AddressInfo).port;
    const client = net.connect(port, '127.0.0.1');
    await once(client, 'connect');
    const dir = mkdtempSync(join(tmpdir(), 'netlens-dump-'));
    const unixServer = net.createServer().listen(join(dir, 'sel.sock'));
    await once(unixServer, 'listening');
    try {
      const mine = (out: string) => out.split('\n').filter((l) => l.includes(`127.0.0.1:${port} `));
      const listening = await run(['connections', '-tlnp']);
      expect(listening.code).toBe(0);
      expect(listening.out).toMatch(/^Active Internet connections \(only servers\)\n/);
      expect(mine(listening.out)).toHaveLength(1);
      expect(mine(listening.out)[0]).toMatch(/LISTEN/);
      expect(listening.out).not.toMatch(/^unix /m);
      expect(listening.out).not.toMatch(/ESTABLISHED/);
      const tcp = await run(['connections', '-t']);
      expect(
        mine(tcp.out)
          .map((l) => l.split(/ +/)[5])
          .sort(),
      ).toEqual(['ESTABLISHED', 'ESTABLISHED', 'LISTEN']);
      expect(tcp.out).not.toMatch(/^(udp|raw|unix)/m);
      // -la is every socket, as netstat -la.
      expect(mine((await run(['connections', '-tla'])).out)).toHaveLength(3);
      const unix = await run(['connections', '-x', '-l']);
      expect(unix.out).not.toMatch(/Active Internet/);
      expect(unix.out).toMatch(/^Active UNIX domain sockets \(only servers\)\n/);
      expect(unix.out).toContain(join(dir, 'sel.sock'));
      expect(unix.out).not.toMatch(/ CONNECTED /);
      const four = JSON.parse((await run(['connections', '-4', '--json'])).out) as Connection[];
      expect(four.length).toBeGreaterThan(0);
      expect(four.every((r) => r.family === 'inet')).toBe(true);
      const six = JSON.parse((await run(['connections', '-6', '--json'])).out) as Connection[];
      expect(six.every((r) => r.family === 'inet6')).toBe(true);
      const filtered = JSON.parse(
        (await run(['connections', '--json', '--filter', `lport:${port}`])).out,
      ) as Connection[];
      expect(filtered.map((r) => r.state)).toEqual(['LISTEN', 'ESTABLISHED']);
      // Refused with a sentence of ours: an unknown option, a filter that cannot be read, selection on another dataset.
      const unknown = await run(['connections', '-tz']);
      expect(unknown.code).toBe(2);
      expect(unknown.errors.join('\n')).toMatch(/unknown option -z .*-t -u -w -x -4 -6 -l -a/);
      expect(unknown.errors.join('\n')).not.toMatch(/positional/);
      const badFilter = await run(['connections', '--filter', 'port:']);
      expect(badFilter.code).toBe(2);
      expect(badFilter.errors.join('\n')).toMatch(/--filter: port: needs a value/);
      // A service name this machine's database does not know is a typo, not "no such socket".
      if (existsSync('/etc/services')) {
        const typo = await run(['connections', '--filter', 'port:htps']);
        expect(typo.code).toBe(2);
        expect(typo.errors.join('\n')).toMatch(
          /--filter: port: no service is named 'htps' in \/etc\/services \(did you mean https\?\)/,
        );
      }
      const routes = await run(['routes', '-t']);
      expect(routes.code).toBe(2);
      expect(routes.errors.join('\n')).toMatch(/go with dump connections/);
    } finally {
      client.destroy();
      unixServer.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an unknown dataset', async () => {
    expect((await run(['sockets'])).code).toBe(2);
  });
});

// `netlens dump` never prints a raw control or bidi character (issue 10): a process that names itself
// ESC[2J + U+202E, listening on a unix socket whose path holds a newline and an OSC title sequence, shows
// up with both escaped, on one line each.
const hostileDir = mkdtempSync(join(tmpdir(), 'security-dump-'));
let hostile: ChildProcess | null = null;
afterAll(() => {
  hostile?.kill('SIGKILL');
  rmSync(hostileDir, { recursive: true, force: true });
});

describe.runIf(process.platform === 'linux')('netlens dump and hostile names', () => {
  it('escapes a process name and a unix socket path chosen to attack the terminal', async () => {
    const path = join(hostileDir, 'a\nFORGED\x1b]0;title\x07');
    // The child renames itself (comm, 15 bytes at most) and listens on the unix socket.
    const script = `require('fs').writeFileSync('/proc/self/comm', '\\x1b[2J\\u202egnp'); require('net').createServer().listen(${JSON.stringify(path)}, () => console.log('ready'))`;
    hostile = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((r) => hostile!.stdout!.once('data', r));
    const { code, out } = await run(['connections']);
    expect(code).toBe(0);
    expect(out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f\u202e]/);
    const row = out.split('\n').find((l) => l.includes('FORGED'));
    expect(row).toMatch(/^unix +STREAM +LISTENING/);
    expect(row).toContain(`${hostile!.pid}/\\x1b[2J\\u202egnp`);
    expect(row).toContain('a\\nFORGED\\x1b]0;title\\x07');
    expect(out.split('\n').some((l) => l.startsWith('FORGED'))).toBe(false);
    // --json too: JSON.stringify escapes C0 controls but writes U+202E (and C1 controls) as themselves.
    const json = await run(['connections', '--json']);
    expect(json.code).toBe(0);
    expect(json.out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f\u202e]/);
    // The listener by its path (the child's stdio are socket pairs too, which the parent may still hold).
    const mine = (JSON.parse(json.out) as Connection[]).find((r) => r.path?.includes('FORGED'));
    expect(mine?.path).toBe(path);
    expect(mine?.processes[0]?.name).toBe('\x1b[2J\u202egnp');
  });
});

// `netlens dump --host`: a remote that prints a hostile line (review of 12-03, finding 4). Its error quotes the
// line decoded as latin1, so bytes 0x80-0x9f were C1 controls on the terminal (0x9b is CSI: `[2J` cleared it).
describe.runIf(process.platform === 'linux')('netlens dump --host and a hostile remote', () => {
  const fakes = fakeSshFolder();
  afterAll(() => fakes.remove());
  it('prints the error a remote caused with its control characters escaped', async () => {
    fakes.make('ssh', String.raw`printf "\033]0;pwned\007\233[2J\342\200\256evil line\n"; exit 255`);
    const path = process.env.PATH;
    process.env.PATH = `${fakes.dir}:${path}`;
    try {
      const { code, errors } = await run(['connections', '--host', 'evil']);
      expect(code).toBe(1);
      const text = errors.join('\n');
      expect(text).toMatch(/^netlens dump: /);
      expect(text).toContain('evil line');
      expect(text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/);
    } finally {
      process.env.PATH = path;
    }
  }, 30_000);
});
