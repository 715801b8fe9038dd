// Reverse DNS against real servers on loopback: dnsmasq answering PTR records, a server that never answers,
// and a responder that counts concurrent queries. No query leaves 127.0.0.1.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../../test/until.js';
import { parseDnsServer } from '../../../shared/names.js';
import { emptyDiagnostics, type Connection } from '../../../shared/types.js';
import { NameBook } from './book.js';
import { testConnection } from './testing/connections.js';
import { NamesCollector } from './index.js';
import { cleanHostName, ptrAnswerName, HostResolver, parseHostsFile, reverseName } from './resolver.js';
import { shortHost } from '../../../shared/names.js';
import { bundledServices } from './services.js';
import { createInThreadMonitor } from '../../monitor/monitor.js';
import { SyntheticConnections, syntheticCollectors } from '../../monitor/testing/synthetic.js';
import {
  ptrName,
  startCountingResponder,
  startDnsmasq,
  startSilentServer,
  type RunningDnsmasq,
} from './testing/dns-servers.js';

const tmp = mkdtempSync(join(tmpdir(), 'names-resolver-'));
const hostsFile = join(tmp, 'hosts');
writeFileSync(
  hostsFile,
  '# test hosts\n127.0.0.1\tlocalhost.names.test localhost\n::1 ip6-localhost\n10.9.9.9 filed.names.test\nbad line\n127.0.0.7 \u202eevil\n',
);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const server = (text: string) => parseDnsServer(text)!;

function conn(remoteAddress: string, i = 0): Connection {
  return testConnection({ localAddress: '127.0.0.1', localPort: 40000 + (i % 20000), remoteAddress, remotePort: 443 });
}

describe('host names from files and answers', () => {
  it('keeps only names DNS can hold', () => {
    expect(cleanHostName('dns.google.')).toBe('dns.google');
    expect(cleanHostName('a_b-c.example')).toBe('a_b-c.example');
    for (const bad of [
      '',
      '.',
      'has space.example',
      'evil\u202e.example',
      `${'x'.repeat(64)}.example`,
      'a..b',
      `${'a.'.repeat(130)}b`,
    ])
      expect(cleanHostName(bad), bad).toBeNull();
  });

  it('refuses a PTR name that reads as an address: it would pass for another address in its place', () => {
    for (const spoof of ['127.0.0.1', '10.0.0.1.', '192.168.1.10', '10', '0x7f.1', '0X7F000001', 'evil.example.1'])
      expect(cleanHostName(spoof), spoof).toBeNull();
    for (const ok of ['1e100.net', '1.2.3.4.in-addr.example', '10-0-0-1.isp.example', 'x0.example'])
      expect(cleanHostName(ok), ok).toBe(ok);
  });

  it('refuses a localhost name for an address that is not loopback (RFC 6761 names it loopback only)', () => {
    for (const [address, name] of [
      ['192.0.2.7', 'localhost'],
      ['192.0.2.7', 'LOCALHOST.'],
      ['2001:db8::7', 'db.localhost'],
      ['::ffff:192.0.2.7', 'localhost'],
    ])
      expect(ptrAnswerName(address!, name), `${address} ${name}`).toBeNull();
    expect(ptrAnswerName('127.0.0.1', 'localhost')).toBe('localhost');
    expect(ptrAnswerName('::1', 'ip6-localhost.localhost')).toBe('ip6-localhost.localhost');
    expect(ptrAnswerName('192.0.2.7', 'notlocalhost.example')).toBe('notlocalhost.example');
    expect(ptrAnswerName('192.0.2.7', 'localhost.example')).toBe('localhost.example');
  });

  it('shows such a name whole where netstat shows a first label: the short form never reads as this machine or an address', () => {
    // An attacker's PTR answers (review of 12-06): `localhost:4433` and `2130706433:4433` (127.0.0.1 to inet_aton).
    for (const name of ['localhost.evil.test', 'LocalHost.evil.test', '2130706433.evil.test', '0x7f000001.evil.test'])
      expect(shortHost(ptrAnswerName('192.0.2.7', name)!), name).toBe(name);
    expect(shortHost('web1.example.com')).toBe('web1');
    expect(shortHost('1e100.net')).toBe('1e100');
    expect(shortHost('10-0-0-1.isp.example')).toBe('10-0-0-1');
  });

  it('asks for the PTR names of IPv4, IPv4-mapped and IPv6 addresses', () => {
    expect(reverseName('192.0.2.10')).toBe('10.2.0.192.in-addr.arpa');
    expect(reverseName('::ffff:192.0.2.10')).toBe('10.2.0.192.in-addr.arpa');
    expect(reverseName('2001:db8::1')).toBe('1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa');
    expect(reverseName('fe80::1%eth0')).toBe(
      '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.e.f.ip6.arpa',
    );
  });

  it('parses a hosts file: first name per address, whatever its spelling', () => {
    const m = parseHostsFile('127.0.0.1 localhost\n127.0.0.1 other\n0:0::1 six\n# 10.0.0.1 commented\n10.0.0.2\n');
    expect([...m.values()]).toEqual(['localhost', 'six']);
  });
});

describe('reverse DNS against dnsmasq', () => {
  let dnsmasq: RunningDnsmasq;
  beforeAll(async () => {
    dnsmasq = await startDnsmasq({
      ptr: [
        ['127.0.0.2', 'peer.names.test'],
        // A reverse zone's owner answering with another address, as a name.
        ['127.0.0.4', '127.0.0.1'],
        ['127.0.0.5', '10.0.0.1'],
        // A documentation address's reverse zone claiming to be this machine (asked of dnsmasq on loopback).
        ['192.0.2.7', 'localhost'],
      ],
      hosts: [['web.names.test', '127.0.0.3']],
    });
  });
  afterAll(() => dnsmasq?.stop());

  it('never shows a PTR answer that reads as an address: 127.0.0.4 does not pass for 127.0.0.1', async () => {
    const r = new HostResolver({ enabled: true, server: server(dnsmasq.server), hostsPath: hostsFile });
    for (const a of ['127.0.0.4', '127.0.0.5', '127.0.0.2']) r.host(a);
    await r.settle();
    expect(r.host('127.0.0.4')).toBeNull();
    expect(r.host('127.0.0.5')).toBeNull();
    expect(r.host('127.0.0.2')).toBe('peer.names.test');
    expect(r.stats).toMatchObject({ queries: 3, answered: 1, failed: 2 });
  });

  it('never shows localhost for a peer that is not loopback', async () => {
    const r = new HostResolver({ enabled: true, server: server(dnsmasq.server), hostsPath: hostsFile });
    r.host('192.0.2.7');
    await r.settle();
    expect(r.host('192.0.2.7')).toBeNull();
    expect(r.stats).toMatchObject({ queries: 1, failed: 1 });
  });

  it('asks a named server about every address, loopback included, and caches answers and failures', async () => {
    const r = new HostResolver({ enabled: true, server: server(dnsmasq.server), hostsPath: hostsFile });
    for (const a of ['127.0.0.2', '127.0.0.3', '127.0.0.9', '127.0.0.1']) expect(r.host(a)).toBeNull();
    expect(r.stats.inFlight + r.stats.queued).toBe(4);
    await r.settle();
    expect(r.host('127.0.0.2')).toBe('peer.names.test');
    expect(r.host('127.0.0.3')).toBe('web.names.test');
    expect(r.host('127.0.0.9')).toBeNull();
    // The hosts file is not consulted when the user named a server: the answer is dnsmasq's (it names its own
    // listening address after the machine), never the test hosts file's.
    expect(r.host('127.0.0.1')).not.toBe('localhost.names.test');
    expect(r.stats).toMatchObject({ queries: 4, fromHosts: 0 });
    expect(r.stats.answered).toBeGreaterThanOrEqual(2);
    // Cached: asking again sends nothing.
    r.host('127.0.0.2');
    r.host('127.0.0.9');
    expect(r.stats.queries).toBe(4);
  });

  it('asks again once an answer or a failure has expired, and forgets what another server said', async () => {
    let now = 1_000_000;
    const r = new HostResolver({
      enabled: true,
      server: server(dnsmasq.server),
      answerTtlMs: 1000,
      failureTtlMs: 500,
      now: () => now,
    });
    r.host('127.0.0.2');
    r.host('127.0.0.9');
    await r.settle();
    now += 600;
    expect(r.host('127.0.0.2')).toBe('peer.names.test');
    expect(r.host('127.0.0.9')).toBeNull();
    expect(r.stats.queries).toBe(3);
    await r.settle();
    now += 600;
    r.host('127.0.0.2');
    expect(r.stats.queries).toBe(4);
    await r.settle();
    r.configure({ enabled: true, server: server('127.0.0.1:9') });
    expect(r.stats.cached).toBe(0);
  });

  it('fills the names dataset in as answers arrive, and empties it when resolution is turned off', async () => {
    const r = new HostResolver({ enabled: true, server: server(dnsmasq.server) });
    const names = new NamesCollector(new NameBook({ services: bundledServices, hosts: r }));
    const rows = [conn('127.0.0.2'), conn('127.0.0.3', 1)];
    names.follow(Promise.resolve({ rows, diagnostics: emptyDiagnostics() }));
    const first = await names.read();
    expect(first.rows.filter((e) => e.service === null).map((e) => e.host)).toEqual([null, null]);
    expect(first.diagnostics.notes.join('\n')).toMatch(/reverse DNS asked of 127\.0\.0\.1:\d+ for every address/);
    await r.settle();
    const second = await names.read();
    expect(Object.fromEntries(second.rows.filter((e) => e.service === null).map((e) => [e.id, e.host]))).toEqual({
      '127.0.0.2': 'peer.names.test',
      '127.0.0.3': 'web.names.test',
    });
    r.configure({ enabled: false, server: server(dnsmasq.server) });
    const third = await names.read();
    expect(third.rows.filter((e) => e.service === null).map((e) => e.host)).toEqual([null, null]);
    expect(third.diagnostics.notes).toContain('host names: not resolved');
  });
});

describe("the client's choice reaches the resolver through the monitor", () => {
  it('turns resolution on and off, and names a server or goes back to the one the process started with', async () => {
    const names = NamesCollector.withResolver({ server: server('127.0.0.1:9') });
    const collectors = { ...syntheticCollectors(new SyntheticConnections(5, 0)), names };
    const monitor = createInThreadMonitor({ collectors });
    try {
      const client = monitor.attach(() => {});
      const resolver = names.book.hosts as HostResolver;
      expect(resolver.active).toBe(false);
      client.handle({ type: 'setNames', resolve: true, dnsServer: null });
      expect(resolver.active).toBe(true);
      expect(resolver.describe()).toMatch(/asked of 127\.0\.0\.1:9 /);
      client.handle({ type: 'setNames', resolve: true, dnsServer: '127.0.0.1:5300' });
      expect(resolver.describe()).toMatch(/asked of 127\.0\.0\.1:5300 /);
      client.handle({ type: 'setNames', resolve: false, dnsServer: null });
      expect(resolver.active).toBe(false);
      expect(resolver.describe()).toBe('host names: not resolved');
    } finally {
      await monitor.close();
    }
  });
});

describe('reverse DNS with the system resolver', () => {
  it('answers loopback and link-local from the hosts file alone and sends other addresses to the DNS server', async () => {
    const silent = await startSilentServer();
    try {
      const r = new HostResolver({
        enabled: true,
        hostsPath: hostsFile,
        systemServers: [silent.server],
        timeoutMs: 200,
      });
      expect(r.host('127.0.0.1')).toBe('localhost.names.test');
      expect(r.host('::1')).toBe('ip6-localhost');
      expect(r.host('10.9.9.9')).toBe('filed.names.test');
      for (const local of ['127.0.0.5', '127.0.0.7', 'fe80::1%lo', '169.254.1.1', '0.0.0.0', '::'])
        expect(r.host(local), local).toBeNull();
      expect(r.host('192.0.2.10')).toBeNull();
      await r.settle();
      expect(silent.asked).toEqual([ptrName('192.0.2.10')]);
      expect(r.stats).toMatchObject({ queries: 1, timedOut: 1, fromHosts: 3 });
    } finally {
      silent.close();
    }
  });

  it('never delays a read of names: it returns while every query to a silent server is still running', async () => {
    const silent = await startSilentServer();
    try {
      const r = new HostResolver({ enabled: true, server: server(silent.server), timeoutMs: 5000 });
      const names = new NamesCollector(new NameBook({ services: bundledServices, hosts: r }));
      const rows = Array.from({ length: 50 }, (_, i) => conn(`10.1.0.${i + 1}`, i));
      for (let tick = 0; tick < 5; tick++) {
        names.follow(Promise.resolve({ rows, diagnostics: emptyDiagnostics() }));
        const result = await names.read();
        expect(result.rows.filter((e) => e.service === null)).toHaveLength(50);
        expect(r.stats.inFlight).toBe(8);
        expect(r.stats.queued).toBe(42);
      }
      await until('the queries to reach the server', () => silent.asked.length === 8);
      expect(r.stats.queries).toBe(8);
    } finally {
      silent.close();
    }
  });
});

describe('a DNS server that does not answer is asked again sooner than a name that does not exist', () => {
  it('asks again after retryMs, doubling with each timeout in a row; a missing name waits failureTtlMs', async () => {
    const silent = await startSilentServer();
    try {
      let now = 1_000_000;
      const r = new HostResolver({
        enabled: true,
        server: server(silent.server),
        timeoutMs: 100,
        retryMs: 1000,
        failureTtlMs: 60_000,
        now: () => now,
      });
      const askedAfter = async (ms: number) => {
        now += ms;
        r.host('192.0.2.10');
        await r.settle();
        return r.stats.queries;
      };
      expect(await askedAfter(0)).toBe(1);
      expect(r.stats.timedOut).toBe(1);
      expect(await askedAfter(999)).toBe(1);
      expect(await askedAfter(2)).toBe(2);
      // The second timeout in a row: two seconds.
      expect(await askedAfter(1999)).toBe(2);
      expect(await askedAfter(2)).toBe(3);
      // Never longer than a failure's TTL.
      for (let i = 0; i < 12; i++) await askedAfter(60_001);
      expect(r.stats.queries).toBe(15);
      expect(await askedAfter(59_000)).toBe(15);
    } finally {
      silent.close();
    }
  });

  it('treats SERVFAIL as no answer (asked again soon) and NXDOMAIN as no name (asked after failureTtlMs)', async () => {
    const servfail = await startCountingResponder(0, 2);
    const nxdomain = await startCountingResponder(0, 3);
    try {
      let now = 1_000_000;
      const make = (s: string) =>
        new HostResolver({ enabled: true, server: server(s), retryMs: 1000, failureTtlMs: 60_000, now: () => now });
      const failing = make(servfail.server);
      const missing = make(nxdomain.server);
      for (const r of [failing, missing]) {
        expect(r.host('192.0.2.20')).toBeNull();
        await r.settle();
      }
      expect(failing.stats).toMatchObject({ queries: 1, unanswered: 1, failed: 0 });
      expect(missing.stats).toMatchObject({ queries: 1, unanswered: 0, failed: 1 });
      expect(failing.diagnostics().notes.join(' ')).toMatch(/1 failed by the server/);
      now += 1001;
      for (const r of [failing, missing]) {
        r.host('192.0.2.20');
        await r.settle();
      }
      expect(failing.stats.queries).toBe(2);
      expect(missing.stats.queries).toBe(1);
    } finally {
      servfail.close();
      nxdomain.close();
    }
  });
});

describe('reverse DNS under a burst of 10,000 distinct addresses', () => {
  const addresses = Array.from({ length: 10_000 }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);

  it('runs at most 8 queries at once, never asks one address twice at once, and keeps the cache bounded', async () => {
    const responder = await startCountingResponder(2);
    try {
      const r = new HostResolver({
        enabled: true,
        server: server(responder.server),
        maxEntries: 1000,
        maxQueue: 20_000,
      });
      for (const a of addresses) r.host(a);
      for (const a of addresses) r.host(a); // a second tick before any answer: nothing is asked twice
      expect(r.stats.queued + r.stats.inFlight).toBe(10_000);
      await r.settle();
      expect(r.stats.queries).toBe(10_000);
      expect(responder.received).toBe(10_000);
      expect(r.stats.maxInFlight).toBe(8);
      expect(responder.maxOutstanding).toBeLessThanOrEqual(8);
      expect(r.stats.failed).toBe(10_000);
      expect(r.stats.cached).toBe(1000);
    } finally {
      responder.close();
    }
  }, 60_000);

  it('keeps the queue bounded: what does not fit waits for a later tick', async () => {
    const silent = await startSilentServer();
    try {
      const r = new HostResolver({ enabled: true, server: server(silent.server), maxQueue: 100, timeoutMs: 5000 });
      for (const a of addresses) r.host(a);
      expect(r.stats).toMatchObject({ inFlight: 8, queued: 100, maxQueued: 100, dropped: 10_000 - 108 });
      r.configure({ enabled: false, server: server(silent.server) });
      expect(r.stats.queued).toBe(0);
      expect(r.host(addresses[0]!)).toBeNull();
      expect(r.stats.dropped).toBe(10_000 - 108);
    } finally {
      silent.close();
    }
  });
});
