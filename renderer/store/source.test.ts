import { describe, expect, it } from 'vitest';
import { emptyDiagnostics, type Dataset } from '../../shared/types.js';
import type { OpenCapture } from './capture.js';
import { followView } from './live-rows.js';
import { captureFor, capturedTable, sameRows, showsCapture } from './source.js';
import { route } from './test-rows.js';

function capture(dataset: Dataset, rows: unknown[]): OpenCapture {
  const diagnostics = { ...emptyDiagnostics(), skipped: 2 };
  return { fileName: 'x.txt', format: 'test', dataset, rows, diagnostics } as unknown as OpenCapture;
}

describe('captureFor', () => {
  it('a capture takes the place of its own dataset, and empties the ones shown beside it', () => {
    const sockets = capture('connections', []);
    expect(captureFor(sockets, 'connections')).toBe(sockets);
    expect(captureFor(sockets, 'processes')).toBe(sockets);
    expect(captureFor(sockets, 'routes')).toBeNull();
    const totals = capture('processes', []);
    expect(captureFor(totals, 'connections')).toBe(totals);
    const groups = capture('multicast', []);
    // A capture of multicast groups leaves the interfaces live; one of interfaces leaves no groups.
    expect(captureFor(groups, 'interfaces')).toBeNull();
    expect(captureFor(capture('interfaces', []), 'multicast')).not.toBeNull();
    expect(captureFor(null, 'routes')).toBeNull();
  });
});

describe('showsCapture', () => {
  it('is true of the tab a capture opens in alone: History, which reads the live connections, never shows one', () => {
    const sockets = capture('connections', []);
    expect(showsCapture(sockets, 'connections')).toBe(true);
    expect(showsCapture(sockets, 'history')).toBe(false);
    expect(showsCapture(sockets, 'routes')).toBe(false);
    expect(showsCapture(capture('processes', []), 'connections')).toBe(true);
    expect(showsCapture(capture('multicast', []), 'interfaces')).toBe(true);
    expect(showsCapture(capture('interfaces', []), 'history')).toBe(false);
    expect(showsCapture(null, 'connections')).toBe(false);
  });
});

describe('capturedTable', () => {
  it('is a received table of the capture rows that never moves on, or an empty one for another dataset', () => {
    const c = capture('routes', [route('a'), route('b')]);
    const table = capturedTable(c, 'routes');
    expect([...table.rows.keys()]).toEqual(['a', 'b']);
    expect(table).toMatchObject({ received: true, version: 0, tick: null, changes: [] });
    expect(table.diagnostics?.skipped).toBe(2);
    expect(table.marks.size).toBe(0);
    expect(capturedTable(c, 'interfaces').rows.size).toBe(0);
    // The live views show it like any table.
    const view = followView(
      null,
      table,
      [{ id: 'id', header: 'Id', width: 9, sortValue: (r) => r.id, text: (r) => r.id }],
      [{ id: 'id', desc: true }],
      () => true,
    );
    expect(view.view.rows.map((r) => r.id)).toEqual(['b', 'a']);
  });
});

describe('sameRows', () => {
  it('keeps the previous array while it holds the same row objects in the same order', () => {
    const a = route('a');
    const b = route('b');
    const previous = [a, b];
    expect(sameRows(previous, [a, b])).toBe(previous);
    // A row a diff changed is a new object; a row added or removed, or the order moved, is a new array.
    const changed = [a, { ...b }];
    expect(sameRows(previous, changed)).toBe(changed);
    const fewer = [a];
    expect(sameRows(previous, fewer)).toBe(fewer);
    const moved = [b, a];
    expect(sameRows(previous, moved)).toBe(moved);
    const first = [a];
    expect(sameRows(null, first)).toBe(first);
  });
});
