// The process side list's numbers: sockets per process name (followed row by row) and traffic per name.
import { describe, expect, it } from 'vitest';
import { isListening } from '../../../shared/filter.js';
import {
  NO_PROCESS,
  NO_TCP_TRAFFIC_NOTE,
  OTHER_USERS,
  OWNER_NOT_LISTED,
  type Connection,
  type ProcessInfo,
  type ProcessTraffic,
} from '../../../shared/types.js';
import { followAggregate } from '../../store/live-rows.js';
import { applyBatch, emptyTables } from '../../store/tables.js';
import { conn, diff, snapshot } from '../../store/test-rows.js';
import {
  matchesProcess,
  NO_SOCKETS_NOW,
  processListColumns,
  processTally,
  trafficByName,
  withTraffic,
  type ProcessEntry,
} from './ProcessList.js';
import { middleCut } from '../../components/MiddleCut.js';
import { renderToStaticMarkup } from 'react-dom/server';
import { processesOf } from './view.js';

const proc = (pid: number, name: string): ProcessInfo => ({
  pid,
  name,
  cmdline: '',
  exe: null,
  user: null,
  startTime: 1,
});

function traffic(pid: number, name: string, fields: Partial<ProcessTraffic> = {}): ProcessTraffic {
  return {
    id: `${pid}@1`,
    pid,
    name,
    user: null,
    connections: 1,
    bytesSent: 0,
    bytesReceived: 0,
    closedConnections: 0,
    note: null,
    ...fields,
  } as ProcessTraffic;
}

describe('processTally', () => {
  it('followed through changes it skips (queues) and changes it must count (state, owner, closing), as a recount', () => {
    const toggles = (r: Connection) => r.state !== 'TIME_WAIT';
    const create = () => processTally(toggles, isListening);
    const rows = Array.from({ length: 12 }, (_, i) =>
      conn(`c${i}`, { processes: [proc(100 + (i % 3), ['a', 'b', 'c'][i % 3]!)] }),
    );
    let tables = applyBatch(emptyTables(), [snapshot('connections', 1, rows)], 0).tables;
    let st = followAggregate(null, tables.connections, create);
    // (The list sorts the entries: their order here is the order names came.)
    const byName = (out: ProcessEntry[]) => [...out].sort((x, y) => (x.name < y.name ? -1 : 1));
    const recount = () => byName(followAggregate(null, tables.connections, create).out);
    const patches: Partial<Connection>[] = [
      { recvQ: 5 },
      { state: 'LISTEN' },
      { state: 'TIME_WAIT' },
      { processes: [proc(200, 'd')] },
      { ownerStatus: 'denied' },
      { closedAt: 3 },
      { sendQ: 1, state: 'ESTABLISHED' },
    ];
    let seq = 1;
    for (let round = 0; round < 3; round++)
      for (const [k, patch] of patches.entries()) {
        const changed = [{ id: `c${(k * 5 + round) % 12}`, ...patch }];
        tables = applyBatch(tables, [diff('connections', ++seq, { changed })], 0).tables;
        st = followAggregate(st, tables.connections, create);
        expect(byName(st.out)).toEqual(recount());
      }
  });

  it('counts sockets and listeners per name, each PID once, hidden owners together; rows leave as they came', () => {
    const tally = processTally(() => true, isListening);
    const web = conn('w', { state: 'LISTEN', processes: [proc(10, 'nginx'), proc(11, 'nginx')] });
    const web2 = conn('w2', { processes: [proc(11, 'nginx')] });
    const hidden = conn('h', { ownerStatus: 'denied' });
    const orphan = conn('o', { processes: [] });
    for (const r of [web, web2, hidden, orphan, conn('c', { closedAt: 1, processes: [proc(12, 'curl')] })])
      tally.add(r);
    const byName = new Map(tally.result().map((e) => [e.name, e]));
    expect(byName.get('nginx')).toMatchObject({ connections: 2, listening: 1, pids: [10, 11] });
    expect(byName.get(OTHER_USERS)?.connections).toBe(1);
    expect(byName.get(NO_PROCESS)?.connections).toBe(1);
    // Closed rows do not count.
    expect(byName.has('curl')).toBe(false);
    tally.remove(web);
    expect(tally.result().find((e) => e.name === 'nginx')).toMatchObject({ connections: 1, listening: 0, pids: [11] });
    expect(matchesProcess(hidden, OTHER_USERS)).toBe(true);
    expect(matchesProcess(web, 'nginx')).toBe(true);
  });
});

describe('traffic per name', () => {
  it('sums the processes of a name; a rate unknown for one is the others’', () => {
    const t = trafficByName([
      traffic(1, 'curl', { bytesSent: 10, bytesReceived: 100, sendRate: 5, recvRate: null }),
      traffic(2, 'curl', { bytesSent: 1, bytesReceived: null, sendRate: 2, recvRate: 7 }),
    ]);
    expect(t.get('curl')).toMatchObject({ bytesSent: 11, bytesReceived: 100, sendRate: 7, recvRate: 7 });
  });
  it('joins the tally; names with bytes but no socket left are listed too, all of them for a capture', () => {
    const entries = [{ id: 'curl', name: 'curl', pids: [1], connections: 1, listening: 0 }];
    const t = trafficByName([
      traffic(1, 'curl', { bytesSent: 5 }),
      traffic(2, 'wget', { bytesSent: 9, connections: 0 }),
      traffic(3, 'idle', { connections: 0 }),
    ]);
    expect(withTraffic(entries, t).map((e) => [e.name, e.traffic?.bytesSent])).toEqual([
      ['curl', 5],
      ['wget', 9],
    ]);
    expect(withTraffic(entries, t, true).map((e) => e.name)).toEqual(['curl', 'wget', 'idle']);
    expect(withTraffic(entries, null)).toBe(entries);
    // A name the host sent no traffic row for holds no TCP, UDP or raw socket: n/a with the reason, as the host says
    // of UDP and raw ones, not a blank beside them.
    const unixOnly = [{ id: 'cat', name: 'cat', pids: [4], connections: 1, listening: 0 }];
    expect(withTraffic(unixOnly, t)[0]!.traffic).toMatchObject({ bytesSent: null, note: NO_TCP_TRAFFIC_NOTE });
  });
});

// Anyone may name a process "(no process)": its sockets once counted in the bucket of sockets no process holds,
// its traffic summed with the bucket's, and the bucket's Kill reached it (review, 12-02).
describe('a process named as a bucket', () => {
  it('is an entry of its own, apart from the bucket, in the tally, the traffic and the filter', () => {
    const tally = processTally(() => true, isListening);
    const orphan = conn('o', { processes: [] });
    const spoof = conn('s', { processes: [proc(66, NO_PROCESS)] });
    const other = conn('d', { ownerStatus: 'denied', processes: [] });
    const spoofOther = conn('t', { processes: [proc(67, OTHER_USERS)] });
    for (const r of [orphan, spoof, other, spoofOther]) tally.add(r);
    const entries = tally.result();
    expect(entries).toHaveLength(4);
    const bucket = entries.find((e) => e.id === NO_PROCESS)!;
    const named = entries.find((e) => e.id !== NO_PROCESS && e.name === NO_PROCESS)!;
    expect(bucket).toMatchObject({ name: NO_PROCESS, pids: [], connections: 1 });
    expect(named).toMatchObject({ name: NO_PROCESS, pids: [66], connections: 1 });
    expect(entries.filter((e) => e.name === OTHER_USERS).map((e) => e.pids)).toEqual([[], [67]]);
    // A remote socket past its host's owners' cap is a bucket of its own (on main: counted as (no process)).
    const capped = conn('c', { ownerStatus: 'capped', processes: [] });
    tally.add(capped);
    expect(tally.result().find((e) => e.id === OWNER_NOT_LISTED)).toMatchObject({ pids: [], connections: 1 });
    expect(tally.result().find((e) => e.id === NO_PROCESS)).toMatchObject({ connections: 1 });
    expect(matchesProcess(capped, OWNER_NOT_LISTED)).toBe(true);
    expect(matchesProcess(capped, NO_PROCESS)).toBe(false);
    tally.remove(capped);
    expect(matchesProcess(orphan, NO_PROCESS)).toBe(true);
    expect(matchesProcess(spoof, NO_PROCESS)).toBe(false);
    expect(matchesProcess(spoof, named.id)).toBe(true);
    expect(processesOf([orphan, spoof], bucket.id)).toEqual([]);
    expect(processesOf([orphan, spoof], named.id).map((p) => p.pid)).toEqual([66]);

    const t = trafficByName([
      { ...traffic(0, NO_PROCESS, { bytesSent: 100 }), id: NO_PROCESS, pid: null },
      traffic(66, NO_PROCESS, { bytesSent: 7 }),
    ]);
    expect(t.get(bucket.id)?.bytesSent).toBe(100);
    expect(t.get(named.id)?.bytesSent).toBe(7);
    expect(withTraffic(entries, t).find((e) => e.id === named.id)?.traffic?.bytesSent).toBe(7);
  });
});

describe('process names in the list', () => {
  // Linux names a process by its first 15 characters (comm): four "npm exec …" rows were these.
  const names = ['npm exec @playw', 'npm exec typesc', 'npm exec vite -', 'npm exec @playwright/mcp@latest'];

  it('keep the end of a long name on screen (cut in the middle), so names alike at their start differ', () => {
    const tails = names.map((n) => middleCut(n)?.tail);
    expect(new Set(tails).size).toBe(names.length);
    for (const n of names) expect(Object.values(middleCut(n) ?? {}).join('')).toBe(n);
    expect(middleCut('sshd')).toBeNull();
    // Never between the halves of a surrogate pair.
    const emoji = `${'x'.repeat(14)}\u{1F600}${'y'.repeat(11)}`;
    expect(middleCut(emoji)).toEqual({ head: 'x'.repeat(14), tail: `\u{1F600}${'y'.repeat(11)}` });
  });

  it('draw the tail apart from the head the column may cut (on main: one text cut at its end)', () => {
    const name = processListColumns.find((c) => c.id === 'name')!;
    const html = renderToStaticMarkup(
      name.render!({ id: 'k', name: names[0]!, pids: [1], connections: 1, listening: 0 }),
    );
    expect(html).toContain('<span class="mid-tail">');
    expect(html).toContain('@playw');
  });
});

describe("the process list's PIDs", () => {
  const pids = processListColumns.find((c) => c.id === 'pids')!;
  const entry = (list: number[]) => ({ id: 'k', name: 'socat', pids: list, connections: 3, listening: 0 });

  it('show the first and how many more, every one in the tooltip, the copy and the export', () => {
    const several = entry([6670, 7667, 7669, 7702]);
    const cell = (e: ReturnType<typeof entry>) => renderToStaticMarkup(<div>{pids.render!(e)}</div>);
    expect(cell(several)).toBe('<div><span title="6670, 7667, 7669, 7702">6670 +3</span></div>');
    expect(pids.text(several)).toBe('6670, 7667, 7669, 7702');
    expect(pids.value!(several)).toEqual([6670, 7667, 7669, 7702]);
    expect(cell(entry([42]))).toBe('<div>42</div>');
    expect(cell(entry([]))).toBe('<div></div>');
  });

  it('of a name 10,000 processes run under: the first 64 in the text and tooltip, every one in the export', () => {
    const many = entry(Array.from({ length: 10_000 }, (_, i) => 1000 + i));
    const text = pids.text(many);
    expect(text.startsWith('1000, 1001, ')).toBe(true);
    expect(text.endsWith('1063 and 9936 more')).toBe(true);
    expect(text.length).toBeLessThan(500);
    expect(renderToStaticMarkup(<div>{pids.render!(many)}</div>)).toBe(
      `<div><span title="${text}">1000 +9999</span></div>`,
    );
    expect(pids.value!(many)).toHaveLength(10_000);
  });
});

describe('a process listed for its traffic alone', () => {
  it('is drawn muted, and its tooltip says it has no open sockets now', () => {
    const name = processListColumns.find((c) => c.id === 'name')!;
    const gone = { id: 'secretroot', name: 'secretroot', pids: [], connections: 0, listening: 0 };
    const html = renderToStaticMarkup(<div>{name.render!(gone)}</div>);
    expect(html).toContain('class="muted"');
    // Its whole name first: the cell may cut it in its middle (on main the tooltip was the note alone).
    expect(html).toContain(`title="secretroot\n${NO_SOCKETS_NOW}"`);
    const long = renderToStaticMarkup(<div>{name.render!({ ...gone, name: 'rvlongname4242\u202e' })}</div>);
    expect(long).toContain(`title="rvlongname4242\\u202e\n${NO_SOCKETS_NOW}"`);
    const open = renderToStaticMarkup(<div>{name.render!({ ...gone, pids: [7], connections: 1 })}</div>);
    expect(open).not.toContain('muted');
  });
});
