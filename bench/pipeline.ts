// The live pipeline at scale: a synthetic 50,000-row connections table with 1% of rows changing per tick.
// Prints one JSON line:
//   diffMedianMs          the monitor's diff of that table per tick (ConnectionTable.update: the diff, with the
//                         first-seen, last-changed and closed derivation done in the same pass; target <= 10 ms),
//                         on fresh rows whose ids come from the collectors' key function each read (as a
//                         collector that builds every row gives them: ss, /proc, other OSes)
//   keptDiffMedianMs      the same when the rows of unchanged sockets are the objects of the previous read
//                         (keptRows), as the Linux collector gives its TCP rows from sock_diag
//   genericDiffMedianMs   shared/diff.ts diffRows of the same two tables (how the other datasets are diffed)
//   snapshotJsonMedianMs  the peer: serializing the full table once, as a snapshot would be sent
//   diffVsSnapshotTime    diffMedianMs / snapshotJsonMedianMs (the ratio is steadier than the times on a
//                         busy machine); keptDiffVsSnapshotTime, the same for keptDiffMedianMs
//   bytesPerTickFraction  median JSON bytes of a tick's diff message / JSON bytes of a full snapshot message
//                         (target <= 0.02)
//   wsLatencyMedianMs     from the start of a tick (collection included) to the diff applied in a client over
//                         the browser host's WebSocket, with the monitor in its worker thread
//   wsPipelineMedianMs    the same minus the collection time: derive, diff, worker -> host -> WebSocket -> apply
//
// Run with `npm run bench:pipeline`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';
import WebSocket from 'ws';
import { applyDiff, diffRows } from '../shared/diff.js';
import type { Diff, ServerMessage, StreamMessage } from '../shared/protocol.js';
import type { AnyRow } from '../shared/types.js';
import { emptyDiagnostics } from '../shared/types.js';
import { ConnectionTable } from '../electron/monitor/connections.js';
import { startMonitor } from '../electron/monitor/host.js';
import { serveSynthetic, SyntheticConnections } from '../electron/monitor/testing/synthetic.js';
import { startWebHost } from '../electron/web.js';
import { createBackend } from '../electron/backend.js';

const ROWS = 50_000;
const CHURN = 0.01;
const TICKS = 40;
const WS_TICKS = 20;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const collectGarbage = (globalThis as { gc?: () => void }).gc ?? (() => {});

const round = (n: number, digits = 3) => Number(n.toFixed(digits));

function inProcessFigures() {
  // Collect the garbage of the previous step before timing the next (run-ts passes --expose-gc), so each figure
  // is that step's own work and not a collection owed by the one before.
  const warm = (a: number[]) => a.slice(5);

  // The monitor's work per tick, alone, as the worker does it, on fresh rows whose ids come from the
  // collectors' own key function each read; with `kept`, on the rows of unchanged sockets given again.
  const tickWork = (kept: boolean) => {
    const times: number[] = [];
    const source = new SyntheticConnections(ROWS, CHURN, 42, kept);
    const table = new ConnectionTable();
    let at = Date.now();
    table.update(source.next(), at, undefined, kept);
    for (let i = 0; i < TICKS; i++) {
      at += 1000;
      const rows = source.next();
      collectGarbage();
      const t0 = performance.now();
      table.update(rows, at, undefined, kept);
      times.push(performance.now() - t0);
    }
    return times;
  };
  const tickMs = tickWork(false);
  const keptTickMs = tickWork(true);

  // The generic diff of the same tables, the snapshot peer, and the bytes of each.
  const diffMs: number[] = [];
  const snapshotMs: number[] = [];
  const fractions: number[] = [];
  const source = new SyntheticConnections(ROWS, CHURN, 42);
  const table = new ConnectionTable();
  let at = Date.now();
  table.update(source.next(), at);
  let before = new Map(table.rows().map((r) => [r.id, r]));
  const tick = { at, durationMs: 0, lagCount: 0, intervalMs: 1000 as const };
  for (let i = 0; i < TICKS; i++) {
    at += 1000;
    const diff = table.update(source.next(), at);
    const after = new Map(table.rows().map((r) => [r.id, r]));
    collectGarbage();
    const t1 = performance.now();
    const generic = diffRows(before, after);
    diffMs.push(performance.now() - t1);
    if (
      generic.changed.length !== diff.changed.length ||
      generic.added.length !== diff.added.length ||
      generic.removed.length !== diff.removed.length
    ) {
      throw new Error('the connections table and the generic diff disagree');
    }
    before = after;

    collectGarbage();
    const s0 = performance.now();
    const snapshotJson = JSON.stringify({
      type: 'snapshot',
      dataset: 'connections',
      seq: i + 1,
      rows: table.rows(),
      diagnostics: emptyDiagnostics(),
      tick,
    });
    snapshotMs.push(performance.now() - s0);
    const diffJson = JSON.stringify({
      type: 'diff',
      dataset: 'connections',
      seq: i + 2,
      diff,
      diagnostics: emptyDiagnostics(),
      tick: { ...tick, at },
    });
    fractions.push(Buffer.byteLength(diffJson) / Buffer.byteLength(snapshotJson));
  }
  return {
    diffMedianMs: median(warm(tickMs)),
    keptDiffMedianMs: median(warm(keptTickMs)),
    genericDiffMedianMs: median(warm(diffMs)),
    snapshotJsonMedianMs: median(warm(snapshotMs)),
    bytesPerTickFraction: median(warm(fractions)),
  };
}

async function webSocketFigures(): Promise<{ wsLatencyMedianMs: number; wsPipelineMedianMs: number; ticks: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'netlens-bench-pipeline-'));
  // This very bundle is the worker: started as a worker thread, it serves the synthetic table (see the end).
  const monitor = startMonitor({ workerPath: __filename, workerData: { rows: ROWS, churn: CHURN } });
  // The bench speaks only the WebSocket; the host still wants a page to serve, so it gets an empty one and the
  // figures do not depend on the renderer build.
  const rendererDir = join(dir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '');
  const backend = createBackend({ host: 'browser', monitor, dataDir: dir, log: () => {} });
  const web = await startWebHost({ service: backend.service, port: 0, rendererDir, log: () => {} });
  const wsUrl = `${web.url.replace(/^http/, 'ws').replace(/\/(\?.*)?$/, '')}/ws?token=${encodeURIComponent(web.token)}`;
  const ws = new WebSocket(wsUrl);
  const send = (m: StreamMessage) => ws.send(JSON.stringify(m));
  const latencies: number[] = [];
  const pipeline: number[] = [];
  const table = new Map<string, AnyRow>();
  let seq = 0;
  await new Promise<void>((resolve, reject) => {
    ws.on('error', reject);
    ws.on('open', () => send({ type: 'subscribe', dataset: 'connections' }));
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as ServerMessage;
      if (m.type === 'snapshot') {
        table.clear();
        for (const row of m.rows) table.set(row.id, row);
        seq = m.seq;
      } else if (m.type === 'diff') {
        if (m.seq !== seq + 1) {
          send({ type: 'resync', dataset: m.dataset });
          return;
        }
        applyDiff(table, m.diff as Diff<AnyRow>);
        seq = m.seq;
        const now = Date.now();
        send({ type: 'ack', dataset: m.dataset, seq });
        latencies.push(now - m.tick.at);
        pipeline.push(now - m.tick.at - m.tick.durationMs);
        if (latencies.length >= WS_TICKS) resolve();
      }
    });
  });
  ws.close();
  await web.close();
  await backend.close();
  await monitor.close();
  rmSync(dir, { recursive: true, force: true });
  // The first diffs follow the 50,000-row snapshot and a cold JIT.
  const warm = (a: number[]) => a.slice(3);
  return {
    wsLatencyMedianMs: median(warm(latencies)),
    wsPipelineMedianMs: median(warm(pipeline)),
    ticks: latencies.length,
  };
}

async function main(): Promise<void> {
  const local = inProcessFigures();
  const remote = await webSocketFigures();
  console.log(
    JSON.stringify({
      bench: 'pipeline',
      rows: ROWS,
      churnPerTick: CHURN,
      diffMedianMs: round(local.diffMedianMs),
      genericDiffMedianMs: round(local.genericDiffMedianMs),
      snapshotJsonMedianMs: round(local.snapshotJsonMedianMs),
      diffVsSnapshotTime: round(local.diffMedianMs / local.snapshotJsonMedianMs),
      keptDiffMedianMs: round(local.keptDiffMedianMs),
      keptDiffVsSnapshotTime: round(local.keptDiffMedianMs / local.snapshotJsonMedianMs),
      bytesPerTickFraction: round(local.bytesPerTickFraction, 5),
      wsLatencyMedianMs: round(remote.wsLatencyMedianMs, 1),
      wsPipelineMedianMs: round(remote.wsPipelineMedianMs, 1),
      wsTicks: remote.ticks,
      targets: { diffMedianMs: 10, bytesPerTickFraction: 0.02 },
    }),
  );
}

if (isMainThread) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  serveSynthetic();
}
