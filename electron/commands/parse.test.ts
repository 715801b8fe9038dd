// `netlens parse`: names the format, prints a table or JSON rows, and exits non-zero with a clear message
// for error texts, unknown formats and missing files.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommand } from './parse.js';
import { supportedList } from '../capture/index.js';

const file = (p: string): string => fileURLToPath(new URL(`../../test/fixtures/captures/${p}`, import.meta.url));

function capture(): { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((s: unknown) => void out.push(String(s)));
  vi.spyOn(console, 'error').mockImplementation((s: unknown) => void err.push(String(s)));
  return { out, err };
}

/** A temporary folder for files a test writes, removed after the test. */
const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'netlens-parse-test-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  vi.restoreAllMocks();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

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

  it('ends with one sentence naming the file, not a hang or a full memory, on a folder, a device, an empty file and a file past the size limit', async () => {
    const io = capture();
    const dir = tempDir();
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '');
    // Sparse: 33 MB that take no disk.
    const big = join(dir, 'big.txt');
    writeFileSync(big, '');
    truncateSync(big, 33 * 1024 * 1024);
    const folder = fileURLToPath(new URL('.', import.meta.url));
    for (const [path, message] of [
      [folder, `${folder} is a folder, not a capture file`],
      ['/dev/zero', '/dev/zero is a device, not a capture file'],
      ['/dev/null', '/dev/null is a device, not a capture file'],
      [empty, `${empty} is empty`],
      [big, `${big} is larger than 32 MB`],
    ] as const) {
      io.err.length = 0;
      expect(await parseCommand.run([path])).toBe(1);
      expect(io.err).toEqual([`netlens parse: ${message}`]);
    }
  });

  it('shows a hostile file name inert in its messages', async () => {
    const io = capture();
    const hostile = join(tempDir(), 'x\u001b[2J\u202etxt.exe');
    writeFileSync(hostile, 'hello\nthis is a shopping list\n');
    expect(await parseCommand.run([hostile])).toBe(1);
    const said = io.err.join('\n');
    expect(said).toMatch(/^netlens parse: The format of x\\x1b\[2J\\u202etxt\.exe was not recognised/);
    expect(said).not.toMatch(/[\u001b\u202e]/);
    // The formats it knows, a line each and all of them (one line of `\n`s, cut at 500 characters, before).
    expect(io.err[0]).toMatch(/was not recognised\. Supported formats:$/);
    expect(io.err.slice(1)).toEqual(supportedList().split('\n'));
    expect(io.err.at(-1)).not.toMatch(/more characters/);
  });
});
