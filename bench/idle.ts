// bench:idle: what NetLens costs at rest. The browser host (the built CLI, `netlens web`, as a user starts it)
// with about 500 loopback sockets open and nothing changing, and a headless Chromium showing each tab in turn,
// then the same page hidden (its window minimised, or told so where headless Chromium ignores that). CPU time is read from /proc/<pid>/stat (utime + stime of
// the process and of its reaped children) for the host and for every Chromium process, over a window of
// BENCH_IDLE_SECONDS (60 by default) per phase, after a settle time. Prints one JSON line: each phase's share
// of one core for the host and for Chromium (all its processes but the renderer of Chromium's own WebUI, and by
// process type; that renderer apart, as `chromiumBrowserUi`: see chromiumProcesses), beside four peers from
// the same run: the host with no page open; `netstat -tanpc` (netstat refreshing every second, what one would
// otherwise leave running in a terminal); the kernel's floor, a bare Node process reading the /proc/net
// tables the connections collector reads, once a second; the same Chromium showing a blank page (it is started
// on one with the host, so that its own start-up is over before the app's page loads); and, once the app's page is
// closed, the same Chromium replaying each tab's changes without the app (page-replay.ts: the writes the tab made in
// the 20 s after its window, BENCH_IDLE_REPLAY_RECORD_SECONDS, on the same schedule, in a copy of its document) and
// showing one number that changes once a second (the least a tab showing a live figure can cost).
//   npm run bench:idle            BENCH_IDLE_SECONDS=10 npm run bench:idle   (a quick run)
//   BENCH_IDLE_ARGS=--no-record npm run bench:idle                           (host options, e.g. no recording)
//   BENCH_NETNS=machine           measure in the machine's network namespace, not one of the bench's own
//   BENCH_IDLE_PROFILE=/tmp/idle  writes the host's --cpu-prof files, the page's CPU profile of each phase, and a
//                                 Chromium trace of TRACE_SECONDS after each phase's window, there (the trace's summary,
//                                 frames and main-thread work per second, goes into the JSON as `traces`)
//   BENCH_IDLE_TABS=connections,statistics   only these tabs (a quicker run while working on one)
//   BENCH_IDLE_REPLAY=0           without the replay peers (each adds a window per tab)
//   BENCH_IDLE_REPLAY_RECORD_SECONDS=20  how long each tab's changes are recorded for its replay
//   BENCH_IDLE_WARMUP_MS=20000    the wait between the page's load and the first tab's settle time
//   BENCH_IDLE_NO_PAGE_SETTLE_MS=40000  the wait between the host's start and the no-page window
//   BENCH_IDLE_RESTED_MS=240000   Connections measured again once the page has been open this long (`connectionsRested`,
//                                 the figure at rest: past V8's compiling of what serves the page; 0: not measured)
//   BENCH_IDLE_LATE=1             each tab measured again in a second window right after its first (`<tab>Late`: 35-65 s
//                                 after the switch with 30 s windows): shows whether the switch's after-effects (the new
//                                 tab's garbage, V8's memory reducer) weigh on the figure taken from BENCH_IDLE_SETTLE_MS on
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startHost, type RunningHost } from '../test/e2e/support.js';
import { stopProcess } from '../test/stop-process.js';
import { BROWSER_UI_RENDERER, chromiumKind } from './chromium-kind.js';
import { inOwnNetns, netnsOfThisRun } from './netns.js';
import { round2, startChild, stopChildren } from './loopback-sockets.js';
import { threadNs, threadShares } from './threads.js';
import { type Recording, type ReplayStats, recordChanges, replayChanges } from './page-replay.js';

const SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 60);
const SETTLE_MS = Number(process.env.BENCH_IDLE_SETTLE_MS ?? 5000);
// The host's first minute is not rest: V8 compiles the code it runs hot on its platform threads, 12 ms of CPU a
// second from about 5 to 35 s after the start, 2-3 from 35 to 65 s, 0.1-3 after (bench/pair-idle.ts, PAIR_NO_PAGE and
// PAIR_WARMUP_MS). Measured from 5 s after the start, the no-page peer read 1.43-1.70 % where the same host hidden
// later read 0.93-1.13 (docs/performance.md, _The host at rest, 12-03 evening_).
const NO_PAGE_SETTLE_MS = Number(process.env.BENCH_IDLE_NO_PAGE_SETTLE_MS ?? 40_000);
// After the page loads, before the first tab's window: its start-up is not rest (the first renders, the code
// compiled, and the connections Chromium opened to load the page, closed some seconds later and highlighted
// as they go: measured from 5 s after the load, the first tab's figure moved between 2.6 and 4.6 %).
const WARMUP_MS = Number(process.env.BENCH_IDLE_WARMUP_MS ?? 20_000);
// Connections measured again once the page has been open this long (`connectionsRested`): the figure at rest. In the
// first minutes after the page loads, V8 is still compiling the code that serves it, in the host (its platform
// threads: 7-17 functions a minute optimised up to 6 minutes after the load, against 1-6 with no page, counted with
// --trace-opt on 12-07) and in the page, which the first window (`connections`, 25-85 s after the load) includes.
// 0: no such window.
const RESTED_MS = Number(process.env.BENCH_IDLE_RESTED_MS ?? 240_000);
const CONNECTIONS = Number(process.env.BENCH_IDLE_CONNECTIONS ?? 250);
const HOST_ARGS = (process.env.BENCH_IDLE_ARGS ?? '').split(' ').filter(Boolean);
const PROFILE_DIR = process.env.BENCH_IDLE_PROFILE;
const ONLY_TABS = process.env.BENCH_IDLE_TABS?.split(',').filter(Boolean);
const LATE = Boolean(process.env.BENCH_IDLE_LATE);
const TRACE_SECONDS = 5;
// The replay peers (page-replay.ts): each tab's changes recorded over this long after its window, then replayed
// without the app in a window of SECONDS. BENCH_IDLE_REPLAY=0 leaves them out (a quicker run).
const REPLAY = process.env.BENCH_IDLE_REPLAY !== '0';
const REPLAY_RECORD_SECONDS = Number(process.env.BENCH_IDLE_REPLAY_RECORD_SECONDS ?? 20);
// /proc/<pid>/stat counts in clock ticks; Linux reports USER_HZ = 100 to user space on every architecture.
const TICKS_PER_SECOND = 100;

const FLOOR_SCRIPT = `
const fs = require('node:fs');
const files = ['tcp', 'tcp6', 'udp', 'udp6', 'udplite', 'udplite6', 'raw', 'raw6', 'unix'];
setInterval(() => {
  for (const f of files) {
    try { fs.readFileSync('/proc/net/' + f, 'latin1'); } catch {}
  }
}, 1000);
`;

interface ProcCpu {
  pid: number;
  ppid: number;
  ticks: number;
}

/** utime + stime + cutime + cstime of one process (its own threads and the children it reaped). */
function readStat(pid: number): ProcCpu | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return null; // gone between the listing and the read
  }
  // The command name is in parentheses and may hold anything: fields are counted after its last ')'.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // f[0] is field 3 (state): ppid is field 4, utime..cstime fields 14..17.
  return { pid, ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) };
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** Every process below `root` (children, grandchildren…), read now. */
function descendants(root: number): ProcCpu[] {
  const all: ProcCpu[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (s) all.push(s);
  }
  const byParent = new Map<number, ProcCpu[]>();
  for (const p of all) byParent.set(p.ppid, [...(byParent.get(p.ppid) ?? []), p]);
  const out: ProcCpu[] = [];
  const walk = (pid: number) => {
    for (const c of byParent.get(pid) ?? []) {
      out.push(c);
      walk(c.pid);
    }
  };
  walk(root);
  return out;
}

/** Chromium's processes by pid, with their kind (chromium-kind.ts): those that serve the page, or (`browserUi`) the
 *  renderer of Chromium's own WebUI, which an Electron window has not. */
function chromiumProcesses(exclude: Set<number>, browserUi = false): Map<number, string> {
  const found = new Map<number, string>();
  for (const p of descendants(process.pid)) {
    if (exclude.has(p.pid) || exclude.has(p.ppid)) continue;
    const cmd = cmdline(p.pid);
    if (!/chrom/i.test(cmd)) continue;
    const kind = chromiumKind(cmd);
    if ((kind === BROWSER_UI_RENDERER) === browserUi) found.set(p.pid, kind);
  }
  return found;
}

/** CPU ticks of a set of pids; a process that exited during the window keeps its last reading. */
class CpuMeter {
  private readonly last = new Map<number, number>();
  /** `threadsOf`: a process whose threads' share is also given (threads.ts: its main thread, its busiest other, the
   *  rest), as `threads` in ms per second. */
  constructor(
    private readonly pids: () => Map<number, string>,
    readonly threadsOf?: number,
  ) {}
  read(): Map<number, { ticks: number; kind: string }> {
    const out = new Map<number, { ticks: number; kind: string }>();
    for (const [pid, kind] of this.pids()) {
      const s = readStat(pid);
      const ticks = s?.ticks ?? this.last.get(pid) ?? 0;
      this.last.set(pid, ticks);
      out.set(pid, { ticks, kind });
    }
    return out;
  }
}

interface Share {
  coreShare: number;
  byKind?: Record<string, number>;
  threads?: ReturnType<typeof threadShares>;
}

async function measure(meters: Record<string, CpuMeter>, seconds: number): Promise<Record<string, Share>> {
  const before = Object.fromEntries(Object.entries(meters).map(([k, m]) => [k, m.read()]));
  const threadsBefore = new Map(
    Object.entries(meters).flatMap(([k, m]) => (m.threadsOf ? [[k, threadNs(m.threadsOf)] as const] : [])),
  );
  const t0 = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  const out: Record<string, Share> = {};
  for (const [name, meter] of Object.entries(meters)) {
    const after = meter.read();
    const byKind: Record<string, number> = {};
    let total = 0;
    for (const [pid, { ticks, kind }] of after) {
      // A process born during the window counts from zero.
      const d = ticks - (before[name]!.get(pid)?.ticks ?? 0);
      total += d;
      byKind[kind] = (byKind[kind] ?? 0) + d;
    }
    const share = (t: number) => round2((100 * t) / TICKS_PER_SECOND / wallS);
    out[name] = { coreShare: share(total) };
    const threadsThen = threadsBefore.get(name);
    if (meter.threadsOf && threadsThen)
      out[name].threads = threadShares(meter.threadsOf, threadsThen, threadNs(meter.threadsOf), wallS);
    if (Object.keys(byKind).length > 1)
      out[name].byKind = Object.fromEntries(Object.entries(byKind).map(([k, t]) => [k, share(t)]));
  }
  return out;
}

const TRACE_CATEGORIES = ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline.frame'];

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  dur?: number;
  args?: { name?: string };
}

interface TraceSummary {
  /** Frames Chromium drew per second (DrawFrame events). */
  framesPerSecond: number;
  /** Busy time (toplevel RunTask) per thread kind, ms per second. */
  busyMsPerSecond: Record<string, number>;
  /** The renderer main thread's costliest event names, ms per second (nested events counted in each). */
  mainThread: Record<string, number>;
}

/** Frames, per-thread busy time and the main thread's work in a Chromium trace of `seconds`. */
function summariseTrace(trace: { traceEvents: TraceEvent[] }, seconds: number): TraceSummary {
  const threadName = new Map<string, string>();
  for (const e of trace.traceEvents)
    if (e.ph === 'M' && e.name === 'thread_name') threadName.set(`${e.pid}:${e.tid}`, e.args?.name ?? '?');
  const busy: Record<string, number> = {};
  const main: Record<string, number> = {};
  let frames = 0;
  for (const e of trace.traceEvents) {
    if (e.name === 'DrawFrame') frames++;
    if (e.ph !== 'X' || e.dur === undefined) continue;
    const thread = threadName.get(`${e.pid}:${e.tid}`) ?? '?';
    if (e.name === 'RunTask') busy[thread] = (busy[thread] ?? 0) + e.dur / 1000;
    else if (thread === 'CrRendererMain') main[e.name] = (main[e.name] ?? 0) + e.dur / 1000;
  }
  const perSecond = (o: Record<string, number>, top: number) =>
    Object.fromEntries(
      Object.entries(o)
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([k, v]) => [k, round2(v / seconds)]),
    );
  return {
    framesPerSecond: round2(frames / seconds),
    busyMsPerSecond: perSecond(busy, 8),
    mainThread: perSecond(main, 12),
  };
}

/** Clicks the tab (the pointer then rests on it, as after a user's click) and returns where the pointer is. */
async function showTab(page: Page, id: string): Promise<{ x: number; y: number } | null> {
  const tab = page.locator(`#tab-${id}`);
  await tab.click();
  await page.locator(`#panel-${id}:not([hidden])`).waitFor();
  const box = await tab.boundingBox();
  return box ? { x: box.x + box.width / 2, y: box.y + box.height / 2 } : null;
}

/** A page that shows one number and changes it once a second, and nothing else: what one small change a second
 *  costs Chromium (style, layout, paint and a frame), the least a tab showing any live figure can cost. */
async function showOneNumber(page: Page): Promise<void> {
  await page.goto('about:blank');
  await page.setContent('<p style="font: 13px system-ui; margin: 8px">Packets <span id="n">0</span></p>');
  await page.evaluate(() => {
    const n = document.getElementById('n')!;
    let i = 0;
    setInterval(() => {
      i += 3;
      n.textContent = i.toLocaleString('en');
    }, 1000);
  });
}

async function main(): Promise<void> {
  const held: ChildProcess[] = [];
  let host: RunningHost | null = null;
  let browser: Browser | null = null;
  try {
    // The sockets first, so the host's first reads see them all: nothing changes after this.
    held.push(await startChild(CONNECTIONS));
    const profileDir = PROFILE_DIR ? join(PROFILE_DIR, 'host') : undefined;
    if (profileDir) mkdirSync(profileDir, { recursive: true });
    host = await startHost(HOST_ARGS, {}, profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []);
    const hostPid = host.child.pid!;
    const notChromium = new Set([hostPid, ...held.map((c) => c.pid!)]);
    const meters: Record<string, CpuMeter> = {
      host: new CpuMeter(() => new Map([[hostPid, 'host']]), hostPid),
    };
    const phases: Record<string, Record<string, Share>> = {};

    // Chromium from the start, on a blank page: its own start-up (its profile's services, the omnibox renderer's
    // first seconds: docs/performance.md, _Chromium at rest before the page_) is over before a tab is measured, and
    // the blank page is a peer of the app's page, measured with the others below.
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1360, height: 840 } });
    const chromiumMeters = {
      chromium: new CpuMeter(() => chromiumProcesses(notChromium)),
      chromiumBrowserUi: new CpuMeter(() => chromiumProcesses(notChromium, true)),
    };

    // Peer 1: the host with no page open (the monitor polls nothing that nobody shows), past its start-up.
    await new Promise((r) => setTimeout(r, NO_PAGE_SETTLE_MS));
    phases.noPage = await measure(meters, SECONDS);

    // Peers 2, 3 and 4, over the same window in the same run: `netstat -tanpc`; the kernel's floor, a bare Node
    // process reading the socket tables the connections collector reads, once a second, and nothing else; and
    // Chromium showing a blank page (what Chromium costs at rest with nothing of NetLens's in it).
    const netstat = spawn('netstat', ['-tanpc'], { stdio: ['ignore', 'ignore', 'ignore'] });
    const floor = spawn(process.execPath, ['-e', FLOOR_SCRIPT], { stdio: ['ignore', 'ignore', 'inherit'] });
    const peerMeters = {
      netstat: new CpuMeter(() => new Map([[netstat.pid!, 'netstat']])),
      floor: new CpuMeter(() => new Map([[floor.pid!, 'floor']])),
      ...chromiumMeters,
    };
    await new Promise((r) => setTimeout(r, 1000));
    const peer = await measure(peerMeters, SECONDS);
    await stopProcess(netstat, 'SIGINT');
    await stopProcess(floor);

    Object.assign(meters, chromiumMeters);
    await page.goto(host.url);
    await page.locator('[role="grid"][aria-label="Connections"] [role="row"][data-row-id]').first().waitFor();
    // The refresh interval users get by default (1 s), stated rather than assumed.
    await page.getByRole('combobox', { name: 'Refresh interval' }).selectOption('1000');
    const pageLoadedAt = Date.now();
    const cdp = await page.context().newCDPSession(page);
    await new Promise((r) => setTimeout(r, WARMUP_MS));
    // The page's JavaScript profile of each phase (the sampling profiler costs less than a full trace).
    const trace = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
      if (!PROFILE_DIR) return f();
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
      try {
        return await f();
      } finally {
        const { profile } = await cdp.send('Profiler.stop');
        writeFileSync(join(PROFILE_DIR, `chromium-${name}.cpuprofile`), JSON.stringify(profile));
      }
    };

    // After a phase's window (so it does not weigh on the figures): what Chromium did for TRACE_SECONDS.
    const traces: Record<string, TraceSummary> = {};
    const chromiumTrace = async (name: string): Promise<void> => {
      if (!PROFILE_DIR || !browser) return;
      const path = join(PROFILE_DIR, `chromium-${name}.trace.json`);
      await browser.startTracing(page, { path, categories: TRACE_CATEGORIES });
      await new Promise((r) => setTimeout(r, TRACE_SECONDS * 1000));
      traces[name] = summariseTrace(JSON.parse((await browser.stopTracing()).toString('utf8')), TRACE_SECONDS);
    };

    // Every tab the app shows, as its tab list names them (or those of BENCH_IDLE_TABS).
    const tabs = (
      await page
        .locator('[role="tablist"] [role="tab"]')
        .evaluateAll((els) => els.map((e) => e.id.replace(/^tab-/, '')))
    ).filter((t) => !ONLY_TABS || ONLY_TABS.includes(t));
    const recordings: Record<string, Recording> = {};
    for (const tab of tabs) {
      const pointer = await showTab(page, tab);
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      phases[tab] = await trace(tab, () => measure(meters, SECONDS));
      if (LATE) phases[`${tab}Late`] = await measure(meters, SECONDS);
      if (REPLAY) recordings[tab] = await recordChanges(page, REPLAY_RECORD_SECONDS, pointer);
      await chromiumTrace(tab);
    }

    // Hidden: back on Connections (the default tab), then the window minimised, as a user leaves it. First, with
    // RESTED_MS, Connections at rest: once the page has been open that long.
    await showTab(page, 'connections');
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    if (RESTED_MS > 0 && tabs.includes('connections')) {
      await new Promise((r) => setTimeout(r, Math.max(0, pageLoadedAt + RESTED_MS - Date.now())));
      phases.connectionsRested = await measure(meters, SECONDS);
    }
    const { windowId } = (await cdp.send('Browser.getWindowForTarget')) as { windowId: number };
    await cdp.send('Browser.setWindowBounds', { windowId, bounds: { windowState: 'minimized' } });
    await new Promise((r) => setTimeout(r, 500));
    // Headless Chromium keeps its pages visible whatever the window's state (as of Chromium 156): then the
    // page is told it is hidden, as a minimised window would tell it. Chromium's own savings for hidden pages
    // (no frames, throttled timers) are not made then, so the Chromium figure is an upper bound.
    let hiddenBy = 'minimised window';
    if (!(await page.evaluate(() => document.hidden))) {
      hiddenBy = 'document.hidden set by the bench (headless Chromium keeps minimised pages visible)';
      await page.evaluate(() => {
        Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
        Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
        document.dispatchEvent(new Event('visibilitychange'));
      });
    }
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    phases.hidden = await trace('hidden', () => measure(meters, SECONDS));
    await chromiumTrace('hidden');
    await cdp.send('Browser.setWindowBounds', { windowId, bounds: { windowState: 'normal' } });

    // The replay peers, in a page of their own once the app's page is closed (it would cost beside them): each
    // tab's recorded changes without the app, then one number changing once a second.
    const replays: Record<string, ReplayStats> = {};
    const replayShares: Record<string, Share> = {};
    if (REPLAY) {
      await page.close();
      const replayPage = await browser.newPage({ viewport: { width: 1360, height: 840 } });
      for (const [tab, recording] of Object.entries(recordings)) {
        replays[tab] = await replayChanges(replayPage, recording);
        await new Promise((r) => setTimeout(r, SETTLE_MS));
        replayShares[tab] = (await measure(chromiumMeters, SECONDS)).chromium!;
      }
      await showOneNumber(replayPage);
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      replayShares.oneNumber = (await measure(chromiumMeters, SECONDS)).chromium!;
    }
    const vsReplay = Object.fromEntries(
      Object.keys(replays).map((tab) => [
        tab,
        replayShares[tab]!.coreShare ? round2(phases[tab]!.chromium!.coreShare / replayShares[tab]!.coreShare) : null,
      ]),
    );

    const shown = tabs.map((t) => phases[t]!);
    const worst = (who: 'host' | 'chromium') => Math.max(...shown.map((p) => p[who]?.coreShare ?? 0));
    const netstatShare = peer.netstat!.coreShare;
    const rested = phases.connectionsRested;
    const result = {
      bench: 'idle',
      seconds: SECONDS,
      noPageSettleMs: NO_PAGE_SETTLE_MS,
      sockets: 2 * CONNECTIONS,
      hostArgs: HOST_ARGS,
      netns: netnsOfThisRun(),
      hiddenBy,
      // Percent of one core, per phase.
      phases,
      peers: {
        hostWithNoPageShare: phases.noPage.host!.coreShare,
        netstatTanpcShare: netstatShare,
        procNetFloorShare: peer.floor!.coreShare,
        chromiumBlankPageShare: peer.chromium!.coreShare,
        chromiumBlankPageBrowserUiShare: peer.chromiumBrowserUi!.coreShare,
        chromiumBlankPageByKind: peer.chromium!.byKind,
        // Chromium showing each tab's recorded changes without the app (page-replay.ts), and a page changing one
        // number once a second.
        ...(REPLAY
          ? {
              chromiumReplayShare: Object.fromEntries(Object.entries(replayShares).map(([k, v]) => [k, v.coreShare])),
              chromiumReplayByKind: Object.fromEntries(Object.entries(replayShares).map(([k, v]) => [k, v.byKind])),
              replays,
            }
          : {}),
      },
      worstShownTab: { host: worst('host'), chromium: worst('chromium') },
      ratios: {
        hostConnectionsVsNetstat:
          netstatShare && phases.connections ? round2(phases.connections.host!.coreShare / netstatShare) : null,
        hostConnectionsRestedVsNetstat: netstatShare && rested ? round2(rested.host!.coreShare / netstatShare) : null,
        hostConnectionsVsFloor:
          peer.floor!.coreShare && phases.connections
            ? round2(phases.connections.host!.coreShare / peer.floor!.coreShare)
            : null,
        hostHiddenVsNoPage: phases.noPage.host!.coreShare
          ? round2(phases.hidden.host!.coreShare / phases.noPage.host!.coreShare)
          : null,
        chromiumConnectionsVsBlankPage:
          peer.chromium!.coreShare && phases.connections
            ? round2(phases.connections.chromium!.coreShare / peer.chromium!.coreShare)
            : null,
        // Each tab's Chromium figure over its replay's: what the app's own work adds to the drawing of its changes.
        ...(REPLAY ? { chromiumVsReplay: vsReplay } : {}),
      },
      targets: {
        // Each tab's first window (its first minute shown, V8 still compiling what it runs).
        hostAtMostHalfPercent: worst('host') <= 0.5,
        chromiumAtMostOnePercent: worst('chromium') <= 1,
        // At rest: Connections once the page has been open RESTED_MS.
        ...(rested
          ? {
              hostAtRestAtMostHalfPercent: rested.host!.coreShare <= 0.5,
              chromiumAtRestAtMostOnePercent: rested.chromium!.coreShare <= 1,
            }
          : {}),
      },
      ...(PROFILE_DIR ? { traces } : {}),
    };
    console.log(JSON.stringify(result));
    if (PROFILE_DIR) writeFileSync(join(PROFILE_DIR, 'result.json'), JSON.stringify(result, null, 2));
  } finally {
    await browser?.close();
    await host?.stop();
    await stopChildren(held);
  }
}

inOwnNetns('bench:idle', main);
