import { describe, expect, it } from 'vitest';
import type { Diff } from '../../shared/protocol.js';
import type { Connection, Route } from '../../shared/types.js';
import {
  applyBatch,
  awaitSnapshots,
  emptyTables,
  HIGHLIGHT_MS,
  MAX_CHANGES,
  replyMessages,
  type StreamData,
  type Tables,
} from './tables.js';
import { conn, diff, route, snapshot, TICK } from './test-rows.js';

const snap = (seq: number, rows: Route[]) => snapshot('routes', seq, rows);
const rdiff = (seq: number, d: Partial<Diff<Route>>) => diff('routes', seq, d);
const connDiff = (seq: number, d: Partial<Diff<Connection>>) => diff('connections', seq, d);

/** Applies batches one after the other, as frames would. */
function run(batches: StreamData[][], start: Tables = emptyTables(), now = 0) {
  let tables = start;
  const replies = [];
  for (const b of batches) {
    const r = applyBatch(tables, b, now);
    tables = r.tables;
    replies.push(...r.replies);
  }
  return { tables, replies };
}

const ids = (t: Tables) => [...t.routes.rows.keys()].sort();

describe('applyBatch', () => {
  it('a snapshot replaces the table, starts the sequence, and is acked once', () => {
    const { tables, replies } = run([[snap(7, [route('a'), route('b')])]]);
    expect(ids(tables)).toEqual(['a', 'b']);
    expect(tables.routes.seq).toBe(7);
    expect(tables.routes.received).toBe(true);
    expect(tables.routes.version).toBe(1);
    expect(tables.routes.tick).toEqual(TICK);
    expect(replies).toEqual([{ type: 'ack', dataset: 'routes', seq: 7 }]);
  });

  it('applies added, changed and removed rows in order and acks the last sequence number of the batch', () => {
    const { tables, replies } = run([
      [snap(1, [route('a'), route('b')])],
      [
        rdiff(2, { added: [route('c')] }),
        rdiff(3, { changed: [{ id: 'a', metric: 5 }] }),
        rdiff(4, { removed: ['b'] }),
      ],
    ]);
    expect(ids(tables)).toEqual(['a', 'c']);
    expect(tables.routes.rows.get('a')!.metric).toBe(5);
    expect(tables.routes.seq).toBe(4);
    // One new version per batch, however many messages it held.
    expect(tables.routes.version).toBe(2);
    expect(replies.at(-1)).toEqual({ type: 'ack', dataset: 'routes', seq: 4 });
  });

  it('replays a merged diff as removed, then added, then changed', () => {
    const { tables } = run([
      [snap(1, [route('a', 1)])],
      // "removed, then added again": the row is replaced whole, then patched.
      [rdiff(2, { removed: ['a'], added: [route('a', 2)], changed: [{ id: 'a', flags: 'UG' }] })],
    ]);
    expect(tables.routes.rows.get('a')).toMatchObject({ metric: 2, flags: 'UG' });
  });

  it('a sequence gap asks for a resync and drops the rest of that dataset until the next snapshot', () => {
    const first = run([[snap(1, [route('a')])]]);
    const gap = applyBatch(first.tables, [rdiff(3, { added: [route('x')] }), rdiff(4, { added: [route('y')] })], 0);
    expect(gap.replies).toEqual([{ type: 'resync', dataset: 'routes' }]);
    expect(ids(gap.tables)).toEqual(['a']);
    expect(gap.tables.routes.seq).toBeNull();
    expect(gap.tables.routes.version).toBe(first.tables.routes.version);
    // Diffs while waiting are ignored, without another resync.
    const waiting = applyBatch(gap.tables, [rdiff(5, { added: [route('z')] })], 0);
    expect(waiting.replies).toEqual([]);
    expect(waiting.tables).toBe(gap.tables);
    const again = applyBatch(waiting.tables, [snap(9, [route('s')]), rdiff(10, { added: [route('t')] })], 0);
    expect(ids(again.tables)).toEqual(['s', 't']);
    expect(again.replies).toEqual([{ type: 'ack', dataset: 'routes', seq: 10 }]);
  });

  it('a gap after an applied diff in the same batch: the version moves on, no ack', () => {
    const first = run([[snap(1, [route('a')])]]);
    const r = applyBatch(first.tables, [rdiff(2, { added: [route('b')] }), rdiff(4, { removed: ['a'] })], 0);
    expect(ids(r.tables)).toEqual(['a', 'b']);
    expect(r.tables.routes.version).toBe(first.tables.routes.version + 1);
    expect(r.replies).toEqual([{ type: 'resync', dataset: 'routes' }]);
  });

  it('diffs before any snapshot are ignored', () => {
    const start = emptyTables();
    const r = applyBatch(start, [rdiff(1, { added: [route('a')] })], 0);
    expect(r.tables).toBe(start);
    expect(r.replies).toEqual([]);
  });

  it('acks each dataset the batch advanced, once, after any resync', () => {
    let tables = run([[snap(1, [])]]).tables;
    tables = applyBatch(tables, [snapshot('connections', 1, [])], 0).tables;
    const r = applyBatch(tables, [connDiff(2, { added: [conn('c')] }), rdiff(5, {}), connDiff(3, {})], 0);
    expect(r.replies).toEqual([
      { type: 'resync', dataset: 'routes' },
      { type: 'ack', dataset: 'connections', seq: 3 },
    ]);
  });

  it('leaves the state it was given as it was, apart from the row and mark Maps', () => {
    const before = run([[snap(1, [route('a')])]]).tables;
    const routesBefore = before.routes;
    const copy = { version: routesBefore.version, seq: routesBefore.seq, changes: routesBefore.changes };
    const r = applyBatch(before, [rdiff(2, { added: [route('b')] })], 0);
    expect(r.tables).not.toBe(before);
    expect(r.tables.routes).not.toBe(routesBefore);
    expect(before.routes).toBe(routesBefore);
    expect({ version: routesBefore.version, seq: routesBefore.seq, changes: routesBefore.changes }).toEqual(copy);
    // Untouched datasets keep their identity, so their subscribers do not re-render.
    expect(r.tables.interfaces).toBe(before.interfaces);
  });

  it('records what each version changed, with the rows as they were before it', () => {
    const { tables } = run([
      [snap(1, [route('a', 1), route('b', 1)])],
      [
        rdiff(2, { changed: [{ id: 'a', metric: 2 }] }),
        rdiff(3, { changed: [{ id: 'a', metric: 3 }], removed: ['b'], added: [route('c')] }),
        rdiff(4, { removed: ['c'] }),
      ],
    ]);
    expect(tables.routes.changes).toHaveLength(1);
    const { version, change } = tables.routes.changes[0]!;
    expect(version).toBe(tables.routes.version);
    expect(change.upserts.map((r) => [r.id, r.metric])).toEqual([['a', 3]]);
    expect(change.removed.sort()).toEqual(['b', 'c']);
    // The state before the batch: a at metric 1 and b; c was born and died within it.
    expect(change.previous!.map((r) => [r.id, r.metric]).sort()).toEqual([
      ['a', 1],
      ['b', 1],
    ]);
  });

  it('numbers rows in their order of arrival, and forgets a removed row’s number once no kept change removed it', () => {
    let tables = run([[snap(1, [route('b'), route('a')])]]).tables;
    const ord = (id: string) => tables.routes.ordinals.get(id);
    expect([ord('b'), ord('a')]).toEqual([0, 1]);
    // New ids take the next numbers; a changed or re-added row keeps its own.
    tables = run(
      [
        [rdiff(2, { added: [route('d'), route('c')], changed: [{ id: 'a', metric: 5 }] })],
        [rdiff(3, { removed: ['b'] })],
      ],
      tables,
    ).tables;
    expect([ord('b'), ord('a'), ord('d'), ord('c')]).toEqual([0, 1, 2, 3]);
    tables = run([[rdiff(4, { added: [route('b')] })]], tables).tables;
    expect(ord('b')).toBe(0);
    tables = run([[rdiff(5, { removed: ['c'] })]], tables).tables;
    // Kept while the change that removed it is kept (a view following it looks for the row by its number).
    let seq = 6;
    for (let i = 0; i < MAX_CHANGES - 1; i++)
      tables = run([[rdiff(seq++, { added: [route(`x${i}`)] })]], tables).tables;
    expect(ord('c')).toBe(3);
    tables = run([[rdiff(seq++, { added: [route('y')] })]], tables).tables;
    expect(ord('c')).toBeUndefined();
    expect(tables.routes.ordinals.size).toBe(tables.routes.rows.size);
    expect(ord('y')).toBe(4 + MAX_CHANGES - 1);
    // A snapshot numbers its rows afresh, in its order.
    tables = run([[snap(seq++, [route('y'), route('a')])]], tables).tables;
    expect([...tables.routes.ordinals]).toEqual([
      ['y', 0],
      ['a', 1],
    ]);
  });

  it('a snapshot clears the change list (views rebuild), and the list keeps the last MAX_CHANGES versions', () => {
    let tables = run([[snap(1, [])]]).tables;
    for (let seq = 2; seq < 2 + MAX_CHANGES + 3; seq++)
      tables = applyBatch(tables, [rdiff(seq, { added: [route(`r${seq}`)] })], 0).tables;
    expect(tables.routes.changes).toHaveLength(MAX_CHANGES);
    expect(tables.routes.changes.at(-1)!.version).toBe(tables.routes.version);
    expect(tables.routes.changes[0]!.version).toBe(tables.routes.version - MAX_CHANGES + 1);
    tables = applyBatch(tables, [snap(100, [route('z')])], 0).tables;
    expect(tables.routes.changes).toEqual([]);
  });

  it('marks new and changed connections, not quiet fields or closing, and lets marks expire', () => {
    let tables = applyBatch(emptyTables(), [snapshot('connections', 1, [conn('a'), conn('b'), conn('q')])], 0).tables;
    tables = applyBatch(
      tables,
      [
        connDiff(2, {
          added: [conn('n')],
          changed: [
            { id: 'a', state: 'CLOSE_WAIT' },
            { id: 'q', recvQ: 10, sendQ: 5 },
            { id: 'b', closedAt: 500 },
          ],
        }),
      ],
      1000,
    ).tables;
    const marks = tables.connections.marks;
    expect(marks.get('n')).toEqual({ kind: 'new', at: 1000 });
    expect(marks.get('a')).toEqual({ kind: 'changed', at: 1000 });
    expect(marks.has('q')).toBe(false);
    expect(marks.has('b')).toBe(false);
    // A change to a new row keeps it new.
    tables = applyBatch(tables, [connDiff(3, { changed: [{ id: 'n', state: 'FIN_WAIT1' }] })], 1500).tables;
    expect(tables.connections.marks.get('n')!.kind).toBe('new');
    tables = applyBatch(tables, [connDiff(4, {})], 1000 + HIGHLIGHT_MS + 1).tables;
    expect(tables.connections.marks.size).toBe(0);
  });

  it('expires a mark set again by its last time, and the marks behind it by theirs', () => {
    // Expiry stops at the first mark still shown: a mark set again must move behind the older ones.
    let tables = applyBatch(emptyTables(), [snapshot('connections', 1, [conn('a'), conn('b'), conn('c')])], 0).tables;
    const change = (seq: number, id: string, at: number) =>
      (tables = applyBatch(tables, [connDiff(seq, { changed: [{ id, state: `S${seq}` as never }] })], at).tables);
    change(2, 'a', 0);
    change(3, 'b', 1000);
    change(4, 'a', 2500);
    tables = applyBatch(tables, [connDiff(5, {})], 1000 + HIGHLIGHT_MS + 1).tables;
    expect([...tables.connections.marks.keys()]).toEqual(['a']);
    expect(tables.connections.marks.get('a')).toEqual({ kind: 'changed', at: 2500 });
    // New rows behind it.
    tables = applyBatch(tables, [connDiff(6, { added: [conn('d')] })], 4000).tables;
    tables = applyBatch(tables, [connDiff(7, { added: [conn('e')] })], 5000).tables;
    tables = applyBatch(tables, [connDiff(8, {})], 4000 + HIGHLIGHT_MS + 1).tables;
    expect([...tables.connections.marks.keys()]).toEqual(['e']);
    // A clock that went back: marks from after `now` go, and do not keep older ones from expiring.
    tables = applyBatch(tables, [connDiff(9, {})], 100).tables;
    expect(tables.connections.marks.size).toBe(0);
  });

  it('routes are marked too, counters are not', () => {
    const { tables } = run([[snap(1, [])], [rdiff(2, { added: [route('a')] })]]);
    expect(tables.routes.marks.get('a')?.kind).toBe('new');
  });

  it('clears the collector error when a message arrives', () => {
    const start = run([[snap(1, [])]]).tables;
    const withError: Tables = { ...start, routes: { ...start.routes, error: { message: 'boom', at: 1 } } };
    expect(applyBatch(withError, [rdiff(2, {})], 0).tables.routes.error).toBeNull();
  });
});

describe('awaitSnapshots', () => {
  it('sets every sequence to null, so diffs wait for the snapshot a reconnect brings', () => {
    const tables = awaitSnapshots(run([[snap(3, [route('a')])]]).tables);
    expect(Object.values(tables).every((d) => d.seq === null)).toBe(true);
    expect(ids(tables)).toEqual(['a']);
    const r = applyBatch(tables, [rdiff(4, { added: [route('b')] })], 0);
    expect(r.replies).toEqual([]);
    expect(ids(r.tables)).toEqual(['a']);
  });
});

describe('replyMessages', () => {
  it("sends a tick's acks as one message, resyncs first and on their own", () => {
    expect(
      replyMessages([
        { type: 'ack', dataset: 'connections', seq: 3 },
        { type: 'resync', dataset: 'routes' },
        { type: 'ack', dataset: 'processes', seq: 9 },
      ]),
    ).toEqual([
      { type: 'resync', dataset: 'routes' },
      {
        type: 'acks',
        acks: [
          { dataset: 'connections', seq: 3 },
          { dataset: 'processes', seq: 9 },
        ],
      },
    ]);
  });

  it('keeps a lone ack as it was, and sends nothing for no replies', () => {
    expect(replyMessages([{ type: 'ack', dataset: 'routes', seq: 4 }])).toEqual([
      { type: 'ack', dataset: 'routes', seq: 4 },
    ]);
    expect(replyMessages([])).toEqual([]);
  });
});

describe('owner lists', () => {
  const owner = (pid: number, name = `p${pid}`) => ({
    pid,
    name,
    cmdline: name,
    exe: null,
    user: 'me',
    startTime: pid * 1000,
  });

  it('rows of the same processes share one list in the table, from a snapshot, an added row and a patch', () => {
    const { tables } = run([
      [
        snapshot('connections', 1, [
          conn('a', { processes: [owner(7)] }),
          conn('b', { processes: [owner(7)] }),
          conn('c', { processes: [owner(8)] }),
        ]),
      ],
      [
        connDiff(2, {
          added: [conn('d', { processes: [owner(7)] })],
          changed: [{ id: 'c', processes: [owner(7)] }],
        }),
      ],
    ]);
    const rows = tables.connections.rows;
    const list = rows.get('a')!.processes;
    expect(list).toEqual([owner(7)]);
    for (const id of ['b', 'c', 'd']) expect(rows.get(id)!.processes, id).toBe(list);
  });

  it('a process that differs in any field keeps a list of its own', () => {
    const { tables } = run([
      [
        snapshot('connections', 1, [
          conn('a', { processes: [owner(7)] }),
          conn('b', { processes: [owner(7, 'renamed')] }),
        ]),
      ],
    ]);
    const rows = tables.connections.rows;
    expect(rows.get('b')!.processes).not.toBe(rows.get('a')!.processes);
    expect(rows.get('b')!.processes[0]!.name).toBe('renamed');
  });
});
