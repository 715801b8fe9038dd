// The Connections grid's filter and menu targets, from the toggles, the process list and the query to the
// rows shown.
import { describe, expect, it } from 'vitest';
import { parseFilter, togglesPredicate } from '../../../shared/filter.js';
import type { Connection, ProcessInfo } from '../../../shared/types.js';
import { DEFAULT_TOGGLES } from '../../store/settings.js';
import { conn } from '../../store/test-rows.js';
import { HIGHLIGHT_MS } from '../../store/tables.js';
import type { Capabilities, Capability } from '../../../shared/protocol.js';
import {
  closableOf,
  closeBlocked,
  isOwnLink,
  MAX_CLOSE,
  connectionPredicate,
  countDenied,
  effectiveFilter,
  firstHighlightEnd,
  killBlocked,
  killManyBlocked,
  killableProcesses,
  killTargets,
  OWN_PROCESS_REASON,
  processesOf,
  socketsByPid,
  socketsText,
  type ActionContext,
} from './view.js';

function proc(pid: number, name: string): ProcessInfo {
  return { pid, name, cmdline: name, exe: null, user: 'me', startTime: 1 };
}

const rows: Connection[] = [
  conn('web', {
    localPort: 443,
    state: 'LISTEN',
    remoteAddress: '0.0.0.0',
    remotePort: 0,
    processes: [proc(10, 'nginx')],
  }),
  conn('ssh', { localPort: 22, remotePort: 51000, processes: [proc(20, 'sshd'), proc(21, 'sshd')] }),
  conn('dns', {
    proto: 'udp',
    family: 'inet6',
    localAddress: '::1',
    localPort: 53,
    state: 'UNCONN',
    remoteAddress: '::',
    remotePort: 0,
    processes: [proc(30, 'dnsmasq')],
  }),
  conn('hidden', { ownerStatus: 'denied', localPort: 8080, remotePort: 40000 }),
  conn('gone', { localPort: 9000, processes: [proc(40, 'curl')], closedAt: 5 }),
  conn('sock', {
    proto: 'unix',
    family: 'unix' as Connection['family'],
    localAddress: '',
    remoteAddress: '',
    state: 'CONNECTED',
    path: '/run/x',
  }),
];

function shown(query: string, processFilter: string | null = null, toggles = DEFAULT_TOGGLES): string[] {
  const predicate = connectionPredicate(togglesPredicate(toggles), processFilter, parseFilter(query));
  return rows.filter(predicate).map((r) => r.id);
}

describe('connectionPredicate', () => {
  it('with no query: what the toggles let through (unix sockets are off by default)', () => {
    expect(shown('')).toEqual(['web', 'ssh', 'dns', 'hidden', 'gone']);
    expect(shown('', null, { ...DEFAULT_TOGGLES, unix: true, tcp: false })).toEqual(['dns', 'sock']);
    expect(shown('', null, { ...DEFAULT_TOGGLES, mode: 'listening' })).toEqual(['web', 'dns']);
  });
  it('a query narrows the toggled rows', () => {
    expect(shown('port:22')).toEqual(['ssh']);
    expect(shown('proto:udp')).toEqual(['dns']);
    expect(shown('port:22', null, { ...DEFAULT_TOGGLES, tcp: false })).toEqual([]);
  });
  it('the process chosen in the side list narrows it too, by name', () => {
    expect(shown('', 'sshd')).toEqual(['ssh']);
    expect(shown('port:443', 'sshd')).toEqual([]);
  });
  it('an invalid query keeps the last valid filter', () => {
    const valid = parseFilter('port:22');
    const typing = parseFilter('port:');
    expect(typing.ok).toBe(false);
    const effective = effectiveFilter(typing, valid);
    expect(effective).toBe(valid);
    expect(rows.filter(connectionPredicate(() => true, null, effective)).map((r) => r.id)).toEqual(['ssh']);
    expect(effectiveFilter(parseFilter('port:53'), valid)).not.toBe(valid);
  });
});

describe('processesOf', () => {
  it('lists each live, known process once, of one name if asked', () => {
    expect(processesOf(rows).map((p) => p.pid)).toEqual([10, 20, 21, 30]);
    expect(processesOf(rows, 'sshd').map((p) => p.pid)).toEqual([20, 21]);
    expect(processesOf([rows[1]!, rows[1]!]).map((p) => p.pid)).toEqual([20, 21]);
  });
  it("lists those listed of a remote socket with more owners than are listed (on main: none, 'no live process')", () => {
    const partial = conn('many', { ownerStatus: 'partial', processes: [proc(40, 'worker'), proc(41, 'worker')] });
    expect(processesOf([partial]).map((p) => p.pid)).toEqual([40, 41]);
  });
});

describe('socketsByPid', () => {
  it('counts each open socket once for each process holding it, as a scan per PID does', () => {
    const more = [
      ...rows,
      conn('ssh2', { processes: [proc(20, 'sshd'), proc(20, 'sshd')] }),
      conn('web2', { processes: [proc(10, 'nginx')] }),
    ];
    const scan = (pid: number) => more.filter((r) => !r.closedAt && r.processes.some((p) => p.pid === pid)).length;
    const counts = socketsByPid(more);
    for (const pid of [10, 20, 21, 30, 40, 99]) expect(counts.get(pid)?.total ?? 0).toBe(scan(pid));
    expect(counts.get(20)?.total).toBe(2);
    expect(counts.has(40)).toBe(false);
  });
});

describe('socketsText', () => {
  it('says what the Kill dialog counts: sockets, by kind (one TCP connection and two unix sockets are not "3 connections")', () => {
    const socat = [proc(50, 'socat')];
    const held = [
      conn('t', { proto: 'tcp', processes: socat }),
      conn('u1', { proto: 'unix', family: 'unix', processes: socat }),
      conn('u2', { proto: 'unix', family: 'unix', processes: socat }),
      conn('gone', { proto: 'udp', processes: socat, closedAt: 1 }),
      conn('l', { proto: 'udp', processes: [proc(51, 'dns')] }),
    ];
    const counts = socketsByPid(held);
    expect(socketsText(counts.get(50))).toBe('3 (1 TCP, 2 unix)');
    expect(socketsText(counts.get(51))).toBe('1 UDP');
    expect(socketsText(counts.get(52))).toBe('none open');
  });
});

describe('countDenied', () => {
  it('counts open sockets without a visible owner, among those included, as rows come and go', () => {
    const agg = countDenied(togglesPredicate(DEFAULT_TOGGLES));
    for (const r of rows) agg.add(r);
    expect(agg.result()).toBe(1);
    agg.add(conn('hidden6', { ownerStatus: 'denied', family: 'inet6' }));
    agg.add(conn('hiddenClosed', { ownerStatus: 'denied', closedAt: 1 }));
    expect(agg.result()).toBe(2);
    agg.remove(rows[3]!);
    expect(agg.result()).toBe(1);
  });
});

describe('why Kill or Close is unavailable', () => {
  const can: Capability = { available: true, reason: null };
  const cannot: Capability = { available: false, reason: 'needs root' };
  const caps = (kill = can, close = can): Capabilities => ({ kill, killElevated: can, closeConnection: close });
  const here: ActionContext = { capture: false, caps: caps() };
  const owned = conn('o', { processes: [proc(1, 'curl')] });

  it('a live, owned, established TCP row can be killed and closed', () => {
    expect(killBlocked(owned, here)).toBeUndefined();
    expect(closeBlocked(owned, here)).toBeUndefined();
  });
  it('says why not, most fundamental reason first', () => {
    expect(killBlocked(owned, { ...here, capture: true })).toBe('a capture is read-only');
    expect(killBlocked(conn('d', { ownerStatus: 'denied' }), here)).toMatch(/administrator/);
    expect(killBlocked(conn('n'), here)).toBe('no process holds this socket');
    expect(killBlocked(conn('c', { ownerStatus: 'capped', processes: [] }), here)).toBe(
      'the owner is not listed: the host has more socket owners than NetLens keeps',
    );
    expect(killBlocked({ ...owned, closedAt: 1 }, here)).toBe('the connection has closed');
    expect(closeBlocked({ ...owned, closedAt: 1 }, here)).toBe('the connection has already closed');
    expect(closeBlocked({ ...owned, proto: 'udp' }, here)).toBe('only a TCP connection can be closed');
    expect(closeBlocked({ ...owned, state: 'LISTEN' }, here)).toMatch(/^a listening socket is not a connection/);
    expect(closeBlocked({ ...owned, state: 'TIME_WAIT' }, here)).toMatch(/^both ends have closed it/);
    expect(closeBlocked({ ...owned, state: 'CLOSE' }, here)).toMatch(/CLOSE: only one open at an end/);
  });
  it('a connection still open at an end can be closed: a CLOSE_WAIT its process never closes above all', () => {
    // On main only ESTABLISHED: "the connection is CLOSE_WAIT: only an established one can be closed".
    for (const state of [
      'CLOSE_WAIT',
      'FIN_WAIT1',
      'FIN_WAIT2',
      'SYN_SENT',
      'SYN_RECV',
      'LAST_ACK',
      'CLOSING',
    ] as const)
      expect(closeBlocked({ ...owned, state }, here), state).toBeUndefined();
  });
  it('NetLens’s own process is not offered to Kill on this machine; another process sharing its socket is', () => {
    const self: ActionContext = { ...here, ownPids: new Set([7]) };
    const netlens = conn('s', { processes: [proc(7, 'node')] });
    expect(killBlocked(netlens, self)).toBe(OWN_PROCESS_REASON);
    expect(killBlocked({ ...netlens, host: 'web1' }, self)).toBeUndefined();
    const shared = conn('sh', { processes: [proc(7, 'node'), proc(8, 'child')] });
    expect(killBlocked(shared, self)).toBeUndefined();
    expect(killableProcesses(shared, self).map((p) => p.pid)).toEqual([8]);
    const none = 'no live process holds these sockets';
    expect(killTargets([netlens], self, none)).toMatchObject({ processes: [], reason: OWN_PROCESS_REASON });
    expect(killTargets([netlens, owned], self, none)).toMatchObject({
      processes: [owned.processes[0]],
      reason: undefined,
    });
    // What it leaves out is said in its dialog.
    expect(killTargets([netlens, owned], self, none).leftOut.map((p) => p.pid)).toEqual([7]);
    expect(killTargets([conn('n')], self, none).reason).toBe(none);
    expect(killTargets([{ ...netlens, host: 'web1' }], self, none).processes).toHaveLength(1);
  });
  it('this machine’s capabilities apply to its own rows, not to a remote host’s', () => {
    const weak: ActionContext = { capture: false, caps: caps(cannot, cannot) };
    expect(killBlocked(owned, weak)).toBe('needs root');
    expect(closeBlocked(owned, weak)).toBe('needs root');
    const remote = { ...owned, host: 'web1' };
    expect(killBlocked(remote, weak)).toBeUndefined();
    expect(closeBlocked(remote, weak)).toBeUndefined();
  });
  it('several rows: one host at a time', () => {
    const weak: ActionContext = { capture: false, caps: caps(cannot) };
    expect(killManyBlocked([owned, owned], here)).toEqual({ reason: undefined, host: undefined });
    expect(killManyBlocked([owned], weak).reason).toBe('needs root');
    expect(killManyBlocked([{ ...owned, host: 'web1' }], weak)).toEqual({ reason: undefined, host: 'web1' });
    expect(killManyBlocked([owned, { ...owned, host: 'web1' }], here).reason).toMatch(/more than one host/);
    expect(killManyBlocked([{ ...owned, host: 'web1' }], { ...weak, capture: true }).reason).toBe(
      'a capture is read-only',
    );
  });
});

describe('closableOf', () => {
  const can: Capability = { available: true, reason: null };
  const cannot: Capability = { available: false, reason: 'needs root' };
  const ctx = (close = can): ActionContext => ({
    capture: false,
    caps: { kill: can, killElevated: can, closeConnection: close },
  });
  let port = 40000;
  const est = (id: string, more: Partial<Connection> = {}) =>
    conn(id, { processes: [proc(1, 'curl')], localPort: port++, remotePort: 443, ...more });

  it('keeps the established TCP rows of a selection and counts the rest', () => {
    const rows = [est('a'), conn('l', { state: 'LISTEN' }), est('b'), conn('u', { proto: 'udp' })];
    const r = closableOf(rows, ctx());
    expect(r.rows.map((c) => c.id)).toEqual(['a', 'b']);
    expect(r.reason).toBeUndefined();
    expect(r.skipped).toEqual({ other: 2, own: 0, ends: 0 });
  });
  it('closes a loopback connection once: its other end, also selected, is counted apart', () => {
    const a = est('a', { localAddress: '127.0.0.1', localPort: 5000, remoteAddress: '127.0.0.1', remotePort: 6000 });
    const b = est('b', { localAddress: '127.0.0.1', localPort: 6000, remoteAddress: '127.0.0.1', remotePort: 5000 });
    const c = est('c', { localAddress: '127.0.0.1', localPort: 6000, remoteAddress: '127.0.0.1', remotePort: 5001 });
    const r = closableOf([a, b, c], ctx());
    expect(r.rows.map((x) => x.id)).toEqual(['a', 'c']);
    expect(r.skipped.ends).toBe(1);
    // An IPv6 server's end of an IPv4 connection (::ffff:127.0.0.1) is the same connection's other end.
    const mapped = est('m', {
      family: 'inet6',
      localAddress: '::ffff:127.0.0.1',
      localPort: 6000,
      remoteAddress: '::ffff:127.0.0.1',
      remotePort: 5000,
    });
    expect(closableOf([a, mapped], ctx()).skipped.ends).toBe(1);
    // The same endpoints on another host are another connection.
    const remote = { ...b, id: 'rb', host: 'web1' };
    expect(closableOf([a, remote], ctx()).skipped.ends).toBe(0);
  });
  it("leaves out a page's own link to the browser host, at either end", () => {
    const own = { address: '127.0.0.1', port: 8080 };
    const server = est('s', {
      localAddress: '127.0.0.1',
      localPort: 8080,
      remoteAddress: '127.0.0.1',
      remotePort: 5555,
    });
    const page = est('p', { localAddress: '127.0.0.1', localPort: 5555, remoteAddress: '127.0.0.1', remotePort: 8080 });
    const other = est('o');
    // The host's listener is not a page's link: not an established connection, counted as such.
    const listener = conn('l', { localAddress: '127.0.0.1', localPort: 8080, state: 'LISTEN' });
    const r = closableOf([server, page, other, listener], ctx(), own);
    expect(r.rows.map((x) => x.id)).toEqual(['o']);
    expect(r.skipped).toEqual({ other: 1, own: 2, ends: 0 });
    expect(closableOf([server, page], ctx(), own).reason).toMatch(/^these are NetLens's own connections/);
    // With the host's listener too: the established ones are said to be NetLens's own, not that none is established.
    expect(closableOf([server, page, listener], ctx(), own).reason).toMatch(
      /^the established ones are NetLens's own connections .*; the others are not established TCP connections$/,
    );
    // A name for the host's address: its port alone says it; a remote host's row never is.
    expect(isOwnLink(page, { address: null, port: 8080 })).toBe(true);
    expect(isOwnLink({ ...page, host: 'web1' }, own)).toBe(false);
    expect(isOwnLink(page, null)).toBe(false);
  });
  it('says why when none can be closed: what this machine cannot do, or that none is an established TCP connection', () => {
    expect(closableOf([est('a'), est('b')], ctx(cannot))).toMatchObject({ rows: [], reason: 'needs root' });
    expect(closableOf([est('a')], { ...ctx(), capture: true }).reason).toBe('a capture is read-only');
    // Listeners alone: in the plural, not one row's words.
    expect(closableOf([conn('l', { state: 'LISTEN' }), conn('m', { state: 'LISTEN' })], ctx()).reason).toBe(
      'none of these is an established TCP connection that can be closed',
    );
    expect(closableOf([], ctx()).reason).toMatch(/none of these/);
  });
  it('refuses rows of several hosts at once, as Kill does', () => {
    expect(closableOf([est('a'), est('b', { host: 'web1' })], ctx()).reason).toMatch(/more than one host/);
    expect(closableOf([est('a', { host: 'web1' }), est('b', { host: 'web1' })], ctx()).reason).toBeUndefined();
  });
  it('refuses more than MAX_CLOSE at once, saying how many were chosen', () => {
    const many = Array.from({ length: MAX_CLOSE + 1 }, (_, i) => est(`c${i}`));
    expect(closableOf(many, ctx()).reason).toBe('1,001 connections: select at most 1,000 to close at once');
    expect(closableOf(many.slice(1), ctx()).reason).toBeUndefined();
  });
});

describe('firstHighlightEnd', () => {
  it('is the end of the first mark still shown, passing over those ended and any from after now', () => {
    const marks = new Map([
      ['gone', { kind: 'new' as const, at: 1000 }],
      ['shown', { kind: 'changed' as const, at: 2500 }],
      ['later', { kind: 'new' as const, at: 3000 }],
    ]);
    expect(firstHighlightEnd(marks, 4500)).toBe(2500 + HIGHLIGHT_MS);
    expect(firstHighlightEnd(marks, 2000)).toBe(1000 + HIGHLIGHT_MS);
    expect(firstHighlightEnd(marks, 6000)).toBe(3000 + HIGHLIGHT_MS);
    expect(firstHighlightEnd(marks, 6001)).toBeNull();
    expect(firstHighlightEnd(new Map([['ahead', { kind: 'new' as const, at: 9000 }]]), 5000)).toBeNull();
    expect(firstHighlightEnd(new Map(), 5000)).toBeNull();
  });
});
