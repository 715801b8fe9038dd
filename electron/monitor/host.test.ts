import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Connection } from '../../shared/types.js';
import { startMonitor } from './host.js';
import { CONTROL_DIR_PREFIX } from '../remote/control-dirs.js';
import { bundleWorker } from './testing/bundle-worker.js';
import { TestClient } from './testing/test-client.js';
import type { SyntheticWorkerData } from './testing/synthetic.js';
import { until } from '../../test/until.js';

// The host runs a real worker thread: a bundle of testing/synthetic-worker.ts (synthetic collectors, and a
// hook that makes the first worker exit abruptly on a chosen read).
let dir = '';
let workerPath = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'netlens-monitor-test-'));
  workerPath = await bundleWorker(dir, fileURLToPath(new URL('./testing/synthetic-worker.ts', import.meta.url)));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Rows not marked closed (closed ones linger a few seconds). */
function openRows(client: TestClient): number {
  return [...(client.tables.get('connections')?.values() ?? [])].filter((r) => (r as Connection).closedAt == null)
    .length;
}

describe('startMonitor (worker thread)', () => {
  it('streams snapshots and diffs from the worker and answers history requests', async () => {
    const monitor = startMonitor({ workerPath, workerData: { rows: 50, churn: 0.1 }, log: () => {} });
    const client = new TestClient(monitor);
    client.handle({ type: 'setInterval', intervalMs: 500 });
    client.handle({ type: 'subscribe', dataset: 'connections' });
    await until('three diffs', () => client.of('diff').length >= 3, 20_000, 20);
    expect(client.of('snapshot')).toHaveLength(1);
    expect(client.gaps).toEqual([]);
    expect(client.of('status')[0]!.status.intervalMs).toBe(1000);
    expect(client.of('status').at(-1)!.status).toMatchObject({ intervalMs: 500, polling: ['connections'] });
    expect(openRows(client)).toBe(50);
    // Interfaces are sampled once a second in the background, so history fills without a subscriber.
    const points = await until(
      'a background sample of lo',
      async () => {
        const p = await monitor.history('lo');
        return p.length >= 1 && p;
      },
      20_000,
      200,
    );
    expect(points[0]!.rx).toBeGreaterThan(0);
    await monitor.close();
    await expect(monitor.history('lo')).rejects.toThrow(/closed/);
  });

  it('folds a flood of subscribes and unsubscribes into the snapshots on their way, ending where the client left off', async () => {
    const monitor = startMonitor({ workerPath, workerData: { rows: 2000, churn: 0.01 }, log: () => {} });
    const on = new TestClient(monitor);
    const off = new TestClient(monitor);
    on.handle({ type: 'setInterval', intervalMs: 500 });
    on.handle({ type: 'subscribe', dataset: 'connections' });
    await until('the first snapshot', () => on.of('snapshot').length === 1, 20_000, 20);
    // 5,000 pairs, one ending subscribed and one unsubscribed: each subscribe would have the worker send (and the host
    // hold) a snapshot of the whole table.
    for (let i = 0; i < 5000; i++) {
      for (const c of [on, off]) {
        c.handle({ type: 'subscribe', dataset: 'connections' });
        c.handle({ type: 'unsubscribe', dataset: 'connections' });
      }
    }
    on.handle({ type: 'subscribe', dataset: 'connections' });
    const before = on.of('diff').length;
    await until('diffs after the flood', () => on.of('diff').length >= before + 3, 20_000, 20);
    expect(on.gaps).toEqual([]);
    // The one on its way when the flood began, and one for where it ended, at most (not 5,000).
    expect(on.of('snapshot').length).toBeLessThanOrEqual(3);
    expect(off.of('snapshot').length).toBeLessThanOrEqual(2);
    expect(openRows(on)).toBe(2000);
    // Unsubscribed in the end: no diffs come.
    const offDiffs = off.of('diff').length;
    await until('two more ticks', () => on.of('diff').length >= before + 5, 20_000, 20);
    expect(off.of('diff').length).toBe(offDiffs);
    await monitor.close();
  });

  it('passes a flood of visibility changes on as the latest of them, a few a second', async () => {
    const monitor = startMonitor({ workerPath, workerData: { rows: 500, churn: 0.01 }, log: () => {} });
    const flipper = new TestClient(monitor);
    const other = new TestClient(monitor);
    flipper.handle({ type: 'setInterval', intervalMs: 500 });
    flipper.handle({ type: 'subscribe', dataset: 'connections' });
    other.handle({ type: 'subscribe', dataset: 'statistics' });
    await until('both snapshots', () => flipper.of('snapshot').length === 1 && other.of('snapshot').length === 1);
    const statuses = other.of('status').length;
    // 5,000 hidden/shown pairs at once: each reached the worker, changed what it reads (a status to every client) and
    // started a read of what it showed; 420,000 held every other client's answers for minutes (an attack review).
    for (let i = 0; i < 5000; i++) {
      flipper.handle({ type: 'visibility', hidden: true, visible: [] });
      flipper.handle({ type: 'visibility', hidden: false, visible: ['connections'] });
    }
    // The last one holds: shown, so its diffs come.
    const diffs = flipper.of('diff').length;
    await until('diffs after the flood', () => flipper.of('diff').length >= diffs + 2, 20_000, 20);
    expect(other.of('status').length - statuses).toBeLessThanOrEqual(10);
    expect(flipper.gaps).toEqual([]);
    await monitor.close();
  });

  it('restarts a worker that dies, tells every client and sends fresh snapshots of what each subscribed to', async () => {
    const logs: string[] = [];
    const monitor = startMonitor({
      workerPath,
      workerData: { rows: 40, churn: 0.1, exitOnRead: 4 },
      log: (l) => logs.push(l),
    });
    const a = new TestClient(monitor);
    const b = new TestClient(monitor);
    a.handle({ type: 'setInterval', intervalMs: 500 });
    a.handle({ type: 'subscribe', dataset: 'connections' });
    b.handle({ type: 'subscribe', dataset: 'statistics' });
    b.handle({ type: 'visibility', hidden: false, visible: ['statistics'] });
    await until('a restart', () => monitor.restarts === 1, 20_000, 20);
    for (const c of [a, b]) {
      await until('the notice', () => c.of('notice').length === 1, 20_000, 20);
      expect(c.of('notice')[0]).toMatchObject({ type: 'notice', level: 'warning', code: 'monitor-restarted' });
    }
    // Each client gets a snapshot of its own dataset after the notice, and diffs go on from it.
    await until('fresh snapshots', () => a.of('snapshot').length === 2 && b.of('snapshot').length === 2, 20_000, 20);
    const noticeAt = a.messages.findIndex((m) => m.type === 'notice');
    expect(a.messages.findIndex((m, i) => i > noticeAt && m.type === 'snapshot')).toBeGreaterThan(noticeAt);
    expect(a.of('snapshot').every((m) => m.dataset === 'connections')).toBe(true);
    expect(b.of('snapshot').every((m) => m.dataset === 'statistics')).toBe(true);
    const diffsAfter = a.of('diff').length;
    await until('diffs after the restart', () => a.of('diff').length >= diffsAfter + 2, 20_000, 20);
    expect(a.gaps).toEqual([]);
    expect(openRows(a)).toBe(40);
    // The global interval chosen before the crash survives it.
    expect(a.of('status').at(-1)!.status.intervalMs).toBe(500);
    expect(logs.some((l) => /exited \(code 7\)/.test(l))).toBe(true);
    await monitor.close();
    expect(monitor.restarts).toBe(1);
  });

  /** A monitor over synthetic workers with a short watchdog, its log, and a client subscribed to connections. */
  function watched(workerData: SyntheticWorkerData, hangTimeoutMs: number) {
    const logs: string[] = [];
    const monitor = startMonitor({
      workerPath,
      workerData: { ...workerData },
      hangTimeoutMs,
      log: (l) => logs.push(l),
    });
    const a = new TestClient(monitor);
    a.handle({ type: 'setInterval', intervalMs: 500 });
    a.handle({ type: 'subscribe', dataset: 'connections' });
    return { logs, monitor, a };
  }

  it('restarts a worker that hangs, as one that died, and removes the ssh folders it could not', async () => {
    const before = new Set(readdirSync(tmpdir()).filter((n) => n.startsWith(CONTROL_DIR_PREFIX)));
    const made = () => readdirSync(tmpdir()).filter((n) => n.startsWith(CONTROL_DIR_PREFIX) && !before.has(n));
    const { logs, monitor, a } = watched({ rows: 30, churn: 0.1, hangOnRead: 3, controlDir: true }, 1500);
    await until('the first worker’s folder', () => made().length === 1, 20_000, 20);
    const first = made()[0]!;
    await until('a restart of the hung worker', () => monitor.restarts === 1, 20_000, 20);
    await until('the notice', () => a.of('notice').some((n) => n.code === 'monitor-restarted'), 20_000, 20);
    await until('a fresh snapshot', () => a.of('snapshot').length === 2, 20_000, 20);
    expect(logs.some((l) => /unresponsive/.test(l))).toBe(true);
    // The ended worker's folder is gone (its remote hosts never closed); the new worker's is there, with a prefix
    // of its own, until it exits.
    await until('the ended worker’s folder removed', () => !made().includes(first), 20_000, 20);
    expect(made()).toHaveLength(1);
    expect(made()[0]!.slice(0, 19)).not.toBe(first.slice(0, 19));
    await monitor.close();
    expect(made()).toEqual([]);
  });

  it('gives a worker whose first reading is only slow more time after each restart, until it answers', async () => {
    // Every worker's first reading takes 2.5 s of its thread: past the 1 s timeout and past twice it.
    const { logs, monitor, a } = watched({ rows: 30, churn: 0.1, slowFirstReadMs: 2500 }, 1000);
    // On main every worker was ended after 1 s, for good: no snapshot ever came.
    await until('a snapshot of the rows', () => a.of('snapshot').some((m) => m.rows.length === 30), 20_000, 20);
    // Two restarts at least (1 s and 2 s are short of 2.5 s); a third where the machine is slow to start a worker.
    expect(monitor.restarts).toBeGreaterThanOrEqual(2);
    const given = logs
      .filter((l) => /unresponsive/.test(l))
      .map((l) => Number(/restarting it \(the next one is given (\d+) s\)$/.exec(l)?.[1]));
    expect(given).toEqual([2, 4, 8, 16].slice(0, monitor.restarts));
    await monitor.close();
  });

  it('gives up on a worker that dies as soon as it starts, and says so', async () => {
    const monitor = startMonitor({ workerPath: join(dir, 'missing-worker.cjs'), restartDelayMs: 10, log: () => {} });
    const client = new TestClient(monitor);
    await until('the failure notice', () => client.of('notice').some((n) => n.code === 'monitor-failed'), 20_000, 20);
    expect(monitor.restarts).toBe(4);
    expect(client.of('notice').filter((n) => n.code === 'monitor-restarted')).toHaveLength(4);
    await expect(monitor.history('lo')).rejects.toThrow(/not running/);
    // A client arriving later is told too.
    const late = new TestClient(monitor);
    expect(late.of('notice').at(-1)).toMatchObject({ level: 'error', code: 'monitor-failed' });
    await monitor.close();
  });

  it('after giving up, keeps retrying slowly (the wait doubles) rather than never', async () => {
    const logs: string[] = [];
    const monitor = startMonitor({
      workerPath: join(dir, 'still-missing.cjs'),
      restartDelayMs: 10,
      failedRetryDelayMs: 100,
      log: (l) => logs.push(l),
    });
    const client = new TestClient(monitor);
    await until(
      'three failures',
      () => client.of('notice').filter((n) => n.code === 'monitor-failed').length >= 3,
      20_000,
      20,
    );
    const codes = client
      .of('notice')
      .map((n) => n.code)
      .filter((c) => c !== 'monitor-restarted');
    expect(codes.slice(0, 5)).toEqual([
      'monitor-failed',
      'monitor-retrying',
      'monitor-failed',
      'monitor-retrying',
      'monitor-failed',
    ]);
    // One more quick death after a retry gives up again at once (no new burst of fast restarts).
    expect(
      logs
        .filter((l) => /retrying in/.test(l))
        .map((l) => /retrying in ([\d.]+) s/.exec(l)?.[1])
        .slice(0, 3),
    ).toEqual(['0.1', '0.2', '0.4']);
    await monitor.close();
  });

  it('Retry starts the monitor again at once; once it runs, clients hear it is back and get their data', async () => {
    const path = join(dir, 'appears-later.cjs');
    const monitor = startMonitor({
      workerPath: path,
      workerData: { rows: 5, churn: 0 },
      restartDelayMs: 10,
      log: () => {},
    });
    const client = new TestClient(monitor);
    client.handle({ type: 'subscribe', dataset: 'connections' });
    await until('the failure notice', () => client.of('notice').some((n) => n.code === 'monitor-failed'), 20_000, 20);
    expect(monitor.retry()).toBe(true);
    await until(
      'the retry to fail too',
      () => client.of('notice').filter((n) => n.code === 'monitor-failed').length >= 2,
      20_000,
      20,
    );
    // The cause goes away (here: the worker file appears), and the user presses Retry.
    copyFileSync(workerPath, path);
    expect(monitor.retry()).toBe(true);
    await until('a snapshot from the new worker', () => client.of('snapshot').length >= 1, 20_000, 20);
    expect(openRows(client)).toBe(5);
    await until(
      'the recovered notice',
      () => client.of('notice').some((n) => n.code === 'monitor-recovered'),
      30_000,
      20,
    );
    expect(monitor.retry()).toBe(false); // nothing to retry while it runs
    await monitor.close();
  });
});
