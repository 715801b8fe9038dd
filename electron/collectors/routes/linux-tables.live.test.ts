// Live: the Routes collector in a network namespace of the test's own sees a route added to a table other than main,
// and an interface renamed, at its next read, and at rest runs no ip however much time goes by. It runs in a process
// started in the namespace (`ip netns exec`), whose clock the test moves forward (Date.now) instead of waiting, with
// an `ip` first on its PATH that counts its runs before it runs the real one.
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleScript } from '../../../test/bundle-script.js';
import { NetlinkDumper } from '../linux/netlink.js';
import { killAllIn } from '../../../test/namespaces.js';
import { until } from '../../../test/until.js';

const NS = `fleetroutes${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), 'netlens-routes-'));

const SCRIPT = (linux: string) => `
import { createInterface } from 'node:readline';
import { LinuxRoutesCollector } from ${JSON.stringify(linux)};
let ahead = 0;
const clock = Date.now;
Date.now = () => clock() + ahead;
const collector = new LinuxRoutesCollector();
createInterface({ input: process.stdin }).on('line', async (line) => {
  if (line.startsWith('ahead ')) {
    ahead += Number(line.slice(6));
    console.log('{}');
    return;
  }
  const r = await collector.read();
  console.log(JSON.stringify({
    routes: r.rows.map((x) => x.family + ' ' + x.table + ' ' + x.destination + '/' + x.prefixLength + ' ' + x.iface),
    notes: r.diagnostics.notes,
  }));
});
`;

const inNs = (...args: string[]) => execFileSync('ip', ['-n', NS, ...args], { stdio: 'pipe' });

// Root for the namespace; and netlink (without it the collector goes back to the clock, as linux.test.ts checks).
const root = process.platform === 'linux' && process.getuid?.() === 0 && NetlinkDumper.unavailable() === null;

describe.runIf(root)('LinuxRoutesCollector in a namespace of its own', () => {
  let child: ChildProcessWithoutNullStreams | null = null;
  let lines: AsyncIterator<string> | null = null;

  beforeAll(async () => {
    execFileSync('ip', ['netns', 'add', NS]);
    inNs('link', 'set', 'lo', 'up');
    // IPv6 on lo alone: the veths get no link-local address, whose routes would come a moment after they are up.
    execFileSync('ip', ['netns', 'exec', NS, 'sysctl', '-q', '-w', 'net.ipv6.conf.default.disable_ipv6=1']);
    inNs('link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd0p');
    inNs('link', 'set', 'd0', 'up');
    inNs('link', 'set', 'd0p', 'up');
    inNs('addr', 'add', '10.9.0.1/24', 'dev', 'd0');
    // d2: no address: its only route is in table 100 (/proc/net/route never names it).
    inNs('link', 'add', 'd2', 'type', 'veth', 'peer', 'name', 'd2p');
    inNs('link', 'set', 'd2', 'up');
    inNs('link', 'set', 'd2p', 'up');
    inNs('route', 'add', '10.98.0.0/24', 'dev', 'd2', 'table', '100');
    // The kernel marks a link's carrier, and clears its routes' linkdown flags, a moment after it comes up
    // (linkwatch): the namespace is at rest once every veth is up and no route is linkdown.
    await until('the veths up', () => {
      const links = JSON.parse(inNs('-j', 'link', 'show', 'type', 'veth').toString()) as { operstate: string }[];
      const routes = JSON.parse(inNs('-j', 'route', 'show', 'table', 'all').toString()) as { flags?: string[] }[];
      return (
        links.length === 4 &&
        links.every((l) => l.operstate === 'UP') &&
        routes.every((r) => !r.flags?.includes('linkdown'))
      );
    });
  });

  afterAll(() => {
    child?.kill('SIGKILL');
    killAllIn(NS);
    execFileSync('ip', ['netns', 'del', NS]);
    rmSync(dir, { recursive: true, force: true });
  });

  /** Sends a line to the collector's process and gives its answer (within 20 s, or fails). */
  async function ask(line: string): Promise<{ routes: string[]; notes: string[] }> {
    child!.stdin.write(`${line}\n`);
    let timer: NodeJS.Timeout | undefined;
    const answer = await Promise.race([
      lines!.next(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer to ${line}`)), 20_000);
      }),
    ]).finally(() => clearTimeout(timer));
    if (answer.done) throw new Error(`the collector's process ended: ${readFileSync(join(dir, 'err'), 'utf8')}`);
    return JSON.parse(answer.value) as { routes: string[]; notes: string[] };
  }

  const ipRuns = () => (existsSync(join(dir, 'runs')) ? readFileSync(join(dir, 'runs'), 'utf8').length : 0);

  /** Reads until `wanted` is among the routes, twice at most; how many reads that took (0: not seen). */
  async function readsUntil(wanted: string): Promise<number> {
    for (let n = 1; n <= 2; n++) if ((await ask('read')).routes.includes(wanted)) return n;
    return 0;
  }

  it('sees a route of table 100 and a rename at the next read, and runs no ip at rest', async () => {
    const bundle = await bundleScript(dir, 'routes', SCRIPT(join(__dirname, 'linux.ts')));
    const realIp = execFileSync('sh', ['-c', 'command -v ip'], { encoding: 'utf8' }).trim();
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'bin', 'ip'), `#!/bin/sh\necho >> "${join(dir, 'runs')}"\nexec "${realIp}" "$@"\n`, {
      mode: 0o755,
    });
    const err = join(dir, 'err');
    writeFileSync(err, '');
    child = spawn(
      'ip',
      ['netns', 'exec', NS, 'env', `PATH=${join(dir, 'bin')}:${process.env.PATH}`, process.execPath, bundle],
      { cwd: process.cwd() },
    );
    child.stderr.on('data', (d: Buffer) => writeFileSync(err, d, { flag: 'a' }));
    lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();

    const first = await ask('read');
    expect(first.notes).toEqual([]);
    expect(first.routes).toContain('inet main 10.9.0.0/24 d0');
    expect(first.routes).toContain('inet 100 10.98.0.0/24 d2');
    const atStart = ipRuns();
    expect(atStart).toBe(2); // -4 and -6

    // At rest, a minute on: no ip (main ran it every 10 s).
    for (let i = 0; i < 6; i++) {
      await ask('ahead 11000');
      expect((await ask('read')).routes).toContain('inet 100 10.98.0.0/24 d2');
    }
    expect(ipRuns()).toBe(atStart);

    // A route to table 100 of each family, at the next read (main: /proc's files do not list it; 10 s later).
    inNs('route', 'add', '10.99.0.0/24', 'dev', 'd0', 'table', '100');
    expect(await readsUntil('inet 100 10.99.0.0/24 d0')).toBe(1);
    inNs('-6', 'route', 'add', '2001:db8:2::/64', 'dev', 'lo', 'table', '100');
    expect(await readsUntil('inet6 100 2001:db8:2::/64 lo')).toBe(1);
    expect(ipRuns()).toBe(atStart + 4);

    // d2 renamed while up: its route in table 100 shows the new name.
    inNs('link', 'set', 'd2', 'name', 'd3');
    expect(await readsUntil('inet 100 10.98.0.0/24 d3')).toBe(1);
    const settled = ipRuns();
    await ask('ahead 11000');
    await ask('read');
    expect(ipRuns()).toBe(settled);
  }, 90_000);
});
