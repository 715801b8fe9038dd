import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_RECORDING } from '../../../shared/record.js';
import type { Connection } from '../../../shared/types.js';
import { createInThreadMonitor } from '../monitor.js';
import { SyntheticConnections, syntheticCollectors } from '../testing/synthetic.js';
import { TestClient } from '../testing/test-client.js';
import { connectionsBetween, gapAt, gapsWithin, timeline } from './queries.js';
import { HELD_REASON } from './recorder.js';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'history-monitor-'));
  vi.useFakeTimers({ now: 1_800_000_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

/** A monitor recording to this test's file with `config`, of 50 synthetic connections (`churn` of them changing a
 *  tick: 10 %), and a client whose window is hidden and shows nothing. */
function recordingMonitor(config = DEFAULT_RECORDING, churn = 0.1) {
  const collectors = syntheticCollectors(new SyntheticConnections(50, churn));
  const monitor = createInThreadMonitor({
    collectors,
    log: () => {},
    record: { file: join(dir, 'history.sqlite'), config },
  });
  const client = new TestClient(monitor);
  client.handle({ type: 'visibility', hidden: true, visible: [] });
  return { collectors, monitor, client };
}

describe('the monitor while recording', () => {
  it('keeps connections read whatever the clients show, and records them', async () => {
    // A hidden window that shows nothing.
    const { collectors, monitor, client } = recordingMonitor();
    await vi.advanceTimersByTimeAsync(5000);
    const status = client.of('status').at(-1)!.status;
    expect(status.polling).toEqual(['connections']);
    expect(status.recording).toMatchObject({ state: 'recording', config: DEFAULT_RECORDING });
    expect(collectors.connections.reads).toBeGreaterThanOrEqual(4);
    const db = monitor.core.record!.database!;
    expect(connectionsBetween(db, 0, Date.now()).rows.length).toBeGreaterThanOrEqual(50);
    // Interfaces, read once a second for the rate history, feed the per-minute traffic too.
    expect(timeline(db, 0, Date.now()).some((p) => p.rxBytes > 0)).toBe(true);
    await monitor.close();
  });

  it('paused, ends the recording (the record says nothing was recorded then), and begins another at the resume', async () => {
    const { collectors, monitor, client } = recordingMonitor();
    await vi.advanceTimersByTimeAsync(10_000);
    const pausedAt = Date.now();
    client.handle({ type: 'pause', paused: true });
    const reads = collectors.connections.reads;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(collectors.connections.reads).toBe(reads);
    expect(client.of('status').at(-1)!.status.recording).toMatchObject({ state: 'paused', message: HELD_REASON });
    const resumedAt = Date.now();
    client.handle({ type: 'pause', paused: false });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(client.of('status').at(-1)!.status.recording).toMatchObject({ state: 'recording', message: null });
    const db = monitor.core.record!.database!;
    // Within the pause, the record knows nothing; its ends are the last write before and the new recording's start.
    expect(gapAt(db, pausedAt + 30_000)).toMatchObject({ kind: 'between' });
    const { gaps } = gapsWithin(db, pausedAt - 5000, Date.now());
    expect(gaps).toHaveLength(1);
    expect(gaps[0]!.lastBefore).toBeGreaterThanOrEqual(pausedAt - 1000);
    expect(gaps[0]!.lastBefore).toBeLessThanOrEqual(pausedAt);
    expect(gaps[0]!.resumed).toBeGreaterThanOrEqual(resumedAt);
    expect(gaps[0]!.resumed).toBeLessThanOrEqual(resumedAt + 2000);
    // What was open before and is still open continues its row: no second row of the same socket, one opened before
    // the pause among them.
    const rows = connectionsBetween(db, resumedAt + 5000, Date.now()).rows.filter((r) => r.closedAt === null);
    const ends = rows.map((r) => `${r.proto} ${r.localAddress}:${r.localPort} ${r.remoteAddress}:${r.remotePort}`);
    expect(new Set(ends).size).toBe(rows.length);
    expect(rows.some((r) => r.firstSeen < pausedAt)).toBe(true);
    await monitor.close();
  });

  it('restarted, gives a socket open all along the First seen the record has of it, and a new one its own', async () => {
    const first = recordingMonitor(DEFAULT_RECORDING, 0);
    await vi.advanceTimersByTimeAsync(10_000);
    const db = first.monitor.core.record!.database!;
    const recorded = new Map(connectionsBetween(db, 0, Date.now()).rows.map((r) => [r.localPort, r.firstSeen]));
    const startedBefore = Math.min(...recorded.values());
    await first.monitor.close();
    // A minute later, NetLens again: the same 50 sockets, open all along.
    await vi.advanceTimersByTimeAsync(60_000);
    const restartedAt = Date.now();
    const second = recordingMonitor(DEFAULT_RECORDING, 0);
    second.client.handle({ type: 'visibility', hidden: false, visible: ['connections'] });
    second.client.handle({ type: 'subscribe', dataset: 'connections' });
    await vi.advanceTimersByTimeAsync(3000);
    const snapshot = second.client.of('snapshot').find((m) => m.dataset === 'connections')!;
    const rows = snapshot.rows as Connection[];
    expect(rows).toHaveLength(50);
    // On main every row read as first seen at the restart.
    for (const r of rows) expect(r.firstSeen, r.id).toBe(recorded.get(r.localPort));
    expect(Math.max(...rows.map((r) => r.firstSeen!))).toBeLessThan(restartedAt);
    expect(Math.min(...rows.map((r) => r.firstSeen!))).toBe(startedBefore);
    await second.monitor.close();
  });

  it('switched off, polls only what is shown', async () => {
    const { collectors, monitor, client } = recordingMonitor({ ...DEFAULT_RECORDING, enabled: false });
    await vi.advanceTimersByTimeAsync(3000);
    expect(client.of('status').at(-1)!.status).toMatchObject({ polling: [], recording: { state: 'off' } });
    expect(collectors.connections.reads).toBe(0);
    await monitor.close();
  });
});
