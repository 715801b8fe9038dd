import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Connection, Counter, NetInterface } from '../../shared/types.js';
import { emptyDiagnostics } from '../../shared/types.js';
import { valueEqual } from '../../shared/diff.js';
import { createInThreadMonitor } from './monitor.js';
import {
  countingCollector,
  SyntheticConnections,
  syntheticCollectors,
  syntheticCounter,
  syntheticInterface,
} from './testing/synthetic.js';
import { TestClient } from './testing/test-client.js';

// Fake timers drive the ticks: no test waits on the wall clock, and "within one tick" is exact.
beforeEach(() => {
  vi.useFakeTimers({ now: 1_700_000_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

const tick = (ms = 1000) => vi.advanceTimersByTimeAsync(ms);

function setup(rows = 100, churn = 0.05, overrides: Partial<ReturnType<typeof syntheticCollectors>> = {}) {
  const source = new SyntheticConnections(rows, churn);
  const collectors = { ...syntheticCollectors(source), ...overrides };
  const monitor = createInThreadMonitor({ collectors, log: () => {} });
  return { monitor, collectors, core: monitor.core };
}

function sameTables(a: Map<string, unknown> | undefined, b: Map<string, unknown> | undefined): boolean {
  if (!a || !b || a.size !== b.size) return false;
  for (const [id, row] of a) if (!valueEqual(row, b.get(id))) return false;
  return true;
}

describe('streaming', () => {
  it('sends a snapshot on subscribe, then contiguous diffs that keep the client equal to the monitor', async () => {
    const { monitor } = setup();
    const client = new TestClient(monitor);
    const reference = new TestClient(monitor);
    client.handle({ type: 'subscribe', dataset: 'connections' });
    await tick(0);
    expect(client.of('snapshot')).toHaveLength(1);
    expect(client.of('snapshot')[0]!.rows).toHaveLength(100);
    await tick(5000);
    expect(client.of('diff').length).toBeGreaterThanOrEqual(4);
    expect(client.gaps).toEqual([]);
    // A second client subscribing now gets the same table as a snapshot.
    reference.handle({ type: 'subscribe', dataset: 'connections' });
    expect(sameTables(client.tables.get('connections'), reference.tables.get('connections'))).toBe(true);
    // Changed rows carry only their changed fields.
    const patches = client.of('diff').flatMap((m) => m.diff.changed as object[]);
    expect(patches.length).toBeGreaterThan(0);
    for (const p of patches) expect(Object.keys(p).length).toBeLessThan(8);
    await monitor.close();
  });

  it('answers a sequence gap (resync) with a fresh snapshot', async () => {
    const { monitor } = setup();
    const client = new TestClient(monitor);
    client.handle({ type: 'subscribe', dataset: 'connections' });
    await tick(3000);
    const before = client.of('snapshot').length;
    // Simulate a lost message: the client's last seq falls behind, so the next diff looks like a gap.
    client.seqs.set('connections', client.seqs.get('connections')! - 1);
    await tick(1000);
    expect(client.gaps).toHaveLength(1);
    const snapshots = client.of('snapshot');
    expect(snapshots.length).toBe(before + 1);
    expect(snapshots.at(-1)!.seq).toBeGreaterThan(client.gaps[0]!.got);
    await tick(2000);
    // After the snapshot, diffs are contiguous again.
    expect(client.gaps).toHaveLength(1);
    await monitor.close();
  });

  it('keeps a stalled client in bounded memory and sends it one merged diff when it acks', async () => {
    const { monitor, core } = setup(200, 0.1);
    const stalled = new TestClient(monitor);
    const live = new TestClient(monitor);
    stalled.handle({ type: 'subscribe', dataset: 'connections' });
    live.handle({ type: 'subscribe', dataset: 'connections' });
    await tick(0);
    stalled.stalled = true;
    const stalledId = 1;
    let maxPending = 0;
    let maxBound = 0;
    for (let i = 0; i < 2000; i++) {
      await tick(1000);
      const pending = core.pendingSize(stalledId, 'connections');
      maxPending = Math.max(maxPending, pending);
      const current = live.tables.get('connections')!;
      // The pending diff's base is what the stalled client last applied.
      const base = stalled.tables.get('connections')!;
      const union = new Set([...base.keys(), ...current.keys()]).size;
      maxBound = Math.max(maxBound, union);
      expect(pending).toBeLessThanOrEqual(union);
    }
    // Two diffs went out unacknowledged; nothing after that.
    expect(stalled.of('diff')).toHaveLength(2);
    expect(maxPending).toBeGreaterThan(0);
    expect(maxBound).toBeLessThan(1000);
    stalled.stalled = false;
    const diffsBefore = stalled.of('diff').length;
    stalled.ackAll();
    expect(stalled.of('diff')).toHaveLength(diffsBefore + 1);
    expect(core.pendingSize(stalledId, 'connections')).toBe(0);
    expect(stalled.gaps).toEqual([]);
    expect(sameTables(stalled.tables.get('connections'), live.tables.get('connections'))).toBe(true);
    await monitor.close();
  });

  it('one acks message acknowledges each dataset it names, and only those', async () => {
    const { monitor, core } = setup(50, 0.2);
    const client = new TestClient(monitor);
    for (const dataset of ['connections', 'interfaces', 'statistics'] as const)
      client.handle({ type: 'subscribe', dataset });
    await tick(0);
    client.stalled = true;
    for (let i = 0; i < 4; i++) await tick(1000);
    const diffs = (d: string) => client.of('diff').filter((m) => m.dataset === d).length;
    const before = {
      connections: diffs('connections'),
      interfaces: diffs('interfaces'),
      statistics: diffs('statistics'),
    };
    expect(core.pendingSize(1, 'connections')).toBeGreaterThan(0);
    expect(core.pendingSize(1, 'interfaces')).toBeGreaterThan(0);
    client.stalled = false;
    const seq = (d: 'connections' | 'interfaces') => client.seqs.get(d)!;
    client.handle({
      type: 'acks',
      acks: [
        { dataset: 'connections', seq: seq('connections') },
        { dataset: 'interfaces', seq: seq('interfaces') },
      ],
    });
    // Each acked dataset gets its folded diff at once; the one left out still waits.
    expect(diffs('connections')).toBe(before.connections + 1);
    expect(diffs('interfaces')).toBe(before.interfaces + 1);
    expect(diffs('statistics')).toBe(before.statistics);
    expect(core.pendingSize(1, 'statistics')).toBeGreaterThan(0);
    expect(client.gaps).toEqual([]);
    await monitor.close();
  });

  it('delivers collector diagnostics and tick info with every diff', async () => {
    const { monitor } = setup();
    const client = new TestClient(monitor);
    client.handle({ type: 'subscribe', dataset: 'connections' });
    await tick(2000);
    for (const m of client.of('diff')) {
      expect(m.diagnostics).toEqual({ skipped: 0, samples: [], missing: [], notes: [] });
      expect(m.tick.intervalMs).toBe(1000);
    }
    await monitor.close();
  });
});

describe('scheduling', () => {
  it('applies an interval change within one tick', async () => {
    const { monitor, collectors } = setup();
    const client = new TestClient(monitor);
    client.handle({ type: 'subscribe', dataset: 'connections' });
    await tick(3000);
    const reads = collectors.connections.reads;
    client.handle({ type: 'setInterval', intervalMs: 5000 });
    await tick(4999);
    expect(collectors.connections.reads).toBe(reads);
    await tick(1);
    expect(collectors.connections.reads).toBe(reads + 1);
    client.handle({ type: 'setInterval', intervalMs: 500 });
    await tick(500);
    expect(collectors.connections.reads).toBe(reads + 2);
    expect(client.of('status').at(-1)!.status.intervalMs).toBe(500);
    await monitor.close();
  });

  it('stops reading within one tick of a pause and reads at once on resume', async () => {
    const { monitor, collectors } = setup();
    const client = new TestClient(monitor);
    client.handle({ type: 'subscribe', dataset: 'connections' });
    await tick(3000);
    const reads = collectors.connections.reads;
    client.handle({ type: 'pause', paused: true });
    await tick(60_000);
    expect(collectors.connections.reads).toBe(reads);
    expect(client.of('status').at(-1)!.status).toMatchObject({ paused: true, polling: [] });
    client.handle({ type: 'pause', paused: false });
    await tick(0);
    expect(collectors.connections.reads).toBe(reads + 1);
    expect(client.of('status').at(-1)!.status).toMatchObject({ paused: false, polling: ['connections'] });
    await monitor.close();
  });

  it('never overlaps reads of a dataset: a late tick is skipped and counted', async () => {
    let release: (() => void) | null = null;
    const slow = countingCollector<Connection>(
      () => new Promise<Connection[]>((resolve) => (release = () => resolve([]))),
    );
    const { monitor } = setup(10, 0, { connections: slow });
    const client = new TestClient(monitor);
    client.handle({ type: 'subscribe', dataset: 'connections' });
    await tick(3500);
    expect(slow.reads).toBe(1);
    release!();
    await tick(500);
    // Ticks at 1, 2 and 3 s found the first read still running: skipped and counted.
    expect(client.of('snapshot')[0]!.tick!.lagCount).toBe(3);
    // The read started at 4 s hangs too: the ticks at 5 and 6 s are skipped.
    await tick(2000);
    expect(slow.reads).toBe(2);
    release!();
    await tick(1000);
    expect(slow.reads).toBe(3);
    expect(client.of('diff').at(-1)!.tick.lagCount).toBe(5);
    await monitor.close();
  });

  it('reads only what some client subscribes to and shows', async () => {
    const { monitor, collectors } = setup();
    const a = new TestClient(monitor);
    await tick(5000);
    expect(collectors.connections.reads).toBe(0);
    expect(collectors.routes.reads).toBe(0);
    a.handle({ type: 'subscribe', dataset: 'connections' });
    a.handle({ type: 'subscribe', dataset: 'routes' });
    a.handle({ type: 'visibility', hidden: false, visible: ['routes'] });
    await tick(0);
    const base = { c: collectors.connections.reads, r: collectors.routes.reads };
    await tick(3000);
    expect(collectors.connections.reads).toBe(base.c);
    expect(collectors.routes.reads).toBe(base.r + 3);
    // A hidden window shows nothing.
    a.handle({ type: 'visibility', hidden: true, visible: ['routes', 'connections'] });
    await tick(3000);
    expect(collectors.routes.reads).toBe(base.r + 3);
    expect(a.of('status').at(-1)!.status).toMatchObject({ hidden: true, polling: [] });
    // Another client that shows connections makes it polled; the first one, hidden, is sent nothing meanwhile
    // (no work per tick in a window nobody sees), nor once it shows only routes (connections are another
    // tab's); then, when it shows connections, one diff that folds them all, and one a tick after.
    const b = new TestClient(monitor);
    b.handle({ type: 'subscribe', dataset: 'connections' });
    const diffsOfA = () => a.of('diff').filter((m) => m.dataset === 'connections').length;
    const hiddenSince = diffsOfA();
    await tick(3000);
    expect(collectors.connections.reads).toBeGreaterThanOrEqual(base.c + 3);
    expect(diffsOfA()).toBe(hiddenSince);
    a.handle({ type: 'visibility', hidden: false, visible: ['routes'] });
    await tick(3000);
    expect(diffsOfA()).toBe(hiddenSince);
    a.handle({ type: 'visibility', hidden: false, visible: ['connections'] });
    expect(diffsOfA()).toBe(hiddenSince + 1);
    expect(a.gaps).toEqual([]);
    expect(sameTables(a.tables.get('connections'), b.tables.get('connections'))).toBe(true);
    await tick(1000);
    expect(diffsOfA()).toBe(hiddenSince + 2);
    a.handle({ type: 'visibility', hidden: true, visible: ['routes', 'connections'] });
    b.client!.detach();
    const after = collectors.connections.reads;
    await tick(3000);
    expect(collectors.connections.reads).toBe(after);
    await monitor.close();
  });

  it('reads a dataset shown again at once only where its last read began a second ago or more', async () => {
    const { monitor, collectors } = setup();
    const a = new TestClient(monitor);
    a.handle({ type: 'subscribe', dataset: 'routes' });
    a.handle({ type: 'visibility', hidden: false, visible: ['routes'] });
    await tick(0);
    const reads = collectors.routes.reads;
    // Hidden and shown 100 times at once: one read at most (each started one where none was running: a client
    // flipping so kept the worker reading back to back, an attack review of 12-07).
    for (let i = 0; i < 100; i++) {
      a.handle({ type: 'visibility', hidden: true, visible: [] });
      a.handle({ type: 'visibility', hidden: false, visible: ['routes'] });
      await tick(0);
    }
    expect(collectors.routes.reads).toBe(reads);
    // Hidden a while, then shown: read at once, as a tab shown again is.
    a.handle({ type: 'visibility', hidden: true, visible: [] });
    await tick(1500);
    a.handle({ type: 'visibility', hidden: false, visible: ['routes'] });
    await tick(0);
    expect(collectors.routes.reads).toBe(reads + 1);
    await monitor.close();
  });

  it('collects traffic only while a client shows it with the connections, and reads at once when it starts', async () => {
    const { monitor, collectors } = setup();
    const asked: string[][] = [];
    Object.assign(collectors.connections, { setExtras: (e: readonly string[]) => asked.push([...e]) });
    const a = new TestClient(monitor);
    a.handle({ type: 'subscribe', dataset: 'connections' });
    a.handle({ type: 'subscribe', dataset: 'routes' });
    // A client that never reported visibility shows everything: traffic and socket memory too.
    await tick(0);
    expect(asked.at(-1)).toEqual(['traffic', 'socketMemory']);
    // An older client's visibility without extras asks for none.
    a.handle({ type: 'visibility', hidden: false, visible: ['connections'] });
    expect(asked.at(-1)).toEqual([]);
    expect(a.of('status').at(-1)!.status).toMatchObject({ polling: ['connections'], extras: [] });
    await tick(1000);
    const reads = collectors.connections.reads;
    a.handle({ type: 'visibility', hidden: false, visible: ['connections'], extras: ['traffic'] });
    expect(asked.at(-1)).toEqual(['traffic']);
    await tick(0);
    expect(collectors.connections.reads).toBe(reads + 1);
    // Traffic columns on another tab, or a hidden window, collect nothing.
    a.handle({ type: 'visibility', hidden: false, visible: ['routes'], extras: ['traffic'] });
    expect(asked.at(-1)).toEqual([]);
    a.handle({ type: 'visibility', hidden: true, visible: ['connections'], extras: ['traffic'] });
    expect(asked.at(-1)).toEqual([]);
    const calls = asked.length;
    a.handle({ type: 'visibility', hidden: true, visible: ['connections'], extras: ['traffic'] });
    expect(asked.length).toBe(calls);
    await monitor.close();
  });

  it('keeps sampling interfaces once a second for the history, shown or not', async () => {
    const { monitor, collectors } = setup();
    await tick(10_000);
    expect(collectors.interfaces.reads).toBeGreaterThanOrEqual(9);
    expect(collectors.interfaces.reads).toBeLessThanOrEqual(11);
    const history = await monitor.history('lo');
    expect(history.length).toBeGreaterThanOrEqual(8);
    // The synthetic interface grows 1500 bytes per read, one read a second.
    for (const p of history) expect(p.rx).toBeCloseTo(1500, 0);
    expect(await monitor.history('nope')).toEqual([]);
    await monitor.close();
  });

  it('reads shown interfaces once a tick, the history sampled from those reads; between slower ticks too', async () => {
    const { monitor, collectors } = setup();
    const client = new TestClient(monitor);
    client.handle({ type: 'subscribe', dataset: 'interfaces' });
    await tick(0);
    const start = collectors.interfaces.reads;
    await tick(10_000);
    // One read a tick: the sampler makes none of its own (it made a second each second).
    expect(collectors.interfaces.reads - start).toBeGreaterThanOrEqual(9);
    expect(collectors.interfaces.reads - start).toBeLessThanOrEqual(11);
    const history = await monitor.history('lo');
    expect(history.length).toBeGreaterThanOrEqual(8);
    for (const p of history) expect(p.rx).toBeCloseTo(1500, 0);
    // Ticks 2 s apart: the sampler reads between them, one sample a second still.
    client.handle({ type: 'setInterval', intervalMs: 2000 });
    const before = [collectors.interfaces.reads, (await monitor.history('lo')).length];
    await tick(10_000);
    expect(collectors.interfaces.reads - before[0]!).toBeGreaterThanOrEqual(9);
    expect((await monitor.history('lo')).length - before[1]!).toBeGreaterThanOrEqual(8);
    await monitor.close();
  });

  it('reads only the interface counters for the history while nobody shows the interfaces', async () => {
    let bytes = 0;
    const full = countingCollector(() => {
      bytes += 1500;
      return [syntheticInterface('lo', { rxBytes: bytes, txBytes: bytes, rxPackets: 0, txPackets: 0 })];
    });
    const interfaces = Object.assign(full, {
      counterReads: 0,
      async readCounters() {
        interfaces.counterReads++;
        bytes += 1500;
        const rows = [syntheticInterface('lo', { rxBytes: bytes, txBytes: bytes, rxPackets: 0, txPackets: 0 })];
        return { rows, diagnostics: emptyDiagnostics() };
      },
    });
    const { monitor } = setup(10, 0, { interfaces });
    await tick(5000);
    expect(interfaces.reads).toBe(0);
    expect(interfaces.counterReads).toBeGreaterThanOrEqual(4);
    const client = new TestClient(monitor);
    client.handle({ type: 'subscribe', dataset: 'interfaces' });
    await tick(0);
    const counterReads = interfaces.counterReads;
    await tick(5000);
    // Shown: the whole read serves the table and the history alike.
    expect(interfaces.counterReads).toBe(counterReads);
    expect(interfaces.reads).toBeGreaterThanOrEqual(5);
    const history = await monitor.history('lo');
    expect(history.length).toBeGreaterThanOrEqual(8);
    await monitor.close();
  });

  it('keeps polling the other datasets when one collector fails, and reports the failure', async () => {
    const failing = countingCollector<Connection>(() => {
      throw new Error('netlink said no');
    });
    const { monitor, collectors } = setup(10, 0, { connections: failing });
    const client = new TestClient(monitor);
    client.handle({ type: 'subscribe', dataset: 'connections' });
    client.handle({ type: 'subscribe', dataset: 'statistics' });
    await tick(3000);
    const errors = client.of('collectorError');
    expect(errors.length).toBeGreaterThanOrEqual(3);
    expect(errors[0]).toMatchObject({ dataset: 'connections', message: 'netlink said no' });
    expect(collectors.statistics.reads).toBeGreaterThanOrEqual(3);
    expect(client.of('diff').filter((m) => m.dataset === 'statistics').length).toBeGreaterThanOrEqual(2);
    await monitor.close();
  });
});

describe('derived data', () => {
  it('gives no rate across a counter reset, never a negative one', async () => {
    const values = [1000, 3000, 500, 2500, 2500];
    let i = 0;
    const seq = () => values[Math.min(i, values.length - 1)]!;
    const interfaces = countingCollector<NetInterface>(() => [
      syntheticInterface('eth0', { rxBytes: seq(), txBytes: seq(), rxPackets: seq(), txPackets: seq() }),
    ]);
    const statistics = countingCollector<Counter>(() => [
      syntheticCounter('Tcp', 'InSegs', seq()),
      syntheticCounter('Tcp', 'CurrEstab', seq(), 'gauge'),
    ]);
    const { monitor } = setup(10, 0, { interfaces, statistics });
    const client = new TestClient(monitor);
    const seen: { rate: unknown; ifRate: unknown }[] = [];
    client.onApplied = () => {
      const rate = (client.tables.get('statistics')?.get('Tcp.InSegs') as Counter | undefined)?.rate;
      const ifRate = (client.tables.get('interfaces')?.get('eth0') as NetInterface | undefined)?.rates;
      seen.push({ rate, ifRate });
    };
    client.handle({ type: 'subscribe', dataset: 'statistics' });
    client.handle({ type: 'subscribe', dataset: 'interfaces' });
    client.handle({ type: 'setInterval', intervalMs: 2000 });
    await tick(0);
    for (i = 1; i < values.length; i++) await tick(2000);
    const stats = client.tables.get('statistics')!;
    expect((stats.get('Tcp.CurrEstab') as Counter).rate).toBeNull();
    const rates = client
      .of('diff')
      .filter((m) => m.dataset === 'statistics')
      .flatMap((m) => m.diff.changed.map((p) => (p as Partial<Counter>).rate))
      .filter((r) => r !== undefined);
    // 1000 -> 3000 over 2 s, then the reset (null), then 500 -> 2500, then 0.
    expect(rates).toEqual([1000, null, 1000, 0]);
    const eth0 = client.tables.get('interfaces')!.get('eth0') as NetInterface;
    expect(eth0.rates).toEqual({ rxBytesPerSec: 0, txBytesPerSec: 0, rxPacketsPerSec: 0, txPacketsPerSec: 0 });
    for (const s of seen) {
      if (typeof s.rate === 'number') expect(s.rate).toBeGreaterThanOrEqual(0);
      if (s.ifRate) for (const v of Object.values(s.ifRate as object)) expect(v).toBeGreaterThanOrEqual(0);
    }
    await monitor.close();
  });

  it('stamps first-seen and last-changed, keeps closed connections for 5 s marked closed, then drops them', async () => {
    const base = new SyntheticConnections(3, 0).next();
    let rows = base;
    const connections = countingCollector<Connection>(() => rows.map((r) => ({ ...r })));
    const { monitor } = setup(3, 0, { connections });
    const client = new TestClient(monitor);
    client.handle({ type: 'subscribe', dataset: 'connections' });
    await tick(0);
    const t0 = Date.now();
    const table = () => client.tables.get('connections') as Map<string, Connection>;
    const [a, b] = [base[0]!.id, base[1]!.id];
    expect(table().get(a)).toMatchObject({ firstSeen: t0, lastChanged: t0, closedAt: null });
    await tick(2000);
    rows = base.map((r) => (r.id === a ? { ...r, state: 'CLOSE_WAIT' as const } : r)).filter((r) => r.id !== b);
    await tick(1000);
    const t1 = Date.now();
    expect(table().get(a)).toMatchObject({ firstSeen: t0, lastChanged: t1, state: 'CLOSE_WAIT', closedAt: null });
    expect(table().get(b)).toMatchObject({ firstSeen: t0, closedAt: t1 });
    await tick(4000);
    expect(table().get(b)?.closedAt).toBe(t1);
    await tick(1000);
    expect(table().has(b)).toBe(false);
    expect(table().get(a)!.lastChanged).toBe(t1);
    await monitor.close();
  });
});
