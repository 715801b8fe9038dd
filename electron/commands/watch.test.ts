// streamWatch with synthetic collectors: every line is one protocol message, a reader that stalls gets later
// ticks folded into one diff (nothing lost, nothing queued), and a write error ends the stream cleanly.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { applyDiff } from '../../shared/diff.js';
import type { ServerMessage } from '../../shared/protocol.js';
import type { MulticastGroup } from '../../shared/types.js';
import type { Collectors } from '../collectors/collector.js';
import { countingCollector } from '../monitor/testing/synthetic.js';
import { until } from '../../test/until.js';
import { streamWatch } from './watch.js';

function group(n: number, users: number): MulticastGroup {
  return { id: `eth0|inet|239.0.0.${n}`, iface: 'eth0', ifindex: 2, family: 'inet', group: `239.0.0.${n}`, users };
}

/** Multicast rows that change at every read until `freeze` reads, then stay as they are. */
function changingCollectors(freeze: number): { collectors: Collectors; last: () => MulticastGroup[] } {
  let rows: MulticastGroup[] = [];
  const collector = countingCollector(() => {
    if (collector.reads <= freeze) {
      const k = collector.reads;
      // One group joins, one changes its user count, one leaves (after a few reads).
      rows = [
        ...rows
          .filter((r) => r.id !== group(k - 3, 0).id)
          .map((r) => (r.id === group(k - 1, 0).id ? { ...r, users: r.users! + 1 } : r)),
        group(k, 1),
      ];
    }
    return rows.map((r) => ({ ...r }));
  });
  const none = countingCollector(() => []);
  return {
    collectors: {
      connections: none,
      routes: none,
      interfaces: none,
      statistics: none,
      multicast: collector,
    } as unknown as Collectors,
    last: () => rows,
  };
}

class Reader extends Writable {
  lines: string[] = [];
  private buffered = '';
  private held: (() => void)[] = [];
  stalled = false;

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.buffered += chunk.toString();
    const parts = this.buffered.split('\n');
    this.buffered = parts.pop()!;
    this.lines.push(...parts);
    if (this.stalled) this.held.push(() => done());
    else done();
  }

  release(): void {
    this.stalled = false;
    for (const f of this.held.splice(0)) f();
  }
}

function replay(lines: string[]): { table: Map<string, MulticastGroup>; diffs: number } {
  let table = new Map<string, MulticastGroup>();
  let diffs = 0;
  let seq = 0;
  for (const line of lines) {
    const m = JSON.parse(line) as ServerMessage;
    if (m.type === 'snapshot') table = new Map((m.rows as MulticastGroup[]).map((r) => [r.id, r]));
    else if (m.type === 'diff') {
      applyDiff(table, m.diff as never);
      diffs++;
    } else continue;
    // Sequence numbers have no gaps.
    expect(m.seq).toBe(++seq);
  }
  return { table, diffs };
}

const sorted = (rows: Iterable<MulticastGroup>) => [...rows].sort((a, b) => a.id.localeCompare(b.id));

describe('streamWatch', () => {
  it('writes a snapshot then diffs that replay to the collector rows', async () => {
    const { collectors, last } = changingCollectors(8);
    const out = new Reader();
    const stop = new AbortController();
    const done = streamWatch({ collectors, datasets: ['multicast'], intervalMs: 20, out, stop: stop.signal });
    await until('eleven reads', () => (collectors.multicast as unknown as { reads: number }).reads > 10, 10_000, 10);
    await until('the last rows replayed', () => replay(out.lines).table.size === last().length, 10_000, 10);
    stop.abort();
    expect(await done).toBe(0);
    expect(JSON.parse(out.lines[0]!)).toMatchObject({ type: 'snapshot', dataset: 'multicast', seq: 1 });
    const { table, diffs } = replay(out.lines);
    expect(sorted(table.values())).toEqual(sorted(last()));
    expect(diffs).toBeGreaterThanOrEqual(8);
  });

  it('folds the ticks a stalled reader missed into one diff, losing nothing', async () => {
    const { collectors, last } = changingCollectors(12);
    const reads = () => (collectors.multicast as unknown as { reads: number }).reads;
    const out = new Reader();
    const stop = new AbortController();
    const done = streamWatch({ collectors, datasets: ['multicast'], intervalMs: 20, out, stop: stop.signal });
    await until('the snapshot', () => out.lines.length >= 1, 10_000, 10);
    out.stalled = true;
    const stalledAt = reads();
    await until('eight reads while stalled', () => reads() >= stalledAt + 8, 10_000, 10);
    // Two unacknowledged diffs at most were handed to the stream while it stalled.
    const linesWhileStalled = out.lines.length;
    expect(linesWhileStalled).toBeLessThanOrEqual(3);
    out.release();
    await until(
      'the rows after the stall',
      () => reads() > 14 && sorted(replay(out.lines).table.values()).length === last().length,
      10_000,
      10,
    );
    stop.abort();
    expect(await done).toBe(0);
    const { table, diffs } = replay(out.lines);
    expect(sorted(table.values())).toEqual(sorted(last()));
    // Fewer diffs than reads: the missed ticks were folded.
    expect(diffs).toBeLessThan(reads() - 1);
  });

  it('ends with 0 when the reader goes away (EPIPE), 1 on another write error', async () => {
    for (const [code, expected] of [
      ['EPIPE', 0],
      ['EIO', 1],
    ] as const) {
      const { collectors } = changingCollectors(3);
      const out = new Writable({
        write(_c, _e, cb) {
          cb(Object.assign(new Error(code), { code }));
        },
      });
      const errors: string[] = [];
      const write = process.stderr.write;
      process.stderr.write = ((s: string) => {
        errors.push(s);
        return true;
      }) as typeof process.stderr.write;
      try {
        expect(
          await streamWatch({
            collectors,
            datasets: ['multicast'],
            intervalMs: 20,
            out,
            stop: new AbortController().signal,
          }),
        ).toBe(expected);
      } finally {
        process.stderr.write = write;
      }
      expect(errors.length).toBe(expected === 0 ? 0 : 1);
    }
  });
});
