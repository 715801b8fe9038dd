// Two builds of the browser host at rest side by side, measured over the same windows: bench:idle measures one
// build at a time, and on a shared machine the load moves between two runs by more than a small change moves
// the host. Both run in one network namespace of the bench's own with the same 500 loopback sockets, recording
// on, each with a headless page (one Chromium, a page per host) on Connections at a 1 s refresh; their CPU is
// read at the same instants, from /proc/<pid>/stat (threads and reaped children) and, for the main thread
// alone, /proc/<pid>/task/<pid>/stat. Prints each window and the mean of B - A with its standard deviation.
//   node scripts/run-ts.mjs bench/pair-idle.ts A_CLI B_CLI [windows] [seconds]   (A_CLI: a build's out/main/cli.cjs)
//   PAIR_HIDDEN=1     both pages told they are hidden
//   PAIR_PERF=/tmp/p  instead of the windows, one `perf record -g` of each host over one window (/tmp/p-a, /tmp/p-b;
//                     the hosts run with --perf-basic-prof so their JavaScript has names)
// Bench support only (not part of npm run bench).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../test/e2e/support.js';
import { stopProcess } from '../test/stop-process.js';
import { inOwnNetns } from './netns.js';
import { round2, startChild, stopChildren } from './loopback-sockets.js';

const [A_CLI, B_CLI] = process.argv.slice(2, 4) as [string, string];
const WINDOWS = Number(process.argv[4] ?? 6);
const SECONDS = Number(process.argv[5] ?? 30);
const WARMUP_MS = 40_000;
const HIDDEN = process.env.PAIR_HIDDEN === '1';

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

async function startHost(cli: string): Promise<{ child: ChildProcess; url: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'netlens-pair-'));
  const nodeArgs = process.env.PAIR_PERF ? ['--perf-basic-prof'] : [];
  const child = spawn(process.execPath, [...nodeArgs, cli, 'web', '--port', '0'], {
    env: { ...process.env, NETLENS_DATA_DIR: dir, NETLENS_DNS_SERVER: '127.0.0.1:9' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /serving at (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`${cli} exited with ${code}: ${out}`)));
  });
  return { child, url, dir };
}

async function main(): Promise<void> {
  const held: ChildProcess[] = [];
  const hosts: { child: ChildProcess; url: string; dir: string }[] = [];
  let browser: Browser | null = null;
  try {
    held.push(await startChild(250));
    hosts.push(await startHost(A_CLI), await startHost(B_CLI));
    browser = await launchChromium();
    for (const h of hosts) {
      const page = await browser.newPage({ viewport: { width: 1360, height: 840 } });
      await page.goto(h.url);
      await page.locator('[role="grid"][aria-label="Connections"] [role="row"][data-row-id]').first().waitFor();
      await page.getByRole('combobox', { name: 'Refresh interval' }).selectOption('1000');
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
            '997',
            '-g',
            '-p',
            String(h.child.pid),
            '-o',
            `${process.env.PAIR_PERF}-${'ab'[i]}`,
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
    const rows: { a: number; b: number; aMain: number; bMain: number }[] = [];
    for (let w = 0; w < WINDOWS; w++) {
      const before = hosts.map((h) => read(h.child.pid!));
      const t0 = process.hrtime.bigint();
      await new Promise((r) => setTimeout(r, SECONDS * 1000));
      const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
      const after = hosts.map((h) => read(h.child.pid!));
      const share = (i: number, k: 'all' | 'main') => round2((after[i]![k] - before[i]![k]) / wallS);
      const row = { a: share(0, 'all'), b: share(1, 'all'), aMain: share(0, 'main'), bMain: share(1, 'main') };
      rows.push(row);
      console.error(JSON.stringify({ window: w, ...row, load: readFileSync('/proc/loadavg', 'latin1').split(' ')[0] }));
    }
    const mean = (xs: number[]) => round2(xs.reduce((s, x) => s + x, 0) / xs.length);
    const d = rows.map((r) => r.b - r.a);
    const sd = Math.sqrt(d.reduce((s, x) => s + (x - mean(d)) ** 2, 0) / Math.max(1, d.length - 1));
    console.log(
      JSON.stringify({
        bench: 'pair-idle',
        hidden: HIDDEN,
        seconds: SECONDS,
        windows: WINDOWS,
        a: mean(rows.map((r) => r.a)),
        b: mean(rows.map((r) => r.b)),
        aMain: mean(rows.map((r) => r.aMain)),
        bMain: mean(rows.map((r) => r.bMain)),
        bMinusA: mean(d),
        bMinusASd: round2(sd),
        aCli: A_CLI,
        bCli: B_CLI,
      }),
    );
  } finally {
    await browser?.close();
    for (const h of hosts) {
      await stopProcess(h.child);
      rmSync(h.dir, { recursive: true, force: true });
    }
    await stopChildren(held);
  }
}

inOwnNetns('bench:pair-idle', main);
