import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { linuxFixture as fixture } from '../../../test/fixtures/captures/fixtures.js';
import {
  LinuxRoutesCollector,
  parseIpJsonRoutes,
  parseProcNetIpv6Route,
  parseProcNetRoute,
  routesFromIpJson,
} from './linux.js';

describe('route parsers on real captures', () => {
  it('reads /proc/net/route: host-order hex, netmask to prefix, flag letters', () => {
    const { rows, diagnostics } = parseProcNetRoute(fixture('proc-net-route.jc.txt'), true);
    expect(diagnostics.skipped).toBe(0);
    expect(rows[0]).toMatchObject({
      family: 'inet',
      destination: '0.0.0.0',
      prefixLength: 0,
      gateway: '192.168.71.2',
      flags: 'UG',
      metric: 100,
      iface: 'ens33',
      table: 'main',
      isDefault: true,
      id: 'main|inet|0.0.0.0/0|192.168.71.2|ens33|100',
    });
    expect(rows[1]).toMatchObject({ destination: '192.168.71.0', prefixLength: 24, gateway: null, flags: 'U' });
    expect(rows[2]).toMatchObject({ destination: '192.168.71.2', prefixLength: 32, flags: 'UH' });
    const rhel = parseProcNetRoute(fixture('proc-net-route.rhel-5.3.txt'), true);
    expect(rhel.rows.map((r) => `${r.destination}/${r.prefixLength}`)).toEqual([
      '172.31.0.0/16',
      '169.254.0.0/16',
      '10.0.0.0/8',
      '0.0.0.0/0',
    ]);
  });

  it('reads /proc/net/ipv6_route in network order, with reject and local routes', () => {
    const { rows, diagnostics } = parseProcNetIpv6Route(fixture('proc-net-ipv6_route.rhel-5.3.txt'));
    expect(diagnostics.skipped).toBe(0);
    expect(rows.find((r) => r.destination === '2001:df0:92::' && r.prefixLength === 64)).toMatchObject({
      iface: 'eth0',
      metric: 256,
    });
    // 0x00450003: UP, GATEWAY, DEFAULT (router advertisement), ADDRCONF, EXPIRES.
    expect(rows.find((r) => r.isDefault && r.gateway)).toMatchObject({
      gateway: 'fe80::da24:bdff:fe91:5d40',
      flags: 'UGDAe',
      metric: 1024,
    });
    expect(rows.find((r) => r.destination === '::ffff:0.0.0.0')).toMatchObject({
      prefixLength: 96,
      type: 'unreachable',
      flags: '!n',
    });
    expect(rows.find((r) => r.destination === '::1' && r.type === 'local')?.table).toBe('local');
    expect(parseProcNetIpv6Route(fixture('proc-net-ipv6_route.jc.txt')).rows).toHaveLength(7);
  });

  it('reads ip -j route JSON after a shell prompt, with ip defaults filled in', () => {
    const { rows, diagnostics } = parseIpJsonRoutes(fixture('ip-j-route.ubuntu-vagrant-vbox.txt'));
    expect(diagnostics.skipped).toBe(0);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({
      family: 'inet',
      destination: '0.0.0.0',
      prefixLength: 0,
      gateway: '10.0.2.2',
      iface: 'eth0',
      protocol: 'dhcp',
      source: '10.0.2.15',
      metric: 100,
      table: 'main',
      type: 'unicast',
      flags: 'UG',
      isDefault: true,
    });
    expect(rows[2]).toMatchObject({ destination: '10.0.2.2', prefixLength: 32, scope: 'link', flags: 'UH' });
  });

  it('counts text that is not JSON instead of throwing', () => {
    const r = parseIpJsonRoutes('default via 10.0.2.2 dev eth0');
    expect(r.rows).toEqual([]);
    expect(r.diagnostics.skipped).toBe(1);
  });

  it('counts an entry nested too deeply to show instead of throwing (a hostile remote host, a capture)', () => {
    const deep = `[${'['.repeat(200_000)}${']'.repeat(200_000)},{"dst":"default","dev":"eth0"}]`;
    const r = parseIpJsonRoutes(deep, 'inet');
    expect(r.rows).toHaveLength(1);
    expect(r.diagnostics.skipped).toBe(1);
    expect(r.diagnostics.samples[0]).toMatchObject({ line: '(nested too deeply to show)', reason: 'not an object' });
  });
});

describe('routesFromIpJson', () => {
  const none = { ok: true as const, text: '[]' };

  it('falls back for good where ip prints no JSON, for this answer alone where its JSON cannot be read', () => {
    const old = routesFromIpJson({ ok: true, text: 'default via 10.0.2.2 dev eth0' }, none);
    expect(old).toMatchObject({ result: null, lasting: true });
    expect(old.why).toMatch(/no JSON/);
    const cut = routesFromIpJson({ ok: true, text: '[{"dst":"default","dev":"et' }, none);
    expect(cut).toMatchObject({ result: null, lasting: false });
    expect(cut.why).toMatch(/^ip's answer could not be read \(not valid JSON: /);
    const missing = routesFromIpJson({ ok: false, code: 'ENOENT', reason: 'ip (iproute2) is not installed' }, none);
    expect(missing).toMatchObject({ result: null, lasting: true, why: 'ip (iproute2) is not installed' });
  });
});

// iproute2 writes an interface's name raw inside its JSON strings: one name with an ESC made every route
// unreadable, and NetLens fell back to /proc's main table for the rest of the session (review, 12-02).
describe.skipIf(process.platform !== 'linux' || process.getuid?.() !== 0)('ip -j with a hostile interface name', () => {
  it('reads the routes of an interface named with an ESC and a bidi override, under the name as it is', () => {
    const name = '\u001b[31m\u202ex<b>';
    const script =
      'ip link add name "$1" type veth peer name p0 && ip link set "$1" up && ip addr add 10.77.0.1/24 dev "$1" && ' +
      'ip -j -4 route show table all';
    const out = execFileSync('unshare', ['-n', 'sh', '-c', script, 'sh', name], { encoding: 'utf8' });
    expect(() => JSON.parse(out)).toThrow(); // not JSON as ip prints it
    const { result } = routesFromIpJson({ ok: true, text: out }, { ok: true, text: '[]' });
    expect(result?.diagnostics.skipped).toBe(0);
    expect(result?.rows.find((r) => r.destination === '10.77.0.0')?.iface).toBe(name);
  });
});

describe.skipIf(process.platform !== 'linux')('LinuxRoutesCollector on this machine', () => {
  it('equals ip -j route show table all, both families', async () => {
    const { rows, diagnostics } = await new LinuxRoutesCollector().read();
    expect(diagnostics.skipped).toBe(0);
    const ip = (fam: string) =>
      JSON.parse(execFileSync('ip', ['-j', fam, 'route', 'show', 'table', 'all'], { encoding: 'utf8' })) as {
        dst: string;
        dev?: string;
        table?: string;
        type?: string;
      }[];
    const expected = [...ip('-4').map((r) => ({ ...r, f: 'inet' })), ...ip('-6').map((r) => ({ ...r, f: 'inet6' }))]
      .map((r) => `${r.f} ${r.table ?? 'main'} ${r.type ?? 'unicast'} ${r.dst} ${r.dev ?? ''}`)
      .sort();
    const ours = rows
      .map((r) => {
        const dst = r.isDefault
          ? 'default'
          : r.prefixLength === (r.family === 'inet6' ? 128 : 32)
            ? r.destination
            : `${r.destination}/${r.prefixLength}`;
        return `${r.family} ${r.table} ${r.type} ${dst} ${r.iface ?? ''}`;
      })
      .sort();
    expect(ours).toEqual(expected);
  });

  it('reads /proc/net/route the same as the main IPv4 table from ip', async () => {
    const proc = parseProcNetRoute(readFileSync('/proc/net/route', 'latin1'));
    const fromIp = (await new LinuxRoutesCollector().read()).rows.filter(
      (r) => r.family === 'inet' && r.table === 'main',
    );
    const key = (r: {
      destination: string;
      prefixLength: number;
      gateway: string | null;
      iface: string | null;
      metric: number | null;
    }) => `${r.destination}/${r.prefixLength} ${r.gateway ?? '-'} ${r.iface} ${r.metric ?? 0}`;
    expect(proc.rows.map(key).sort()).toEqual(fromIp.map(key).sort());
  });
});
