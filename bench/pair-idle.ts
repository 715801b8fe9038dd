// Two builds of the browser host at rest side by side, measured over the same windows: bench:idle measures one
// build at a time, and on a shared machine the load moves between two runs by more than a small change moves
// the host. Both run in one network namespace of the bench's own with the same 500 loopback sockets, recording
// on, each with a headless page (one Chromium, a page per host) on Connections at a 1 s refresh; their CPU is
// read at the same instants, from /proc/<pid>/stat (threads and reaped children) and, for the main thread
// alone, /proc/<pid>/task/<pid>/stat. Prints each window and the mean of B - A with its standard deviation.
//   node scripts/run-ts.mjs bench/pair-idle.ts A_CLI B_CLI [windows] [seconds]   (A_CLI: a build's out/main/cli.cjs)
//   PAIR_HIDDEN=1     both pages told they are hidden
//   PAIR_TAB=statistics  the pages show this tab (its id in the tab list) instead of Connections
//   PAIR_HISTORY_VIEW=Exposure  with PAIR_TAB=history, the History view shown (its radio's label; As it was unset)
//   PAIR_BROWSERS=1   a Chromium of its own for each host's page, whose CPU (every process of it, from /proc/<pid>/stat)
//                     is read in the same windows: the renderer's A/B side by side (`aChromium`, `bChromium`, B - A)
//   PAIR_DOWN_LINK=1  the bench's namespace also holds an interface that is down with an IPv4 address (a veth pair, its
//                     ends down), whose address the Interfaces tab reads from the kernel (getifaddrs leaves it out)
//   PAIR_NO_PAGE=1   no page at all (the host as started, recording on); PAIR_NO_PAGE=b: host B alone has none, so
//                     A's page (hidden with PAIR_HIDDEN) is measured against no page in the same windows
//   PAIR_B_INTERVAL=5000  host B's page sets this refresh interval (ms) instead of 1 s: what a slower clock saves
//   PAIR_WARMUP_MS=5000  the wait before the first window (40 s by default: past V8's compiling after the start)
//   PAIR_EXTRA=C_CLI[,D_CLI]  more builds beside the two, measured in the same windows (each printed against A as
//                     `extra`: its mean, its mean minus A's and the SD of that, its threads)
//   PAIR_PERF=/tmp/p  instead of the windows, one `perf record -g` of each host over one window (/tmp/p-a, /tmp/p-b;
//                     the hosts run with --perf-basic-prof so their JavaScript has names; PAIR_PERF_HZ: the
//                     sampling frequency, 997 by default)
//   PAIR_CPU_PROF=/tmp/d  the hosts run with --cpu-prof into /tmp/d-a and /tmp/d-b (a profile per thread, the
//                     monitor's worker included, written when the host exits; `startTime` and `timeDeltas` say
//                     which samples fall in the windows, printed as `windowsUs`)
//   PAIR_NODE_ARGS="--trace-opt --trace-deopt"  more Node options for the hosts (V8's flags reach the monitor's worker
//                     too); PAIR_STDOUT=/tmp/o writes each host's standard output to /tmp/o-a, /tmp/o-b, each chunk after
//                     `@` and the milliseconds since the host started (what V8 compiled when)
//   PAIR_B_ENV=K=V,K=V  environment variables for host B alone (glibc's MALLOC_* settings, which it reads only at start)
// Each window also prints, per host, the CPU of its threads from /proc/<pid>/task/*/schedstat (nanoseconds, not
// stat's 10 ms ticks), in ms per second: `main` (the host's thread), `worker` (its busiest other thread, the
// monitor's worker at rest: Node names no thread) and `rest` (V8's platform threads, libuv's pool).
// Bench support only (not part of npm run bench).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { cliCommand, launchChromium } from '../test/e2e/support.js';
import { stopProcess } from '../test/stop-process.js';
import { inOwnNetns, netnsOfThisRun } from './netns.js';
import { envList, round2, startChild, stopChildren } from './loopback-sockets.js';
import { threadNs, threadShares } from './threads.js';

const [A_CLI, B_CLI] = process.argv.slice(2, 4) as [string, string];
const WINDOWS = Number(process.argv[4] ?? 6);
const SECONDS = Number(process.argv[5] ?? 30);
const WARMUP_MS = Number(process.env.PAIR_WARMUP_MS ?? 40_000);
const NO_PAGE = process.env.PAIR_NO_PAGE;
if (NO_PAGE && process.env.PAIR_BROWSERS === '1') throw new Error('pair-idle: PAIR_NO_PAGE measures no Chromium');
const HIDDEN = process.env.PAIR_HIDDEN === '1';
const TAB = process.env.PAIR_TAB ?? 'connections';
const HISTORY_VIEW = process.env.PAIR_HISTORY_VIEW;
const EXTRA = (process.env.PAIR_EXTRA ?? '').split(',').filter(Boolean);
const BROWSERS = process.env.PAIR_BROWSERS === '1';
/** Host B's own environment (PAIR_B_ENV), the other hosts' none. */
const hostEnv = (i: number): Record<string, string> => (i === 1 ? envList(process.env.PAIR_B_ENV ?? '') : {});

/** Every process's parent, read now. */
function parents(): Map<number, number> {
  const out = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const text = readFileSync(`/proc/${name}/stat`, 'latin1');
      out.set(Number(name), Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Gone between the listing and the read.
    }
  }
  return out;
}

/** The Chromium browser processes below this one (Chromium's other processes carry a --type). */
function browserPids(): Set<number> {
  const ppid = parents();
  const mine = (pid: number): boolean => {
    for (let p = ppid.get(pid); p !== undefined && p > 1; p = ppid.get(p)) if (p === process.pid) return true;
    return false;
  };
  const out = new Set<number>();
  for (const pid of ppid.keys()) {
    if (!mine(pid)) continue;
    let cmd = '';
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
    } catch {
      continue;
    }
    if (/chrom/i.test(cmd) && !cmd.includes('--type=')) out.add(pid);
  }
  // The browser is the one whose parent is not Chromium's (a crash handler it started carries no --type either).
  for (const pid of [...out]) if (out.has(ppid.get(pid) ?? 0)) out.delete(pid);
  return out;
}

/** CPU ticks of a process and all below it (threads and reaped children); one that exited keeps its last. */
function treeTicks(root: number, last: Map<number, number>): number {
  const ppid = parents();
  const inTree = (pid: number): boolean => {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = ppid.get(p)) if (p === root) return true;
    return false;
  };
  for (const pid of ppid.keys()) {
    if (!inTree(pid)) continue;
    try {
      const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
      const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
      last.set(pid, Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]));
    } catch {
      // Gone: its last reading stays.
    }
  }
  let sum = 0;
  for (const t of last.values()) sum += t;
  return sum;
}

function ticks(path: string): number {
  try {
    const text = readFileSync(path, 'latin1');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return 0;
  }
}

/** The host's CPU ticks: all its threads (with reaped children) and its main thread alone. */
function read(pid: number): { all: number; main: number } {
  const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return {
    all: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]),
    main: ticks(`/proc/${pid}/task/${pid}/stat`),
  };
}

async function startHost(cli: string, i: number): Promise<{ child: ChildProcess; url: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'netlens-pair-'));
  const nodeArgs = process.env.PAIR_PERF ? ['--perf-basic-prof'] : [];
  if (process.env.PAIR_CPU_PROF)
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${process.env.PAIR_CPU_PROF}-${'abcd'[i]}`);
  if (process.env.PAIR_NODE_ARGS) nodeArgs.push(...process.env.PAIR_NODE_ARGS.split(' ').filter(Boolean));
  const command = cliCommand(cli, ['web', '--port', '0'], nodeArgs);
  const child = spawn(command.file, command.args, {
    env: { ...process.env, NETLENS_DATA_DIR: dir, NETLENS_DNS_SERVER: '127.0.0.1:9', ...hostEnv(i) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  if (process.env.PAIR_STDOUT) {
    // Each chunk the host writes, after the milliseconds since it started (its lines placed in time).
    const file = createWriteStream(`${process.env.PAIR_STDOUT}-${'abcd'[i]}`);
    const t0 = Date.now();
    child.stdout!.on('data', (d: Buffer) => file.write(`@${Date.now() - t0}\n${d.toString()}`));
  }
  const url = await new Promise<string>((resolve, reject) => {
    // Until the address is there: then no more (a host run with --trace-opt writes megabytes, each chunk of which
    // would have been added to `out` and the whole searched again).
    const started = (d: Buffer) => {
      out += d.toString();
      const m = /serving at (http:\/\/\S+)/.exec(out);
      if (!m) return;
      child.stdout!.off('data', started);
      resolve(m[1]!);
    };
    child.stdout!.on('data', started);
    child.on('exit', (code) => reject(new Error(`${cli} exited with ${code}: ${out}`)));
  });
  return { child, url, dir };
}

async function main(): Promise<void> {
  const held: ChildProcess[] = [];
  const hosts: { child: ChildProcess; url: string; dir: string }[] = [];
  let browser: Browser | null = null;
  const browsers: Browser[] = [];
  // With PAIR_BROWSERS, each host's Chromium: its browser process, and its processes' last readings.
  const chromium: { pid: number; last: Map<number, number> }[] = [];
  try {
    if (process.env.PAIR_DOWN_LINK === '1' && netnsOfThisRun() === 'own')
      for (const args of [
        ['link', 'add', 'pairdown0', 'type', 'veth', 'peer', 'name', 'pairdown1'],
        ['addr', 'add', '10.200.0.1/24', 'dev', 'pairdown0'],
      ])
        execFileSync('ip', args);
    held.push(await startChild(250));
    for (const [i, cli] of [A_CLI, B_CLI, ...EXTRA].entries()) hosts.push(await startHost(cli, i));
    if (!BROWSERS && NO_PAGE !== '1') browser = await launchChromium();
    for (const [i, h] of hosts.entries()) {
      if (NO_PAGE === '1' || (NO_PAGE === 'b' && i === 1)) continue;
      let own = browser;
      if (BROWSERS) {
        const before = browserPids();
        own = await launchChromium();
        browsers.push(own);
        const pid = [...browserPids()].find((p) => !before.has(p));
        if (pid === undefined) throw new Error('pair-idle: could not find the Chromium just launched');
        chromium.push({ pid, last: new Map() });
      }
      const page = await own!.newPage({ viewport: { width: 1360, height: 840 } });
      await page.goto(h.url);
      await page.locator('[role="grid"][aria-label="Connections"] [role="row"][data-row-id]').first().waitFor();
      const interval = i === 1 ? (process.env.PAIR_B_INTERVAL ?? '1000') : '1000';
      await page.getByRole('combobox', { name: 'Refresh interval' }).selectOption(interval);
      if (TAB !== 'connections') {
        await page.locator(`#tab-${TAB}`).click();
        await page.locator(`#panel-${TAB}:not([hidden])`).waitFor();
        if (TAB === 'history' && HISTORY_VIEW) await page.getByRole('radio', { name: HISTORY_VIEW }).click();
      }
      if (HIDDEN)
        await page.evaluate(() => {
          Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
          Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
          document.dispatchEvent(new Event('visibilitychange'));
        });
    }
    await new Promise((r) => setTimeout(r, WARMUP_MS));
    // PAIR_PERF=file: a perf profile of each host over one window, written to file-a and file-b.
    if (process.env.PAIR_PERF) {
      const runs = hosts.map((h, i) =>
        spawn(
          'perf',
          [
            'record',
            '-F',
            process.env.PAIR_PERF_HZ ?? '997',
            '-g',
            '-p',
            String(h.child.pid),
            '-o',
            `${process.env.PAIR_PERF}-${'abcd'[i]}`,
            '--',
            'sleep',
            String(SECONDS),
          ],
          { stdio: 'ignore' },
        ),
      );
      await Promise.all(runs.map((r) => new Promise((res) => r.once('exit', res))));
      return;
    }
    type Threads = ReturnType<typeof threadShares>;
    // Per window and host: its share of a core, its main thread's, its threads' ms a second.
    const windows: { all: number; main: number; threads: Threads; chromium: number | null }[][] = [];
    const windowsUs: [number, number][] = [];
    for (let w = 0; w < WINDOWS; w++) {
      const before = hosts.map((h) => read(h.child.pid!));
      const threadsBefore = hosts.map((h) => threadNs(h.child.pid!));
      const chromiumBefore = chromium.map((c) => treeTicks(c.pid, c.last));
      const t0 = process.hrtime.bigint();
      await new Promise((r) => setTimeout(r, SECONDS * 1000));
      const t1 = process.hrtime.bigint();
      const wallS = Number(t1 - t0) / 1e9;
      windowsUs.push([Math.round(Number(t0) / 1000), Math.round(Number(t1) / 1000)]);
      const after = hosts.map((h) => read(h.child.pid!));
      const chromiumAfter = chromium.map((c) => treeTicks(c.pid, c.last));
      const row = hosts.map((h, i) => ({
        chromium: BROWSERS ? round2((chromiumAfter[i]! - chromiumBefore[i]!) / wallS) : null,
        all: round2((after[i]!.all - before[i]!.all) / wallS),
        main: round2((after[i]!.main - before[i]!.main) / wallS),
        threads: threadShares(h.child.pid!, threadsBefore[i]!, threadNs(h.child.pid!), wallS),
      }));
      windows.push(row);
      console.error(
        JSON.stringify({
          window: w,
          a: row[0]!.all,
          b: row[1]!.all,
          aMain: row[0]!.main,
          bMain: row[1]!.main,
          ...(BROWSERS ? { aChromium: row[0]!.chromium, bChromium: row[1]!.chromium } : {}),
          aMs: row[0]!.threads,
          bMs: row[1]!.threads,
          ...(EXTRA.length > 0
            ? { extra: row.slice(2).map((r) => ({ all: r.all, ms: r.threads, chromium: r.chromium })) }
            : {}),
          load: readFileSync('/proc/loadavg', 'latin1').split(' ')[0],
        }),
      );
    }
    const mean = (xs: number[]) => round2(xs.reduce((s, x) => s + x, 0) / xs.length);
    const sd = (xs: number[]) =>
      round2(Math.sqrt(xs.reduce((s, x) => s + (x - mean(xs)) ** 2, 0) / Math.max(1, xs.length - 1)));
    const of = (i: number) => windows.map((r) => r[i]!);
    const threadMeans = (i: number) => ({
      main: mean(of(i).map((r) => r.threads.main)),
      worker: mean(of(i).map((r) => r.threads.worker)),
      rest: mean(of(i).map((r) => r.threads.rest)),
      mainFaults: mean(of(i).map((r) => r.threads.mainFaults)),
      workerFaults: mean(of(i).map((r) => r.threads.workerFaults)),
    });
    const minusA = (i: number) => windows.map((r) => r[i]!.all - r[0]!.all);
    const chromiumMinusA = (i: number) => windows.map((r) => (r[i]!.chromium ?? 0) - (r[0]!.chromium ?? 0));
    const chromiumOf = (i: number) =>
      BROWSERS
        ? {
            chromium: mean(of(i).map((r) => r.chromium ?? 0)),
            chromiumMinusA: mean(chromiumMinusA(i)),
            chromiumMinusASd: sd(chromiumMinusA(i)),
          }
        : {};
    console.log(
      JSON.stringify({
        bench: 'pair-idle',
        tab: TAB,
        hidden: HIDDEN,
        ...(NO_PAGE ? { noPage: NO_PAGE === '1' ? 'both' : 'b' } : {}),
        warmupMs: WARMUP_MS,
        seconds: SECONDS,
        windows: WINDOWS,
        a: mean(of(0).map((r) => r.all)),
        b: mean(of(1).map((r) => r.all)),
        aMain: mean(of(0).map((r) => r.main)),
        bMain: mean(of(1).map((r) => r.main)),
        bMinusA: mean(minusA(1)),
        bMinusASd: sd(minusA(1)),
        ...(BROWSERS
          ? {
              aChromium: mean(of(0).map((r) => r.chromium ?? 0)),
              bChromium: mean(of(1).map((r) => r.chromium ?? 0)),
              chromiumBMinusA: mean(chromiumMinusA(1)),
              chromiumBMinusASd: sd(chromiumMinusA(1)),
            }
          : {}),
        // ms of CPU a second by thread (schedstat), each host's mean over the windows.
        aMs: threadMeans(0),
        bMs: threadMeans(1),
        aCli: A_CLI,
        bCli: B_CLI,
        ...(EXTRA.length > 0
          ? {
              extra: EXTRA.map((cli, k) => ({
                cli,
                mean: mean(of(k + 2).map((r) => r.all)),
                minusA: mean(minusA(k + 2)),
                minusASd: sd(minusA(k + 2)),
                ...chromiumOf(k + 2),
                ms: threadMeans(k + 2),
              })),
            }
          : {}),
        ...(process.env.PAIR_CPU_PROF ? { windowsUs } : {}),
      }),
    );
  } finally {
    await browser?.close();
    for (const b of browsers) await b.close();
    for (const h of hosts) {
      await stopProcess(h.child);
      rmSync(h.dir, { recursive: true, force: true });
    }
    await stopChildren(held);
  }
}

inOwnNetns('bench:pair-idle', main);
