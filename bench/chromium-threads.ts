// Chromium at rest by thread: the browser host (the built CLI) with 500 loopback sockets in a namespace of the
// bench's own, a headless Chromium showing its page at a 1 s refresh, and, for each tab named, the CPU of every
// thread of every Chromium process over a window, from /proc/<pid>/task/<tid>/stat (10 ms ticks, so a 20 s window
// reads in steps of 0.05 % of a core), summed by process type and thread name. bench:idle gives the processes'
// totals; this says which of their threads the time is on (the renderer's main thread, its compositor, the network
// service's IO thread…). A thread that ends within a window (a thread pool worker) is not counted, so the total
// reads lower than bench:idle's process figures: it compares builds side by side, not a build with the target.
// Prints one JSON line per window. Bench support only (not part of npm run bench).
//   node scripts/run-ts.mjs bench/chromium-threads.ts              Connections, Routes, Connections; 20 s windows
//   THREADS_TABS=statistics,connections THREADS_SECONDS=30 THREADS_SETTLE_MS=8000 THREADS_WARMUP_MS=30000
import { readdirSync, readFileSync } from 'node:fs';
import { launchChromium, startHost } from '../test/e2e/support.js';
import { chromiumKind } from './chromium-kind.js';
import { inOwnNetns } from './netns.js';
import { round2, startChild, stopChildren } from './loopback-sockets.js';

const TABS = (process.env.THREADS_TABS ?? 'connections,routes,connections').split(',').filter(Boolean);
const SECONDS = Number(process.env.THREADS_SECONDS ?? 20);
const SETTLE_MS = Number(process.env.THREADS_SETTLE_MS ?? 8000);
const WARMUP_MS = Number(process.env.THREADS_WARMUP_MS ?? 30_000);
const TICKS_PER_SECOND = 100;

/** utime + stime of every thread of every Chromium process, keyed `type/comm/pid/tid`. */
function chromiumThreads(): Map<string, number> {
  const ticks = new Map<string, number>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let cmdline: string;
    let tids: string[];
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
      if (!cmdline.split('\0')[0]!.includes('chromium')) continue;
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // gone meanwhile
    }
    const type = chromiumKind(cmdline);
    for (const tid of tids) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'latin1');
        const close = stat.lastIndexOf(')');
        const comm = stat.slice(stat.indexOf('(') + 1, close);
        const fields = stat.slice(close + 2).split(' ');
        ticks.set(`${type}/${comm}/${pid}/${tid}`, Number(fields[11]) + Number(fields[12]));
      } catch {
        // a thread that ended meanwhile
      }
    }
  }
  return ticks;
}

/** Each thread's share of a core over `seconds`, summed by process type and thread name (threads alive at both ends). */
async function measure(seconds: number): Promise<{ total: number; byThread: Record<string, number> }> {
  const before = chromiumThreads();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const after = chromiumThreads();
  const byThread = new Map<string, number>();
  let total = 0;
  for (const [key, t] of after) {
    const was = before.get(key);
    if (was === undefined) continue;
    const [type, comm] = key.split('/');
    const share = ((t - was) / TICKS_PER_SECOND / seconds) * 100;
    byThread.set(`${type}/${comm}`, (byThread.get(`${type}/${comm}`) ?? 0) + share);
    total += share;
  }
  const sorted = [...byThread].filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]);
  return { total: round2(total), byThread: Object.fromEntries(sorted.map(([k, v]) => [k, round2(v)])) };
}

async function main(): Promise<void> {
  const held = [await startChild(250)];
  const host = await startHost();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1360, height: 840 } });
    await page.goto(host.url);
    await page.locator('[role="grid"][aria-label="Connections"] [role="row"][data-row-id]').first().waitFor();
    await page.getByRole('combobox', { name: 'Refresh interval' }).selectOption('1000');
    await new Promise((r) => setTimeout(r, WARMUP_MS));
    for (const tab of TABS) {
      await page.locator(`#tab-${tab}`).click();
      await page.locator(`#panel-${tab}:not([hidden])`).waitFor();
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      console.log(JSON.stringify({ bench: 'chromium-threads', tab, seconds: SECONDS, ...(await measure(SECONDS)) }));
    }
  } finally {
    await browser.close();
    await host.stop();
    await stopChildren(held);
  }
}

inOwnNetns('chromium-threads', main);
