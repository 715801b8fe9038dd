import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fs from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Connection } from '../../../shared/types.js';
import { DEFAULT_RECORDING, gapText, type Alert } from '../../../shared/record.js';
import { formatDateTime } from '../../../shared/format.js';
import { until } from '../../../test/until.js';
import { collectGarbage } from '../../../test/collect-garbage.js';
import { ConnectionTable } from '../connections.js';
import { bundleWorker } from '../testing/bundle-worker.js';
import { syntheticInterface, SyntheticConnections } from '../testing/synthetic.js';
import { NamesCollector } from '../../collectors/names/index.js';
import { unknownTraffic } from '../../collectors/connections/tcp-info.js';
import { clearStaleLock, Database, openRecord, readRecord, type RecordDatabase } from './database.js';
import {
  changes,
  connectionsBetween,
  gapAt,
  LISTENERS_FIRST_SEEN,
  MAX_LISTENERS_READ,
  MAX_RECORDED_ROWS,
  timeline,
} from './queries.js';
import { CHECKPOINT_MS, HELD_REASON, PRUNE_BATCH, Recorder, RESUMES_AT_ONCE, type NoticeLevel } from './recorder.js';
import { conn, unnamedUnix } from './testing/rows.js';

const dirs: string[] = [];

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'history-test-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) {
    try {
      chmodSync(d, 0o755);
    } catch {
      // already gone
    }
    rmSync(d, { recursive: true, force: true });
  }
});

/** A recorder fed through the monitor's own ConnectionTable, with a clock the test moves. */
function rig(file: string, options: Partial<ConstructorParameters<typeof Recorder>[0]> = {}) {
  const table = new ConnectionTable(0);
  const notices: { level: NoticeLevel; code: string; text: string }[] = [];
  let now = Date.parse('2026-11-30T10:00:00Z');
  const recorder = new Recorder({
    file,
    liveRows: () => table.rows(),
    notify: (level, code, text) => notices.push({ level, code, text }),
    log: () => {},
    now: () => now,
    flushMs: 1_000_000,
    retryMs: 20,
    ...options,
  });
  return {
    table,
    recorder,
    notices,
    get now() {
      return now;
    },
    tick(rows: Connection[], advance = 1000) {
      now += advance;
      recorder.connections(table.update(rows, now), (id) => table.get(id));
    },
    advance(ms: number) {
      now += ms;
    },
  };
}

describe.runIf(process.platform !== 'win32' && (process.umask() & 0o044) === 0)("the record's file", () => {
  // The file itself SQLite's VFS makes 0600; the folder was made under the umask (0755).
  it("is made this user's alone (0600) in a folder of 0700, whatever the umask", () => {
    const folder = join(tempDir(), 'netlens');
    const file = join(folder, 'history.sqlite');
    const r = rig(file);
    r.tick([conn(1)]);
    r.recorder.flush();
    expect(r.recorder.database).not.toBeNull();
    expect(fs.statSync(folder).mode & 0o777).toBe(0o700);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    r.recorder.close();
  });
});

describe('the recorder', () => {
  it('records each connection once, with its states, owner, close and byte totals', () => {
    const file = join(tempDir(), 'history.sqlite');
    const r = rig(file);
    const a = conn(1, { state: 'SYN_SENT' });
    const listener = conn(2, { state: 'LISTEN', remoteAddress: '0.0.0.0', remotePort: 0 });
    r.tick([a, listener]);
    const opened = r.now;
    r.tick([{ ...a, state: 'ESTABLISHED' }, listener]);
    r.recorder.flush();
    // Byte totals as the traffic collector reports them (fields the monitor passes through once they exist).
    const bytes = (sent: number, received: number) =>
      ({ id: a.id, bytesSent: sent, bytesReceived: received }) as Partial<Connection> & { id: string };
    r.recorder.connections({ added: [], removed: [], changed: [bytes(100, 50)] }, (id) => r.table.get(id));
    r.recorder.connections({ added: [], removed: [], changed: [bytes(1500, 9050)] }, (id) => r.table.get(id));
    r.tick([listener]);
    const closed = r.now;
    r.advance(1000);
    r.recorder.flush();
    const db = r.recorder.database!;
    const rows = connectionsBetween(db, opened, r.now).rows;
    expect(rows).toHaveLength(2);
    const rec = rows.find((x) => x.localPort === 40001)!;
    expect(rec).toMatchObject({
      states: ['SYN_SENT', 'ESTABLISHED'],
      pid: 101,
      process: 'app1',
      user: 'ann',
      exe: '/usr/bin/app1',
      firstSeen: opened,
      closedAt: closed,
      lastSeen: closed,
      bytesSent: 1500,
      bytesReceived: 9050,
      listener: false,
    });
    expect(rows.find((x) => x.localPort === 40002)).toMatchObject({ listener: true, closedAt: null, lastSeen: r.now });
    // As they were: before the connection opened, only nothing; after it closed, only the listener.
    expect(connectionsBetween(db, opened - 1, opened - 1).rows).toHaveLength(0);
    expect(connectionsBetween(db, closed + 1, closed + 1).rows.map((x) => x.localPort)).toEqual([40002]);
    // Per-process traffic per minute from the byte totals' growth.
    const minutes = db.all('SELECT process, rx, tx FROM process_minutes') as {
      process: string;
      rx: number;
      tx: number;
    }[];
    expect(minutes).toEqual([{ process: 'app1', rx: 9000, tx: 1400 }]);
    r.recorder.close();
  });

  it('keeps the fields it writes of an open connection, not the row it was given', async () => {
    const file = join(tempDir(), 'history.sqlite');
    const r = rig(file);
    // The row is made and let go in here: only the recorder could keep it (the table never sees it).
    const watched = (() => {
      const row = { ...conn(1), firstSeen: r.now, ...unknownTraffic('n/a'), bytesSent: 10, bytesReceived: 20 };
      r.recorder.connections({ added: [row], removed: [], changed: [] }, () => undefined);
      return new WeakRef(row);
    })();
    await collectGarbage();
    expect(watched.deref()).toBeUndefined();
    r.recorder.flush();
    expect(connectionsBetween(r.recorder.database!, 0, r.now).rows).toEqual([
      expect.objectContaining({
        proto: 'tcp',
        localPort: 40001,
        remoteAddress: '10.1.2.3',
        remotePort: 443,
        states: ['ESTABLISHED'],
        pid: 101,
        process: 'app1',
        exe: '/usr/bin/app1',
        firstSeen: r.now,
        closedAt: null,
        bytesSent: 10,
        bytesReceived: 20,
      }),
    ]);
    r.recorder.close();
  });

  it("records a connection's final byte totals when its destroy event comes in the read where it is gone", () => {
    const file = join(tempDir(), 'history.sqlite');
    const r = rig(file);
    // Counters as the traffic collector reports them; only the byte totals matter here.
    const traffic = (sent: number, received: number) => ({
      ...unknownTraffic('n/a'),
      bytesSent: sent,
      bytesReceived: received,
    });
    const a = { ...conn(1), ...traffic(100, 50) };
    r.tick([a]);
    r.tick([{ ...a, ...traffic(200, 80) }]);
    // Gone from the next read, and its destroy event (in that same read) says what it moved to the end.
    r.advance(1000);
    const diff = r.table.update([], r.now, [{ id: a.id, traffic: traffic(5000, 900), row: null }]);
    r.recorder.connections(diff, (id) => r.table.get(id));
    r.recorder.flush();
    const db = r.recorder.database!;
    expect(connectionsBetween(db, 0, r.now).rows[0]).toMatchObject({ bytesSent: 5000, bytesReceived: 900 });
    const minutes = db.all('SELECT sum(rx) AS rx, sum(tx) AS tx FROM process_minutes') as { rx: number; tx: number }[];
    // What it moved after the recording began (the baseline read's bytes were before).
    expect(minutes).toEqual([{ rx: 850, tx: 4900 }]);
    r.recorder.close();
  });

  it('sums interface bytes per minute, ignoring a counter reset', () => {
    const file = join(tempDir(), 'history.sqlite');
    const r = rig(file);
    const t0 = Math.ceil(r.now / 60_000) * 60_000;
    r.recorder.interfaces([syntheticInterface('eth0', { rxBytes: 1000, txBytes: 10 })], t0 + 1000);
    r.recorder.interfaces([syntheticInterface('eth0', { rxBytes: 5000, txBytes: 30 })], t0 + 2000);
    r.recorder.interfaces([syntheticInterface('eth0', { rxBytes: 100, txBytes: 5 })], t0 + 3000);
    r.recorder.interfaces([syntheticInterface('eth0', { rxBytes: 400, txBytes: 15 })], t0 + 61_000);
    r.tick([conn(1)], t0 + 61_000 - r.now);
    r.recorder.flush();
    const points = timeline(r.recorder.database!, t0, t0 + 120_000);
    expect(points).toEqual([
      { t: t0, opened: 0, rxBytes: 4000, txBytes: 20 },
      { t: t0 + 60_000, opened: 1, rxBytes: 300, txBytes: 10 },
    ]);
    r.recorder.close();
  });

  it('keeps the counters of the interfaces there are, not of every one that came and went', () => {
    const r = rig(join(tempDir(), 'history.sqlite'));
    const t0 = Math.ceil(r.now / 60_000) * 60_000;
    // A container host: each container's veth has a name of its own, and goes with it.
    for (let i = 0; i < 1000; i++)
      r.recorder.interfaces(
        [
          syntheticInterface('eth0', { rxBytes: 1000 + i, txBytes: 10 }),
          syntheticInterface(`veth${i}`, { rxBytes: i, txBytes: i }),
        ],
        t0 + i,
      );
    expect(r.recorder.rememberedInterfaces).toBe(2);
    r.tick([conn(1)], t0 + 61_000 - r.now);
    r.recorder.flush();
    // eth0's bytes are still counted from one read to the next.
    expect(timeline(r.recorder.database!, t0, t0 + 60_000)[0]).toMatchObject({ t: t0, rxBytes: 999 });
    r.recorder.close();
  });

  it('ends a connection where its process lets go of it, though its row goes on in TIME_WAIT (one key)', () => {
    const file = join(tempDir(), 'history.sqlite');
    const r = rig(file);
    r.tick([]);
    const open = conn(1);
    r.tick([open]);
    const started = r.now;
    r.tick([open]);
    // The process closes it: the same row (keys.ts keys it by its endpoints), without its inode and owner.
    const tail: Connection = { ...open, state: 'TIME_WAIT', inode: null, processes: [], ownerStatus: 'none' };
    r.tick([tail]);
    const letGo = r.now;
    r.tick([tail]);
    r.tick([tail]);
    r.recorder.flush();
    const db = r.recorder.database!;
    const rows = connectionsBetween(db, 0, r.now).rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ process: 'app1', closedAt: letGo, states: ['ESTABLISHED', 'TIME_WAIT'] });
    const summary = changes(db, started, r.now);
    expect(summary.stoppedProcesses).toEqual([{ process: 'app1', lastSeen: letGo }]);
    // The tail, changed later (the kernel's last counters), is a row of its own, owned by no process.
    r.tick([{ ...tail, state: 'CLOSE' }]);
    r.recorder.flush();
    const after = connectionsBetween(db, 0, r.now).rows;
    expect(after.map((x) => x.process ?? null)).toEqual(['app1', null]);
    expect(changes(db, started, r.now).stoppedProcesses.map((p) => p.process)).toEqual(['app1']);
    r.recorder.close();
  });

  it("keeps what it recorded across restarts: rows left open end at their session's last write", () => {
    const file = join(tempDir(), 'history.sqlite');
    const first = rig(file);
    const wide = { state: 'LISTEN', localAddress: '0.0.0.0', remoteAddress: '0.0.0.0', remotePort: 0 } as const;
    first.tick([conn(1), conn(2, wide)]);
    first.recorder.close();
    const second = rig(file);
    second.advance(3_600_000);
    // (Beyond loopback: a process listening on 127.0.0.1 alone does not use the network.)
    second.tick([conn(3, wide)]);
    second.recorder.flush();
    const db = second.recorder.database!;
    const all = connectionsBetween(db, 0, second.now).rows;
    expect(all.map((x) => x.localPort).sort()).toEqual([40001, 40002, 40003]);
    expect(all.find((x) => x.localPort === 40001)!.closedAt).toBeNull();
    const summary = changes(db, first.now, second.now);
    expect(summary.newListeners.map((l) => l.localPort)).toEqual([40003]);
    expect(summary.goneListeners.map((l) => l.localPort)).toEqual([40002]);
    expect(summary.startedProcesses.map((p) => p.process)).toEqual(['app3']);
    expect(summary.stoppedProcesses.map((p) => p.process).sort()).toEqual(['app1', 'app2']);
    second.recorder.close();
  });

  it('continues the rows of sockets still open across a restart of NetLens (same socket, same pid), not anew', () => {
    const listen = { state: 'LISTEN', remoteAddress: '0.0.0.0', remotePort: 0 } as const;
    for (const rebooted of [false, true]) {
      const file = join(tempDir(), 'history.sqlite');
      const first = rig(file, { bootedAt: () => 0 });
      const ownerless = conn(5, { ...listen, processes: [], ownerStatus: 'none' });
      const unnamed = (id: number) => unnamedUnix(id, { processes: [], ownerStatus: 'none' });
      first.tick([conn(1), conn(2, listen), conn(4, listen), ownerless, unnamed(6)]);
      const started = first.now;
      first.recorder.close();
      // Restarted an hour later (or the machine rebooted meanwhile): the listener of pid 102 is still open, and
      // so is the connection; the listener of app4 is another process's now (restarted: pid 204).
      const second = rig(file, { bootedAt: () => (rebooted ? started + 1000 : 0) });
      second.advance(3_600_000);
      const app4 = { pid: 204, name: 'app4', cmdline: '', exe: '/usr/bin/app4', user: 'ann', startTime: 9 };
      second.tick([
        conn(1),
        conn(2, listen),
        conn(4, { ...listen, processes: [app4] }),
        ownerless,
        unnamed(7),
        unnamed(8),
      ]);
      second.recorder.flush();
      const db = second.recorder.database!;
      const rows = connectionsBetween(db, 0, second.now).rows;
      const firstSeen = (port: number) => rows.filter((r) => r.localPort === port).map((r) => r.firstSeen);
      // On main: every socket twice, the second first seen at the restart (`listen` twice in netlens history,
      // with no close between).
      expect(firstSeen(40002)).toEqual(rebooted ? [started, second.now] : [started]);
      expect(firstSeen(40001)).toEqual(rebooted ? [started, second.now] : [started]);
      expect(firstSeen(40004)).toEqual([started, second.now]);
      // An ownerless listener (no pid to tell: a process in another pid namespace) continues too.
      expect(firstSeen(40005)).toEqual(rebooted ? [started, second.now] : [started]);
      // Ownerless sockets whose endpoints name no one socket (unnamed unix ones: here one before, two after) are
      // recorded afresh: continuing one of them would give it another socket's row.
      const unixRows = rows.filter((r) => r.proto === 'unix');
      expect(unixRows.filter((r) => r.firstSeen === started)).toHaveLength(1);
      expect(unixRows.filter((r) => r.firstSeen === second.now)).toHaveLength(2);
      // Open all along: at a moment between the two recordings too, and What changed says since when.
      const between = connectionsBetween(db, started + 1_800_000, started + 1_800_000);
      expect(between.rows.some((r) => r.localPort === 40002)).toBe(!rebooted);
      expect(between.gap).toEqual({ kind: 'between', lastBefore: started, resumed: second.now });
      // Since before the record: what was open as it began is its baseline, not new (on main 40002 was, "since"
      // the restart where it was recorded anew); app4 listens as it did (another pid, the same program).
      const since = changes(db, started - 1, second.now);
      expect(since.newListeners).toEqual([]);
      expect(since).toMatchObject({ from: started, asked: started - 1, gap: { kind: 'before', begins: started } });
      expect(rows.find((r) => r.localPort === 40002 && r.lastSeen === second.now)!.closedAt).toBeNull();
      second.recorder.close();
    }
  });

  it("keeps a shared socket's other owners beside its owner, and those that come and go while it is open", () => {
    const file = join(tempDir(), 'history.sqlite');
    const r = rig(file);
    const nginx = (pid: number) => ({
      pid,
      name: 'nginx',
      cmdline: '',
      exe: '/usr/sbin/nginx',
      user: 'www',
      startTime: 1,
    });
    const listen = { state: 'LISTEN', localAddress: '0.0.0.0', remoteAddress: '0.0.0.0', remotePort: 0 } as const;
    const owned = (...pids: number[]) => conn(1, { ...listen, processes: pids.map(nginx) });
    r.tick([owned(100, 101), conn(2)]);
    r.recorder.flush();
    const db = r.recorder.database!;
    const read = () =>
      connectionsBetween(db, 0, r.now)
        .rows.map((row) => [row.pid, row.others.map((o) => o.pid)])
        .sort();
    // On main the record kept the first owner alone.
    expect(read()).toEqual([
      [100, [101]],
      [102, []],
    ]);
    // A worker more, then the master gone: the row keeps the owner it was recorded with, and the others as they
    // were last, written with its next checkpoint.
    r.tick([owned(100, 101, 102), conn(2)]);
    r.tick([owned(101, 102), conn(2)]);
    r.advance(CHECKPOINT_MS);
    r.tick([owned(101, 102), conn(2)]);
    r.recorder.flush();
    expect(read()).toEqual([
      [100, [101, 102]],
      [102, []],
    ]);
    // Closed: the close writes them too.
    r.tick([owned(101, 102, 103), conn(2)]);
    r.tick([conn(2)]);
    r.recorder.flush();
    expect(read()).toEqual([
      [100, [101, 102, 103]],
      [102, []],
    ]);
    r.recorder.close();
  });

  it("continues each of a process's unnamed unix sockets by its inode, across a pause and a restart", () => {
    const file = join(tempDir(), 'history.sqlite');
    const socat = { pid: 300, name: 'socat', cmdline: 'socat', exe: '/usr/bin/socat', user: 'ann', startTime: 1 };
    const pair = (inode: number) => unnamedUnix(inode, { processes: [socat] });
    const first = rig(file, { bootedAt: () => 0 });
    first.tick([pair(11), pair(12)]);
    const started = first.now;
    first.tick([pair(11), pair(12)]);
    // Paused (Space) and resumed: the sockets still open go on in their rows.
    first.recorder.hold(true);
    first.advance(6000);
    first.recorder.hold(false);
    first.tick([pair(11), pair(12)]);
    first.recorder.close();
    // Restarted: one of them closed meanwhile, and the process opened another.
    const second = rig(file, { bootedAt: () => 0 });
    second.advance(60_000);
    second.tick([pair(12), pair(13)]);
    second.recorder.flush();
    const db = second.recorder.database!;
    const rows = connectionsBetween(db, 0, second.now).rows.filter((r) => r.proto === 'unix');
    // On main: the two taken for one (one key): recorded afresh at each start, first seen as the monitor first saw
    // them, so a moment before the pause showed four.
    expect(rows.map((r) => [r.inode, r.firstSeen]).sort()).toEqual([
      [11, started],
      [12, started],
      [13, second.now],
    ]);
    expect(connectionsBetween(db, started, started).rows.filter((r) => r.proto === 'unix')).toHaveLength(2);
    second.recorder.close();
  });

  it('says what changed of a listener that came and went within the range, which neither end of it shows', () => {
    const file = join(tempDir(), 'history.sqlite');
    const r = rig(file);
    const listen = { state: 'LISTEN', localAddress: '0.0.0.0', remoteAddress: '0.0.0.0', remotePort: 0 } as const;
    // A resolver's unconnected UDP socket on an ephemeral port, made for one query: a client's, not a service.
    const query = conn(8, { proto: 'udp', state: 'UNCONN', localAddress: '0.0.0.0', localPort: 53124, remotePort: 0 });
    r.tick([conn(1)]);
    const from = r.now;
    r.advance(60_000);
    r.tick([conn(1), conn(7, listen), query]);
    const opened = r.now;
    r.tick([conn(1), conn(7, listen)], 30_000);
    // Closed half a minute later: gone from the table (the monitor marks it closed, then drops it).
    r.tick([conn(1)]);
    const closed = r.now;
    r.advance(60_000);
    r.tick([conn(1)]);
    r.recorder.flush();
    const db = r.recorder.database!;
    // On main: in neither list.
    const summary = changes(db, from, r.now);
    expect(summary.newListeners).toEqual([]);
    expect(summary.goneListeners).toEqual([]);
    expect(summary.briefListeners.map((l) => [l.localPort, l.firstSeen, l.closedAt])).toEqual([
      [40007, opened, closed],
    ]);
    // A range that ends while it listened: new, not come and gone; one that begins after: none.
    // (The resolver's socket, open then, is new there as any socket open at the end is; it came and went unlisted.)
    expect(changes(db, from, opened + 1000)).toMatchObject({
      briefListeners: [],
      newListeners: [{ localPort: 40007 }, { localPort: 53124 }],
    });
    expect(changes(db, closed, r.now).briefListeners).toEqual([]);
    // Read by the listeners' own index, not every connection first seen in the range.
    const plan = (db.all(`EXPLAIN QUERY PLAN ${LISTENERS_FIRST_SEEN}`, [from, r.now]) as { detail: string }[])
      .map((p) => p.detail)
      .join(' | ');
    expect(plan).toMatch(/USING COVERING INDEX conns_listeners \(first_seen>\? AND first_seen<\?\)/);
    expect(summary.briefListenersOmitted).toBe(0);
    // Past MAX_LISTENERS_READ listeners first seen in the range, the rest are counted and said, not read.
    db.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${MAX_LISTENERS_READ + 5})
      INSERT INTO conns (session, proto, family, local_addr, local_port, remote_addr, remote_port, states, listener,
        first_seen, closed_at) SELECT 1, 'tcp', 'inet', '0.0.0.0', 1 + i % 60000, '0.0.0.0', 0, 'LISTEN', 1, ${from} + 1 + i % 1000, ${from} + 2000 FROM n`);
    // (app7's among them: MAX_LISTENERS_READ + 6 in all, 6 not read.) Of those read, up to 60,000 listeners (one a
    // port; the 5 bulk rows not read may hold ports read nowhere else): MAX_RECORDED_ROWS listed, the rest counted too
    // (an attacker's review of 12-06: 20,000 listed and no word of the others).
    const many = changes(db, from, r.now);
    expect(many.briefListeners).toHaveLength(MAX_RECORDED_ROWS);
    expect(many.briefListenersOmitted).toBeGreaterThanOrEqual(60_000 - 5 - MAX_RECORDED_ROWS + 6);
    expect(many.briefListenersOmitted).toBeLessThanOrEqual(60_000 - MAX_RECORDED_ROWS + 6);
    r.recorder.close();
  });

  it('says what changed since before the record began: what was open as it began is its baseline, not new', () => {
    const file = join(tempDir(), 'history.sqlite');
    const r = rig(file);
    const listen = { state: 'LISTEN', localAddress: '0.0.0.0', remoteAddress: '0.0.0.0', remotePort: 0 } as const;
    const recordingStarted = r.now;
    // NetLens starts: the first read finds a listener and a connection open (the baseline), a second later.
    r.tick([conn(1), conn(2, listen)]);
    const begins = r.now;
    r.advance(600_000);
    // Ten minutes later a process starts listening and connects to another machine.
    r.tick([conn(1), conn(2, listen), conn(3, listen), conn(4, { remoteAddress: '10.9.9.9' })]);
    r.recorder.flush();
    const db = r.recorder.database!;
    // "1 hour ago", though the record began 10 minutes ago: on main every socket, process and host of the
    // baseline was new ("New listeners (2)"), and the answer did not say the record began later.
    const summary = changes(db, r.now - 3_600_000, r.now);
    expect(summary).toMatchObject({ from: begins, asked: r.now - 3_600_000, gap: { kind: 'before', begins } });
    expect(summary.newListeners.map((l) => l.localPort)).toEqual([40003]);
    expect(summary.startedProcesses.map((p) => p.process).sort()).toEqual(['app3', 'app4']);
    expect(summary.newRemoteHosts.map((h) => h.address)).toEqual(['10.9.9.9']);
    expect(gapText(summary.gap!, summary.asked, 'changes')).toBe(
      `The record begins at ${formatDateTime(begins)}, later than the ${formatDateTime(summary.asked)} asked for: what was open then is the baseline, not new.`,
    );
    // The record begins when its baseline was read, not as the recorder opened the file (nothing was known then).
    expect(begins).toBeGreaterThan(recordingStarted);
    expect(changes(db, recordingStarted, r.now).from).toBe(begins);
    // From a moment it covers: as asked, nothing said.
    expect(changes(db, begins + 1, r.now)).toMatchObject({ from: begins + 1, gap: null });
    // As it was: the rows of a moment before it, none, and why.
    const before = connectionsBetween(db, begins - 60_000, begins - 60_000);
    expect(before).toMatchObject({ rows: [], gap: { kind: 'before', begins } });
    expect(connectionsBetween(db, begins, begins).gap).toBeNull();
    r.recorder.close();
  });

  it('says it holds what it holds since its first recording began, not since a connection it found open was first seen', () => {
    // The History tab read "Recording · 1.49 MiB since 11:05:39" beside "The record begins at 11:13:25": the first
    // sighting, by the live table, of a connection open when recording began (a new user's review of 12-07).
    const r = rig(join(tempDir(), 'history.sqlite'));
    r.table.update([conn(1)], r.now - 600_000);
    r.tick([conn(1)]);
    r.recorder.flush();
    const begins = Number((r.recorder.database!.get('SELECT min(started) AS t FROM sessions') as { t: number }).t);
    expect(r.recorder.status().oldest).toBe(begins);
    expect(begins).toBeGreaterThan(r.now - 600_000);
    r.recorder.close();
  });

  it('prunes past retention in small batches, then over the size cap, oldest first', () => {
    const file = join(tempDir(), 'history.sqlite');
    const r = rig(file, { config: { ...DEFAULT_RECORDING, retentionDays: 1 } });
    const n = PRUNE_BATCH * 2 + 100;
    r.tick(Array.from({ length: n }, (_, i) => conn(i)));
    r.tick([]);
    r.recorder.flush();
    r.advance(2 * 86_400_000);
    r.tick([conn(100_000)]);
    const counts: number[] = [];
    const count = () => Number((r.recorder.database!.get('SELECT count(*) AS n FROM conns') as { n: number }).n);
    for (let i = 0; i < 5; i++) {
      r.recorder.flush();
      counts.push(count());
    }
    // One batch per flush: the old rows go over three flushes, the recent one stays.
    expect(counts).toEqual([n + 1 - PRUNE_BATCH, n + 1 - 2 * PRUNE_BATCH, 1, 1, 1]);
    r.recorder.close();

    const capped = rig(join(tempDir(), 'history.sqlite'), {
      config: { ...DEFAULT_RECORDING, retentionDays: 30, maxMb: 0.2 },
    });
    // One process: 3000 of them would fill the cap with first sightings (kept beyond retention) alone.
    const big = Array.from({ length: 3000 }, (_, i) =>
      conn(i, { remoteAddress: `10.9.${i >> 8}.${i & 255}`, processes: conn(1).processes }),
    );
    capped.tick(big);
    const opened = capped.now;
    capped.tick([]);
    const closed = capped.now;
    capped.recorder.flush();
    expect(capped.recorder.status().oldest).toBe(opened);
    const before = Number((capped.recorder.database!.get('SELECT count(*) AS n FROM conns') as { n: number }).n);
    for (let i = 0; i < 10; i++) {
      capped.advance(61_000);
      capped.tick([]);
      capped.recorder.flush();
    }
    const db = capped.recorder.database!;
    const after = Number((db.get('SELECT count(*) AS n FROM conns') as { n: number }).n);
    expect(after).toBeLessThan(before);
    expect(capped.recorder.status().sizeBytes).toBeLessThanOrEqual(0.2 * 1024 * 1024);
    // The newest rows are the ones kept.
    expect(Number((db.get('SELECT min(local_port) AS p FROM conns') as { p: number }).p)).toBeGreaterThan(40000);
    // And the record says it is whole only from the last close among those removed: on main it still began at its
    // first recording, and a moment when the removed rows were open read as complete (a flood of anyone's loopback
    // connections could so empty History unseen: an attacker's review of 12-07).
    expect(capped.recorder.status().oldest).toBe(closed);
    const gap = gapAt(db, opened);
    expect(gap).toEqual({ kind: 'before', begins: closed, cut: true });
    expect(gapText(gap!, opened, 'rows')).toMatch(
      /^The record's connections before .* were removed to keep it under its size limit/,
    );
    expect(connectionsBetween(db, opened, opened).gap).toEqual(gap);
    expect(gapAt(db, closed)).toBeNull();
    capped.recorder.close();
  });

  it('prunes an old hour of per-process traffic in bounded batches, however many processes it has', () => {
    const firstBatch = (processes: number) => {
      const r = rig(join(tempDir(), 'history.sqlite'), { config: { ...DEFAULT_RECORDING, retentionDays: 1 } });
      r.tick([conn(1)]);
      r.recorder.flush();
      // An hour three days ago in which a flood of process names each moved a few bytes every minute.
      const db = r.recorder.database!;
      const start = r.now - (r.now % 60_000) - 3 * 86_400_000;
      const insert = db.prepare('INSERT INTO process_minutes (minute, process, rx, tx) VALUES (?, ?, 1, 1)');
      db.exec('BEGIN');
      for (let m = 0; m < 60; m++) for (let p = 0; p < processes; p++) insert.run([start + m * 60_000, `p${p}`]);
      db.exec('COMMIT');
      insert.finalize();
      const count = () => Number((db.get('SELECT count(*) AS n FROM process_minutes') as { n: number }).n);
      const before = count();
      r.advance(61_000);
      r.tick([conn(1)]);
      r.recorder.flush();
      const deleted = before - count();
      // Batch after batch, the hour goes.
      for (let i = 0; i < 100 && count() > 0; i++) {
        r.tick([conn(1)]);
        r.recorder.flush();
      }
      expect(count()).toBe(0);
      r.recorder.close();
      return deleted;
    };
    const small = firstBatch(100);
    const big = firstBatch(1000);
    expect(small).toBeGreaterThan(0);
    // Main deleted the whole hour in one transaction (60,000 rows against 6,000).
    expect(big / small).toBeLessThan(2);
  });

  it('keeps under the size cap when distinct process names alone fill it: the oldest first sightings go', () => {
    const capped = rig(join(tempDir(), 'history.sqlite'), {
      config: { ...DEFAULT_RECORDING, retentionDays: 30, maxMb: 0.2 },
    });
    capped.tick([conn(1)]);
    capped.recorder.flush();
    // A year of a flood of names (a process may name itself anything) whose connections are long pruned: their
    // first sightings are kept beyond retention.
    const db = capped.recorder.database!;
    const insert = db.prepare('INSERT INTO processes (name, first_seen) VALUES (?, ?)');
    db.exec('BEGIN');
    for (let i = 0; i < 5000; i++) insert.run([`worker-${String(i).padStart(6, '0')}-${'x'.repeat(60)}`, 1000 + i]);
    db.exec('COMMIT');
    insert.finalize();
    for (let i = 0; i < 20; i++) {
      capped.advance(61_000);
      capped.tick([conn(1)]);
      capped.recorder.flush();
    }
    expect(capped.recorder.status().sizeBytes).toBeLessThanOrEqual(0.2 * 1024 * 1024);
    // The newest first sightings are the ones kept.
    const kept = db.all('SELECT name FROM processes ORDER BY first_seen') as { name: string }[];
    expect(kept.length).toBeGreaterThan(500);
    expect(kept.at(-1)!.name).toBe('app1');
    expect(kept.at(-2)!.name).toMatch(/^worker-004999-/);
    capped.recorder.close();
  });

  it('moves a file that is not a database aside, says so, and starts afresh', () => {
    const dir = tempDir();
    const file = join(dir, 'history.sqlite');
    writeFileSync(file, 'this is not a database at all, just some text '.repeat(200));
    const r = rig(file);
    expect(r.recorder.status().state).toBe('recording');
    expect(r.notices.map((n) => n.code)).toEqual(['record-reset']);
    expect(readdirSync(dir).some((f) => f.startsWith('history.sqlite.corrupt-'))).toBe(true);
    r.tick([conn(1)]);
    r.recorder.flush();
    expect(connectionsBetween(r.recorder.database!, 0, r.now).rows).toHaveLength(1);
    r.recorder.close();
  });

  it('moves a truncated database aside and starts afresh', () => {
    const dir = tempDir();
    const file = join(dir, 'history.sqlite');
    const first = rig(file);
    first.tick(Array.from({ length: 3000 }, (_, i) => conn(i)));
    first.recorder.close();
    truncateSync(file, Math.floor(statSync(file).size / 2));
    const second = rig(file);
    expect(second.notices.map((n) => n.code)).toEqual(['record-reset']);
    expect(second.recorder.status()).toMatchObject({ state: 'recording' });
    expect(second.recorder.status().message).toMatch(/moved aside/);
    second.recorder.close();
  });

  it('survives kill -9 during heavy writes: the file opens, with at most the last batch lost', async () => {
    const file = join(tempDir(), 'history.sqlite');
    const writer = await bundleWorker(tempDir(), 'electron/monitor/record/testing/writer.ts');
    for (let round = 0; round < 3; round++) {
      const child = spawn(process.execPath, [writer, file, '3000', '0.3'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let committed = 0;
      let out = '';
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const all = [...out.matchAll(/committed (\d+)\n/g)];
          committed = Number(all.at(-1)?.[1] ?? 0);
          // Several flushes in, at a moment that varies with each round: mid-write as often as not.
          if (all.length >= 8 + round * 5) {
            child.kill('SIGKILL');
            resolve();
          }
        });
        child.on('exit', (code) =>
          code === 0 ? resolve() : code !== null ? reject(new Error(`writer exited ${code}: ${err}`)) : undefined,
        );
      });
      await new Promise((r) => child.once('exit', r).once('close', r));
      // The recorder of the next run takes the file over: stale lock removed, hot journal rolled back. Run after
      // the grace (the clock moved on): a lock left mid-write a minute old.
      const then = new Date(Date.now() - 60_000);
      if (existsSync(`${file}.lock`)) utimesSync(`${file}.lock`, then, then);
      const next = rig(file);
      expect(next.notices).toEqual([]);
      expect(next.recorder.status().state).toBe('recording');
      const db = next.recorder.database!;
      expect((db.all('PRAGMA integrity_check') as { integrity_check: string }[])[0]!.integrity_check).toBe('ok');
      expect(Number((db.get('SELECT count(*) AS n FROM conns') as { n: number }).n)).toBeGreaterThanOrEqual(committed);
      next.recorder.close();
    }
  }, 120_000);

  // Needs a small tmpfs: root on Linux.
  it.skipIf(process.getuid?.() !== 0 || process.platform !== 'linux')(
    'pauses on a write error (a full disk) with a notice, and resumes when there is room again',
    async () => {
      const mount = tempDir();
      const { execFileSync } = await import('node:child_process');
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'history-full', mount]);
      let opened: Recorder | undefined;
      try {
        const file = join(mount, 'history.sqlite');
        const r = rig(file);
        opened = r.recorder;
        expect(r.recorder.status().state).toBe('recording');
        let i = 0;
        while (r.recorder.status().state === 'recording' && i < 200) {
          r.tick(
            Array.from({ length: 100 }, (_, k) =>
              conn(i * 100 + k, { remoteAddress: `10.${i}.${k}.1`, path: 'x'.repeat(200) }),
            ),
          );
          r.recorder.flush();
          i++;
        }
        expect(r.recorder.status().state).toBe('paused');
        expect(r.recorder.status().message).toMatch(/writing .* failed/);
        expect(r.notices.at(-1)).toMatchObject({ level: 'warning', code: 'record-paused' });
        // Observing while paused is a no-op, never a throw.
        r.tick([conn(1)]);
        // Room again: the retry reopens, and the connections open now are recorded afresh.
        rmSync(file);
        rmSync(`${file}-journal`, { force: true });
        await until('the recorder to reopen', () => r.recorder.status().state === 'recording', 10_000, 10);
        expect(r.notices.at(-1)).toMatchObject({ level: 'info', code: 'record-resumed' });
        r.recorder.flush();
        expect(connectionsBetween(r.recorder.database!, 0, r.now).rows.length).toBeGreaterThan(0);
      } finally {
        // On every path: an open database keeps the mount busy, and a failed umount would hide the real failure.
        opened?.close();
        execFileSync('umount', [mount]);
      }
    },
  );

  it('a second recorder on the same file while the first runs waits its turn', () => {
    const file = join(tempDir(), 'history.sqlite');
    const first = rig(file);
    writeFileSync(`${file}.pid`, `${process.ppid}\n`);
    const second = rig(file);
    expect(second.recorder.status()).toMatchObject({ state: 'paused' });
    expect(second.recorder.status().message).toMatch(/another NetLens process/);
    second.recorder.close();
    first.recorder.close();
    expect(existsSync(file)).toBe(true);
  });

  it('held (NetLens paused), says why, starts again at the release, and closed while held leaves no claim behind', () => {
    const file = join(tempDir(), 'history.sqlite');
    const r = rig(file);
    expect(r.recorder.status()).toMatchObject({ state: 'recording' });
    r.recorder.hold(true);
    expect(r.recorder.status()).toMatchObject({ state: 'paused', message: HELD_REASON });
    expect(r.recorder.database).toBeNull();
    r.recorder.hold(false);
    expect(r.recorder.status()).toMatchObject({ state: 'recording', message: null });
    r.recorder.hold(true);
    // Closed while paused, as a user quits: a clean end, so the next start checks nothing it need not.
    r.recorder.close();
    expect(existsSync(`${file}.pid`)).toBe(false);
  });

  it(`starts again at most ${RESUMES_AT_ONCE} times a window when paused and resumed over and over, then at its end`, async () => {
    const file = join(tempDir(), 'history.sqlite');
    const r = rig(file, { resumesWindowMs: 600 });
    for (let i = 0; i < 20; i++) {
      r.recorder.hold(true);
      r.recorder.hold(false);
    }
    // On main: 21 sessions, each a baseline written.
    expect(r.recorder.status()).toMatchObject({
      state: 'paused',
      message: expect.stringMatching(/^NetLens was resumed 3 times within 0.6 s: recording starts again in 1 s$/),
    });
    await until('recording again', () => r.recorder.status().state === 'recording', 3000, 20);
    const sessions = () => Number((r.recorder.database!.get('SELECT count(*) AS n FROM sessions') as { n: number }).n);
    expect(sessions()).toBe(1 + RESUMES_AT_ONCE + 1);
    // Paused while a resume waits: it never starts.
    for (let i = 0; i < 4; i++) {
      r.recorder.hold(true);
      r.recorder.hold(false);
    }
    r.recorder.hold(true);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(r.recorder.status()).toMatchObject({ state: 'paused', message: HELD_REASON });
    r.recorder.close();
  });

  it('removes at its close only its own claim, not one of this pid and another thread (another pid namespace)', () => {
    const file = join(tempDir(), 'history.sqlite');
    const r = rig(file);
    expect(r.recorder.status()).toMatchObject({ state: 'recording' });
    const other = `${process.pid}\n${process.pid}-0123456789ab\n`;
    writeFileSync(`${file}.pid`, other);
    r.recorder.close();
    expect(readFileSync(`${file}.pid`, 'utf8')).toBe(other);
  });
});

describe('a flush that meets another process lock', () => {
  it('keeps its rows for the next flush, up to a bound past which recording pauses with a notice', () => {
    const file = join(tempDir(), 'history.sqlite');
    const r = rig(file, { maxWaitingRows: 50 });
    r.tick([conn(1)]);
    r.recorder.flush();
    // `netlens history` mid-read: the VFS's lock directory, held by another connection.
    const holder = new Database(file, { fileMustExist: true });
    holder.exec('BEGIN IMMEDIATE');
    for (let i = 2; i <= 20; i++) {
      r.tick([conn(1), conn(i)]);
      r.recorder.flush();
    }
    expect(r.recorder.status().state).toBe('recording');
    holder.exec('COMMIT');
    r.recorder.flush();
    // Nothing lost: every connection seen while the lock was held, closed ones with their close.
    const rows = connectionsBetween(r.recorder.database!, 0, r.now).rows;
    expect(rows.map((c) => c.localPort - 40000).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect(rows.filter((c) => c.closedAt !== null)).toHaveLength(18);
    // Held for good (a reader stopped mid-read): what waits is bounded; on main it grew with every read.
    holder.exec('BEGIN IMMEDIATE');
    for (let i = 21; i <= 100; i++) {
      r.tick([conn(1), conn(i)]);
      r.recorder.flush();
    }
    expect(r.recorder.status().state).toBe('paused');
    expect(r.recorder.status().message).toMatch(/held the record's lock for too long/);
    expect(r.notices.at(-1)).toMatchObject({ level: 'warning', code: 'record-paused' });
    holder.exec('COMMIT');
    holder.close();
    r.recorder.close();
  });

  it('opening it: waits without sleeping and without a notice, then records', async () => {
    const file = join(tempDir(), 'history.sqlite');
    rig(file).recorder.close();
    const holder = new Database(file, { fileMustExist: true });
    holder.exec('BEGIN IMMEDIATE');
    // On main the open slept 5 s on the worker's thread, then paused recording for a minute with a notice.
    const waits: string[] = [];
    const r = rig(file, { log: (line) => waits.push(line) });
    try {
      expect(r.recorder.status()).toMatchObject({ state: 'paused' });
      expect(r.recorder.status().message).toMatch(/waiting for another process/);
      expect(r.notices).toEqual([]);
      // Still held at the retries (every 20 ms here): not taken from its holder.
      await until('retries', () => waits.length >= 3, 5000, 5);
      expect(waits.every((line) => line.includes('waiting for another process'))).toBe(true);
      expect(r.recorder.status().state).toBe('paused');
      expect(holder.inTransaction).toBe(true);
      holder.exec('COMMIT');
      await until('recording', () => r.recorder.status().state === 'recording', 5000, 5);
      expect(r.notices).toEqual([]);
    } finally {
      if (holder.inTransaction) holder.exec('COMMIT');
      holder.close();
      r.recorder.close();
    }
  });
});

describe('alerts', () => {
  it('are opt-in per kind, quiet about the baseline, recorded, and silenced by marking as known', () => {
    const file = join(tempDir(), 'history.sqlite');
    const alerts: Alert[] = [];
    const config = { ...DEFAULT_RECORDING, alerts: { listener: true, process: true, network: false } };
    const r = rig(file, { config, alert: (a) => alerts.push(a) });
    // What is open at start is the baseline.
    r.tick([conn(1), conn(2, { state: 'LISTEN', localAddress: '0.0.0.0', remoteAddress: '0.0.0.0', remotePort: 0 })]);
    expect(alerts).toEqual([]);
    const wide = conn(3, { state: 'LISTEN', localAddress: '0.0.0.0', remoteAddress: '0.0.0.0', remotePort: 0 });
    const local = conn(4, {
      state: 'LISTEN',
      localAddress: '127.0.0.1',
      remoteAddress: '0.0.0.0',
      remotePort: 0,
      processes: conn(1).processes,
    });
    const elsewhere = conn(5, { remoteAddress: '203.0.113.9', processes: conn(1).processes });
    r.tick([conn(1), wide, local, elsewhere]);
    expect(alerts.map((a) => [a.kind, a.subject])).toEqual([
      ['listener', 'tcp 0.0.0.0:40003 app3'],
      ['process', 'app3'],
    ]);
    // Off: no network alert for 203.0.113.0/24. On, a new network is news once (no places here: by prefix).
    r.recorder.configure({ ...config, alerts: { ...config.alerts, network: true } });
    r.tick([conn(1), wide, local, elsewhere, conn(6, { remoteAddress: '198.51.100.7', processes: conn(1).processes })]);
    expect(alerts.at(-1)).toMatchObject({ kind: 'network', subject: 'app1 → 198.51.100.0/24' });
    // The listener coming back is news again, until marked known.
    r.tick([conn(1)]);
    r.tick([conn(1), wide]);
    expect(alerts.filter((a) => a.kind === 'listener')).toHaveLength(2);
    r.recorder.markKnown('listener', 'tcp 0.0.0.0:40003 app3');
    r.tick([conn(1)]);
    r.tick([conn(1), wide]);
    expect(alerts.filter((a) => a.kind === 'listener')).toHaveLength(2);
    const recorded = r.recorder.alerts(10);
    expect(recorded).toHaveLength(4);
    expect(recorded.find((a) => a.kind === 'listener')!.known).toBe(true);
    expect(recorded.find((a) => a.kind === 'process')!.known).toBe(false);
    r.recorder.close();
  });

  it("say so when a process name seen before uses the network as another user or executable (a name is anybody's)", () => {
    const file = join(tempDir(), 'history.sqlite');
    const alerts: Alert[] = [];
    const config = { ...DEFAULT_RECORDING, alerts: { listener: false, process: true, network: false } };
    const owner = (pid: number, user: string, exe: string | null) => [
      { pid, name: 'legitd', cmdline: '', exe, user, startTime: 1 },
    ];
    const out = (id: number, processes: Connection['processes']) => conn(id, { remoteAddress: '10.1.2.3', processes });
    const first = rig(file, { config, alert: (a) => alerts.push(a) });
    first.tick([]);
    first.tick([out(1, owner(200, 'root', '/usr/sbin/legitd'))]);
    expect(alerts.map((a) => a.text)).toEqual(['legitd is using the network for the first time']);
    first.recorder.flush();
    // Its own again, another instance of it, or one whose executable this user may not read: nothing new.
    first.tick([
      out(1, owner(200, 'root', '/usr/sbin/legitd')),
      out(2, owner(201, 'root', '/usr/sbin/legitd')),
      out(3, owner(202, 'root', null)),
    ]);
    expect(alerts).toHaveLength(1);
    // Another program named so, run by another user: on main nothing at all (the name was known).
    const impostor = owner(300, 'nobody', '/usr/bin/python3.11');
    first.tick([out(1, owner(200, 'root', '/usr/sbin/legitd')), out(4, impostor)]);
    expect(alerts.slice(1).map((a) => [a.subject, a.text])).toEqual([
      [
        'legitd · nobody · /usr/bin/python3.11',
        'legitd is using the network as user nobody, /usr/bin/python3.11; it was first seen as user root, /usr/sbin/legitd',
      ],
    ]);
    first.tick([out(4, impostor), out(5, impostor)]);
    expect(alerts).toHaveLength(2);
    first.recorder.close();
    // After a restart the record says who the name was first: the same program run by yet another user is news, once.
    const second = rig(file, { config, alert: (a) => alerts.push(a) });
    second.tick([]);
    second.tick([out(6, owner(400, 'ann', '/usr/sbin/legitd'))]);
    expect(alerts.slice(2).map((a) => a.subject)).toEqual(['legitd · ann · /usr/sbin/legitd']);
    // Marked known: no more news of it, in this recording or a later one.
    second.recorder.markKnown('process', 'legitd · nobody · /usr/bin/python3.11');
    second.recorder.close();
    const third = rig(file, { config, alert: (a) => alerts.push(a) });
    third.tick([]);
    third.tick([out(7, impostor)]);
    expect(alerts).toHaveLength(3);
    third.recorder.close();
  });

  it('count a process that only talks to itself over loopback as not using the network, until it does', () => {
    const file = join(tempDir(), 'history.sqlite');
    const alerts: Alert[] = [];
    const config = { ...DEFAULT_RECORDING, alerts: { listener: true, process: true, network: false } };
    const r = rig(file, { config, alert: (a) => alerts.push(a) });
    r.tick([]);
    // A test runner: listens on 127.0.0.1 and ::1, connects to itself, and has a unix socket.
    const runner = [{ pid: 700, name: 'vitest', cmdline: '', exe: '/usr/bin/node', user: 'ann', startTime: 1 }];
    const mine = (id: number, over: Partial<Connection>) => conn(id, { processes: runner, ...over });
    const listen = { state: 'LISTEN', remotePort: 0 } as const;
    const itself = [
      mine(1, { ...listen, localAddress: '127.0.0.1', remoteAddress: '0.0.0.0' }),
      mine(2, { ...listen, family: 'inet6', localAddress: '::1', remoteAddress: '::' }),
      mine(3, { localAddress: '127.0.0.1', remoteAddress: '127.0.0.1', remotePort: 40001 }),
      mine(4, { family: 'inet6', localAddress: '::1', remoteAddress: '::1', remotePort: 40002 }),
      mine(5, { proto: 'unix', state: 'LISTENING', localAddress: '', remoteAddress: '', path: '/tmp/vitest.sock' }),
    ];
    r.tick(itself);
    // On main: "vitest is using the network for the first time".
    expect(alerts).toEqual([]);
    r.recorder.flush();
    expect(changes(r.recorder.database!, r.now - 1, r.now).startedProcesses).toEqual([]);
    // Then it reaches another machine: that is news, once, and it started using the network then.
    r.tick([...itself, mine(6, { localAddress: '10.0.0.2', remoteAddress: '10.1.2.3' })]);
    expect(alerts.map((a) => [a.kind, a.text])).toEqual([
      ['process', 'vitest is using the network for the first time'],
    ]);
    r.tick([...itself, mine(6, { localAddress: '10.0.0.2', remoteAddress: '10.1.2.3' }), mine(7, {})]);
    expect(alerts).toHaveLength(1);
    r.recorder.flush();
    expect(changes(r.recorder.database!, r.now - 5000, r.now).startedProcesses).toEqual([
      { process: 'vitest', firstSeen: r.now - 1000 },
    ]);
    // A language server on loopback alone ends: it did not stop using the network either (on main it did).
    const lsp = [{ pid: 701, name: 'lsp', cmdline: '', exe: '/usr/bin/lsp', user: 'ann', startTime: 1 }];
    const server = conn(8, { processes: lsp, state: 'LISTEN', remoteAddress: '0.0.0.0', remotePort: 0 });
    r.tick([...itself, server]);
    r.recorder.flush();
    const since = r.now;
    r.tick(itself);
    r.tick([]);
    r.advance(1000);
    r.recorder.flush();
    expect(changes(r.recorder.database!, since, r.now).stoppedProcesses.map((p) => p.process)).toEqual(['vitest']);
    r.recorder.close();
  });

  it('keep the latest marks as known past a flood of them, and forget the oldest', () => {
    const file = join(tempDir(), 'history.sqlite');
    const alerts: Alert[] = [];
    const config = { ...DEFAULT_RECORDING, alerts: { listener: true, process: false, network: false } };
    const r = rig(file, { config, alert: (a) => alerts.push(a), maxKnown: 50 });
    const listener = (id: number) =>
      conn(id, { state: 'LISTEN', localAddress: '0.0.0.0', remoteAddress: '0.0.0.0', remotePort: 0 });
    r.tick([conn(1)]);
    // A mark long ago, then a flood of 1,000 marks of 512 characters each (a request with no rate limit), then
    // the user's latest mark.
    r.recorder.markKnown('listener', 'tcp 0.0.0.0:40003 app3');
    for (let i = 0; i < 1000; i++) {
      r.advance(10);
      r.recorder.markKnown('process', `${i} `.padEnd(512, 'x'));
    }
    r.advance(10);
    r.recorder.markKnown('listener', 'tcp 0.0.0.0:40004 app4');
    const db = r.recorder.database!;
    const count = () => Number((db.get('SELECT count(*) AS n FROM known') as { n: number }).n);
    // Main kept all 1,002.
    expect(count()).toBe(50);
    expect(db.get("SELECT min(subject) AS s FROM known WHERE kind = 'process'")).toEqual({
      s: '951 '.padEnd(512, 'x'),
    });
    // The latest mark holds; the oldest was forgotten, so its listener is news again.
    r.tick([conn(1), listener(4)]);
    expect(alerts).toEqual([]);
    r.tick([conn(1), listener(4), listener(3)]);
    expect(alerts.map((a) => a.subject)).toEqual(['tcp 0.0.0.0:40003 app3']);
    // Marking a subject again makes it the latest.
    r.recorder.markKnown('process', '951 '.padEnd(512, 'x'));
    r.recorder.markKnown('process', 'another');
    expect(count()).toBe(50);
    expect(db.get('SELECT 1 AS k FROM known WHERE subject = ?', ['951 '.padEnd(512, 'x')])).toEqual({ k: 1 });
    expect(db.get('SELECT 1 AS k FROM known WHERE subject = ?', ['952 '.padEnd(512, 'x')])).toBeNull();
    r.recorder.close();

    // A record flooded before the bound: pruning forgets the oldest, a batch at a time.
    const flooded = openRecord(file, { create: false }).db;
    const insert = flooded.prepare("INSERT INTO known (kind, subject, at) VALUES ('process', ?, ?)");
    flooded.exec('BEGIN');
    for (let i = 0; i < 1000; i++) insert.run([`old ${i}`, i]);
    flooded.exec('COMMIT');
    insert.finalize();
    flooded.close();
    const again = rig(file, { config, maxKnown: 50 });
    again.tick([conn(1)]);
    again.recorder.flush();
    again.advance(60_000);
    again.tick([conn(1)]);
    again.recorder.flush();
    const left = again.recorder.database!.all('SELECT subject FROM known ORDER BY at') as { subject: string }[];
    expect(left).toHaveLength(50);
    expect(left.at(-1)).toEqual({ subject: 'another' });
    again.recorder.close();
  });
});

describe('what changed', () => {
  it('lists other machines as new remote hosts and networks, never a loopback peer', () => {
    const file = join(tempDir(), 'history.sqlite');
    const r = rig(file);
    r.tick([]);
    const peers = ['127.0.0.5', '127.0.1.9', '::1', '::ffff:127.0.0.1', '10.1.2.3', 'fd00::7'];
    r.tick(peers.map((remoteAddress, i) => conn(i + 1, { remoteAddress })));
    r.recorder.flush();
    // A record kept before loopback peers were left out holds some.
    r.recorder.database!.run('INSERT INTO remotes (address, first_seen, process) VALUES (?, ?, ?)', [
      '127.0.2.2',
      r.now,
      'old',
    ]);
    const summary = changes(r.recorder.database!, 0, r.now);
    expect(summary.newRemoteHosts.map((h) => h.address).sort()).toEqual(['10.1.2.3', 'fd00::7']);
    expect(summary.newNetworks.sort()).toEqual(['10.1.2.0/24', 'fd00:0:0::/48']);
    r.recorder.close();
  });

  /** The database, counting the rows its queries hand back (what a query reads into memory). */
  function counting(db: RecordDatabase): { db: RecordDatabase; rows: () => number } {
    let rows = 0;
    const bound = (target: object, key: PropertyKey) => {
      const value = Reflect.get(target, key) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    };
    const statement = (st: ReturnType<RecordDatabase['prepare']>) =>
      new Proxy(st, {
        get(target, key) {
          if (key === 'iterate')
            return function* (...args: Parameters<typeof target.iterate>) {
              for (const row of target.iterate(...args)) {
                rows++;
                yield row;
              }
            };
          if (key === 'all')
            return (...args: Parameters<typeof target.all>) => {
              const all = target.all(...args);
              rows += all.length;
              return all;
            };
          return bound(target, key);
        },
      });
    const proxy = new Proxy(db, {
      get(target, key) {
        if (key === 'all')
          return (...args: Parameters<typeof target.all>) => {
            const all = target.all(...args);
            rows += all.length;
            return all;
          };
        if (key === 'get')
          return (...args: Parameters<typeof target.get>) => {
            const row = target.get(...args);
            if (row !== null) rows++;
            return row;
          };
        if (key === 'prepare') return (sql: string) => statement(target.prepare(sql));
        return bound(target, key);
      },
    });
    return { db: proxy, rows: () => rows };
  }

  function remotesRecord(old: string[], fresh: string[]): RecordDatabase {
    const { db } = openRecord(join(tempDir(), 'history.sqlite'), { create: true });
    const insert = db.prepare('INSERT INTO remotes (address, first_seen, process) VALUES (?, ?, ?)');
    db.exec('BEGIN');
    for (const address of old) insert.run([address, 1000, 'app']);
    for (const [i, address] of fresh.entries()) insert.run([address, 5000 + i, 'app']);
    db.exec('COMMIT');
    insert.finalize();
    return db;
  }

  it("finds new networks from the new hosts' networks alone, not by reading every remote address recorded", () => {
    const fresh = ['10.1.2.3', '10.9.9.9', '2001:db8:5::1'];
    const read = (n: number) => {
      // A public server's year: n peers, each of a /24 of its own, one in 10.1.2.0/24.
      const old = ['10.1.2.200', ...Array.from({ length: n }, (_, i) => `11.${i >> 8}.${i & 255}.1`)];
      const db = remotesRecord(old, fresh);
      const c = counting(db);
      const summary = changes(c.db, 4000, 1_000_000);
      db.close();
      return { summary, rows: c.rows() };
    };
    const small = read(1000);
    const big = read(10_000);
    expect(small.summary.newRemoteHosts.map((h) => h.address)).toEqual(fresh);
    expect(big.summary.newNetworks).toEqual(['10.9.9.0/24', '2001:db8:5::/48']);
    expect(small.summary.newNetworks).toEqual(big.summary.newNetworks);
    // Main read every one of them (10,000 against 1,000 rows).
    expect(big.rows / small.rows).toBeLessThan(1.5);
  });

  it('knows a network from any way its addresses are written: compressed, mapped, upper case', () => {
    // Each pair: an address recorded before, and a new host of the same network.
    const pairs: [string, string][] = [
      ['::ffff:10.1.2.7', '10.1.2.3'],
      ['::FFFF:10.1.3.7', '10.1.3.3'],
      ['10.1.4.7', '::ffff:10.1.4.3'],
      ['2001:db8::1', '2001:db8:0:5::1'],
      ['2001:db8:0:5::1', '2001:db8::1'],
      ['2001::7', '2001:0:0:1::7'],
      ['2001:0:0:1::7', '2001::8'],
      ['2001:0:5::1', '2001::5:0:0:0:0:1'],
      ['fe80::1%eth0', 'fe80::2'],
      ['2001:DB8:7::1', '2001:db8:7:1::1'],
      ['::7:0:0:0:0:1', '0:0:7::2'],
    ];
    for (const [before, after] of pairs) {
      const db = remotesRecord([before], [after]);
      expect(changes(db, 4000, 1_000_000).newNetworks, `${before} then ${after}`).toEqual([]);
      // And a network it is not in stays new.
      db.run('INSERT INTO remotes (address, first_seen, process) VALUES (?, ?, ?)', ['2001:db9::1', 6000, 'app']);
      expect(changes(db, 4000, 1_000_000).newNetworks).toEqual(['2001:db9:0::/48']);
      db.close();
    }
  });

  it('asks when processes were last seen for the ones that stopped alone, not for every name recorded', () => {
    const read = (n: number) => {
      const { db } = openRecord(join(tempDir(), 'history.sqlite'), { create: true });
      db.run('INSERT INTO sessions (id, started, alive) VALUES (1, 1000, 100000)');
      const insert = db.prepare(`INSERT INTO conns (session, proto, family, local_addr, local_port, remote_addr,
        remote_port, states, listener, process, first_seen, closed_at) VALUES (1, 'tcp', 'inet', '10.0.0.2', 5000,
        '10.0.0.1', 443, 'ESTABLISHED', 0, ?, ?, ?)`);
      db.exec('BEGIN');
      // A year of names, each long gone; one process open at the first moment and gone at the second, seen
      // later too; one open at both.
      for (let i = 0; i < n; i++) insert.run([`old${i}`, 1000, 2000]);
      insert.run(['gone', 3000, 6000]);
      insert.run(['gone', 7000, 8000]);
      insert.run(['stays', 3000, null]);
      db.exec('COMMIT');
      insert.finalize();
      const c = counting(db);
      const summary = changes(c.db, 5000, 9000);
      db.close();
      return { summary, rows: c.rows() };
    };
    const small = read(1000);
    const big = read(10_000);
    expect(big.summary.stoppedProcesses).toEqual([{ process: 'gone', lastSeen: 8000 }]);
    expect(small.summary.stoppedProcesses).toEqual(big.summary.stoppedProcesses);
    // Main read every name with its last sighting (10,000 against 1,000 rows).
    expect(big.rows / small.rows).toBeLessThan(1.5);
  });

  it('compares every listener open at the two moments, however many there are', () => {
    const { db } = openRecord(join(tempDir(), 'history.sqlite'), { create: true });
    db.run('INSERT INTO sessions (id, started, alive) VALUES (1, 1000, 100000)');
    const insert = db.prepare(`INSERT INTO conns (session, proto, family, local_addr, local_port, remote_addr,
      remote_port, states, listener, process, first_seen, closed_at) VALUES (1, 'udp', 'inet', '0.0.0.0', ?, '0.0.0.0',
      0, 'UNCONN', 1, 'dns', ?, ?)`);
    db.exec('BEGIN');
    // More listeners than one answer lists, open at both moments; one gone before the second, one new at it.
    for (let i = 0; i < MAX_RECORDED_ROWS + 5; i++) insert.run([i, 1000 + i, null]);
    insert.run([60_000, 50_000, 60_000]);
    insert.run([60_001, 70_000, null]);
    db.exec('COMMIT');
    insert.finalize();
    const summary = changes(db, 55_000, 80_000);
    expect(summary.newListeners.map((l) => l.localPort)).toEqual([60_001]);
    expect(summary.goneListeners.map((l) => l.localPort)).toEqual([60_000]);
    db.close();
  });

  it('lists at most MAX_RECORDED_ROWS processes that started using the network', () => {
    const { db } = openRecord(join(tempDir(), 'history.sqlite'), { create: true });
    db.exec('BEGIN');
    for (let i = 0; i < MAX_RECORDED_ROWS + 5; i++)
      db.run('INSERT INTO processes (name, first_seen) VALUES (?, ?)', [`p${i}`, 5000 + i]);
    db.exec('COMMIT');
    const started = changes(db, 4000, 1_000_000).startedProcesses;
    expect(started).toHaveLength(MAX_RECORDED_ROWS);
    expect(started[0]).toEqual({ process: 'p0', firstSeen: 5000 });
    db.close();
  });
});

describe('remote addresses', () => {
  it('are remembered in bounded memory, and each keeps its first sighting in the record', () => {
    const file = join(tempDir(), 'history.sqlite');
    const r = rig(file, { maxRememberedRemotes: 50 });
    const peer = (i: number) => `10.0.${i >> 8}.${i & 255}`;
    r.tick([]);
    const firstTick = r.now + 1000;
    // 1,000 peers, 100 at a time (a public server meets millions), then the first 100 again.
    for (let round = 0; round < 10; round++) {
      r.tick(Array.from({ length: 100 }, (_, i) => conn(round * 100 + i, { remoteAddress: peer(round * 100 + i) })));
      r.recorder.flush();
      expect(r.recorder.rememberedRemotes).toBeLessThanOrEqual(50);
    }
    r.tick(Array.from({ length: 100 }, (_, i) => conn(5000 + i, { remoteAddress: peer(i) })));
    r.recorder.flush();
    const rows = r.recorder.database!.all('SELECT address, first_seen FROM remotes') as {
      address: string;
      first_seen: number;
    }[];
    expect(rows).toHaveLength(1000);
    expect(Number(rows.find((x) => x.address === peer(0))!.first_seen)).toBe(firstTick);
    r.recorder.close();
  });

  it('and process names too: a flood of names is not held, nor read back whole at the next start (nor places)', () => {
    const file = join(tempDir(), 'history.sqlite');
    const alerts: Alert[] = [];
    const quiet = { ...DEFAULT_RECORDING, alerts: { listener: false, process: false, network: false } };
    const r = rig(file, { maxRememberedRemotes: 50, config: quiet, alert: (a) => alerts.push(a) });
    const named = (id: number, i: number) =>
      conn(id, { remoteAddress: '10.1.2.3', processes: [{ ...conn(1).processes[0]!, name: `worker-${i}` }] });
    r.tick([]);
    for (let round = 0; round < 10; round++) {
      r.tick(Array.from({ length: 100 }, (_, i) => named(round * 100 + i, round * 100 + i)));
      r.recorder.flush();
      expect(r.recorder.rememberedProcesses).toBeLessThanOrEqual(50);
    }
    expect((r.recorder.database!.get('SELECT count(*) AS n FROM processes') as { n: number }).n).toBe(1000);
    // Alerts switched on later still know every name recorded.
    r.recorder.configure({ ...quiet, alerts: { listener: false, process: true, network: false } });
    r.tick(Array.from({ length: 100 }, (_, i) => named(5000 + i, i)));
    r.recorder.flush();
    expect(alerts).toEqual([]);
    r.tick([named(9000, 2000)]);
    r.recorder.flush();
    expect(alerts.map((a) => a.subject)).toEqual(['worker-2000']);
    r.recorder.close();

    const again = rig(file, { maxRememberedRemotes: 50, config: quiet });
    expect(again.recorder.status().state).toBe('recording');
    expect(again.recorder.rememberedProcesses).toBe(0);
    // Nor the places each of them reached ('worker-N → 10.1.2.0/24').
    expect((again.recorder.database!.get('SELECT count(*) AS n FROM reached') as { n: number }).n).toBe(1001);
    expect(again.recorder.rememberedPlaces).toBe(0);
    again.recorder.close();
  });

  it('and the networks each process reached too; alerts switched on later still know them all', () => {
    const file = join(tempDir(), 'history.sqlite');
    const alerts: Alert[] = [];
    const quiet = { ...DEFAULT_RECORDING, alerts: { listener: false, process: false, network: false } };
    const r = rig(file, { maxRememberedRemotes: 50, config: quiet, alert: (a) => alerts.push(a) });
    // A LAN scan: 1,000 /24s, which have no place to fold them into (each is a subject of its own).
    const peer = (i: number) => `10.${i >> 8}.${i & 255}.1`;
    const scan = (id: number, i: number) =>
      conn(id, { remoteAddress: peer(i), processes: [{ ...conn(1).processes[0]!, name: 'scanner' }] });
    r.tick([]);
    for (let round = 0; round < 10; round++) {
      r.tick(Array.from({ length: 100 }, (_, i) => scan(round * 100 + i, round * 100 + i)));
      r.recorder.flush();
      expect(r.recorder.rememberedPlaces).toBeLessThanOrEqual(50);
    }
    expect((r.recorder.database!.get('SELECT count(*) AS n FROM reached') as { n: number }).n).toBe(1000);
    r.recorder.configure({ ...quiet, alerts: { listener: false, process: false, network: true } });
    r.tick(Array.from({ length: 100 }, (_, i) => scan(5000 + i, i)));
    r.recorder.flush();
    expect(alerts).toEqual([]);
    // A /24 it never reached is still news.
    r.tick([scan(9000, 2000)]);
    r.recorder.flush();
    expect(alerts.map((a) => a.subject)).toEqual(['scanner → 10.7.208.0/24']);
    r.recorder.close();
  });
});

describe('what alerts know', () => {
  it('is held in bounded memory: a scan reaching 1,000 networks, then the same again, alerts once each', () => {
    const file = join(tempDir(), 'history.sqlite');
    const alerts: Alert[] = [];
    const config = { ...DEFAULT_RECORDING, alerts: { listener: true, process: true, network: true } };
    const r = rig(file, { maxRememberedRemotes: 50, config, alert: (a) => alerts.push(a) });
    const scanner = { ...conn(1).processes[0]!, name: 'scanner' };
    const scan = (id: number, i: number) =>
      conn(id, { remoteAddress: `10.${i >> 8}.${i & 255}.1`, processes: [scanner] });
    const listener = conn(7000, {
      localAddress: '0.0.0.0',
      localPort: 8080,
      remoteAddress: '0.0.0.0',
      remotePort: 0,
      state: 'LISTEN',
      processes: [scanner],
    });
    r.tick([]);
    r.recorder.markKnown('listener', 'tcp 0.0.0.0:8080 scanner');
    for (let round = 0; round < 10; round++) {
      r.tick(Array.from({ length: 100 }, (_, i) => scan(round * 100 + i, round * 100 + i)));
      r.recorder.flush();
      expect(r.recorder.rememberedKnown).toBeLessThanOrEqual(50);
    }
    expect(alerts.filter((a) => a.kind === 'network')).toHaveLength(1000);
    expect(alerts.filter((a) => a.kind === 'process').map((a) => a.subject)).toEqual(['scanner']);
    alerts.length = 0;
    // The same networks again, from new connections, and the listener marked known: nothing is news.
    r.tick([listener, ...Array.from({ length: 1000 }, (_, i) => scan(10_000 + i, i))]);
    r.recorder.flush();
    expect(alerts).toEqual([]);
    expect(r.recorder.rememberedKnown).toBeLessThanOrEqual(50);
    r.tick([scan(20_000, 3000)]);
    r.recorder.flush();
    expect(alerts.map((a) => a.subject)).toEqual(['scanner → 10.11.184.0/24']);
    r.recorder.close();
  });
});

describe('alerts about new countries and networks', () => {
  // The names collector's places (the bundled databases in out/data, as the monitor passes them): rows with
  // public addresses are fed to the recorder, no traffic goes to them.
  const names = new NamesCollector();
  const placeOf = (address: string) => names.place(address);
  const config = { ...DEFAULT_RECORDING, alerts: { listener: false, process: false, network: true } };
  const to = (id: number, remoteAddress: string, name = 'app1') =>
    conn(id, { remoteAddress, processes: [{ ...conn(1).processes[0]!, name }] });
  const news = (alerts: Alert[]) => alerts.map((a) => [a.subject, a.text]);

  it('fire once per process and country, and per process and AS, with the place in the text', () => {
    const file = join(tempDir(), 'history.sqlite');
    const alerts: Alert[] = [];
    let r = rig(file, { config, alert: (a) => alerts.push(a), placeOf });
    r.tick([to(1, '10.1.2.3')]);
    r.tick([to(1, '10.1.2.3'), to(2, '8.8.8.8')]);
    expect(news(alerts)).toEqual([
      ['app1 → country US', 'app1 reached United States (US) for the first time (8.8.8.8)'],
      ['app1 → AS15169', 'app1 reached the network AS15169 Google LLC for the first time (8.8.8.8, US)'],
    ]);
    // Another /24 of the same country and AS is nothing new; another AS in the same country is.
    r.tick([to(1, '10.1.2.3'), to(2, '8.8.8.8'), to(3, '8.8.4.4'), to(4, '9.9.9.9')]);
    expect(alerts.slice(2).map((a) => a.subject)).toEqual(['app1 → AS19281']);
    // Per process: another process reaching the same places is news about that process.
    r.tick([to(1, '10.1.2.3'), to(5, '8.8.8.8', 'app2')]);
    expect(alerts.slice(3).map((a) => a.subject)).toEqual(['app2 → country US', 'app2 → AS15169']);
    // No place for LAN addresses: their /24 stands in, and the text says why.
    r.tick([to(1, '10.1.2.3'), to(6, '10.1.2.77'), to(7, '10.9.9.9')]);
    expect(news(alerts.slice(5))).toEqual([
      [
        'app1 → 10.9.9.0/24',
        'app1 reached 10.9.9.0/24 for the first time (10.9.9.9; LAN: no country or network known, so by prefix)',
      ],
    ]);
    // Loopback is no place.
    r.tick([to(1, '10.1.2.3'), to(8, '127.0.0.1')]);
    expect(alerts).toHaveLength(6);
    expect(r.recorder.alerts(10)[0]).toMatchObject({ kind: 'network', subject: 'app1 → 10.9.9.0/24' });
    // "What changed" lists the places each process reached for the first time (the baseline's too, after `from`).
    r.recorder.flush();
    const reached = changes(r.recorder.database!, Date.parse('2026-11-30T10:00:01.500Z'), r.now).newPlaces;
    expect(reached.map((p) => `${p.process} ${p.place}`)).toEqual([
      'app1 AS15169',
      'app1 country US',
      'app1 AS19281',
      'app2 AS15169',
      'app2 country US',
      'app1 10.9.9.0/24',
    ]);
    // A process name that would reword the text (a bidi override, a newline) shows escaped; the subject is kept.
    r.tick([to(1, '10.1.2.3'), to(9, '10.5.5.5', 'x\u202egnp.exe\nfake')]);
    expect(alerts.at(-1)!.text).toBe(
      'x\\u202egnp.exe\\nfake reached 10.5.5.0/24 for the first time (10.5.5.5; LAN: no country or network known, so by prefix)',
    );
    expect(alerts.at(-1)!.subject).toBe('x\u202egnp.exe\nfake → 10.5.5.0/24');
    alerts.pop();
    r.recorder.close();

    // A restart remembers what each process reached; marking as known silences one place ahead of time.
    r = rig(file, { config, alert: (a) => alerts.push(a), placeOf });
    r.tick([to(1, '10.1.2.3')]);
    r.recorder.markKnown('network', 'app1 → AS6724');
    r.tick([to(1, '10.1.2.3'), to(2, '8.8.8.8'), to(3, '85.214.132.117')]);
    expect(alerts.slice(6).map((a) => a.subject)).toEqual(['app1 → country DE']);
    r.recorder.close();
  });

  it('word a connection that came in (a peer connected to a listener here) as inbound, with the same subject', () => {
    const file = join(tempDir(), 'history.sqlite');
    const alerts: Alert[] = [];
    const r = rig(file, { config, alert: (a) => alerts.push(a), placeOf });
    const sshd = { ...conn(1).processes[0]!, name: 'sshd' };
    const listener = conn(20, {
      localAddress: '0.0.0.0',
      localPort: 22,
      remoteAddress: '0.0.0.0',
      remotePort: 0,
      state: 'LISTEN',
      processes: [sshd],
    });
    const accepted = conn(21, {
      localAddress: '10.0.0.5',
      localPort: 22,
      remoteAddress: '8.8.8.8',
      remotePort: 50123,
      processes: [sshd],
    });
    r.tick([]);
    // The listener and a connection it accepted, new in the same read.
    r.tick([listener, accepted]);
    expect(news(alerts)).toEqual([
      ['sshd → country US', 'United States (US) connected to sshd for the first time (8.8.8.8)'],
      ['sshd → AS15169', 'the network AS15169 Google LLC connected to sshd for the first time (8.8.8.8, US)'],
    ]);
    // The same process reaching out is worded as before; once the listener is gone, port 22 is no longer inbound.
    r.tick([listener, accepted, to(22, '10.7.7.7', 'sshd')]);
    expect(alerts.at(-1)!.text).toBe(
      'sshd reached 10.7.7.0/24 for the first time (10.7.7.7; LAN: no country or network known, so by prefix)',
    );
    r.tick([accepted]);
    r.tick([accepted, conn(23, { localPort: 22, remoteAddress: '9.9.9.9', processes: [sshd] })]);
    expect(alerts.at(-1)!.text).toBe('sshd reached the network AS19281 Quad9 for the first time (9.9.9.9, US)');
    r.recorder.close();
  });

  it('take UDP sockets on ephemeral ports as one listener per process, which one Mark as known silences', () => {
    const file = join(tempDir(), 'history.sqlite');
    const alerts: Alert[] = [];
    const listeners = { ...DEFAULT_RECORDING, alerts: { listener: true, process: false, network: false } };
    const r = rig(file, {
      config: listeners,
      alert: (a) => alerts.push(a),
      ephemeralPorts: { low: 32768, high: 60999 },
    });
    const udp = (id: number, localPort: number, name = 'webrtc') =>
      conn(id, {
        id: `udp|${id}`,
        proto: 'udp',
        localAddress: '0.0.0.0',
        localPort,
        remoteAddress: '0.0.0.0',
        remotePort: 0,
        state: 'UNCONN',
        processes: [{ ...conn(1).processes[0]!, name }],
      });
    r.tick([]);
    r.tick([udp(1, 40001), udp(2, 40002), udp(3, 5353), udp(4, 50000, 'other')]);
    expect(alerts.map((a) => a.subject)).toEqual([
      'UDP sockets on ephemeral ports of webrtc',
      'udp 0.0.0.0:5353 webrtc',
      'UDP sockets on ephemeral ports of other',
    ]);
    expect(alerts[0]!.text).toBe(
      'New listener reachable beyond this machine: UDP sockets on ephemeral ports of webrtc (first udp 0.0.0.0:40001 webrtc; one alert for all of them, as their ports change)',
    );
    // New random ports are nothing new; one Mark as known covers every port a process will get.
    r.tick([udp(5, 40003), udp(6, 60999)]);
    expect(alerts).toHaveLength(3);
    r.recorder.markKnown('listener', 'UDP sockets on ephemeral ports of third');
    r.tick([udp(7, 32768, 'third'), udp(8, 45000, 'third')]);
    expect(alerts).toHaveLength(3);
    r.recorder.close();
  });

  it('are about processes: the TIME_WAIT left when one closes (owned by no process) is not news', () => {
    const file = join(tempDir(), 'history.sqlite');
    const alerts: Alert[] = [];
    const r = rig(file, { config, alert: (a) => alerts.push(a), placeOf });
    r.tick([]);
    r.tick([to(1, '8.8.8.8'), to(2, '10.1.2.3')]);
    expect(alerts.map((a) => a.subject)).toEqual(['app1 → country US', 'app1 → AS15169', 'app1 → 10.1.2.0/24']);
    // app1 closes both: the kernel keeps each socket in TIME_WAIT, a row of its own without an owner.
    const orphan = (id: number, remoteAddress: string) =>
      conn(id, { remoteAddress, state: 'TIME_WAIT', processes: [], ownerStatus: 'none', inode: 0 });
    r.tick([orphan(11, '8.8.8.8'), orphan(12, '10.1.2.3')]);
    expect(alerts).toHaveLength(3);
    r.recorder.flush();
    const reached = changes(r.recorder.database!, 0, r.now).newPlaces;
    expect(reached.map((p) => `${p.process} ${p.place}`).sort()).toEqual([
      'app1 10.1.2.0/24',
      'app1 AS15169',
      'app1 country US',
    ]);
    // A connection whose owner cannot be seen (another user's, without root) is still news, as "(unknown process)".
    r.tick([conn(13, { remoteAddress: '9.9.9.9', processes: [], ownerStatus: 'denied' })]);
    expect(alerts.slice(3).map((a) => a.subject)).toEqual([
      '(unknown process) → country US',
      '(unknown process) → AS19281',
    ]);
    r.recorder.close();
  });

  it('take a record kept before places from its first sightings of remote addresses', () => {
    const file = join(tempDir(), 'history.sqlite');
    const { db } = openRecord(file, { create: true });
    db.exec(
      `INSERT INTO remotes (address, first_seen, process) VALUES ('8.8.8.8', 1000, 'app1'), ('10.1.2.3', 1001, 'app1')`,
    );
    db.close();
    const alerts: Alert[] = [];
    const r = rig(file, { config, alert: (a) => alerts.push(a), placeOf });
    r.tick([]);
    r.tick([to(2, '8.8.4.4'), to(3, '10.1.2.4'), to(4, '1.1.1.1')]);
    expect(alerts.map((a) => a.subject)).toEqual(['app1 → country AU', 'app1 → AS13335']);
    r.recorder.close();
  });
});

/** A connection whose row takes some room (a long executable path): a record of many pages. */
const wide = (i: number) =>
  conn(i, {
    processes: [
      {
        pid: 100 + i,
        name: `app${i}`,
        cmdline: '',
        exe: `/usr/lib/${'x'.repeat(200)}/${i}`,
        user: 'ann',
        startTime: 1,
      },
    ],
  });

describe('opening the record', () => {
  it('brings a record of schema 1 up to date: indexes dropped, first sightings filled in', () => {
    const file = join(tempDir(), 'history.sqlite');
    const { db } = openRecord(file, { create: true });
    // What schema 1 had that 2 has not: three more indexes on conns and a key column; and none of the indexes
    // made later (a record kept by an older NetLens gets them at its next open).
    for (const index of [
      'conns_live',
      'conns_span',
      'conns_listeners',
      'processes_first',
      'remotes_first',
      'reached_first',
      'known_at',
    ])
      db.exec(`DROP INDEX ${index}`);
    db.exec(`ALTER TABLE conns DROP COLUMN inode; ALTER TABLE conns DROP COLUMN others; ALTER TABLE processes DROP COLUMN user; ALTER TABLE processes DROP COLUMN exe;
      ALTER TABLE conns ADD COLUMN key TEXT NOT NULL DEFAULT '';
      CREATE INDEX conns_open ON conns (closed_at); CREATE INDEX conns_remote ON conns (remote_addr, first_seen);
      CREATE INDEX conns_process ON conns (process, first_seen); DELETE FROM processes; DELETE FROM remotes;
      INSERT INTO sessions (started, alive) VALUES (1000, 2000);
      INSERT INTO conns (session, key, proto, family, local_addr, local_port, remote_addr, remote_port, states, listener, process, first_seen)
        VALUES (1, 'k', 'tcp', 'inet', '10.0.0.1', 4000, '192.0.2.7', 443, 'ESTABLISHED', 0, 'curl', 1500);
      UPDATE meta SET value = '1' WHERE key = 'version'`);
    db.close();
    const reopened = openRecord(file, { create: true }).db;
    expect(reopened.get("SELECT value FROM meta WHERE key = 'version'")).toEqual({ value: '4' });
    expect(reopened.all('SELECT inode, others FROM conns')).toEqual([{ inode: null, others: null }]);
    expect(
      reopened.all("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name"),
    ).toEqual(
      [
        'alerts_at',
        'conns_first',
        'conns_listeners',
        'conns_live',
        'conns_span',
        'known_at',
        'processes_first',
        'reached_first',
        'remotes_first',
      ].map((name) => ({ name })),
    );
    expect(reopened.all('SELECT name, first_seen FROM processes')).toEqual([{ name: 'curl', first_seen: 1500 }]);
    expect(reopened.all('SELECT address, process FROM remotes')).toEqual([{ address: '192.0.2.7', process: 'curl' }]);
    reopened.close();
  });

  it('brings a record of schema 2 up to date: each socket kept with its inode from now on', () => {
    const file = join(tempDir(), 'history.sqlite');
    const { db } = openRecord(file, { create: true });
    db.exec(`ALTER TABLE conns DROP COLUMN inode; ALTER TABLE conns DROP COLUMN others; ALTER TABLE processes DROP COLUMN user; ALTER TABLE processes DROP COLUMN exe;
      INSERT INTO sessions (started, alive) VALUES (1000, 2000);
      INSERT INTO conns (session, proto, family, local_addr, local_port, remote_addr, remote_port, states, listener, process, first_seen)
        VALUES (1, 'unix', 'unix', '', 0, '', 0, 'CONNECTED', 0, 'socat', 1500);
      UPDATE meta SET value = '2' WHERE key = 'version'`);
    db.close();
    expect(() => readRecord(file, () => null)).toThrow(/written by an older NetLens \(schema 2\)/);
    const reopened = openRecord(file, { create: true }).db;
    expect(reopened.get("SELECT value FROM meta WHERE key = 'version'")).toEqual({ value: '4' });
    expect(reopened.all('SELECT process, inode, others FROM conns')).toEqual([
      { process: 'socat', inode: null, others: null },
    ]);
    reopened.close();
  });

  it("brings a record of schema 3 up to date: a shared socket's other owners kept from now on", () => {
    const file = join(tempDir(), 'history.sqlite');
    const { db } = openRecord(file, { create: true });
    db.exec(`ALTER TABLE conns DROP COLUMN others; ALTER TABLE processes DROP COLUMN user; ALTER TABLE processes DROP COLUMN exe;
      INSERT INTO sessions (started, alive) VALUES (1000, 2000); INSERT INTO processes (name, first_seen) VALUES ('app1', 1500);
      INSERT INTO conns (session, proto, family, local_addr, local_port, remote_addr, remote_port, states, listener, pid, process, first_seen, inode)
        VALUES (1, 'tcp', 'inet', '0.0.0.0', 80, '0.0.0.0', 0, 'LISTEN', 1, 7, 'nginx', 1500, 42);
      UPDATE meta SET value = '3' WHERE key = 'version'`);
    db.close();
    expect(() => readRecord(file, () => null)).toThrow(/written by an older NetLens \(schema 3\)/);
    const reopened = openRecord(file, { create: true }).db;
    expect(reopened.get("SELECT value FROM meta WHERE key = 'version'")).toEqual({ value: '4' });
    expect(connectionsBetween(reopened, 1500, 1500).rows).toMatchObject([
      { process: 'nginx', pid: 7, inode: 42, others: [] },
    ]);
    // Who ran a name seen before is not known: filled at its next sighting.
    expect(reopened.all('SELECT name, user, exe FROM processes')).toEqual([{ name: 'app1', user: null, exe: null }]);
    reopened.close();
    const r = rig(file);
    r.tick([conn(1)]);
    r.recorder.flush();
    expect(r.recorder.database!.all('SELECT name, first_seen, user, exe FROM processes')).toEqual([
      { name: 'app1', first_seen: 1500, user: 'ann', exe: '/usr/bin/app1' },
    ]);
    r.recorder.close();
  });

  it('keeps a live holder lock however long it holds it, and takes a killed one over', async () => {
    const file = join(tempDir(), 'history.sqlite');
    const lock = `${file}.lock`;
    openRecord(file, { create: true }).db.close();
    const holder = await bundleWorker(tempDir(), 'electron/monitor/record/testing/holder.ts');
    const child = spawn(process.execPath, [holder, file], { stdio: ['pipe', 'pipe', 'pipe'] });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      await until('the holder to hold the lock', () => out.includes('holding'), 15_000, 10);
      expect(existsSync(lock)).toBe(true);
      // A minute into its transaction (the clock moved, not waited for): on main stale by age alone, and removed
      // under a live writer.
      expect(clearStaleLock(file, Date.now() + 60_000)).toBe(false);
      expect(existsSync(lock)).toBe(true);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    // Killed mid-transaction: taken over at once (its FIFO closed: gone beyond doubt; on main only once
    // STALE_LOCK_MS old), its name removed with it.
    expect(clearStaleLock(file, Date.now())).toBe(true);
    expect(existsSync(lock)).toBe(false);
    expect(readdirSync(`${file}.users`)).toEqual([]);
    // This process too names itself while it has the record open, until its last close.
    const own = openRecord(file, { create: true }).db;
    const mine = readdirSync(`${file}.users`).filter((name) => name.startsWith(`${process.pid}-`));
    expect(mine.sort()).toEqual([expect.stringMatching(/^\d+-[0-9a-f]{12}$/), expect.stringMatching(/\.fifo$/)]);
    expect(JSON.parse(readFileSync(join(`${file}.users`, mine[0]!), 'utf8'))).toMatchObject({ pid: process.pid });
    own.close();
    expect(readdirSync(`${file}.users`)).toEqual([]);
  });

  it.skipIf(process.platform !== 'linux')('takes a lock over from a holder whose pid another process got since', () => {
    const file = join(tempDir(), 'history.sqlite');
    openRecord(file, { create: true }).db.close();
    mkdirSync(`${file}.lock`);
    // The parent of this process is alive, but not the process that named itself with its pid then.
    mkdirSync(`${file}.users`, { recursive: true });
    writeFileSync(join(`${file}.users`, String(process.ppid)), '1');
    expect(clearStaleLock(file, Date.now() + 60_000)).toBe(true);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('reads every page (quick_check) only at the recorder open after an unclean end', async () => {
    const file = join(tempDir(), 'history.sqlite');
    const first = rig(file);
    // (Its opens read some 50 pages, whatever its size: the schema, the sessions, the meta.)
    first.tick(Array.from({ length: 6000 }, (_, i) => wide(i)));
    first.recorder.close();
    const pages = statSync(file).size / 4096;
    expect(pages).toBeGreaterThan(600);
    // What an open reads: the VFS's reads (fs.readSync, a page each).
    const reads = vi.spyOn(fs, 'readSync');
    const readsOf = (open: () => void): number => {
      reads.mockClear();
      open();
      return reads.mock.calls.length;
    };
    try {
      // A reader (the worker's, `netlens history`) and the recorder after a clean end read a few pages: on main
      // every open read all of them.
      expect(readsOf(() => openRecord(file, { create: false }).db.close())).toBeLessThan(pages / 10);
      expect(readsOf(() => readRecord(file, () => null))).toBeLessThan(pages / 10);
      expect(readsOf(() => rig(file).recorder.close())).toBeLessThan(pages / 10);
      // After an unclean end (a `.pid` its recorder did not remove: here that of a process gone), all of them.
      const gone = spawn(process.execPath, ['-e', '0']);
      await new Promise((resolve) => gone.once('exit', resolve));
      writeFileSync(`${file}.pid`, `${gone.pid}\n`);
      expect(readsOf(() => rig(file).recorder.close())).toBeGreaterThanOrEqual(pages);
      // Also when that open is retried: another process held the lock at the first.
      writeFileSync(`${file}.pid`, `${gone.pid}\n`);
      const holder = await bundleWorker(tempDir(), 'electron/monitor/record/testing/holder.ts');
      const child = spawn(process.execPath, [holder, file], { stdio: ['pipe', 'pipe', 'pipe'] });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      await until('the holder to hold the lock', () => out.includes('holding'), 15_000, 10);
      reads.mockClear();
      const next = rig(file);
      expect(next.recorder.status().message).toMatch(/waiting for another process/);
      // Done: it commits and leaves.
      child.stdin.end();
      await exited;
      await until('recording', () => next.recorder.status().state === 'recording', 10_000, 5);
      next.recorder.close();
      expect(reads.mock.calls.length).toBeGreaterThanOrEqual(pages);
    } finally {
      reads.mockRestore();
    }
  });

  it('reports a damaged page clearly where it is read, and moves it aside after an unclean end', async () => {
    const dir = tempDir();
    const file = join(dir, 'history.sqlite');
    const first = rig(file);
    first.tick(Array.from({ length: 4000 }, (_, i) => wide(i)));
    first.recorder.close();
    // The middle of the file (connections' pages) overwritten: no header check can see it.
    const size = statSync(file).size;
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(size / 4, 0x5a), 0, size / 4, Math.floor(size / 2 / 4096) * 4096);
    fs.closeSync(fd);
    const scan = (db: RecordDatabase) => db.get('SELECT count(*) AS n, max(length(exe)) AS m FROM conns');
    expect(() => readRecord(file, scan)).toThrow(/database disk image is malformed/);
    const reader = openRecord(file, { create: false }).db;
    try {
      expect(() => scan(reader)).toThrow(/database disk image is malformed/);
    } finally {
      reader.close();
    }
    writeFileSync(`${file}.pid`, '999999999\n');
    const next = rig(file);
    expect(next.notices.map((n) => n.code)).toEqual(['record-reset']);
    expect(readdirSync(dir).some((f) => f.startsWith('history.sqlite.corrupt-'))).toBe(true);
    next.recorder.close();
  });

  it('refuses a missing file without creating it when asked only to read', () => {
    const file = join(tempDir(), 'history.sqlite');
    expect(() => openRecord(file, { create: false })).toThrow();
    expect(existsSync(file)).toBe(false);
  });
});

describe('the synthetic load', () => {
  it('feeds the recorder without errors at 1% churn', () => {
    const file = join(tempDir(), 'history.sqlite');
    const r = rig(file);
    const source = new SyntheticConnections(2000, 0.01, 3);
    for (let i = 0; i < 10; i++) r.tick(source.next());
    r.recorder.flush();
    expect(r.recorder.stats.rowsWritten).toBeGreaterThan(2000);
    r.recorder.close();
  });
});

describe('an alert storm', () => {
  it('is recorded in one transaction per read: it costs less than writing the connections of that read', () => {
    const alerts: Alert[] = [];
    const config = { ...DEFAULT_RECORDING, alerts: { listener: false, process: false, network: true } };
    const r = rig(join(tempDir(), 'history.sqlite'), { config, alert: (a) => alerts.push(a) });
    r.tick([conn(0)]);
    // Each round: 1,000 new connections, each to a /24 of its own, so 1,000 alerts in one read, then those
    // connections written by the next flush (its one transaction: the peer measured in the same run). The
    // fastest of three rounds of each, so that a pause of this busy machine does not decide.
    const ticks: number[] = [];
    const flushes: number[] = [];
    for (let round = 1; round <= 3; round++) {
      const rows = Array.from({ length: 1000 }, (_, i) =>
        conn(round * 1000 + i, {
          remoteAddress: `10.${round * 4 + (i >> 8)}.${i & 255}.1`,
          processes: conn(1).processes,
        }),
      );
      let started = performance.now();
      r.tick(rows);
      ticks.push(performance.now() - started);
      started = performance.now();
      r.recorder.flush();
      flushes.push(performance.now() - started);
    }
    r.recorder.close();
    expect(alerts).toHaveLength(3000);
    expect(new Set(alerts.map((a) => a.id)).size).toBe(3000);
    expect(alerts.every((a) => a.id > 0)).toBe(true);
    // One INSERT and one sync per alert made the read ~60 times as long as the flush (21 s for 5,000 here).
    expect(Math.min(...ticks) / Math.min(...flushes)).toBeLessThan(5);
  });
});
