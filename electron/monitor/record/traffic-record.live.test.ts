// Live: the recorder keeps byte totals with no client at all (no window, no tab showing traffic). A child moves
// 4 MiB one way and 1 MiB the other over loopback on a connection it keeps open, then opens, moves 1 MiB over
// and closes another between two reads; the record holds both connections' totals and the process's minutes.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_RECORDING } from '../../../shared/record.js';
import { until } from '../../../test/e2e/support.js';
import { LinuxConnectionsCollector } from '../../collectors/connections/linux.js';
import { createInThreadMonitor } from '../monitor.js';
import { SyntheticConnections, syntheticCollectors } from '../testing/synthetic.js';

const MiB = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'alerts-record-traffic-'));
const NAME = `nlrecord${process.pid % 10000}`;
let child: ChildProcess | null = null;

// One connection kept open (4 MiB up, 1 MiB down); on a line on stdin, another that moves 1 MiB and closes.
const SCRIPT = `
const net = require('net');
const server = net.createServer((s) => {
  let got = 0;
  s.on('data', (b) => { got += b.length; if (got === 4 << 20) s.write(Buffer.alloc(1 << 20)); });
  s.on('end', () => s.end());
});
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  const c = net.connect(port, '127.0.0.1', () => c.write(Buffer.alloc(4 << 20)));
  let got = 0;
  c.on('data', (b) => { got += b.length; if (got === 1 << 20) console.log('kept ' + port + ' ' + c.localPort); });
  process.stdin.once('data', () => {
    let local = 0;
    const d = net.connect(port, '127.0.0.1', () => { local = d.localPort; d.end(Buffer.alloc(1 << 20)); });
    d.on('close', () => console.log('closed ' + local));
    d.resume();
  });
});
`;

afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Within 1 % of the bytes written (the kernel counts a little more: none of it is payload we sent). */
const near = (actual: unknown, expected: number) => {
  expect(typeof actual).toBe('number');
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(expected / 100);
};

describe.skipIf(process.platform !== 'linux')('the record with no client', () => {
  it('holds the byte totals of connections and processes, short-lived ones included', async () => {
    const connections = new LinuxConnectionsCollector();
    const monitor = createInThreadMonitor({
      collectors: { ...syntheticCollectors(new SyntheticConnections(0, 0)), connections },
      log: () => {},
      record: { file: join(dir, 'history.sqlite'), config: DEFAULT_RECORDING, flushMs: 200 },
    });
    try {
      const recorder = monitor.core.record!;
      const db = () => recorder.database!;
      // What is open when recording starts is the baseline: the child comes after it.
      await until('the first batch', () => recorder.stats.flushes > 0);
      symlinkSync(process.execPath, join(dir, NAME));
      child = spawn(join(dir, NAME), ['-e', SCRIPT], { stdio: ['pipe', 'pipe', 'inherit'] });
      let out = '';
      child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      const [, serverPort, keptPort] = (await until('the kept transfer', () => /kept (\d+) (\d+)/.exec(out)))!.map(
        Number,
      );
      // The kept connection's totals are written at its close or a checkpoint (close() writes them all).
      await until('the kept connection in the record', () =>
        db().get('SELECT id FROM conns WHERE process = ? AND local_port = ?', [NAME, keptPort!]),
      );
      child.stdin!.write('go\n');
      const closedPort = Number((await until('the short-lived one', () => /closed (\d+)/.exec(out)))![1]);
      // Born and gone between two reads: the destroy events give both ends' final totals. The accepted end is
      // credited to its listener's process and closed; the outgoing end, which closed first, is in TIME_WAIT: one
      // row (the kernel names no process for it), its totals written when it ends or the record closes.
      const end = (local: number, remote: number) =>
        db().get(
          `SELECT bytes_sent AS sent, bytes_received AS received, closed_at AS closedAt, process FROM conns
            WHERE local_port = ? AND remote_port = ? AND closed_at IS NOT NULL AND bytes_sent IS NOT NULL`,
          [local, remote],
        ) as { sent: number; received: number; closedAt: number; process: string | null } | null;
      const accepted = await until('the accepted end, closed, with its totals', () => end(serverPort!, closedPort));
      const outgoingRows = () =>
        db().all('SELECT closed_at AS closedAt FROM conns WHERE local_port = ? AND remote_port = ?', [
          closedPort,
          serverPort!,
        ]) as { closedAt: number | null }[];
      await until('the outgoing end in the record', () => outgoingRows().length > 0);
      // One row of those endpoints: not a closed one beside the TIME_WAIT one (a new user's review of 12-06).
      expect(outgoingRows()).toHaveLength(1);
      expect(accepted.process).toBe(NAME);
      near(accepted.received, MiB);
      const processTotals = () =>
        db().get('SELECT sum(rx) AS rx, sum(tx) AS tx FROM process_minutes WHERE process = ?', [NAME]) as {
          rx: number | null;
          tx: number | null;
        };
      // Both ends of the kept connection are the child's (4 + 1 MiB each way), and the accepted end of the
      // short-lived one received 1 MiB more.
      await until('the process minutes', () => (processTotals().rx ?? 0) >= 6 * MiB * 0.99);
      near(processTotals().rx, 6 * MiB);
      near(processTotals().tx, 5 * MiB);
      expect(monitor.core.status().extras).toEqual(['traffic']);
      await monitor.close();
      const { openRecord } = await import('./database.js');
      const reopened = openRecord(join(dir, 'history.sqlite'), { create: false }).db;
      const kept = reopened.get(
        'SELECT bytes_sent AS sent, bytes_received AS received FROM conns WHERE process = ? AND local_port = ?',
        [NAME, keptPort!],
      ) as { sent: number; received: number };
      const outgoing = reopened.all('SELECT bytes_sent AS sent FROM conns WHERE local_port = ? AND remote_port = ?', [
        closedPort,
        serverPort!,
      ]) as { sent: number }[];
      reopened.close();
      expect(outgoing).toHaveLength(1);
      near(outgoing[0]!.sent, MiB);
      near(kept.sent, 4 * MiB);
      near(kept.received, MiB);
    } finally {
      await monitor.close();
    }
  });
});
