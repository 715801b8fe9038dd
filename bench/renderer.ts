// bench:renderer: the Connections tab in headless Chromium, fed by the real browser host and WebSocket with a
// synthetic monitor: a 50,000-row table (BENCH_ROWS), then diffs that change 1% of the rows per tick. Prints one
// JSON line: the time from a diff's arrival in the page to the end of the work it queued, to the rendering of
// the first frame that shows it (the first after the page changed its DOM) and to that frame painted (median,
// p95), the page's main-thread time a tick over its turns (mainThreadMsPerTick), the time to re-sort the rows by
// each column, how many rows are in the DOM and the elements each is drawn with, and the page's JS heap.
// The peer, measured in the same run with the same rows and the same diffs over the same WebSocket: a plain
// virtualized list (no framework: a Map, an array, the visible rows' text set by hand) timed the same way, in a
// page beside the app's; the pages take turns, BENCH_BLOCK ticks each (5). A second peer, the same list written in
// React (react-list.tsx, bundled here), says what React's render and commit add to it (reactList,
// ratioReactListToPlainList) and what the app adds to a React list (ratioFrameMedianToReactList); the two lists must
// show the same rows at the end (peersShowTheSameRows). Ratios are against the plain list and against the
// 16.7 ms frame budget. A second process keeps one core busy throughout, as a collector tick or a build does
// (BENCH_BUSY=0: nothing else running). BENCH_TRACE=FILE writes a Chromium trace of both pages' diffs to FILE
// (each diff's arrival and frame marked; the engine's compiler and collector threads too) and of the app's sorts to
// FILE.sorts; BENCH_PROFILE=FILE a CPU profile of the app's diffs to FILE and of its sorts to FILE.sorts;
// BENCH_SORT_ROUNDS=N repeats the sorts N times; BENCH_WARMUP=N sends N ticks to each page before the BENCH_TICKS
// it measures; BENCH_PER_DIFF=1 adds each measured diff's time to its frame, in order, for both pages;
// BENCH_TRACE_EXTRA=a,b traces more categories (what invalidated a layout: disabled-by-default-devtools.timeline.invalidationTracking).
// BENCH_ALLOC=FILE writes a sampling heap profile of what the app's page allocates over its diffs (collected or not) to
// FILE, and of the plain list's to FILE.plain.
import { chromium, type CDPSession, type Page } from 'playwright-core';
import { join } from 'node:path';
import type { Monitor, MonitorClient } from '../electron/monitor/api.js';
import type { ServerMessage, StreamMessage } from '../shared/protocol.js';
import type { Connection, Diagnostics } from '../shared/types.js';
import { startWebHost } from '../electron/web.js';
import { spawn } from 'node:child_process';
import { WS_PROTOCOL, WS_TOKEN_PROTOCOL_PREFIX } from '../shared/protocol.js';
import { createBackend } from '../electron/backend.js';
import { createActions } from '../electron/actions/index.js';
import { seededRandom } from '../electron/monitor/testing/synthetic.js';
import { metricsSession, pageMetrics } from './page-metrics.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { build } from 'esbuild';

const ROWS = Number(process.env.BENCH_ROWS ?? 50_000);
const CHURN = 0.01;
const TICK_MS = 500;
const TICKS = Number(process.env.BENCH_TICKS ?? 40);
// BENCH_WARMUP=N: N ticks first, shown but not measured nor traced (the page's code compiled to its optimised
// tiers, as in a window open a while), then BENCH_TICKS measured; the same for both pages.
const WARMUP = Number(process.env.BENCH_WARMUP ?? 0);
// BENCH_BLOCK=N: the pages take turns, N measured ticks each.
const BLOCK = Math.max(1, Number(process.env.BENCH_BLOCK ?? 5));
const FRAME_MS = 1000 / 60;

const names = [
  'firefox',
  'chrome',
  'sshd',
  'postgres',
  'nginx',
  'node',
  'Web Content',
  'systemd-resolve',
  'redis-server',
  'java',
];
function makeRow(i: number, nextId: () => number): Connection {
  const pid = 1000 + (i % 997);
  const name = names[i % names.length]!;
  const v6 = i % 5 === 0;
  const local = v6 ? `2001:db8::${(i % 65535).toString(16)}` : `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  const remote = v6 ? `2001:db8:1::${((i * 7) % 65535).toString(16)}` : `192.0.2.${i % 250}`;
  const id = `tcp|${v6 ? 'inet6' : 'inet'}|${local}|${20000 + (i % 40000)}|${remote}|${443}|${nextId()}`;
  return {
    id,
    proto: 'tcp',
    family: v6 ? 'inet6' : 'inet',
    localAddress: local,
    localPort: 20000 + (i % 40000),
    remoteAddress: remote,
    remotePort: i % 3 === 0 ? 80 : 443,
    state: i % 11 === 0 ? 'TIME_WAIT' : 'ESTABLISHED',
    recvQ: 0,
    sendQ: 0,
    uid: 1000,
    user: 'bench',
    inode: 100000 + i,
    processes: [
      {
        pid,
        name,
        cmdline: `/usr/bin/${name} --bench ${pid}`,
        exe: `/usr/bin/${name}`,
        user: 'bench',
        startTime: 1_700_000_000_000 + pid,
      },
    ],
    ownerStatus: 'known',
    firstSeen: Date.now(),
    lastChanged: Date.now(),
    closedAt: null,
  };
}

const diagnostics: Diagnostics = { skipped: 0, samples: [], missing: [], notes: [] };

/** A monitor that serves each client a synthetic connections table of its own (the same rows for every client)
 *  and churns 1% of it per tick, on the client's turn only: clients are numbered in the order they first
 *  subscribe to connections, and `turn(n)` lets client n's ticks through (none until then). Each client's diffs
 *  follow from the same seed, so two clients given as many ticks get the same diffs. */
function syntheticMonitor(): Monitor & {
  turn: (client: number | null) => void;
  ticksSent: (client: number) => number;
  skipped: (client: number) => number;
} {
  let clients = 0;
  let turn: number | null = null;
  const sent: number[] = [];
  const skipped: number[] = [];
  const timers = new Set<ReturnType<typeof setInterval>>();
  return {
    attach(send: (m: ServerMessage) => void): MonitorClient {
      let seq = 0;
      let acked = -1;
      let timer: ReturnType<typeof setInterval> | null = null;
      let table: Connection[] | null = null;
      return {
        handle(m: StreamMessage) {
          if (m.type === 'subscribe' && m.dataset === 'connections' && table) {
            // Subscribed again: the table as it is now.
            send({ type: 'snapshot', dataset: 'connections', seq, rows: table, diagnostics, tick: null });
          } else if (m.type === 'subscribe' && m.dataset === 'connections') {
            const me = clients++;
            sent[me] = 0;
            skipped[me] = 0;
            let id = 0;
            const nextId = () => id++;
            // Every client's table and diffs from the same seed: both pages are sent the same rows and diffs.
            const random = seededRandom(15);
            const rows: Connection[] = Array.from({ length: ROWS }, (_, i) => makeRow(i, nextId));
            table = rows;
            send({ type: 'snapshot', dataset: 'connections', seq, rows, diagnostics, tick: null });
            timer = setInterval(() => {
              if (turn !== me) return;
              if (acked < seq) {
                skipped[me]!++;
                return;
              }
              const n = Math.round(ROWS * CHURN);
              const added: Connection[] = [];
              const removed: string[] = [];
              const changed: { id: string; recvQ: number; state: Connection['state'] }[] = [];
              for (let k = 0; k < n; k++) {
                const i = Math.floor(random() * rows.length);
                const r = rows[i]!;
                if (k % 3 === 0) {
                  removed.push(r.id);
                  const fresh = makeRow(Math.floor(random() * 1e6), nextId);
                  rows[i] = fresh;
                  added.push(fresh);
                } else if (!removed.includes(r.id) && !changed.some((c) => c.id === r.id) && !added.includes(r)) {
                  const next = {
                    ...r,
                    recvQ: r.recvQ + 1,
                    state: r.state === 'ESTABLISHED' ? ('CLOSE_WAIT' as const) : ('ESTABLISHED' as const),
                  };
                  rows[i] = next;
                  changed.push({ id: r.id, recvQ: next.recvQ, state: next.state });
                }
              }
              seq++;
              sent[me]!++;
              send({
                type: 'diff',
                dataset: 'connections',
                seq,
                diff: { added, removed, changed },
                diagnostics,
                tick: { at: Date.now(), durationMs: 1, lagCount: 0, intervalMs: 500 },
              });
            }, TICK_MS);
            timers.add(timer);
          } else if (m.type === 'ack' && m.dataset === 'connections') acked = Math.max(acked, m.seq);
        },
        detach() {
          if (timer) clearInterval(timer);
        },
      };
    },
    history: async () => [],
    record: () => Promise.reject(new Error('the benchmark keeps no record')),
    close: async () => {
      for (const t of timers) clearInterval(t);
    },
    turn: (client) => {
      turn = client;
    },
    ticksSent: (client) => sent[client] ?? 0,
    skipped: (client) => skipped[client] ?? 0,
  };
}

/** What timeDiffs keeps on the page's window: each diff's times (ms from its arrival), and how many diffs were
 *  not shown before the next arrived. */
type DiffTimes = { __perf: { work: number; commit: number; paint: number }[]; __perfUnshown: number };

/** In the page, before any script: times every diff from its arrival to the end of the work it queued (a task
 *  posted after the page's handler: it runs after any task the handler posted, and the app applies a diff in
 *  the next task), and to the first frame that shows it: the first frame rendered after the page changed its
 *  DOM (a MutationObserver), whether the page changed it in a task or in a frame callback, or after that work
 *  ended if it changed nothing (frame callbacks the page requested run in that frame). A frame loop runs
 *  from each diff's arrival until that frame; a 1-pixel probe resized by the loop makes a ResizeObserver
 *  report each frame's rendering (after its frame callbacks, style and layout, before paint): `commit` is that
 *  moment in the frame that shows the diff, `paint` a task posted from it (the frame painted). Both pages are
 *  timed by this one script, whichever way they schedule their work. */
function timeDiffs() {
  const w = window as unknown as DiffTimes;
  w.__perf = [];
  w.__perfUnshown = 0;
  const after = (fn: () => void) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = fn;
    ch.port2.postMessage(0);
  };
  // The diff waiting for its frame: its arrival, the end of its work, whether the DOM changed since it arrived.
  let pending: { t0: number; work: number; changed: boolean } | null = null;
  let probe: HTMLDivElement | null = null;
  let looping = false;
  const observer = new MutationObserver((records) => {
    if (pending && records.some((r) => r.target !== probe)) pending.changed = true;
  });
  const rendered = new ResizeObserver(() => {
    const p = pending;
    // A page that changed nothing on screen (none of the diff's rows in view) shows it in the first frame after
    // its work.
    if (!p || !(p.changed || p.work >= 0)) return;
    pending = null;
    performance.mark('bench-commit');
    const commit = performance.now() - p.t0;
    // The work's task was posted before this one: it has run when this runs.
    after(() => w.__perf.push({ work: p.work, commit, paint: performance.now() - p.t0 }));
  });
  const loop = () => {
    if (!pending || !probe) {
      looping = false;
      return;
    }
    probe.style.width = probe.style.width === '1px' ? '2px' : '1px';
    requestAnimationFrame(loop);
  };
  const watch = () => {
    if (probe) return;
    probe = document.createElement('div');
    probe.style.cssText = 'position:fixed;left:-10px;top:-10px;width:1px;height:1px;pointer-events:none';
    document.documentElement.appendChild(probe);
    observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
    rendered.observe(probe);
  };
  const desc = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage')!;
  Object.defineProperty(WebSocket.prototype, 'onmessage', {
    set(fn: (e: MessageEvent) => void) {
      desc.set!.call(this, (e: MessageEvent) => {
        const isDiff = typeof e.data === 'string' && e.data.startsWith('{"type":"diff"');
        if (!isDiff) {
          fn(e);
          return;
        }
        watch();
        // A diff that arrives before the previous one was shown: the previous is counted as not shown.
        if (pending) w.__perfUnshown++;
        const p = { t0: performance.now(), work: -1, changed: false };
        pending = p;
        performance.mark('bench-diff');
        fn(e);
        after(() => {
          p.work = performance.now() - p.t0;
        });
        if (!looping) {
          looping = true;
          requestAnimationFrame(loop);
        }
      });
    },
    get() {
      return desc.get!.call(this);
    },
  });
}

/** In the page: what timeDiffs measured. */
function readTimes() {
  const w = window as unknown as DiffTimes;
  return { perf: w.__perf, unshown: w.__perfUnshown };
}

/** What BENCH_TRACE records: tasks, frames, the page's work and the marks timeDiffs makes. */
const TRACE_CATEGORIES = [
  'toplevel',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline.frame',
  'blink.user_timing',
  'v8.execute',
  // The engine's compiler and collector threads: what else the page's process runs while it sorts.
  'disabled-by-default-v8.compile',
  'disabled-by-default-v8.gc',
  // BENCH_TRACE_EXTRA=a,b: more categories (what invalidated a layout: disabled-by-default-devtools.timeline.invalidationTracking).
  ...(process.env.BENCH_TRACE_EXTRA?.split(',') ?? []),
];

const VIEWPORT = { width: 1400, height: 900 };

/** The peer: a virtualized list with no framework, fed by the host's WebSocket like the app (token from the
 *  fragment), applying each diff to a Map and an array and setting the text of the ~40 visible rows. */
const LIST_STYLE = `<style>body{margin:0;font:13px system-ui}#v{height:100vh;overflow:auto;position:relative}
.row{position:absolute;left:0;right:0;height:22px;display:flex;white-space:nowrap}
.row span{flex:1;overflow:hidden;text-overflow:ellipsis;padding:0 4px}</style>`;
const PLAIN_LIST_HTML = `<!doctype html><meta charset="utf-8"><title>plain list</title>
${LIST_STYLE}
<div id="v"><div id="h"></div></div><script>
const H = 22, v = document.getElementById('v'), h = document.getElementById('h');
const rows = new Map(); let order = []; let seq = 0; const els = [];
const cols = (r) => [r.proto, r.localAddress, r.localPort, r.remoteAddress, r.remotePort, r.state, r.recvQ, r.sendQ,
  r.processes[0] ? r.processes[0].pid : '', r.processes[0] ? r.processes[0].name : ''];
function draw() {
  h.style.height = order.length * H + 'px';
  const first = Math.floor(v.scrollTop / H), n = Math.ceil(v.clientHeight / H) + 1;
  for (let i = 0; i < n; i++) {
    let el = els[i];
    if (!el) { el = els[i] = document.createElement('div'); el.className = 'row';
      for (let c = 0; c < 10; c++) el.appendChild(document.createElement('span')); v.appendChild(el); }
    const r = rows.get(order[first + i]);
    el.style.top = (first + i) * H + 'px';
    const text = r ? cols(r) : [];
    for (let c = 0; c < 10; c++) { const t = String(text[c] ?? ''); if (el.children[c].textContent !== t) el.children[c].textContent = t; }
  }
}
v.onscroll = () => requestAnimationFrame(draw);
const ws = new WebSocket('ws://' + location.host + '/ws', ['${WS_PROTOCOL}', '${WS_TOKEN_PROTOCOL_PREFIX}' + decodeURIComponent(location.hash.slice(1))]);
ws.onopen = () => ws.send(JSON.stringify({ type: 'subscribe', dataset: 'connections' }));
ws.onmessage = (e) => {
  const m = JSON.parse(e.data);
  if (m.type === 'snapshot' && m.dataset === 'connections') {
    rows.clear(); for (const r of m.rows) rows.set(r.id, r); order = m.rows.map((r) => r.id); seq = m.seq;
  } else if (m.type === 'diff' && m.dataset === 'connections') {
    if (m.seq !== seq + 1) return;
    seq = m.seq;
    if (m.diff.removed.length) { const gone = new Set(m.diff.removed); for (const id of gone) rows.delete(id); order = order.filter((id) => !gone.has(id)); }
    for (const r of m.diff.added) { if (!rows.has(r.id)) order.push(r.id); rows.set(r.id, r); }
    for (const c of m.diff.changed) { const r = rows.get(c.id); if (r) rows.set(c.id, Object.assign({}, r, c)); }
  } else return;
  ws.send(JSON.stringify({ type: 'ack', dataset: 'connections', seq }));
  requestAnimationFrame(draw);
};
</script>`;

/** The second peer (react-list.tsx): the plain list written in React, bundled here for production, in a page
 *  styled as the plain list's. */
async function reactListHtml(root: string): Promise<string> {
  const out = await build({
    entryPoints: [join(root, 'bench/react-list.tsx')],
    bundle: true,
    write: false,
    minify: true,
    format: 'iife',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'error',
  });
  const script = out.outputFiles[0]!.text.replaceAll('</script', '<\\/script');
  return `<!doctype html><meta charset="utf-8"><title>React list</title>
${LIST_STYLE}
<div id="config" data-protocol="${WS_PROTOCOL}" data-token-prefix="${WS_TOKEN_PROTOCOL_PREFIX}"></div><div id="root"></div>
<script>${script}</script>`;
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
}

async function main(): Promise<void> {
  const root = process.env.NETLENS_ROOT ?? process.cwd();
  const monitor = syntheticMonitor();
  const dataDir = mkdtempSync(join(tmpdir(), 'netlens-bench-'));
  const backend = createBackend({
    host: 'browser',
    monitor,
    dataDir,
    actions: createActions({ dataDir }),
    log: () => undefined,
  });
  const host = await startWebHost({
    service: backend.service,
    rendererDir: join(root, 'out/renderer'),
    log: () => undefined,
  });
  const browser = await chromium.launch({
    executablePath: process.env.NETLENS_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      // The peer's page is served by the bench (page.route), which Chromium would then not let reach loopback.
      '--disable-features=LocalNetworkAccessChecks',
    ],
  });
  const page = await browser.newPage({ viewport: VIEWPORT });
  // Time every diff from its arrival to the first frame that shows it (timeDiffs).
  await page.addInitScript(timeDiffs);
  /** Each page's main-thread time over its measured turns (Chromium's Performance metrics: every task, and the
   *  script, style and layout inside them; wall time, so a busy core lengthens them too), and the ticks those turns
   *  sent: what a tick costs the page, its rest between ticks included, and the load moves it less than a diff's
   *  time to its frame. */
  const mainThread = new Map<Page, { cdp: CDPSession; ticks: number; ms: Record<string, number> }>();
  /** The metrics summed, by Chromium's name and by the name printed. */
  const MAIN_THREAD = {
    TaskDuration: 'tasks',
    ScriptDuration: 'script',
    RecalcStyleDuration: 'style',
    LayoutDuration: 'layout',
  };
  // One core kept busy from here on, as a collector tick or a build keeps it.
  const busy =
    process.env.BENCH_BUSY === '0' ? null : spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
  try {
    await measure();
  } finally {
    busy?.kill('SIGKILL');
  }
  /** Lets `client`'s ticks through until it has been sent `total` in all (or 4 × the time they take), then waits
   *  for the last of them to be shown and stops them; a measured turn adds to the page's CPU figures. */
  async function ticks(client: number, p: Page, total: number, measured = true): Promise<void> {
    const counted = measured ? mainThread.get(p) : undefined;
    const before = counted ? await pageMetrics(counted.cdp) : null;
    const sentBefore = monitor.ticksSent(client);
    monitor.turn(client);
    const start = Date.now();
    const due = (total - sentBefore) * TICK_MS * 4;
    while (monitor.ticksSent(client) < total && Date.now() - start < due) await new Promise((r) => setTimeout(r, 50));
    monitor.turn(null);
    // The last diff shown (ticks are TICK_MS apart: no other comes before the next turn).
    await p.waitForTimeout(TICK_MS / 2);
    if (!counted || !before) return;
    const after = await pageMetrics(counted.cdp);
    counted.ticks += monitor.ticksSent(client) - sentBefore;
    for (const [metric, name] of Object.entries(MAIN_THREAD))
      counted.ms[name] = (counted.ms[name] ?? 0) + (after[metric]! - before[metric]!) * 1000;
  }
  /** A page's main-thread milliseconds a tick over its measured turns (tasks, script, style, layout). */
  function mainThreadPerTick(p: Page): Record<string, number> {
    const c = mainThread.get(p);
    if (!c || c.ticks === 0) return {};
    return Object.fromEntries(Object.entries(c.ms).map(([name, ms]) => [name, +(ms / c.ticks).toFixed(2)]));
  }
  /** BENCH_WARMUP's ticks, shown and not measured: the index of the first diff measured (else the third: the
   *  first two are not). */
  async function warmUp(client: number, p: Page): Promise<number> {
    if (WARMUP === 0) return 2;
    await ticks(client, p, WARMUP, false);
    return p.evaluate(() => (window as unknown as DiffTimes).__perf.length);
  }
  async function measure() {
    await page.goto(host.url);
    await page
      .locator('[role="grid"][aria-label="Connections"] [role="row"][data-row-id]')
      .first()
      .waitFor({ timeout: 60_000 });
    // The peer: the same rows and diffs, from the same host over the same WebSocket, into a plain virtualized
    // list, timed by the same script, in the same browser beside the app's page.
    const origin = new URL(host.url).origin;
    const token = new URL(host.url).searchParams.get('token') ?? '';
    const openPeer = async (name: string, html: string) => {
      const peer = await browser.newPage({ viewport: VIEWPORT });
      await peer.addInitScript(timeDiffs);
      peer.on('pageerror', (e) => console.error(`the ${name} failed:`, e));
      await peer.route(`${origin}/bench-${name}`, (route) => route.fulfill({ contentType: 'text/html', body: html }));
      await peer.goto(`${origin}/bench-${name}#${encodeURIComponent(token)}`);
      await peer.locator('.row').first().waitFor({ timeout: 60_000 });
      return peer;
    };
    const plain = await openPeer('plain-list', PLAIN_LIST_HTML);
    // The second peer, the same list in React: what React's render and commit add to the plain list's.
    const react = await openPeer('react-list', await reactListHtml(root));
    // The process list is a second view of the same rows; the bench measures the main grid with it shown, as
    // users see it by default. The app subscribed first: it is client 0, the plain list client 1, React's 2.
    for (const p of [page, plain, react]) mainThread.set(p, { cdp: await metricsSession(p), ticks: 0, ms: {} });
    const first = await warmUp(0, page);
    const plainFirst = await warmUp(1, plain);
    const reactFirst = await warmUp(2, react);
    const cdp = process.env.BENCH_PROFILE ? await page.context().newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    if (process.env.BENCH_TRACE) await browser.startTracing(page, { categories: TRACE_CATEGORIES });
    // BENCH_ALLOC=FILE: what each page allocates over its diffs, collected or not (a sampling heap profile of the app
    // to FILE, of the plain list to FILE.plain; each sample's bytes stand for 32 KB allocated around it).
    const alloc = process.env.BENCH_ALLOC
      ? await Promise.all(
          [page, plain].map(async (p) => {
            const session = await p.context().newCDPSession(p);
            await session.send('HeapProfiler.enable');
            await session.send('HeapProfiler.startSampling', {
              samplingInterval: 32_768,
              includeObjectsCollectedByMajorGC: true,
              includeObjectsCollectedByMinorGC: true,
            });
            return session;
          }),
        )
      : null;
    // The two pages take turns, BLOCK ticks each, so that what else the machine does over the run weighs on both
    // alike (measured one after the other, a run's ratio moved with the load between its halves).
    for (let done = 0; done < TICKS; ) {
      done = Math.min(TICKS, done + BLOCK);
      await ticks(0, page, WARMUP + done);
      await ticks(1, plain, WARMUP + done);
      await ticks(2, react, WARMUP + done);
    }
    if (process.env.BENCH_TRACE) writeFileSync(process.env.BENCH_TRACE, await browser.stopTracing());
    if (alloc) {
      const [app, list] = await Promise.all(alloc.map((session) => session.send('HeapProfiler.stopSampling')));
      writeFileSync(process.env.BENCH_ALLOC!, JSON.stringify(app!.profile));
      writeFileSync(`${process.env.BENCH_ALLOC!}.plain`, JSON.stringify(list!.profile));
    }
    if (cdp) {
      const { profile } = await cdp.send('Profiler.stop');
      writeFileSync(process.env.BENCH_PROFILE!, JSON.stringify(profile));
    }
    const { perf, unshown } = await page.evaluate(readTimes);
    const { perf: plainPerf, unshown: plainUnshown } = await plain.evaluate(readTimes);
    const appCpu = mainThreadPerTick(page);
    const plainCpu = mainThreadPerTick(plain);
    const { perf: reactPerf, unshown: reactUnshown } = await react.evaluate(readTimes);
    const reactCpu = mainThreadPerTick(react);
    // The two peers, given the same diffs, must show the same rows (else one's figure is not of the same work).
    const shown = (p: Page) =>
      p.evaluate(() =>
        Array.from(document.querySelectorAll('.row'), (r) => r.textContent)
          .sort()
          .join('\n'),
      );
    const peersShowTheSameRows = (await shown(plain)) === (await shown(react));
    if (!peersShowTheSameRows) console.error('the plain list and the React list show different rows');
    await plain.close();
    await react.close();
    const domRows = await page.locator('[role="grid"][aria-label="Connections"] [role="row"][data-row-id]').count();
    // The elements a row is drawn with (itself included): what a sort, which draws the rows on screen anew, styles
    // and lays out per row.
    const domElementsPerRow = await page.evaluate(() => {
      const rows = document.querySelectorAll('[role="grid"][aria-label="Connections"] [role="row"][data-row-id]');
      let n = 0;
      for (const r of rows) n += r.querySelectorAll('*').length + 1;
      return rows.length ? +(n / rows.length).toFixed(1) : null;
    });
    const totalText = await page.locator('[data-status="rows"]').textContent();

    // Sorting 50,000 rows: click a header, time to the committed DOM (BENCH_PROFILE: profiled to FILE.sorts;
    // BENCH_TRACE: traced to FILE.sorts, each sort marked from its click, bench-sort, to its frame, bench-sorted).
    if (cdp) await cdp.send('Profiler.start');
    if (process.env.BENCH_TRACE) await browser.startTracing(page, { categories: TRACE_CATEGORIES });
    const sortTimes: number[] = [];
    const sortColumns = ['localPort', 'remoteAddress', 'state', 'pid', 'process', 'localPort'];
    // BENCH_SORT_ROUNDS=N: the six sorts N times; the first round is the figure (first sorts, keys not cached),
    // the later ones' medians per column (sortLaterRoundsMedianMs) read with less noise what a sort costs again.
    const rounds = Math.max(1, Number(process.env.BENCH_SORT_ROUNDS ?? 1));
    const later: number[][] = sortColumns.map(() => []);
    for (let i = 0; i < rounds * sortColumns.length; i++) {
      const column = sortColumns[i % sortColumns.length]!;
      const ms = await page.evaluate(async (col) => {
        const button = document.querySelector<HTMLButtonElement>(
          `[role="grid"][aria-label="Connections"] .sort-button[data-column="${col}"]`,
        )!;
        performance.mark('bench-sort');
        const t0 = performance.now();
        button.click();
        await new Promise((r) => requestAnimationFrame(() => r(null)));
        const ms = performance.now() - t0;
        performance.mark('bench-sorted');
        return ms;
      }, column);
      if (i < sortColumns.length) sortTimes.push(ms);
      else later[i % sortColumns.length]!.push(ms);
    }
    if (cdp) {
      const { profile } = await cdp.send('Profiler.stop');
      writeFileSync(`${process.env.BENCH_PROFILE!}.sorts`, JSON.stringify(profile));
    }
    if (process.env.BENCH_TRACE) writeFileSync(`${process.env.BENCH_TRACE}.sorts`, await browser.stopTracing());

    // The page's JavaScript heap with the table loaded, after a full collection.
    const heapCdp = await page.context().newCDPSession(page);
    await heapCdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await heapCdp.send('Runtime.getHeapUsage');
    const plainPaints = plainPerf.slice(plainFirst).map((p) => p.paint);

    const works = perf.slice(first).map((p) => p.work);
    const plainWorks = plainPerf.slice(plainFirst).map((p) => p.work);
    const reactPaints = reactPerf.slice(reactFirst).map((p) => p.paint);
    const reactWorks = reactPerf.slice(reactFirst).map((p) => p.work);
    const commits = perf.slice(first).map((p) => p.commit);
    const paints = perf.slice(first).map((p) => p.paint);
    /** A peer page's figures, as the app's are printed. */
    const peerFigures = (
      client: number,
      peerPaints: number[],
      peerWorks: number[],
      unshownDiffs: number,
      cpu: Record<string, number>,
    ) => ({
      diffsMeasured: peerPaints.length,
      diffsSkippedUnacked: monitor.skipped(client),
      diffsNotShownBeforeTheNext: unshownDiffs,
      diffToWorkDoneMedianMs: +quantile(peerWorks, 0.5).toFixed(1),
      diffToFrameMedianMs: +quantile(peerPaints, 0.5).toFixed(1),
      diffToFrameP95Ms: +quantile(peerPaints, 0.95).toFixed(1),
      mainThreadMsPerTick: cpu,
    });
    const result = {
      bench: 'renderer',
      rows: ROWS,
      changedPerTick: Math.round(ROWS * CHURN),
      diffsMeasured: commits.length,
      warmUpTicks: WARMUP,
      diffsSkippedUnacked: monitor.skipped(0),
      diffsNotShownBeforeTheNext: unshown,
      diffToWorkDoneMedianMs: +quantile(works, 0.5).toFixed(1),
      diffToCommitMedianMs: +quantile(commits, 0.5).toFixed(1),
      diffToCommitP95Ms: +quantile(commits, 0.95).toFixed(1),
      diffToFrameMedianMs: +quantile(paints, 0.5).toFixed(1),
      diffToFrameP95Ms: +quantile(paints, 0.95).toFixed(1),
      sort50kMedianMs: +quantile(sortTimes, 0.5).toFixed(1),
      sort50kMaxMs: +Math.max(...sortTimes).toFixed(1),
      sort50kByColumnMs: Object.fromEntries(sortColumns.map((c, i) => [`${i + 1}:${c}`, +sortTimes[i]!.toFixed(1)])),
      ...(rounds > 1
        ? {
            sortLaterRoundsMedianMs: Object.fromEntries(
              sortColumns.map((c, i) => [`${i + 1}:${c}`, +quantile(later[i]!, 0.5).toFixed(1)]),
            ),
          }
        : {}),
      domRows,
      domElementsPerRow,
      statusRows: totalText,
      ratioFrameMedianToBudget: +(quantile(paints, 0.5) / FRAME_MS).toFixed(2),
      ratioFrameP95ToTwoFrames: +(quantile(paints, 0.95) / (2 * FRAME_MS)).toFixed(2),
      ratioSortToTarget100ms: +(quantile(sortTimes, 0.5) / 100).toFixed(2),
      slowestSortVsTarget100ms: +(Math.max(...sortTimes) / 100).toFixed(2),
      busyCore: busy !== null,
      rendererJsHeapMB: +(usedSize / 1048576).toFixed(1),
      mainThreadMsPerTick: appCpu,
      plainList: peerFigures(1, plainPaints, plainWorks, plainUnshown, plainCpu),
      ratioFrameMedianToPlainList: +(quantile(paints, 0.5) / quantile(plainPaints, 0.5)).toFixed(2),
      ratioFrameP95ToPlainList: +(quantile(paints, 0.95) / quantile(plainPaints, 0.95)).toFixed(2),
      ratioMainThreadToPlainList: +((appCpu.tasks ?? NaN) / (plainCpu.tasks ?? NaN)).toFixed(2),
      // The second peer (react-list.tsx): the plain list in React. Its ratio to the plain list is React's share;
      // the app's ratio to it, what NetLens's store, sorted view, tallies and grid add beyond a React list.
      reactList: peerFigures(2, reactPaints, reactWorks, reactUnshown, reactCpu),
      peersShowTheSameRows,
      ratioReactListToPlainList: +(quantile(reactPaints, 0.5) / quantile(plainPaints, 0.5)).toFixed(2),
      ratioFrameMedianToReactList: +(quantile(paints, 0.5) / quantile(reactPaints, 0.5)).toFixed(2),
      ratioMainThreadToReactList: +((appCpu.tasks ?? NaN) / (reactCpu.tasks ?? NaN)).toFixed(2),
      // BENCH_PER_DIFF=1: every measured diff's time to its frame, in arrival order, for both pages (where a p95 comes from).
      ...(process.env.BENCH_PER_DIFF
        ? {
            perDiffFrameMs: paints.map((ms) => Math.round(ms)),
            plainPerDiffFrameMs: plainPaints.map((ms) => Math.round(ms)),
            reactPerDiffFrameMs: reactPaints.map((ms) => Math.round(ms)),
          }
        : {}),
    };
    console.log(JSON.stringify(result));
  }
  await browser.close();
  await host.close();
  await backend.close();
  await monitor.close();
  rmSync(dataDir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
