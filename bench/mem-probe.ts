// Where the browser host's memory is (a diagnostic, not a benchmark: no peer, nothing to compare). The host
// (`netlens web`, recording on, no page) is started with the inspector at N loopback sockets with a churn, and
// sampled every few seconds: its CPU, RSS and smaps (anon / file / malloc heap), and for each V8 isolate (the
// main thread, the monitor's worker) process.memoryUsage() and the heap's spaces. One JSON line a sample.
//   node scripts/run-ts.mjs bench/mem-probe.ts --connections 10000 --seconds 120 --every 20
//     --snapshot /tmp/x        heap snapshots of both threads at the end (x-worker, x-main.heapsnapshot)
//     --alloc-profile f.json   the worker's sampled allocations over the run, garbage included
//     --node-args=--flag       node or V8 flags for the host
//     --live                   at the end, a full collection in each thread, then one more sample: what
//                              each thread holds (heapUsed) and the RSS left after it
//     --breakdown              at the end (after --live's collections), the RSS by mapping and by owner: the
//                              node binary, libraries, malloc's arenas by the thread that uses each (gdb, if
//                              installed, asks each thread for a malloc), thread stacks, SQLite's WebAssembly
//                              memory, executable (code) mappings, and the rest of the anonymous memory beside
//                              each isolate's V8 heap (resident spaces), its shared buffers and malloc's mmaps
//     --host-env K=V,K=V       environment variables for the host alone (MALLOC_ARENA_MAX=2, ...)
//   Each sample also gives the CPU since the last of the host's main thread, its busiest other thread (the
//   monitor's worker) and the rest (V8's background threads: concurrent marking, compilation), in ms a second,
//   and each isolate's garbage collections so far (count and ms by kind, from a `gc` PerformanceObserver).
import { spawnSync } from 'node:child_process';
import { readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { ChildProcess } from 'node:child_process';
import WebSocket from 'ws';
import { startHost } from '../test/e2e/support.js';
import { inOwnNetns } from './netns.js';
import { cpuSeconds, envList, startChild, stopChildren } from './loopback-sockets.js';
import { threadNs, threadShares } from './threads.js';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '10000' },
    children: { type: 'string', default: '4' },
    churn: { type: 'string', default: '0.01' },
    seconds: { type: 'string', default: '120' },
    every: { type: 'string', default: '20' },
    snapshot: { type: 'string' },
    'alloc-profile': { type: 'string' },
    live: { type: 'boolean', default: false },
    breakdown: { type: 'boolean', default: false },
    'host-env': { type: 'string', default: '' },
    'host-args': { type: 'string', default: '' },
    'node-args': { type: 'string', default: '' },
  },
});

class Inspector {
  private id = 0;
  private readonly waiting = new Map<number, (r: unknown) => void>();
  private readonly workerWaiting = new Map<number, (r: unknown) => void>();
  workerSession: string | null = null;
  private chunks: string[] = [];
  constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const m = JSON.parse(String(data));
      if (m.id !== undefined) {
        this.waiting.get(m.id)?.(m.result ?? m.error);
        this.waiting.delete(m.id);
      } else if (m.method === 'HeapProfiler.addHeapSnapshotChunk') {
        this.chunks.push(m.params.chunk);
      } else if (m.method === 'NodeWorker.attachedToWorker') {
        this.workerSession = m.params.sessionId;
      } else if (m.method === 'NodeWorker.receivedMessageFromWorker') {
        const w = JSON.parse(m.params.message);
        if (w.id !== undefined) {
          this.workerWaiting.get(w.id)?.(w.result ?? w.error);
          this.workerWaiting.delete(w.id);
        } else if (w.method === 'HeapProfiler.addHeapSnapshotChunk') this.chunks.push(w.params.chunk);
      }
    });
  }
  static async open(url: string): Promise<Inspector> {
    const ws = new WebSocket(url);
    await new Promise((r, j) => {
      ws.once('open', r);
      ws.once('error', j);
    });
    return new Inspector(ws);
  }
  send(method: string, params: object = {}): Promise<unknown> {
    const id = ++this.id;
    this.ws.send(JSON.stringify({ id, method, params }));
    return new Promise((r) => this.waiting.set(id, r));
  }
  async worker(method: string, params: object = {}): Promise<unknown> {
    const id = ++this.id;
    const done = new Promise((r) => this.workerWaiting.set(id, r));
    await this.send('NodeWorker.sendMessageToWorker', {
      sessionId: this.workerSession,
      message: JSON.stringify({ id, method, params }),
    });
    return done;
  }
  async workerSnapshot(file: string): Promise<void> {
    this.chunks = [];
    await this.worker('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    writeFileSync(file, this.chunks.join(''));
    this.chunks = [];
  }
  async mainSnapshot(file: string): Promise<void> {
    this.chunks = [];
    await this.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    writeFileSync(file, this.chunks.join(''));
    this.chunks = [];
  }
  close() {
    this.ws.close();
  }
}

// Counts each isolate's collections by kind (1 minor, 4 major, 8 incremental marking, 16 weak callbacks).
const GC_OBSERVER = `(() => {
  if (globalThis.__probeGc) return 'again';
  const stats = (globalThis.__probeGc = {});
  const { PerformanceObserver } = require('node:perf_hooks');
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const k = String(e.detail?.kind ?? e.kind);
      const s = (stats[k] ??= { n: 0, ms: 0 });
      s.n++;
      s.ms = Math.round((s.ms + e.duration) * 10) / 10;
    }
  }).observe({ entryTypes: ['gc'] });
  return 'ok';
})()`;

const EXPR = `(() => {
  const m = process.memoryUsage();
  const mb = (x) => Math.round(x / 1048576 * 10) / 10;
  let spaces = null;
  try {
    const v8m = require('node:v8');
    spaces = Object.fromEntries(v8m.getHeapSpaceStatistics().map((s) => [s.space_name.replace('_space',''), mb(s.space_size)]));
  } catch (e) { spaces = String(e); }
  return JSON.stringify({ heapTotal: mb(m.heapTotal), heapUsed: mb(m.heapUsed), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers), spaces, gc: globalThis.__probeGc });
})()`;

async function evalIn(ins: Inspector, where: 'main' | 'worker', expression = EXPR): Promise<unknown> {
  const params = { expression, includeCommandLineAPI: true, returnByValue: true };
  const r = (
    where === 'main' ? await ins.send('Runtime.evaluate', params) : await ins.worker('Runtime.evaluate', params)
  ) as {
    result?: { value?: string };
  };
  try {
    return JSON.parse(r.result?.value ?? 'null');
  } catch {
    return r;
  }
}

/** The largest anonymous mappings by RSS (MB), address and size: V8's spaces, malloc arenas, WebAssembly. */
function largestAnon(pid: number, n = 12) {
  const out: [string, number][] = [];
  let head = '';
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'latin1').split('\n')) {
    const h = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (h) {
      const mb = Math.round((Number.parseInt(h[2]!, 16) - Number.parseInt(h[1]!, 16)) / 104857.6) / 10;
      head = h[4] === '' || h[4] === '[heap]' ? `${h[1]} ${h[3]} ${mb}M ${h[4]}` : '';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss && head) out.push([head, Math.round(Number(rss[1]) / 102.4) / 10]);
  }
  return out.sort((a, b) => b[1] - a[1]).slice(0, n);
}

function smaps(pid: number) {
  const text = readFileSync(`/proc/${pid}/smaps`, 'latin1');
  const out: Record<string, number> = {};
  let name = '';
  for (const line of text.split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      const n = head[1] ?? '';
      name = n === '' ? 'anon' : n.startsWith('/') ? (n.includes('.so') || n.endsWith('node') ? 'lib' : 'file') : n;
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) out[name] = (out[name] ?? 0) + Number(rss[1]);
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Math.round(v / 102.4) / 10]));
}

function status(pid: number) {
  const s = readFileSync(`/proc/${pid}/status`, 'latin1');
  const kB = (f: string) => Math.round(Number(new RegExp(`^${f}:\\s+(\\d+) kB`, 'm').exec(s)?.[1]) / 102.4) / 10;
  return { rss: kB('VmRSS'), peak: kB('VmHWM'), anon: kB('RssAnon'), file: kB('RssFile') };
}

interface Mapping {
  start: number;
  end: number;
  perms: string;
  name: string;
  rssKb: number;
}

function mappings(pid: number): Mapping[] {
  const out: Mapping[] = [];
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'latin1').split('\n')) {
    const h = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (h) {
      out.push({
        start: Number.parseInt(h[1]!, 16),
        end: Number.parseInt(h[2]!, 16),
        perms: h[3]!,
        name: h[4]!,
        rssKb: 0,
      });
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss && out.length > 0) out[out.length - 1]!.rssKb = Number(rss[1]);
  }
  return out;
}

const MALLOC_INFO = `/tmp/mem-probe-malloc-info-${process.pid}.xml`;

/** malloc_info's arenas (system bytes, free bytes) and its mmapped chunks, in MB. */
function mallocInfo() {
  let xml = '';
  try {
    xml = readFileSync(MALLOC_INFO, 'latin1');
  } catch {
    return null;
  }
  const mb = (b: string | undefined) => Math.round(Number(b ?? 0) / 104857.6) / 10;
  const arenas = [...xml.matchAll(/<heap nr="(\d+)">([\s\S]*?)<\/heap>/g)].map((h) => ({
    nr: Number(h[1]),
    systemMb: mb(/<system type="current" size="(\d+)"/.exec(h[2]!)?.[1]),
    freeMb: mb(/<total type="rest" count="\d+" size="(\d+)"/.exec(h[2]!)?.[1]),
  }));
  const tail = xml.slice(xml.lastIndexOf('</heap>'));
  const mmap = /<total type="mmap" count="(\d+)" size="(\d+)"/.exec(tail);
  return { arenas, mmapChunks: Number(mmap?.[1] ?? 0), mmapMb: mb(mmap?.[2]) };
}

/** Each thread's kind from its stack (gdb), and an address its malloc returns (too large for its cache of
 *  freed chunks): the arena it uses. A thread that never used malloc gets an arena of its own by this. */
function threadsByGdb(pid: number): { tid: number; kind: string; malloc: number }[] {
  const r = spawnSync(
    'gdb',
    [
      '-p',
      String(pid),
      '-batch',
      '-ex',
      'set scheduler-locking on',
      '-ex',
      'thread apply all bt 40',
      '-ex',
      'thread apply all print (void*)malloc(5000)',
      '-ex',
      `call (void*)fopen("${MALLOC_INFO}", "w")`,
      '-ex',
      'call (int)malloc_info(0, $)',
      '-ex',
      'call (int)fclose($$)',
    ],
    { encoding: 'latin1', timeout: 60_000 },
  );
  if (r.status !== 0 && !r.stdout) return [];
  const out = new Map<number, { tid: number; kind: string; malloc: number }>();
  let tid = 0;
  let stack = '';
  const kindOf = (s: string): string =>
    /worker[^\n]*Worker::Run|node::worker::Worker/.test(s)
      ? 'worker (monitor)'
      : /WorkerThreadsTaskRunner|PlatformWorkerThread|DelayedTaskScheduler/.test(s)
        ? /DelayedTaskScheduler/.test(s)
          ? 'V8 platform (delayed tasks)'
          : 'V8 platform worker'
        : /uv__threadpool|worker \(arg=|uv_thread_start.*\n.*worker/.test(s) || /threadpool\.c/.test(s)
          ? 'libuv threadpool'
          : /inspector/i.test(s)
            ? 'inspector'
            : /SignalInspectorThread|StartIoThread|Watchdog|signal/i.test(s)
              ? 'node signal/watchdog'
              : 'other';
  for (const line of (r.stdout ?? '').split('\n')) {
    const t = /^Thread \d+ \(Thread 0x[0-9a-f]+ \(LWP (\d+)\)/.exec(line);
    if (t) {
      if (tid && !out.has(tid)) out.set(tid, { tid, kind: kindOf(stack), malloc: 0 });
      tid = Number(t[1]);
      stack = '';
      continue;
    }
    const p = /^\$\d+ = \(void \*\) 0x([0-9a-f]+)/.exec(line);
    if (p && tid) {
      const entry = out.get(tid);
      if (entry) entry.malloc = Number.parseInt(p[1]!, 16);
      continue;
    }
    stack += `${line}\n`;
  }
  if (tid && !out.has(tid)) out.set(tid, { tid, kind: kindOf(stack), malloc: 0 });
  for (const e of out.values()) if (e.tid === pid) e.kind = 'main';
  return [...out.values()];
}

async function workerObjects(ins: Inspector, where: 'main' | 'worker', prototype: string, fn: string) {
  const call = (method: string, params: object) =>
    where === 'main' ? ins.send(method, params) : ins.worker(method, params);
  const proto = (await call('Runtime.evaluate', { expression: prototype })) as { result?: { objectId?: string } };
  if (!proto.result?.objectId) return null;
  const found = (await call('Runtime.queryObjects', { prototypeObjectId: proto.result.objectId })) as {
    objects?: { objectId?: string };
  };
  if (!found.objects?.objectId) return null;
  const r = (await call('Runtime.callFunctionOn', {
    objectId: found.objects.objectId,
    functionDeclaration: fn,
    returnByValue: true,
  })) as { result?: { value?: unknown } };
  return r.result?.value ?? null;
}

const SPACES = `(() => {
  const v8m = require('node:v8');
  const mb = (x) => Math.round(x / 1048576 * 10) / 10;
  return JSON.stringify(Object.fromEntries(v8m.getHeapSpaceStatistics().map((s) => [s.space_name.replace('_space',''), { size: mb(s.space_size), resident: mb(s.physical_space_size), used: mb(s.space_used_size) }])));
})()`;

/** The host's RSS by mapping and by owner (see the header). */
async function breakdown(ins: Inspector, pid: number) {
  await ins.send('HeapProfiler.collectGarbage');
  await ins.worker('HeapProfiler.collectGarbage');
  const spaces = { main: await evalIn(ins, 'main', SPACES), worker: await evalIn(ins, 'worker', SPACES) };
  const lengths = 'function () { return this.map((b) => b.byteLength); }';
  const wasm = ((await workerObjects(
    ins,
    'worker',
    'WebAssembly.Memory.prototype',
    'function () { return this.map((m) => m.buffer.byteLength); }',
  )) ?? []) as number[];
  const sharedWorker = ((await workerObjects(ins, 'worker', 'SharedArrayBuffer.prototype', lengths)) ?? []) as number[];
  const sharedMain = ((await workerObjects(ins, 'main', 'SharedArrayBuffer.prototype', lengths)) ?? []) as number[];
  const maps = mappings(pid);
  const rss = status(pid);
  const mb = (kb: number) => Math.round(kb / 102.4) / 10;
  const exe = readlinkSync(`/proc/${pid}/exe`);
  const threads = threadsByGdb(pid);
  const groups: Record<string, number> = {};
  const detail: Record<string, string[]> = {};
  let current: Mapping | null = null;
  const add = (k: string, kb: number) => {
    groups[k] = (groups[k] ?? 0) + kb;
    if (current !== null && kb >= 1024)
      (detail[k] ??= []).push(
        `${current.start.toString(16)} ${current.perms} ${mb((current.end - current.start) / 1024)}M rss ${mb(kb)}`,
      );
  };
  const ARENA = 64 * 1048576;
  for (let i = 0; i < maps.length; i++) {
    const m = maps[i]!;
    const next = maps[i + 1];
    const prev = maps[i - 1];
    if (m.rssKb === 0) continue;
    current = m;
    const owners = threads.filter((t) => t.malloc >= m.start && t.malloc < m.end).map((t) => t.kind);
    const ownerText = owners.length > 0 ? [...new Set(owners)].sort().join(' + ') : '';
    if (m.name === exe) add(`node binary ${m.perms}`, m.rssKb);
    else if (m.name.startsWith('/') && /\.so/.test(m.name)) add('shared libraries', m.rssKb);
    else if (m.name.startsWith('/')) add(`file ${m.name.replace(/.*\//, '')}`, m.rssKb);
    else if (m.name === '[heap]') add(`malloc main arena ([heap]: ${ownerText || 'no thread'})`, m.rssKb);
    else if (m.name === '[stack]') add('main thread stack', m.rssKb);
    else if (m.name.startsWith('[')) add(m.name, m.rssKb);
    else if (
      m.start % ARENA === 0 &&
      (m.end - m.start === ARENA ||
        (next && next.start === m.end && next.perms === '---p' && next.end - m.start === ARENA))
    )
      add(`malloc arena of ${ownerText || 'no thread now'}`, m.rssKb);
    else if (m.perms.includes('x')) add('anonymous executable (V8 and WebAssembly code)', m.rssKb);
    else if (wasm.includes(m.end - m.start)) add("SQLite's WebAssembly memory", m.rssKb);
    else if (
      m.end - m.start > 131072 &&
      [...sharedWorker, ...sharedMain].some((n) => m.end - m.start >= n && m.end - m.start <= n + 8192)
    )
      add('shared buffers (the relayed dumps)', m.rssKb);
    else if (
      prev &&
      prev.end === m.start &&
      prev.perms === '---p' &&
      prev.end - prev.start <= 65536 &&
      m.end - m.start >= 1048576 &&
      m.end - m.start <= 8 * 1048576 + 65536 &&
      mb(m.rssKb) < 2
    )
      add('thread stacks', m.rssKb);
    else add('other anonymous (V8 heaps, shared buffers, malloc mmaps)', m.rssKb);
  }
  const byGroup = Object.fromEntries(
    Object.entries(groups)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => [k, mb(v)]),
  );
  const sum = (s: unknown) =>
    Math.round(
      Object.values((s ?? {}) as Record<string, { resident: number }>).reduce((a, x) => a + x.resident, 0) * 10,
    ) / 10;
  const inMb = (bytes: number[]) => bytes.map((b) => Math.round(b / 104857.6) / 10);
  return {
    rss,
    groupsMb: mb(Object.values(groups).reduce((a, b) => a + b, 0)),
    byGroup,
    detail,
    v8ResidentMb: { main: sum(spaces.main), worker: sum(spaces.worker) },
    spaces,
    wasmMemoriesMb: inMb(wasm),
    sharedBuffersMb: { worker: inMb(sharedWorker), main: inMb(sharedMain) },
    malloc: mallocInfo(),
    threads: threads.map((t) => ({ tid: t.tid, kind: t.kind, arena: t.malloc.toString(16) })),
  };
}

inOwnNetns('mem-probe', async () => {
  const held: ChildProcess[] = [];
  const connections = Number(values.connections);
  const children = Number(values.children);
  const perChild = Math.ceil(connections / children);
  const churn = Math.max(0, Math.round((Number(values.churn) * connections) / children));
  for (let i = 0; i < children; i++) held.push(await startChild(perChild, churn));
  const hostArgs = values['host-args'] ? values['host-args'].split(' ') : [];
  const nodeArgs = ['--inspect=127.0.0.1:0', ...(values['node-args'] ? values['node-args'].split(' ') : [])];
  const host = await startHost(hostArgs, envList(values['host-env']), nodeArgs);
  const pid = host.child.pid!;
  try {
    const url = /ws:\/\/\S+/.exec(host.output())?.[0];
    if (!url) throw new Error(`no inspector url in ${host.output()}`);
    const ins = await Inspector.open(url);
    await ins.send('NodeWorker.enable', { waitForDebuggerOnStart: false });
    while (!ins.workerSession) await new Promise((r) => setTimeout(r, 100));
    await evalIn(ins, 'main', GC_OBSERVER);
    await evalIn(ins, 'worker', GC_OBSERVER);
    if (values['alloc-profile'])
      await ins.worker('HeapProfiler.startSampling', {
        samplingInterval: 16384,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
    const t0 = Date.now();
    const seconds = Number(values.seconds);
    const every = Number(values.every);
    let cpu0 = cpuSeconds(pid);
    let threads0 = threadNs(pid);
    let at0 = Date.now();
    for (;;) {
      const t = Math.round((Date.now() - t0) / 1000);
      const cpu = cpuSeconds(pid);
      const threads = threadNs(pid);
      const cpuPct = Math.round(((cpu - cpu0) / ((Date.now() - at0) / 1000)) * 1000) / 10;
      const { main, worker, rest } = threadShares(pid, threads0, threads, (Date.now() - at0) / 1000);
      const threadMsPerS = { main, worker, rest };
      cpu0 = cpu;
      threads0 = threads;
      at0 = Date.now();
      console.log(
        JSON.stringify({
          t,
          cpuPct,
          threadMsPerS,
          ...status(pid),
          smaps: smaps(pid),
          main: await evalIn(ins, 'main'),
          worker: await evalIn(ins, 'worker'),
        }),
      );
      if (t >= seconds) break;
      await new Promise((r) => setTimeout(r, every * 1000));
    }
    if (values.live) {
      // A collection may land mid-tick, with a reading's rows in hand: five, 1.3 s apart, each printed.
      for (let i = 0; i < 5; i++) {
        await ins.send('HeapProfiler.collectGarbage');
        await ins.worker('HeapProfiler.collectGarbage');
        console.log(
          JSON.stringify({
            afterFullGc: i,
            ...status(pid),
            smaps: smaps(pid),
            largestAnon: i === 4 ? largestAnon(pid) : undefined,
            main: await evalIn(ins, 'main'),
            worker: await evalIn(ins, 'worker'),
          }),
        );
        await new Promise((r) => setTimeout(r, 1300));
      }
    }
    if (values.breakdown) console.log(JSON.stringify({ breakdown: await breakdown(ins, pid) }));
    if (values['alloc-profile']) {
      const r = (await ins.worker('HeapProfiler.stopSampling')) as { profile: unknown };
      writeFileSync(values['alloc-profile'], JSON.stringify(r.profile));
    }
    if (values.snapshot) {
      await ins.workerSnapshot(`${values.snapshot}-worker.heapsnapshot`);
      await ins.mainSnapshot(`${values.snapshot}-main.heapsnapshot`);
      console.log('snapshot written');
    }
    ins.close();
  } finally {
    await host.stop();
    await stopChildren(held);
  }
});
