// `netlens metrics` as Prometheus meets it: the built CLI serving real collectors. promtool (the format's
// checker) passes its output, also for an interface whose name holds a quote and a backslash (in a network
// namespace this test owns); and a real Prometheus, started here on loopback with a temporary config and
// storage, scrapes it (once without a token on 127.0.0.1, once with the bearer token on 127.0.0.2) and
// answers a query for a known counter with a value this test brackets by reading /proc/net/dev itself.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, requireBuild, until } from './support.js';
import { stopProcess } from '../stop-process.js';

const PROMETHEUS = '/usr/bin/prometheus';
const PROMTOOL = '/usr/bin/promtool';
const NS = `fleetm${process.pid}`;
const isRoot = process.getuid?.() === 0;
/** Test timeouts generous enough for a machine loaded by other work. */
const TEST_MS = 180_000;

interface Running {
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

function run(argv: string[]): Running {
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return {
    child,
    output: () => out,
    stop: () => stopProcess(child),
  };
}

/** Starts `netlens metrics` and waits for its URL (and token, when it prints one). */
async function startMetrics(
  args: string[],
  prefix: string[] = [],
): Promise<Running & { url: string; token: string | null }> {
  const r = run([...prefix, process.execPath, CLI, 'metrics', '--port', '0', ...args]);
  // The last line of the start-up text says how to stop it: by then the URL and any token are printed.
  await until('the start-up text', () => r.output().includes('Press Ctrl+C'), 60_000);
  const url = /metrics at (http:\/\/\S+)/.exec(r.output())![1]!;
  const token = /Bearer token: ([0-9a-f]+)/.exec(r.output())?.[1] ?? null;
  return { ...r, url, token };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

function promtool(text: string): { status: number | null; output: string } {
  const r = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: r.status, output: r.stdout + r.stderr };
}

function loRxBytes(): number {
  const line = readFileSync('/proc/net/dev', 'utf8')
    .split('\n')
    .find((l) => l.trim().startsWith('lo:'))!;
  return Number(line.split(':')[1]!.trim().split(/\s+/)[0]);
}

/** Prints the text at argv[1], with the bearer token argv[2] when given, run by node inside a namespace (its
 *  loopback is its own). */
const FETCH_SCRIPT =
  "fetch(process.argv[1], { headers: process.argv[2] ? { Authorization: 'Bearer ' + process.argv[2] } : {} })" +
  '.then((r) => r.text()).then((t) => process.stdout.write(t))';
/** Runs a command as nobody (a user who can read the build but owns no process here). */
const AS_NOBODY = ['runuser', '-u', 'nobody', '--'];

const started: Running[] = [];
afterAll(async () => {
  for (const r of started) await r.stop();
  spawnSync('ip', ['netns', 'del', NS]);
});

describe.skipIf(process.platform !== 'linux')('netlens metrics', () => {
  it.skipIf(!existsSync(PROMTOOL) || !isRoot)(
    'passes promtool check metrics, with a quote and a backslash in an interface name',
    async () => {
      requireBuild();
      spawnSync('ip', ['netns', 'del', NS]);
      execFileSync('ip', ['netns', 'add', NS]);
      execFileSync('ip', ['-n', NS, 'link', 'set', 'lo', 'up']);
      const odd = 'fl"q\\x';
      execFileSync('ip', ['-n', NS, 'link', 'add', odd, 'type', 'veth', 'peer', 'name', 'fleetp1']);
      const m = await startMetrics([], ['ip', 'netns', 'exec', NS]);
      started.push(m);
      // Fetched from inside the namespace: its loopback is its own.
      // As root, a token on loopback too.
      const text = execFileSync('ip', ['netns', 'exec', NS, process.execPath, '-e', FETCH_SCRIPT, m.url, m.token!], {
        encoding: 'utf8',
      });
      expect(text).toContain('netlens_interface_receive_bytes_total{interface="fl\\"q\\\\x"} 0\n');
      expect(text).toMatch(/^netlens_netstat_ip_in_receives_total \d+$/m);
      expect(text).toMatch(/^netlens_netstat_tcp_curr_estab \d+$/m);
      const r = promtool(text);
      expect(r.output).toBe('');
      expect(r.status).toBe(0);
      // Every netstat -s counter is there: as many netstat families as `dump statistics` has rows.
      const counters = JSON.parse(
        execFileSync('ip', ['netns', 'exec', NS, process.execPath, CLI, 'dump', 'statistics', '--json'], {
          encoding: 'utf8',
        }),
      ) as unknown[];
      expect(text.match(/^# TYPE netlens_netstat_/gm)).toHaveLength(counters.length);
      await m.stop();
    },
    TEST_MS,
  );

  it.skipIf(!existsSync(PROMTOOL) || !isRoot || !existsSync('/usr/bin/socat'))(
    'exports TCP traffic per process name, which promtool passes',
    async () => {
      requireBuild();
      const ns = `fleetmp${process.pid}`;
      spawnSync('ip', ['netns', 'del', ns]);
      execFileSync('ip', ['netns', 'add', ns]);
      execFileSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
      const inNs = (cmd: string[]) => run(['ip', 'netns', 'exec', ns, ...cmd]);
      try {
        const m = await startMetrics([], ['ip', 'netns', 'exec', ns]);
        started.push(m);
        const scrape = () =>
          execFileSync('ip', ['netns', 'exec', ns, process.execPath, '-e', FETCH_SCRIPT, m.url, m.token!], {
            encoding: 'utf8',
          });
        // 20 MB from one socat to another over the namespace's loopback, the connection held open afterwards.
        const BYTES = 20_000_000;
        started.push(inNs(['socat', '-u', 'TCP-LISTEN:7777,bind=127.0.0.1', 'OPEN:/dev/null']));
        await until('the listener', () =>
          spawnSync('ip', ['netns', 'exec', ns, 'ss', '-tlnH', 'sport = :7777'], { encoding: 'utf8' }).stdout.trim(),
        );
        started.push(inNs(['sh', '-c', `{ head -c ${BYTES} /dev/zero; sleep 120; } | socat -u - TCP:127.0.0.1:7777`]));
        const value = (text: string, family: string) =>
          Number(new RegExp(`^${family}\\{process="socat"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? -1);
        const text = await until(
          "socat's bytes in /metrics",
          () => {
            const t = scrape();
            return value(t, 'netlens_process_sent_bytes_total') >= BYTES &&
              value(t, 'netlens_process_received_bytes_total') >= BYTES
              ? t
              : null;
          },
          60_000,
        );
        expect(text).toMatch(/^netlens_process_others_sent_bytes_total \d+$/m);
        expect(text).toContain('netlens_collector_success{dataset="processes"} 1\n');
        const r = promtool(text);
        expect(r.output).toBe('');
        expect(r.status).toBe(0);
      } finally {
        for (const pid of spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout.split('\n')) {
          if (/^\d+$/.test(pid)) spawnSync('kill', ['-KILL', pid]);
        }
        spawnSync('ip', ['netns', 'del', ns]);
      }
    },
    TEST_MS,
  );

  it(
    'keeps its token in --token-file (created owner-only) and refuses bad arguments',
    async () => {
      requireBuild();
      const dir = mkdtempSync(join(tmpdir(), 'fleet-token-'));
      const file = join(dir, 'token');
      try {
        const first = await startMetrics(['--host', '127.0.0.2', '--token-file', file]);
        started.push(first);
        expect(first.output()).toContain(`Bearer token: in ${file}`);
        const token = readFileSync(file, 'utf8').trim();
        expect(token).toMatch(/^[0-9a-f]{48}$/);
        expect(statSync(file).mode & 0o777).toBe(0o600);
        expect((await fetch(first.url, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
        await first.stop();
        // A second start reads the same token.
        const second = await startMetrics(['--host', '127.0.0.2', '--token-file', file]);
        started.push(second);
        expect((await fetch(second.url, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
        await second.stop();
        // Readable by others: used, with a warning as ssh gives.
        chmodSync(file, 0o644);
        const shared = await startMetrics(['--host', '127.0.0.2', '--token-file', file]);
        started.push(shared);
        expect(shared.output()).toContain(`WARNING: ${file} is readable by its group and every user (mode 0644)`);
        await shared.stop();
        // Writable by others, owned by another user, not a regular file: refused.
        const refused = (f: string) =>
          spawnSync(process.execPath, [CLI, 'metrics', '--host', '127.0.0.2', '--token-file', f], {
            encoding: 'utf8',
          });
        chmodSync(file, 0o620);
        expect(refused(file).stderr).toContain(`${file} can be changed by other users (mode 0620)`);
        chmodSync(file, 0o600);
        if (isRoot) {
          chownSync(file, 65534, 65534);
          expect(refused(file).stderr).toContain(`${file} belongs to another user (uid 65534)`);
          chownSync(file, 0, 0);
        }
        // A symbolic link (to a file root owns and everyone reads), and a folder anyone may write: refused.
        const link = join(dir, 'link');
        symlinkSync('/etc/hostname', link);
        expect(refused(link).stderr).toContain(`${link} is a symbolic link: name the file itself`);
        const open = join(dir, 'open');
        mkdirSync(open, { mode: 0o777 });
        chmodSync(open, 0o777);
        writeFileSync(join(open, 'token'), `${token}\n`, { mode: 0o600 });
        expect(refused(join(open, 'token')).stderr).toContain(`${open} can be changed by other users (mode 0777)`);
        // Sticky, as /tmp: others cannot swap the file, so the folder passes (and the next check speaks).
        chmodSync(open, 0o1777);
        writeFileSync(join(open, 'token'), 'short\n');
        expect(refused(join(open, 'token')).stderr).toContain('must hold one token');
        const fifo = join(dir, 'fifo');
        execFileSync('mkfifo', [fifo]);
        const r = refused(fifo);
        expect(r.status).toBe(2);
        expect(r.stderr).toContain(`${fifo} is not a regular file`);
        writeFileSync(file, 'short\n');
        for (const args of [['--host', '127.0.0.2', '--token-file', file], ['--port', 'x'], ['extra']]) {
          const r = spawnSync(process.execPath, [CLI, 'metrics', ...args], { encoding: 'utf8' });
          expect(r.status).toBe(2);
          expect(r.stderr).toMatch(/netlens metrics: /);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    TEST_MS,
  );

  it.skipIf(!isRoot)(
    "as root asks a token on loopback too: its owners and traffic name other users' processes",
    async () => {
      requireBuild();
      const root = await startMetrics([]);
      started.push(root);
      expect(root.output()).toContain("Running as root: /metrics names every user's processes");
      expect(root.token).toMatch(/^[0-9a-f]{48}$/);
      const denied = await fetch(root.url);
      expect(denied.status).toBe(401);
      expect(await denied.text()).not.toContain('netlens_');
      const ok = await fetch(root.url, { headers: { Authorization: `Bearer ${root.token}` } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toMatch(/^netlens_process_others_sent_bytes_total \d+$/m);
      await root.stop();
      // Another user's metrics on loopback ask none: they name what that user may read.
      const user = await startMetrics([], AS_NOBODY);
      started.push(user);
      expect(user.token).toBeNull();
      expect(user.output()).toContain('Loopback only: no token needed.');
      expect((await fetch(user.url)).status).toBe(200);
      await user.stop();
    },
    TEST_MS,
  );

  it.skipIf(!existsSync(PROMETHEUS))(
    'is scraped by a real Prometheus, with and without the token',
    async () => {
      requireBuild();
      const before = loRxBytes();
      // On loopback without a token as a user (as root it asks one: the next test).
      const open = await startMetrics([], isRoot ? AS_NOBODY : []);
      started.push(open);
      const guarded = await startMetrics(['--host', '127.0.0.2']);
      started.push(guarded);
      expect(open.token).toBeNull();
      expect(guarded.token).toMatch(/^[0-9a-f]{48}$/);
      expect((await fetch(guarded.url)).status).toBe(401);

      const dir = mkdtempSync(join(tmpdir(), 'fleet-prometheus-'));
      const port = await freePort();
      const target = (u: string) => new URL(u).host;
      writeFileSync(
        join(dir, 'prometheus.yml'),
        [
          'global: { scrape_interval: 1s, evaluation_interval: 1s }',
          'scrape_configs:',
          `  - job_name: open`,
          `    static_configs: [{ targets: ['${target(open.url)}'] }]`,
          `  - job_name: guarded`,
          `    authorization: { type: Bearer, credentials: '${guarded.token}' }`,
          `    static_configs: [{ targets: ['${target(guarded.url)}'] }]`,
          '',
        ].join('\n'),
      );
      const prometheus = run([
        PROMETHEUS,
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ]);
      started.push(prometheus);
      try {
        const query = async (q: string) => {
          const res = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(q)}`);
          const body = (await res.json()) as {
            status: string;
            data: { result: { metric: Record<string, string>; value: [number, string] }[] };
          };
          return body.status === 'success' ? body.data.result : [];
        };
        for (const job of ['open', 'guarded']) {
          const up = await until(
            `${job} scraped`,
            async () => (await query(`up{job="${job}"}`)).find((r) => r.value[1] === '1'),
            90_000,
          );
          expect(up.metric.job).toBe(job);
          const [rx] = await until(
            `lo's bytes from ${job}`,
            () =>
              query(`netlens_interface_receive_bytes_total{job="${job}",interface="lo"}`).then(
                (r) => r.length > 0 && r,
              ),
            90_000,
          );
          const value = Number(rx!.value[1]);
          // Scraped after `before` was read and before now: the counter lies between the two readings.
          expect(value).toBeGreaterThanOrEqual(before);
          expect(value).toBeLessThanOrEqual(loRxBytes());
        }
        const [ops] = await query('netlens_netstat_tcp_active_opens_total{job="open"}');
        expect(Number(ops!.value[1])).toBeGreaterThan(0);
      } finally {
        await prometheus.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    },
    TEST_MS,
  );
});
