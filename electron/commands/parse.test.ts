// `netlens parse`: names the format, prints a table or JSON rows, and exits non-zero with a clear message
// for error texts, unknown formats and missing files.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fileURLToPath } from 'node:url';
import { parseCommand } from './parse.js';

const file = (p: string): string => fileURLToPath(new URL(`../../test/fixtures/captures/${p}`, import.meta.url));

function capture(): { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((s: unknown) => void out.push(String(s)));
  vi.spyOn(console, 'error').mockImplementation((s: unknown) => void err.push(String(s)));
  return { out, err };
}

afterEach(() => vi.restoreAllMocks());

describe('netlens parse', () => {
  it('prints the detected format and a table', async () => {
    const io = capture();
    expect(await parseCommand.run([file('freebsd/netstat-r.freebsd-12.txt')])).toBe(0);
    expect(io.out[0]).toBe('netstat-r.freebsd-12.txt: freebsd-netstat-r (routes, 13 rows)');
    expect(io.out[1]).toMatch(/192\.168\.71\.2/);
  });

  it('prints JSON rows with --json and honours --format', async () => {
    const io = capture();
    expect(await parseCommand.run([file('linux/ss-tupna.rhel-insights.txt'), '--json', '--format', 'ss-tulpen'])).toBe(
      0,
    );
    const result = JSON.parse(io.out.join('\n')) as { format: string; dataset: string; rows: unknown[] };
    expect(result).toMatchObject({ format: 'ss-tulpen', dataset: 'connections' });
    expect(result.rows).toHaveLength(33);
  });

  it('gives connections their service names and places (8.8.8.8 is Google, US, AS15169)', async () => {
    const io = capture();
    expect(await parseCommand.run([file('names/ss-tn.public-peers.txt'), '--json'])).toBe(0);
    const rows = (JSON.parse(io.out.join('\n')) as { rows: Record<string, unknown>[] }).rows;
    const peer = (address: string) => rows.find((r) => r.remoteAddress === address);
    expect(peer('8.8.8.8')).toMatchObject({
      remoteService: 'domain',
      remoteHost: null,
      remoteCountry: 'US',
      remoteAsn: 15169,
      remoteAsOrg: 'Google LLC',
    });
    expect(peer('2001:4860:4860::8888')).toMatchObject({
      remoteService: 'https',
      remoteCountry: 'US',
      remoteAsn: 15169,
    });
    expect(peer('1.1.1.1')).toMatchObject({ remoteAsn: 13335 });
    expect(peer('100.64.3.4')).toMatchObject({ remoteService: 'ssh', remoteCountry: 'CGNAT', remoteAsn: null });
    expect(peer('127.0.0.1')).toMatchObject({ localService: null, remoteCountry: 'loopback' });
    expect(peer('192.168.1.1')).toMatchObject({ remoteService: 'http', remoteCountry: 'LAN' });
    // A real capture: Firefox talking to a Google address (RedHatInsights/insights-core, SOURCES.md).
    io.out.length = 0;
    expect(await parseCommand.run([file('linux/ss-tupna.rhel-insights.txt'), '--json'])).toBe(0);
    const real = (JSON.parse(io.out.join('\n')) as { rows: Record<string, unknown>[] }).rows;
    expect(real.find((r) => r.remoteAddress === '74.125.200.17')).toMatchObject({
      remoteService: 'https',
      remoteAsn: 15169,
    });
  });

  it('fails clearly on an error text, an unknown format name and a missing file', async () => {
    const io = capture();
    expect(await parseCommand.run([file('windows/netstat-vb.error-not-elevated.txt')])).toBe(1);
    expect(io.err.join('\n')).toMatch(/requires elevation/);
    expect(await parseCommand.run([file('windows/netstat-ano.win10.txt'), '--format', 'nope'])).toBe(1);
    expect(io.err.join('\n')).toMatch(/Unknown format 'nope'/);
    expect(await parseCommand.run(['/netlens/no/such/file.txt'])).toBe(1);
    expect(io.err.join('\n')).toMatch(/no such file/);
    expect(await parseCommand.run([])).toBe(2);
  });

  it('ends with an error, not a hang or a full memory, on /dev/zero, a folder and a file past the size limit', async () => {
    const io = capture();
    expect(await parseCommand.run(['/dev/zero'])).toBe(1);
    expect(io.err.at(-1)).toMatch(/\/dev\/zero is larger than 32 MB/);
    expect(await parseCommand.run([fileURLToPath(new URL('.', import.meta.url))])).toBe(1);
    expect(io.err.at(-1)).toMatch(/is a folder, not a capture file$/);
    expect(io.err.join('\n')).not.toMatch(/Error: .*Error:/);
  });
});
