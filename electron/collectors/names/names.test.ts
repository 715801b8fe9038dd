// Service names, places and the names dataset: the services(5) parser and its fallback, the offline
// country and AS databases (lazily loaded, cached, bounded), and the entries the names collector publishes.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import { collectGarbage } from '../../../test/collect-garbage.js';
import type { Connection, DatasetResult } from '../../../shared/types.js';
import { emptyDiagnostics } from '../../../shared/types.js';
import { NameBook } from './book.js';
import { testConnection } from './testing/connections.js';
import { NamesCollector, withNames } from './index.js';
import { Places, PLACE_CACHE_MAX } from './places.js';
import { bundledServices, loadServices, parseServices, tableVocabulary, servicesPath } from './services.js';

const tmp = mkdtempSync(join(tmpdir(), 'names-services-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const conn = testConnection;

describe('services(5)', () => {
  it('parses names per protocol, first name wins, comments and aliases ignored, bad lines counted', () => {
    const t = parseServices(
      [
        '# Network services, Internet style',
        'ssh\t\t22/tcp\t\t\t\t# SSH Remote Login Protocol',
        'domain\t\t53/tcp',
        'domain\t\t53/udp',
        'http\t\t80/tcp\t\twww\t\t# WorldWideWeb HTTP',
        'www-alt\t\t80/tcp',
        'rtmp\t\t1/ddp\t\t\t# Routing Table Maintenance Protocol',
        'sctp-thing\t9/sctp',
        'not an entry',
        'toolarge\t70000/tcp',
        '',
      ].join('\n'),
      'test',
    );
    expect(t.tcp.get(22)).toBe('ssh');
    expect(t.tcp.get(53)).toBe('domain');
    expect(t.udp.get(53)).toBe('domain');
    expect(t.tcp.get(80)).toBe('http');
    expect(t.tcp.has(1)).toBe(false);
    expect(t.tcp.has(9)).toBe(false);
    expect(t.diagnostics.skipped).toBe(2);
  });

  it("keeps a port's other names, and gives a filter every name with the name shown for its port", () => {
    const t = parseServices(
      [
        'http\t\t80/tcp\t\twww WWW-http\t# WorldWideWeb HTTP',
        'www-alt\t\t80/tcp',
        'Domain\t\t53/udp\tnameserver',
        'http\t\t80/udp\twww',
        'bad\t\t81/tcp\t\t$(x) ok-alias',
      ].join('\n'),
      '/etc/services',
    );
    expect(t.tcp.get(80)).toBe('http');
    expect(t.others).toEqual([
      { proto: 'tcp', port: 80, name: 'www' },
      { proto: 'tcp', port: 80, name: 'WWW-http' },
      { proto: 'tcp', port: 80, name: 'www-alt' },
      { proto: 'udp', port: 53, name: 'nameserver' },
      { proto: 'udp', port: 80, name: 'www' },
      { proto: 'tcp', port: 81, name: 'ok-alias' },
    ]);
    expect(tableVocabulary(t)).toEqual({
      source: '/etc/services',
      names: ['bad', 'domain', 'http'],
      aliases: [
        ['www', 'http'],
        ['www-http', 'http'],
        ['www-alt', 'http'],
        ['nameserver', 'domain'],
        ['ok-alias', 'bad'],
      ],
    });
    // The bundled registry has one name a port.
    const b = tableVocabulary(bundledServices());
    expect(b.names).toContain('https');
    expect(b.aliases).toEqual([]);
    expect(b.source).toBe('the IANA registry NetLens bundles');
  });

  it('reads the OS database where it exists, else falls back to the bundled IANA registry and says so', () => {
    expect(servicesPath('win32', { SystemRoot: 'C:\\Windows' })).toBe(
      join('C:\\Windows', 'System32', 'drivers', 'etc', 'services'),
    );
    if (existsSync('/etc/services')) {
      const os = loadServices('/etc/services');
      expect(os.source).toBe('/etc/services');
      expect(os.tcp.get(22)).toBe('ssh');
      expect(os.diagnostics.notes).toEqual([]);
    }
    const missing = loadServices(join(tmp, 'no-such-services'));
    expect(missing.source).toMatch(/IANA/);
    expect(missing.diagnostics.notes[0]).toMatch(/bundled IANA registry: .*no-such-services is unreadable \(ENOENT\)/);
    expect(missing.tcp.get(443)).toBe('https');
    const empty = join(tmp, 'empty-services');
    writeFileSync(empty, '# nothing here\n');
    expect(loadServices(empty).diagnostics.notes[0]).toMatch(/lists no tcp or udp services/);
  });

  it('bundles thousands of IANA names for both protocols', () => {
    const b = bundledServices();
    expect(b.tcp.size).toBeGreaterThan(5000);
    expect(b.udp.size).toBeGreaterThan(5000);
    expect([b.tcp.get(22), b.tcp.get(443), b.udp.get(53), b.udp.get(5353)]).toEqual(['ssh', 'https', 'domain', 'mdns']);
  });
});

describe('places', () => {
  it('labels special ranges without loading the databases, then loads them on the first public address', () => {
    const p = new Places();
    expect(p.lookup('10.0.0.1')).toEqual({ country: 'LAN', asn: null, asOrg: null });
    expect(p.lookup('127.0.0.1').country).toBe('loopback');
    expect(p.lookup('fe80::1%eth0').country).toBe('link-local');
    expect(p.lookup('100.64.3.4').country).toBe('CGNAT');
    expect(p.lookup('224.0.0.251').country).toBe('multicast');
    expect(p.lookup('192.0.2.1').country).toBe('documentation');
    expect(p.loaded).toBe(false);
    expect(p.lookup('8.8.8.8')).toEqual({ country: 'US', asn: 15169, asOrg: 'Google LLC' });
    expect(p.loaded).toBe(true);
    expect(p.problems).toEqual([]);
  });

  it('finds IPv6 and IPv4-mapped public addresses', () => {
    const p = new Places();
    expect(p.lookup('2001:4860:4860::8888')).toMatchObject({ country: 'US', asn: 15169 });
    expect(p.lookup('::ffff:8.8.8.8')).toMatchObject({ country: 'US', asn: 15169 });
    expect(p.lookup('1.1.1.1').asn).toBe(13335);
  });

  it('reports a missing database once and answers with nothing rather than failing', () => {
    const p = new Places(join(tmp, 'no-data'));
    expect(p.lookup('8.8.8.8')).toEqual({ country: null, asn: null, asOrg: null });
    expect(p.problems.join('\n')).toMatch(/country\.mmdb is missing[\s\S]*asn\.bin is missing/);
  });

  it('keeps at most PLACE_CACHE_MAX answers, and a cached lookup costs a Map lookup', () => {
    const p = new Places();
    const addresses = Array.from(
      { length: PLACE_CACHE_MAX + 1000 },
      (_, i) => `11.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    );
    for (const a of addresses) p.lookup(a);
    expect(p.cacheSize).toBe(PLACE_CACHE_MAX);
    // The figure the issue asks for (under 1 µs per cached address), printed, never asserted: timings
    // belong to benchmarks (npm run bench:names prints the same against a plain Map).
    const warm = addresses.slice(-10_000);
    for (const a of warm) p.lookup(a);
    const started = performance.now();
    const rounds = 20;
    for (let r = 0; r < rounds; r++) for (const a of warm) p.lookup(a);
    const ns = ((performance.now() - started) * 1e6) / (rounds * warm.length);
    console.log(`places: cached lookup ${ns.toFixed(0)} ns per address`);
    expect(p.lookup(warm[0]!).country).toBe('US');
  });
});

describe('the names dataset', () => {
  const rows = [
    conn({ localPort: 22, state: 'LISTEN' }),
    conn({ localPort: 51000, remoteAddress: '8.8.8.8', remotePort: 53, proto: 'udp' }),
    conn({ localPort: 51001, remoteAddress: '8.8.8.8', remotePort: 443 }),
    conn({ localPort: 51002, remoteAddress: '192.168.1.1', remotePort: 80 }),
    conn({ proto: 'unix', family: 'unix', localAddress: '', remoteAddress: '', path: '/run/x' }),
  ];

  it('has one entry per named port and per remote address, and keeps unchanged entries as they were', () => {
    const book = new NameBook({ services: bundledServices });
    const first = book.update(rows);
    const byId = new Map(first.map((e) => [e.id, e]));
    expect([...byId.keys()].sort()).toEqual(['192.168.1.1', '8.8.8.8', 'tcp/22', 'tcp/443', 'tcp/80', 'udp/53']);
    expect(byId.get('8.8.8.8')).toEqual({
      id: '8.8.8.8',
      service: null,
      host: null,
      country: 'US',
      asn: 15169,
      asOrg: 'Google LLC',
    });
    expect(byId.get('192.168.1.1')?.country).toBe('LAN');
    expect(byId.get('udp/53')?.service).toBe('domain');
    const second = book.update(rows.map((r) => ({ ...r })));
    for (const e of second) expect(e).toBe(byId.get(e.id));
    expect(book.update(rows.slice(0, 1)).map((e) => e.id)).toEqual(['tcp/22']);
  });

  it('follows the connections read in flight', async () => {
    let release: (r: DatasetResult<Connection>) => void = () => {};
    const os = {
      connections: { read: () => new Promise<DatasetResult<Connection>>((resolve) => (release = resolve)) },
      routes: { read: async () => ({ rows: [], diagnostics: emptyDiagnostics() }) },
      interfaces: { read: async () => ({ rows: [], diagnostics: emptyDiagnostics() }) },
      statistics: { read: async () => ({ rows: [], diagnostics: emptyDiagnostics() }) },
      multicast: { read: async () => ({ rows: [], diagnostics: emptyDiagnostics() }) },
      processes: { read: async () => ({ rows: [], diagnostics: emptyDiagnostics() }) },
    };
    const names = new NamesCollector(new NameBook({ services: bundledServices }));
    const collectors = withNames(os, names);
    const connections = collectors.connections.read();
    const entries = collectors.names.read();
    release({ rows, diagnostics: emptyDiagnostics() });
    await connections;
    expect((await entries).rows.map((e) => e.id)).toContain('8.8.8.8');
  });

  it('describes the last read without keeping its rows', async () => {
    const names = new NamesCollector(new NameBook({ services: bundledServices }));
    // The rows are made and let go in here: only the collector could keep them.
    const watched = await (async () => {
      const read = rows.map((r) => ({ ...r }));
      names.follow(Promise.resolve({ rows: read, diagnostics: emptyDiagnostics() }));
      await names.read();
      return new WeakRef(read[2]!);
    })();
    await collectGarbage();
    expect(watched.deref()).toBeUndefined();
    // A read with none in flight describes the last one.
    const ids = (await names.read()).rows.map((e) => e.id).sort();
    expect(ids).toEqual(['192.168.1.1', '8.8.8.8', 'tcp/22', 'tcp/443', 'tcp/80', 'udp/53']);
  });

  it('describes rows its collector keeps from read to read as they are, the same as copies', async () => {
    const names = new NamesCollector(new NameBook({ services: bundledServices }));
    const read = rows.map((r) => ({ ...r }));
    names.follow(Promise.resolve({ rows: read, diagnostics: emptyDiagnostics(), keptRows: true }));
    const kept = (await names.read()).rows;
    const copied = new NamesCollector(new NameBook({ services: bundledServices }));
    copied.follow(Promise.resolve({ rows: read, diagnostics: emptyDiagnostics() }));
    expect(kept).toEqual((await copied.read()).rows);
    expect(kept.map((e) => e.id).sort()).toEqual(['192.168.1.1', '8.8.8.8', 'tcp/22', 'tcp/443', 'tcp/80', 'udp/53']);
  });
});
