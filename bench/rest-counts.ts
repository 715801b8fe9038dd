// bench:rest-counts: what a tick at rest makes NetLens do, counted rather than timed (counts do not move with
// the machine's load, so two builds compare on a shared machine). The browser host (the built CLI) with about
// 500 loopback sockets in the bench's own namespace, nothing changing, a headless Chromium at a 1 s refresh
// showing each tab in turn; over BENCH_REST_SECONDS (20) per tab, per tick (the status bar's collections):
//   page: WebSocket messages and bytes each way (by message kind), React commits and components rendered (by
//         component), DOM mutations (by kind and attribute), timers and animation frames the page set,
//         CDP Performance.getMetrics deltas (LayoutCount, RecalcStyleCount, ScriptDuration, TaskDuration…),
//         and a trace's event counts (paints, layouts, layerize, frames drawn), with their thread time and each
//         Chromium thread's (traceMs, threadMs: timings, so only builds run side by side compare)
//   host: its syscalls (`strace -c -f`), the files it opened (`strace -e openat`), by path pattern, and its netlink
//         requests (sock_diag and rtnetlink dumps by kind, sock_diag gets)
// Prints one JSON line.   npm run bench:rest-counts     BENCH_REST_TABS=connections,statistics
// (BENCH_REST_TABS in that order, a tab named again counted again: connections,routes,connections gives
// `connections`, `routes` and `connections@2`, what a tab costs after another was shown)
// BENCH_REST_HISTORY_VIEW: the History tab's view to count (its radio's label: Exposure, What changed…; As it was
// when unset). BENCH_REST_CSS: a style sheet added to the page (a CSS change counted without a build).
// BENCH_REST_ALLOC=1: the page's allocations a tick (V8's sampling heap profiler), in all and by function.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium, startHost, type RunningHost } from '../test/e2e/support.js';
import { inOwnNetns, netnsOfThisRun } from './netns.js';
import { round2, startChild, stopChildren } from './loopback-sockets.js';
import { metricsSession, pageMetrics } from './page-metrics.js';

const SECONDS = Number(process.env.BENCH_REST_SECONDS ?? 20);
const ONLY_TABS = process.env.BENCH_REST_TABS?.split(',').filter(Boolean);
const CONNECTIONS = Number(process.env.BENCH_REST_CONNECTIONS ?? 250);
const STRACE = process.env.BENCH_REST_STRACE !== '0';
// A path prefix: the last messages of each tab's window are written to <prefix>-<tab>.json.
const SAMPLES = process.env.BENCH_REST_SAMPLES;
const HISTORY_VIEW = process.env.BENCH_REST_HISTORY_VIEW;
// A style sheet added to the page before the app's: to count what a CSS change would do without a build.
const EXTRA_CSS = process.env.BENCH_REST_CSS;
// The page's allocations over the window, by V8's sampling heap profiler (objects collected since included): KB a
// tick and the functions that allocated most (a sample each 512 bytes, so a figure within a few per cent).
const ALLOC = process.env.BENCH_REST_ALLOC === '1';

interface PageCounts {
  wsIn: Record<string, { messages: number; bytes: number }>;
  wsOut: Record<string, { messages: number; bytes: number }>;
  commits: number;
  renders: Record<string, number>;
  mutations: Record<string, number>;
  timers: Record<string, number>;
  /** Ticks: changes of the status bar's last collection time (the tick span's description). */
  ticks: number;
  /** With BENCH_REST_SAMPLES: the last few messages received, whole. */
  samples?: string[];
}

declare global {
  interface Window {
    __restCounts?: PageCounts;
  }
}

/** Runs in the page before the app: counts the page's WebSocket traffic, React's renders, DOM mutations, timers. */
function installCounters(): void {
  const c: PageCounts = { wsIn: {}, wsOut: {}, commits: 0, renders: {}, mutations: {}, timers: {}, ticks: 0 };
  window.__restCounts = c;
  const kindOf = (data: unknown): string => {
    if (typeof data !== 'string') return 'binary';
    const m = /"(?:type|kind|channel|dataset|op)"\s*:\s*"([^"]{1,40})"/.exec(data.slice(0, 400));
    return m ? m[1]! : data.slice(0, 20);
  };
  const add = (o: Record<string, { messages: number; bytes: number }>, data: unknown) => {
    const k = kindOf(data);
    const e = (o[k] ??= { messages: 0, bytes: 0 });
    e.messages++;
    e.bytes += typeof data === 'string' ? new TextEncoder().encode(data).length : ((data as Blob).size ?? 0);
  };
  const Ws = window.WebSocket;
  const send = Ws.prototype.send;
  Ws.prototype.send = function (this: WebSocket, data: Parameters<WebSocket['send']>[0]) {
    add(c.wsOut, data);
    return send.call(this, data);
  };
  window.WebSocket = class extends Ws {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('message', (e: MessageEvent) => {
        add(c.wsIn, e.data);
        if (c.samples && typeof e.data === 'string')
          c.samples.push(e.data.length > 3000 ? `${e.data.length} ${e.data.slice(0, 3000)}` : e.data);
      });
    }
  } as typeof WebSocket;
  const count = (k: string) => (c.timers[k] = (c.timers[k] ?? 0) + 1);
  const st = window.setTimeout;
  window.setTimeout = ((f: TimerHandler, ms?: number, ...a: unknown[]) => {
    count('setTimeout');
    return st(f, ms, ...a);
  }) as typeof setTimeout;
  const si = window.setInterval;
  window.setInterval = ((f: TimerHandler, ms?: number, ...a: unknown[]) => {
    count('setInterval');
    return si(f, ms, ...a);
  }) as typeof setInterval;
  const raf = window.requestAnimationFrame;
  window.requestAnimationFrame = (f: FrameRequestCallback) => {
    count('requestAnimationFrame');
    return raf(f);
  };
  new MutationObserver((records) => {
    for (const r of records) {
      const k = r.type === 'attributes' ? `attr:${r.attributeName}` : r.type;
      c.mutations[k] = (c.mutations[k] ?? 0) + 1;
      if (k === 'attr:aria-description' && (r.target as Element).matches('[data-status="tick"]')) c.ticks++;
      if (c.samples) {
        const el = (r.target.nodeType === 1 ? r.target : r.target.parentElement) as Element | null;
        const where = el
          ? `${el.tagName.toLowerCase()}.${el.className}${el.closest('[data-row-id]') ? ` row=${el.closest('[data-row-id]')!.getAttribute('data-row-id')}` : ''}${el.closest('[data-col]') ? ` col=${el.closest('[data-col]')!.getAttribute('data-col')}` : ''}`
          : '?';
        const now = r.type === 'attributes' ? el?.getAttribute(r.attributeName!) : r.target.textContent;
        c.samples.push(
          `M ${k} ${where}: ${String(r.oldValue ?? '').slice(0, 60)} -> ${String(now ?? '').slice(0, 60)}`,
        );
      }
    }
  }).observe(document, {
    subtree: true,
    childList: true,
    attributes: true,
    characterData: true,
    attributeOldValue: true,
    characterDataOldValue: true,
  });
  interface Fiber {
    type: unknown;
    memoizedProps: unknown;
    memoizedState: unknown;
    child: Fiber | null;
    sibling: Fiber | null;
    alternate: Fiber | null;
  }
  const nameOf = (t: unknown): string | null => {
    if (typeof t === 'function') return (t as { displayName?: string; name?: string }).displayName || t.name || 'anon';
    if (t && typeof t === 'object') {
      const o = t as { displayName?: string; type?: unknown; render?: unknown };
      if (o.displayName) return o.displayName;
      if (o.type) return nameOf(o.type); // memo
      if (o.render) return nameOf(o.render); // forwardRef
    }
    return null;
  };
  // A component rendered in a commit when its props or state object is not the one seen before.
  const seen = new WeakMap<object, [unknown, unknown]>();
  const visit = (root: Fiber) => {
    const stack: Fiber[] = [root];
    while (stack.length > 0) {
      const f = stack.pop()!;
      const name = nameOf(f.type);
      if (name !== null) {
        const key = (f.alternate !== null && seen.has(f.alternate) ? f.alternate : f) as object;
        const before = seen.get(key);
        if (before !== undefined && (before[0] !== f.memoizedProps || before[1] !== f.memoizedState))
          c.renders[name] = (c.renders[name] ?? 0) + 1;
        seen.set(key, [f.memoizedProps, f.memoizedState]);
      }
      if (f.sibling) stack.push(f.sibling);
      if (f.child) stack.push(f.child);
    }
  };
  // What React's production build asks of DevTools' hook: that it takes fibers, an id, and the commits.
  (window as unknown as Record<string, unknown>).__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    supportsFiber: true,
    inject: () => 1,
    onCommitFiberRoot: (_id: number, root: { current: Fiber }) => {
      c.commits++;
      visit(root.current);
    },
  };
}

const TRACE_EVENTS = [
  'Paint',
  'Layerize',
  'Layout',
  'UpdateLayoutTree',
  'PrePaint',
  'DrawFrame',
  'BeginMainFrame',
  'HitTest',
  'FireAnimationFrame',
  'TimerFire',
  'FunctionCall',
  'EventDispatch',
  'RasterTask',
  'GPUTask',
];

interface HeapNode {
  callFrame: { functionName: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

/** A sampling heap profile's bytes in KB a tick, in all and by allocating function (with its caller). */
function allocations(head: HeapNode, ticks: number): { kb: number; by: Record<string, number> } {
  const by = new Map<string, number>();
  let total = 0;
  const walk = (n: HeapNode, caller: string) => {
    const name = `${n.callFrame.functionName || '(anonymous)'}:${n.callFrame.lineNumber}`;
    if (n.selfSize > 0) {
      total += n.selfSize;
      const k = `${name} < ${caller}`;
      by.set(k, (by.get(k) ?? 0) + n.selfSize);
    }
    for (const c of n.children) walk(c, name);
  };
  walk(head, '');
  return {
    kb: round2(total / 1024 / ticks),
    by: Object.fromEntries(
      [...by]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 12)
        .map(([k, v]) => [k, round2(v / 1024 / ticks)]),
    ),
  };
}

function perTick<T extends Record<string, unknown>>(o: T, ticks: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === 'number') out[k] = round2(v / ticks);
    else if (v && typeof v === 'object') out[k] = perTick(v as Record<string, unknown>, ticks);
  }
  return out;
}

/**
 * The host's syscalls over `seconds` (strace -c -f), by name; then, over as long again, the files it opened, by path
 * pattern, and its netlink requests by kind (a sock_diag or rtnetlink dump, by message type and, for sock_diag, by
 * family and protocol; a get: sock_diag's of single sockets, NetLens's own connections).
 */
async function straceHost(
  pid: number,
  seconds: number,
): Promise<{ syscalls: Record<string, number>; opened: Record<string, number>; netlink: Record<string, number> }> {
  const out = join(tmpdir(), `rest-counts-strace-${process.pid}`);
  const run = (args: string[]) =>
    new Promise<void>((resolve) => {
      const s = spawn('strace', ['-f', '-p', String(pid), '-o', out, ...args], { stdio: 'ignore' });
      setTimeout(() => s.kill('SIGINT'), seconds * 1000);
      s.once('exit', () => resolve());
    });
  await run(['-c', '-U', 'name,calls']);
  const syscalls: Record<string, number> = {};
  for (const line of readFileSync(out, 'utf8').split('\n')) {
    const m = /^\s*(\w+)\s+(\d+)\s*$/.exec(line);
    if (m && m[1] !== 'total') syscalls[m[1]!] = Number(m[2]);
  }
  await run(['-e', 'trace=openat,open,readlink,sendmsg']);
  const opened: Record<string, number> = {};
  const netlink: Record<string, number> = {};
  for (const line of readFileSync(out, 'utf8').split('\n')) {
    const request = netlinkRequest(line);
    if (request !== null) netlink[request] = (netlink[request] ?? 0) + 1;
    const m = /(open(?:at)?|readlink)\([^"]*"([^"]*)"/.exec(line);
    if (!m) continue;
    const k = (m[1] === 'readlink' ? 'readlink ' : '') + m[2]!.replace(/\/\d+(?=\/|$)/g, '/N');
    opened[k] = (opened[k] ?? 0) + 1;
  }
  if (process.env.BENCH_REST_KEEP) writeFileSync(`${process.env.BENCH_REST_KEEP}-${pid}.txt`, readFileSync(out));
  rmSync(out, { force: true });
  return { syscalls, opened, netlink };
}

/** A netlink request's kind from strace's line of its sendmsg (its first message), or null: not one. */
function netlinkRequest(line: string): string | null {
  if (!line.includes('sa_family=AF_NETLINK')) return null;
  const m = /nlmsg_type=(\w+), nlmsg_flags=([\w|]+)/.exec(line);
  if (!m) return 'other';
  const dump = m[2]!.includes('NLM_F_DUMP');
  const of = [/sdiag_family=(\w+)/.exec(line)?.[1], /sdiag_protocol=(\w+)/.exec(line)?.[1]].filter(Boolean).join(' ');
  // TCPDIAG_GETSOCK: the TCP dump of both families at once (inet_diag's older request).
  return `${m[1]}${of && m[1] !== 'TCPDIAG_GETSOCK' ? ` ${of}` : ''} ${dump ? 'dump' : 'get'}`;
}

async function main(): Promise<void> {
  const held = [await startChild(CONNECTIONS)];
  let host: RunningHost | null = null;
  let browser: Browser | null = null;
  try {
    host = await startHost();
    browser = await launchChromium();
    // The page's CSP allows no inline style: the added sheet needs it bypassed.
    const page = await browser.newPage({ viewport: { width: 1360, height: 840 }, bypassCSP: Boolean(EXTRA_CSS) });
    await page.addInitScript(installCounters);
    if (EXTRA_CSS)
      await page.addInitScript((css: string) => {
        document.addEventListener('DOMContentLoaded', () => {
          const style = document.createElement('style');
          style.textContent = css;
          document.head.append(style);
        });
      }, EXTRA_CSS);
    await page.goto(host.url);
    await page.locator('[role="grid"][aria-label="Connections"] [role="row"][data-row-id]').first().waitFor();
    await page.getByRole('combobox', { name: 'Refresh interval' }).selectOption('1000');
    const cdp = await metricsSession(page);
    await new Promise((r) => setTimeout(r, 15_000));
    const allTabs = await page
      .locator('[role="tablist"] [role="tab"]')
      .evaluateAll((els) => els.map((e) => e.id.replace(/^tab-/, '')));
    const tabs = ONLY_TABS ? ONLY_TABS.filter((t) => allTabs.includes(t)) : allTabs;
    const result: Record<string, unknown> = {};
    const shownTimes = new Map<string, number>();
    for (const tab of tabs) {
      const times = (shownTimes.get(tab) ?? 0) + 1;
      shownTimes.set(tab, times);
      const key = times === 1 ? tab : `${tab}@${times}`;
      await page.locator(`#tab-${tab}`).click();
      await page.locator(`#panel-${tab}:not([hidden])`).waitFor();
      if (tab === 'history' && HISTORY_VIEW) await page.getByRole('radio', { name: HISTORY_VIEW }).click();
      await new Promise((r) => setTimeout(r, 5000));
      const metrics = () => pageMetrics(cdp);
      // The trace first: starting it adds Chromium processes and sockets, which the next ticks show (a diff of
      // ~90 kB); the window begins two ticks later, and the trace's events are counted from its mark.
      await browser.startTracing(page, {
        categories: [
          'devtools.timeline',
          'disabled-by-default-devtools.timeline.frame',
          'blink',
          'cc',
          'viz',
          'toplevel',
        ],
      });
      await new Promise((r) => setTimeout(r, 2500));
      await page.evaluate(() => {
        const c = window.__restCounts!;
        Object.assign(c, { wsIn: {}, wsOut: {}, commits: 0, renders: {}, mutations: {}, timers: {}, ticks: 0 });
        console.timeStamp('rest-counts-window');
      });
      if (SAMPLES) await page.evaluate(() => (window.__restCounts!.samples = []));
      if (ALLOC) {
        await cdp.send('HeapProfiler.enable');
        await cdp.send('HeapProfiler.startSampling', {
          samplingInterval: 512,
          includeObjectsCollectedByMajorGC: true,
          includeObjectsCollectedByMinorGC: true,
        });
      }
      const m0 = await metrics();
      // Ticks are counted in the page, by the status bar's last collection time (the tick span's description):
      // polling it from here (10 calls a second through the page's DevTools session) was most of the page's script
      // and of its allocations in the window, the same for every build.
      const hostCounts = STRACE ? straceHost(host.child.pid!, SECONDS / 2) : Promise.resolve(null);
      await new Promise((r) => setTimeout(r, SECONDS * 1000));
      await hostCounts;
      const counts = await page.evaluate(() => structuredClone(window.__restCounts!));
      const ticks = Math.max(1, counts.ticks);
      if (SAMPLES) writeFileSync(`${SAMPLES}-${key}.json`, JSON.stringify(counts.samples, null, 1));
      const m1 = await metrics();
      const alloc = ALLOC
        ? allocations((await cdp.send('HeapProfiler.stopSampling')).profile.head as HeapNode, ticks)
        : null;
      const trace = JSON.parse((await browser.stopTracing()).toString('utf8')) as {
        traceEvents: {
          name: string;
          ph: string;
          ts: number;
          pid: number;
          tid: number;
          dur?: number;
          tdur?: number;
          args?: { name?: string; data?: { message?: string } };
        }[];
      };
      const from =
        trace.traceEvents.find((e) => e.name === 'TimeStamp' && e.args?.data?.message === 'rest-counts-window')?.ts ??
        0;
      const events: Record<string, number> = {};
      for (const e of trace.traceEvents)
        if (
          e.ts >= from &&
          TRACE_EVENTS.includes(e.name) &&
          (e.ph === 'X' || e.ph === 'B' || e.ph === 'I' || e.ph === 'i')
        )
          events[e.name] = (events[e.name] ?? 0) + 1;
      // Timed too, as the thread's CPU time (tdur) in ms a tick: each of those events, and each thread's tasks
      // (ThreadControllerImpl::RunTask) by process and thread name. Timings move with the load (and the tracing
      // adds to them): compare builds side by side, in one hold.
      const names = new Map<string, string>();
      for (const e of trace.traceEvents)
        if (e.ph === 'M' && (e.name === 'process_name' || e.name === 'thread_name'))
          names.set(e.name === 'process_name' ? `p${e.pid}` : `${e.pid}:${e.tid}`, e.args?.name ?? '?');
      const eventMs: Record<string, number> = {};
      const threadMs: Record<string, number> = {};
      for (const e of trace.traceEvents) {
        if (e.ts < from || e.ph !== 'X') continue;
        const ms = (e.tdur ?? e.dur ?? 0) / 1000 / ticks;
        if (TRACE_EVENTS.includes(e.name)) eventMs[e.name] = (eventMs[e.name] ?? 0) + ms;
        if (e.name === 'ThreadControllerImpl::RunTask') {
          const k = `${names.get(`p${e.pid}`) ?? e.pid}/${names.get(`${e.pid}:${e.tid}`) ?? e.tid}`;
          threadMs[k] = (threadMs[k] ?? 0) + ms;
        }
      }
      const rounded = (o: Record<string, number>) =>
        Object.fromEntries(
          Object.entries(o)
            .filter(([, v]) => v >= 0.005)
            .sort((a, b) => b[1] - a[1])
            .map(([k, v]) => [k, round2(v)]),
        );
      const deltas: Record<string, number> = {};
      for (const k of [
        'LayoutCount',
        'RecalcStyleCount',
        'LayoutDuration',
        'RecalcStyleDuration',
        'ScriptDuration',
        'TaskDuration',
        'JSHeapUsedSize',
        'Nodes',
      ])
        deltas[k] = k.endsWith('Duration')
          ? round2(((m1[k]! - m0[k]!) * 1000) / ticks)
          : round2((m1[k]! - m0[k]!) / ticks);
      const h = await hostCounts;
      const renders = Object.fromEntries(Object.entries(counts.renders).sort((a, b) => b[1] - a[1]));
      result[key] = {
        ticks,
        page: {
          ...perTick(
            {
              wsIn: counts.wsIn,
              wsOut: counts.wsOut,
              commits: counts.commits,
              componentsRendered: Object.values(counts.renders).reduce((a, b) => a + b, 0),
              renders,
              mutations: Object.values(counts.mutations).reduce((a, b) => a + b, 0),
              mutationsByKind: counts.mutations,
              timers: counts.timers,
              traceEvents: events,
            },
            ticks,
          ),
          // Performance.getMetrics deltas per tick (durations in ms a tick).
          metrics: deltas,
          ...(alloc ? { allocatedKB: alloc.kb, allocatedBy: alloc.by } : {}),
          traceMs: rounded(eventMs),
          threadMs: rounded(threadMs),
        },
        ...(h
          ? {
              host: perTick(
                {
                  syscalls: Object.values(h.syscalls).reduce((a, b) => a + b, 0),
                  bySyscall: Object.fromEntries(
                    Object.entries(h.syscalls)
                      .sort((a, b) => b[1] - a[1])
                      .slice(0, 15),
                  ),
                  netlink: h.netlink,
                  opened: Object.values(h.opened).reduce((a, b) => a + b, 0),
                  openedByPath: Object.fromEntries(
                    Object.entries(h.opened)
                      .sort((a, b) => b[1] - a[1])
                      .slice(0, 15),
                  ),
                },
                // strace's two windows (syscalls, then files) are half the page's each: a tick a second.
                SECONDS / 2,
              ),
            }
          : {}),
      };
    }
    console.log(
      JSON.stringify({
        bench: 'rest-counts',
        seconds: SECONDS,
        sockets: 2 * CONNECTIONS,
        netns: netnsOfThisRun(),
        tabs: result,
      }),
    );
  } finally {
    await browser?.close();
    await host?.stop();
    await stopChildren(held);
  }
}

inOwnNetns('bench:rest-counts', main);
